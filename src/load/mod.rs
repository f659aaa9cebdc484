//! `oidc-harness load`: Goose load tests of a provider's login and token endpoints, on the
//! conformance path's own flow driver and checks, reporting flows/s, token responses/s,
//! verifications/s, per-step percentiles (saved as mergeable HDR histograms), errors by kind
//! and conformance findings seen under load.

mod attack;
mod cpu;
mod embedded;
pub mod flows;
mod html;
mod progress;
pub mod report;
pub mod scenario;
pub mod series;
pub mod stats;
pub mod stop;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use goose::config::GooseConfiguration;
use goose::client::GooseClientBuilder;
use goose::{GooseAttack, GooseError};

pub use embedded::{LOAD_LIFETIME_SECS, load_lifetimes, start_embedded_for_load, start_embedded_for_load_with};
pub use html::render_html;
pub use progress::{Progress, ProgressView, live_line, plain_line};
pub use report::{LoadReport, LoadReportError, merge, render, write_all};
pub use scenario::{FlowKind, Scenario, ScenarioError, TransactionSpec};

use crate::clock::{self, Clock};
use crate::conform::{self, HarnessError};
use crate::report::TargetSummary;
use crate::target::{ClientAuth, Target};
use attack::{Job, Shared};
use stats::LoadStats;

/// How to run, beyond the scenario (command-line overrides use Goose's names).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Concurrent users (overrides the scenario).
    pub users: Option<usize>,
    /// Users started per second (overrides the scenario).
    pub hatch_rate: Option<String>,
    /// Run time (overrides the scenario).
    pub run_time: Option<String>,
    /// Goose thresholds that replace the scenario's (none given: the scenario's apply).
    pub thresholds: Vec<String>,
    /// A missed threshold stops the run early (also when the scenario does not ask to).
    pub stop_on_threshold: bool,
    /// Goose's own reports (`.html`, `.json`, `.md`), one path per format.
    pub goose_reports: Vec<PathBuf>,
    /// Replay every code once after redeeming it (a success is a finding).
    pub replay_codes: bool,
    /// Print Goose's own tables on stdout.
    pub goose_metrics: bool,
    /// The provider runs inside this process (its CPU is then part of the process's).
    pub provider_in_process: bool,
    /// Live progress on stderr.
    pub progress: Progress,
    /// When to stop before the run time ends (`--max-time`, a signal): the report then says it
    /// is incomplete. Ctrl-C is also caught by Goose itself, with the same effect.
    pub budget: conform::Budget,
}

/// Why a load test could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Bad scenario or overrides.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Discovery failed or HTTP could not be set up.
    #[error(transparent)]
    Harness(#[from] HarnessError),
    /// The provider's metadata is not usable for flows.
    #[error("expected usable authorization and token endpoints in the discovery document (found none)")]
    NoEndpoints,
    /// A transaction names a client the profile does not have.
    #[error("scenario transaction {kind} names client {name}, expected one of: {known}")]
    UnknownClient {
        /// Flow kind.
        kind: String,
        /// The name given.
        name: String,
        /// Labels in the profile.
        known: String,
    },
    /// The profile cannot serve a transaction.
    #[error("scenario transaction {kind}: expected {expected} in the target profile (found none)")]
    Unfit {
        /// Flow kind.
        kind: String,
        /// What is missing.
        expected: String,
    },
    /// Goose refused the configuration or failed.
    #[error("goose: {0}")]
    Goose(String),
    /// The budget ran out, or a signal came, before the load started (nothing to report).
    #[error("stopped before the load started: {0}")]
    Stopped(String),
}

