//! Tests for the ID token checks: one passing and one failing piece of evidence per check id,
//! with tokens signed by keys generated with aws-lc-rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::{Value, json};

use super::{CHECKS, IdTokenEvidence};
use crate::checks::Verdict;
use crate::jose::testkit::{
    assert_check_table, assert_group_well_formed, b64, jwks, rsa_jwk, sign, signed,
};
use crate::jose::{HmacSecret, Jwks, left_half_hash};

const NOW: i64 = 1_800_000_000;
const ISSUER: &str = "https://op.example";
const ACCESS_TOKEN: &str = "at-123";
const CODE: &str = "code-456";

fn header() -> Value {
    json!({"alg": "RS256", "kid": "rsa", "typ": "JWT"})
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "sub": "alice", "aud": "rp", "exp": NOW + 300, "iat": NOW - 5,
        "auth_time": NOW - 30, "nonce": "n-1",
        "at_hash": left_half_hash("RS256", ACCESS_TOKEN), "c_hash": left_half_hash("RS256", CODE),
    })
}

/// Evidence around a token signed with `header` and `claims`.
fn evidence(header: &Value, claims: &Value) -> IdTokenEvidence {
    IdTokenEvidence {
        jwks: Some(Arc::new(jwks())),
        client_secret: Some(HmacSecret::from("secret")),
        issuer: ISSUER.into(),
        client_id: "rp".into(),
        nonce_sent: Some("n-1".into()),
        max_age_sent: Some(300),
        auth_time_requested: false,
        access_token: Some(ACCESS_TOKEN.into()),
        code: Some(CODE.into()),
        algs_advertised: vec![
            "RS256".into(),
            "ES256".into(),
            "EdDSA".into(),
            "HS256".into(),
        ],
        registered_alg: None,
        encryption_registered: false,
        now: NOW,
        previous: Some(signed(
            &self::header(),
            &json!({"iss": ISSUER, "sub": "alice", "aud": ["rp"], "iat": NOW - 3600, "auth_time": NOW - 30}),
        )),
        ..IdTokenEvidence::from_raw(&sign(header, claims))
    }
}

fn good() -> IdTokenEvidence {
    evidence(&header(), &claims())
}

/// Good evidence with `f` applied to the claims (re-signed).
fn claim(f: impl FnOnce(&mut Value)) -> IdTokenEvidence {
    let mut c = claims();
    f(&mut c);
    evidence(&header(), &c)
}

/// Good evidence with `f` applied to the header (re-signed).
fn head(f: impl FnOnce(&mut Value)) -> IdTokenEvidence {
    let mut h = header();
    f(&mut h);
    evidence(&h, &claims())
}

fn remove(name: &'static str) -> impl FnOnce(&mut Value) {
    move |v| drop(v.as_object_mut().unwrap().remove(name))
}

