//! Compact JWE decryption (RFC 7516 section 5.2) for encrypted ID tokens (OIDC Core 10.2), on
//! aws-lc-rs only: RSA-OAEP-256 / RSA-OAEP key unwrapping with the client's private key
//! ([`DecryptionKey`], see `jwe_key.rs`), then A128CBC-HS256 / A256CBC-HS512 (RFC 7518 5.2: the
//! tag is checked in constant time BEFORE any CBC decryption) or A128GCM / A256GCM content
//! decryption. The result is the plaintext (for an ID token, the inner signed JWT) and the
//! protected header, which the checks judge.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{AES_128, AES_256, DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::{constant_time, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{DecryptionKey, json_kind};

/// JWE `alg` values (key management) the harness decrypts.
pub const JWE_KEY_ALGS: &[&str] = &["RSA-OAEP-256", "RSA-OAEP"];

/// JWE `enc` values (content encryption) the harness decrypts.
pub const JWE_CONTENT_ENCS: &[&str] = &["A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM"];

/// Why a compact JWE could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JweError {
    /// Not five dot-separated segments.
    #[error("expected a compact JWE of 5 dot-separated segments (found {0})")]
    Segments(usize),
    /// A segment is not unpadded base64url.
    #[error("expected unpadded base64url in the JWE {0} (found invalid characters or padding)")]
    Base64(&'static str),
    /// The protected header is not a JSON object.
    #[error("expected a JSON object as the JWE protected header (found {0})")]
    Header(String),
    /// `alg` or `enc` is missing or not a string.
    #[error("expected a string `{0}` in the JWE header (found none)")]
    MissingMember(&'static str),
    /// A key-management algorithm the harness does not implement.
    #[error("expected JWE alg RSA-OAEP-256 or RSA-OAEP (found {0})")]
    UnsupportedAlg(String),
    /// A content-encryption algorithm the harness does not implement.
    #[error("expected JWE enc A128CBC-HS256, A256CBC-HS512, A128GCM or A256GCM (found {0})")]
    UnsupportedEnc(String),
    /// A header member the harness cannot honour (`zip`, `crit`).
    #[error("expected no {member} header (found {found})")]
    UnsupportedHeader {
        /// `zip` or `crit`.
        member: &'static str,
        /// Its value.
        found: String,
    },
    /// The decryption key is not a usable private RSA JWK.
    #[error("expected a private RSA JWK with n, e, d, p, q, dp, dq, qi of at least 2048 bits ({0})")]
    BadKey(String),
    /// RSA-OAEP unwrapping failed (wrong key, or a corrupted encrypted key).
    #[error("expected the encrypted key to unwrap with the client's private key (found one that does not)")]
    KeyUnwrap,
    /// The CEK or IV has the wrong length for `enc`.
    #[error("expected a {expected}-byte {part} for {enc} (found {found} bytes)")]
    Length {
        /// `content encryption key`, `IV` or `authentication tag`.
        part: &'static str,
        /// The `enc` value.
        enc: String,
        /// Length `enc` requires.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// The authentication tag does not verify: the JWE was altered or not made for this key.
    #[error("expected an authentication tag that verifies (found one that does not)")]
    BadTag,
    /// The tag verified but the CBC padding is invalid (the sender's encryption is broken).
    #[error("expected PKCS#7-padded AES-CBC ciphertext (found invalid padding)")]
    BadPadding,
}

/// A decrypted compact JWE: its protected header and the plaintext.
#[derive(Clone, PartialEq, Eq)]
pub struct DecryptedJwe {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The decrypted content (for a nested ID token: the inner compact JWS). A credential.
    pub plaintext: Vec<u8>,
}

impl std::fmt::Debug for DecryptedJwe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptedJwe").field("header", &self.header).field("plaintext_len", &self.plaintext.len()).finish()
    }
}

/// Decodes the protected header of a compact JWE without decrypting anything.
pub fn jwe_header(compact: &str) -> Result<Map<String, Value>, JweError> {
    let parts: Vec<&str> = compact.split('.').collect();
    let [h, _, _, _, _] = parts.as_slice() else {
        return Err(JweError::Segments(parts.len()));
    };
    let bytes = decode(h, "protected header")?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(JweError::Header(json_kind(&other).to_owned())),
        Err(e) => Err(JweError::Header(format!("invalid JSON: {e}"))),
    }
}

