//! Compact JWE encryption (RFC 7516 section 7.1) of ID tokens for clients that registered
//! `id_token_encrypted_response_alg` (OIDC Core 10.2: sign, then encrypt — a Nested JWT).
//!
//! Key wrapping: RSA-OAEP-256 or RSA-OAEP (RFC 7518 4.3) with the client's public key from its
//! registered JWK Set. Content encryption: A128CBC-HS256 / A256CBC-HS512 (RFC 7518 5.2: AES-CBC
//! with PKCS#7 padding, then HMAC over AAD || IV || ciphertext || AL, tag = left half) or
//! A128GCM / A256GCM (RFC 7518 5.3). Everything sits on aws-lc-rs; the content encryption key
//! and the IV come from the caller's [`TokenSource`].

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    AES_128, AES_256, EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPublicEncryptingKey,
    PublicEncryptingKey, PublicKeyComponents,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{KeyError, b64};
use crate::random::TokenSource;

/// JWE `alg` values (key management) this provider encrypts with.
pub const KEY_ALGS: &[&str] = &["RSA-OAEP-256", "RSA-OAEP"];

/// JWE `enc` values (content encryption) this provider encrypts with.
pub const CONTENT_ENCS: &[&str] = &["A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM"];

/// `id_token_encrypted_response_enc` when a client registered only the alg (OIDC Registration 2).
pub const DEFAULT_ENC: &str = "A128CBC-HS256";

/// A client's public RSA key, parsed once for RSA-OAEP key wrapping.
pub struct EncryptionKey {
    key: OaepPublicEncryptingKey,
    kid: Option<String>,
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("bits", &self.key.key_size_bits())
            .field("kid", &self.kid)
            .finish()
    }
}

impl EncryptionKey {
    /// The first entry of a JWK Set (`{"keys":[...]}`) fit for RSA encryption: `kty` RSA, `use`
    /// absent or `enc`, `alg` absent or one of [`KEY_ALGS`].
    ///
    /// # Errors
    /// [`KeyError::BadEncryptionKey`] when the set has no such entry or its key is malformed.
    pub fn from_jwks(jwks: &Value) -> Result<EncryptionKey, KeyError> {
        let keys = jwks.get("keys").and_then(Value::as_array).ok_or_else(|| bad("a JWK Set object with a `keys` array"))?;
        let text = |k: &Map<String, Value>, name: &str| k.get(name).and_then(Value::as_str).map(str::to_owned);
        let fits = |k: &&Map<String, Value>| {
            text(k, "kty").as_deref() == Some("RSA")
                && text(k, "use").is_none_or(|u| u == "enc")
                && text(k, "alg").is_none_or(|a| KEY_ALGS.contains(&a.as_str()))
        };
        let jwk = keys.iter().filter_map(Value::as_object).find(fits).ok_or_else(|| bad("an RSA key with use \"enc\" (or no use)"))?;
        Self::from_jwk(jwk)
    }

    /// Parses the public part (`n`, `e`) of an RSA JWK; at least 2048 bits.
    ///
    /// # Errors
    /// [`KeyError::BadEncryptionKey`] when `n`/`e` are missing, not base64url, or rejected.
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<EncryptionKey, KeyError> {
        let member = |name: &str| {
            let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| bad(&format!("an RSA JWK with `{name}`")))?;
            URL_SAFE_NO_PAD.decode(text).map_err(|_| bad(&format!("`{name}` as unpadded base64url")))
        };
        let components = PublicKeyComponents { n: member("n")?, e: member("e")? };
        let public: PublicEncryptingKey = components.try_into().map_err(|_| bad("a valid RSA public key of 2048 to 8192 bits"))?;
        let key = OaepPublicEncryptingKey::new(public).map_err(|_| bad("an RSA key usable for OAEP"))?;
        if key.key_size_bits() < 2048 {
            return Err(bad("an RSA key of at least 2048 bits"));
        }
        Ok(EncryptionKey { key, kid: jwk.get("kid").and_then(Value::as_str).map(str::to_owned) })
    }

    /// The JWK's `kid`, when it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

fn bad(expected: &str) -> KeyError {
    KeyError::BadEncryptionKey { expected: expected.to_owned() }
}

fn unsupported(what: &'static str, found: &str) -> KeyError {
    KeyError::UnsupportedEncryption { what, found: found.to_owned() }
}

/// Checks a client's registered encryption metadata: `alg` one of [`KEY_ALGS`], `enc` one of
/// [`CONTENT_ENCS`], and a JWK Set holding an RSA encryption key. Nothing registered is fine; an
/// `enc` or `jwks` without `alg` registers nothing.
///
/// # Errors
/// The first problem, as a sentence for the configuration error.
pub fn check_registration(alg: Option<&str>, enc: Option<&str>, jwks: Option<&Value>) -> Result<(), String> {
    let Some(alg) = alg else {
        return match enc {
            Some(_) => Err("id_token_encrypted_response_enc needs id_token_encrypted_response_alg".to_owned()),
            None => Ok(()),
        };
    };
    if !KEY_ALGS.contains(&alg) {
        return Err(unsupported("alg", alg).to_string());
    }
    if let Some(enc) = enc.filter(|e| !CONTENT_ENCS.contains(e)) {
        return Err(unsupported("enc", enc).to_string());
    }
    let jwks = jwks.ok_or("id_token_encrypted_response_alg needs the client's public `jwks`")?;
    EncryptionKey::from_jwks(jwks).map(|_| ()).map_err(|e| e.to_string())
}

