//! Page classification and filling on pages captured from node oidc-provider 9.13.3 (the
//! package's dev interactions, the peer's strict pages and its form_post page), so a change in
//! detection that would stop the harness driving that provider fails here first.

use url::Url;

use super::super::*;
use crate::flow::callback::{ResponseSource, parse_form_post};

const DEV_LOGIN: &str = include_str!("../fixtures/node913_dev_login.html");
const DEV_CONSENT: &str = include_str!("../fixtures/node913_dev_consent.html");
const FORM_POST: &str = include_str!("../fixtures/node913_form_post.html");
const STRICT_LOGIN: &str = include_str!("../fixtures/node_strict_login.html");
const STRICT_LOGIN_ERROR: &str = include_str!("../fixtures/node_strict_login_error.html");
const STRICT_CONSENT: &str = include_str!("../fixtures/node_strict_consent.html");

const DEV_LOGIN_PAGE: &str = "http://op.test/interaction/UID-LOGIN-0000000000000000000000000000000";
const DEV_CONSENT_PAGE: &str =
    "http://op.test/interaction/UID-CONSENT-00000000000000000000000000000";
const STRICT_LOGIN_PAGE: &str =
    "http://op.test/interaction/UID-STRICT-LOGIN-0000000000000000000000000";
const STRICT_CONSENT_PAGE: &str =
    "http://op.test/interaction/UID-STRICT-CONSENT-000000000000000000000000";

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn values<'a>(sub: &'a Submission, name: &str) -> Vec<&'a str> {
    sub.fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn dev_login_fills_login_field_and_posts_to_the_interaction_itself() {
    let Page::Login(l) = classify(DEV_LOGIN, &url(DEV_LOGIN_PAGE), &FormHints::default()) else {
        panic!("expected a login page");
    };
    assert_eq!(l.username_field.as_deref(), Some("login"));
    assert_eq!(l.password_field.as_deref(), Some("password"));
    let sub = fill_login(&l, "alice", "any-password", &FormHints::default());
    assert_eq!(sub.method, FormMethod::Post);
    // 9.13 posts to the interaction URL itself (older views posted to `<uid>/login`).
    assert_eq!(sub.url.as_str(), DEV_LOGIN_PAGE);
    assert_eq!(
        sub.fields,
        [
            ("prompt".to_owned(), "login".to_owned()),
            ("login".to_owned(), "alice".to_owned()),
            ("password".to_owned(), "any-password".to_owned()),
        ],
        "the unnamed Sign-in button adds nothing"
    );
}

#[test]
fn dev_consent_is_allowed_by_the_hidden_prompt_and_has_no_deny() {
    let page = classify(DEV_CONSENT, &url(DEV_CONSENT_PAGE), &FormHints::default());
    let Page::Consent(c) = page else {
        panic!("expected a consent page, found {page:?}")
    };
    assert_eq!(c.allow.label, "Continue");
    assert!(
        c.deny.is_none() && c.deny_submission().is_none(),
        "abort is a link, not a button"
    );
    let sub = c.allow_submission();
    assert_eq!(sub.url.as_str(), DEV_CONSENT_PAGE);
    assert_eq!(sub.fields, [("prompt".to_owned(), "consent".to_owned())]);
}

#[test]
fn form_post_page_is_read_as_the_callback() {
    let page = classify(
        FORM_POST,
        &url("http://op.test/auth/UID"),
        &FormHints::default(),
    );
    let Page::AutoPost(form) = page else {
        panic!("expected an auto-post page, found {page:?}")
    };
    let cb = parse_form_post(&form, &url("http://rp.test/callback")).unwrap();
    assert_eq!(cb.source, ResponseSource::FormPost);
    assert_eq!(
        cb.code(),
        Some("CODE-000000000000000000000000000000000000000")
    );
    assert_eq!(cb.state(), Some("st-form"));
    assert_eq!(cb.iss(), Some("http://op.test"));
    assert_eq!(
        cb.params.len(),
        3,
        "the noscript Continue button is not a field"
    );
}

#[test]
fn strict_login_keeps_csrf_and_presses_the_named_button() {
    let page = classify(STRICT_LOGIN, &url(STRICT_LOGIN_PAGE), &FormHints::default());
    let Page::Login(l) = page else {
        panic!("expected a login page, found {page:?}")
    };
    assert_eq!(l.username_field.as_deref(), Some("username"));
    let sub = fill_login(&l, "alice", "pw", &FormHints::default());
    assert_eq!(sub.url.as_str(), format!("{STRICT_LOGIN_PAGE}/login"));
    assert_eq!(
        values(&sub, "csrf_token"),
        ["CSRF-LOGIN-00000000000000000000000000000000"]
    );
    assert_eq!(values(&sub, "username"), ["alice"]);
    assert_eq!(values(&sub, "password"), ["pw"]);
    assert_eq!(values(&sub, "action"), ["login"]);
}

#[test]
fn strict_login_error_page_is_still_a_login_page() {
    // The driver calls it LoginRejected because it comes right after a submitted login.
    let page_url = url(&format!("{STRICT_LOGIN_PAGE}?error=1"));
    assert!(matches!(
        classify(STRICT_LOGIN_ERROR, &page_url, &FormHints::default()),
        Page::Login(_)
    ));
}

#[test]
fn strict_consent_has_allow_and_deny_decisions_with_csrf() {
    let page = classify(
        STRICT_CONSENT,
        &url(STRICT_CONSENT_PAGE),
        &FormHints::default(),
    );
    let Page::Consent(c) = page else {
        panic!("expected a consent page, found {page:?}")
    };
    let allow = c.allow_submission();
    assert_eq!(allow.url.as_str(), format!("{STRICT_CONSENT_PAGE}/confirm"));
    assert_eq!(values(&allow, "decision"), ["allow"]);
    assert_eq!(
        values(&allow, "csrf_token"),
        ["CSRF-CONSENT-000000000000000000000000000000"]
    );
    let deny = c.deny_submission().unwrap();
    assert_eq!(values(&deny, "decision"), ["deny"]);
    assert_eq!(
        values(&deny, "csrf_token"),
        ["CSRF-CONSENT-000000000000000000000000000000"]
    );
}
