//! Tests for form parsing, page classification and filling, on hand-written fixtures
//! modelled on real providers (provenance in each fixture's leading comment).

use url::Url;

use super::*;

mod node_peer;

const FIEF_LOGIN: &str = include_str!("fixtures/fief_login.html");
const FIEF_CONSENT: &str = include_str!("fixtures/fief_consent.html");
const NODE_LOGIN: &str = include_str!("fixtures/node_login.html");
const NODE_CONSENT: &str = include_str!("fixtures/node_consent.html");
const DJANGO_LOGIN: &str = include_str!("fixtures/django_login.html");
const ACTION_HASH: &str = include_str!("fixtures/action_hash.html");
const NO_ACTION: &str = include_str!("fixtures/no_action.html");
const GET_FORM: &str = include_str!("fixtures/get_form.html");
const TWO_FORMS: &str = include_str!("fixtures/two_forms.html");
const FORM_POST: &str = include_str!("fixtures/form_post.html");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn no_hints() -> FormHints {
    FormHints::default()
}

fn login(html: &str, page: &str, hints: &FormHints) -> LoginForm {
    match classify(html, &url(page), hints) {
        Page::Login(l) => l,
        other => panic!("expected a login page, found {other:?}"),
    }
}

fn consent(html: &str, page: &str, hints: &FormHints) -> ConsentForm {
    match classify(html, &url(page), hints) {
        Page::Consent(c) => c,
        other => panic!("expected a consent page, found {other:?}"),
    }
}

fn field<'a>(sub: &'a Submission, name: &str) -> Vec<&'a str> {
    sub.fields.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

#[test]
fn fief_login_fills_email_password_and_keeps_csrf() {
    let l = login(FIEF_LOGIN, "https://fief.test/login?x=1", &no_hints());
    assert_eq!(l.username_field.as_deref(), Some("email"));
    assert_eq!(l.password_field.as_deref(), Some("password"));
    assert_eq!(l.form.action.as_str(), "https://fief.test/login");
    assert_eq!(l.form.method, FormMethod::Post);
    let sub = fill_login(&l, "anne@example.test", "pw-1", &no_hints());
    assert_eq!(sub.method, FormMethod::Post);
    assert_eq!(field(&sub, "csrf_token"), ["ImQ0ZjlmN2Fh.Zk9cLw.fake-csrf-1"]);
    assert_eq!(field(&sub, "email"), ["anne@example.test"]);
    assert_eq!(field(&sub, "password"), ["pw-1"]);
    // The sign-in button has no name: nothing extra is submitted.
    assert_eq!(sub.fields.len(), 3);
}

#[test]
fn fief_consent_buttons_found_by_value_whatever_the_language() {
    let c = consent(FIEF_CONSENT, "https://fief.test/consent", &no_hints());
    assert_eq!(c.allow.value.as_deref(), Some("allow"));
    assert_eq!(c.allow.label, "Autoriser");
    assert_eq!(c.deny.as_ref().and_then(|d| d.value.as_deref()), Some("deny"));
    let sub = press(&c.form, Some(&c.allow));
    assert_eq!(sub.url.as_str(), "https://fief.test/consent");
    assert_eq!(
        sub.fields,
        [
            ("csrf_token".to_owned(), "ImQ0ZjlmN2Fh.Zk9cLw.fake-csrf-2".to_owned()),
            ("action".to_owned(), "allow".to_owned()),
        ]
    );
    let deny = press(&c.form, c.deny.as_ref());
    assert_eq!(field(&deny, "action"), ["deny"]);
}

#[test]
fn node_login_resolves_relative_action_and_finds_login_field() {
    let l = login(NODE_LOGIN, "https://op.test/interaction/Xq7rV2kHc9", &no_hints());
    assert_eq!(l.username_field.as_deref(), Some("login"));
    assert_eq!(l.form.action.as_str(), "https://op.test/interaction/Xq7rV2kHc9/login");
    let sub = fill_login(&l, "alice", "pw", &no_hints());
    assert_eq!(field(&sub, "prompt"), ["login"]);
    assert_eq!(field(&sub, "login"), ["alice"]);
}