#[test]
fn every_id_token_check_has_a_pass_and_a_fail_case() {
    let two_rsa = Jwks::parse(&json!({"keys": [rsa_jwk("a"), rsa_jwk("b")]})).unwrap();
    let tampered = {
        let mut e = good();
        let raw = e.raw.clone();
        let (_, sig) = raw.rsplit_once('.').unwrap();
        let mut evil = claims();
        evil["sub"] = json!("mallory");
        e.raw = format!(
            "{}.{}.{sig}",
            b64(header().to_string().as_bytes()),
            b64(evil.to_string().as_bytes())
        );
        IdTokenEvidence {
            jwt: Some(crate::jose::UnverifiedJwt::parse(&e.raw).unwrap()),
            ..e
        }
    };
    let cases = vec![
        (
            "idtoken.format.jws",
            good(),
            IdTokenEvidence {
                now: NOW,
                ..IdTokenEvidence::from_raw("a.b.c.d.e")
            },
        ),
        ("idtoken.header.alg_present", good(), head(remove("alg"))),
        (
            "idtoken.header.alg_not_none",
            IdTokenEvidence {
                registered_alg: Some("none".into()),
                ..head(|h| h["alg"] = json!("none"))
            },
            head(|h| h["alg"] = json!("none")),
        ),
        (
            "idtoken.header.alg_advertised",
            good(),
            head(|h| h["alg"] = json!("RS512")),
        ),
        (
            "idtoken.header.alg_registered",
            IdTokenEvidence {
                registered_alg: Some("RS256".into()),
                ..good()
            },
            IdTokenEvidence {
                registered_alg: Some("ES256".into()),
                ..good()
            },
        ),
        (
            "idtoken.header.typ_not_at_jwt",
            good(),
            head(|h| h["typ"] = json!("at+jwt")),
        ),
        (
            "idtoken.header.kid_when_several",
            good(),
            head(remove("kid")),
        ),
        (
            "idtoken.header.kid_resolves",
            good(),
            head(|h| h["kid"] = json!("rotated-away")),
        ),
        (
            "idtoken.signature.valid",
            IdTokenEvidence {
                jwks: Some(Arc::new(two_rsa)),
                ..head(|h| h["kid"] = json!("b"))
            },
            tampered,
        ),
        (
            "idtoken.iss.matches",
            good(),
            claim(|c| c["iss"] = json!("https://op.example/")),
        ),
        (
            "idtoken.aud.contains_client",
            claim(|c| c["aud"] = json!(["rp"])),
            claim(|c| c["aud"] = json!("other")),
        ),
        (
            "idtoken.aud.no_untrusted",
            good(),
            claim(|c| c["aud"] = json!(["rp", "api"])),
        ),
        (
            "idtoken.azp.present_when_multiple_aud",
            claim(|c| {
                c["aud"] = json!(["rp", "api"]);
                c["azp"] = json!("rp");
            }),
            claim(|c| c["aud"] = json!(["rp", "api"])),
        ),
        (
            "idtoken.azp.matches_client",
            claim(|c| c["azp"] = json!("rp")),
            claim(|c| c["azp"] = json!("other")),
        ),
        (
            "idtoken.exp.present",
            good(),
            claim(|c| c["exp"] = json!("soon")),
        ),
        (
            "idtoken.exp.in_future",
            claim(|c| c["exp"] = json!(NOW - 30)),
            claim(|c| c["exp"] = json!(NOW - 61)),
        ),
        ("idtoken.iat.present", good(), claim(remove("iat"))),
        (
            "idtoken.iat.not_in_future",
            claim(|c| c["iat"] = json!(NOW + 60)),
            claim(|c| c["iat"] = json!(NOW + 61)),
        ),
        (
            "idtoken.iat.recent",
            good(),
            claim(|c| c["iat"] = json!(NOW - 2 * 86_400)),
        ),
        (
            "idtoken.nbf.not_in_future",
            claim(|c| c["nbf"] = json!(NOW - 5)),
            claim(|c| c["nbf"] = json!(NOW + 600)),
        ),
        (
            "idtoken.nonce.matches",
            good(),
            claim(|c| c["nonce"] = json!("n-2")),
        ),
        (
            "idtoken.nonce.unsolicited",
            IdTokenEvidence {
                nonce_sent: None,
                previous: None,
                ..claim(remove("nonce"))
            },
            IdTokenEvidence {
                nonce_sent: None,
                previous: None,
                ..good()
            },
        ),
        (
            "idtoken.auth_time.present_when_required",
            good(),
            claim(remove("auth_time")),
        ),
        (
            "idtoken.auth_time.valid",
            good(),
            claim(|c| c["auth_time"] = json!(NOW + 3600)),
        ),
        (
            "idtoken.auth_time.within_max_age",
            good(),
            claim(|c| c["auth_time"] = json!(NOW - 1000)),
        ),
        (
            "idtoken.at_hash.matches",
            good(),
            claim(|c| c["at_hash"] = json!(left_half_hash("RS256", "other"))),
        ),
        ("idtoken.at_hash.present", good(), claim(remove("at_hash"))),
        (
            "idtoken.c_hash.matches",
            good(),
            claim(|c| c["c_hash"] = json!(left_half_hash("RS384", CODE))),
        ),
        (
            "idtoken.sub.present",
            good(),
            claim(|c| c["sub"] = json!("")),
        ),
        (
            "idtoken.sub.length",
            good(),
            claim(|c| c["sub"] = json!("x".repeat(256))),
        ),
        (
            "idtoken.refresh.iss_same",
            good(),
            IdTokenEvidence {
                issuer: "https://evil.example".into(),
                ..claim(|c| c["iss"] = json!("https://evil.example"))
            },
        ),
        (
            "idtoken.refresh.sub_same",
            good(),
            claim(|c| c["sub"] = json!("bob")),
        ),
        (
            "idtoken.refresh.aud_same",
            good(),
            claim(|c| c["aud"] = json!(["rp", "api"])),
        ),
        (
            "idtoken.refresh.azp_same",
            good(),
            claim(|c| c["azp"] = json!("rp")),
        ),
        (
            "idtoken.refresh.auth_time_same",
            good(),
            claim(|c| c["auth_time"] = json!(NOW - 5)),
        ),
        (
            "idtoken.refresh.iat_not_earlier",
            good(),
            claim(|c| c["iat"] = json!(NOW - 7200)),
        ),
    ];
    assert_check_table(CHECKS, cases);
}

