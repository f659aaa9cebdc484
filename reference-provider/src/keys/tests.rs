//! Unit tests for the keys module: algorithms, signing keys, compact JWS, key ring, rotation.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failed expectation is a failed test

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;

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

#[test]
fn every_alg_round_trips_through_the_ring() {
    let ring = ring_all();
    for alg in SigningAlg::ALL {
        let signer = ring.active(alg).expect("active");
        let token = encode_jws(signer, Some("JWT"), &claims()).expect("encode");
        let (header, got) = ring.verify(&token).expect("verify");
        assert_eq!(
            header,
            json!({"alg": alg.as_str(), "kid": format!("k-{alg}"), "typ": "JWT"})
        );
        assert_eq!(got, claims());
        let no_typ = encode_jws(signer, None, &claims()).expect("encode");
        let (header, _) = ring.verify(&no_typ).expect("verify");
        assert!(header.get("typ").is_none());
    }
}

#[test]
fn tampered_payload_or_signature_fails() {
    let ring = ring_all();
    for alg in SigningAlg::ALL {
        let token = encode_jws(ring.active(alg).expect("active"), None, &claims()).expect("enc");
        let p = parts(&token);
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"mallory"}"#);
        let tampered_payload = format!("{}.{forged}.{}", p[0], p[2]);
        assert!(
            matches!(
                ring.verify(&tampered_payload),
                Err(KeyError::BadSignature { .. })
            ),
            "{alg}"
        );
        let mut sig = URL_SAFE_NO_PAD.decode(&p[2]).expect("b64");
        sig[10] ^= 0x01;
        let tampered_sig = format!("{}.{}.{}", p[0], p[1], URL_SAFE_NO_PAD.encode(&sig));
        assert!(
            matches!(
                ring.verify(&tampered_sig),
                Err(KeyError::BadSignature { .. })
            ),
            "{alg}"
        );
        let empty_sig = format!("{}.{}.", p[0], p[1]);
        assert!(
            matches!(ring.verify(&empty_sig), Err(KeyError::BadSignature { .. })),
            "{alg}"
        );
    }
}

#[test]
fn header_alg_must_equal_the_keys_alg() {
    let ring = ring_all();
    let es = ring.active(SigningAlg::Es256).expect("es");
    let token = encode_jws_with_header(es, &json!({"alg": "RS256"}), &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::AlgMismatch { expected: SigningAlg::Es256, ref found, .. }) if found == "RS256"
    ));
    let token = encode_jws_with_header(es, &json!({"alg": "HS256"}), &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::UnknownAlg { .. })
    ));
}

#[test]
fn rs256_and_ps256_paddings_are_not_interchangeable() {
    // Same RSA material published twice: as RS256 (kid "rs") and PS256 (kid "ps").
    let rs = key(SigningAlg::Rs256, "rs");
    let pem_ps = key(SigningAlg::Rs256, "ps");
    let ps =
        SigningKey::from_pkcs8(SigningAlg::Ps256, "ps".to_owned(), pem_ps.pkcs8_der()).expect("ps");
    let ring = KeyRing::new(vec![entry(rs, 1), entry(ps, 1)], 1);
    let signer = ring.active(SigningAlg::Rs256).expect("rs");
    // A PKCS#1 v1.5 signature presented as PS256 under the PS256 kid must not verify.
    let token = encode_jws_with_header(signer, &json!({"alg": "PS256", "kid": "ps"}), &claims())
        .expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::BadSignature { .. })
    ));
}

#[test]
fn unknown_or_missing_kid_fails() {
    let ring = ring_all();
    let rs = ring.active(SigningAlg::Rs256).expect("rs");
    let token = encode_jws_with_header(rs, &json!({"kid": "not-published"}), &claims()).expect("e");
    assert!(
        matches!(ring.verify(&token), Err(KeyError::UnknownKid { ref kid }) if kid == "not-published")
    );
    // A key that was never in the ring, with a correct header.
    let outsider = key(SigningAlg::EdDsa, "outsider");
    let token = encode_jws(&outsider, None, &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::UnknownKid { .. })
    ));
    // `null` removes the member from the header.
    let token = encode_jws_with_header(rs, &json!({"kid": null}), &claims()).expect("enc");
    assert!(decode_json(&parts(&token)[0]).get("kid").is_none());
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::MissingKid { .. })
    ));
    let token = encode_jws_with_header(rs, &json!({"kid": 7}), &claims()).expect("enc");
    assert!(
        matches!(ring.verify(&token), Err(KeyError::MissingKid { ref found }) if found == "number")
    );
}

