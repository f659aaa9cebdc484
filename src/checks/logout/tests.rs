//! Logout checks: one passing and one failing piece of evidence per check id, and the cases a
//! conformant provider may choose (a confirmation page, a refusal page) that must not fail.

use super::{CHECKS, LogoutCase, LogoutEvidence, SessionAfter};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_case_tables, assert_catalog_well_formed, run_cases};

const TARGET: &str = "https://rp.example/logged-out";

fn redirected(case: LogoutCase) -> LogoutEvidence {
    LogoutEvidence {
        case,
        status: 302,
        location: Some(format!("{TARGET}?state=s")),
        target: Some(TARGET.into()),
        to_target: true,
        state_sent: true,
        state_returned: Some(true),
        added_params: vec![],
        session_after: Some(after(false)),
    }
}

fn page(case: LogoutCase, status: u16) -> LogoutEvidence {
    LogoutEvidence { status, location: None, to_target: false, state_returned: None, ..redirected(case) }
}

fn after(code: bool) -> SessionAfter {
    SessionAfter { error: (!code).then(|| "login_required".to_owned()), code_returned: code, login_form_seen: false, detail: "callback".into() }
}

fn verdict(id: &str, e: &LogoutEvidence) -> Verdict {
    (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e)
}

#[test]
fn every_check_has_a_pass_and_a_fail() {
    use LogoutCase::*;
    let mut must_not = vec![];
    for (id, case) in [
        ("logout.unregistered_uri.not_redirected", Unregistered),
        ("logout.modified_query.not_redirected", ModifiedQuery),
        ("logout.modified_path.not_redirected", ModifiedPath),
        ("logout.foreign_hint.not_redirected", ForeignHint),
        ("logout.unsigned_hint.not_redirected", UnsignedHint),
    ] {
        must_not.push((id, page(case, 400), redirected(case)));
    }
    let mut cases = vec![
        ("logout.normal.redirected", redirected(Normal), page(Normal, 400)),
        ("logout.normal.state_echoed", redirected(Normal), LogoutEvidence { state_returned: None, ..redirected(Normal) }),
        ("logout.normal.no_added_params", redirected(Normal), LogoutEvidence { added_params: vec!["code".into()], ..redirected(Normal) }),
        ("logout.normal.session_ended", redirected(Normal), LogoutEvidence { session_after: Some(after(true)), ..redirected(Normal) }),
        (
            "logout.no_state.no_state_param",
            LogoutEvidence { state_sent: false, state_returned: None, ..redirected(NoState) },
            LogoutEvidence { state_sent: false, state_returned: Some(false), ..redirected(NoState) },
        ),
        ("logout.no_params.answered", page(NoParams, 200), page(NoParams, 500)),
        (
            "logout.no_params.confirmed",
            LogoutEvidence { session_after: Some(after(true)), ..page(NoParams, 200) },
            LogoutEvidence { session_after: Some(after(false)), ..page(NoParams, 200) },
        ),
    ];
    cases.extend(must_not);
    run_cases(CHECKS, cases);
    assert_catalog_well_formed(CHECKS);
    assert_case_tables(CHECKS, LogoutCase::ALL, LogoutCase::checks, LogoutCase::prefix);
}

#[test]
fn a_confirmation_page_is_conformant() {
    use LogoutCase::*;
    // The OP asks the user before logging out: no redirect yet, nothing to fail.
    let confirm = page(Normal, 200);
    for id in ["logout.normal.redirected", "logout.normal.state_echoed", "logout.normal.no_added_params", "logout.normal.session_ended"] {
        assert!(matches!(verdict(id, &confirm), Verdict::Skip(_)), "{id}");
    }
    assert!(matches!(verdict("logout.no_state.no_state_param", &page(NoState, 200)), Verdict::Skip(_)));
    // A confirmation page without parameters keeps the session: the rule is kept.
    assert_eq!(verdict("logout.no_params.confirmed", &LogoutEvidence { session_after: Some(after(true)), ..page(NoParams, 200) }), Verdict::Pass);
}

#[test]
fn edge_cases() {
    use LogoutCase::*;
    // A redirect elsewhere (the OP's own logged-out page) is no redirect to the RP.
    let elsewhere = LogoutEvidence { location: Some("https://op.example/bye".into()), to_target: false, ..redirected(Unregistered) };
    assert_eq!(verdict("logout.unregistered_uri.not_redirected", &elsewhere), Verdict::Pass);
    assert!(matches!(verdict("logout.normal.redirected", &LogoutEvidence { case: Normal, ..elsewhere }), Verdict::Fail(_)));
    let unsent = LogoutEvidence { target: None, ..redirected(ForeignHint) };
    assert!(matches!(verdict("logout.foreign_hint.not_redirected", &unsent), Verdict::Skip(_)));
    // Another state than the one sent fails; no prompt=none made, or an unclear answer, skips.
    assert!(matches!(verdict("logout.normal.state_echoed", &LogoutEvidence { state_returned: Some(false), ..redirected(Normal) }), Verdict::Fail(_)));
    assert!(matches!(verdict("logout.normal.session_ended", &LogoutEvidence { session_after: None, ..redirected(Normal) }), Verdict::Skip(_)));
    let stuck = SessionAfter { error: None, code_returned: false, login_form_seen: false, detail: "stuck".into() };
    assert!(matches!(verdict("logout.normal.session_ended", &LogoutEvidence { session_after: Some(stuck.clone()), ..redirected(Normal) }), Verdict::Skip(_)));
    assert!(matches!(verdict("logout.no_params.confirmed", &LogoutEvidence { session_after: Some(stuck), ..page(NoParams, 200) }), Verdict::Skip(_)));
    // An error with a code beside it (another rule's failure) still says the session is gone.
    let both = SessionAfter { error: Some("login_required".into()), code_returned: true, login_form_seen: false, detail: "callback".into() };
    assert_eq!(verdict("logout.normal.session_ended", &LogoutEvidence { session_after: Some(both.clone()), ..redirected(Normal) }), Verdict::Pass);
    assert!(matches!(verdict("logout.no_params.confirmed", &LogoutEvidence { session_after: Some(both), ..page(NoParams, 200) }), Verdict::Fail(_)));
    // A login form (no error) after the logout also shows the session is gone.
    let form = SessionAfter { error: None, code_returned: false, login_form_seen: true, detail: "login form".into() };
    assert_eq!(verdict("logout.normal.session_ended", &LogoutEvidence { session_after: Some(form), ..redirected(Normal) }), Verdict::Pass);
}
