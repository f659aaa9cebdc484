//! Unit tests for the JOSE layer: parsing, JWK Set leniency, key lookup, signature verification
//! (real keys generated with aws-lc-rs, then tampered) and the left-half hashes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use super::testkit::{self, b64, jwks, sign, sign_with_secret, signed};
use super::{
    HmacSecret, JoseError, Jwks, KeyLookup, PublicKey, UnverifiedJwt, left_half_hash, verify_hmac,
    verify_signature,
};

fn claims() -> Value {
    json!({ "iss": "https://op.example", "sub": "alice", "aud": "rp", "exp": 2_000_000_000, "iat": 1_700_000_000.5 })
}

fn key(kid: &str, alg: &str) -> PublicKey {
    let set = jwks();
    match set.find(Some(kid), alg) {
        KeyLookup::Found(entry) => entry.verifier.clone().expect("test key parses"),
        other => panic!("no key {kid} for {alg}: {other:?}"),
    }
}

#[test]
fn parse_reads_header_claims_and_signing_input() {
    let token = sign(&json!({"alg":"RS256","kid":"rsa","typ":"JWT"}), &claims());
    let jwt = UnverifiedJwt::parse(&token).unwrap();
    assert_eq!(jwt.alg(), Some("RS256"));
    assert_eq!(jwt.kid(), Some("rsa"));
    assert_eq!(jwt.typ(), Some("JWT"));
    assert_eq!(jwt.claim_str("iss"), Some("https://op.example"));
    assert_eq!(jwt.claim_i64("exp"), Some(2_000_000_000));
    assert_eq!(jwt.claim_i64("iat"), Some(1_700_000_000));
    assert_eq!(jwt.claim_i64("sub"), None);
    assert_eq!(jwt.audiences(), Some(vec!["rp"]));
    let dot = token.rfind('.').unwrap();
    assert_eq!(jwt.signing_input(), &token.as_bytes()[..dot]);
    assert_eq!(jwt.signature().len(), 256);
    assert!(
        !format!("{jwt:?}").contains(&token[..20]),
        "Debug must not print the raw token"
    );
}

#[test]
fn parse_rejects_malformed_tokens() {
    assert_eq!(
        UnverifiedJwt::parse("a.b").unwrap_err(),
        JoseError::Segments(2)
    );
    assert_eq!(
        UnverifiedJwt::parse("a.b.c.d.e").unwrap_err(),
        JoseError::Segments(5)
    );
    assert_eq!(
        UnverifiedJwt::parse("%%.e30.").unwrap_err(),
        JoseError::Base64("JOSE header")
    );
    let array = format!("{}.{}.", b64(b"[1]"), b64(b"{}"));
    assert!(matches!(
        UnverifiedJwt::parse(&array),
        Err(JoseError::NotJsonObject {
            part: "JOSE header",
            ..
        })
    ));
    let bad_json = format!("{}.{}.", b64(b"{}"), b64(b"{nope"));
    assert!(matches!(
        UnverifiedJwt::parse(&bad_json),
        Err(JoseError::NotJsonObject { part: "claims", .. })
    ));
    assert_eq!(
        UnverifiedJwt::parse("a.b.c.d").unwrap_err(),
        JoseError::Segments(4)
    );
    let not_utf8 = format!("{}.{}.", b64(b"{}"), b64(b"{\"sub\":\"\xff\"}"));
    match UnverifiedJwt::parse(&not_utf8) {
        Err(JoseError::NotJsonObject { part: "claims", found }) => {
            assert!(found.starts_with("invalid JSON"), "{found}");
        }
        other => panic!("expected invalid claims JSON, found {other:?}"),
    }
    let string = format!("{}.{}.", b64(b"{}"), b64(b"\"x\""));
    assert_eq!(
        UnverifiedJwt::parse(&string).unwrap_err(),
        JoseError::NotJsonObject { part: "claims", found: "a string".to_owned() }
    );
    assert!(UnverifiedJwt::is_jwe("a.b.c.d.e"));
    assert!(!UnverifiedJwt::is_jwe("a.b.c"));
}

