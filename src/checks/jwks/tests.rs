//! Tests for the JWKS checks: one passing and one failing JWK Set per check id, built from keys
//! generated with aws-lc-rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use super::{CHECKS, JwksEvidence};
use crate::jose::Jwks;
use crate::jose::testkit::{
    assert_check_table, assert_group_well_formed, b64, b64_decode, jwks_json, rsa_jwk,
};

/// A 200 JSON answer with `body`, parsed like the fetcher does.
fn with(body: Value) -> JwksEvidence {
    JwksEvidence {
        status: 200,
        content_type: Some("application/json; charset=utf-8".into()),
        jwks: Jwks::parse(&body).ok(),
        body: Some(body),
        id_token_algs_advertised: vec![
            "RS256".into(),
            "ES256".into(),
            "EdDSA".into(),
            "HS256".into(),
        ],
    }
}

fn good() -> JwksEvidence {
    with(jwks_json())
}

/// The good set with each key's `alg` (RS256, ES256, EdDSA) and `use` set.
fn with_algs() -> JwksEvidence {
    let mut body = jwks_json();
    for (i, alg) in ["RS256", "ES256", "EdDSA"].iter().enumerate() {
        body["keys"][i]["alg"] = json!(alg);
        body["keys"][i]["use"] = json!("sig");
    }
    with(body)
}

/// The good set with `f` applied to the first (RSA) key.
fn first_key(f: impl FnOnce(&mut Value)) -> JwksEvidence {
    let mut body = jwks_json();
    f(&mut body["keys"][0]);
    with(body)
}

#[test]
fn every_jwks_check_has_a_pass_and_a_fail_case() {
    let mut small = rsa_jwk("small");
    small["n"] = json!(crate::jose::testkit::b64(&[0xC5; 128]));
    let mut enc = rsa_jwk("enc");
    enc["use"] = json!("enc");
    let cases = vec![
        (
            "jwks.fetch.status_ok",
            good(),
            JwksEvidence {
                status: 404,
                ..good()
            },
        ),
        (
            "jwks.fetch.content_type_json",
            JwksEvidence {
                content_type: Some("application/jwk-set+json".into()),
                ..good()
            },
            JwksEvidence {
                content_type: Some("text/html".into()),
                ..good()
            },
        ),
        ("jwks.body.is_jwk_set", good(), with(json!({"keys": {}}))),
        ("jwks.keys.non_empty", good(), with(json!({"keys": []}))),
        (
            "jwks.keys.kty_present",
            good(),
            first_key(|k| k["kty"] = json!(1)),
        ),
        (
            "jwks.keys.parseable",
            good(),
            first_key(|k| k["n"] = json!("***")),
        ),
        (
            "jwks.keys.kid_when_several",
            good(),
            first_key(|k| drop(k.as_object_mut().unwrap().remove("kid"))),
        ),
        (
            "jwks.keys.kid_unique",
            good(),
            with(json!({"keys": [rsa_jwk("a"), rsa_jwk("a")]})),
        ),
        (
            "jwks.keys.use_valid",
            good(),
            first_key(|k| k["use"] = json!("signing")),
        ),
        (
            "jwks.keys.use_when_mixed",
            with(json!({"keys": [rsa_jwk("sig"), enc.clone()]})),
            with(json!({"keys": [enc, {"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"x"}]})),
        ),
        (
            "jwks.keys.alg_matches_kty",
            first_key(|k| k["alg"] = json!("PS256")),
            first_key(|k| k["alg"] = json!("ES256")),
        ),
        (
            "jwks.keys.no_private_members",
            good(),
            first_key(|k| k["d"] = json!("AQAB")),
        ),
        (
            "jwks.keys.rsa_minimal_integers",
            good(),
            first_key(|k| {
                let mut n = b64_decode(k["n"].as_str().unwrap());
                n.insert(0, 0);
                k["n"] = json!(b64(&n));
            }),
        ),
        (
            "jwks.keys.rsa_min_2048",
            good(),
            with(json!({"keys": [small]})),
        ),
        (
            "jwks.keys.curve_supported",
            good(),
            with(json!({"keys": [{"kty":"EC","crv":"P-192","x":"AA","y":"AA"}]})),
        ),
        (
            "jwks.keys.cover_advertised_algs",
            good(),
            JwksEvidence {
                id_token_algs_advertised: vec!["ES384".into()],
                ..good()
            },
        ),
        ("jwks.keys.alg_present", with_algs(), good()),
        ("jwks.keys.use_present", with_algs(), good()),
        ("jwks.keys.alg_advertised", with_algs(), first_key(|k| k["alg"] = json!("RS512"))),
    ];
    assert_check_table(CHECKS, cases);
}

#[test]
fn jwks_ids_and_specs_are_well_formed() {
    assert_group_well_formed(CHECKS);
}

#[test]
fn key_checks_skip_without_a_jwk_set() {
    let none = JwksEvidence {
        status: 500,
        content_type: None,
        body: None,
        ..JwksEvidence::default()
    };
    for check in CHECKS.iter().filter(|c| c.def.id.starts_with("jwks.keys.")) {
        assert!(
            matches!((check.run)(&none), crate::checks::Verdict::Skip(_)),
            "{}",
            check.def.id
        );
    }
    assert!(matches!(
        (super::IS_JWK_SET.run)(&none),
        crate::checks::Verdict::Skip(_)
    ));
}

#[test]
fn unknown_key_types_are_not_parse_failures() {
    let odd = with(json!({"keys": [rsa_jwk("a"), {"kty":"oct-ish","kid":"b"}]}));
    assert_eq!((super::PARSEABLE.run)(&odd), crate::checks::Verdict::Pass);
}

#[test]
fn keys_with_an_encryption_alg_count_as_encryption_keys() {
    use crate::checks::Verdict;
    let mut enc = rsa_jwk("enc");
    enc.as_object_mut().unwrap().remove("use");
    enc["alg"] = json!("RSA-OAEP");
    let mixed = with(json!({"keys": [rsa_jwk("sig"), enc.clone()]}));
    assert!(matches!(
        (super::USE_WHEN_MIXED.run)(&mixed),
        Verdict::Fail(_)
    ));
    assert!(matches!(
        (super::KID_WHEN_SEVERAL.run)(&mixed),
        Verdict::Skip(_)
    ));
    enc["use"] = json!("enc");
    assert_eq!(
        (super::USE_VALID.run)(&with(json!({"keys": [enc]}))),
        Verdict::Pass
    );
}
