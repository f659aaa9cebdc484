//! [`HmacSecret`]: a shared secret (the client secret) made ready to check HS256, HS384 and HS512
//! signatures (OIDC Core section 10.1).
//!
//! The HMAC key schedule (hashing the padded key into the inner and outer states) runs once, when
//! the value is built, instead of once per token: a harness under load verifies every ID token a
//! client receives with the same secret. Clones share the prepared keys. The secret itself is not
//! kept, and `Debug` prints nothing of it.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::hmac;

/// A secret prepared as HMAC keys for SHA-256, SHA-384 and SHA-512; cheap to clone.
#[derive(Clone)]
pub struct HmacSecret(Arc<[hmac::Key; 3]>);

impl HmacSecret {
    /// Prepares `secret` for the three HMAC algorithms.
    pub fn new(secret: &[u8]) -> HmacSecret {
        HmacSecret(Arc::new([
            hmac::Key::new(hmac::HMAC_SHA256, secret),
            hmac::Key::new(hmac::HMAC_SHA384, secret),
            hmac::Key::new(hmac::HMAC_SHA512, secret),
        ]))
    }

    /// The prepared key for a JWS `alg`, or `None` when `alg` is not HS256, HS384 or HS512.
    pub(crate) fn key_for(&self, alg: &str) -> Option<&hmac::Key> {
        let [sha256, sha384, sha512] = &*self.0;
        match alg {
            "HS256" => Some(sha256),
            "HS384" => Some(sha384),
            "HS512" => Some(sha512),
            _ => None,
        }
    }
}

#[cfg(test)]
impl HmacSecret {
    /// Whether both values hold the same prepared keys (one preparation, shared).
    pub(crate) fn shares_keys_with(&self, other: &HmacSecret) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl From<&str> for HmacSecret {
    fn from(secret: &str) -> HmacSecret {
        HmacSecret::new(secret.as_bytes())
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSecret([redacted])")
    }
}
