//! UserInfo checks: one passing and one failing piece of evidence per check id, plus the
//! WWW-Authenticate parser.

use serde_json::{Value, json};

use super::{
    CHECKS, INVALID_TOKEN_CHECKS, NO_TOKEN_CHECKS, UserInfoErrorEvidence, UserInfoEvidence,
    parse_www_authenticate,
};
use crate::checks::Verdict;
use crate::checks::test_support::{assert_catalog_well_formed, assert_defs_well_formed, run_cases};

fn ok(body: Value) -> UserInfoEvidence {
    UserInfoEvidence {
        status: 200,
        headers: vec![(
            "Content-Type".into(),
            "application/json; charset=utf-8".into(),
        )],
        body_json: Some(body),
        body_is_jwt: false,
        id_token_sub: Some("user-1".into()),
        scopes_granted: vec!["openid".into(), "profile".into(), "email".into()],
        registered_signed: false,
    }
}

fn good() -> UserInfoEvidence {
    ok(json!({
        "sub": "user-1",
        "name": "Alice Example",
        "email": "alice@example.test",
        "email_verified": true,
        "updated_at": 1_700_000_000,
    }))
}

fn cases() -> Vec<(&'static str, UserInfoEvidence, UserInfoEvidence)> {
    let signed = |ct: &str| UserInfoEvidence {
        headers: vec![("content-type".into(), ct.into())],
        body_is_jwt: true,
        registered_signed: true,
        ..good()
    };
    vec![
        (
            "userinfo.status_200",
            good(),
            UserInfoEvidence {
                status: 204,
                ..good()
            },
        ),
        (
            "userinfo.content_type",
            signed("application/jwt"),
            signed("application/json"),
        ),
        (
            "userinfo.body.json_object",
            good(),
            ok(json!(["sub", "user-1"])),
        ),
        ("userinfo.sub.present", good(), ok(json!({"name": "Alice"}))),
        (
            "userinfo.sub.matches_id_token",
            good(),
            ok(json!({"sub": "user-2"})),
        ),
        (
            "userinfo.claims.types",
            good(),
            ok(json!({"sub": "user-1", "email_verified": "true", "address": {"locality": 5}})),
        ),
        (
            "userinfo.claims.scope_bound",
            good(),
            ok(json!({"sub": "user-1", "phone_number": "+1 555"})),
        ),
    ]
}

fn refusal(status: u16, header: Option<&str>) -> UserInfoErrorEvidence {
    UserInfoErrorEvidence {
        status,
        www_authenticate: header.map(str::to_owned),
    }
}

fn no_token_cases() -> Vec<(&'static str, UserInfoErrorEvidence, UserInfoErrorEvidence)> {
    let good = refusal(401, Some(r#"Bearer realm="op""#));
    vec![
        (
            "userinfo.no_token.rejected",
            good.clone(),
            refusal(200, None),
        ),
        (
            "userinfo.no_token.status_401",
            good.clone(),
            refusal(400, Some("Bearer")),
        ),
        (
            "userinfo.no_token.www_authenticate",
            good.clone(),
            refusal(401, None),
        ),
        (
            "userinfo.no_token.bearer_scheme",
            good,
            refusal(401, Some(r#"Basic realm="op""#)),
        ),
    ]
}

fn invalid_token_cases() -> Vec<(&'static str, UserInfoErrorEvidence, UserInfoErrorEvidence)> {
    let good = refusal(
        401,
        Some(r#"Bearer realm="op", error="invalid_token", error_description="expired""#),
    );
    vec![
        (
            "userinfo.invalid_token.rejected",
            good.clone(),
            refusal(200, None),
        ),
        (
            "userinfo.invalid_token.status_401",
            good.clone(),
            refusal(403, Some(r#"Bearer error="invalid_token""#)),
        ),
        (
            "userinfo.invalid_token.www_authenticate",
            good.clone(),
            refusal(401, None),
        ),
        (
            "userinfo.invalid_token.bearer_scheme",
            good.clone(),
            refusal(401, Some(r#"Basic realm="op""#)),
        ),
        (
            "userinfo.invalid_token.error_code",
            good,
            refusal(401, Some(r#"Bearer error="invalid_request""#)),
        ),
    ]
}

#[test]
fn every_check_passes_and_fails_on_crafted_evidence() {
    run_cases(CHECKS, cases());
    run_cases(NO_TOKEN_CHECKS, no_token_cases());
    run_cases(INVALID_TOKEN_CHECKS, invalid_token_cases());
}

#[test]
fn catalogs_are_well_formed_together() {
    assert_catalog_well_formed(CHECKS);
    assert_defs_well_formed(
        CHECKS
            .iter()
            .map(|c| &c.def)
            .chain(NO_TOKEN_CHECKS.iter().map(|c| &c.def))
            .chain(INVALID_TOKEN_CHECKS.iter().map(|c| &c.def)),
    );
}

#[test]
fn plain_json_is_wrong_when_signing_was_registered_and_vice_versa() {
    let check = CHECKS
        .iter()
        .find(|c| c.def.id == "userinfo.content_type")
        .unwrap();
    assert_eq!((check.run)(&good()), Verdict::Pass);
    let unsigned_jwt = UserInfoEvidence {
        headers: vec![("Content-Type".into(), "application/jwt".into())],
        ..good()
    };
    assert!(matches!((check.run)(&unsigned_jwt), Verdict::Fail(_)));
    let no_header = UserInfoEvidence {
        headers: vec![],
        ..good()
    };
    assert!(matches!((check.run)(&no_header), Verdict::Fail(_)));
}

#[test]
fn body_checks_skip_after_a_failed_call() {
    let ev = UserInfoEvidence {
        status: 401,
        body_json: None,
        ..good()
    };
    for c in CHECKS.iter().filter(|c| c.def.id != "userinfo.status_200") {
        assert!(
            matches!((c.run)(&ev), Verdict::Skip(_)),
            "{} should skip",
            c.def.id
        );
    }
}

#[test]
fn sub_comparison_skips_without_an_id_token() {
    let check = CHECKS
        .iter()
        .find(|c| c.def.id == "userinfo.sub.matches_id_token")
        .unwrap();
    let ev = UserInfoEvidence {
        id_token_sub: None,
        ..good()
    };
    assert!(matches!((check.run)(&ev), Verdict::Skip(_)));
}

#[test]
fn www_authenticate_parser_handles_several_challenges_and_quoting() {
    let ch = parse_www_authenticate(
        r#"DPoP algs="ES256 PS256", Bearer realm="a \"b\"", error=invalid_token"#,
    );
    assert_eq!(ch.len(), 2);
    assert_eq!(ch[0].scheme, "DPoP");
    assert_eq!(
        ch[0].params,
        vec![("algs".to_owned(), "ES256 PS256".to_owned())]
    );
    assert_eq!(ch[1].scheme, "Bearer");
    assert_eq!(
        ch[1].params,
        vec![
            ("realm".to_owned(), "a \"b\"".to_owned()),
            ("error".to_owned(), "invalid_token".to_owned())
        ]
    );
    assert_eq!(parse_www_authenticate("bearer").len(), 1);
    assert!(parse_www_authenticate("").is_empty());
    // Malformed input terminates and yields what it can.
    assert_eq!(
        parse_www_authenticate("=, Bearer error=\"unterminated"),
        vec![super::Challenge {
            scheme: "Bearer".into(),
            params: vec![("error".into(), "unterminated".into())]
        }]
    );
    assert!(parse_www_authenticate("=,= ,").is_empty());
}
