//! Tests for JWE encryption: the RFC 7518 Appendix B.3 vector pins A256CBC-HS512, a generated key
//! unwraps the CEK, GCM opens with aws-lc-rs, and registration metadata is validated.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failed expectation is a failed test

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeySize, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use aws_lc_rs::signature::{KeyPair as _, RsaKeyPair};
use serde_json::{Map, Value, json};

use super::*;
use crate::random::SystemRandom;

/// Hex with spaces and newlines, as RFC 7518 prints it.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

const B3_E: &str = "4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd 3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd
    82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2 e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b
    36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1 1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3
    a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e 31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b
    be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6";
const B3_T: &str = "4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf 2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5";

#[test]
fn a256cbc_hs512_matches_rfc7518_appendix_b3() {
    let k: Vec<u8> = (0u8..64).collect();
    let p = b"A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience";
    let iv = hex("1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04");
    let (e, t) = seal_content("A256CBC-HS512", &k, &iv, b"The second principle of Auguste Kerckhoffs", p).unwrap();
    assert_eq!(e, hex(B3_E));
    assert_eq!(t, hex(B3_T));
}

#[test]
fn seal_content_refuses_wrong_lengths_and_unknown_enc() {
    assert!(matches!(seal_content("A256CBC-HS512", &[0; 32], &[0; 16], b"", b"x"), Err(KeyError::EncryptionFailed)));
    assert!(matches!(seal_content("A256GCM", &[0; 32], &[0; 16], b"", b"x"), Err(KeyError::EncryptionFailed)));
    assert!(matches!(seal_content("A192GCM", &[0; 24], &[0; 12], b"", b"x"), Err(KeyError::UnsupportedEncryption { what: "enc", .. })));
}

/// A generated RSA-2048 key: its public JWK and the private key that unwraps.
fn key_pair() -> (Value, OaepPrivateDecryptingKey) {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let public = pair.public_key();
    let jwk = json!({"kty": "RSA", "kid": "enc-1", "use": "enc",
        "n": b64(public.modulus().big_endian_without_leading_zero()),
        "e": b64(public.exponent().big_endian_without_leading_zero())});
    let der = pair.as_der().unwrap();
    let private = OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(der.as_ref()).unwrap()).unwrap();
    (jwk, private)
}

fn header(alg: &str, enc: &str) -> Map<String, Value> {
    json!({"alg": alg, "enc": enc, "cty": "JWT"}).as_object().unwrap().clone()
}

#[test]
fn encrypted_compact_unwraps_and_opens() {
    let (jwk, private) = key_pair();
    let key = EncryptionKey::from_jwks(&json!({"keys": [{"kty": "EC", "use": "enc"}, jwk]})).unwrap();
    assert_eq!(key.kid(), Some("enc-1"));
    for (alg, enc) in [("RSA-OAEP-256", "A256CBC-HS512"), ("RSA-OAEP", "A256GCM"), ("RSA-OAEP-256", "A128GCM"), ("RSA-OAEP", "A128CBC-HS256")] {
        let token = encrypt_compact(&key, &header(alg, enc), b"inner.jws.token", &SystemRandom).unwrap();
        let parts: Vec<Vec<u8>> = token.split('.').map(|p| URL_SAFE_NO_PAD.decode(p).unwrap()).collect();
        assert_eq!(parts.len(), 5, "{alg}/{enc}");
        let head: Value = serde_json::from_slice(&parts[0]).unwrap();
        assert_eq!(head, json!({"alg": alg, "enc": enc, "cty": "JWT"}));
        let mut cek = vec![0u8; private.min_output_size()];
        let cek = private.decrypt(oaep(alg).unwrap(), &parts[1], &mut cek, None).unwrap().to_vec();
        let aad = token.split('.').next().unwrap().as_bytes();
        let (ct, tag) = seal_content(enc, &cek, &parts[2], aad, b"inner.jws.token").unwrap();
        assert_eq!((ct, tag), (parts[3].clone(), parts[4].clone()), "{alg}/{enc}: same CEK and IV give the same output");
    }
}

#[test]
fn encrypt_refuses_unknown_algorithms() {
    let (jwk, _) = key_pair();
    let key = EncryptionKey::from_jwk(jwk.as_object().unwrap()).unwrap();
    let err = encrypt_compact(&key, &header("RSA1_5", "A128CBC-HS256"), b"x", &SystemRandom).unwrap_err();
    assert!(err.to_string().contains("RSA1_5"), "{err}");
    assert!(encrypt_compact(&key, &header("RSA-OAEP-256", "A192CBC-HS384"), b"x", &SystemRandom).is_err());
    assert!(encrypt_compact(&key, &Map::new(), b"x", &SystemRandom).is_err());
}

#[test]
fn keys_are_chosen_and_refused_by_their_members() {
    let (jwk, _) = key_pair();
    let sig_only = json!({"keys": [{"kty": "RSA", "use": "sig", "n": jwk["n"], "e": jwk["e"]}]});
    assert!(EncryptionKey::from_jwks(&sig_only).unwrap_err().to_string().contains("use \"enc\""));
    assert!(EncryptionKey::from_jwks(&json!([jwk])).is_err(), "not a JWK Set");
    let small = json!({"kty": "RSA", "n": b64(&[0xc5; 128]), "e": "AQAB"});
    assert!(EncryptionKey::from_jwk(small.as_object().unwrap()).is_err(), "1024-bit modulus");
    let no_n = json!({"kty": "RSA", "e": "AQAB"});
    assert!(EncryptionKey::from_jwk(no_n.as_object().unwrap()).unwrap_err().to_string().contains("`n`"));
    assert!(!format!("{:?}", EncryptionKey::from_jwk(jwk.as_object().unwrap()).unwrap()).contains(jwk["n"].as_str().unwrap()));
}

#[test]
fn registration_metadata_is_checked() {
    let (jwk, _) = key_pair();
    let jwks = json!({"keys": [jwk]});
    assert_eq!(check_registration(None, None, None), Ok(()));
    assert_eq!(check_registration(None, None, Some(&jwks)), Ok(()));
    assert_eq!(check_registration(Some("RSA-OAEP-256"), None, Some(&jwks)), Ok(()));
    assert_eq!(check_registration(Some("RSA-OAEP"), Some("A256GCM"), Some(&jwks)), Ok(()));
    assert!(check_registration(None, Some("A256GCM"), Some(&jwks)).unwrap_err().contains("needs id_token_encrypted_response_alg"));
    assert!(check_registration(Some("RSA1_5"), None, Some(&jwks)).unwrap_err().contains("RSA1_5"));
    assert!(check_registration(Some("RSA-OAEP-256"), Some("A192GCM"), Some(&jwks)).unwrap_err().contains("A192GCM"));
    assert!(check_registration(Some("RSA-OAEP-256"), None, None).unwrap_err().contains("jwks"));
    assert!(check_registration(Some("RSA-OAEP-256"), None, Some(&json!({"keys": []}))).is_err());
}
