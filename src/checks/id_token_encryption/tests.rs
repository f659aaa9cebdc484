//! Tests for the encrypted-ID-token checks: tokens encrypted by the reference provider's
//! encryptor to a generated key, opened, and judged; one passing and one failing case per check.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use reference_provider::keys::jwe::{EncryptionKey, encrypt_compact};
use reference_provider::random::SystemRandom;
use serde_json::{Value, json};

use super::{CHECKS, EncryptionRegistration, IdTokenEncryptionEvidence};
use crate::jose::testkit::{assert_check_table, assert_group_well_formed, sign};
use crate::jose::{DecryptionKey, GeneratedJwk, generate_decryption_jwk};

fn generated() -> &'static GeneratedJwk {
    static KEY: OnceLock<GeneratedJwk> = OnceLock::new();
    KEY.get_or_init(|| generate_decryption_jwk("enc").unwrap())
}

fn key() -> DecryptionKey {
    DecryptionKey::from_jwk(&generated().private).unwrap()
}

fn inner() -> String {
    sign(&json!({"alg": "RS256", "kid": "rsa", "typ": "JWT"}), &json!({"iss": "https://op.example", "sub": "alice", "aud": "rp"}))
}

fn encrypt(header: Value, plaintext: &str) -> String {
    let to = EncryptionKey::from_jwk(&generated().public).unwrap();
    encrypt_compact(&to, header.as_object().unwrap(), plaintext.as_bytes(), &SystemRandom).unwrap()
}

fn good_header() -> Value {
    json!({"alg": "RSA-OAEP-256", "enc": "A256CBC-HS512", "cty": "JWT"})
}

/// Opens `raw` for a client that registered RSA-OAEP-256 / A256CBC-HS512.
fn open(raw: &str) -> (IdTokenEncryptionEvidence, String) {
    let key = key();
    IdTokenEncryptionEvidence::open(raw, Some(EncryptionRegistration { key: &key, alg: "RSA-OAEP-256", enc: "A256CBC-HS512" }))
}

fn ev(header: Value, plaintext: &str) -> IdTokenEncryptionEvidence {
    open(&encrypt(header, plaintext)).0
}

fn with(f: impl FnOnce(&mut Value)) -> IdTokenEncryptionEvidence {
    let mut h = good_header();
    f(&mut h);
    ev(h, &inner())
}

#[test]
fn open_returns_the_inner_token_for_the_id_token_checks() {
    let (e, token) = open(&encrypt(good_header(), &inner()));
    assert_eq!(token, inner());
    assert!(e.registered && e.is_jwe && e.decrypted, "{e:?}");
    assert_eq!(e.inner_alg.as_deref(), Some("RS256"));
    let plain = inner();
    let (e, token) = open(&plain);
    assert_eq!((token, e.is_jwe, e.registered), (plain.clone(), false, true));
    let (e, token) = IdTokenEncryptionEvidence::open(&plain, None);
    assert_eq!((token, e.registered), (plain, false));
    let other = DecryptionKey::from_jwk(&generate_decryption_jwk("other").unwrap().private).unwrap();
    let jwe = encrypt(good_header(), &inner());
    let (e, token) = IdTokenEncryptionEvidence::open(&jwe, Some(EncryptionRegistration { key: &other, alg: "RSA-OAEP-256", enc: "A256CBC-HS512" }));
    assert_eq!(token, jwe, "a JWE that does not decrypt is judged as received");
    assert!(!e.decrypted && e.error.as_deref().is_some_and(|m| m.contains("unwrap")), "{e:?}");
    let (e, _) = open("%%.a.b.c.d");
    assert!(e.header.is_none() && e.error.is_some());
}

#[test]
fn every_check_has_a_passing_and_a_failing_case() {
    let good = || ev(good_header(), &inner());
    let plain = open(&inner()).0;
    let unsigned = ev(good_header(), &sign(&json!({"alg": "none"}), &json!({"sub": "alice"})));
    let other = DecryptionKey::from_jwk(&generate_decryption_jwk("other").unwrap().private).unwrap();
    let undecryptable =
        IdTokenEncryptionEvidence::open(&encrypt(good_header(), &inner()), Some(EncryptionRegistration { key: &other, alg: "RSA-OAEP-256", enc: "A256CBC-HS512" })).0;
    assert_check_table(
        CHECKS,
        vec![
            ("idtoken.jwe.encrypted", good(), plain),
            ("idtoken.jwe.alg_registered", good(), with(|h| h["alg"] = "RSA-OAEP".into())),
            ("idtoken.jwe.enc_registered", good(), with(|h| h["enc"] = "A256GCM".into())),
            ("idtoken.jwe.cty_jwt", good(), with(|h| drop(h.as_object_mut().unwrap().remove("cty")))),
            ("idtoken.jwe.decrypts", good(), undecryptable),
            ("idtoken.jwe.inner_signed", good(), unsigned),
        ],
    );
    let not_a_jws = ev(good_header(), r#"{"sub":"alice"}"#);
    assert!(matches!((CHECKS[5].run)(&not_a_jws), crate::checks::Verdict::Fail(_)));
}

#[test]
fn checks_skip_for_clients_without_encryption() {
    let (e, _) = IdTokenEncryptionEvidence::open(&inner(), None);
    for check in CHECKS {
        assert!(matches!((check.run)(&e), crate::checks::Verdict::Skip(_)), "{}", check.def.id);
    }
    assert_group_well_formed(CHECKS);
}