/// Decrypts a compact JWE with `key`: checks the header (`alg`, `enc`, no `zip`/`crit`),
/// unwraps the CEK with RSA-OAEP, verifies the tag and decrypts the content. Every failure is
/// reported before any plaintext is released.
pub fn decrypt_compact(compact: &str, key: &DecryptionKey) -> Result<DecryptedJwe, JweError> {
    let header = jwe_header(compact)?;
    let parts: Vec<&str> = compact.split('.').collect();
    let [protected, ek, iv, ct, tag] = parts.as_slice() else {
        return Err(JweError::Segments(parts.len()));
    };
    let text = |name: &'static str| header.get(name).and_then(Value::as_str).ok_or(JweError::MissingMember(name));
    for member in ["zip", "crit"] {
        if let Some(found) = header.get(member) {
            return Err(JweError::UnsupportedHeader { member, found: found.to_string() });
        }
    }
    let alg = text("alg")?;
    let enc = text("enc")?;
    if !JWE_KEY_ALGS.contains(&alg) {
        return Err(JweError::UnsupportedAlg(alg.to_owned()));
    }
    if !JWE_CONTENT_ENCS.contains(&enc) {
        return Err(JweError::UnsupportedEnc(enc.to_owned()));
    }
    let cek = key.unwrap_cek(alg, &decode(ek, "encrypted key")?)?;
    let plaintext = open_content(enc, &cek, &decode(iv, "IV")?, protected.as_bytes(), &decode(ct, "ciphertext")?, &decode(tag, "authentication tag")?)?;
    Ok(DecryptedJwe { header, plaintext })
}

fn decode(segment: &str, part: &'static str) -> Result<Vec<u8>, JweError> {
    URL_SAFE_NO_PAD.decode(segment).map_err(|_| JweError::Base64(part))
}

/// Content decryption with a known CEK (RFC 7518 5.2.2.2 / 5.3): the plaintext, or why not.
pub(crate) fn open_content(enc: &str, cek: &[u8], iv: &[u8], aad: &[u8], ciphertext: &[u8], tag: &[u8]) -> Result<Vec<u8>, JweError> {
    let (cek_len, iv_len, tag_len) = match enc {
        "A128CBC-HS256" => (32, 16, 16),
        "A256CBC-HS512" => (64, 16, 32),
        "A128GCM" => (16, 12, 16),
        "A256GCM" => (32, 12, 16),
        other => return Err(JweError::UnsupportedEnc(other.to_owned())),
    };
    let length = |part, expected, found| JweError::Length { part, enc: enc.to_owned(), expected, found };
    if cek.len() != cek_len {
        return Err(length("content encryption key", cek_len, cek.len()));
    }
    if iv.len() != iv_len {
        return Err(length("IV", iv_len, iv.len()));
    }
    if tag.len() != tag_len {
        return Err(length("authentication tag", tag_len, tag.len()));
    }
    if enc.ends_with("GCM") {
        let algorithm = if cek_len == 16 { &aead::AES_128_GCM } else { &aead::AES_256_GCM };
        let key = LessSafeKey::new(UnboundKey::new(algorithm, cek).map_err(|_| JweError::BadTag)?);
        let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| JweError::BadTag)?;
        let mut in_out = [ciphertext, tag].concat();
        let plain = key.open_in_place(nonce, Aad::from(aad), &mut in_out).map_err(|_| JweError::BadTag)?;
        return Ok(plain.to_vec());
    }
    let (mac_key, enc_key) = cek.split_at(cek_len / 2);
    let (cipher, mac) = if cek_len == 32 { (&AES_128, hmac::HMAC_SHA256) } else { (&AES_256, hmac::HMAC_SHA512) };
    let aad_bits = u64::try_from(aad.len()).unwrap_or(u64::MAX / 8).saturating_mul(8);
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(mac, mac_key));
    for piece in [aad, iv, ciphertext, &aad_bits.to_be_bytes()] {
        ctx.update(piece);
    }
    let full = ctx.sign();
    let expected = full.as_ref().get(..tag_len).ok_or(JweError::BadTag)?;
    constant_time::verify_slices_are_equal(expected, tag).map_err(|_| JweError::BadTag)?;
    let key = UnboundCipherKey::new(cipher, enc_key).and_then(PaddedBlockDecryptingKey::cbc_pkcs7).map_err(|_| JweError::BadPadding)?;
    let iv16: [u8; 16] = iv.try_into().map_err(|_| length("IV", 16, iv.len()))?;
    let mut in_out = ciphertext.to_vec();
    let plain = key.decrypt(&mut in_out, DecryptionContext::Iv128(FixedLength::from(iv16))).map_err(|_| JweError::BadPadding)?;
    Ok(plain.to_vec())
}
