//! `oidc-harness load` against the embedded reference provider: a clean run counts flows and
//! finds nothing; a broken provider is caught under load; thresholds fail the run; shard
//! reports merge exactly. Goose keeps process-wide state, so the runs go one after another.

use std::sync::Arc;

use oidc_harness::clock::SystemClock;
use oidc_harness::load::{self, LoadOptions, LoadReport, Scenario};
use reference_provider::{Fault, FaultSet};

async fn run(scenario: &str, faults: FaultSet, opts: LoadOptions) -> LoadReport {
    run_with(Scenario::builtin(scenario).unwrap(), faults, opts).await
}

async fn run_with(mut s: Scenario, faults: FaultSet, opts: LoadOptions) -> LoadReport {
    s.users = 2;
    s.hatch_rate = "4".into();
    s.run_time = "2s".into();
    let (_op, target) = load::start_embedded_for_load(s.users, faults).await.unwrap();
    load::run(target, &s, &opts, Arc::new(SystemClock)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_runs_count_flows_catch_faults_miss_thresholds_and_merge() {
    // A clean provider: flows complete, every ID token verifies, nothing is found.
    let clean = run("login-flow", FaultSet::none(), LoadOptions { replay_codes: true, ..LoadOptions::default() }).await;
    let c = clean.counters;
    assert!(c.flows_completed > 0, "{c:?}");
    assert_eq!(c.flows_completed, c.flows_started);
    // Each flow verifies its ID token and its (RFC 9068 JWT) access token.
    assert_eq!(c.verifications, 2 * c.flows_completed);
    assert_eq!(c.verification_failures, 0);
    assert!(clean.errors.is_empty(), "{:?}", clean.errors);
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);
    assert!(clean.thresholds_failed.is_empty(), "{:?}", clean.thresholds_failed);
    for step in ["authorize", "login", "token", "token_replay", "userinfo", "verify_jwt"] {
        assert!(clean.steps.get(step).is_some_and(|s| s.count > 0), "no {step} samples: {:?}", clean.steps.keys());
    }

    // Encrypted ID tokens (nested JWT) are decrypted, then verified, under load too.
    let mut encrypted = Scenario::builtin("login-flow").unwrap();
    encrypted.transactions[0].client = Some("encrypted-id-token".into());
    let enc = run_with(encrypted, FaultSet::none(), LoadOptions::default()).await;
    assert!(enc.counters.flows_completed > 0 && enc.counters.verification_failures == 0, "{:?} {:?}", enc.counters, enc.findings);
    assert!(enc.findings.is_empty(), "{:?}", enc.findings);

    // A provider that lets codes be redeemed twice, and one whose ID tokens lie: findings by check id.
    let reusable = run("login-flow", FaultSet::of([Fault::CodeReusable]), LoadOptions { replay_codes: true, ..LoadOptions::default() }).await;
    assert!(reusable.findings.get("code.reuse.rejected").is_some_and(|f| f.count > 0), "{:?}", reusable.findings);
    assert!(reusable.must_failures() > 0);
    let wrong_iss = run("token-refresh", FaultSet::of([Fault::IdTokenWrongIss]), LoadOptions::default()).await;
    assert!(wrong_iss.findings.get("idtoken.iss.matches").is_some_and(|f| f.count > 1), "{:?}", wrong_iss.findings);
    assert!(wrong_iss.counters.verification_failures > 0);

    // A threshold no provider meets fails the run.
    let opts = LoadOptions { thresholds: vec!["rps>=1000000".into()], ..LoadOptions::default() };
    let missed = run("discovery-jwks", FaultSet::none(), opts).await;
    assert_eq!(missed.thresholds_failed.len(), 1, "{:?}", missed.thresholds_failed);
    assert!(missed.steps["jwks"].count > 0);

    // Two shards of one test merge into their sum.
    let second = run("login-flow", FaultSet::none(), LoadOptions::default()).await;
    let mut second = second;
    second.target = clean.target.clone();
    let merged = load::merge(vec![("a".into(), clean.clone()), ("b".into(), second.clone())]).unwrap();
    assert_eq!(merged.processes, 2);
    assert_eq!(merged.counters.flows_completed, clean.counters.flows_completed + second.counters.flows_completed);
    assert_eq!(merged.steps["token"].count, clean.steps["token"].count + second.steps["token"].count);
    assert!(load::render(&merged).contains("login flows completed"));
}