#[test]
fn unsigned_tokens_are_built_as_specified_and_rejected() {
    let ring = ring_all();
    let token = insecure_encode_unsigned(&claims(), Some("JWT"));
    let p = parts(&token);
    assert_eq!(p.len(), 3);
    assert_eq!(p[2], "", "an unsecured JWS has an empty signature part");
    assert_eq!(decode_json(&p[0]), json!({"alg": "none", "typ": "JWT"}));
    assert_eq!(decode_json(&p[1]), claims());
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::UnsignedToken { .. })
    ));
    // Case variants of "none", even carrying a real signature and kid, are rejected too.
    let rs = ring.active(SigningAlg::Rs256).expect("rs");
    let token = encode_jws_with_header(rs, &json!({"alg": "None"}), &claims()).expect("enc");
    assert!(
        matches!(ring.verify(&token), Err(KeyError::UnsignedToken { ref found }) if found == "None")
    );
    assert!(
        decode_json(&parts(&insecure_encode_unsigned(&claims(), None))[0])
            == json!({"alg": "none"})
    );
}

#[test]
fn crit_headers_are_rejected() {
    let ring = ring_all();
    let es = ring.active(SigningAlg::Es256).expect("es");
    let header = json!({"crit": ["exp"], "exp": 1});
    let token = encode_jws_with_header(es, &header, &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::CriticalHeader { .. })
    ));
}

#[test]
fn header_overrides_are_merged_over_the_defaults() {
    let ring = ring_all();
    let ed = ring.active(SigningAlg::EdDsa).expect("ed");
    let header = json!({"typ": "at+jwt", "x-test": true});
    let token = encode_jws_with_header(ed, &header, &claims()).expect("enc");
    let (got, _) = ring.verify(&token).expect("verify");
    assert_eq!(
        got,
        json!({"alg": "EdDSA", "kid": "k-EdDSA", "typ": "at+jwt", "x-test": true})
    );
    assert!(matches!(
        encode_jws_with_header(ed, &json!(["alg"]), &claims()),
        Err(KeyError::HeaderNotObject { found: "array" })
    ));
}

#[test]
fn malformed_tokens_are_rejected_before_any_key_lookup() {
    let ring = ring_all();
    let good = encode_jws(ring.active(SigningAlg::Es256).expect("es"), None, &claims()).expect("e");
    let p = parts(&good);
    let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
    let cases = [
        String::new(),
        format!("{}.{}", p[0], p[1]),
        format!("{good}.extra"),
        format!("{}=.{}.{}", p[0], p[1], p[2]),
        format!("!!.{}.{}", p[1], p[2]),
        format!("{}.{}.{}", b64("[1]"), p[1], p[2]),
        format!("{}.{}.{}", b64("{not json"), p[1], p[2]),
        format!("{}.{}.{}", b64(r#"{"kid":"k-ES256"}"#), p[1], p[2]),
        format!("{}.{}.{}", p[0], p[1], "*"),
    ];
    for token in &cases {
        assert!(
            matches!(ring.verify(token), Err(KeyError::MalformedToken { .. })),
            "{token}"
        );
    }
    // Claims that are valid JSON but not an object are refused after the signature check.
    let token = encode_jws(
        ring.active(SigningAlg::Es256).expect("es"),
        None,
        &json!([1]),
    )
    .expect("e");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::MalformedToken { .. })
    ));
}

#[test]
fn malformed_token_errors_do_not_echo_the_token() {
    let ring = ring_all();
    let secretish = "c2VjcmV0LXBheWxvYWQtdGV4dA";
    let err = ring
        .verify(&format!("{secretish}.{secretish}"))
        .expect_err("two parts");
    assert!(!err.to_string().contains(secretish), "{err}");
    let err = ring
        .verify(&format!("{secretish}.{secretish}.{secretish}"))
        .expect_err("bad");
    assert!(!err.to_string().contains(secretish), "{err}");
}

// ---- KeyRing lifecycle ----

#[test]
fn jwks_lists_every_published_key_without_private_members() {
    let ring = ring_all();
    let jwks: Value = serde_json::from_str(ring.jwks_json()).expect("json");
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 4);
    for jwk in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            assert!(jwk.get(private).is_none(), "{private} leaked in {jwk}");
        }
        for member in ["kty", "kid", "alg", "use"] {
            assert!(
                jwk.get(member).and_then(Value::as_str).is_some(),
                "{member} in {jwk}"
            );
        }
        let kid = jwk["kid"].as_str().expect("kid");
        assert_eq!(ring.entry(kid).expect("entry").key.public_jwk(), jwk);
    }
}

#[test]
fn expired_entries_are_dropped_and_duplicates_keep_the_first() {
    let mut gone = entry(key(SigningAlg::Es256, "gone"), 1);
    gone.retired_at = Some(5);
    gone.expires_at = Some(10);
    let mut grace = entry(key(SigningAlg::Es256, "grace"), 2);
    grace.retired_at = Some(5);
    grace.expires_at = Some(11);
    let first = entry(key(SigningAlg::EdDsa, "dup"), 3);
    let second = entry(key(SigningAlg::Es256, "dup"), 4);
    let ring = KeyRing::new(vec![gone, grace, first, second], 10);
    let kids: Vec<&str> = ring.entries().iter().map(|e| e.key.kid()).collect();
    assert_eq!(kids, ["grace", "dup"]);
    assert_eq!(ring.entry("dup").expect("dup").key.alg(), SigningAlg::EdDsa);
    assert!(!ring.jwks_json().contains("\"gone\""));
    assert!(
        ring.active(SigningAlg::Es256).is_none(),
        "only a retired ES256 key remains"
    );
}

