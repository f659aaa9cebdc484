//! A deterministic fixture report: four modules covering every finding status, a module that
//! failed without a failing finding, a skipped module, transcripts, and hostile text.

use crate::checks::{Finding, Level, Status};
use crate::http::Exchange;
use crate::report::{ModuleResult, ModuleStatus, RunReport, SCHEMA_VERSION, TargetSummary};

/// A finding with the given outcome; `message` is omitted on pass.
pub(super) fn finding(
    check_id: &str,
    spec: &str,
    level: Level,
    status: Status,
    message: &str,
) -> Finding {
    Finding {
        check_id: check_id.into(),
        title: title_for(check_id).into(),
        spec: spec.into(),
        level,
        status,
        message: (status != Status::Pass).then(|| message.to_owned()),
        expected: None,
        actual: None,
        accepted: None,
    }
}

/// Realistic one-line titles for the fixture's check ids.
fn title_for(check_id: &str) -> &'static str {
    match check_id {
        "discovery.issuer.matches" => "issuer in the metadata equals the URL it was fetched from",
        "discovery.scopes_supported.present" => "metadata lists scopes_supported",
        "discovery.claims_parameter_supported" => "provider supports the claims request parameter",
        "idtoken.nonce.matches" => "nonce in the ID token equals the one sent",
        "idtoken.aud.contains_client" => "ID token aud contains the client id",
        "token.response.content_type" => "token response is application/json",
        "pkce.s256.enforced" => "token endpoint rejects a wrong PKCE S256 verifier",
        _ => "a check",
    }
}

/// A module whose status is derived from its findings.
pub(super) fn module(id: &str, findings: Vec<Finding>) -> ModuleResult {
    ModuleResult {
        id: id.into(),
        description: match id {
            "discovery-metadata" => "fetch and check the discovery document",
            "code-flow-basic" => "complete an authorization-code flow and check the tokens",
            "pkce-wrong-verifier" => "redeem a code with a wrong PKCE verifier",
            "refresh-rotation" => "refresh tokens rotate and old ones are revoked",
            _ => "a test module",
        }
        .into(),
        status: ModuleResult::status_from_findings(&findings),
        duration_ms: 120,
        note: None,
        findings,
        transcript: Vec::new(),
    }
}

/// A report holding `modules`, with fixed metadata.
pub(super) fn report_with(modules: Vec<ModuleResult>) -> RunReport {
    RunReport {
        schema_version: SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        run_name: "fixture-run".into(),
        started_at: "2026-11-27T18:00:00Z".into(),
        duration_ms: 4321,
        target: TargetSummary {
            name: "embedded".into(),
            issuer: "http://127.0.0.1:8080".into(),
        },
        plan: "basic".into(),
        modules,
        incomplete: None,
    }
}

fn exchange(seq: u32, method: &str, url: &str, status: Option<u16>) -> Exchange {
    Exchange {
        seq,
        method: method.into(),
        url: url.into(),
        request_headers: Vec::new(),
        request_body: None,
        status,
        response_headers: Vec::new(),
        response_body: None,
        elapsed_ms: 7,
        error: None,
    }
}

/// The fixture: 4 modules; findings 3 pass, 1 fail, 1 warn, 1 info, 1 skip.
pub(super) fn fixture() -> RunReport {
    let mut discovery = module(
        "discovery-metadata",
        vec![
            finding(
                "discovery.issuer.matches",
                "OIDCD-4.3",
                Level::Must,
                Status::Pass,
                "",
            ),
            finding(
                "discovery.scopes_supported.present",
                "OIDCD-3",
                Level::Should,
                Status::Warn,
                "expected scopes_supported in the metadata (found none)",
            ),
            finding(
                "discovery.claims_parameter_supported",
                "OIDCD-3",
                Level::May,
                Status::Info,
                "claims parameter not supported",
            ),
        ],
    );
    let mut get = exchange(
        1,
        "GET",
        "http://127.0.0.1:8080/.well-known/openid-configuration",
        Some(200),
    );
    get.response_headers = vec![("content-type".into(), "application/json".into())];
    get.response_body = Some(r#"{"issuer":"http://127.0.0.1:8080"}"#.into());
    discovery.transcript = vec![get];

    let mut nonce = finding(
        "idtoken.nonce.matches",
        "OIDCC-3.1.3.7-11",
        Level::Must,
        Status::Fail,
        "expected the nonce sent | in the ID token\n(found another) <script>alert(1)</script>",
    );
    nonce.expected = Some("n-0S6_WzA2Mj".into());
    nonce.actual = Some("n-<b>&\"other\"'".into());
    let mut code_flow = module(
        "code-flow-basic",
        vec![
            finding(
                "token.response.content_type",
                "RFC6749-5.1",
                Level::Must,
                Status::Pass,
                "",
            ),
            nonce,
            finding(
                "pkce.s256.enforced",
                "RFC7636-4.6",
                Level::Must,
                Status::Skip,
                "PKCE not offered",
            ),
            finding(
                "idtoken.aud.contains_client",
                "OIDCC-3.1.3.7-3",
                Level::Must,
                Status::Pass,
                "",
            ),
        ],
    );
    let mut post = exchange(2, "POST", "http://127.0.0.1:8080/token", Some(200));
    post.request_headers = vec![("authorization".into(), "Basic [redacted]".into())];
    post.request_body = Some("grant_type=authorization_code&code=[redacted:ab12]".into());
    let mut failed = exchange(3, "GET", "http://127.0.0.1:8080/userinfo?x=<&>", None);
    failed.error = Some("connection refused".into());
    code_flow.transcript = vec![post, failed];

    let mut pkce = module("pkce-wrong-verifier", Vec::new());
    pkce.status = ModuleStatus::Failed;
    pkce.note = Some("token endpoint unreachable: connection refused".into());

    let mut refresh = module("refresh-rotation", Vec::new());
    refresh.status = ModuleStatus::Skipped;
    refresh.note = Some("refresh_token grant not offered".into());

    let mut prompt = module("prompt-session", Vec::new());
    prompt.status = ModuleStatus::Error;
    prompt.note = Some("expected a response within 10000 ms (found none) for GET http://127.0.0.1:8080/authorize".into());

    report_with(vec![discovery, code_flow, pkce, refresh, prompt])
}
