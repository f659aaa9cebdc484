//! Scope checks: one passing and one failing piece of evidence per check id.

use serde_json::{Map, Value, json};

use super::{CHECKS, ScopeEvidence};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, assert_defs_well_formed, run_cases};

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn claims(v: Value) -> Option<Map<String, Value>> {
    v.as_object().cloned()
}

fn good() -> ScopeEvidence {
    let all = ["openid", "profile", "email", "address", "phone"];
    ScopeEvidence {
        requested: strings(&all),
        granted: strings(&all),
        scope_returned: true,
        id_token_claims: claims(json!({"sub": "u1", "name": "Alice"})),
        userinfo_claims: claims(json!({
            "sub": "u1", "email": "a@example.test", "phone_number": "+1 555 0100",
            "address": {"country": "FR"},
        })),
        scopes_supported: Some(strings(&all)),
    }
}

/// `good()` with the userinfo claim `name` removed and no ID token claims.
fn without_userinfo_claim(name: &str) -> ScopeEvidence {
    let mut ev = good();
    ev.id_token_claims = None;
    if let Some(m) = ev.userinfo_claims.as_mut() {
        m.remove(name);
    }
    ev
}

fn cases() -> Vec<(&'static str, ScopeEvidence, ScopeEvidence)> {
    vec![
        (
            "scope.openid.granted",
            good(),
            ScopeEvidence {
                granted: strings(&["profile"]),
                ..good()
            },
        ),
        (
            "scope.granted.subset_of_requested",
            good(),
            ScopeEvidence {
                granted: strings(&["openid", "profile", "admin"]),
                ..good()
            },
        ),
        (
            "scope.granted.syntax",
            good(),
            ScopeEvidence {
                granted: strings(&["openid", "a\\b"]),
                ..good()
            },
        ),
        (
            "scope.returned_when_changed",
            ScopeEvidence {
                scope_returned: false,
                ..good()
            },
            ScopeEvidence {
                scope_returned: false,
                granted: strings(&["openid"]),
                ..good()
            },
        ),
        (
            "scope.profile.claims_released",
            good(),
            ScopeEvidence {
                id_token_claims: claims(json!({"sub": "u1"})),
                ..good()
            },
        ),
        (
            "scope.email.claims_released",
            good(),
            without_userinfo_claim("email"),
        ),
        (
            "scope.address.claims_released",
            good(),
            without_userinfo_claim("address"),
        ),
        (
            "scope.phone.claims_released",
            good(),
            without_userinfo_claim("phone_number"),
        ),
        (
            "scope.requested.advertised",
            good(),
            ScopeEvidence {
                scopes_supported: Some(strings(&["openid", "profile"])),
                ..good()
            },
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
fn claim_checks_skip_when_scope_not_requested_or_not_granted() {
    let check = CHECKS
        .iter()
        .find(|c| c.def.id == "scope.email.claims_released")
        .unwrap();
    let not_requested = ScopeEvidence {
        requested: strings(&["openid"]),
        granted: strings(&["openid"]),
        ..good()
    };
    assert!(matches!((check.run)(&not_requested), Verdict::Skip(_)));
    let narrowed = ScopeEvidence {
        granted: strings(&["openid", "profile"]),
        ..good()
    };
    assert!(matches!((check.run)(&narrowed), Verdict::Skip(_)));
    let no_claims = ScopeEvidence {
        id_token_claims: None,
        userinfo_claims: None,
        ..good()
    };
    assert!(matches!((check.run)(&no_claims), Verdict::Skip(_)));
}

#[test]
fn narrowing_is_allowed_when_scope_is_returned() {
    let ev = ScopeEvidence {
        granted: strings(&["openid", "email"]),
        ..good()
    };
    for id in [
        "scope.granted.subset_of_requested",
        "scope.returned_when_changed",
    ] {
        let check = CHECKS.iter().find(|c| c.def.id == id).unwrap();
        assert_eq!((check.run)(&ev), Verdict::Pass, "{id}");
    }
}

/// All catalogs of this helper together: ids unique across them, tags resolve.
#[test]
fn all_catalogs_have_unique_ids() {
    use crate::checks::{
        AUTHORIZATION_CHECKS, DISCOVERY_CHECKS, USERINFO_CHECKS, USERINFO_INVALID_TOKEN_CHECKS,
        USERINFO_NO_TOKEN_CHECKS,
    };
    let defs: Vec<_> = DISCOVERY_CHECKS
        .iter()
        .map(|c| c.def)
        .chain(AUTHORIZATION_CHECKS.iter().map(|c| c.def))
        .chain(USERINFO_CHECKS.iter().map(|c| c.def))
        .chain(USERINFO_NO_TOKEN_CHECKS.iter().map(|c| c.def))
        .chain(USERINFO_INVALID_TOKEN_CHECKS.iter().map(|c| c.def))
        .chain(CHECKS.iter().map(|c| c.def))
        .collect();
    assert!(defs.len() >= 48, "only {} checks", defs.len());
    assert_defs_well_formed(defs.iter());
}
