//! `oidc-harness load` against the embedded reference provider: a clean run counts flows and
//! finds nothing; a broken provider is caught under load; thresholds fail the run; shard
//! reports merge exactly; a (wiremock) provider answering 500 is a finding under load; access
//! tokens that expire during a run are renewed without an error; a budget stops a run, reported
//! incomplete; each failed request is one error. Goose
//! keeps process-wide state, so the runs go one after another.

use std::sync::Arc;
use std::time::Duration;

use oidc_harness::clock::SystemClock;
use oidc_harness::load::{self, LoadOptions, LoadReport, Scenario};
use reference_provider::config::Lifetimes;
use reference_provider::{Fault, FaultSet};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use super::fake_kit;

async fn run(scenario: &str, faults: FaultSet, opts: LoadOptions) -> LoadReport {
    run_with(Scenario::builtin(scenario).unwrap(), faults, opts).await
}

async fn run_with(mut s: Scenario, faults: FaultSet, opts: LoadOptions) -> LoadReport {
    s.users = 2;
    s.hatch_rate = "4".into();
    s.run_time = "2s".into();
    let (_op, profile) = load::start_embedded_for_load(s.users, faults).await.unwrap();
    let target = oidc_harness::target::Target::try_from(profile).unwrap();
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
    // The time series cuts the same counters: its intervals add up to the totals.
    assert!(clean.series.len() >= 2, "{:?}", clean.series);
    assert_eq!(clean.series.iter().map(|p| p.flows_completed).sum::<u64>(), c.flows_completed);
    assert_eq!(clean.series.iter().map(|p| p.token_responses).sum::<u64>(), c.token_responses);
    assert_eq!(clean.series.last().map(|p| p.users), Some(2));
    // load.html is written beside load.json, with its charts inline.
    let dir = std::env::temp_dir().join(format!("oidc-harness-it-load-{}", std::process::id()));
    let [_, _, html] = load::write_all(&clean, &dir.join("load.json")).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Throughput") && page.contains("Latency: token") && page.contains("<polyline"), "{page}");
    assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("href="));
    let _ = std::fs::remove_dir_all(&dir);
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

    // A threshold no provider meets fails the run; it replaces the scenario's, and it is judged
    // at the end: the run lasts its whole run time (a lower bound the run time sets, not a speed).
    let opts = LoadOptions { thresholds: vec!["rps>=1000000".into()], ..LoadOptions::default() };
    let missed = run("discovery-jwks", FaultSet::none(), opts).await;
    assert_eq!(missed.thresholds_failed.len(), 1, "{:?}", missed.thresholds_failed);
    assert!(missed.thresholds_failed[0].contains("rps"), "{:?}", missed.thresholds_failed);
    assert!(missed.duration_ms >= 2_000, "stopped early after {} ms", missed.duration_ms);
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
    assert!(clean.process_cpu_ms.is_some_and(|ms| ms > 0) || !cfg!(target_os = "linux"), "{:?}", clean.process_cpu_ms);

    // A provider whose token endpoint fails with 500: every answer is a finding under load.
    let failing = server_error_provider().await;
    let mut s = Scenario::builtin("client-credentials").unwrap();
    s.users = 2;
    s.hatch_rate = "4".into();
    s.run_time = "2s".into();
    let broken = load::run(server_error_profile(&failing.uri()), &s, &LoadOptions::default(), Arc::new(SystemClock)).await.unwrap();
    let found = broken.findings.get("http.no_server_error").map(|f| (f.level, f.count));
    // A 5xx breaks no MUST (no sentence forbids a server error): a SHOULD finding, and an error.
    assert!(found.as_ref().is_some_and(|(level, n)| *level == oidc_harness::checks::Level::Should && *n > 0), "{:?}", broken.findings);
    assert_eq!(broken.errors.get("HTTP 500 at client_credentials").copied(), found.map(|(_, n)| n), "{:?}", broken.errors);
    // Each failed request is one error: no second kind ("client_credentials refused") for it.
    assert_eq!(broken.errors.len(), 1, "{:?}", broken.errors);
    assert_eq!(broken.counters.token_responses, 0);

    // A token endpoint nobody listens on: each request is one error, "no response at ...".
    let unreachable = server_error_provider_at("http://127.0.0.1:9/token").await;
    let dead = load::run(server_error_profile(&unreachable.uri()), &s, &LoadOptions::default(), Arc::new(SystemClock)).await.unwrap();
    assert_eq!(dead.errors.len(), 1, "{:?}", dead.errors);
    assert!(dead.errors.get("no response at client_credentials").is_some_and(|n| *n > 0), "{:?}", dead.errors);
    assert!(dead.findings.is_empty(), "{:?}", dead.findings);

    userinfo_users_renew_access_tokens_before_they_expire().await;
    // Last: the budget stops Goose through its process-wide killswitch.
    a_budget_stops_the_run_and_the_report_says_so().await;
}

