//! The driver loop against a wiremock replay of node oidc-provider 9.13.3's dev interactions:
//! the captured login and consent pages, its Path-scoped interaction cookies and its 303s back
//! through `/auth/<uid>`, and the strict peer pages (wrong password, deny).

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;
use crate::http::{AgentConfig, Redactor};

const DEV_LOGIN: &str = include_str!("../fixtures/node913_dev_login.html");
const DEV_CONSENT: &str = include_str!("../fixtures/node913_dev_consent.html");
const STRICT_LOGIN: &str = include_str!("../fixtures/node_strict_login.html");
const STRICT_LOGIN_ERROR: &str = include_str!("../fixtures/node_strict_login_error.html");
const STRICT_CONSENT: &str = include_str!("../fixtures/node_strict_consent.html");

const LOGIN_UID: &str = "UID-LOGIN-0000000000000000000000000000000";
const CONSENT_UID: &str = "UID-CONSENT-00000000000000000000000000000";
const STRICT_LOGIN_UID: &str = "UID-STRICT-LOGIN-0000000000000000000000000";
const STRICT_CONSENT_UID: &str = "UID-STRICT-CONSENT-000000000000000000000000";
const PASSWORD: &str = "alice-password";
const CALLBACK: &str = "http://rp.test/callback";

fn cookie_has(r: &Request, pair: &str) -> bool {
    r.headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p == pair))
}

fn cookie_named(r: &Request, name: &str) -> bool {
    r.headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.split("; ").any(|p| p.split('=').next() == Some(name)))
}

fn form_has(r: &Request, k: &str, v: &str) -> bool {
    url::form_urlencoded::parse(&r.body).any(|(a, b)| a == k && b == v)
}

/// A captured page with its `http://op.test` origin moved to the mock server.
fn page(fixture: &str, server: &MockServer) -> ResponseTemplate {
    let body = fixture.replace("http://op.test", &server.uri());
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/html; charset=utf-8")
}

/// node's 303 into an interaction: the interaction cookie is scoped to `/interaction/<uid>`,
/// the resume cookie to `/auth/<uid>`.
fn to_interaction(uid: &str) -> ResponseTemplate {
    ResponseTemplate::new(303)
        .insert_header("location", format!("/interaction/{uid}").as_str())
        .append_header(
            "set-cookie",
            format!("_interaction={uid}; path=/interaction/{uid}; samesite=lax; httponly").as_str(),
        )
        .append_header(
            "set-cookie",
            format!("_interaction_resume={uid}; path=/auth/{uid}; samesite=lax; httponly").as_str(),
        )
}

/// node's 303 after an interaction: back to `/auth/<uid>` (absolute).
fn to_resume(server: &MockServer, uid: &str) -> ResponseTemplate {
    ResponseTemplate::new(303)
        .insert_header("location", format!("{}/auth/{uid}", server.uri()).as_str())
}

/// Mounts node's flow: /auth → login interaction → /auth/<login uid> → consent interaction →
/// /auth/<consent uid> → callback. Each interaction page answers only with its own cookie.
async fn node_provider(
    login: &str,
    consent: &str,
    login_uid: &str,
    consent_uid: &str,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth"))
        .respond_with(to_interaction(login_uid))
        .mount(&server)
        .await;
    for (uid, fixture) in [(login_uid, login), (consent_uid, consent)] {
        let own = format!("_interaction={uid}");
        Mock::given(method("GET"))
            .and(path(format!("/interaction/{uid}")))
            .and(move |r: &Request| cookie_has(r, &own))
            .respond_with(page(fixture, &server))
            .mount(&server)
            .await;
    }
    // The resume after login sets the session; the interaction cookie must not be sent here.
    let resume = format!("_interaction_resume={login_uid}");
    Mock::given(method("GET"))
        .and(path(format!("/auth/{login_uid}")))
        .and(move |r: &Request| cookie_has(r, &resume) && !cookie_named(r, "_interaction"))
        .respond_with(
            to_interaction(consent_uid)
                .append_header("set-cookie", "_session=S-1; path=/; httponly"),
        )
        .mount(&server)
        .await;
    let resume = format!("_interaction_resume={consent_uid}");
    Mock::given(method("GET"))
        .and(path(format!("/auth/{consent_uid}")))
        .and(move |r: &Request| cookie_has(r, &resume) && cookie_has(r, "_session=S-1"))
        .respond_with(
            ResponseTemplate::new(303).insert_header(
                "location",
                format!(
                    "{CALLBACK}?code=node-code-1&state=st-1&iss={}",
                    server.uri()
                )
                .as_str(),
            ),
        )
        .mount(&server)
        .await;
    server
}

fn agent() -> Browser {
    Browser::new(
        &AgentConfig::default(),
        Redactor::new(vec![PASSWORD.into()]),
    )
    .unwrap()
}

