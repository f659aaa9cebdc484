//! `conform` against the embedded reference provider: every MUST check passes, exit 0, reports
//! written in every format.

use std::process::Command;
use std::sync::Arc;

use oidc_harness::checks::{Level, Status};
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::ModuleStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_provider_passes_every_must_check() {
    let op = conform::start_embedded(reference_provider::FaultSet::none()).await.unwrap();
    let target = oidc_harness::target::Target::try_from(conform::embedded_profile(op.issuer())).unwrap();
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: Some("e2e".into()), progress: false, budget: Default::default() };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    let failures: Vec<String> = report
        .modules
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .filter(|(_, f)| f.status == Status::Fail)
        .map(|(m, f)| format!("{} {}: {:?}", m.id, f.check_id, f.message))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    for m in &report.modules {
        assert_ne!(m.status, ModuleStatus::Failed, "{} failed: {:?}", m.id, m.note);
        assert_ne!(m.status, ModuleStatus::Skipped, "{} skipped: {:?}", m.id, m.note);
        assert_ne!(m.status, ModuleStatus::Error, "{} could not run: {:?}", m.id, m.note);
    }
    let must_passed = report.modules.iter().flat_map(|m| &m.findings).filter(|f| f.level == Level::Must && f.status == Status::Pass).count();
    assert!(must_passed > 200, "only {must_passed} MUST checks passed");
    // The transcript never carries the demo secrets.
    use oidc_harness::report::ReportWriter as _;
    let json = String::from_utf8(oidc_harness::report::JsonWriter.render(&report).unwrap()).unwrap();
    for secret in ["demo-client-secret", "alice-demo-password", "demo-third-party-secret"] {
        assert!(!json.contains(secret), "{secret} leaked into the report");
    }
}

#[test]
fn cli_conform_exits_0_and_writes_every_format() {
    let dir = std::env::temp_dir().join(format!("oh-e2e-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_oidc-harness"))
        .args(["conform", "--quiet", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for f in ["report.json", "junit.xml", "summary.md", "report.html"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 fail"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_errors_exit_2_with_a_clear_message() {
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_oidc-harness")).args(args).output().unwrap();
    let out = run(&["conform", "--target", "/nonexistent/profile.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/profile.toml"));
    let out = run(&["conform", "--quiet", "--only", "idtoken.nonce.matchez"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"idtoken.nonce.matches\""));
    let out = run(&["conform", "--quiet", "--plan", "everything"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["conform", "--quiet", "--issuer", "http://127.0.0.1:9", "--authz-param", "acr_values"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected NAME=VALUE"), "{}", String::from_utf8_lossy(&out.stderr));
    // Nothing listens on port 9: the provider is unreachable.
    let out = run(&[
        "conform", "--quiet", "--issuer", "http://127.0.0.1:9", "--client-id", "c", "--redirect-uri",
        "http://127.0.0.1:8765/cb", "--username", "u", "--password", "p",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the provider"));
}
