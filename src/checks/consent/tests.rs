//! Consent checks: one passing and one failing piece of evidence per check id.

use super::{CHECKS, ConsentCase, ConsentEvidence};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

fn ev(case: ConsentCase, consent_pages_seen: usize) -> ConsentEvidence {
    ConsentEvidence {
        case,
        outcome: crate::form::DriveEnd::Callback,
        detail: "redirected to the redirect_uri".into(),
        callback_error: None,
        code_returned: true,
        consent_pages_seen,
        fresh_consent: true,
    }
}

fn denied(err: &str) -> ConsentEvidence {
    ConsentEvidence { callback_error: Some(err.into()), code_returned: false, ..ev(ConsentCase::Deny, 1) }
}

/// A prompt=none answer: its error (none: a code) after `pages` consent pages.
fn silent(err: Option<&str>, pages: usize) -> ConsentEvidence {
    ConsentEvidence { callback_error: err.map(str::to_owned), code_returned: err.is_none(), ..ev(ConsentCase::PromptNoneNeedsConsent, pages) }
}

#[test]
fn prompt_none_refusal_is_judged_only_without_a_page_and_for_a_fresh_user() {
    let verdict = |e: &ConsentEvidence| (CHECKS.iter().find(|c| c.def.id == "consent.prompt_none.refused").unwrap().run)(e);
    assert!(matches!(verdict(&silent(Some("access_denied"), 1)), Verdict::Skip(_)));
    assert!(matches!(verdict(&ConsentEvidence { fresh_consent: false, ..silent(None, 0) }), Verdict::Skip(_)));
    assert_eq!(verdict(&silent(Some("interaction_required"), 0)), Verdict::Pass);
    assert!(matches!(verdict(&silent(Some("invalid_request"), 0)), Verdict::Fail(_)));
}

#[test]
fn every_check_has_a_pass_and_a_fail() {
    use ConsentCase::*;
    run_cases(CHECKS, vec![
        ("consent.first_party.no_page", ev(FirstParty, 0), ev(FirstParty, 1)),
        ("consent.third_party.asked", ev(ThirdPartyNewScope, 1), ev(ThirdPartyNewScope, 0)),
        ("consent.deny.access_denied", denied("access_denied"), denied("server_error")),
        ("consent.prompt_none.no_ui", silent(Some("consent_required"), 0), silent(Some("access_denied"), 1)),
        ("consent.prompt_none.refused", silent(Some("consent_required"), 0), silent(None, 0)),
    ]);
    assert_catalog_well_formed(CHECKS);
}

#[test]
fn unjudgeable_cases_skip() {
    let verdict = |id: &str, e: &ConsentEvidence| (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e);
    let stuck = ConsentEvidence { outcome: crate::form::DriveEnd::Stuck, ..ev(ConsentCase::ThirdPartyNewScope, 0) };
    assert!(matches!(verdict("consent.third_party.asked", &stuck), Verdict::Skip(_)));
    let refused = ConsentEvidence { callback_error: Some("invalid_scope".into()), code_returned: false, ..ev(ConsentCase::ThirdPartyNewScope, 0) };
    assert!(matches!(verdict("consent.third_party.asked", &refused), Verdict::Skip(_)));
    assert!(matches!(verdict("consent.deny.access_denied", &ev(ConsentCase::Deny, 0)), Verdict::Skip(_)));
    assert!(matches!(verdict("consent.deny.access_denied", &ev(ConsentCase::Deny, 1)), Verdict::Fail(_)));
}

#[test]
fn prefixes_partition_the_catalog() {
    use ConsentCase::*;
    for c in CHECKS {
        assert_eq!([FirstParty, ThirdPartyNewScope, Deny, PromptNoneNeedsConsent].iter().filter(|k| c.def.id.starts_with(k.prefix())).count(), 1, "{}", c.def.id);
    }
    crate::checks::test_support::assert_case_tables(CHECKS, &[FirstParty, ThirdPartyNewScope, Deny, PromptNoneNeedsConsent], ConsentCase::checks, ConsentCase::prefix);
}

#[test]
fn third_party_asked_skips_when_an_earlier_approval_may_exist() {
    let not_fresh = ConsentEvidence { fresh_consent: false, ..ev(ConsentCase::ThirdPartyNewScope, 0) };
    let v = (CHECKS.iter().find(|c| c.def.id == "consent.third_party.asked").unwrap().run)(&not_fresh);
    assert!(matches!(v, crate::checks::Verdict::Skip(_)), "{v:?}");
}