async fn run(server: &MockServer, password: &str, consent: ConsentChoice) -> DriveReport {
    let redirect_uri = Url::parse(CALLBACK).unwrap();
    let creds = Credentials {
        username: "alice".into(),
        password: password.into(),
    };
    let hints = FormHints::default();
    let opts = DriveOptions {
        redirect_uri: &redirect_uri,
        credentials: Some(&creds),
        hints: &hints,
        consent,
        max_steps: 20,
    };
    let start = Url::parse(&format!(
        "{}/auth?client_id=harness-client&state=st-1",
        server.uri()
    ))
    .unwrap();
    drive(&agent(), HttpRequest::get(start), &opts)
        .await
        .unwrap()
}

#[tokio::test]
async fn dev_interactions_are_driven_to_the_callback() {
    let server = node_provider(DEV_LOGIN, DEV_CONSENT, LOGIN_UID, CONSENT_UID).await;
    let own = format!("_interaction={LOGIN_UID}");
    Mock::given(method("POST"))
        .and(path(format!("/interaction/{LOGIN_UID}")))
        .and(move |r: &Request| {
            cookie_has(r, &own)
                && form_has(r, "prompt", "login")
                && form_has(r, "login", "alice")
                && form_has(r, "password", PASSWORD)
        })
        .respond_with(to_resume(&server, LOGIN_UID))
        .mount(&server)
        .await;
    let own = format!("_interaction={CONSENT_UID}");
    Mock::given(method("POST"))
        .and(path(format!("/interaction/{CONSENT_UID}")))
        .and(move |r: &Request| cookie_has(r, &own) && form_has(r, "prompt", "consent"))
        .respond_with(to_resume(&server, CONSENT_UID))
        .mount(&server)
        .await;
    let report = run(&server, PASSWORD, ConsentChoice::Allow).await;
    let DriveOutcome::Callback(cb) = &report.outcome else {
        panic!("{report:?}")
    };
    assert_eq!((cb.code(), cb.state()), (Some("node-code-1"), Some("st-1")));
    assert_eq!(
        (
            report.login_forms_seen,
            report.consent_pages_seen,
            report.steps
        ),
        (1, 1, 7)
    );
}

/// The strict peer: login and consent POSTs go to `<uid>/login` and `<uid>/confirm` with the
/// csrf_token; a wrong password is a 303 back to `?error=1`; deny ends in access_denied.
async fn strict_provider() -> MockServer {
    let server = node_provider(
        STRICT_LOGIN,
        STRICT_CONSENT,
        STRICT_LOGIN_UID,
        STRICT_CONSENT_UID,
    )
    .await;
    let own = format!("_interaction={STRICT_LOGIN_UID}");
    Mock::given(method("POST"))
        .and(path(format!("/interaction/{STRICT_LOGIN_UID}/login")))
        .and(move |r: &Request| {
            cookie_has(r, &own)
                && form_has(
                    r,
                    "csrf_token",
                    "CSRF-LOGIN-00000000000000000000000000000000",
                )
                && form_has(r, "username", "alice")
                && form_has(r, "password", PASSWORD)
        })
        .respond_with(to_resume(&server, STRICT_LOGIN_UID))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/interaction/{STRICT_LOGIN_UID}/login")))
        .respond_with(ResponseTemplate::new(303).insert_header(
            "location",
            format!("/interaction/{STRICT_LOGIN_UID}?error=1").as_str(),
        ))
        .with_priority(10)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/interaction/{STRICT_LOGIN_UID}")))
        .and(|r: &Request| r.url.query() == Some("error=1"))
        .respond_with(page(STRICT_LOGIN_ERROR, &server))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/interaction/{STRICT_CONSENT_UID}/confirm")))
        .and(|r: &Request| form_has(r, "decision", "deny") && form_has(r, "csrf_token", "CSRF-CONSENT-000000000000000000000000000000"))
        .respond_with(ResponseTemplate::new(303).insert_header(
            "location",
            format!("{CALLBACK}?error=access_denied&error_description=End-User+denied+consent&state=st-1").as_str(),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn strict_wrong_password_is_login_rejected() {
    let server = strict_provider().await;
    let report = run(&server, "wrong", ConsentChoice::Allow).await;
    assert!(
        matches!(&report.outcome, DriveOutcome::LoginRejected { url } if url.ends_with("?error=1")),
        "{report:?}"
    );
    assert_eq!((report.login_forms_seen, report.consent_pages_seen), (2, 0));
}

#[tokio::test]
async fn strict_deny_ends_with_access_denied() {
    let server = strict_provider().await;
    let report = run(&server, PASSWORD, ConsentChoice::Deny).await;
    let DriveOutcome::Callback(cb) = &report.outcome else {
        panic!("{report:?}")
    };
    assert_eq!(
        (cb.error(), cb.state(), cb.code()),
        (Some("access_denied"), Some("st-1"), None)
    );
    assert_eq!((report.login_forms_seen, report.consent_pages_seen), (1, 1));
}
