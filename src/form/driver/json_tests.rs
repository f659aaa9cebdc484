//! The driver with `[hints.json_login]` against a fake provider whose login page is a
//! JavaScript app (wiremock): the API call with the CSRF cookie in a header, the continue URL
//! from the JSON answer, a refused password, a missing API and a drive without credentials.

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;
use crate::form::JsonLogin;
use crate::http::{AgentConfig, Redactor};

const PASSWORD: &str = "sp4 \"secret\"";
const CODE: &str = "c0de-json-1";

fn json_config(url: &str) -> JsonLogin {
    toml::from_str(&format!(
        r#"
        page = "/ui/login"
        url = "{url}"
        body = '{{"identifier": "{{username}}", "password": "{{password}}", "flow": "{{query.flow}}"}}'
        continue = "{{json.redirect_to}}"
        csrf_cookie = "csrf"
        csrf_header = "X-CSRF-Token"
        "#
    ))
    .unwrap()
}

/// /authorize → /ui/login?flow=f1 (an empty app page, CSRF cookie) → POST /api/login (JSON)
/// → /resume (session cookie) → the redirect_uri.
async fn spa_provider() -> MockServer {
    spa_provider_with("<!doctype html><html><body><div id=app></div><script src=app.js></script></body></html>").await
}

/// [`spa_provider`] with another login page.
async fn spa_provider_with(app: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/authorize"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/ui/login?flow=f1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/ui/login"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(app.as_bytes().to_vec(), "text/html")
                .insert_header("set-cookie", "csrf=tok-9; Path=/"),
        )
        .mount(&server)
        .await;
    let good = |r: &Request| {
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
        let header = |n: &str| r.headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
        header("x-csrf-token").as_deref() == Some("tok-9")
            && header("content-type").as_deref() == Some("application/json")
            && body == serde_json::json!({ "identifier": "anne@example.test", "password": PASSWORD, "flow": "f1" })
    };
    Mock::given(method("POST"))
        .and(path("/api/login"))
        .and(good)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "redirect_to": "/resume?flow=f1" }))
                .insert_header("set-cookie", "session=s-1; Path=/"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/login"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({ "error": "invalid_credentials" })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/resume"))
        .and(|r: &Request| r.headers.get("cookie").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("session=s-1")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("https://rp.test/cb?code={CODE}&state=st").as_str()))
        .mount(&server)
        .await;
    server
}

fn agent() -> Browser {
    Browser::new(&AgentConfig::default(), Redactor::new(vec![PASSWORD.into()])).unwrap()
}

async fn run(server: &MockServer, password: Option<&str>, hints: &FormHints) -> DriveReport {
    let redirect_uri = Url::parse("https://rp.test/cb").unwrap();
    let creds = password.map(|p| Credentials { username: "anne@example.test".into(), password: p.into() });
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: creds.as_ref(), hints, consent: ConsentChoice::Allow, max_steps: 20 };
    let start = HttpRequest::get(Url::parse(&format!("{}/authorize", server.uri())).unwrap());
    drive(&agent(), start, &opts).await.unwrap()
}

fn hints(url: &str) -> FormHints {
    FormHints { json_login: Some(json_config(url)), ..FormHints::default() }
}

#[tokio::test]
async fn logs_in_through_the_json_api_and_reaches_the_callback() {
    let server = spa_provider().await;
    let a = agent();
    let redirect_uri = Url::parse("https://rp.test/cb").unwrap();
    let creds = Credentials { username: "anne@example.test".into(), password: PASSWORD.into() };
    let h = hints("{origin}/api/login");
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: Some(&creds), hints: &h, consent: ConsentChoice::Allow, max_steps: 20 };
    let start = HttpRequest::get(Url::parse(&format!("{}/authorize", server.uri())).unwrap());
    let report = drive(&a, start, &opts).await.unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.code(), Some(CODE));
    assert_eq!((report.login_forms_seen, report.steps), (1, 4));
    let t = serde_json::to_string(&a.take_transcript()).unwrap();
    assert!(t.contains("/api/login") && !t.contains("sp4"), "the JSON body is recorded, the password redacted: {t}");
}

