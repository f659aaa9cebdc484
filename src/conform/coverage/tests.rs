//! The fault matrix, the unproven list and the catalog agree: every MUST check is accounted for
//! exactly once, and every name in either table is real.

use std::collections::BTreeSet;

use super::*;

fn matrix_checks() -> BTreeSet<&'static str> {
    FAULT_MATRIX.iter().flat_map(|r| r.checks.iter().copied()).collect()
}

#[test]
fn every_must_check_is_proven_or_listed_unproven_but_not_both() {
    let proven = matrix_checks();
    let unproven: BTreeSet<&str> = UNPROVEN.iter().map(|u| u.check).collect();
    let mut problems = Vec::new();
    for id in must_ids() {
        match (proven.contains(id), unproven.contains(id)) {
            (true, true) => problems.push(format!("{id}: proven by a fault and listed unproven")),
            (false, false) => problems.push(format!("{id}: neither proven by a fault nor listed unproven")),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn both_tables_name_real_checks_and_unproven_ones_are_must() {
    for id in matrix_checks() {
        assert!(checks::find(id).is_some(), "FAULT_MATRIX names unknown check {id}");
    }
    for u in UNPROVEN {
        let def = checks::find(u.check).unwrap_or_else(|| panic!("UNPROVEN names unknown check {}", u.check));
        assert_eq!(def.level, Level::Must, "{} is not a MUST check", u.check);
        assert!(!u.reason.trim().is_empty(), "{} has no reason", u.check);
    }
}

#[test]
fn unproven_is_sorted_without_duplicates() {
    let ids: Vec<&str> = UNPROVEN.iter().map(|u| u.check).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted);
}

#[test]
fn matrix_faults_are_real_and_each_fault_is_in_the_matrix_or_excused() {
    let mut rows = BTreeSet::new();
    for row in FAULT_MATRIX {
        assert!(row.fault.parse::<reference_provider::Fault>().is_ok(), "FAULT_MATRIX names unknown fault {}", row.fault);
        assert!(rows.insert(row.fault), "{} has two rows", row.fault);
        assert!(!row.checks.is_empty(), "{} proves no check", row.fault);
    }
    let excused: BTreeSet<&str> = FAULTS_OUTSIDE_MATRIX.iter().map(|(f, _)| *f).collect();
    for (fault, reason) in FAULTS_OUTSIDE_MATRIX {
        assert!(fault.parse::<reference_provider::Fault>().is_ok(), "unknown excused fault {fault}");
        assert!(!reason.trim().is_empty(), "{fault} is excused without a reason");
    }
    for f in reference_provider::Fault::ALL {
        match (rows.contains(f.name()), excused.contains(f.name())) {
            (true, true) => panic!("{f} is both in the matrix and excused from it"),
            (false, false) => panic!("{f} is neither in FAULT_MATRIX nor in FAULTS_OUTSIDE_MATRIX"),
            _ => {}
        }
    }
}

#[test]
fn coverage_counts_add_up() {
    let c = must_coverage();
    assert_eq!(c.must, must_ids().len());
    assert_eq!(c.proven + c.unproven.len(), c.must);
    assert!(c.proven >= 100, "only {} MUST checks proven", c.proven);
}