/// Resolves each transaction's client against the profile.
fn jobs(target: &Target, scenario: &Scenario, opts: &LoadOptions) -> Result<Vec<Job>, LoadError> {
    let mut out = Vec::new();
    for t in &scenario.transactions {
        let kind = t.kind.as_str().to_owned();
        let client = match &t.client {
            Some(name) => target
                .clients
                .iter()
                .position(|c| c.label() == name || &c.client_id == name)
                .ok_or_else(|| LoadError::UnknownClient {
                    kind: kind.clone(),
                    name: name.clone(),
                    known: target.clients.iter().map(|c| c.label().to_owned()).collect::<Vec<_>>().join(", "),
                })?,
            None if t.kind == FlowKind::ClientCredentials => target
                .clients
                .iter()
                .position(|c| c.auth_method != ClientAuth::None && c.client_secret.is_some())
                .ok_or_else(|| LoadError::Unfit { kind: kind.clone(), expected: "a confidential client".into() })?,
            None if target.clients.is_empty() => return Err(LoadError::Unfit { kind, expected: "a client".into() }),
            None => 0,
        };
        let needs_user = matches!(t.kind, FlowKind::LoginFlow | FlowKind::TokenRefresh | FlowKind::Userinfo);
        if needs_user && target.users.is_empty() {
            return Err(LoadError::Unfit { kind, expected: "a test user".into() });
        }
        // A replay revokes what the code issued (as it SHOULD), so only pure login flows replay.
        let replay_code = opts.replay_codes && t.kind == FlowKind::LoginFlow;
        out.push(Job { kind: t.kind, client, scope: t.scope.clone(), replay_code });
    }
    Ok(out)
}

/// Goose's configuration: no argv, no controllers, our overrides.
fn goose_config(issuer: &str, scenario: &Scenario, opts: &LoadOptions) -> Result<GooseConfiguration, LoadError> {
    let host = url::Url::parse(issuer)
        .map(|u| u[..url::Position::BeforePath].to_owned())
        .map_err(|e| LoadError::Goose(format!("issuer is not a URL: {e}")))?;
    let mut c = GooseConfiguration::default();
    c.host = Some(host);
    c.users = Some(opts.users.unwrap_or(scenario.users));
    c.increase_rate = Some(opts.hatch_rate.clone().unwrap_or_else(|| scenario.hatch_rate.clone()));
    c.run_time = Some(opts.run_time.clone().unwrap_or_else(|| scenario.run_time.clone()));
    // `run` has put the thresholds in force (the scenario's or the replacing ones) in `scenario`.
    c.threshold = scenario.thresholds.clone();
    // Judged when the run ends, unless asked to stop at the first miss.
    c.no_threshold_abort = !(scenario.stop_on_threshold || opts.stop_on_threshold) || c.threshold.is_empty();
    c.report_file = opts.goose_reports.iter().map(|p| p.display().to_string()).collect();
    // Our counters include the ramp-up, so Goose's must too (rates compare).
    c.no_reset_metrics = true;
    c.no_print_metrics = !opts.goose_metrics;
    c.no_telnet = true;
    c.quiet = 1;
    Ok(c)
}

/// A Goose error in words: the explanation Goose carries, not its debug form.
fn goose_words(e: &GooseError) -> String {
    match e {
        GooseError::InvalidOption { detail, .. } if !detail.is_empty() => detail.clone(),
        GooseError::InvalidOption { option, value, .. } => format!("{e}: {option} = {value:?}"),
        other => other.to_string(),
    }
}