/// `--max-time` ends a 60 s run after 2 s in all; what ran is reported, marked incomplete.
async fn a_budget_stops_the_run_and_the_report_says_so() {
    let budget = oidc_harness::conform::Budget { max_time: Some(Duration::from_secs(2)), stop: None };
    let mut s = Scenario::builtin("login-flow").unwrap();
    s.users = 2;
    s.hatch_rate = "4".into();
    s.run_time = "60s".into();
    let r = run_with(s, FaultSet::none(), LoadOptions { budget, ..LoadOptions::default() }).await;
    let why = r.incomplete.as_deref().unwrap_or_default();
    assert!(why.contains("--max-time"), "{:?}", r.incomplete);
    assert!(r.duration_ms < 60_000, "{}", r.duration_ms);
    assert!(r.counters.flows_started > 0, "{:?}", r.counters);
    assert!(load::render(&r).starts_with("INCOMPLETE: ") || load::render(&r).contains("\nINCOMPLETE: "), "{}", load::render(&r));
    let back: load::LoadReport = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back.incomplete, r.incomplete);
}

/// Access tokens that expire during the run (4 s here) are renewed by logging in again before
/// they expire: an expired token is the user's to renew, never an error of the provider's.
async fn userinfo_users_renew_access_tokens_before_they_expire() {
    let mut s = Scenario::builtin("userinfo").unwrap();
    s.users = 2;
    s.hatch_rate = "4".into();
    s.run_time = "7s".into();
    let lifetimes = Lifetimes { token_secs: 4, ..load::load_lifetimes() };
    let (_op, profile) = load::start_embedded_for_load_with(s.users, FaultSet::none(), lifetimes).await.unwrap();
    let target = oidc_harness::target::Target::try_from(profile).unwrap();
    let r = load::run(target, &s, &LoadOptions::default(), Arc::new(SystemClock)).await.unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.steps.get("userinfo").is_some_and(|u| u.count > 10 && u.errors == 0), "{:?}", r.steps.get("userinfo"));
    // Each user logged in at the start and renewed at least twice (at about 2 s and 4 s).
    let users = u64::try_from(s.users).unwrap();
    assert!(r.counters.flows_completed >= 3 * users, "{:?}", r.counters);
}

/// A wiremock provider: discovery and an empty JWK Set work, the token endpoint answers 500.
async fn server_error_provider() -> MockServer {
    server_error_provider_at("").await
}

/// [`server_error_provider`], its discovery document naming `token_endpoint` when not empty.
async fn server_error_provider_at(token_endpoint: &str) -> MockServer {
    let server = MockServer::start().await;
    let mut extra = serde_json::json!({"grant_types_supported": ["client_credentials"]});
    if !token_endpoint.is_empty() {
        extra["token_endpoint"] = token_endpoint.into();
    }
    let doc = fake_kit::discovery(&server.uri(), extra);
    Mock::given(method("GET")).and(path("/.well-known/openid-configuration")).respond_with(fake_kit::json(200, &doc)).mount(&server).await;
    Mock::given(method("GET")).and(path("/jwks")).respond_with(fake_kit::json(200, &serde_json::json!({"keys": []}))).mount(&server).await;
    let oops = serde_json::json!({"error": "server_error"});
    Mock::given(method("POST")).and(path("/token")).respond_with(fake_kit::json(500, &oops)).mount(&server).await;
    server
}

/// The profile of [`server_error_provider`]: one confidential client (and the user every profile has).
fn server_error_profile(issuer: &str) -> oidc_harness::target::Target {
    let text = format!(
        "name = \"failing\"\nissuer = \"{issuer}\"\ntimeout_secs = 5\n[[users]]\nusername = \"nobody\"\npassword = \"${{SVC_SECRET}}\"\n[[clients]]\nclient_id = \"svc\"\nclient_secret = \"${{SVC_SECRET}}\"\nredirect_uri = \"http://127.0.0.1:9/cb\"\n"
    );
    let env = |name: &str| (name == "SVC_SECRET").then(|| "not-a-real-secret".to_owned());
    oidc_harness::target::Target::parse(&text, std::path::Path::new("failing.toml"), &env).expect("the profile parses")
}
