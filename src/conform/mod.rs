//! The conformance run: a plan (ordered test modules) executed against one target, each module
//! acting through the agent and form driver, gathering evidence and running the pure checks,
//! then assembled into a [`RunReport`].

mod context;
mod coverage;
mod embedded;
mod faults;
mod modules;
mod plan;
pub mod preflight;
pub mod steps;

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::time::Instant;

pub use context::{Ctx, Endpoints, Prepared, browser_for};
pub use coverage::{FAULTS_OUTSIDE_MATRIX, MustCoverage, UNPROVEN, Unproven, must_coverage};
pub use embedded::{EmbeddedProvider, embedded_config, embedded_profile, start_embedded};
pub use faults::{FAULT_MATRIX, FaultProof};

pub use modules::AuthzErrorCase;
pub(crate) use modules::{open_id_token, token_evidence, userinfo_evidence};
pub use modules::{CodeCase, ModuleKind, PkceCase, RaceGrant};
use modules::{ModuleOutcome, Preparation};
pub use plan::{ModuleSpec, Plan, PlanError, Selection, build_plan};

use crate::checks::{Finding, Status};
use crate::clock::{self, Clock};
use crate::http::{AgentError, Exchange};
use crate::report::{ModuleResult, ModuleStatus, RunReport, TargetSummary};
use crate::target::Target;

/// Why a run could not happen at all (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// The agent could not be built (bad CA file, TLS setup).
    #[error("cannot set up HTTP: {0}")]
    Browser(#[from] AgentError),
    /// The provider did not answer at all.
    #[error("cannot reach the provider at {url}: {reason}")]
    Unreachable {
        /// Discovery URL (redacted).
        url: String,
        /// Transport error.
        reason: String,
    },
    /// The plan selection is invalid.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The provider refused a configured password or client authentication (preflight): one
    /// sentence per refusal, naming the user or client and what the provider answered.
    #[error("wrong credentials in the target profile: {}", .0.join("; "))]
    Credentials(Vec<String>),
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Which modules.
    pub selection: Selection,
    /// Report run name.
    pub run_name: Option<String>,
    /// Progress lines on stderr.
    pub progress: bool,
    /// When to stop early (a time budget, a signal); the report then says it is incomplete.
    pub budget: Budget,
}

/// When a run stops before its plan is done: after `max_time`, or when `stop` says why (the CLI
/// sends "interrupted" on Ctrl-C or SIGTERM). The module running then ends as an error, the ones
/// after it are skipped, and the report is written, marked incomplete.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// Wall time the whole run may take.
    pub max_time: Option<std::time::Duration>,
    /// A reason to stop, once one is sent.
    pub stop: Option<tokio::sync::watch::Receiver<Option<String>>>,
}