#[tokio::test]
async fn a_refused_password_is_login_rejected() {
    let server = spa_provider().await;
    let report = run(&server, Some("wrong"), &hints("{origin}/api/login")).await;
    assert!(matches!(&report.outcome, DriveOutcome::LoginRejected { url } if url.contains("/api/login")), "{report:?}");
    assert_eq!((report.login_forms_seen, report.steps), (1, 3));
}

#[tokio::test]
async fn without_credentials_the_app_page_is_login_required() {
    let server = spa_provider().await;
    let report = run(&server, None, &hints("{origin}/api/login")).await;
    assert!(matches!(report.outcome, DriveOutcome::LoginRequired { .. }), "{report:?}");
    assert_eq!(report.login_forms_seen, 1);
}

#[tokio::test]
async fn a_wrong_api_url_or_no_hint_is_the_harness_unable_to_go_on_with_a_reason() {
    let server = spa_provider().await;
    // A hint that does not fit the provider's answers is the harness's limit, not a stuck provider.
    let report = run(&server, Some(PASSWORD), &hints("/api/nowhere")).await;
    let DriveOutcome::CannotDrive { reason, .. } = &report.outcome else { panic!("{report:?}") };
    assert!(reason.contains("found 404"), "{reason}");
    let report = run(&server, Some(PASSWORD), &hints("{origin}/api/login?f={query.missing}")).await;
    let DriveOutcome::CannotDrive { reason, .. } = &report.outcome else { panic!("{report:?}") };
    assert!(reason.contains("query parameter missing"), "{reason}");
    let report = run(&server, Some(PASSWORD), &FormHints::default()).await;
    let DriveOutcome::Stuck { reason, .. } = &report.outcome else { panic!("{report:?}") };
    // Without the hint the app page is a dead end for the HTML driver, named as a page that
    // needs a script (the cue for the Chromium driver).
    assert_eq!(reason, crate::form::NEEDS_SCRIPT);
}

#[tokio::test]
async fn a_form_encoded_login_body_is_redacted_in_the_transcript() {
    let server = spa_provider().await;
    let config: JsonLogin = toml::from_str(
        "url = \"/api/login\"\ncontent_type = \"application/x-www-form-urlencoded\"\nbody = \"user={username}&pass={password}\"",
    )
    .unwrap();
    let h = FormHints { json_login: Some(config), ..FormHints::default() };
    let a = agent();
    let redirect_uri = Url::parse("https://rp.test/cb").unwrap();
    let creds = Credentials { username: "anne@example.test".into(), password: PASSWORD.into() };
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: Some(&creds), hints: &h, consent: ConsentChoice::Allow, max_steps: 20 };
    let start = HttpRequest::get(Url::parse(&format!("{}/authorize", server.uri())).unwrap());
    let report = drive(&a, start, &opts).await.unwrap();
    assert!(matches!(report.outcome, DriveOutcome::LoginRejected { .. }), "{report:?}");
    let t = serde_json::to_string(&a.take_transcript()).unwrap();
    assert!(t.contains("user=anne%40example.test") && !t.contains("sp4"), "{t}");
}

#[tokio::test]
async fn a_named_login_page_goes_through_the_api_even_with_a_form() {
    // A language picker whose button reads "Continue" would pass for a consent page.
    let app = r#"<html><body><form action="/lang"><select name="lang"><option>en</option></select>
        <button type="submit">Continue</button></form><div id=app></div><script src=app.js></script></body></html>"#;
    let server = spa_provider_with(app).await;
    let report = run(&server, Some(PASSWORD), &hints("{origin}/api/login")).await;
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!((cb.code(), report.consent_pages_seen, report.login_forms_seen), (Some(CODE), 0, 1));
}
