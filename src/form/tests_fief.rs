//! Tests of page detection, filling and the driver loop on Fief 0.30's real pages (fixtures
//! `fief_real_*.html`, captured from a live fief-server with values replaced) and Fief's real
//! redirect chain: `/authorize` → `/login` (double-submit `fief_csrftoken` cookie) →
//! `/verify-request` → `/consent` (submit inputs `allow`/`deny`) → redirect_uri, and error pages
//! named by their `X-Fief-Error` header.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;
use crate::flow::callback::parse_redirect;
use crate::http::{Browser, AgentConfig, HttpRequest, Redactor};

const LOGIN: &str = include_str!("fixtures/fief_real_login.html");
const LOGIN_REJECTED: &str = include_str!("fixtures/fief_real_login_rejected.html");
const CONSENT: &str = include_str!("fixtures/fief_real_consent.html");
const ERROR: &str = include_str!("fixtures/fief_real_error.html");

const PASSWORD: &str = "Fief-Test-Pass-42";
const CSRF: &str = "fake-csrf-login-1";
const CONSENT_CSRF: &str = "fake-csrf-consent-1";
const CODE: &str = "fief-c0de-3e4f";
/// Fief 0.30's deny redirect: `error_description` is sent once per character (a real bug).
const DENY_LOCATION: &str = "http://127.0.0.1:9399/callback?error=access_denied&error_description=T&error_description=h&error_description=e&state=st-1";

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn values<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

#[test]
fn real_login_page_is_a_login_form_with_email_password_and_csrf() {
    let Page::Login(login) = classify(LOGIN, &url("https://fief.test/login"), &FormHints::default()) else {
        panic!("expected a login page");
    };
    assert_eq!(login.username_field.as_deref(), Some("email"));
    assert_eq!(login.password_field.as_deref(), Some("password"));
    let sub = fill_login(&login, "user@example.test", PASSWORD, &FormHints::default());
    assert_eq!(sub.method, FormMethod::Post);
    assert_eq!(sub.url.as_str(), "https://fief.test/login");
    assert_eq!(values(&sub.fields, "csrf_token"), [CSRF]);
    assert_eq!(values(&sub.fields, "email"), ["user@example.test"]);
    assert_eq!(values(&sub.fields, "password"), [PASSWORD]);
}

#[test]
fn real_rejected_login_page_is_still_a_login_page() {
    // HTTP 400 + X-Fief-Error: bad_credentials: only the form coming back tells the driver.
    let Page::Login(login) = classify(LOGIN_REJECTED, &url("https://fief.test/login"), &FormHints::default()) else {
        panic!("expected a login page");
    };
    let sub = fill_login(&login, "user@example.test", PASSWORD, &FormHints::default());
    assert_eq!(values(&sub.fields, "email"), ["user@example.test"], "the kept e-mail is replaced, not doubled");
    assert_eq!(values(&sub.fields, "csrf_token"), ["fake-csrf-login-2"]);
}

#[test]
fn real_consent_page_has_allow_and_deny_submit_inputs() {
    // The page also holds a hyperscript mentioning "submit": it must not look like form_post.
    let Page::Consent(consent) = classify(CONSENT, &url("https://fief.test/consent"), &FormHints::default()) else {
        panic!("expected a consent page");
    };
    assert_eq!(consent.allow.name.as_deref(), Some("allow"));
    assert_eq!(consent.deny.as_ref().and_then(|d| d.name.as_deref()), Some("deny"));
    let allow = consent.allow_submission();
    assert_eq!(allow.url.as_str(), "https://fief.test/consent");
    assert_eq!(values(&allow.fields, "allow"), ["Allow"]);
    assert!(values(&allow.fields, "deny").is_empty());
    assert_eq!(values(&allow.fields, "csrf_token"), [CONSENT_CSRF]);
    let deny = consent.deny_submission().unwrap();
    assert_eq!(values(&deny.fields, "deny"), ["Deny"]);
    assert!(values(&deny.fields, "allow").is_empty());
    assert_eq!(values(&deny.fields, "csrf_token"), [CONSENT_CSRF]);
}

#[test]
fn real_error_page_is_other_without_refresh() {
    let page_url = url("https://fief.test/authorize?client_id=x");
    assert_eq!(classify(ERROR, &page_url, &FormHints::default()), Page::Other);
    assert_eq!(meta_refresh(ERROR, &page_url), None);
}

#[test]
fn fief_deny_redirect_keeps_every_repeated_error_description() {
    let cb = parse_redirect(&url(DENY_LOCATION), &url("http://127.0.0.1:9399/callback")).unwrap();
    assert_eq!(cb.error(), Some("access_denied"));
    assert_eq!(cb.count("error_description"), 3, "repeats reach the checks");
    assert_eq!(cb.state(), Some("st-1"));
}

fn cookie_has(r: &Request, pair: &str) -> bool {
    r.headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p == pair))
}