/// Runs `scenario` against `target` and returns our report (thresholds missed are in it).
pub async fn run(target: Target, scenario: &Scenario, opts: &LoadOptions, clock: Arc<dyn Clock>) -> Result<LoadReport, LoadError> {
    let mut checked = scenario.clone();
    if let Some(u) = opts.users {
        checked.users = u;
    }
    if let Some(r) = &opts.hatch_rate {
        checked.hatch_rate = r.clone();
    }
    if let Some(t) = &opts.run_time {
        checked.run_time = t.clone();
    }
    if !opts.thresholds.is_empty() {
        checked.thresholds = opts.thresholds.clone();
    }
    checked.validate()?;
    let jobs = jobs(&target, &checked, opts)?;
    let summary = TargetSummary { name: target.name().to_owned(), issuer: target.issuer.clone() };
    let began = Instant::now();
    let (ctx, _) = tokio::select! {
        biased;
        why = opts.budget.exhausted(began) => return Err(LoadError::Stopped(why)),
        prepared = conform::prepare(target, Arc::clone(&clock)) => prepared?,
    };
    let ctx = ctx.ok_or(LoadError::NoEndpoints)?;
    let config = goose_config(&summary.issuer, &checked, opts)?;
    let shared = Arc::new(Shared { ctx, stats: LoadStats::default() });
    let started_at = clock::rfc3339(clock.now());
    // Users send through their own agents (`http::Browser`), never through Goose's client; one
    // shared cookie-less Goose client is built instead of one per user (each loads the
    // platform trust store: ~9.5 ms of CPU per user, inside the measured run).
    let attack = GooseAttack::initialize_with_config(config)
        .and_then(|a| a.set_client_builder_without_cookies(GooseClientBuilder::new().without_cookies()))
        .map_err(|e| LoadError::Goose(goose_words(&e)))?;
    let attack = attack::build(attack, &checked, jobs, &shared).map_err(|e| LoadError::Goose(goose_words(&e)))?;
    // One-time process set-up before the measured window, like the agent's TLS trust store:
    // aws-lc-rs seeds its entropy source on first use (tens of ms of jitter sampling), which
    // the first login would otherwise pay inside the run. A failure here recurs in the run.
    let _ = aws_lc_rs::rand::fill(&mut [0u8; 1]);
    let wall = Instant::now();
    let cpu_before = cpu::process_cpu();
    // The ticker cuts the time series every second (and draws progress) until the run ends.
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let ticker = tokio::spawn(progress::watch(Arc::clone(&shared), progress::Plan::of(&checked), opts.progress, wall, stopped));
    // The budget stops Goose the way its own Ctrl-C handler does: users end, metrics are kept.
    let budget = opts.budget.clone();
    let watchdog = tokio::spawn(async move {
        let why = budget.exhausted(began).await;
        goose::trigger_killswitch(&why);
        why
    });
    let outcome = attack.execute().await;
    let _ = stop.send(());
    let _ = ticker.await;
    let incomplete = stop_reason(watchdog, outcome.is_ok()).await;
    let thresholds_failed = match outcome {
        Ok(_) => Vec::new(),
        Err(GooseError::ThresholdsFailed { failed, .. }) => {
            failed.iter().filter(|r| !r.passed).map(|r| format!("{} (observed {})", r.rule, r.observed)).collect()
        }
        Err(e) => return Err(LoadError::Goose(goose_words(&e))),
    };
    let duration_ms = u64::try_from(wall.elapsed().as_millis()).unwrap_or(u64::MAX);
    let spent = cpu_before.zip(cpu::process_cpu()).map(|(before, after)| after.since(before));
    let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let snap = shared.stats.snapshot();
    Ok(LoadReport {
        kind: report::KIND.into(),
        schema_version: report::LOAD_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scenario: checked.name().to_owned(),
        target: summary,
        started_at,
        duration_ms,
        processes: 1,
        users: checked.users,
        counters: snap.counters,
        steps: snap.steps,
        errors: snap.errors,
        findings: snap.findings,
        series: snap.series,
        thresholds_failed,
        process_cpu_ms: spent.map(|c| ms(c.total)),
        process_system_cpu_ms: spent.map(|c| ms(c.system)),
        provider_in_process: opts.provider_in_process,
        incomplete,
    })
}

/// Why the attack stopped early: the watchdog's reason when it fired, else Ctrl-C when Goose's
/// own handler stopped a run that otherwise ended well (a threshold abort is not a stop).
async fn stop_reason(watchdog: tokio::task::JoinHandle<String>, ended_well: bool) -> Option<String> {
    if watchdog.is_finished() {
        return watchdog.await.ok();
    }
    watchdog.abort();
    (ended_well && goose::is_killswitch_triggered()).then(|| "interrupted (Ctrl-C)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_judged_at_the_end_unless_the_scenario_or_the_flag_asks_to_stop() {
        let mut s = Scenario::builtin("login-flow").unwrap();
        s.thresholds = vec!["p95<2s".into()];
        let config = |s: &Scenario, stop: bool| goose_config("http://op.test/realm", s, &LoadOptions { stop_on_threshold: stop, ..LoadOptions::default() }).unwrap();
        let c = config(&s, false);
        assert!(c.no_threshold_abort);
        assert_eq!(c.threshold, ["p95<2s"]);
        assert_eq!(c.host.as_deref(), Some("http://op.test"));
        assert!(!config(&s, true).no_threshold_abort);
        s.stop_on_threshold = true;
        assert!(!config(&s, false).no_threshold_abort);
    }

    #[test]
    fn goose_errors_are_told_in_words() {
        let e = GooseError::InvalidOption { option: "`configuration.x`".into(), value: "1".into(), detail: "x must be 2.".into() };
        assert_eq!(goose_words(&e), "x must be 2.");
    }
}
