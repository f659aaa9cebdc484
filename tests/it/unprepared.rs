//! A provider whose discovery yields no usable token endpoint: the set-up modules run and judge
//! it, and every other module is skipped once by the runner, each with its note, before any
//! login (no preflight, no request beyond discovery).

use std::sync::Arc;

use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::ModuleStatus;
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::fake_kit::{discovery, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_usable_endpoints_every_later_module_is_skipped_with_its_note() {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let doc = discovery(&issuer, json!({ "token_endpoint": "not a url" }));
    Mock::given(method("GET")).and(path("/.well-known/openid-configuration")).respond_with(json(200, &doc)).expect(1).mount(&server).await;
    // Nothing else is asked: no JWKS, no preflight login, no module request.
    Mock::given(any()).respond_with(ResponseTemplate::new(404)).with_priority(10).expect(0).mount(&server).await;

    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: Some("unprepared".into()), progress: false, budget: Default::default() };
    let report = conform::run(oidc_harness::target::Target::try_from(conform::embedded_profile(&issuer)).expect("the embedded profile is valid"), &options, Arc::new(SystemClock)).await.expect("the run happens");

    let discovery = &report.modules[0];
    assert_eq!(discovery.id, "discovery");
    assert_eq!(discovery.note.as_deref(), Some("authorization_endpoint or token_endpoint is missing or not a URL; flows are skipped"));
    assert!(report.modules.len() > 20, "plan all: {}", report.modules.len());
    for m in &report.modules[1..] {
        let expected = match m.id.as_str() {
            "jwks" => "no usable jwks_uri was advertised",
            "userinfo-errors" | "userinfo-methods" => "no userinfo_endpoint advertised",
            id if id.starts_with("cross-tenant/") => "discovery of the home tenant did not yield usable endpoints",
            _ => "discovery did not yield usable endpoints",
        };
        assert_eq!((m.status, m.note.as_deref()), (ModuleStatus::Skipped, Some(expected)), "{}", m.id);
        assert!(m.findings.is_empty() && m.transcript.is_empty(), "{}", m.id);
    }
}