#[test]
fn audiences_accepts_string_or_string_array_only() {
    let header = json!({"alg":"none"});
    let many = signed(&header, &json!({"aud":["a","b"]}));
    assert_eq!(many.audiences(), Some(vec!["a", "b"]));
    assert_eq!(signed(&header, &json!({"aud":["a",1]})).audiences(), None);
    assert_eq!(signed(&header, &json!({"aud":5})).audiences(), None);
}

#[test]
fn every_supported_alg_verifies_and_tampering_fails() {
    for (kid, alg) in [
        ("rsa", "RS256"),
        ("rsa", "RS384"),
        ("rsa", "RS512"),
        ("rsa", "PS256"),
        ("rsa", "PS384"),
        ("rsa", "PS512"),
        ("ec", "ES256"),
        ("ed", "EdDSA"),
    ] {
        let token = sign(&json!({"alg": alg, "kid": kid}), &claims());
        let key = key(kid, alg);
        let jwt = UnverifiedJwt::parse(&token).unwrap();
        assert_eq!(verify_signature(&jwt, &key), Ok(()), "{alg}");

        // Change one claim, keep the signature.
        let (_, rest) = token.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let mut evil = claims();
        evil["sub"] = json!("mallory");
        let forged = format!(
            "{}.{}.{sig}",
            b64(json!({"alg": alg, "kid": kid}).to_string().as_bytes()),
            b64(evil.to_string().as_bytes())
        );
        let forged = UnverifiedJwt::parse(&forged).unwrap();
        assert_eq!(
            verify_signature(&forged, &key),
            Err(JoseError::BadSignature),
            "{alg}"
        );
    }
}

#[test]
fn key_sizes_and_types_are_reported() {
    assert_eq!(key("rsa", "RS256").bits(), 2048);
    assert_eq!(key("rsa", "RS256").kty(), "RSA");
    assert_eq!(key("ec", "ES256").bits(), 256);
    assert_eq!(key("ec", "ES256").crv(), Some("P-256"));
    assert_eq!(key("ed", "EdDSA").kty(), "OKP");
}

#[test]
fn none_and_mismatched_algs_are_refused() {
    let rsa = key("rsa", "RS256");
    let none = signed(&json!({"alg":"none"}), &claims());
    assert_eq!(verify_signature(&none, &rsa), Err(JoseError::AlgNone));
    assert_eq!(verify_hmac(&none, &HmacSecret::from("secret")), Err(JoseError::AlgNone));
    let missing = signed(&json!({"typ":"JWT"}), &claims());
    assert_eq!(verify_signature(&missing, &rsa), Err(JoseError::MissingAlg));

    let es = signed(&json!({"alg":"ES256"}), &claims());
    assert!(matches!(
        verify_signature(&es, &rsa),
        Err(JoseError::AlgKeyMismatch { .. })
    ));
    let hs = signed(&json!({"alg":"HS256"}), &claims());
    assert!(matches!(
        verify_signature(&hs, &rsa),
        Err(JoseError::UnsupportedAlg(_))
    ));
    let rs = signed(&json!({"alg":"RS256"}), &claims());
    assert!(matches!(
        verify_hmac(&rs, &HmacSecret::from("secret")),
        Err(JoseError::AlgKeyMismatch { .. })
    ));

    // A JWK pinned to PS256 refuses RS256 even though the key material fits.
    let mut pinned = testkit::rsa_jwk("rsa");
    pinned["alg"] = json!("PS256");
    let pinned = PublicKey::from_jwk(pinned.as_object().unwrap()).unwrap();
    assert!(matches!(
        verify_signature(&rs, &pinned),
        Err(JoseError::AlgKeyMismatch { .. })
    ));
    let ps = signed(&json!({"alg":"PS256"}), &claims());
    assert_eq!(verify_signature(&ps, &pinned), Ok(()));
}

#[test]
fn hmac_verifies_with_the_right_secret_only() {
    for alg in ["HS256", "HS384", "HS512"] {
        let token = sign_with_secret(&json!({"alg": alg}), &claims(), b"client-secret");
        let jwt = UnverifiedJwt::parse(&token).unwrap();
        assert_eq!(verify_hmac(&jwt, &HmacSecret::from("client-secret")), Ok(()), "{alg}");
        assert_eq!(
            verify_hmac(&jwt, &HmacSecret::from("other")),
            Err(JoseError::BadSignature),
            "{alg}"
        );
    }
}

