//! Test-only key material and token signing on aws-lc-rs: generated RSA-2048, P-256 and Ed25519
//! keys, their public JWKs, and compact JWS built from JSON header and claims.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaEncoding, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{Jwks, UnverifiedJwt};

/// Generated signing keys shared by all tests (RSA generation is slow).
pub(crate) struct TestKeys {
    pub(crate) rsa: RsaKeyPair,
    pub(crate) p256: EcdsaKeyPair,
    pub(crate) ed25519: Ed25519KeyPair,
}

pub(crate) fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys {
        rsa: RsaKeyPair::generate(KeySize::Rsa2048).expect("rsa keygen"),
        p256: EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
            .expect("p256 keygen"),
        ed25519: Ed25519KeyPair::generate().expect("ed25519 keygen"),
    })
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn b64_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

/// Public JWK of the RSA test key.
pub(crate) fn rsa_jwk(kid: &str) -> Value {
    let public = keys().rsa.public_key();
    json!({
        "kty": "RSA", "kid": kid, "use": "sig",
        "n": b64(public.modulus().big_endian_without_leading_zero()),
        "e": b64(public.exponent().big_endian_without_leading_zero()),
    })
}

/// Public JWK of the P-256 test key.
pub(crate) fn p256_jwk(kid: &str) -> Value {
    let point = keys().p256.public_key().as_ref().to_vec();
    let (x, y) = point[1..].split_at(32);
    json!({ "kty": "EC", "kid": kid, "crv": "P-256", "x": b64(x), "y": b64(y) })
}

/// Public JWK of the Ed25519 test key.
pub(crate) fn ed25519_jwk(kid: &str) -> Value {
    json!({ "kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64(keys().ed25519.public_key().as_ref()) })
}

/// The three test keys as a JWK Set with kids `rsa`, `ec`, `ed`.
pub(crate) fn jwks_json() -> Value {
    json!({ "keys": [rsa_jwk("rsa"), p256_jwk("ec"), ed25519_jwk("ed")] })
}

pub(crate) fn jwks() -> Jwks {
    Jwks::parse(&jwks_json()).expect("test jwks")
}

/// Signs `header` + `claims` with the test key for `header.alg` (HS* use `secret`), returning
/// the compact JWS. Unknown algs (including `none`) get an empty signature.
pub(crate) fn sign_with_secret(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let rng = SystemRandom::new();
    let alg = header["alg"].as_str().unwrap_or("none");
    let rsa = |enc: &'static dyn RsaEncoding| {
        let mut sig = vec![0; keys().rsa.public_modulus_len()];
        keys()
            .rsa
            .sign(enc, &rng, input.as_bytes(), &mut sig)
            .expect("rsa sign");
        sig
    };
    let hs = |alg| {
        hmac::sign(&hmac::Key::new(alg, secret), input.as_bytes())
            .as_ref()
            .to_vec()
    };
    let sig = match alg {
        "RS256" => rsa(&signature::RSA_PKCS1_SHA256),
        "RS384" => rsa(&signature::RSA_PKCS1_SHA384),
        "RS512" => rsa(&signature::RSA_PKCS1_SHA512),
        "PS256" => rsa(&signature::RSA_PSS_SHA256),
        "PS384" => rsa(&signature::RSA_PSS_SHA384),
        "PS512" => rsa(&signature::RSA_PSS_SHA512),
        "ES256" => keys()
            .p256
            .sign(&rng, input.as_bytes())
            .expect("ec sign")
            .as_ref()
            .to_vec(),
        "EdDSA" => keys().ed25519.sign(input.as_bytes()).as_ref().to_vec(),
        "HS256" => hs(hmac::HMAC_SHA256),
        "HS384" => hs(hmac::HMAC_SHA384),
        "HS512" => hs(hmac::HMAC_SHA512),
        _ => Vec::new(),
    };
    format!("{input}.{}", b64(&sig))
}

/// Signs with the test key for `header.alg` (HS* with the secret `secret`).
pub(crate) fn sign(header: &Value, claims: &Value) -> String {
    sign_with_secret(header, claims, b"secret")
}

/// Signs and parses back.
pub(crate) fn signed(header: &Value, claims: &Value) -> UnverifiedJwt {
    UnverifiedJwt::parse(&sign(header, claims)).expect("own token parses")
}

/// Asserts a table of `(check id, passing evidence, failing evidence)` against a check group:
/// every check of the group has exactly one row, the pass row passes and the fail row fails.
pub(crate) fn assert_check_table<E>(group: &[crate::checks::Check<E>], cases: Vec<(&str, E, E)>) {
    use crate::checks::Verdict;
    let mut covered = std::collections::HashSet::new();
    for (id, pass, fail) in &cases {
        assert!(covered.insert(*id), "{id}: two rows");
        let check = group
            .iter()
            .find(|c| c.def.id == *id)
            .unwrap_or_else(|| panic!("{id}: no such check"));
        assert_eq!((check.run)(pass), Verdict::Pass, "{id}: pass case");
        let verdict = (check.run)(fail);
        assert!(
            matches!(verdict, Verdict::Fail(_)),
            "{id}: fail case gave {verdict:?}"
        );
    }
    for check in group {
        assert!(
            covered.contains(check.def.id),
            "{}: no test row",
            check.def.id
        );
    }
}

/// Asserts ids are unique and dotted lower-case, and every spec tag resolves to a URL.
pub(crate) fn assert_group_well_formed<E>(group: &[crate::checks::Check<E>]) {
    let mut ids = std::collections::HashSet::new();
    for check in group {
        let id = check.def.id;
        assert!(ids.insert(id), "{id}: duplicate id");
        let segments: Vec<&str> = id.split('.').collect();
        assert!(segments.len() >= 2, "{id}: needs at least two segments");
        assert!(
            segments.iter().all(|s| !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')),
            "{id}: must match ^[a-z0-9_]+(\\.[a-z0-9_]+)+$"
        );
        assert!(
            check.def.spec.url().is_some(),
            "{id}: spec {} unresolved",
            check.def.spec
        );
        assert!(!check.def.title.is_empty(), "{id}: empty title");
    }
}
