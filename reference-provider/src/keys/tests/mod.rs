//! Unit tests for the keys module: algorithms, signing keys and their JWKs; compact JWS in
//! `jws.rs`, the key ring and rotation in `ring.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failed expectation is a failed test

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;

mod jws;
mod ring;

/// One generated key per algorithm per test binary (RSA generation takes ~100 ms).
fn base_key(alg: SigningAlg) -> &'static SigningKey {
    static KEYS: OnceLock<Vec<SigningKey>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        SigningAlg::ALL
            .iter()
            .map(|&a| SigningKey::generate(a, format!("base-{a}")).expect("generate"))
            .collect()
    });
    keys.iter()
        .find(|k| k.alg() == alg)
        .expect("one key per alg")
}

/// A fresh `SigningKey` with the cached material of `alg` under another kid.
fn key(alg: SigningAlg, kid: &str) -> SigningKey {
    SigningKey::from_pkcs8(alg, kid.to_owned(), base_key(alg).pkcs8_der()).expect("from_pkcs8")
}

fn entry(key: SigningKey, created_at: i64) -> KeyEntry {
    KeyEntry {
        key: Arc::new(key),
        created_at,
        retired_at: None,
        expires_at: None,
    }
}

/// A ring with one key of every algorithm, kids `k-RS256`, `k-PS256`, `k-ES256`, `k-EdDSA`.
fn ring_all() -> KeyRing {
    let entries = SigningAlg::ALL
        .iter()
        .map(|&a| entry(key(a, &format!("k-{a}")), 100))
        .collect();
    KeyRing::new(entries, 1_000)
}

fn claims() -> Value {
    json!({"iss": "https://op.example", "sub": "alice", "aud": "rp", "exp": 2_000, "n": [1, 2]})
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

fn decode_json(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("b64")).expect("json")
}

// ---- SigningAlg and left_half_hash ----

#[test]
fn alg_names_parse_display_and_serde_agree() {
    for alg in SigningAlg::ALL {
        assert_eq!(alg.as_str().parse::<SigningAlg>().expect("parse"), alg);
        assert_eq!(alg.to_string(), alg.as_str());
        assert_eq!(serde_json::to_value(alg).expect("ser"), json!(alg.as_str()));
        let back: SigningAlg = serde_json::from_value(json!(alg.as_str())).expect("de");
        assert_eq!(back, alg);
    }
    for bad in ["rs256", "none", "HS256", "EDDSA", ""] {
        assert!(
            matches!(bad.parse::<SigningAlg>(), Err(KeyError::UnknownAlg { .. })),
            "{bad}"
        );
    }
}

#[test]
fn at_hash_and_c_hash_match_oidc_core_examples() {
    // OIDC Core 1.0 appendix A.3 (at_hash) and A.4 (c_hash), RS256; re-computed independently
    // with python3: base64url(sha256(value)[:16]) without padding.
    let at = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
    let code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";
    for alg in [SigningAlg::Rs256, SigningAlg::Ps256, SigningAlg::Es256] {
        assert_eq!(left_half_hash(alg, at), "77QmUPtjPfzWtF2AnpK9RQ");
        assert_eq!(left_half_hash(alg, code), "LDktKdoQak3Pk0cnXxCltA");
    }
    // EdDSA uses SHA-512: python3 base64url(hashlib.sha512(at).digest()[:32]) without padding;
    // the same value appears as the SHA-512 at_hash in doorkeeper-openid_connect PR 246.
    assert_eq!(
        left_half_hash(SigningAlg::EdDsa, at),
        "q7nS86GgvvFaZkzALLWqJYaJIKw2wCDAVfCAsm5CrBM"
    );
}

// ---- SigningKey ----

#[test]
fn signing_key_is_send_sync_and_debug_hides_material() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SigningKey>();
    assert_send_sync::<KeyRing>();
    for alg in SigningAlg::ALL {
        let k = base_key(alg);
        let debug = format!("{k:?}");
        assert!(
            debug.contains(k.kid()) && debug.contains(&format!("{alg:?}")),
            "{debug}"
        );
        let pkcs8_b64 = URL_SAFE_NO_PAD.encode(k.pkcs8_der());
        assert!(!debug.contains(&pkcs8_b64[..16]), "{debug}");
        let x_or_n = k
            .public_jwk()
            .get("n")
            .or(k.public_jwk().get("x"))
            .expect("member");
        assert!(!debug.contains(x_or_n.as_str().expect("str")), "{debug}");
    }
}

#[test]
fn public_jwks_carry_expected_members_and_sizes() {
    let expect_members = |jwk: &Value, names: &[&str]| {
        let mut got: Vec<&str> = jwk
            .as_object()
            .expect("obj")
            .keys()
            .map(String::as_str)
            .collect();
        got.sort_unstable();
        let mut want = names.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{jwk}");
    };
    let len = |v: &Value| {
        URL_SAFE_NO_PAD
            .decode(v.as_str().expect("str"))
            .expect("b64")
            .len()
    };
    for alg in SigningAlg::ALL {
        let jwk = base_key(alg).public_jwk();
        assert_eq!(jwk["kid"], json!(format!("base-{alg}")));
        assert_eq!(jwk["alg"], json!(alg.as_str()));
        assert_eq!(jwk["use"], json!("sig"));
        match alg {
            SigningAlg::Rs256 | SigningAlg::Ps256 => {
                expect_members(jwk, &["kty", "kid", "alg", "use", "n", "e"]);
                assert_eq!(jwk["kty"], json!("RSA"));
                assert_eq!(len(&jwk["n"]), 256, "RSA 2048 modulus is 256 bytes");
                assert_eq!(jwk["e"], json!("AQAB"));
            }
            SigningAlg::Es256 => {
                expect_members(jwk, &["kty", "kid", "alg", "use", "crv", "x", "y"]);
                assert_eq!((&jwk["kty"], &jwk["crv"]), (&json!("EC"), &json!("P-256")));
                assert_eq!((len(&jwk["x"]), len(&jwk["y"])), (32, 32));
            }
            SigningAlg::EdDsa => {
                expect_members(jwk, &["kty", "kid", "alg", "use", "crv", "x"]);
                assert_eq!(
                    (&jwk["kty"], &jwk["crv"]),
                    (&json!("OKP"), &json!("Ed25519"))
                );
                assert_eq!(len(&jwk["x"]), 32);
            }
        }
    }
}