#[test]
fn jwks_parse_is_lenient_per_key_and_strict_on_shape() {
    let doc = json!({ "keys": [
        testkit::rsa_jwk("a"),
        {"kty":"RSA","kid":"b","n":"!!","e":"AQAB"},
        {"kty":"EC","kid":"c","crv":"P-256","x":"AAAA","y":"AAAA"},
        {"kty":"EC","kid":"d","crv":"secp256k1","x":"AA","y":"AA"},
        {"kty":"oct","kid":"e","k":"c2VjcmV0"},
        {"kid":"f"},
        "not a key",
    ]});
    let set = Jwks::parse(&doc).unwrap();
    assert_eq!(set.keys.len(), 7);
    assert!(set.keys[0].verifier.is_ok());
    assert!(matches!(
        set.keys[1].verifier,
        Err(JoseError::MalformedKey { kty: "RSA", .. })
    ));
    assert!(matches!(
        set.keys[2].verifier,
        Err(JoseError::MalformedKey { kty: "EC", .. })
    ));
    assert!(matches!(
        set.keys[3].verifier,
        Err(JoseError::UnsupportedCurve(_))
    ));
    assert!(matches!(
        set.keys[4].verifier,
        Err(JoseError::UnsupportedKeyType(_))
    ));
    assert_eq!(
        set.keys[5].verifier.as_ref().unwrap_err(),
        &JoseError::MissingMember("kty")
    );
    assert!(matches!(
        set.keys[6].verifier,
        Err(JoseError::NotJsonObject { part: "JWK", .. })
    ));

    assert!(Jwks::parse(&json!([])).is_err());
    assert!(Jwks::parse(&json!({})).is_err());
    assert!(Jwks::parse(&json!({"keys": {}})).is_err());
    assert!(Jwks::parse(&json!({"keys": []})).unwrap().keys.is_empty());
}

#[test]
fn find_matches_kid_alg_kty_curve_and_use() {
    let set = jwks();
    assert!(
        matches!(set.find(Some("rsa"), "RS256"), KeyLookup::Found(k) if k.kid.as_deref() == Some("rsa"))
    );
    assert!(
        matches!(set.find(None, "ES256"), KeyLookup::Found(k) if k.kid.as_deref() == Some("ec"))
    );
    assert!(matches!(set.find(None, "ES384"), KeyLookup::NotFound));
    assert!(matches!(
        set.find(Some("rsa"), "ES256"),
        KeyLookup::NotFound
    ));
    assert!(matches!(
        set.find(Some("nope"), "RS256"),
        KeyLookup::NotFound
    ));

    let mut enc = testkit::rsa_jwk("enc");
    enc["use"] = json!("enc");
    let two_rsa =
        Jwks::parse(&json!({"keys": [testkit::rsa_jwk("a"), testkit::rsa_jwk("b"), enc]})).unwrap();
    assert!(matches!(two_rsa.find(None, "RS256"), KeyLookup::Ambiguous));
    assert!(matches!(
        two_rsa.find(Some("b"), "RS256"),
        KeyLookup::Found(_)
    ));
    assert!(matches!(
        two_rsa.find(Some("enc"), "RS256"),
        KeyLookup::NotFound
    ));
    assert_eq!(two_rsa.signing_keys().count(), 2);
}

#[test]
fn small_rsa_keys_are_refused() {
    // A 1024-bit modulus (any odd value with the top bit set parses as components).
    let mut n = vec![0xC5u8; 128];
    n[127] = 0x01;
    let jwk = json!({"kty":"RSA","n": b64(&n),"e":"AQAB"});
    let key = PublicKey::from_jwk(jwk.as_object().unwrap()).unwrap();
    assert_eq!(key.bits(), 1024);
    let rs = signed(&json!({"alg":"RS256"}), &claims());
    assert!(matches!(
        verify_signature(&rs, &key),
        Err(JoseError::AlgKeyMismatch { .. })
    ));
}

