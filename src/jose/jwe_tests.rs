//! Tests for JWE decryption: the RFC 7516 A.1 example (RSA-OAEP + A256GCM, with its private JWK)
//! and the RFC 7518 B.3 vector (A256CBC-HS512) as known answers, round trips against the
//! reference provider's encryptor for every alg/enc pair, and tampering of every segment.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use reference_provider::keys::jwe::{EncryptionKey, encrypt_compact};
use reference_provider::random::SystemRandom;
use serde_json::{Map, Value, json};

use super::jwe::open_content;
use super::testkit::{b64, b64_decode};
use super::{DecryptionKey, JweError, decrypt_compact, generate_decryption_jwk, jwe_header};

const A1_COMPACT: &str = concat!(
    "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.",
    "OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDb",
    "Sv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je8",
    "1860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.",
    "48V1_ALb6US04U3b.",
    "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.",
    "XFBoMYUZodetZdvTiFvSkQ",
);

fn a1_jwk() -> Value {
    json!({
        "kty": "RSA",
        "n": concat!("oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxkeDNjbC4he8rUWcJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW2Krf3S",
            "psk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2asbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMS",
            "tPs6mS6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2djYgyD3JR_MB_4NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw"),
        "e": "AQAB",
        "d": concat!("kLdtIj6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5NWV5KntaEeXS1j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD9",
            "3Dt62ypW3yDsJzBnTnrYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghkqDp0Vqj3kbSCz1XyfCs6_LehBwtxHIyh8Ripy40p24moOAbgxVw3rxT_vl",
            "t3UVe4WO3JkJOzlpUf-KTVI2Ptgm-dARxTEtE-id-4OJr0h-K-VFs3VSndVTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW085-4qE3DzgrTjgyQ"),
        "p": concat!("1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3Mgf2EuFVbUoDBvaRQ-SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1eTSPVZfzL0lf",
            "fNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6Cl0"),
        "q": concat!("wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVCOBmUDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aX",
            "IWxKwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc"),
        "dp": concat!("ZK-YwE7diUh0qR1tR7w8WHtolDx3MZ_OTowiFvgfeQ3SiresXjm9gZ5KLhMXvo-uz-KUJWDxS5pFQ_M0evdo1dKiRTjVw_x4NyqyXPM5nULPkcpU827",
            "rnpZzAJKpdhWAgqrXGKAECQH0Xt4taznjnd_zVpAmZZq60WPMBMfKcuE"),
        "dq": concat!("Dq0gfgJ1DdFGXiLvQEZnuKEN0UUmsJBxkjydc3j4ZYdBiMRAy86x0vHCjywcMlYYg4yoC4YZa9hNVcsjqA3FeiL19rk8g6Qn29Tt0cj8qqyFpz9vNDB",
            "UfCAiJVeESOjJDZPYHdHY8v1b-o-Z2X5tvLx-TCekf7oxyeKDUqKWjis"),
        "qi": concat!("VIMpMYbPf47dT1w_zDUXfPimsSegnMOA1zTaX7aGk_8urY6R8-ZW1FxU7AlWAyLWybqq6t16VFd7hQd0y6flUK4SlOydB61gwanOsXGOAOv82cHq0E3",
            "eL4HrtZkUuKvnPrMnsUUFlfUdybVzxyjz9JF_XyaY14ardLSjf4L_FNY"),
    })
}

#[test]
fn rfc7516_a1_decrypts_with_its_private_jwk() {
    let key = DecryptionKey::from_jwk_json(&a1_jwk().to_string()).unwrap();
    assert_eq!(key.bits(), 2048);
    let out = decrypt_compact(A1_COMPACT, &key).unwrap();
    assert_eq!(out.plaintext, b"The true sign of intelligence is not knowledge but imagination.");
    assert_eq!(Value::Object(out.header.clone()), json!({"alg": "RSA-OAEP", "enc": "A256GCM"}));
    assert!(!format!("{out:?}").contains("imagination"), "Debug must not print the plaintext");
}

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