#[test]
fn id_token_ids_and_specs_are_well_formed() {
    assert_group_well_formed(CHECKS);
}

#[test]
fn signature_verifies_for_every_key_type_and_hmac() {
    for h in [
        json!({"alg": "ES256", "kid": "ec"}),
        json!({"alg": "EdDSA", "kid": "ed"}),
        json!({"alg": "PS256", "kid": "rsa"}),
        json!({"alg": "HS256"}),
    ] {
        let e = evidence(&h, &claims());
        assert_eq!(
            (super::header::SIGNATURE_VALID.run)(&e),
            Verdict::Pass,
            "{h}"
        );
    }
    let wrong_secret = IdTokenEvidence {
        client_secret: Some(HmacSecret::from("nope")),
        ..evidence(&json!({"alg": "HS256"}), &claims())
    };
    assert!(matches!(
        (super::header::SIGNATURE_VALID.run)(&wrong_secret),
        Verdict::Fail(_)
    ));
}

#[test]
fn claim_checks_still_run_when_the_signature_is_bad() {
    let mut e = claim(|c| c["iss"] = json!("https://wrong.example"));
    e.jwks = Some(Arc::new(Jwks::parse(&json!({"keys": [rsa_jwk("other")]})).unwrap()));
    assert!(matches!(
        (super::header::SIGNATURE_VALID.run)(&e),
        Verdict::Fail(_)
    ));
    assert!(matches!(
        (super::claims::ISS_MATCHES.run)(&e),
        Verdict::Fail(_)
    ));
}

#[test]
fn an_unparseable_token_skips_everything_but_the_format_check() {
    let e = IdTokenEvidence::from_raw("not-a-jwt");
    assert!(matches!(
        (super::header::FORMAT_JWS.run)(&e),
        Verdict::Fail(_)
    ));
    for c in CHECKS.iter().skip(1) {
        assert!(matches!((c.run)(&e), Verdict::Skip(_)), "{}", c.def.id);
    }
}

#[test]
fn registered_jwe_is_skipped_and_refresh_checks_need_a_previous_token() {
    let jwe = IdTokenEvidence {
        encryption_registered: true,
        ..IdTokenEvidence::from_raw("a.b.c.d.e")
    };
    assert!(matches!(
        (super::header::FORMAT_JWS.run)(&jwe),
        Verdict::Skip(_)
    ));
    let first = IdTokenEvidence {
        previous: None,
        ..good()
    };
    for c in CHECKS
        .iter()
        .filter(|c| c.def.id.starts_with("idtoken.refresh."))
    {
        assert!(matches!((c.run)(&first), Verdict::Skip(_)), "{}", c.def.id);
    }
}

#[test]
fn debug_redacts_secrets() {
    let shown = format!("{:?}", good());
    assert!(!shown.contains("secret\""), "{shown}");
    assert!(!shown.contains(ACCESS_TOKEN) && !shown.contains(CODE));
}

#[test]
fn ids_are_unique_across_the_jose_check_groups() {
    let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.def.id).collect();
    ids.extend(crate::checks::jwks::CHECKS.iter().map(|c| c.def.id));
    ids.extend(crate::checks::token_response::CHECKS.iter().map(|c| c.def.id));
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total);
    assert!(total >= 45, "{total} checks");
}