#[test]
fn node_consent_is_hidden_prompt_with_continue_and_no_deny() {
    let c = consent(NODE_CONSENT, "https://op.test/interaction/Xq7rV2kHc9", &no_hints());
    assert_eq!(c.allow.label, "Continue");
    assert!(c.deny.is_none());
    assert_eq!(c.form.action.as_str(), "https://op.test/interaction/Xq7rV2kHc9/confirm");
    // Without the "Continue" wording, the hidden prompt=consent still identifies it.
    let renamed = NODE_CONSENT.replace(">Continue<", ">Weiter<");
    let c = consent(&renamed, "https://op.test/i/1", &no_hints());
    assert_eq!(c.allow.label, "Weiter");
}

#[test]
fn django_login_keeps_csrf_and_next() {
    let l = login(DJANGO_LOGIN, "https://dj.test/admin/login/", &no_hints());
    assert_eq!(l.username_field.as_deref(), Some("username"));
    assert_eq!(
        l.form.action.as_str(),
        "https://dj.test/admin/login/?next=/o/authorize/%3Fclient_id%3Dharness"
    );
    let sub = fill_login(&l, "admin", "pw", &no_hints());
    assert_eq!(field(&sub, "csrfmiddlewaretoken"), ["fakeCsrfMiddlewareToken0123456789abcdef"]);
    assert_eq!(field(&sub, "next"), ["/o/authorize/?client_id=harness"]);
    // The <input type=submit> has no name: not submitted.
    assert_eq!(sub.fields.len(), 4);
}

#[test]
fn action_hash_posts_to_page_without_fragment_and_skips_unchecked_boxes() {
    let page = "https://idp.test/auth?client_id=c#frag";
    let forms = parse_forms(ACTION_HASH, &url(page));
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].action.as_str(), "https://idp.test/auth?client_id=c");
    let names: Vec<&str> = forms[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["session_code", "user", "pass", "terms"]);
    assert_eq!(forms[0].fields[3].value, "on");
    let l = login(ACTION_HASH, page, &no_hints());
    assert_eq!(l.username_field.as_deref(), Some("user"));
    let sub = fill_login(&l, "u", "p", &no_hints());
    assert_eq!(field(&sub, "login"), ["Anmelden"]);
}

#[test]
fn no_action_posts_to_page_url_with_select_and_textarea_values() {
    let page = "https://idp.test/consent?consent_challenge=ch-9f8e";
    let c = consent(NO_ACTION, page, &no_hints());
    assert_eq!(c.form.action.as_str(), page);
    assert_eq!(c.allow.value.as_deref(), Some("Yes"));
    assert_eq!(c.deny.as_ref().and_then(|d| d.value.as_deref()), Some("No"));
    let sub = press(&c.form, Some(&c.allow));
    assert_eq!(field(&sub, "remember_for"), ["3600"]);
    assert_eq!(field(&sub, "note"), ["hello"]);
    assert_eq!(field(&sub, "consent"), ["Yes"]);
}

#[test]
fn get_form_replaces_action_query_with_fields() {
    let c = consent(GET_FORM, "https://idp.test/dialog", &no_hints());
    assert_eq!(c.form.method, FormMethod::Get);
    assert_eq!(c.form.submits.len(), 2, "type=button is not a submit");
    let sub = press(&c.form, Some(&c.allow));
    assert_eq!(sub.url.as_str(), "https://idp.test/oauth/approve?txn=t+1%262&decision=approve");
    let req = sub.into_request();
    assert_eq!(req.method, reqwest::Method::GET);
    assert!(req.form.is_none());
}