#[test]
fn active_is_the_newest_non_retired_key_of_the_alg() {
    let mut retired_newest = entry(key(SigningAlg::Es256, "retired"), 300);
    retired_newest.retired_at = Some(301);
    let ring = KeyRing::new(
        vec![
            entry(key(SigningAlg::Es256, "old"), 100),
            entry(key(SigningAlg::Es256, "new"), 200),
            retired_newest,
            entry(key(SigningAlg::EdDsa, "ed"), 999),
        ],
        400,
    );
    assert_eq!(ring.active(SigningAlg::Es256).expect("es").kid(), "new");
    assert_eq!(ring.active(SigningAlg::EdDsa).expect("ed").kid(), "ed");
    assert!(ring.active(SigningAlg::Rs256).is_none());
}

#[test]
fn rotation_publishes_old_and_new_and_switches_the_signer() {
    let ring = ring_all();
    let old_token =
        encode_jws(ring.active(SigningAlg::Es256).expect("es"), None, &claims()).expect("enc");
    let (rotated, new_entry, retired) = ring
        .rotate(SigningAlg::Es256, "es-2".to_owned(), 1_000, 600)
        .expect("rotate");
    assert_eq!(retired.as_deref(), Some("k-ES256"));
    assert_eq!(new_entry.key.kid(), "es-2");
    assert_eq!(new_entry.key.alg(), SigningAlg::Es256);
    assert_eq!(
        (
            new_entry.created_at,
            new_entry.retired_at,
            new_entry.expires_at
        ),
        (1_000, None, None)
    );
    assert_eq!(rotated.active(SigningAlg::Es256).expect("es").kid(), "es-2");
    let old = rotated.entry("k-ES256").expect("old still published");
    assert_eq!((old.retired_at, old.expires_at), (Some(1_000), Some(1_600)));
    let jwks: Value = serde_json::from_str(rotated.jwks_json()).expect("json");
    assert_eq!(jwks["keys"].as_array().expect("keys").len(), 5);
    // Tokens from the old key still verify during the grace period; new ones verify too.
    assert!(rotated.verify(&old_token).is_ok());
    let new_token = encode_jws(
        rotated.active(SigningAlg::Es256).expect("es"),
        None,
        &claims(),
    )
    .expect("enc");
    assert!(rotated.verify(&new_token).is_ok());
    // Other algorithms are untouched, and the original ring is unchanged.
    assert_eq!(
        rotated.active(SigningAlg::Rs256).expect("rs").kid(),
        "k-RS256"
    );
    assert_eq!(ring.active(SigningAlg::Es256).expect("es").kid(), "k-ES256");
    assert!(ring.entry("es-2").is_none());
    // Once the grace period ends, a ring rebuilt from the entries drops the old key.
    let later = KeyRing::new(rotated.entries().to_vec(), 1_600);
    assert!(later.entry("k-ES256").is_none());
    assert!(matches!(
        later.verify(&old_token),
        Err(KeyError::UnknownKid { .. })
    ));
    assert!(later.verify(&new_token).is_ok());
}

#[test]
fn rotation_without_a_previous_key_and_rotation_errors() {
    let ring = KeyRing::new(vec![entry(key(SigningAlg::Es256, "es"), 1)], 1);
    let (rotated, _, retired) = ring
        .rotate(SigningAlg::EdDsa, "ed".to_owned(), 5, 60)
        .expect("rotate");
    assert_eq!(retired, None);
    assert_eq!(rotated.active(SigningAlg::EdDsa).expect("ed").kid(), "ed");
    assert_eq!(rotated.active(SigningAlg::Es256).expect("es").kid(), "es");
    assert!(matches!(
        ring.rotate(SigningAlg::EdDsa, "es".to_owned(), 5, 60),
        Err(KeyError::DuplicateKid { .. })
    ));
    assert!(matches!(
        ring.rotate(SigningAlg::EdDsa, "x".to_owned(), 5, -1),
        Err(KeyError::NegativeGrace { found: -1 })
    ));
    assert!(matches!(
        ring.rotate_to(key(SigningAlg::EdDsa, "x"), SigningAlg::Es256, 5, 60),
        Err(KeyError::RotationAlgMismatch {
            expected: SigningAlg::Es256,
            found: SigningAlg::EdDsa
        })
    ));
    // Zero grace unpublishes the retired key at once.
    let (now_only, _, retired) = ring
        .rotate_to(key(SigningAlg::Es256, "es-2"), SigningAlg::Es256, 9, 0)
        .expect("rotate");
    assert_eq!(retired.as_deref(), Some("es"));
    assert!(now_only.entry("es").is_none());
}
