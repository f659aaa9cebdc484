//! A login page with thousands of login forms posting to different places: the driver fills
//! the first; when the login then does not go through, the drive ends as the harness's limit
//! naming the ambiguity (one clear cause), never as the provider rejecting the credentials.

use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::http::{AgentConfig, Redactor};

/// A page of `n` login forms, the first posting to `first`, the others to `/login`.
fn page(n: usize, first: &str) -> String {
    let form = |action: &str| format!("<form method=\"post\" action=\"{action}\"><input name=\"username\"><input type=\"password\" name=\"password\"><button>Sign in</button></form>");
    let mut html = String::from("<html><body>");
    html += &form(first);
    for _ in 1..n {
        html += &form("/login");
    }
    html + "</body></html>"
}

async fn provider(first: &str) -> MockServer {
    let server = MockServer::start().await;
    let html = page(3000, first);
    Mock::given(method("GET")).and(path("/authorize")).respond_with(ResponseTemplate::new(200).set_body_raw(html.clone(), "text/html")).mount(&server).await;
    // The decoy shows the page again, as a refused login would.
    Mock::given(method("POST")).and(path("/decoy")).respond_with(ResponseTemplate::new(200).set_body_raw(html, "text/html")).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "https://rp.test/cb?code=c0de"))
        .mount(&server)
        .await;
    server
}

async fn run(server: &MockServer) -> DriveReport {
    let agent = Browser::new(&AgentConfig::default(), Redactor::new(vec!["pw-1".into()])).unwrap();
    let redirect_uri = Url::parse("https://rp.test/cb").unwrap();
    let creds = Credentials { username: "anne".into(), password: "pw-1".into() };
    let hints = FormHints::default();
    let opts = DriveOptions { redirect_uri: &redirect_uri, credentials: Some(&creds), hints: &hints, consent: ConsentChoice::Allow, max_steps: 20 };
    let start = HttpRequest::get(Url::parse(&format!("{}/authorize", server.uri())).unwrap());
    drive(&agent, start, &opts).await.unwrap()
}

#[tokio::test]
async fn a_login_that_fails_after_an_ambiguous_page_is_the_harness_limit_named_once() {
    let report = run(&provider("/decoy").await).await;
    match &report.outcome {
        DriveOutcome::CannotDrive { reason, .. } => {
            assert!(reason.contains("3000 login forms") && reason.contains("form hints"), "{reason}");
        }
        other => panic!("expected the ambiguity as the cause, found {other:?}"),
    }
}

#[tokio::test]
async fn an_ambiguous_page_whose_first_form_works_is_a_normal_login() {
    let report = run(&provider("/login").await).await;
    assert!(matches!(report.outcome, DriveOutcome::Callback(_)), "{report:?}");
    assert_eq!(report.login_forms_seen, 1);
}
