//! Authorization response checks: one passing and one failing piece of evidence per check id.

use super::entropy::estimated_bits;
use super::{AuthorizationEvidence, CHECKS};
use crate::checks::Verdict;
use crate::flow::ResponseSource;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

const ISSUER: &str = "https://op.example";
/// 32 base64url characters: ~192 bits.
const CODE: &str = "Xk3vQ9_pL2mN8rT5wY1zB4cD7fG0hJ-a";

fn ev(params: &[(&str, &str)]) -> AuthorizationEvidence {
    AuthorizationEvidence {
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        source: ResponseSource::Query,
        state_sent: Some("st-123".into()),
        issuer: ISSUER.into(),
        iss_advertised: true,
        response_mode_requested: None,
        expected_error: false,
    }
}

fn good() -> AuthorizationEvidence {
    ev(&[("code", CODE), ("state", "st-123"), ("iss", ISSUER)])
}

fn error(params: &[(&str, &str)]) -> AuthorizationEvidence {
    AuthorizationEvidence {
        expected_error: true,
        ..ev(params)
    }
}

fn good_error() -> AuthorizationEvidence {
    error(&[
        ("error", "login_required"),
        ("error_description", "No session"),
        ("state", "st-123"),
        ("iss", ISSUER),
    ])
}

fn cases() -> Vec<(&'static str, AuthorizationEvidence, AuthorizationEvidence)> {
    vec![
        (
            "authz.error.expected",
            good_error(),
            error(&[("code", CODE), ("state", "st-123")]),
        ),
        (
            "authz.code.present",
            good(),
            ev(&[("error", "access_denied"), ("state", "st-123")]),
        ),
        (
            "authz.code.single",
            good(),
            ev(&[("code", CODE), ("code", CODE), ("state", "st-123")]),
        ),
        (
            "authz.code.entropy",
            good(),
            ev(&[("code", "abc123"), ("state", "st-123")]),
        ),
        (
            "authz.state.echoed",
            good(),
            ev(&[("code", CODE), ("state", "st-124")]),
        ),
        (
            "authz.state.single",
            good(),
            ev(&[("code", CODE), ("state", "st-123"), ("state", "st-123")]),
        ),
        (
            "authz.iss.present",
            good(),
            ev(&[("code", CODE), ("state", "st-123")]),
        ),
        (
            "authz.iss.matches",
            good(),
            ev(&[("code", CODE), ("iss", "https://op.example/")]),
        ),
        (
            "authz.params.no_repeats",
            good(),
            ev(&[
                ("code", CODE),
                ("iss", ISSUER),
                ("session_state", "a"),
                ("session_state", "b"),
            ]),
        ),
        (
            "authz.params.expected_only",
            good(),
            ev(&[("code", CODE), ("state", "st-123"), ("scope", "openid")]),
        ),
        (
            "authz.code_response.no_tokens",
            good(),
            ev(&[("code", CODE), ("access_token", "at")]),
        ),
        (
            "authz.response_mode.honoured",
            AuthorizationEvidence {
                response_mode_requested: Some("form_post".into()),
                source: ResponseSource::FormPost,
                ..good()
            },
            AuthorizationEvidence {
                response_mode_requested: Some("form_post".into()),
                ..good()
            },
        ),
        (
            "authz.error.registered",
            good_error(),
            error(&[("error", "no_session")]),
        ),
        (
            "authz.error.charset",
            good_error(),
            error(&[("error", "bad\"code")]),
        ),
        (
            "authz.error.description_charset",
            good_error(),
            error(&[
                ("error", "access_denied"),
                ("error_description", "Zugriff verweigert – nein"),
            ]),
        ),
        (
            "authz.error.uri_charset",
            error(&[
                ("error", "access_denied"),
                ("error_uri", "https://op.example/errors/denied"),
            ]),
            error(&[
                ("error", "access_denied"),
                ("error_uri", "https://op.example/errors/access denied"),
            ]),
        ),
        (
            "authz.error.state_echoed",
            good_error(),
            error(&[("error", "login_required")]),
        ),
        (
            "authz.error.no_code",
            good_error(),
            error(&[("error", "login_required"), ("code", CODE)]),
        ),
    ]
}

#[test]
fn every_check_passes_and_fails_on_crafted_evidence() {
    run_cases(CHECKS, cases());
}

#[test]
fn catalog_is_well_formed() {
    assert_catalog_well_formed(CHECKS);
}

#[test]
fn a_good_success_and_a_good_error_fail_nothing() {
    for e in [good(), good_error()] {
        for c in CHECKS {
            let v = (c.run)(&e);
            assert!(!matches!(v, Verdict::Fail(_)), "{} failed: {v:?}", c.def.id);
        }
    }
}

#[test]
fn entropy_estimate_by_alphabet() {
    // 22 base64url characters: 132 bits; 32 hex: 128; 38 digits: ~126; repeated letters: 0.
    assert!(estimated_bits("Xk3vQ9_pL2mN8rT5wY1zB4") >= 128.0);
    assert_eq!(estimated_bits("0123456789abcdef0123456789abcdef"), 128.0);
    assert!(estimated_bits(&"1234567890".repeat(4)[..38]) < 128.0);
    assert_eq!(estimated_bits(&"A".repeat(40)), 0.0);
    assert!(estimated_bits("ababababababababababababababababababab") < 128.0);
}

#[test]
fn codes_never_appear_in_messages() {
    let weak = ev(&[("code", "weakcode1"), ("state", "x")]);
    for c in CHECKS {
        if let Verdict::Fail(d) = (c.run)(&weak) {
            let text = format!("{} {:?} {:?}", d.message, d.expected, d.actual);
            assert!(!text.contains("weakcode1"), "{} leaks the code", c.def.id);
        }
    }
}

#[test]
fn state_rules_split_between_success_and_error() {
    let by_id = |id: &str| CHECKS.iter().find(|c| c.def.id == id).unwrap();
    assert!(matches!(
        (by_id("authz.state.echoed").run)(&good_error()),
        Verdict::Skip(_)
    ));
    assert!(matches!(
        (by_id("authz.error.state_echoed").run)(&good()),
        Verdict::Skip(_)
    ));
    let no_state_sent = AuthorizationEvidence {
        state_sent: None,
        ..good()
    };
    assert!(matches!(
        (by_id("authz.state.echoed").run)(&no_state_sent),
        Verdict::Skip(_)
    ));
    let not_advertised = AuthorizationEvidence {
        iss_advertised: false,
        params: vec![],
        ..good()
    };
    assert!(matches!(
        (by_id("authz.iss.present").run)(&not_advertised),
        Verdict::Skip(_)
    ));
}
