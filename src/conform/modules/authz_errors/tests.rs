//! The invalid authorization requests: how each case's URL is built and how drives are judged.

use url::Url;

use super::*;
use crate::checks::Status;
use crate::flow::{AuthorizationResponse, ResponseSource};

const ISSUER: &str = "https://op.example";
const REDIRECT: &str = "http://127.0.0.1:8765/callback";

fn client() -> ClientProfile {
    ClientProfile {
        first_party: true,
        ..ClientProfile::new("demo-client", REDIRECT)
    }
}

fn endpoint() -> Url {
    Url::parse("https://op.example/authorize").unwrap()
}

fn params() -> AuthParams {
    AuthParams { state: Some("st-1".into()), ..AuthParams::fresh(&client()) }
}

fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn get<'a>(q: &'a [(String, String)], k: &str) -> Vec<&'a str> {
    q.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect()
}

fn build(case: AuthzErrorCase, response_types: Option<&[String]>) -> BadRequest {
    bad_request(case, &endpoint(), &client(), &params(), response_types).unwrap()
}

#[test]
fn response_type_and_scope_cases_change_only_that_parameter() {
    let q = query(&build(AuthzErrorCase::MissingResponseType, None).url);
    assert!(get(&q, "response_type").is_empty());
    assert_eq!(get(&q, "scope"), ["openid profile email"]);
    assert_eq!(get(&q, "state"), ["st-1"]);
    let q = query(&build(AuthzErrorCase::MissingScope, None).url);
    assert!(get(&q, "scope").is_empty());
    assert_eq!(get(&q, "response_type"), ["code"]);
    let r = build(AuthzErrorCase::ScopeWithoutOpenid, None);
    assert_eq!(get(&query(&r.url), "scope"), ["profile email"]);
    assert_eq!(r.client.redirect_uri, REDIRECT);
    let code_only = vec!["code".to_owned()];
    let q = query(&build(AuthzErrorCase::UnsupportedResponseType, Some(&code_only)).url);
    assert_eq!(get(&q, "response_type"), ["token"]);
}

#[test]
fn the_unsupported_response_type_is_one_discovery_does_not_advertise() {
    let adv = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(unsupported_response_type(None), Some("token"));
    assert_eq!(unsupported_response_type(Some(&adv(&["code", "token"]))), Some("id_token"));
    assert_eq!(unsupported_response_type(Some(&adv(&["code", "id_token", "code id_token"]))), Some("token"));
    assert_eq!(unsupported_response_type(Some(&adv(&["token", "id_token"]))), None);
    let err = bad_request(AuthzErrorCase::UnsupportedResponseType, &endpoint(), &client(), &params(), Some(&adv(&["token", "id_token"])));
    assert!(err.unwrap_err().contains("advertises both"));
}

#[test]
fn redirect_uri_cases_stop_the_drive_at_the_modified_uri() {
    let cases = [
        (AuthzErrorCase::UnregisteredRedirectUri, "https://oidc-harness.invalid/cb"),
        (AuthzErrorCase::RedirectUriExtraQuery, "http://127.0.0.1:8765/callback?oidc_harness_extra=1"),
        (AuthzErrorCase::RedirectUriCaseChanged, "http://127.0.0.1:8765/CALLBACK"),
        (AuthzErrorCase::RedirectUriTrailingSlash, "http://127.0.0.1:8765/callback/"),
    ];
    for (case, want) in cases {
        let r = build(case, None);
        assert_eq!(r.client.redirect_uri, want, "{case:?}");
        assert_eq!(get(&query(&r.url), "redirect_uri"), [want], "{case:?}");
        assert_eq!(r.client.client_id, "demo-client");
    }
    let r = build(AuthzErrorCase::UnknownClient, None);
    assert!(r.client.client_id.starts_with("oidc-harness-unknown-"));
    assert_eq!(get(&query(&r.url), "client_id"), [r.client.client_id.as_str()]);
    assert_eq!(r.client.redirect_uri, REDIRECT);
}

#[test]
fn modified_redirect_uris_handle_odd_paths() {
    assert_eq!(modified_redirect_uri(AuthzErrorCase::RedirectUriTrailingSlash, "https://rp.example/cb/").unwrap(), "https://rp.example/cb");
    assert!(modified_redirect_uri(AuthzErrorCase::RedirectUriTrailingSlash, "https://rp.example/").is_err());
    assert_eq!(modified_redirect_uri(AuthzErrorCase::RedirectUriCaseChanged, "https://rp.example/CB").unwrap(), "https://rp.example/cb");
    assert!(modified_redirect_uri(AuthzErrorCase::RedirectUriCaseChanged, "https://rp.example/123").is_err());
    assert_eq!(
        modified_redirect_uri(AuthzErrorCase::RedirectUriExtraQuery, "https://rp.example/cb?a=b").unwrap(),
        "https://rp.example/cb?a=b&oidc_harness_extra=1"
    );
    assert!(modified_redirect_uri(AuthzErrorCase::MissingScope, REDIRECT).is_err());
}

#[test]
fn every_case_has_a_distinct_module_id() {
    let mut ids: Vec<&str> = AuthzErrorCase::ALL.iter().map(|c| c.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), AuthzErrorCase::ALL.len());
    assert!(AuthzErrorCase::ALL.iter().all(|c| !c.description().is_empty()));
}

fn callback(pairs: &[(&str, &str)]) -> DriveReport {
    report(DriveOutcome::Callback(AuthorizationResponse {
        source: ResponseSource::Query,
        url: REDIRECT.into(),
        params: pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    }))
}

