//! Checks over the provider's JWK Set (`jwks_uri`): transport, document shape and every key
//! (RFC 7517, RFC 7518 section 6, OIDC Discovery section 3, OIDC Core section 10.1).
//! The catalogue (ids, levels, spec references) is here; the rule bodies are in `rules`.

use serde_json::Value;

use super::{Check, Level, Verdict};
use crate::jose::Jwks;

mod rules;

/// What the harness saw when fetching `jwks_uri`.
#[derive(Debug, Clone, Default)]
pub struct JwksEvidence {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The body as JSON; `None` when it was not JSON.
    pub body: Option<Value>,
    /// The body parsed as a JWK Set; `None` when it is not `{"keys":[...]}`.
    pub jwks: Option<Jwks>,
    /// `id_token_signing_alg_values_supported` from discovery.
    pub id_token_algs_advertised: Vec<String>,
}

const fn check(
    id: &'static str,
    title: &'static str,
    spec: &'static str,
    level: Level,
    run: fn(&JwksEvidence) -> Verdict,
) -> Check<JwksEvidence> {
    Check::new(id, level, spec, title, run)
}

/// The JWKS endpoint answers 200.
pub const STATUS_OK: Check<JwksEvidence> = check(
    "jwks.fetch.status_ok",
    "jwks_uri answers 200 OK",
    "OIDCD-3",
    Level::Must,
    rules::status_ok,
);
/// The JWK Set is served as JSON.
pub const CONTENT_TYPE_JSON: Check<JwksEvidence> = check(
    "jwks.fetch.content_type_json",
    "jwks_uri is served as application/json or application/jwk-set+json",
    "RFC7517-8.5",
    Level::Should,
    rules::content_type_json,
);
/// The body is `{"keys":[...]}`.
pub const IS_JWK_SET: Check<JwksEvidence> = check(
    "jwks.body.is_jwk_set",
    "the body is a JSON object with a `keys` array",
    "RFC7517-5",
    Level::Must,
    rules::is_jwk_set,
);
/// At least one key is published.
pub const NON_EMPTY: Check<JwksEvidence> = check(
    "jwks.keys.non_empty",
    "the JWK Set publishes at least one key",
    "OIDCD-3",
    Level::Must,
    rules::non_empty,
);
/// Every key has `kty`.
pub const KTY_PRESENT: Check<JwksEvidence> = check(
    "jwks.keys.kty_present",
    "every key has a string `kty`",
    "RFC7517-4.1",
    Level::Must,
    rules::kty_present,
);
/// Every key of a known type is well formed.
pub const PARSEABLE: Check<JwksEvidence> = check(
    "jwks.keys.parseable",
    "every RSA/EC/OKP key is a well-formed public key",
    "RFC7517-4",
    Level::Must,
    rules::parseable,
);
/// Keys carry `kid` when there are several signing keys.
pub const KID_WHEN_SEVERAL: Check<JwksEvidence> = check(
    "jwks.keys.kid_when_several",
    "every signing key has a `kid` when several signing keys are published",
    "OIDCC-10.1",
    Level::Should,
    rules::kid_when_several,
);
/// `kid` values are distinct.
pub const KID_UNIQUE: Check<JwksEvidence> = check(
    "jwks.keys.kid_unique",
    "keys of the same type and use have distinct `kid` values",
    "RFC7517-4.5",
    Level::Should,
    rules::kid_unique,
);
/// `use` is `sig` or `enc` and agrees with `alg`.
pub const USE_VALID: Check<JwksEvidence> = check(
    "jwks.keys.use_valid",
    "`use` is \"sig\" or \"enc\", and keys with a signature alg are not marked \"enc\"",
    "RFC7517-4.2",
    Level::May,
    rules::use_valid,
);
/// `use` is present on all keys when signing and encryption keys are mixed.
pub const USE_WHEN_MIXED: Check<JwksEvidence> = check(
    "jwks.keys.use_when_mixed",
    "every key has `use` when both signing and encryption keys are published",
    "OIDCD-3",
    Level::Must,
    rules::use_when_mixed,
);
/// `alg`, when present, fits the key type and curve.
pub const ALG_MATCHES_KTY: Check<JwksEvidence> = check(
    "jwks.keys.alg_matches_kty",
    "a key's `alg` fits its `kty` (and `crv`)",
    "RFC7518-3.1",
    Level::Should,
    rules::alg_matches_kty,
);
/// No private or symmetric key material.
pub const NO_PRIVATE_MEMBERS: Check<JwksEvidence> = check(
    "jwks.keys.no_private_members",
    "no key contains private or symmetric members (d, p, q, dp, dq, qi, oth, k)",
    "OIDCD-3",
    Level::Must,
    rules::no_private_members,
);
/// RSA integers use the minimum number of octets.
pub const RSA_MINIMAL_INTEGERS: Check<JwksEvidence> = check(
    "jwks.keys.rsa_minimal_integers",
    "RSA n and e are Base64urlUInt without leading zero octets",
    "RFC7518-2",
    Level::Must,
    rules::rsa_minimal_integers,
);
/// RSA keys are at least 2048 bits.
pub const RSA_MIN_SIZE: Check<JwksEvidence> = check(
    "jwks.keys.rsa_min_2048",
    "RSA moduli are at least 2048 bits",
    "RFC7518-3.3",
    Level::Must,
    rules::rsa_min_size,
);
/// Curves are registered JOSE curves.
pub const CURVE_SUPPORTED: Check<JwksEvidence> = check(
    "jwks.keys.curve_supported",
    "EC keys use P-256, P-384 or P-521; OKP keys Ed25519, Ed448, X25519 or X448",
    "RFC7518-6.2.1.1",
    Level::May,
    rules::curve_supported,
);
/// Each advertised ID token signing alg has a key.
pub const COVERS_ADVERTISED_ALGS: Check<JwksEvidence> = check(
    "jwks.keys.cover_advertised_algs",
    "each advertised asymmetric id_token signing alg has a usable key",
    "OIDCD-3",
    Level::Must,
    rules::covers_advertised_algs,
);

/// Every JWKS check, in report order.
pub const CHECKS: &[Check<JwksEvidence>] = &[
    STATUS_OK,
    CONTENT_TYPE_JSON,
    IS_JWK_SET,
    NON_EMPTY,
    KTY_PRESENT,
    PARSEABLE,
    KID_WHEN_SEVERAL,
    KID_UNIQUE,
    USE_VALID,
    USE_WHEN_MIXED,
    ALG_MATCHES_KTY,
    NO_PRIVATE_MEMBERS,
    RSA_MINIMAL_INTEGERS,
    RSA_MIN_SIZE,
    CURVE_SUPPORTED,
    COVERS_ADVERTISED_ALGS,
];

#[cfg(test)]
mod tests;