fn form_has(r: &Request, k: &str, v: &str) -> bool {
    url::form_urlencoded::parse(&r.body).any(|(a, b)| a == k && b == v)
}

fn page(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "text/html; charset=utf-8")
}

fn redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", location)
}

/// A fake Fief serving the real pages with Fief's redirects and cookies (without `Secure`:
/// the mock speaks plain HTTP).
async fn fake_fief() -> MockServer {
    let s = MockServer::start().await;
    let get = |p: &'static str| Mock::given(method("GET")).and(path(p));
    let post = |p: &'static str| Mock::given(method("POST")).and(path(p));
    get("/authorize")
        .respond_with(redirect(302, "/login").insert_header("set-cookie", "fief_login_session=ls-1; Path=/; SameSite=lax"))
        .mount(&s)
        .await;
    get("/login")
        .respond_with(page(200, LOGIN).insert_header("set-cookie", format!("fief_csrftoken={CSRF}; HttpOnly").as_str()))
        .mount(&s)
        .await;
    post("/login")
        .and(|r: &Request| {
            cookie_has(r, &format!("fief_csrftoken={CSRF}"))
                && cookie_has(r, "fief_login_session=ls-1")
                && form_has(r, "csrf_token", CSRF)
                && form_has(r, "email", "user@example.test")
                && form_has(r, "password", PASSWORD)
        })
        .respond_with(redirect(302, "/verify-request").insert_header("set-cookie", "fief_session=se-1; HttpOnly; Path=/; SameSite=lax"))
        .mount(&s)
        .await;
    post("/login")
        .respond_with(page(400, LOGIN_REJECTED).insert_header("x-fief-error", "bad_credentials"))
        .mount(&s)
        .await;
    get("/verify-request").respond_with(redirect(302, "/consent")).mount(&s).await;
    get("/consent")
        .and(|r: &Request| cookie_has(r, "fief_session=se-1"))
        .respond_with(page(200, CONSENT).insert_header("set-cookie", format!("fief_csrftoken={CONSENT_CSRF}; HttpOnly").as_str()))
        .mount(&s)
        .await;
    let csrf_ok = |r: &Request| cookie_has(r, &format!("fief_csrftoken={CONSENT_CSRF}")) && form_has(r, "csrf_token", CONSENT_CSRF);
    post("/consent")
        .and(move |r: &Request| csrf_ok(r) && form_has(r, "allow", "Allow") && !form_has(r, "deny", "Deny"))
        .respond_with(redirect(302, &format!("http://127.0.0.1:9399/callback?code={CODE}&state=st-1")))
        .mount(&s)
        .await;
    post("/consent")
        .and(move |r: &Request| csrf_ok(r) && form_has(r, "deny", "Deny") && !form_has(r, "allow", "Allow"))
        .respond_with(redirect(302, DENY_LOCATION))
        .mount(&s)
        .await;
    get("/bad-redirect-uri")
        .respond_with(page(400, ERROR).insert_header("x-fief-error", "invalid_redirect_uri"))
        .mount(&s)
        .await;
    s
}

async fn run(server: &MockServer, start: &str, password: &str, consent: ConsentChoice) -> DriveReport {
    let agent = Browser::new(&AgentConfig::default(), Redactor::new(vec![PASSWORD.into()])).unwrap();
    let redirect_uri = url("http://127.0.0.1:9399/callback");
    let creds = Credentials { username: "user@example.test".into(), password: password.into() };
    let hints = FormHints::default();
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: Some(&creds), hints: &hints, consent, max_steps: 20 };
    let start = HttpRequest::get(url(&format!("{}{start}", server.uri())));
    drive(&agent, start, &opts).await.unwrap()
}

#[tokio::test]
async fn drives_fief_login_and_consent_to_a_code() {
    let server = fake_fief().await;
    let report = run(&server, "/authorize?client_id=c&state=st-1", PASSWORD, ConsentChoice::Allow).await;
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!((cb.code(), cb.state(), cb.error()), (Some(CODE), Some("st-1"), None));
    assert_eq!((report.login_forms_seen, report.consent_pages_seen), (1, 1));
    // authorize, login, POST login, verify-request, consent, POST consent.
    assert_eq!(report.steps, 6);
}

#[tokio::test]
async fn fief_consent_deny_reaches_the_callback_with_access_denied() {
    let server = fake_fief().await;
    let report = run(&server, "/authorize", PASSWORD, ConsentChoice::Deny).await;
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.error(), Some("access_denied"));
    assert_eq!(cb.code(), None);
    assert_eq!(cb.count("error_description"), 3);
}

#[tokio::test]
async fn fief_wrong_password_is_login_rejected_despite_http_400() {
    let server = fake_fief().await;
    let report = run(&server, "/authorize", "wrong", ConsentChoice::Allow).await;
    assert!(matches!(&report.outcome, DriveOutcome::LoginRejected { url } if url.ends_with("/login")), "{report:?}");
    assert_eq!((report.login_forms_seen, report.consent_pages_seen, report.steps), (2, 0, 3));
}