fn report(outcome: DriveOutcome) -> DriveReport {
    DriveReport { outcome, login_forms_seen: 1, consent_pages_seen: 0, steps: 3, password_origins: Vec::new() }
}

fn stuck(status: u16) -> DriveReport {
    report(DriveOutcome::Stuck { url: "https://op.example/authorize".into(), status, reason: "no form".into() })
}

fn status_of(findings: &[Finding], id: &str) -> Status {
    findings.iter().find(|f| f.check_id == id).unwrap_or_else(|| panic!("no finding {id}")).status
}

fn judged(case: AuthzErrorCase, r: &DriveReport) -> Vec<Finding> {
    let p = params();
    judge(&Judging { case, what: "a mistake", params: &p, issuer: ISSUER, iss_advertised: true }, r).unwrap()
}

fn failed(findings: &[Finding]) -> Vec<&str> {
    findings.iter().filter(|f| f.status == Status::Fail).map(|f| f.check_id.as_str()).collect()
}

#[test]
fn a_correct_error_redirect_passes_and_reuses_the_authorization_checks() {
    let good = callback(&[("error", "unsupported_response_type"), ("error_description", "use code"), ("state", "st-1"), ("iss", ISSUER)]);
    let f = judged(AuthzErrorCase::UnsupportedResponseType, &good);
    assert!(failed(&f).is_empty(), "{f:#?}");
    assert_eq!(status_of(&f, "authz.error.expected"), Status::Pass);
    assert_eq!(status_of(&f, "authz.error.code_for_case"), Status::Pass);
    assert_eq!(status_of(&f, "authz.response_mode.honoured"), Status::Skip);
    let bad = callback(&[("error", "invalid_request"), ("iss", ISSUER)]);
    assert_eq!(failed(&judged(AuthzErrorCase::UnsupportedResponseType, &bad)), ["authz.error.state_echoed", "authz.error.code_for_case"]);
    let code = callback(&[("code", "c0de"), ("state", "st-1"), ("iss", ISSUER)]);
    assert_eq!(failed(&judged(AuthzErrorCase::MissingResponseType, &code)), ["authz.error.expected"]);
    assert_eq!(failed(&judged(AuthzErrorCase::MissingResponseType, &stuck(400))), ["authz.error.redirected"]);
}

#[test]
fn a_scope_without_openid_fails_nothing_whatever_the_answer_but_an_error_with_a_code() {
    let code = callback(&[("code", "Xk3vQ9_pL2mN8rT5wY1zB4cD7fG0hJ-a"), ("state", "st-1"), ("iss", ISSUER)]);
    let f = judged(AuthzErrorCase::ScopeWithoutOpenid, &code);
    assert!(failed(&f).is_empty(), "{f:#?}");
    assert_eq!(status_of(&f, "authz.scope.openid_enforced"), Status::Info);
    // An error page, or an error code the OIDC spec never names: not OIDC's business.
    assert!(failed(&judged(AuthzErrorCase::ScopeWithoutOpenid, &stuck(400))).is_empty());
    let other = callback(&[("error", "access_denied"), ("state", "st-1"), ("iss", ISSUER)]);
    assert!(failed(&judged(AuthzErrorCase::ScopeWithoutOpenid, &other)).is_empty());
    // RFC 6749 still holds: an error response carries no code.
    let both = callback(&[("error", "invalid_scope"), ("code", "Xk3vQ9_pL2mN8rT5wY1zB4cD7fG0hJ-a"), ("state", "st-1"), ("iss", ISSUER)]);
    assert_eq!(failed(&judged(AuthzErrorCase::ScopeWithoutOpenid, &both)), ["authz.error.no_code"]);
    let error = callback(&[("error", "invalid_scope"), ("state", "st-1"), ("iss", ISSUER)]);
    let f = judged(AuthzErrorCase::MissingScope, &error);
    assert!(failed(&f).is_empty(), "{f:#?}");
    assert_eq!(status_of(&f, "authz.scope.openid_enforced"), Status::Pass);
}

#[test]
fn unverified_redirect_uris_pass_on_an_error_page_and_fail_when_reached() {
    for case in [AuthzErrorCase::UnknownClient, AuthzErrorCase::RedirectUriTrailingSlash] {
        let f = judged(case, &stuck(400));
        assert!(failed(&f).is_empty(), "{f:#?}");
        assert_eq!(status_of(&f, "authz.unverified_redirect.not_used"), Status::Pass);
        assert!(f.iter().all(|x| !x.check_id.starts_with("authz.state")), "no authorization checks without a callback");
        let error = callback(&[("error", "invalid_request"), ("state", "st-1")]);
        assert_eq!(failed(&judged(case, &error)), ["authz.unverified_redirect.not_used"]);
        let code = callback(&[("code", "c0de"), ("state", "st-1")]);
        assert_eq!(failed(&judged(case, &code)), ["authz.unverified_redirect.not_used", "authz.unverified_redirect.no_code"]);
    }
    let f = judged(AuthzErrorCase::UnregisteredRedirectUri, &stuck(500));
    assert_eq!(status_of(&f, "authz.unverified_redirect.error_page"), Status::Warn);
}

#[test]
fn a_rejected_login_aborts_error_redirect_cases_only() {
    let rejected = report(DriveOutcome::LoginRejected { url: "https://op.example/login".into() });
    let p = params();
    let j = |case| Judging { case, what: "a mistake", params: &p, issuer: ISSUER, iss_advertised: true };
    assert!(judge(&j(AuthzErrorCase::MissingResponseType), &rejected).unwrap_err().contains("credentials"));
    assert!(failed(&judge(&j(AuthzErrorCase::UnknownClient), &rejected).unwrap()).is_empty());
}
