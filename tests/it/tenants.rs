//! The cross-tenant module: two embedded reference providers (two independent issuers) as the
//! home tenant and one extra tenant pass every `tenant.*` check; a fake tenant (wiremock) whose
//! token endpoint redeems any code for its client is caught by `tenant.code.not_redeemable_elsewhere`.

use std::sync::Arc;

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::it::fake_kit::{b64, discovery, json};
use oidc_harness::checks::{Finding, Status};
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use oidc_harness::target::{ClientProfile, Profile, Secret, TenantProfile};

/// The fake tenant's client.
const FAKE_CLIENT_ID: &str = "t2-client";
/// Its secret (also the HS256 key of the fake's ID tokens).
const FAKE_CLIENT_SECRET: &str = "t2-client-secret";
/// Its redirect URI (the harness stops there).
const REDIRECT_URI: &str = "http://127.0.0.1:8765/callback";

/// Runs only the cross-tenant modules (discovery always runs) against `target`.
async fn run(target: Profile) -> RunReport {
    let mut selection = Selection::plan(Plan::All);
    selection.only_modules = vec!["cross-tenant".into()];
    let options = RunOptions { selection, run_name: Some("tenants".into()), progress: false, budget: Default::default() };
    let target = oidc_harness::target::Target::try_from(target).expect("a valid profile");
    conform::run(target, &options, Arc::new(SystemClock)).await.expect("the run happens")
}

/// The findings of module `id`.
fn findings<'a>(report: &'a RunReport, id: &str) -> &'a [Finding] {
    let m = report.modules.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("no module {id}"));
    &m.findings
}

fn status(findings: &[Finding], check: &str) -> Status {
    findings.iter().find(|f| f.check_id == check).unwrap_or_else(|| panic!("no finding {check}")).status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_independent_issuers_pass_every_cross_tenant_check() {
    let home = conform::start_embedded(reference_provider::FaultSet::none()).await.unwrap();
    let other = conform::start_embedded(reference_provider::FaultSet::none()).await.unwrap();
    let mut target = conform::embedded_profile(home.issuer());
    let clients = conform::embedded_profile(other.issuer()).clients.into_iter().take(1).collect();
    target.tenants.push(TenantProfile { name: "second".into(), issuer: other.issuer().to_owned(), clients, users: vec![] });
    let report = run(target).await;
    let module = report.modules.iter().find(|m| m.id == "cross-tenant/second").expect("the module ran");
    assert_eq!(module.status, ModuleStatus::Passed, "{:?}: {:#?}", module.note, module.findings);
    let not_passed: Vec<_> = module.findings.iter().filter(|f| f.status != Status::Pass).collect();
    assert!(not_passed.is_empty(), "{not_passed:#?}");
    assert_eq!(module.findings.len(), oidc_harness::checks::TENANT_CHECKS.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_redeeming_foreign_codes_is_caught() {
    let home = conform::start_embedded(reference_provider::FaultSet::none()).await.unwrap();
    let fake = MockServer::start().await;
    Mock::given(any()).respond_with(CodeEatingTenant { issuer: fake.uri() }).mount(&fake).await;
    let mut target = conform::embedded_profile(home.issuer());
    let client = ClientProfile {
        name: Some("t2".into()),
        client_secret: Some(Secret::new(FAKE_CLIENT_SECRET)),
        first_party: true,
        scope: "openid".into(),
        ..ClientProfile::new(FAKE_CLIENT_ID, REDIRECT_URI)
    };
    target.tenants.push(TenantProfile { name: "fake".into(), issuer: fake.uri(), clients: vec![client], users: vec![] });
    let report = run(target).await;
    let f = findings(&report, "cross-tenant/fake");
    assert_eq!(status(f, "tenant.code.not_redeemable_elsewhere"), Status::Fail);
    for check in ["tenant.discovery.issuer_is_tenant", "tenant.code.foreign_client_refused", "tenant.idtoken.iss_is_tenant", "tenant.access_token.not_accepted_elsewhere"] {
        assert_eq!(status(f, check), Status::Pass, "{check}: {f:#?}");
    }
    // HS256 ID tokens are not judged by published keys.
    assert_eq!(status(f, "tenant.keys.distinct"), Status::Skip);
    use oidc_harness::report::ReportWriter as _;
    let json = String::from_utf8(oidc_harness::report::JsonWriter.render(&report).unwrap()).unwrap();
    assert!(!json.contains(FAKE_CLIENT_SECRET), "the tenant's client secret leaked into the report");
}

/// A tenant whose token endpoint redeems any code for its own client: the misbehaviour. Its
/// authorization endpoint answers at once with a code; its UserInfo refuses every token.
struct CodeEatingTenant {
    issuer: String,
}

impl Respond for CodeEatingTenant {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let i = &self.issuer;
        match (req.method.as_str(), req.url.path()) {
            ("GET", "/.well-known/openid-configuration") => {
                json_response(200, &discovery(i, json!({ "id_token_signing_alg_values_supported": ["HS256"] })))
            }
            ("GET", "/jwks") => json_response(200, &json!({ "keys": [] })),
            ("GET", "/authorize") => {
                let mut location = Url::parse(REDIRECT_URI).expect("redirect_uri");
                location.query_pairs_mut().append_pair("code", "fake-code");
                if let Some((_, state)) = req.url.query_pairs().find(|(k, _)| k == "state") {
                    location.query_pairs_mut().append_pair("state", &state);
                }
                ResponseTemplate::new(302).insert_header("Location", location.as_str())
            }
            ("POST", "/token") => {
                let expected = format!("Basic {}", STANDARD.encode(format!("{FAKE_CLIENT_ID}:{FAKE_CLIENT_SECRET}")));
                if req.headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
                    return json_response(401, &json!({ "error": "invalid_client" })).insert_header("WWW-Authenticate", "Basic");
                }
                // Any code at all is redeemed.
                json_response(200, &json!({
                    "access_token": "fake-access-token",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": self.id_token(),
                }))
            }
            ("GET", "/userinfo") => ResponseTemplate::new(401).insert_header("WWW-Authenticate", "Bearer error=\"invalid_token\""),
            _ => ResponseTemplate::new(404),
        }
    }
}

impl CodeEatingTenant {
    /// An HS256 ID token with the tenant's own iss.
    fn id_token(&self) -> String {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let claims = json!({ "iss": self.issuer, "sub": "user-1", "aud": FAKE_CLIENT_ID, "iat": now, "exp": now + 300 });
        let input = format!("{}.{}", b64(br#"{"alg":"HS256","typ":"JWT"}"#), b64(claims.to_string().as_bytes()));
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, FAKE_CLIENT_SECRET.as_bytes()), input.as_bytes());
        format!("{input}.{}", b64(tag.as_ref()))
    }
}

fn json_response(status: u16, body: &Value) -> ResponseTemplate {
    json(status, body).insert_header("Cache-Control", "no-store")
}