impl Budget {
    /// Resolves, with the reason, when the run must stop (never, without a budget or signal).
    pub(crate) async fn exhausted(&self, started: Instant) -> String {
        let deadline = async {
            match self.max_time {
                Some(max) => {
                    tokio::time::sleep_until((started + max).into()).await;
                    format!("the run's time budget of {} s (--max-time) ran out", max.as_secs())
                }
                None => std::future::pending().await,
            }
        };
        let signal = async {
            match self.stop.clone() {
                Some(mut rx) => loop {
                    if let Some(why) = rx.borrow_and_update().clone() {
                        return why;
                    }
                    if rx.changed().await.is_err() {
                        return std::future::pending().await;
                    }
                },
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            why = deadline => why,
            why = signal => why,
        }
    }
}

/// Runs the selected plan against `target` and returns the report.
///
/// The set-up modules (discovery, JWKS) run first and make the [`Prepared`] value every other
/// module receives; when discovery yields no usable endpoints, the other modules are skipped here,
/// each with its note.
pub async fn run(target: Target, options: &RunOptions, clock: Arc<dyn Clock>) -> Result<RunReport, HarnessError> {
    let started = clock.now();
    let wall = Instant::now();
    let plan = build_plan(&target, &options.selection)?;
    let browser = browser_for(&target)?;
    let run_name = options.run_name.clone().unwrap_or_else(|| format!("{}-{}", target.name(), clock::compact(started)));
    let summary = TargetSummary { name: target.name().to_owned(), issuer: target.issuer.clone() };
    let mut progress = Progress { total: plan.modules.len(), shown: 0, live: options.progress && std::io::stderr().is_terminal(), options, results: Vec::new() };
    // `build_plan` puts the set-up modules first; any order keeps them first here.
    let (setup, rest): (Vec<&ModuleSpec>, Vec<&ModuleSpec>) = plan.modules.iter().partition(|m| m.kind.is_setup());
    let mut preparation = Preparation::default();
    let back = browser.back_channel();
    let budget = &options.budget;
    let mut incomplete: Option<String> = None;
    for spec in setup {
        let t = progress.start(spec);
        let outcome = if let Some(why) = &incomplete {
            ModuleOutcome::skipped(format!("not run: {why}"))
        } else {
            // Biased, the stop first: a stop already asked for wins over a module that could
            // finish within the same poll (loopback answers can be that fast).
            tokio::select! {
                biased;
                why = budget.exhausted(wall) => {
                    let note = format!("stopped: {why}");
                    incomplete = Some(why);
                    ModuleOutcome::default().abort(note)
                }
                outcome = modules::run_setup(&mut preparation, &target, &back, &spec.kind) => outcome?,
            }
        };
        progress.finish(spec, outcome, browser.take_transcript(), t);
    }
    match preparation.prepared().filter(|_| incomplete.is_none()) {
        Some(prepared) => {
            let ctx = Ctx::new(target, browser, Arc::clone(&clock), prepared);
            // Credentials are proven once, before any module logs in.
            if !rest.is_empty() {
                tokio::select! {
                    biased;
                    why = budget.exhausted(wall) => incomplete = Some(why),
                    checked = check_credentials(&ctx) => checked?,
                }
            }
            for spec in rest {
                let t = progress.start(spec);
                let outcome = if let Some(why) = &incomplete {
                    ModuleOutcome::skipped(format!("not run: {why}"))
                } else {
                    tokio::select! {
                        biased;
                        why = budget.exhausted(wall) => {
                            let note = format!("stopped: {why}");
                            incomplete = Some(why);
                            ModuleOutcome::default().abort(note)
                        }
                        outcome = modules::run_module(&ctx, &spec.kind) => outcome,
                    }
                };
                progress.finish(spec, outcome, ctx.browser.take_transcript(), t);
            }
        }
        None if incomplete.is_some() => {
            for spec in rest {
                let t = progress.start(spec);
                let why = incomplete.as_deref().unwrap_or_default();
                progress.finish(spec, ModuleOutcome::skipped(format!("not run: {why}")), Vec::new(), t);
            }
        }
        None => {
            for spec in rest {
                let t = progress.start(spec);
                progress.finish(spec, ModuleOutcome::skipped(spec.kind.unprepared_note()), Vec::new(), t);
            }
        }
    }
    let mut results = progress.results;
    for (spec, reason) in plan.excluded {
        results.push(ModuleResult {
            id: spec.id,
            description: spec.description,
            status: ModuleStatus::Skipped,
            duration_ms: 0,
            note: Some(reason),
            findings: Vec::new(),
            transcript: Vec::new(),
        });
    }
    Ok(RunReport {
        schema_version: crate::report::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        run_name,
        started_at: clock::rfc3339(started),
        duration_ms: u64::try_from(wall.elapsed().as_millis()).unwrap_or(u64::MAX),
        target: summary,
        plan: plan.name,
        modules: results,
        incomplete,
    })
}

/// The plan's results as they come, with progress lines on stderr.
struct Progress<'a> {
    /// Modules in the plan.
    total: usize,
    /// Modules started so far.
    shown: usize,
    /// A live status line on a terminal.
    live: bool,
    /// The run's options (selection, progress).
    options: &'a RunOptions,
    /// Results so far.
    results: Vec<ModuleResult>,
}