#[test]
fn two_forms_picks_login_and_identifier_field_and_skips_cancel() {
    let l = login(TWO_FORMS, "https://idp.test/u/login", &no_hints());
    assert_eq!(l.form.index, 1);
    assert_eq!(l.username_field.as_deref(), Some("identifier"));
    assert_eq!(l.password_field.as_deref(), Some("secret"));
    let sub = fill_login(&l, "bob", "pw", &no_hints());
    assert_eq!(field(&sub, "action"), ["default"]);
    assert_eq!(field(&sub, "identifier"), ["bob"]);
    assert_eq!(field(&sub, "given_name"), [""]);
}

#[test]
fn hints_override_detection() {
    let hints = FormHints {
        username_field: Some("given_name".into()),
        submit: Some("cancel".into()),
        ..FormHints::default()
    };
    let l = login(TWO_FORMS, "https://idp.test/u/login", &hints);
    assert_eq!(l.username_field.as_deref(), Some("given_name"));
    let sub = fill_login(&l, "bob", "pw", &hints);
    assert_eq!(field(&sub, "action"), ["cancel"]);

    let hints = FormHints {
        consent_allow: Some("Refuser".into()),
        consent_deny: Some("allow".into()),
        ..FormHints::default()
    };
    let c = consent(FIEF_CONSENT, "https://fief.test/consent", &hints);
    assert_eq!(c.allow.value.as_deref(), Some("deny"));
    assert_eq!(c.deny.and_then(|d| d.value).as_deref(), Some("allow"));
}

#[test]
fn form_post_page_is_auto_post() {
    match classify(FORM_POST, &url("https://idp.test/authorize"), &no_hints()) {
        Page::AutoPost(f) => {
            assert_eq!(f.action.as_str(), "https://client.example.test/cb");
            assert_eq!(f.method, FormMethod::Post);
            let names: Vec<&str> = f.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, ["state", "code", "iss"]);
        }
        other => panic!("expected AutoPost, found {other:?}"),
    }
    // The same form without any script or noscript is not auto-submitted.
    let inert = FORM_POST
        .replace(" onload=\"javascript:document.forms[0].submit()\"", "")
        .replace("<noscript><button type=\"submit\">Continue</button></noscript>", "");
    assert_eq!(classify(&inert, &url("https://idp.test/a"), &no_hints()), Page::Other);
}

#[test]
fn script_submitted_form_post_is_auto_post() {
    let html = r#"<html><body><form method="post" action="https://rp.test/cb">
        <input type="hidden" name="error" value="access_denied"></form>
        <script>window.onload = function () { document.forms[0].submit(); };</script></body></html>"#;
    assert!(matches!(classify(html, &url("https://idp.test/a"), &no_hints()), Page::AutoPost(_)));
}

#[test]
fn pages_without_forms_or_with_search_only_are_other() {
    let u = url("https://idp.test/error");
    assert_eq!(
        classify("<html><body><h1>400 invalid_request</h1></body></html>", &u, &no_hints()),
        Page::Other
    );
    let search = r#"<form action="/s"><input name="q"><button>Continue</button></form>"#;
    assert_eq!(
        classify(search, &u, &no_hints()),
        Page::Other,
        "a text input is not a consent form"
    );
}