#[test]
fn signature_sizes_follow_jose() {
    for (alg, size) in [
        (SigningAlg::Rs256, 256),
        (SigningAlg::Ps256, 256),
        (SigningAlg::Es256, 64),
        (SigningAlg::EdDsa, 64),
    ] {
        assert_eq!(
            base_key(alg).sign(b"input").expect("sign").len(),
            size,
            "{alg}"
        );
    }
}

#[test]
fn pkcs8_round_trip_keeps_the_public_jwk_and_signs_verifiably() {
    for alg in SigningAlg::ALL {
        let original = base_key(alg);
        let again = SigningKey::from_pkcs8(alg, original.kid().to_owned(), original.pkcs8_der())
            .expect("reparse");
        assert_eq!(again.public_jwk(), original.public_jwk(), "{alg}");
        assert_eq!(again.pkcs8_der(), original.pkcs8_der(), "{alg}");
        // A token from the re-parsed key verifies against a ring holding the original.
        let ring = KeyRing::new(vec![entry(key(alg, original.kid()), 1)], 1);
        let token = encode_jws(&again, None, &claims()).expect("encode");
        assert!(ring.verify(&token).is_ok(), "{alg}");
    }
}

#[test]
fn from_pkcs8_rejects_wrong_type_garbage_and_small_rsa() {
    let es = base_key(SigningAlg::Es256).pkcs8_der();
    let ed = base_key(SigningAlg::EdDsa).pkcs8_der();
    let rs = base_key(SigningAlg::Rs256).pkcs8_der();
    let cases: [(SigningAlg, &[u8]); 5] = [
        (SigningAlg::Rs256, es),
        (SigningAlg::Es256, ed),
        (SigningAlg::EdDsa, rs),
        (SigningAlg::Ps256, b"not a key"),
        (SigningAlg::Es256, &[]),
    ];
    for (alg, der) in cases {
        let result = SigningKey::from_pkcs8(alg, "k".to_owned(), der);
        assert!(matches!(result, Err(KeyError::BadKey { .. })), "{alg}");
    }
    // RSA 1024 in PKCS#8, made with `openssl genpkey -algorithm RSA -pkeyopt
    // rsa_keygen_bits:1024 | openssl pkcs8 -topk8 -nocrypt -outform DER` (test fixture only).
    let rsa_1024 = base64::engine::general_purpose::STANDARD
        .decode(RSA_1024_PKCS8_B64)
        .expect("fixture");
    for alg in [SigningAlg::Rs256, SigningAlg::Ps256] {
        let result = SigningKey::from_pkcs8(alg, "small".to_owned(), &rsa_1024);
        assert!(matches!(result, Err(KeyError::BadKey { .. })), "{alg}");
    }
}

const RSA_1024_PKCS8_B64: &str = "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAKemoqTF0IOWUMVfhz7gWAxRpIbhsH0785RNpKcXGz/e6iFbqWk9z8Ui4xxDLII3OQ1SmDvOXGEWyl2N6DUBShrgGDJrjkEGj88ZklAETgR7Vv02iTEzYHTrbAI6f6Jc7hGUNWbgXc2XUWKeEA6vijymFXfKz+ZxQbzHARN2KQrDAgMBAAECgYEAo7q1tL4L+bbfgyLcbqei1cUWLTRUrLnUFM4PM6/5SNNnTNS8Cq/3Lcv4iS2BVlqgOUakriPHTHp5gAyK7tkniKpcR6fvLdEJ+V1FaItNXf7AemPFpd/Dueq0X44YrJE5u3jnTFxauLsH2brDQo97C/L/Mcmd5QK3ykPl1UFdJeECQQDb4G51/yuH6K3qTovmScTWL0AcMF2JvmSHehiq5THLgE+BGFzBwHVqCiGzvudg3v868lakPPlL1hlg5NCs5jqXAkEAwzGxm4Vt9+TkZDXW9hNQgfKRxtDoobUIOKBjbnPSz3KaXt+ldIyGcGA1f2Av86kAmR8sst7UwuEhiUabCjUStQJBAMIMxZAP3mw49txV6/QW4MgitVLrgHHjfTdvkzunwRWXrRMC3EIGx9kJDgtjjTKaO+jbHYofYekDECzKZDxjiAsCQHtO1E1UAEFe1q07md2AHBbLXy4C4ULucxAaulWXU7B7TGvsysAS2gb5sDIUWJaLx/XzTLB+tleaEy5+bQkIuBUCQBYHvZBtMDCwpzbrHzvj5CSVc4h+vBBTOBJAparfDH0XDzDsRhByaG092Qx0FjIy7C2153vc/cq8YKti9h5pTkw=";

#[test]
fn new_kid_is_random_url_safe_text() {
    let (a, b) = (new_kid(), new_kid());
    assert_eq!(a.len(), 22);
    assert_ne!(a, b);
    assert!(
        a.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{a}"
    );
    assert_eq!(URL_SAFE_NO_PAD.decode(&a).expect("b64").len(), 16);
}

// ---- JWS encode / verify ----
