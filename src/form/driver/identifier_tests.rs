//! Identifier-first logins (the login name on one page, the password on the next) posted as
//! `multipart/form-data`, against a fake shaped like Auth0's universal login; and the pages
//! that must not be taken for a login name page.

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;
use crate::form::{FormHints, Page, classify};
use crate::http::{AgentConfig, Redactor};

const USER: &str = "anne@example.test";
const PASSWORD: &str = "correct horse";

/// Whether `r` is a multipart POST whose part `name` holds `value`.
fn part(r: &Request, name: &str, value: &str) -> bool {
    let multipart = r.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("multipart/form-data; boundary="));
    let body = String::from_utf8_lossy(&r.body);
    multipart && body.contains(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"))
}

fn html(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/html; charset=utf-8")
}

fn to(location: &str) -> ResponseTemplate {
    ResponseTemplate::new(302).insert_header("location", location)
}

/// `/authorize` → identifier page → password page → callback; a wrong password or an unknown
/// name sends the browser back to the identifier page.
async fn identifier_first_op() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/authorize")).respond_with(to("/u/login/identifier?state=s1")).mount(&server).await;
    Mock::given(method("GET")).and(path("/u/login/identifier")).respond_with(html(
        r#"<form method="POST" enctype="multipart/form-data" action="/u/login/identifier?state=s1">
        <input type="hidden" name="state" value="s1">
        <input type="text" name="username" inputmode="email" autocomplete="username" autofocus>
        <input type="checkbox" name="remember" value="1">
        <button type="submit" name="action" value="default">Continue</button></form>"#,
    )).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/u/login/identifier"))
        .and(|r: &Request| part(r, "username", USER) && part(r, "state", "s1"))
        .respond_with(to("/u/login/password?state=s1"))
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/u/login/identifier")).respond_with(to("/u/login/identifier?state=s1&e=1")).mount(&server).await;
    Mock::given(method("GET")).and(path("/u/login/password")).respond_with(html(
        r#"<form method="POST" enctype="multipart/form-data" action="/u/login/password?state=s1">
        <input type="hidden" name="state" value="s1">
        <span>anne@example.test</span> <a href="/u/login/identifier?state=s1">Edit</a>
        <input type="password" name="password" autocomplete="current-password">
        <button type="submit" name="action" value="default">Continue</button></form>"#,
    )).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/u/login/password"))
        .and(|r: &Request| part(r, "password", PASSWORD) && part(r, "action", "default"))
        .respond_with(to("https://rp.test/cb?code=c0de&state=st-1"))
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/u/login/password")).respond_with(to("/u/login/identifier?state=s1&e=2")).mount(&server).await;
    server
}

async fn drive_as(server: &MockServer, username: &str, password: &str) -> (DriveReport, Browser) {
    let browser = Browser::new(&AgentConfig::default(), Redactor::new(vec![PASSWORD.into()])).unwrap();
    let redirect_uri = Url::parse("https://rp.test/cb").unwrap();
    let creds = Credentials { username: username.into(), password: password.into() };
    let hints = FormHints::default();
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: Some(&creds), hints: &hints, consent: ConsentChoice::Allow, max_steps: 20 };
    let start = HttpRequest::get(Url::parse(&format!("{}/authorize?state=st-1", server.uri())).unwrap());
    (drive(&browser, start, &opts).await.unwrap(), browser)
}

#[tokio::test]
async fn the_login_name_page_then_the_password_page_reach_the_callback() {
    let server = identifier_first_op().await;
    let (report, browser) = drive_as(&server, USER, PASSWORD).await;
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.code(), Some("c0de"));
    assert_eq!(report.login_forms_seen, 2);
    // The password never reaches the transcript, even inside a multipart body.
    let transcript = browser.take_transcript();
    assert!(transcript.iter().filter_map(|e| e.request_body.as_deref()).all(|b| !b.contains(PASSWORD)));
    assert!(transcript.iter().any(|e| e.request_body.as_deref().is_some_and(|b| b.contains("name=\"password\""))));
}

#[tokio::test]
async fn a_wrong_password_or_an_unknown_name_is_a_rejected_login() {
    let server = identifier_first_op().await;
    let (report, _) = drive_as(&server, USER, "wrong").await;
    assert!(matches!(report.outcome, DriveOutcome::LoginRejected { .. }), "{report:?}");
    let (report, _) = drive_as(&server, "nobody@example.test", PASSWORD).await;
    assert!(matches!(report.outcome, DriveOutcome::LoginRejected { .. }), "{report:?}");
    assert_eq!(report.login_forms_seen, 2);
}

#[test]
fn only_a_lone_login_name_field_makes_a_login_name_page() {
    let page = Url::parse("https://op.example/u/login").unwrap();
    let hints = FormHints::default();
    let login = |html: &str| match classify(html, &page, &hints) {
        Page::Login(l) => Some((l.username_field, l.password_field)),
        _ => None,
    };
    assert_eq!(login(r#"<form method=post><input type=email name=mail><button>Next</button></form>"#), Some((Some("mail".into()), None)));
    assert_eq!(login(r#"<form method=post><input name=loginfmt><input type=hidden name=ctx value=1><button>Next</button></form>"#), Some((Some("loginfmt".into()), None)));
    // A search box, a form with two text inputs, an unnamed-looking text field: not logins.
    assert_eq!(login(r#"<form><input type=text name=q><button>Search</button></form>"#), None);
    assert_eq!(login(r#"<form method=post><input name=username><input name=otp-code><button>Go</button></form>"#), None);
    assert_eq!(login(r#"<form method=post><input type=text name=code><button>Verify</button></form>"#), None);
    // The profile's hint names a field no heuristic would take.
    let hinted = FormHints { username_field: Some("handle".into()), ..FormHints::default() };
    let html = r#"<form method=post><input type=text name=handle><button>Next</button></form>"#;
    assert!(matches!(classify(html, &page, &hinted), Page::Login(l) if l.username_field.as_deref() == Some("handle")));
}
