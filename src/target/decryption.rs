//! A client's ID token encryption in the target profile: the private JWK that decrypts its
//! encrypted ID tokens (`id_token_decryption_jwk = "${ENV}"` or `id_token_decryption_jwk_file`)
//! and the `id_token_encrypted_response_alg` / `enc` it registered. The JWK is a secret: it
//! lives in a [`Secret`], error messages never quote it, and [`redaction_values`] hands its
//! private members to transcript redaction.

use std::path::Path;

use serde_json::Value;

use super::profile::{ClientProfile, ProfileError, Secret};
use crate::jose::{DecryptionKey, JWE_CONTENT_ENCS, JWE_KEY_ALGS, JweError};

/// `id_token_encrypted_response_alg` assumed when a client gives a key but no alg (Fief's).
pub const DEFAULT_ENCRYPTION_ALG: &str = "RSA-OAEP-256";
/// `id_token_encrypted_response_enc` assumed when a client gives a key but no enc (Fief's).
pub const DEFAULT_ENCRYPTION_ENC: &str = "A256CBC-HS512";

impl ClientProfile {
    /// `(alg, enc)` the client registered for ID token encryption; `None` without a decryption key.
    pub fn id_token_encryption(&self) -> Option<(&str, &str)> {
        self.id_token_decryption_jwk.as_ref()?;
        Some((
            self.id_token_encrypted_response_alg.as_deref().unwrap_or(DEFAULT_ENCRYPTION_ALG),
            self.id_token_encrypted_response_enc.as_deref().unwrap_or(DEFAULT_ENCRYPTION_ENC),
        ))
    }

    /// The client's decryption key, parsed; `None` when the client registered no encryption.
    pub fn id_token_decryption_key(&self) -> Option<Result<DecryptionKey, JweError>> {
        self.id_token_decryption_jwk.as_ref().map(|jwk| DecryptionKey::from_jwk_json(jwk.expose()))
    }
}

/// Reads every `id_token_decryption_jwk_file` (relative to the profile's directory) into
/// `id_token_decryption_jwk`. Giving both is an error.
pub(super) fn load_jwk_files(clients: &mut [ClientProfile], profile_path: &Path) -> Result<(), ProfileError> {
    for c in clients {
        let Some(file) = &c.id_token_decryption_jwk_file else { continue };
        if c.id_token_decryption_jwk.is_some() {
            let message = format!("client {:?}: give id_token_decryption_jwk or id_token_decryption_jwk_file, not both", c.label());
            return Err(ProfileError::Invalid { path: profile_path.to_owned(), message });
        }
        let file = match profile_path.parent() {
            Some(dir) if file.is_relative() => dir.join(file),
            _ => file.clone(),
        };
        let text = std::fs::read_to_string(&file).map_err(|source| ProfileError::Read { path: file.clone(), source })?;
        c.id_token_decryption_jwk = Some(Secret::new(text));
    }
    Ok(())
}

/// Why a client's encryption settings are unusable, as a sentence (never quoting the key).
pub(super) fn check(c: &ClientProfile) -> Result<(), String> {
    let label = c.label();
    if c.id_token_decryption_jwk.is_none() {
        return match (&c.id_token_encrypted_response_alg, &c.id_token_encrypted_response_enc) {
            (None, None) => Ok(()),
            _ => Err(format!("client {label:?}: id_token_encrypted_response_alg/enc need id_token_decryption_jwk (or _file) to decrypt with")),
        };
    }
    let Some((alg, enc)) = c.id_token_encryption() else { return Ok(()) };
    if !JWE_KEY_ALGS.contains(&alg) {
        return Err(format!("client {label:?}: id_token_encrypted_response_alg must be one of {} (found {alg:?})", JWE_KEY_ALGS.join(", ")));
    }
    if !JWE_CONTENT_ENCS.contains(&enc) {
        return Err(format!("client {label:?}: id_token_encrypted_response_enc must be one of {} (found {enc:?})", JWE_CONTENT_ENCS.join(", ")));
    }
    match c.id_token_decryption_key() {
        Some(Err(e)) => Err(format!("client {label:?}: id_token_decryption_jwk: {e}")),
        _ => Ok(()),
    }
}

/// The JWK text and its private members, for transcript redaction.
pub(super) fn redaction_values(c: &ClientProfile) -> Vec<String> {
    let Some(jwk) = &c.id_token_decryption_jwk else { return Vec::new() };
    let mut out = vec![jwk.expose().to_owned()];
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(jwk.expose()) {
        for name in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            if let Some(v) = map.get(name).and_then(Value::as_str) {
                out.push(v.to_owned());
            }
        }
    }
    out
}
