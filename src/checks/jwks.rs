//! Checks over the provider's JWK Set (`jwks_uri`): transport, document shape and every key
//! (RFC 7517, RFC 7518 section 6, OIDC Discovery section 3, OIDC Core section 10.1).
//! The catalogue (ids, levels, spec references) is here; the rule bodies are in `rules`.

use serde_json::Value;

use super::{Check, may, must, should};
use crate::jose::Jwks;
use crate::spec;

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

/// The JWKS endpoint answers 200.
pub const STATUS_OK: Check<JwksEvidence> = must("jwks.fetch.status_ok")
    .spec(spec::OIDCD_3)
    .title("jwks_uri answers 200 OK")
    .run(rules::status_ok);
/// The JWK Set is served as JSON.
pub const CONTENT_TYPE_JSON: Check<JwksEvidence> = should("jwks.fetch.content_type_json")
    .spec(spec::RFC7517_8_5)
    .title("jwks_uri is served as application/json or application/jwk-set+json")
    .run(rules::content_type_json);
/// The body is `{"keys":[...]}`.
pub const IS_JWK_SET: Check<JwksEvidence> = must("jwks.body.is_jwk_set")
    .spec(spec::RFC7517_5)
    .title("the body is a JSON object with a `keys` array")
    .run(rules::is_jwk_set);
/// At least one key is published.
pub const NON_EMPTY: Check<JwksEvidence> = must("jwks.keys.non_empty")
    .spec(spec::OIDCD_3)
    .title("the JWK Set publishes at least one key")
    .run(rules::non_empty);
/// Every key has `kty`.
pub const KTY_PRESENT: Check<JwksEvidence> = must("jwks.keys.kty_present")
    .spec(spec::RFC7517_4_1)
    .title("every key has a string `kty`")
    .run(rules::kty_present);
/// Every key of a known type is well formed.
pub const PARSEABLE: Check<JwksEvidence> = must("jwks.keys.parseable")
    .spec(spec::RFC7517_4)
    .title("every RSA/EC/OKP key is a well-formed public key")
    .run(rules::parseable);
/// Keys carry `kid` when there are several signing keys.
pub const KID_WHEN_SEVERAL: Check<JwksEvidence> = should("jwks.keys.kid_when_several")
    .spec(spec::OIDCC_10_1)
    .title("every signing key has a `kid` when several signing keys are published")
    .run(rules::kid_when_several);
/// `kid` values are distinct.
pub const KID_UNIQUE: Check<JwksEvidence> = should("jwks.keys.kid_unique")
    .spec(spec::RFC7517_4_5)
    .title("keys of the same type and use have distinct `kid` values")
    .run(rules::kid_unique);
/// `use` is `sig` or `enc` and agrees with `alg`.
pub const USE_VALID: Check<JwksEvidence> = may("jwks.keys.use_valid")
    .spec(spec::RFC7517_4_2)
    .title("`use` is \"sig\" or \"enc\", and keys with a signature alg are not marked \"enc\"")
    .run(rules::use_valid);
/// `use` is present on all keys when signing and encryption keys are mixed.
pub const USE_WHEN_MIXED: Check<JwksEvidence> = must("jwks.keys.use_when_mixed")
    .spec(spec::OIDCD_3)
    .title("every key has `use` when both signing and encryption keys are published")
    .run(rules::use_when_mixed);
/// `alg`, when present, fits the key type and curve.
pub const ALG_MATCHES_KTY: Check<JwksEvidence> = should("jwks.keys.alg_matches_kty")
    .spec(spec::RFC7518_3_1)
    .title("a key's `alg` fits its `kty` (and `crv`)")
    .run(rules::alg_matches_kty);
/// No private or symmetric key material.
pub const NO_PRIVATE_MEMBERS: Check<JwksEvidence> = must("jwks.keys.no_private_members")
    .spec(spec::OIDCD_3)
    .title("no key contains private or symmetric members (d, p, q, dp, dq, qi, oth, k)")
    .run(rules::no_private_members);
/// RSA integers use the minimum number of octets.
pub const RSA_MINIMAL_INTEGERS: Check<JwksEvidence> = must("jwks.keys.rsa_minimal_integers")
    .spec(spec::RFC7518_2)
    .title("RSA n and e are Base64urlUInt without leading zero octets")
    .run(rules::rsa_minimal_integers);
/// RSA keys are at least 2048 bits.
pub const RSA_MIN_SIZE: Check<JwksEvidence> = must("jwks.keys.rsa_min_2048")
    .spec(spec::RFC7518_3_3)
    .title("RSA moduli are at least 2048 bits")
    .run(rules::rsa_min_size);
/// Curves are registered JOSE curves.
pub const CURVE_SUPPORTED: Check<JwksEvidence> = may("jwks.keys.curve_supported")
    .spec(spec::RFC7518_6_2_1_1)
    .title("EC keys use P-256, P-384 or P-521; OKP keys Ed25519, Ed448, X25519 or X448")
    .run(rules::curve_supported);
/// Each advertised ID token signing alg has a key.
pub const COVERS_ADVERTISED_ALGS: Check<JwksEvidence> = must("jwks.keys.cover_advertised_algs")
    .spec(spec::OIDCD_3)
    .title("each advertised asymmetric id_token signing alg has a usable key")
    .run(rules::covers_advertised_algs);

/// Keys say their algorithm.
pub const ALG_PRESENT: Check<JwksEvidence> = may("jwks.keys.alg_present")
    .spec(spec::RFC7517_4_4)
    .title("every key has `alg`")
    .run(rules::alg_present);
/// Keys say their use.
pub const USE_PRESENT: Check<JwksEvidence> = may("jwks.keys.use_present")
    .spec(spec::RFC7517_4_2)
    .title("every key has `use`")
    .run(rules::use_present);
/// Signing keys are for advertised algorithms.
pub const ALG_ADVERTISED: Check<JwksEvidence> = may("jwks.keys.alg_advertised")
    .spec(spec::OIDCD_3)
    .title("a signing key's `alg` is among the advertised ID token algorithms")
    .run(rules::alg_advertised);

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
    ALG_PRESENT,
    USE_PRESENT,
    ALG_ADVERTISED,
];

#[cfg(test)]
mod tests;
