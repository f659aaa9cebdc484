//! Providers that behave conformantly but unusually, which the harness must drive to the end
//! with plan `all` and no failure: a back channel that refuses any request carrying a cookie
//! (as one real provider does: "not supposed to be called by authenticated users"), and an
//! identifier-first login (the login name on one page, the password on the next).

use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use reference_provider::config::LoginUi;
use reference_provider::store::Store;
use reference_provider::{Config, FaultSet, Provider, paths};

/// The back-channel endpoints of the reference provider.
const BACK_CHANNEL: &[&str] =
    &[paths::DISCOVERY, paths::OAUTH_METADATA, paths::JWKS, paths::TOKEN, paths::USERINFO, paths::REVOKE, paths::INTROSPECT];

/// Refuses a back-channel request that carries a cookie, as a provider may.
async fn refuse_cookies(req: Request, next: Next) -> Response {
    if BACK_CHANNEL.contains(&req.uri().path()) && req.headers().contains_key("cookie") {
        let body = r#"{"error":"invalid_request","error_description":"not supposed to be called by authenticated users"}"#;
        return (axum::http::StatusCode::BAD_REQUEST, [("content-type", "application/json")], body).into_response();
    }
    next.run(req).await
}

/// Serves the reference provider with `config` on a free port, behind the cookie-refusing
/// layer when `strict_back_channel`; returns the issuer.
pub(super) async fn serve(config: Config, strict_back_channel: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = Provider::new(
        config,
        issuer.clone(),
        Store::open_in_memory().unwrap(),
        FaultSet::none(),
        Arc::new(reference_provider::clock::SystemClock),
        Arc::new(reference_provider::random::SystemRandom),
    )
    .unwrap();
    let mut router = reference_provider::app(Arc::new(provider));
    if strict_back_channel {
        router = router.layer(middleware::from_fn(refuse_cookies));
    }
    tokio::spawn(async move { axum::serve(listener, router).await });
    issuer
}

/// Plan `all` against `issuer` with the embedded demo profile.
async fn plan_all(issuer: &str) -> RunReport {
    let target = oidc_harness::target::Target::try_from(conform::embedded_profile(issuer)).unwrap();
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false, budget: Default::default() };
    conform::run(target, &options, Arc::new(SystemClock)).await.unwrap()
}

/// Every failed check and every module that did not pass (or warn): failed, skipped or errored.
pub(super) fn problems(report: &RunReport) -> Vec<String> {
    let failed = report
        .modules
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .filter(|(_, f)| f.status == Status::Fail)
        .map(|(m, f)| format!("{} {}: {:?}", m.id, f.check_id, f.message));
    let modules = report
        .modules
        .iter()
        .filter(|m| matches!(m.status, ModuleStatus::Failed | ModuleStatus::Skipped | ModuleStatus::Error))
        .map(|m| format!("{} {:?}: {:?}", m.id, m.status, m.note));
    failed.chain(modules).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_back_channel_that_refuses_cookies_passes_plan_all() {
    let issuer = serve(conform::embedded_config(), true).await;
    // The fake really refuses a cookie at the token endpoint (so this test can fail).
    let refused = reqwest::Client::new()
        .post(format!("{issuer}{}", paths::TOKEN))
        .header("cookie", "op_session=x")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let report = plan_all(&issuer).await;
    assert_eq!(problems(&report), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identifier_first_login_passes_plan_all_with_the_html_driver() {
    let config = Config { login_ui: LoginUi::IdentifierFirst, ..conform::embedded_config() };
    let issuer = serve(config, false).await;
    let report = plan_all(&issuer).await;
    assert_eq!(problems(&report), Vec::<String>::new());
    // The logins really went through two pages: the login name alone, then the password.
    let logins: Vec<&str> = report
        .modules
        .iter()
        .flat_map(|m| &m.transcript)
        .filter(|e| e.method == "POST" && e.url.ends_with(paths::LOGIN))
        .filter_map(|e| e.request_body.as_deref())
        .collect();
    let name_only = logins.iter().filter(|b| b.contains("username=") && !b.contains("password=")).count();
    let with_password = logins.iter().filter(|b| b.contains("password=")).count();
    assert!(name_only >= 10 && with_password >= name_only, "{name_only} name-only and {with_password} password posts");
}
