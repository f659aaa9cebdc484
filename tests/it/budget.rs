//! A run with a budget (`--max-time`) or a stop signal (Ctrl-C, SIGTERM): the module running when
//! it ends is an error naming why, every later module is skipped with a note, nothing is lost of
//! what ran before, and the report says it is incomplete.

use std::sync::Arc;
use std::time::Duration;

use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Budget, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use oidc_harness::target::Target;

async fn run(budget: Budget) -> RunReport {
    let issuer = super::reach::serve(conform::embedded_config(), false).await;
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false, budget };
    conform::run(Target::try_from(conform::embedded_profile(&issuer)).unwrap(), &options, Arc::new(SystemClock)).await.unwrap()
}

/// The index of the stopped module; asserts the shape around it.
fn stopped_at(report: &RunReport, why: &str) -> usize {
    assert_eq!(report.incomplete.as_deref(), Some(why));
    let stopped: Vec<usize> = report.modules.iter().enumerate().filter(|(_, m)| m.status == ModuleStatus::Error).map(|(i, _)| i).collect();
    assert_eq!(stopped.len(), 1, "one module is cut: {stopped:?}");
    let at = stopped[0];
    assert_eq!(report.modules[at].note.as_deref(), Some(format!("stopped: {why}").as_str()));
    for m in &report.modules[at + 1..] {
        assert_eq!((m.status, m.note.clone()), (ModuleStatus::Skipped, Some(format!("not run: {why}"))), "{}", m.id);
    }
    at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_budget_stops_the_plan_and_keeps_what_ran() {
    let report = run(Budget { max_time: Some(Duration::from_secs(2)), stop: None }).await;
    let at = stopped_at(&report, "the run's time budget of 2 s (--max-time) ran out");
    assert!(at >= 1, "discovery runs within 2 s");
    assert!(report.modules[..at].iter().all(|m| !m.findings.is_empty() || m.status == ModuleStatus::Skipped), "what ran is kept");
    assert!(report.modules.len() > at + 1, "plan all has modules left after 2 s");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["incomplete"], "the run's time budget of 2 s (--max-time) ran out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_signal_ends_the_run_at_once() {
    let (tx, rx) = tokio::sync::watch::channel(None);
    tx.send(Some("interrupted (Ctrl-C)".to_owned())).unwrap();
    let report = run(Budget { max_time: None, stop: Some(rx) }).await;
    assert_eq!(stopped_at(&report, "interrupted (Ctrl-C)"), 0, "the first module is cut");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_budget_the_report_is_complete() {
    let report = run(Budget { max_time: Some(Duration::from_secs(3600)), stop: None }).await;
    assert_eq!(report.incomplete, None);
    assert!(serde_json::to_value(&report).unwrap().get("incomplete").is_none());
}