impl Progress<'_> {
    /// A module starts: its start time.
    fn start(&mut self, spec: &ModuleSpec) -> Instant {
        self.shown += 1;
        if self.live {
            // A live status line on a terminal; CI logs get only the final lines.
            eprint!("\r\x1b[2K[{:>2}/{}] {} ...", self.shown, self.total, spec.id);
        }
        Instant::now()
    }

    /// A module ended with `outcome` and `transcript`.
    fn finish(&mut self, spec: &ModuleSpec, outcome: ModuleOutcome, transcript: Vec<Exchange>, started: Instant) {
        let findings = selection_filter(outcome.findings, &self.options.selection);
        let status = module_status(outcome.status, &findings);
        if self.options.progress {
            let n = findings.iter().filter(|f| f.status != Status::Skip).count();
            if self.live {
                eprint!("\r\x1b[2K");
            }
            eprintln!("[{:>2}/{}] {:<44} {:<8} ({n} checks)", self.shown, self.total, spec.id, format!("{status:?}").to_lowercase());
        }
        self.results.push(ModuleResult {
            id: spec.id.clone(),
            description: spec.description.clone(),
            status,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            note: outcome.note,
            findings,
            transcript,
        });
    }
}

/// Runs the [`preflight`]: refused credentials are an error of the whole run; credentials that
/// could not be judged are said on stderr and the plan runs.
async fn check_credentials(ctx: &Ctx) -> Result<(), HarnessError> {
    let found = preflight::run(ctx).await;
    ctx.browser.take_transcript();
    for line in &found.unverified {
        eprintln!("preflight: {line}; the plan runs and its modules show what happened");
    }
    if found.rejected.is_empty() { Ok(()) } else { Err(HarnessError::Credentials(found.rejected)) }
}

/// Discovery and JWKS only, for callers that drive flows themselves (load tests): the shared
/// context (`None` when discovery yielded no usable endpoints) and the findings of those two
/// modules.
pub async fn prepare(target: Target, clock: Arc<dyn Clock>) -> Result<(Option<Ctx>, Vec<Finding>), HarnessError> {
    let browser = browser_for(&target)?;
    let back = browser.back_channel();
    let mut preparation = Preparation::default();
    let mut findings = preparation.discovery(&target, &back).await?.findings;
    findings.extend(preparation.jwks(&back).await.findings);
    browser.take_transcript();
    Ok((preparation.prepared().map(|p| Ctx::new(target, browser, clock, p)), findings))
}

/// Applies `--only`/`--skip` check ids: checks filtered out become skips with the reason.
fn selection_filter(findings: Vec<Finding>, sel: &Selection) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|mut f| {
            let excluded = sel.skip_checks.iter().any(|s| s == &f.check_id)
                || (!sel.only_checks.is_empty() && !sel.only_checks.iter().any(|o| o == &f.check_id));
            if excluded {
                f.status = Status::Skip;
                f.message = Some("excluded by --only/--skip".into());
                f.expected = None;
                f.actual = None;
            }
            f
        })
        .collect()
}

/// The status a module gets when the harness could not run it to the end.
pub(crate) fn aborted() -> Option<ModuleStatus> {
    Some(ModuleStatus::Error)
}

/// A module's status: its forced one, or what its findings say. A module stopped early whose
/// findings already show a failed MUST failed (the provider broke a rule before the harness
/// had to stop); otherwise an early stop is the harness's error.
fn module_status(forced: Option<ModuleStatus>, findings: &[Finding]) -> ModuleStatus {
    match forced {
        Some(ModuleStatus::Error) if findings.iter().any(|f| f.status == Status::Fail) => ModuleStatus::Failed,
        Some(s) => s,
        None => ModuleResult::status_from_findings(findings),
    }
}
