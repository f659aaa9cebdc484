//! Tests for the driver loop against a fake provider (wiremock): login with a Path-scoped
//! CSRF cookie, consent, form_post, error redirects, wrong password and redirect loops.

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;
use crate::flow::callback::ResponseSource;
use crate::http::{AgentConfig, Redactor};

const PASSWORD: &str = "correct horse";
const CODE: &str = "c0de-5f1e2d3c";

fn cookie_has(r: &Request, pair: &str) -> bool {
    r.headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p == pair))
}

fn form_has(r: &Request, k: &str, v: &str) -> bool {
    url::form_urlencoded::parse(&r.body).any(|(a, b)| a == k && b == v)
}

fn html(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/html; charset=utf-8")
}

/// A provider: /authorize → /login (CSRF cookie on Path=/login + hidden field) → /consent → cb.
async fn fake_provider() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/authorize"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/login?ticket=t1"))
        .mount(&server)
        .await;
    let login_page = html(
        r#"<html><body><form method="post" action="/login?ticket=t1">
        <input type="hidden" name="csrf_token" value="csrf-42">
        <input type="email" name="email" autocomplete="email">
        <input type="password" name="password">
        <button type="submit">Sign in</button></form></body></html>"#
            .to_owned(),
    )
    .insert_header("set-cookie", "csrf=csrf-42; Path=/login; HttpOnly");
    Mock::given(method("GET")).and(path("/login")).respond_with(login_page).mount(&server).await;
    // Correct credentials, with the CSRF token both in the cookie and in the form.
    Mock::given(method("POST"))
        .and(path("/login"))
        .and(|r: &Request| {
            cookie_has(r, "csrf=csrf-42")
                && form_has(r, "csrf_token", "csrf-42")
                && form_has(r, "email", "anne@example.test")
                && form_has(r, "password", PASSWORD)
        })
        .respond_with(
            ResponseTemplate::new(303)
                .insert_header("location", "consent")
                .insert_header("set-cookie", "session=s-1; Path=/"),
        )
        .mount(&server)
        .await;
    // Anything else posted to /login: back to the login page (post/redirect/get).
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "/login?ticket=t1&error=1"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/consent"))
        .and(|r: &Request| cookie_has(r, "session=s-1") && !cookie_has(r, "csrf=csrf-42"))
        .respond_with(html(
            r#"<form method="post"><input type="hidden" name="csrf_token" value="csrf-43">
            <button name="action" value="deny">Non</button>
            <button name="action" value="allow">Oui</button></form>"#
                .to_owned(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/consent"))
        .and(|r: &Request| form_has(r, "action", "allow") && form_has(r, "csrf_token", "csrf-43"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("https://rp.test/cb?code={CODE}&state=st-1&iss=https%3A%2F%2Fop.test").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/consent"))
        .and(|r: &Request| form_has(r, "action", "deny"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", "https://rp.test/cb?error=access_denied&state=st-1"),
        )
        .mount(&server)
        .await;
    server
}

fn agent() -> Browser {
    Browser::new(&AgentConfig::default(), Redactor::new(vec![PASSWORD.into()])).unwrap()
}

fn at(server: &MockServer, p: &str) -> Url {
    Url::parse(&format!("{}{p}", server.uri())).unwrap()
}

struct Setup {
    redirect_uri: Url,
    creds: Credentials,
    hints: FormHints,
}

fn setup(password: &str) -> Setup {
    Setup {
        redirect_uri: Url::parse("https://rp.test/cb").unwrap(),
        creds: Credentials { username: "anne@example.test".into(), password: password.into() },
        hints: FormHints::default(),
    }
}

fn opts<'a>(s: &'a Setup, login: bool, consent: ConsentChoice) -> DriveOptions<'a> {
    DriveOptions {
        redirect_uri: &s.redirect_uri,
        credentials: login.then_some(&s.creds),
        hints: &s.hints,
        consent,
        max_steps: 20,
    }
}

#[tokio::test]
async fn logs_in_consents_and_stops_at_the_callback() {
    let server = fake_provider().await;
    let a = agent();
    let s = setup(PASSWORD);
    let start = HttpRequest::get(at(&server, "/authorize?client_id=c&state=st-1"));
    let report = drive(&a, start, &opts(&s, true, ConsentChoice::Allow)).await.unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.source, ResponseSource::Query);
    assert_eq!(cb.code(), Some(CODE));
    assert_eq!(cb.state(), Some("st-1"));
    assert_eq!(cb.iss(), Some("https://op.test"));
    assert_eq!((report.login_forms_seen, report.consent_pages_seen, report.steps), (1, 1, 5));
    assert_eq!(report.password_origins, vec![server.uri()], "the password went to the page's own origin");
    let exchanges = a.take_transcript();
    assert_eq!(exchanges.len(), 5);
    assert!(
        exchanges.iter().all(|e| !e.url.contains("rp.test")),
        "the callback is never requested"
    );
    let t = serde_json::to_string(&exchanges).unwrap();
    assert!(!t.contains(PASSWORD) && !t.contains("correct+horse") && !t.contains(CODE), "{t}");
}

#[tokio::test]
async fn deny_ends_with_an_error_callback() {
    let server = fake_provider().await;
    let s = setup(PASSWORD);
    let start = HttpRequest::get(at(&server, "/authorize"));
    let report = drive(&agent(), start, &opts(&s, true, ConsentChoice::Deny)).await.unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.error(), Some("access_denied"));
    assert_eq!(cb.state(), Some("st-1"));
    assert_eq!(cb.code(), None);
}

#[tokio::test]
async fn wrong_password_is_login_rejected() {
    let server = fake_provider().await;
    let s = setup("wrong");
    let start = HttpRequest::get(at(&server, "/authorize"));
    let report = drive(&agent(), start, &opts(&s, true, ConsentChoice::Allow)).await.unwrap();
    assert!(
        matches!(&report.outcome, DriveOutcome::LoginRejected { url } if url.contains("/login")),
        "{report:?}"
    );
    assert_eq!(report.login_forms_seen, 2);
    assert_eq!(report.consent_pages_seen, 0);
}

#[tokio::test]
async fn without_credentials_a_login_page_is_login_required() {
    let server = fake_provider().await;
    let s = setup(PASSWORD);
    let start = HttpRequest::get(at(&server, "/authorize"));
    let report = drive(&agent(), start, &opts(&s, false, ConsentChoice::Allow)).await.unwrap();
    assert!(matches!(report.outcome, DriveOutcome::LoginRequired { .. }), "{report:?}");
    assert_eq!(report.steps, 2);
}

#[tokio::test]
async fn immediate_error_redirect_is_a_callback() {
    let server = MockServer::start().await;
    Mock::given(path("/authorize"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", "https://rp.test/cb?error=login_required&state=st-9"),
        )
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let report = drive(
        &agent(),
        HttpRequest::get(at(&server, "/authorize")),
        &opts(&s, false, ConsentChoice::Allow),
    )
    .await
    .unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.error(), Some("login_required"));
    assert_eq!(cb.state(), Some("st-9"));
    assert_eq!(report.steps, 1);
}

#[tokio::test]
async fn form_post_callback_is_read_not_submitted() {
    let server = MockServer::start().await;
    // An intermediate auto-post to the provider itself, then the form_post to the client.
    Mock::given(path("/authorize"))
        .respond_with(html(
            r#"<body onload="document.forms[0].submit()"><form method="post" action="/resume">
            <input type="hidden" name="rid" value="r-1"></form></body>"#
                .to_owned(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/resume"))
        .and(|r: &Request| form_has(r, "rid", "r-1"))
        .respond_with(html(format!(
            r#"<html><body onload="javascript:document.forms[0].submit()">
            <form method="post" action="https://rp.test/cb">
            <input type="hidden" name="code" value="{CODE}"><input type="hidden" name="state" value="st-2">
            <noscript><button type="submit">Continue</button></noscript></form></body></html>"#
        )))
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let report = drive(
        &agent(),
        HttpRequest::get(at(&server, "/authorize")),
        &opts(&s, true, ConsentChoice::Allow),
    )
    .await
    .unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.source, ResponseSource::FormPost);
    assert_eq!(cb.code(), Some(CODE));
    assert_eq!(cb.state(), Some("st-2"));
    assert_eq!(report.steps, 2);
}

#[tokio::test]
async fn redirect_loop_is_stuck_after_max_steps() {
    let server = MockServer::start().await;
    Mock::given(path("/a"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/b"))
        .mount(&server)
        .await;
    Mock::given(path("/b"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/a"))
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let o = DriveOptions { max_steps: 7, ..opts(&s, true, ConsentChoice::Allow) };
    let report = drive(&agent(), HttpRequest::get(at(&server, "/a")), &o).await.unwrap();
    assert_eq!(report.steps, 7);
    let DriveOutcome::Stuck { status, reason, .. } = &report.outcome else { panic!("{report:?}") };
    assert_eq!(*status, 302);
    assert!(reason.contains("within 7 requests"), "{reason}");
}

#[tokio::test]
async fn error_page_is_stuck_whatever_its_status() {
    let server = MockServer::start().await;
    Mock::given(path("/authorize"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<html><h1>Oops</h1><p>invalid redirect_uri</p></html>".as_bytes(),
            "text/html",
        ))
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let report = drive(
        &agent(),
        HttpRequest::get(at(&server, "/authorize?x=1")),
        &opts(&s, true, ConsentChoice::Allow),
    )
    .await
    .unwrap();
    let DriveOutcome::Stuck { url, status, .. } = &report.outcome else { panic!("{report:?}") };
    assert_eq!(*status, 200);
    assert!(url.ends_with("/authorize?x=1"), "{url}");
}

#[tokio::test]
async fn deny_without_a_deny_button_is_the_harness_unable_to_go_on() {
    let server = MockServer::start().await;
    Mock::given(path("/consent"))
        .respond_with(html(
            r#"<form method="post" action="/confirm"><input type="hidden" name="prompt" value="consent">
            <button type="submit">Continue</button></form>"#
                .to_owned(),
        ))
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let report = drive(
        &agent(),
        HttpRequest::get(at(&server, "/consent")),
        &opts(&s, true, ConsentChoice::Deny),
    )
    .await
    .unwrap();
    assert!(
        matches!(&report.outcome, DriveOutcome::CannotDrive { reason, .. } if reason.contains("deny")),
        "{report:?}"
    );
    assert_eq!(report.consent_pages_seen, 0, "the page was seen but not answered");
}

#[tokio::test]
async fn redirect_to_another_app_scheme_is_stuck_not_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/authorize"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "com.other.app:/cb?code=x"),
        )
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let o = opts(&s, true, ConsentChoice::Allow);
    let report = drive(&agent(), HttpRequest::get(at(&server, "/authorize")), &o).await.unwrap();
    let DriveOutcome::Stuck { reason, status, .. } = &report.outcome else { panic!("{report:?}") };
    assert_eq!(*status, 302);
    assert!(reason.contains("com.other.app"), "{reason}");
}

#[tokio::test]
async fn custom_scheme_redirect_uri_is_reached() {
    let server = MockServer::start().await;
    Mock::given(path("/authorize"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", "com.example.app:/oauth2redirect?code=x1&state=s"),
        )
        .mount(&server)
        .await;
    let s = Setup {
        redirect_uri: Url::parse("com.example.app:/oauth2redirect").unwrap(),
        ..setup(PASSWORD)
    };
    let o = opts(&s, true, ConsentChoice::Allow);
    let report = drive(&agent(), HttpRequest::get(at(&server, "/authorize")), &o).await.unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.code(), Some("x1"));
}

#[tokio::test]
async fn post_redirected_with_307_is_replayed_as_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/new"))
        .and(|r: &Request| form_has(r, "k", "v"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "https://rp.test/cb?code=z9"),
        )
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let start = HttpRequest::post_form(at(&server, "/old"), vec![("k".into(), "v".into())]);
    let report = drive(&agent(), start, &opts(&s, true, ConsentChoice::Allow)).await.unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!(cb.code(), Some("z9"));
    assert_eq!(report.steps, 2);
}

#[tokio::test]
async fn meta_refresh_pages_are_followed_to_the_callback() {
    let server = MockServer::start().await;
    Mock::given(path("/authorize"))
        .respond_with(html(
            r#"<html><head><meta http-equiv="Refresh" content="0; URL='/hop'"></head></html>"#
                .to_owned(),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/hop"))
        .respond_with(html(
            r#"<meta http-equiv="refresh" content="0;url=https://rp.test/cb?code=m1&amp;state=s">"#
                .to_owned(),
        ))
        .mount(&server)
        .await;
    let s = setup(PASSWORD);
    let o = opts(&s, true, ConsentChoice::Allow);
    let report = drive(&agent(), HttpRequest::get(at(&server, "/authorize")), &o).await.unwrap();
    let DriveOutcome::Callback(cb) = &report.outcome else { panic!("{report:?}") };
    assert_eq!((cb.code(), cb.state()), (Some("m1"), Some("s")));
    assert_eq!(report.steps, 2);
}

#[tokio::test]
async fn redirect_chains_are_bounded_by_max_redirects() {
    let server = MockServer::start().await;
    Mock::given(path("/a"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/a"))
        .mount(&server)
        .await;
    let a = Browser::new(
        &AgentConfig { max_redirects: 3, ..AgentConfig::default() },
        Redactor::default(),
    )
    .unwrap();
    let s = setup(PASSWORD);
    let o = DriveOptions { max_steps: 50, ..opts(&s, true, ConsentChoice::Allow) };
    let report = drive(&a, HttpRequest::get(at(&server, "/a")), &o).await.unwrap();
    assert_eq!(report.steps, 4);
    let DriveOutcome::Stuck { reason, .. } = &report.outcome else { panic!("{report:?}") };
    assert!(reason.contains("at most 3 redirects"), "{reason}");
}