/// Content encryption parameters: CEK length, IV length, and the CBC-HMAC parts when not GCM.
struct ContentEnc {
    cek_len: usize,
    iv_len: usize,
    cbc: Option<(&'static aws_lc_rs::cipher::Algorithm, hmac::Algorithm)>,
    gcm: Option<&'static aead::Algorithm>,
}

fn content_enc(enc: &str) -> Result<ContentEnc, KeyError> {
    Ok(match enc {
        "A128CBC-HS256" => ContentEnc { cek_len: 32, iv_len: 16, cbc: Some((&AES_128, hmac::HMAC_SHA256)), gcm: None },
        "A256CBC-HS512" => ContentEnc { cek_len: 64, iv_len: 16, cbc: Some((&AES_256, hmac::HMAC_SHA512)), gcm: None },
        "A128GCM" => ContentEnc { cek_len: 16, iv_len: 12, cbc: None, gcm: Some(&aead::AES_128_GCM) },
        "A256GCM" => ContentEnc { cek_len: 32, iv_len: 12, cbc: None, gcm: Some(&aead::AES_256_GCM) },
        other => return Err(unsupported("enc", other)),
    })
}

fn oaep(alg: &str) -> Result<&'static OaepAlgorithm, KeyError> {
    match alg {
        "RSA-OAEP-256" => Ok(&OAEP_SHA256_MGF1SHA256),
        "RSA-OAEP" => Ok(&OAEP_SHA1_MGF1SHA1),
        other => Err(unsupported("alg", other)),
    }
}

/// Encrypts `plaintext` to `key` as a compact JWE whose protected header is `header` (which must
/// name `alg` and `enc`; add `cty: "JWT"` for a Nested JWT). A fresh CEK and IV are drawn from
/// `rng`.
///
/// # Errors
/// [`KeyError::UnsupportedEncryption`] for an `alg`/`enc` outside [`KEY_ALGS`]/[`CONTENT_ENCS`];
/// [`KeyError::EncryptionFailed`] when aws-lc-rs fails.
pub fn encrypt_compact(
    key: &EncryptionKey,
    header: &Map<String, Value>,
    plaintext: &[u8],
    rng: &dyn TokenSource,
) -> Result<String, KeyError> {
    let text = |name: &'static str| header.get(name).and_then(Value::as_str).ok_or_else(|| unsupported(name, "none"));
    let oaep = oaep(text("alg")?)?;
    let enc = text("enc")?;
    let params = content_enc(enc)?;
    let mut cek = vec![0u8; params.cek_len];
    rng.fill(&mut cek);
    let mut iv = vec![0u8; params.iv_len];
    rng.fill(&mut iv);
    let mut wrapped = vec![0u8; key.key.ciphertext_size()];
    let wrapped = key.key.encrypt(oaep, &cek, &mut wrapped, None).map_err(|_| KeyError::EncryptionFailed)?;
    let protected = b64(&serde_json::to_vec(header)?);
    let (ciphertext, tag) = seal_content(enc, &cek, &iv, protected.as_bytes(), plaintext)?;
    Ok(format!("{protected}.{}.{}.{}.{}", b64(wrapped), b64(&iv), b64(&ciphertext), b64(&tag)))
}

/// Content encryption with a given CEK and IV: `(ciphertext, tag)`. Split out so the RFC 7518
/// Appendix B test vectors can pin it.
pub(crate) fn seal_content(enc: &str, cek: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<(Vec<u8>, Vec<u8>), KeyError> {
    let params = content_enc(enc)?;
    if cek.len() != params.cek_len || iv.len() != params.iv_len {
        return Err(KeyError::EncryptionFailed);
    }
    let failed = |_| KeyError::EncryptionFailed;
    if let Some(algorithm) = params.gcm {
        let key = LessSafeKey::new(UnboundKey::new(algorithm, cek).map_err(failed)?);
        let nonce = Nonce::try_assume_unique_for_key(iv).map_err(failed)?;
        let mut in_out = plaintext.to_vec();
        let tag = key.seal_in_place_separate_tag(nonce, Aad::from(aad), &mut in_out).map_err(failed)?;
        return Ok((in_out, tag.as_ref().to_vec()));
    }
    let Some((cipher, mac)) = params.cbc else {
        return Err(KeyError::EncryptionFailed);
    };
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let key = PaddedBlockEncryptingKey::cbc_pkcs7(UnboundCipherKey::new(cipher, enc_key).map_err(failed)?).map_err(failed)?;
    let iv16: [u8; 16] = iv.try_into().map_err(|_| KeyError::EncryptionFailed)?;
    let mut ciphertext = plaintext.to_vec();
    key.less_safe_encrypt(&mut ciphertext, EncryptionContext::Iv128(FixedLength::from(iv16))).map_err(failed)?;
    let aad_bits = u64::try_from(aad.len()).map_err(|_| KeyError::EncryptionFailed)?.saturating_mul(8);
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(mac, mac_key));
    ctx.update(aad);
    ctx.update(iv);
    ctx.update(&ciphertext);
    ctx.update(&aad_bits.to_be_bytes());
    let full = ctx.sign();
    let tag = full.as_ref().get(..mac_key.len()).ok_or(KeyError::EncryptionFailed)?.to_vec();
    Ok((ciphertext, tag))
}

#[cfg(test)]
mod tests;