#[test]
fn at_hash_matches_the_oidc_core_example() {
    // OIDC Core A.3/A.4 example: RS256 at_hash of this access token.
    assert_eq!(
        left_half_hash("RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y").as_deref(),
        Some("77QmUPtjPfzWtF2AnpK9RQ")
    );
    assert_eq!(left_half_hash("ES384", "x").unwrap().len(), 32); // 24 bytes → 32 chars
    assert_eq!(left_half_hash("EdDSA", "x").unwrap().len(), 43); // 32 bytes → 43 chars
    assert_eq!(left_half_hash("none", "x"), None);
    assert_eq!(left_half_hash("XX256", "x"), None);
}

#[test]
fn jwks_verify_selects_by_kid_and_alg_and_tries_every_candidate() {
    let set = jwks();
    let with_kid = signed(&json!({"alg":"EdDSA","kid":"ed"}), &claims());
    assert_eq!(set.verify(&with_kid), Ok(()));
    // No kid: both RSA entries fit RS256; the one that verifies wins.
    let other = Jwks::parse(
        &json!({"keys": [testkit::p256_jwk("x"), testkit::rsa_jwk("a"), testkit::rsa_jwk("b")]}),
    )
    .unwrap();
    let no_kid = signed(&json!({"alg":"RS256"}), &claims());
    assert_eq!(other.verify(&no_kid), Ok(()));
    let unknown = signed(&json!({"alg":"RS256","kid":"gone"}), &claims());
    assert!(matches!(
        set.verify(&unknown),
        Err(JoseError::NoMatchingKey { .. })
    ));
    let es384 = signed(&json!({"alg":"ES384"}), &claims());
    assert!(matches!(
        set.verify(&es384),
        Err(JoseError::NoMatchingKey { .. })
    ));
    let mut forged = sign(&json!({"alg":"ES256","kid":"ec"}), &claims());
    forged.truncate(forged.len() - 4);
    forged.push_str("AAAA");
    let forged = UnverifiedJwt::parse(&forged).unwrap();
    assert_eq!(set.verify(&forged), Err(JoseError::BadSignature));
}

#[test]
fn claims_are_built_on_first_read_and_survive_clone_and_take() {
    let token = sign(&json!({"alg":"RS256","kid":"rsa"}), &claims());
    let jwt = UnverifiedJwt::parse(&token).unwrap();
    let untouched = jwt.clone();
    assert_eq!(jwt.claims_json(), claims().to_string());
    assert_eq!(Value::Object(jwt.claims().clone()), claims());
    // Equality follows the token, not whether the map was built yet.
    assert_eq!(jwt, untouched);
    assert_eq!(Value::Object(untouched.into_claims()), claims());
    assert_eq!(Value::Object(jwt.clone().into_claims()), claims());
    let other = UnverifiedJwt::parse(&sign(&json!({"alg":"RS256"}), &json!({"sub":"bob"}))).unwrap();
    assert_ne!(jwt, other);
    assert_eq!(other.claim("sub"), Some(&json!("bob")));
    assert_eq!(other.claim("iss"), None);
}

#[test]
fn a_prepared_secret_is_shared_by_clones_and_never_printed() {
    let token = sign_with_secret(&json!({"alg": "HS384"}), &claims(), b"client-secret");
    let jwt = UnverifiedJwt::parse(&token).unwrap();
    let secret = HmacSecret::from("client-secret");
    let clone = secret.clone();
    assert_eq!(verify_hmac(&jwt, &clone), Ok(()));
    assert!(secret.shares_keys_with(&clone));
    assert!(!secret.shares_keys_with(&HmacSecret::from("client-secret")));
    assert_eq!(format!("{secret:?}"), "HmacSecret([redacted])");
    // An alg outside HS256/384/512 that no key fits is unsupported, not a bad signature.
    let hs1 = signed(&json!({"alg":"HS1"}), &claims());
    assert_eq!(
        verify_hmac(&hs1, &secret),
        Err(JoseError::UnsupportedAlg("HS1".into()))
    );
}
