//! Session checks: one passing and one failing piece of evidence per check id, and the case
//! prefixes covering the catalog.

use super::{CHECKS, SessionCase, SessionEvidence};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

fn ev(case: SessionCase) -> SessionEvidence {
    SessionEvidence {
        case,
        outcome: crate::form::DriveEnd::Callback,
        detail: "redirected to the redirect_uri".into(),
        callback_error: None,
        code_returned: true,
        login_forms_seen: 0,
        consent_pages_seen: 0,
        before_sub: Some("alice".into()),
        before_auth_time: Some(1000),
        sub: Some("alice".into()),
        auth_time: Some(1000),
        hint_problem: None,
    }
}

fn error(case: SessionCase, err: &str) -> SessionEvidence {
    SessionEvidence { callback_error: Some(err.into()), code_returned: false, sub: None, auth_time: None, ..ev(case) }
}

fn login_page(case: SessionCase) -> SessionEvidence {
    SessionEvidence { outcome: crate::form::DriveEnd::LoginRequired, detail: "login form at /login".into(), code_returned: false, login_forms_seen: 1, sub: None, auth_time: None, ..ev(case) }
}

fn relogged(case: SessionCase, auth_time: i64) -> SessionEvidence {
    SessionEvidence { login_forms_seen: 1, auth_time: Some(auth_time), ..ev(case) }
}

#[test]
fn every_check_has_a_pass_and_a_fail() {
    use SessionCase::*;
    run_cases(CHECKS, vec![
        ("session.prompt_none.no_ui", error(PromptNoneNoSession, "login_required"), login_page(PromptNoneNoSession)),
        ("session.prompt_none.error", error(PromptNoneNoSession, "interaction_required"), ev(PromptNoneNoSession)),
        ("session.silent.code", ev(PromptNoneWithSession), error(PromptNoneWithSession, "login_required")),
        ("session.silent.same_sub", ev(PromptNoneWithSession), SessionEvidence { sub: Some("bob".into()), ..ev(PromptNoneWithSession) }),
        ("session.silent.auth_time_kept", ev(PromptNoneWithSession), SessionEvidence { auth_time: Some(1005), ..ev(PromptNoneWithSession) }),
        ("session.prompt_login.reauthenticated", relogged(PromptLogin, 1002), ev(PromptLogin)),
        ("session.prompt_login.auth_time_advanced", relogged(PromptLogin, 1002), relogged(PromptLogin, 1000)),
        ("session.max_age.reauthenticated", relogged(MaxAgeExpired, 1002), ev(MaxAgeExpired)),
        ("session.max_age.auth_time_fresh", relogged(MaxAgeExpired, 1002), ev(MaxAgeExpired)),
        ("session.max_age_large.no_login", ev(MaxAgeLarge), relogged(MaxAgeLarge, 1002)),
        ("session.id_token_hint.accepted", ev(IdTokenHint), SessionEvidence { sub: Some("bob".into()), ..ev(IdTokenHint) }),
        ("session.login_hint.accepted", ev(LoginHint), error(LoginHint, "invalid_request")),
    ]);
    assert_catalog_well_formed(CHECKS);
}

fn verdict(id: &str, e: &SessionEvidence) -> Verdict {
    (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e)
}

#[test]
fn missing_evidence_skips_instead_of_failing() {
    use SessionCase::*;
    let no_time = SessionEvidence { auth_time: None, ..ev(PromptNoneWithSession) };
    assert!(matches!(verdict("session.silent.auth_time_kept", &no_time), Verdict::Skip(_)));
    assert!(matches!(verdict("session.max_age.auth_time_fresh", &SessionEvidence { auth_time: None, ..relogged(MaxAgeExpired, 1) }), Verdict::Skip(_)));
    assert!(matches!(verdict("session.prompt_none.error", &login_page(PromptNoneNoSession)), Verdict::Skip(_)));
    let bad_hint = SessionEvidence { hint_problem: Some("fails idtoken.signature.valid".into()), ..error(IdTokenHint, "invalid_request") };
    assert!(matches!(verdict("session.id_token_hint.accepted", &bad_hint), Verdict::Skip(_)));
    // An error instead of a re-login is allowed for prompt=login.
    assert_eq!(verdict("session.prompt_login.reauthenticated", &error(PromptLogin, "login_required")), Verdict::Pass);
    // A client that needs consent (or another interaction) is correctly refused a silent code:
    // inconclusive, never a failure — for the silent case and for id_token_hint.
    for err in ["consent_required", "interaction_required"] {
        assert!(matches!(verdict("session.silent.code", &error(PromptNoneWithSession, err)), Verdict::Skip(r) if r.contains(err)));
        assert!(matches!(verdict("session.id_token_hint.accepted", &error(IdTokenHint, err)), Verdict::Skip(_)));
        assert!(matches!(verdict("session.silent.same_sub", &error(PromptNoneWithSession, err)), Verdict::Skip(_)));
    }
    // A code with a page is not silent.
    assert!(matches!(verdict("session.silent.code", &SessionEvidence { login_forms_seen: 1, ..ev(PromptNoneWithSession) }), Verdict::Fail(_)));
}

#[test]
fn every_check_belongs_to_exactly_one_case() {
    use SessionCase::*;
    let cases = [PromptNoneNoSession, PromptNoneWithSession, PromptLogin, MaxAgeExpired, MaxAgeLarge, IdTokenHint, LoginHint];
    for c in CHECKS {
        let n = cases.iter().filter(|k| c.def.id.starts_with(k.prefix())).count();
        assert_eq!(n, 1, "{}", c.def.id);
    }
    for k in cases {
        assert!(CHECKS.iter().any(|c| c.def.id.starts_with(k.prefix())), "{k:?} has no check");
    }
    crate::checks::test_support::assert_case_tables(CHECKS, &cases, SessionCase::checks, SessionCase::prefix);
}
