//! Endpoint checks: one passing and one failing piece of evidence per check id.

use serde_json::json;

use super::{CHECKS, EndpointCase, EndpointEvidence};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

fn ev(case: EndpointCase, status: u16, body: serde_json::Value) -> EndpointEvidence {
    EndpointEvidence { case, status, body_json: Some(body), introspection_allowed: true }
}

#[test]
fn every_check_has_a_pass_and_a_fail() {
    use EndpointCase::*;
    let claims = json!({"sub": "alice"});
    let err = json!({"error": "invalid_token"});
    run_cases(CHECKS, vec![
        ("userinfo.method.get_header", ev(UserinfoGet, 200, claims.clone()), ev(UserinfoGet, 401, err.clone())),
        ("userinfo.method.post_header", ev(UserinfoPost, 200, claims.clone()), ev(UserinfoPost, 200, json!({"name": "x"}))),
        ("userinfo.method.post_form_body", ev(UserinfoFormBody, 200, claims.clone()), ev(UserinfoFormBody, 400, err.clone())),
        ("userinfo.id_token_as_bearer.refused", ev(UserinfoIdToken, 401, err.clone()), ev(UserinfoIdToken, 200, claims.clone())),
        ("revocation.response.ok", ev(Revoke, 200, json!(null)), ev(Revoke, 400, err.clone())),
        ("revocation.refresh_token.unusable", ev(RevokedRefresh, 400, json!({"error": "invalid_grant"})), ev(RevokedRefresh, 200, json!({"access_token": "x"}))),
        ("introspection.active_token.active", ev(IntrospectActive, 200, json!({"active": true})), ev(IntrospectActive, 200, json!({"active": false}))),
        ("introspection.revoked_token.inactive", ev(IntrospectRevoked, 200, json!({"active": false})), ev(IntrospectRevoked, 200, json!({"active": true}))),
    ]);
    assert_catalog_well_formed(CHECKS);
}

#[test]
fn edge_cases() {
    use EndpointCase::*;
    let verdict = |id: &str, e: &EndpointEvidence| (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e);
    assert!(matches!(verdict("introspection.active_token.active", &ev(IntrospectActive, 200, json!({"active": "yes"}))), Verdict::Fail(_)));
    assert!(matches!(verdict("introspection.revoked_token.inactive", &ev(IntrospectRevoked, 401, json!({}))), Verdict::Fail(_)));
    // Not declared allowed: an inactive live token or a 403 is inconclusive, not a failure.
    let undeclared = |status, body| EndpointEvidence { introspection_allowed: false, ..ev(IntrospectActive, status, body) };
    assert!(matches!(verdict("introspection.active_token.active", &undeclared(200, json!({"active": false}))), Verdict::Skip(_)));
    assert!(matches!(verdict("introspection.active_token.active", &undeclared(403, json!({}))), Verdict::Skip(_)));
    assert_eq!(verdict("introspection.active_token.active", &undeclared(200, json!({"active": true}))), Verdict::Pass);
    assert!(matches!(verdict("introspection.active_token.active", &undeclared(500, json!({}))), Verdict::Fail(_)));
    let cases = [UserinfoGet, UserinfoPost, UserinfoFormBody, UserinfoIdToken, Revoke, RevokedRefresh, IntrospectActive, IntrospectRevoked];
    for c in CHECKS {
        assert_eq!(cases.iter().filter(|k| c.def.id.starts_with(k.prefix())).count(), 1, "{}", c.def.id);
    }
    crate::checks::test_support::assert_case_tables(CHECKS, &cases, EndpointCase::checks, EndpointCase::prefix);
}