#[tokio::test]
async fn fief_error_page_is_stuck_with_its_status() {
    let server = fake_fief().await;
    let report = run(&server, "/bad-redirect-uri", PASSWORD, ConsentChoice::Allow).await;
    let DriveOutcome::Stuck { status, reason, .. } = &report.outcome else { panic!("{report:?}") };
    assert_eq!(*status, 400);
    assert!(reason.ends_with("(found an error page, x-fief-error: invalid_redirect_uri)"), "{reason}");
}

#[tokio::test]
async fn an_error_page_without_error_header_says_found_none() {
    let server = MockServer::start().await;
    Mock::given(path("/authorize")).respond_with(page(400, ERROR)).mount(&server).await;
    let report = run(&server, "/authorize", PASSWORD, ConsentChoice::Allow).await;
    let DriveOutcome::Stuck { reason, .. } = &report.outcome else { panic!("{report:?}") };
    assert!(reason.ends_with("(found none)"), "{reason}");
}

#[tokio::test]
async fn an_error_code_header_is_cut_to_printable_ascii() {
    let server = MockServer::start().await;
    let long = format!("bad code{}", "x".repeat(200));
    Mock::given(path("/authorize"))
        .respond_with(page(400, ERROR).insert_header("x-fief-error", long.as_str()))
        .mount(&server)
        .await;
    let report = run(&server, "/authorize", PASSWORD, ConsentChoice::Allow).await;
    let DriveOutcome::Stuck { reason, .. } = &report.outcome else { panic!("{report:?}") };
    let code = reason.split("x-fief-error: ").nth(1).unwrap().trim_end_matches(')');
    assert_eq!(code.len(), 80);
    assert!(code.starts_with("badcodexx"), "{code}");
}

#[test]
fn shipped_fief_profile_parses_with_the_peer_variables() {
    use crate::target::{ClientAuth, Target};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Any existing file stands for the peer's CA (the profile checks that ca_file exists).
    // The encrypted-ID-token client reads its private JWK from a file.
    let jwk_file = std::env::temp_dir().join(format!("oh-fief-jwk-{}-{}.json", std::process::id(), "form"));
    let jwk = serde_json::Value::Object(crate::jose::generate_decryption_jwk("fief").unwrap().private).to_string();
    std::fs::write(&jwk_file, jwk).unwrap();
    let ca = dir.join("src/form/fixtures/fief_real_error.html");
    let env = |name: &str| match name {
        "FIEF_CA_FILE" => Some(ca.to_string_lossy().into_owned()),
        "FIEF_ENC_CLIENT_PRIVATE_JWK_FILE" => Some(jwk_file.to_string_lossy().into_owned()),
        "FIEF_ISSUER" => Some("https://localhost:9390".to_owned()),
        "FIEF_REDIRECT_URI" => Some("http://127.0.0.1:9399/callback".to_owned()),
        n if n.starts_with("FIEF_") => Some(format!("value-of-{n}")),
        _ => None,
    };
    let path = dir.join("scenarios/targets/fief.toml");
    let p = Target::parse(&std::fs::read_to_string(&path).unwrap(), &path, &env).unwrap();
    assert_eq!(p.issuer, "https://localhost:9390");
    assert_eq!(p.ca_file.as_deref(), Some(ca.as_path()));
    let shape: Vec<(&str, ClientAuth, bool, &str)> =
        p.clients.iter().map(|c| (c.label(), c.auth_method, c.first_party, c.scope.as_str())).collect();
    assert_eq!(
        shape,
        [
            ("first-party-basic", ClientAuth::ClientSecretBasic, true, "openid offline_access"),
            ("third-party", ClientAuth::ClientSecretBasic, false, "openid email offline_access"),
            ("public-pkce", ClientAuth::None, false, "openid offline_access"),
            ("encrypted-id-token", ClientAuth::ClientSecretBasic, true, "openid offline_access"),
        ]
    );
    assert_eq!(p.clients[1].client_id, "value-of-FIEF_CLIENT_ID");
    assert_eq!(p.users[0].username, "value-of-FIEF_USER_EMAIL");
    assert!(p.clients.iter().all(|c| c.redirect_uri == "http://127.0.0.1:9399/callback"));
    assert!(p.features.refresh_token);
    // Without the CA variable the profile is refused, naming it.
    let no_ca = |name: &str| if name == "FIEF_CA_FILE" { None } else { env(name) };
    let err = Target::parse(&std::fs::read_to_string(&path).unwrap(), &path, &no_ca).unwrap_err();
    assert!(err.to_string().contains("FIEF_CA_FILE"), "{err}");
    let _ = std::fs::remove_file(&jwk_file);
}