#[test]
fn rfc7518_b3_a256cbc_hs512_opens_and_refuses_a_changed_tag() {
    let k: Vec<u8> = (0u8..64).collect();
    let iv = hex("1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04");
    let aad = b"The second principle of Auguste Kerckhoffs";
    let e = hex("4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd 3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd
        82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2 e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b
        36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1 1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3
        a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e 31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b
        be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6");
    let mut t = hex("4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf 2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5");
    let p = open_content("A256CBC-HS512", &k, &iv, aad, &e, &t).unwrap();
    assert_eq!(p, b"A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience");
    assert_eq!(open_content("A256CBC-HS512", &k, &iv, b"The second principle", &e, &t), Err(JweError::BadTag), "AAD is authenticated");
    t[31] ^= 1;
    assert_eq!(open_content("A256CBC-HS512", &k, &iv, aad, &e, &t), Err(JweError::BadTag));
    assert!(matches!(open_content("A256CBC-HS512", &k[..32], &iv, aad, &e, &t), Err(JweError::Length { part: "content encryption key", .. })));
    assert!(matches!(open_content("A256CBC-HS512", &k, &iv[..12], aad, &e, &t), Err(JweError::Length { part: "IV", .. })));
    assert!(matches!(open_content("A256CBC-HS512", &k, &iv, aad, &e, &t[..16]), Err(JweError::Length { part: "authentication tag", .. })));
}

/// One generated key pair for the tests: (private JWK, provider-side public key).
fn keys() -> &'static (Map<String, Value>, Map<String, Value>) {
    static KEYS: OnceLock<(Map<String, Value>, Map<String, Value>)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let generated = generate_decryption_jwk("enc-1").unwrap();
        assert!(!format!("{generated:?}").contains(generated.private["d"].as_str().unwrap()), "Debug redacts");
        (generated.private, generated.public)
    })
}

fn decryption_key() -> DecryptionKey {
    DecryptionKey::from_jwk(&keys().0).unwrap()
}

fn encrypt(header: Value, plaintext: &[u8]) -> String {
    let key = EncryptionKey::from_jwk(&keys().1).unwrap();
    encrypt_compact(&key, header.as_object().unwrap(), plaintext, &SystemRandom).unwrap()
}

fn nested(alg: &str, enc: &str) -> String {
    encrypt(json!({"alg": alg, "enc": enc, "cty": "JWT", "kid": "enc-1"}), b"h.p.s")
}

#[test]
fn round_trips_every_alg_and_enc_with_the_reference_provider() {
    let key = decryption_key();
    assert_eq!(key.kid(), Some("enc-1"));
    for alg in super::JWE_KEY_ALGS {
        for enc in super::JWE_CONTENT_ENCS {
            let out = decrypt_compact(&nested(alg, enc), &key).unwrap_or_else(|e| panic!("{alg}/{enc}: {e}"));
            assert_eq!(out.plaintext, b"h.p.s", "{alg}/{enc}");
            assert_eq!(out.header["cty"], "JWT");
        }
    }
    let (private, public) = keys();
    assert_eq!((&private["n"], &private["e"]), (&public["n"], &public["e"]));
    assert!(public.get("d").is_none() && public.get("p").is_none(), "public JWK has no private members");
}

/// `token` with segment `i` replaced.
fn with_segment(token: &str, i: usize, segment: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[i] = segment;
    parts.join(".")
}

fn flipped(segment: &str) -> String {
    let mut bytes = b64_decode(segment);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    b64(&bytes)
}

