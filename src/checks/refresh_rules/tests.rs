//! Refresh-rule checks: one passing and one failing piece of evidence per check id.

use super::{CHECKS, RefreshCase, RefreshRuleEvidence};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

fn ok(case: RefreshCase) -> RefreshRuleEvidence {
    RefreshRuleEvidence { case, request: "grant_type=refresh_token".into(), status: 200, error: None, new_refresh_differs: Some(true) }
}

fn refused(case: RefreshCase, error: &str) -> RefreshRuleEvidence {
    RefreshRuleEvidence { status: 400, error: Some(error.into()), new_refresh_differs: None, ..ok(case) }
}

#[test]
fn every_check_has_a_pass_and_a_fail() {
    use RefreshCase::*;
    run_cases(CHECKS, vec![
        ("refresh.other_client.refused", refused(OtherClient, "invalid_grant"), ok(OtherClient)),
        ("refresh.widening.refused", refused(Widening, "invalid_scope"), ok(Widening)),
        ("refresh.widening.invalid_scope", refused(Widening, "invalid_scope"), refused(Widening, "invalid_grant")),
        ("refresh.narrowing.accepted", ok(Narrowing), refused(Narrowing, "invalid_scope")),
        ("refresh.rotation.new_token", ok(Rotation), RefreshRuleEvidence { new_refresh_differs: Some(false), ..ok(Rotation) }),
        ("refresh.reuse.refused", refused(ReuseOld, "invalid_grant"), ok(ReuseOld)),
        ("refresh.after_reuse.revoked", refused(AfterReuse, "invalid_grant"), ok(AfterReuse)),
    ]);
    assert_catalog_well_formed(CHECKS);
}

#[test]
fn edge_cases() {
    let verdict = |id: &str, e: &RefreshRuleEvidence| (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e);
    assert!(matches!(verdict("refresh.widening.invalid_scope", &ok(RefreshCase::Widening)), Verdict::Skip(_)));
    let none_back = RefreshRuleEvidence { new_refresh_differs: None, ..ok(RefreshCase::Rotation) };
    assert!(matches!(verdict("refresh.rotation.new_token", &none_back), Verdict::Fail(d) if d.message.contains("none came back")));
    assert!(matches!(verdict("refresh.rotation.new_token", &refused(RefreshCase::Rotation, "invalid_grant")), Verdict::Fail(_)));
    use RefreshCase::*;
    for c in CHECKS {
        let n = [OtherClient, Widening, Narrowing, Rotation, ReuseOld, AfterReuse].iter().filter(|k| c.def.id.starts_with(k.prefix())).count();
        assert_eq!(n, 1, "{}", c.def.id);
    }
    crate::checks::test_support::assert_case_tables(CHECKS, &[OtherClient, Widening, Narrowing, Rotation, ReuseOld, AfterReuse], RefreshCase::checks, RefreshCase::prefix);
}
