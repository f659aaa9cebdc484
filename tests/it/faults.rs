//! The fault matrix: for every reference-provider fault the plan covers, `conform` against the
//! embedded provider with that fault on fails exactly the intended checks (and no other MUST).
//! The table lives in one place: [`oidc_harness::conform::FAULT_MATRIX`].

use std::sync::Arc;

use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, FAULT_MATRIX, Plan, RunOptions, Selection};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_covered_fault_fails_exactly_its_checks() {
    let mut problems = Vec::new();
    for row in FAULT_MATRIX {
        let fault: reference_provider::Fault = row.fault.parse().unwrap();
        let op = conform::start_embedded(reference_provider::FaultSet::of([fault])).await.unwrap();
        let target = conform::embedded_profile(op.issuer());
        let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false };
        let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
        let mut failed: Vec<&str> = report
            .modules
            .iter()
            .flat_map(|m| &m.findings)
            .filter(|f| f.status == Status::Fail)
            .map(|f| f.check_id.as_str())
            .collect();
        failed.sort_unstable();
        failed.dedup();
        let mut expected: Vec<&str> = row.checks.to_vec();
        expected.sort_unstable();
        if failed != expected {
            problems.push(format!("{}: expected {:?}, failed {:?}", row.fault, expected, failed));
        }
        op.stop().await;
    }
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