#[test]
fn tampering_with_any_segment_is_refused() {
    let key = decryption_key();
    let token = nested("RSA-OAEP-256", "A256CBC-HS512");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(decrypt_compact(&with_segment(&token, 4, &flipped(parts[4])), &key), Err(JweError::BadTag));
    assert_eq!(decrypt_compact(&with_segment(&token, 3, &flipped(parts[3])), &key), Err(JweError::BadTag));
    assert_eq!(decrypt_compact(&with_segment(&token, 2, &flipped(parts[2])), &key), Err(JweError::BadTag));
    assert_eq!(decrypt_compact(&with_segment(&token, 1, &flipped(parts[1])), &key), Err(JweError::KeyUnwrap));
    let other_header = b64(br#"{"alg":"RSA-OAEP-256","enc":"A256CBC-HS512","cty":"JWT"}"#);
    assert_eq!(decrypt_compact(&with_segment(&token, 0, &other_header), &key), Err(JweError::BadTag), "the header is the AAD");
    let gcm = nested("RSA-OAEP", "A128GCM");
    let tag = gcm.split('.').nth(4).unwrap();
    assert_eq!(decrypt_compact(&with_segment(&gcm, 4, &flipped(tag)), &key), Err(JweError::BadTag));
}

#[test]
fn another_key_cannot_unwrap() {
    let other = DecryptionKey::from_jwk(&generate_decryption_jwk("other").unwrap().private).unwrap();
    assert_eq!(decrypt_compact(&nested("RSA-OAEP-256", "A256CBC-HS512"), &other), Err(JweError::KeyUnwrap));
}

#[test]
fn unsupported_or_malformed_headers_and_segments_are_named() {
    let key = decryption_key();
    let token = nested("RSA-OAEP-256", "A256CBC-HS512");
    let head = |h: Value| with_segment(&token, 0, &b64(h.to_string().as_bytes()));
    let err = |t: &str| decrypt_compact(t, &key).unwrap_err();
    assert_eq!(err(&head(json!({"alg": "RSA1_5", "enc": "A256CBC-HS512"}))), JweError::UnsupportedAlg("RSA1_5".into()));
    assert_eq!(err(&head(json!({"alg": "RSA-OAEP-256", "enc": "A192GCM"}))), JweError::UnsupportedEnc("A192GCM".into()));
    assert_eq!(err(&head(json!({"enc": "A256GCM"}))), JweError::MissingMember("alg"));
    assert_eq!(err(&head(json!({"alg": "RSA-OAEP-256"}))), JweError::MissingMember("enc"));
    assert!(matches!(err(&head(json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "zip": "DEF"}))), JweError::UnsupportedHeader { member: "zip", .. }));
    assert!(matches!(err(&head(json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "crit": ["exp"]}))), JweError::UnsupportedHeader { member: "crit", .. }));
    assert!(matches!(err(&with_segment(&token, 0, &b64(b"[1]"))), JweError::Header(_)));
    assert!(matches!(err(&with_segment(&token, 0, &b64(b"{nope"))), JweError::Header(_)));
    assert_eq!(err(&with_segment(&token, 0, "%%")), JweError::Base64("protected header"));
    assert_eq!(err(&with_segment(&token, 3, "a=")), JweError::Base64("ciphertext"));
    assert_eq!(err("a.b.c"), JweError::Segments(3));
    assert_eq!(jwe_header("a.b.c.d.e.f"), Err(JweError::Segments(6)));
    assert_eq!(jwe_header(&token).unwrap()["kid"], "enc-1");
    assert!(err("a.b.c").to_string().starts_with("expected a compact JWE of 5"));
}

#[test]
fn private_jwks_are_checked_and_never_echoed() {
    let mut jwk = keys().0.clone();
    let d = jwk["d"].as_str().unwrap().to_owned();
    assert!(!format!("{:?}", DecryptionKey::from_jwk(&jwk).unwrap()).contains(&d), "Debug redacts");
    let bad_json = format!("{{\"kty\":\"RSA\",\"d\":\"{d}\"");
    let e = DecryptionKey::from_jwk_json(&bad_json).unwrap_err().to_string();
    assert!(e.contains("invalid JSON") && !e.contains(&d), "{e}");
    assert!(DecryptionKey::from_jwk_json("[1]").unwrap_err().to_string().contains("an array"));
    jwk.remove("qi");
    assert!(DecryptionKey::from_jwk(&jwk).unwrap_err().to_string().contains("`qi` is missing"));
    jwk.insert("qi".into(), keys().0["dq"].clone());
    assert!(DecryptionKey::from_jwk(&jwk).unwrap_err().to_string().contains("rejected"), "inconsistent CRT value");
    let public = DecryptionKey::from_jwk(&keys().1).unwrap_err().to_string();
    assert!(public.contains("`d` is missing"), "{public}");
    let ec = json!({"kty": "EC", "crv": "P-256"});
    assert!(DecryptionKey::from_jwk(ec.as_object().unwrap()).unwrap_err().to_string().contains("found kty EC"));
}