#[test]
fn controls_outside_the_form_with_form_attribute_and_disabled_ones() {
    let html = r#"<form id="f" method="post" action="/x"><input name="a" value="1">
        <input name="d" value="2" disabled></form>
        <input form="f" name="b" value="3"><button form="f" name="go" value="y">Go</button>"#;
    let forms = parse_forms(html, &url("https://idp.test/p/q"));
    let names: Vec<&str> = forms[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(forms[0].submits[0].name.as_deref(), Some("go"));
    assert_eq!(forms[0].action.as_str(), "https://idp.test/x");
}

#[test]
fn base_href_is_used_for_relative_actions() {
    let html = r#"<head><base href="https://cdn.test/app/"></head><form action="login"></form>"#;
    let forms = parse_forms(html, &url("https://idp.test/p"));
    assert_eq!(forms[0].action.as_str(), "https://cdn.test/app/login");
}

#[test]
fn meta_refresh_targets_are_resolved() {
    let page = url("https://idp.test/a/b");
    let m = |c: &str| meta_refresh(&format!(r#"<meta http-equiv="refresh" content="{c}">"#), &page);
    assert_eq!(m("0; url=/cb?x=1").unwrap().as_str(), "https://idp.test/cb?x=1");
    assert_eq!(m("3;URL='next'").unwrap().as_str(), "https://idp.test/a/next");
    assert_eq!(m("5"), None);
    assert_eq!(meta_refresh("<p>no refresh</p>", &page), None);
}

const DEX_CONSENT: &str = include_str!("fixtures/dex_consent.html");
const KEYCLOAK_CONSENT: &str = include_str!("fixtures/keycloak_consent.html");

#[test]
fn dex_consent_uses_hidden_decisions_and_a_separate_deny_form() {
    let page = "https://dex.test/approval?req=rk5ycfa3bzxxdtrazu6vlg7ju";
    let c = consent(DEX_CONSENT, page, &no_hints());
    assert_eq!(c.form.index, 0);
    assert_eq!(c.deny_form.as_ref().map(|f| f.index), Some(1));
    let allow = c.allow_submission();
    assert_eq!(allow.url.as_str(), page);
    assert_eq!(field(&allow, "approval"), ["approve"]);
    let deny = c.deny_submission().unwrap();
    assert_eq!(field(&deny, "approval"), ["rejected"]);
    assert_eq!(field(&deny, "req"), ["rk5ycfa3bzxxdtrazu6vlg7ju"]);
}

#[test]
fn keycloak_consent_is_judged_by_button_names_not_its_script() {
    // Localised values (Ja/Nein) mean nothing; the names accept/cancel decide, and the
    // submit-related script does not make this hidden-only POST form a form_post page.
    let c = consent(KEYCLOAK_CONSENT, "https://kc.test/realms/demo/auth", &no_hints());
    assert_eq!(c.allow.name.as_deref(), Some("accept"));
    assert_eq!(c.deny.as_ref().and_then(|d| d.name.as_deref()), Some("cancel"));
    assert!(c.deny_form.is_none());
    let sub = c.allow_submission();
    assert_eq!(
        sub.url.as_str(),
        "https://kc.test/realms/demo/login-actions/consent?client_id=harness&tab_id=Jq1"
    );
    assert_eq!(sub.fields.len(), 2);
    assert_eq!(field(&sub, "accept"), ["Ja"]);
}

#[test]
fn hints_deserialise_and_reject_unknown_keys() {
    let h: FormHints = serde_json::from_str(r#"{"username_field":"login","consent_allow":"Yes"}"#)
        .unwrap();
    assert_eq!(h.username_field.as_deref(), Some("login"));
    assert_eq!(h.password_field, None);
    assert!(serde_json::from_str::<FormHints>(r#"{"usernme_field":"x"}"#).is_err());
}

#[test]
fn pages_without_a_form_tag_have_no_forms_and_upper_case_tags_still_count() {
    let page = url("https://op.example/login");
    assert!(parse_forms("", &page).is_empty());
    assert!(parse_forms("<p>Redirecting…</p><input name=x>", &page).is_empty());
    let upper = "<FORM METHOD=POST ACTION=/x><INPUT NAME=a VALUE=1><BUTTON>Go</BUTTON></FORM>";
    let forms = parse_forms(upper, &page);
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].method, FormMethod::Post);
    assert_eq!(forms[0].action.as_str(), "https://op.example/x");
    assert_eq!(forms[0].fields.len(), 1);
    // A control owned through `form=` still needs its form element on the page.
    let owned = "<input form=f name=b value=2><Form id=f></Form>";
    assert_eq!(parse_forms(owned, &page)[0].fields[0].name, "b");
}
