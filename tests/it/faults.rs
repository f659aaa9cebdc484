//! The fault matrix: for every reference-provider fault the plan covers, `conform` against the
//! embedded provider with that fault on fails exactly the intended checks (and no other MUST).
//! The table lives in one place: [`oidc_harness::conform::FAULT_MATRIX`].

use std::sync::Arc;

use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, FAULT_MATRIX, FaultProof, Plan, RunOptions, Selection};

/// Runs the whole plan against a provider with `fault` on; returns the ids of the failed MUST
/// checks and of the `row` checks broken at any level (a SHOULD check a fault proves is a
/// warning, not a failure).
async fn failed_checks(fault: reference_provider::Fault, row: &[&str]) -> Vec<String> {
    let op = conform::start_embedded(reference_provider::FaultSet::of([fault])).await.unwrap();
    let target = oidc_harness::target::Target::try_from(conform::embedded_profile(op.issuer())).unwrap();
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false, budget: Default::default() };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    op.stop().await;
    broken(&report, row)
}

/// The ids of the failed MUST checks of `report`, and of the `row` checks broken at any level,
/// sorted, each once.
pub(super) fn broken(report: &oidc_harness::report::RunReport, row: &[&str]) -> Vec<String> {
    let mut failed: Vec<String> = report
        .modules
        .iter()
        .flat_map(|m| &m.findings)
        .filter(|f| f.status == Status::Fail || (matches!(f.status, Status::Warn | Status::Info) && row.contains(&f.check_id.as_str())))
        .map(|f| f.check_id.clone())
        .collect();
    failed.sort_unstable();
    failed.dedup();
    failed
}

/// Runs `run` for each row, `parallel` at a time (each on a provider of its own), and says
/// where the checks that failed are not the row's.
pub(super) async fn prove<F, Fut>(rows: Vec<&'static FaultProof>, parallel: usize, run: F) -> Vec<String>
where
    F: Fn(reference_provider::Fault, &'static [&'static str]) -> Fut,
    Fut: std::future::Future<Output = Vec<String>> + Send + 'static,
{
    let limit = Arc::new(tokio::sync::Semaphore::new(parallel));
    let mut tasks = Vec::new();
    for row in rows {
        let fault: reference_provider::Fault = row.fault.parse().unwrap();
        let limit = Arc::clone(&limit);
        let proof = run(fault, row.checks);
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            (row, proof.await)
        }));
    }
    let mut problems = Vec::new();
    for t in tasks {
        let (row, failed) = t.await.unwrap();
        let mut expected: Vec<String> = row.checks.iter().map(|c| (*c).to_owned()).collect();
        expected.sort_unstable();
        if failed != expected {
            problems.push(format!("{}: expected {:?}, failed {:?}", row.fault, expected, failed));
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_covered_fault_fails_exactly_its_checks() {
    // Each fault gets its own provider on its own port, so the rows run side by side (bounded).
    let problems = prove(FAULT_MATRIX.iter().collect(), 6, failed_checks).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_matrix_names_real_faults_and_checks() {
    for row in FAULT_MATRIX {
        assert!(row.fault.parse::<reference_provider::Fault>().is_ok(), "{}", row.fault);
        assert!(!row.checks.is_empty());
        for c in row.checks {
            assert!(oidc_harness::checks::find(c).is_some(), "{}: unknown check {c}", row.fault);
        }
    }
}
