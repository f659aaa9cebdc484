//! Invalid authorization request checks: one passing and one failing piece of evidence per check
//! id, and the skips that keep each family to its own cases.

use super::{AuthzErrorEvidence, CHECKS, Expectation};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

fn redirected(expectation: Expectation, error: Option<&str>, code: bool) -> AuthzErrorEvidence {
    AuthzErrorEvidence {
        case: "a test mistake".into(),
        expectation,
        expected_errors: vec!["invalid_request".into(), "invalid_scope".into()],
        reached: true,
        error: error.map(str::to_owned),
        code_issued: code,
        detail: "redirected to the redirect_uri".into(),
        status: None,
    }
}

fn page(expectation: Expectation, status: u16) -> AuthzErrorEvidence {
    AuthzErrorEvidence {
        reached: false,
        error: None,
        code_issued: false,
        detail: format!("stopped at https://op.example/authorize (HTTP {status}): no form"),
        status: Some(status),
        ..redirected(expectation, None, false)
    }
}

fn verdict(id: &str, ev: &AuthzErrorEvidence) -> Verdict {
    (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(ev)
}

#[test]
fn each_check_passes_and_fails() {
    use Expectation::{ErrorRedirect, NoRedirect, RefusalRecommended};
    run_cases(
        CHECKS,
        vec![
            ("authz.error.redirected", redirected(ErrorRedirect, Some("invalid_request"), false), page(ErrorRedirect, 400)),
            (
                "authz.error.code_for_case",
                redirected(ErrorRedirect, Some("invalid_scope"), false),
                redirected(ErrorRedirect, Some("unsupported_response_type"), false),
            ),
            (
                "authz.scope.openid_enforced",
                redirected(RefusalRecommended, Some("invalid_scope"), false),
                redirected(RefusalRecommended, None, true),
            ),
            ("authz.unverified_redirect.not_used", page(NoRedirect, 400), redirected(NoRedirect, Some("invalid_request"), false)),
            ("authz.unverified_redirect.no_code", redirected(NoRedirect, Some("invalid_request"), false), redirected(NoRedirect, None, true)),
            ("authz.unverified_redirect.error_page", page(NoRedirect, 200), page(NoRedirect, 500)),
        ],
    );
}

#[test]
fn catalog_is_well_formed() {
    assert_catalog_well_formed(CHECKS);
}

#[test]
fn each_family_skips_the_other_cases() {
    let no_redirect = redirected(Expectation::NoRedirect, None, true);
    for id in ["authz.error.redirected", "authz.error.code_for_case", "authz.scope.openid_enforced"] {
        assert!(matches!(verdict(id, &no_redirect), Verdict::Skip(_)), "{id}");
    }
    let error = redirected(Expectation::ErrorRedirect, Some("invalid_request"), false);
    for id in ["authz.unverified_redirect.not_used", "authz.unverified_redirect.no_code", "authz.unverified_redirect.error_page", "authz.scope.openid_enforced"] {
        assert!(matches!(verdict(id, &error), Verdict::Skip(_)), "{id}");
    }
}

#[test]
fn messages_name_the_case_and_never_a_code() {
    let ev = redirected(Expectation::NoRedirect, None, true);
    let Verdict::Fail(d) = verdict("authz.unverified_redirect.not_used", &ev) else { panic!("expected a failure") };
    assert!(d.message.contains("a test mistake") && d.message.contains("with a code"), "{}", d.message);
    let wrong = redirected(Expectation::ErrorRedirect, Some("server_error"), false);
    let Verdict::Fail(d) = verdict("authz.error.code_for_case", &wrong) else { panic!("expected a failure") };
    assert_eq!(d.expected.as_deref(), Some("invalid_request or invalid_scope"));
    assert_eq!(d.actual.as_deref(), Some("server_error"));
}

#[test]
fn an_error_without_a_required_code_list_passes_and_a_missing_error_is_left_to_other_checks() {
    let any = AuthzErrorEvidence { expected_errors: vec![], ..redirected(Expectation::ErrorRedirect, Some("server_error"), false) };
    assert_eq!(verdict("authz.error.code_for_case", &any), Verdict::Pass);
    let code = redirected(Expectation::ErrorRedirect, None, true);
    assert!(matches!(verdict("authz.error.code_for_case", &code), Verdict::Skip(_)));
    let page_only = page(Expectation::RefusalRecommended, 400);
    assert_eq!(verdict("authz.scope.openid_enforced", &page_only), Verdict::Pass);
    assert!(matches!(verdict("authz.error.redirected", &page_only), Verdict::Fail(_)));
}
