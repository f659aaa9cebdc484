//! The threat view: classification cases (mitigated, partial, unmitigated, not tested, not
//! applicable), feature inference from skips, and the order of the result.

use super::fixture::{finding, fixture, module, report_with};
use crate::checks::{Level, Status};
use crate::report::{Mitigation, Outcome, RunReport, ThreatStatus, threat_report};

fn status_of(report: &RunReport, id: &str) -> ThreatStatus {
    threat_report(report).into_iter().find(|t| t.id == id).expect("threat in the catalog")
}

fn must(id: &str, status: Status) -> crate::checks::Finding {
    finding(id, "RFC6749-4.1.2", Level::Must, status, "why")
}

const REPLAY_CHECKS: [&str; 4] = ["code.reuse.rejected", "race.code.single_winner", "code.reuse.tokens_revoked", "code.expired.rejected"];

#[test]
fn a_complete_set_mitigates() {
    let report = report_with(vec![module("code-exchange", REPLAY_CHECKS.iter().map(|c| must(c, Status::Pass)).collect())]);
    let t = status_of(&report, "T-CODE-REPLAY");
    assert_eq!(t.status, Mitigation::Mitigated);
    assert!(t.countermeasures.iter().all(|c| c.outcome == Outcome::Present), "{t:#?}");
    assert_eq!(t.countermeasures[0].checks[0].modules, ["code-exchange"]);
}

#[test]
fn a_failed_must_leaves_a_threat_partial_or_unmitigated() {
    // One member of the only set absent, the others present: partially mitigated.
    let mut findings: Vec<_> = REPLAY_CHECKS.iter().map(|c| must(c, Status::Pass)).collect();
    findings[0] = must("code.reuse.rejected", Status::Fail);
    let t = status_of(&report_with(vec![module("code-exchange", findings)]), "T-CODE-REPLAY");
    assert_eq!(t.status, Mitigation::PartiallyMitigated);
    assert_eq!(t.missing().map(|c| c.id).collect::<Vec<_>>(), ["C-CODE-SINGLE-USE"]);
    // The only countermeasure absent: unmitigated.
    let report = report_with(vec![module("code-flow", vec![must("token.cache_control.no_store", Status::Fail)])]);
    assert_eq!(status_of(&report, "T-CACHE-LEAK").status, Mitigation::Unmitigated);
}

#[test]
fn a_failed_should_beside_a_pass_is_a_partial_countermeasure() {
    let report = report_with(vec![module(
        "code-flow",
        vec![
            must("token.cache_control.no_store", Status::Pass),
            finding("token.pragma.no_cache", "RFC6749-5.1", Level::Should, Status::Warn, "no Pragma"),
        ],
    )]);
    let t = status_of(&report, "T-CACHE-LEAK");
    assert_eq!(t.countermeasures[0].outcome, Outcome::Partial);
    assert_eq!(t.status, Mitigation::PartiallyMitigated);
}

#[test]
fn nothing_run_is_not_tested_and_an_alternative_set_still_mitigates() {
    let empty = report_with(vec![module("m", vec![must("code.reuse.rejected", Status::Skip)])]);
    let t = status_of(&empty, "T-CODE-REPLAY");
    assert_eq!(t.status, Mitigation::NotTested);
    assert_eq!(t.untested().count(), 4);
    // T-MIXUP: the iss parameter alone is a complete set, whatever the other set says.
    let iss = report_with(vec![module("code-flow", vec![must("authz.iss.present", Status::Pass), must("authz.iss.matches", Status::Pass)])]);
    assert_eq!(status_of(&iss, "T-MIXUP").status, Mitigation::Mitigated);
    // A threat with no server-side countermeasure whose feature is not probed: not tested,
    // never unmitigated on a guess.
    assert_eq!(status_of(&empty, "T-ROPC-EXPOSURE").status, Mitigation::NotTested);
}

#[test]
fn features_known_off_make_their_threats_not_applicable() {
    let mut refresh = module("refresh-rules", Vec::new());
    refresh.status = crate::report::ModuleStatus::Skipped;
    refresh.note = Some("the profile says the provider issues no refresh tokens (features.refresh_token = false)".into());
    let mut lifecycle = module("lifecycle", Vec::new());
    lifecycle.status = crate::report::ModuleStatus::Skipped;
    lifecycle.note = Some("no revocation_endpoint, introspection_endpoint or end_session_endpoint advertised".into());
    let report = report_with(vec![refresh, lifecycle]);
    for id in ["T-REFRESH-REPLAY", "T-REVOCATION-ABUSE"] {
        let t = status_of(&report, id);
        assert_eq!(t.status, Mitigation::NotApplicable, "{id}");
        assert!(t.countermeasures.is_empty(), "{id}");
    }
    // Scope escalation stays relevant; its refresh member is n/a, not missing.
    let scopes = report_with(vec![module("scopes", vec![must("scope.granted.subset_of_requested", Status::Pass), must("scope.returned_when_changed", Status::Pass)])]);
    assert_eq!(status_of(&scopes, "T-SCOPE-ESCALATION").status, Mitigation::PartiallyMitigated, "RT unknown: not tested member");
    let mut both = report.clone();
    both.modules.extend(scopes.modules);
    assert_eq!(status_of(&both, "T-SCOPE-ESCALATION").status, Mitigation::Mitigated, "RT off: the member is n/a");
}

#[test]
fn the_skip_reasons_read_as_feature_off_are_the_modules_own_words() {
    let sources = [
        include_str!("../../conform/modules/refresh.rs"),
        include_str!("../../conform/modules/refresh_rules.rs"),
        include_str!("../../conform/modules/pkce.rs"),
        include_str!("../../conform/modules/lifecycle.rs"),
        include_str!("../../conform/modules/cross_tenant.rs"),
    ]
    .concat();
    for sign in crate::report::threats::off_signs() {
        assert!(sources.contains(sign), "no module skips with {sign:?} any more");
    }
}

#[test]
fn the_fixture_is_classified_worst_first() {
    let threats = threat_report(&fixture());
    assert_eq!(threats.len(), 38);
    assert!(threats.windows(2).all(|w| w[0].status <= w[1].status), "worst first");
    // Nonce absent, ID token claims present: partially mitigated.
    let sub = threats.iter().find(|t| t.id == "T-ID-TOKEN-SUBSTITUTION").expect("threat");
    assert_eq!(sub.status, Mitigation::PartiallyMitigated);
    let nonce = sub.countermeasures.iter().find(|c| c.id == "C-NONCE-ECHO").expect("member");
    assert_eq!((nonce.outcome, nonce.checks[0].status), (Outcome::Absent, Status::Fail));
}
