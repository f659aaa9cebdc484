//! Signing keys: generation, PKCS#8 persistence, compact JWS signing, JWKS, rotation.
//!
//! Everything here sits directly on aws-lc-rs (no JWT library): keys are parsed once into
//! [`SigningKey`] (private half for signing, parsed public half for verification), the
//! provider's published keys live in an immutable [`KeyRing`] that is swapped on rotation, and
//! [`encode_jws`] / [`KeyRing::verify`] produce and check compact JWS (RFC 7515).
//!
//! - `alg.rs`: [`SigningAlg`] and the OIDC `at_hash` / `c_hash` helper [`left_half_hash`].
//! - `signing_key.rs`: [`SigningKey`] (generate, PKCS#8, public JWK, sign).
//! - `jws.rs`: compact JWS encoding and the parsing used by verification.
//! - `ring.rs`: [`KeyEntry`], [`KeyRing`] (active key, JWKS, rotation, verification).
//! - `jwe.rs`: compact JWE encryption of ID tokens to a client's RSA key ([`jwe::encrypt_compact`]).

mod alg;
pub mod jwe;
mod jws;
mod ring;
mod signing_key;
#[cfg(test)]
mod tests;

pub use alg::{SigningAlg, left_half_hash};
pub use jws::{encode_jws, encode_jws_with_header, insecure_encode_unsigned};
pub use ring::{KeyEntry, KeyRing};
pub use signing_key::SigningKey;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Errors from key handling, JWS encoding and JWS verification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// An algorithm name that is not one of the provider's signing algorithms.
    #[error("expected one of RS256, PS256, ES256, EdDSA (found {found:?})")]
    UnknownAlg {
        /// The name that was given.
        found: String,
    },
    /// Key bytes that aws-lc-rs rejected, or a key unfit for the algorithm.
    #[error("expected a valid PKCS#8 private key for {alg} (found a rejected key: {reason})")]
    BadKey {
        /// The algorithm the key was meant for.
        alg: SigningAlg,
        /// Why it was rejected (never key material).
        reason: String,
    },
    /// Key generation failed inside aws-lc-rs.
    #[error("expected key generation for {alg} to succeed (found an aws-lc-rs failure)")]
    GenerationFailed {
        /// The algorithm of the key being generated.
        alg: SigningAlg,
    },
    /// Signing failed inside aws-lc-rs.
    #[error("expected signing with key {kid:?} ({alg}) to succeed (found an aws-lc-rs failure)")]
    SigningFailed {
        /// Key id of the signing key.
        kid: String,
        /// Algorithm of the signing key.
        alg: SigningAlg,
    },
    /// A JOSE header given for encoding is not a JSON object.
    #[error("expected the JOSE header to be a JSON object (found {found})")]
    HeaderNotObject {
        /// The JSON type that was found.
        found: &'static str,
    },
    /// JSON serialisation of a header or claims set failed.
    #[error("expected serialisable JSON (found an error: {0})")]
    Json(#[from] serde_json::Error),
    /// A token that is not a well-formed compact JWS.
    #[error("expected a compact JWS: {expected} (found {found})")]
    MalformedToken {
        /// What the token should have looked like.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },
    /// An unsigned token (`alg` `none`) where a signed one is required.
    #[error("expected a signed token (found alg {found:?})")]
    UnsignedToken {
        /// The `alg` value as found.
        found: String,
    },
    /// A header carrying `crit` extensions, none of which this provider understands.
    #[error("expected no critical header extensions (found crit {found})")]
    CriticalHeader {
        /// The `crit` value as found.
        found: String,
    },
    /// A header with no string `kid`.
    #[error("expected a string kid in the JOSE header (found {found})")]
    MissingKid {
        /// The `kid` value as found (`none` when absent).
        found: String,
    },
    /// A `kid` that names no published key.
    #[error("expected a kid published in the JWKS (found {kid:?})")]
    UnknownKid {
        /// The unknown key id.
        kid: String,
    },
    /// The header `alg` differs from the algorithm of the key named by `kid`.
    #[error("expected alg {expected} for kid {kid:?} (found {found:?})")]
    AlgMismatch {
        /// Key id named by the header.
        kid: String,
        /// The key's algorithm.
        expected: SigningAlg,
        /// The header's `alg`.
        found: String,
    },
    /// The signature does not verify under the key named by `kid`.
    #[error(
        "expected a valid {alg} signature by kid {kid:?} (found a signature that does not verify)"
    )]
    BadSignature {
        /// Key id named by the header.
        kid: String,
        /// Algorithm used for verification.
        alg: SigningAlg,
    },
    /// A rotation asked for a key id that is already in the ring.
    #[error("expected a new kid not already in the key ring (found {kid:?})")]
    DuplicateKid {
        /// The clashing key id.
        kid: String,
    },
    /// A rotation asked for a key whose algorithm differs from the one being rotated.
    #[error("expected a rotation key with alg {expected} (found {found})")]
    RotationAlgMismatch {
        /// The algorithm being rotated.
        expected: SigningAlg,
        /// The algorithm of the supplied key.
        found: SigningAlg,
    },
    /// A client's encryption key that cannot be used.
    #[error("expected {expected} for ID token encryption")]
    BadEncryptionKey {
        /// What a usable key needs.
        expected: String,
    },
    /// A JWE `alg` or `enc` the provider does not implement.
    #[error("expected a supported JWE {what} (found {found:?})")]
    UnsupportedEncryption {
        /// `alg` or `enc`.
        what: &'static str,
        /// The value given.
        found: String,
    },
    /// Encryption failed inside aws-lc-rs.
    #[error("expected JWE encryption to succeed (found an aws-lc-rs failure)")]
    EncryptionFailed,
    /// A negative grace period for a retired key.
    #[error("expected a grace period of zero seconds or more (found {found})")]
    NegativeGrace {
        /// The grace period given.
        found: i64,
    },
}

/// A fresh random key id: 16 random bytes from aws-lc-rs, base64url without padding (22 chars).
#[must_use]
pub fn new_kid() -> String {
    let mut bytes = [0u8; 16];
    // aws-lc's RAND_bytes never reports failure: it aborts the process when it cannot obtain
    // entropy (include/openssl/rand.h), so the Err arm of this wrapper is unreachable in
    // practice and there is nothing meaningful to fall back to.
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        tracing::error!("aws-lc-rs rand::fill failed while generating a kid");
    }
    b64(&bytes)
}

/// base64url without padding (RFC 7515 section 2 `BASE64URL`).
fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}
