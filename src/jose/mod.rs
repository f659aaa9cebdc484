//! JOSE handling for the harness: compact JWS parsed without trust ([`UnverifiedJwt`]), JWK Sets
//! parsed leniently with every public key pre-parsed once ([`Jwks`], [`PublicKey`]), signature
//! verification on aws-lc-rs ([`verify_signature`], [`verify_hmac`] with a client secret prepared
//! once as [`HmacSecret`]) and the OIDC left-half hashes `at_hash` / `c_hash`
//! ([`left_half_hash`]). Encrypted ID tokens are compact JWE, decrypted with the client's private
//! key ([`decrypt_compact`], [`DecryptionKey`]).
//!
//! Nothing here decides conformance: the checks in [`crate::checks`] read these values and judge.

mod alg;
mod forge;
mod hmac_secret;
mod jwe;
mod jwe_key;
mod jwk;
mod object_check;
mod unverified;
mod verify;

#[cfg(test)]
mod jwe_tests;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

pub use alg::{JwsAlg, KeyType, UnknownJwsAlg};
pub use forge::{ForeignSigner, stripped_to_alg_none};
pub use hmac_secret::HmacSecret;
pub(crate) use jwe::open_content;
pub use jwe::{DecryptedJwe, JWE_CONTENT_ENCS, JWE_KEY_ALGS, JweError, decrypt_compact, jwe_header};
pub use jwe_key::{DecryptionKey, GeneratedJwk, generate_decryption_jwk};

pub use jwk::{
    JwkEntry, Jwks, KeyLookup, PublicKey, curve_for_alg, is_signature_alg, key_types_for_alg,
};
pub use unverified::UnverifiedJwt;
pub use verify::{MIN_RSA_BITS, left_half_hash, verify_hmac, verify_signature};

/// Why a JOSE object could not be parsed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JoseError {
    /// A forged token could not be signed (key generation or signing failed).
    #[error("expected to sign a token with a generated key (found {0})")]
    Signing(&'static str),
    /// The compact serialization does not have the expected shape.
    #[error("expected a compact JWS of 3 dot-separated segments (found {0})")]
    Segments(usize),
    /// A segment is not valid unpadded base64url.
    #[error("expected unpadded base64url in the {0} (found invalid characters or padding)")]
    Base64(&'static str),
    /// A segment does not decode to a JSON object.
    #[error("expected a JSON object in the {part} (found {found})")]
    NotJsonObject {
        /// Which part: "JOSE header", "claims", "JWK", "JWK Set".
        part: &'static str,
        /// What was there instead.
        found: String,
    },
    /// A required JWK member is missing or not a string.
    #[error("expected JWK member `{0}` as a string")]
    MissingMember(&'static str),
    /// The `kty` is not one we can verify with.
    #[error("expected kty RSA, EC or OKP (found {0})")]
    UnsupportedKeyType(String),
    /// The curve is not one we can verify with.
    #[error("expected crv P-256, P-384, P-521 or Ed25519 (found {0})")]
    UnsupportedCurve(String),
    /// The key material is malformed (wrong length, not on the curve, bad modulus).
    #[error("expected a well-formed {kty} public key (found {reason})")]
    MalformedKey {
        /// Key type being parsed.
        kty: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The JWS `alg` header is missing.
    #[error("expected an `alg` member in the JOSE header (found none)")]
    MissingAlg,
    /// `alg` is `none`: unsigned tokens are never accepted by verification.
    #[error("expected a signed token (found alg \"none\")")]
    AlgNone,
    /// The algorithm is unknown or not supported.
    #[error("expected a supported JWS alg (found {0})")]
    UnsupportedAlg(String),
    /// The algorithm cannot be used with this key.
    #[error("expected a key usable with {alg} (found {key})")]
    AlgKeyMismatch {
        /// The token's algorithm.
        alg: String,
        /// The key's type, curve or declared alg.
        key: String,
    },
    /// The signature does not verify.
    #[error("expected a valid signature (found one that does not verify)")]
    BadSignature,
    /// No JWK Set entry fits the token's `kid` and `alg`.
    #[error("expected a JWK Set key with kid {kid:?} usable for {alg} (found none)")]
    NoMatchingKey {
        /// The token's `kid`, if any.
        kid: Option<String>,
        /// The token's `alg`.
        alg: String,
    },
    /// The JWK Set is not `{"keys":[...]}`.
    #[error("expected a JWK Set object with a `keys` array (found {0})")]
    NotJwkSet(String),
}

/// Short description of a JSON value's kind, for error messages.
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
