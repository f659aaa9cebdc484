//! Checks over ID tokens, following OIDC Core 3.1.3.7 step by step, plus the token-refresh rules
//! of OIDC Core 12.2. Claim checks read the UNVERIFIED token, so every claim problem is reported
//! even when the signature is bad; only `idtoken.signature.valid` judges the signature.
//!
//! - [`header`]: format, `alg`, `kid`, `typ` and the signature.
//! - [`claims`]: iss, aud, azp, nonce, at_hash, c_hash, sub.
//! - [`times`]: exp, iat, nbf, auth_time and max_age.
//! - [`refresh`]: a refreshed ID token against the one it replaces.

use std::fmt;
use std::sync::Arc;

use super::{Check, Verdict};
use crate::jose::{HmacSecret, Jwks, UnverifiedJwt};

pub mod claims;
pub mod header;
pub mod refresh;
pub mod times;

#[cfg(test)]
mod tests;

/// Clock skew tolerated on every time comparison, in seconds.
pub const LEEWAY_SECS: i64 = 60;

/// Oldest `iat` accepted for a freshly issued ID token, in seconds before `now`.
pub const MAX_IAT_AGE_SECS: i64 = 24 * 3600;

/// Everything the ID token checks need. Time is `now` (Unix seconds), never read from a clock.
#[derive(Clone, Default)]
pub struct IdTokenEvidence {
    /// The compact token as received.
    pub raw: String,
    /// The token parsed without verification; `None` when it did not parse.
    pub jwt: Option<UnverifiedJwt>,
    /// Why parsing failed, when it did.
    pub parse_error: Option<String>,
    /// The provider's JWK Set, when it was fetched (shared, not copied per token).
    pub jwks: Option<Arc<Jwks>>,
    /// The client secret as HMAC keys, for HS* ID tokens (prepared once per client; never printed).
    pub client_secret: Option<HmacSecret>,
    /// The issuer identifier expected (from discovery / the target profile).
    pub issuer: String,
    /// The client's `client_id`.
    pub client_id: String,
    /// The `nonce` sent in the authentication request.
    pub nonce_sent: Option<String>,
    /// The `max_age` sent in the authentication request.
    pub max_age_sent: Option<i64>,
    /// Whether `auth_time` was requested as an Essential Claim.
    pub auth_time_requested: bool,
    /// The access token issued alongside (for `at_hash`).
    pub access_token: Option<String>,
    /// The authorization code issued alongside in the front channel (for `c_hash`).
    pub code: Option<String>,
    /// `id_token_signing_alg_values_supported` from discovery.
    pub algs_advertised: Vec<String>,
    /// The client's registered `id_token_signed_response_alg`, when any.
    pub registered_alg: Option<String>,
    /// Whether the client registered ID token encryption (`id_token_encrypted_response_alg`).
    pub encryption_registered: bool,
    /// Current time, Unix seconds.
    pub now: i64,
    /// The earlier ID token this one replaces (refresh), for OIDC Core 12.2 comparisons.
    pub previous: Option<UnverifiedJwt>,
}

impl fmt::Debug for IdTokenEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |o: &Option<String>| o.as_ref().map(|_| "<redacted>");
        f.debug_struct("IdTokenEvidence")
            .field("jwt", &self.jwt)
            .field("parse_error", &self.parse_error)
            .field("client_secret", &self.client_secret)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("nonce_sent", &self.nonce_sent)
            .field("max_age_sent", &self.max_age_sent)
            .field("auth_time_requested", &self.auth_time_requested)
            .field("access_token", &redacted(&self.access_token))
            .field("code", &redacted(&self.code))
            .field("algs_advertised", &self.algs_advertised)
            .field("registered_alg", &self.registered_alg)
            .field("encryption_registered", &self.encryption_registered)
            .field("now", &self.now)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl IdTokenEvidence {
    /// Evidence for `raw`, parsed here; every other field at its default.
    pub fn from_raw(raw: &str) -> Self {
        let (jwt, parse_error) = match UnverifiedJwt::parse(raw) {
            Ok(jwt) => (Some(jwt), None),
            Err(err) => (None, Some(err.to_string())),
        };
        IdTokenEvidence {
            raw: raw.to_owned(),
            jwt,
            parse_error,
            ..IdTokenEvidence::default()
        }
    }
}

/// Runs `f` on the parsed token, or skips when it did not parse.
pub(crate) fn with_jwt(e: &IdTokenEvidence, f: impl FnOnce(&UnverifiedJwt) -> Verdict) -> Verdict {
    match &e.jwt {
        Some(jwt) => f(jwt),
        None => Verdict::skip("the ID token did not parse as a JWS"),
    }
}

/// The auth_time checks (in [`CHECKS`] order), for a request that sent `max_age`.
pub const AUTH_TIME_CHECKS: &[Check<IdTokenEvidence>] =
    &[times::AUTH_TIME_WHEN_REQUIRED, times::AUTH_TIME_VALID, times::AUTH_TIME_WITHIN_MAX_AGE];

/// Every ID token check, in OIDC Core 3.1.3.7 order, then the refresh comparisons.
pub const CHECKS: &[Check<IdTokenEvidence>] = &[
    header::FORMAT_JWS,
    header::ALG_PRESENT,
    header::ALG_NOT_NONE,
    header::ALG_ADVERTISED,
    header::ALG_REGISTERED,
    header::TYP_NOT_AT_JWT,
    header::KID_WHEN_SEVERAL,
    header::KID_RESOLVES,
    header::SIGNATURE_VALID,
    claims::ISS_MATCHES,
    claims::AUD_CONTAINS_CLIENT,
    claims::AUD_NO_UNTRUSTED,
    claims::AZP_WHEN_MULTIPLE_AUD,
    claims::AZP_MATCHES_CLIENT,
    times::EXP_PRESENT,
    times::EXP_IN_FUTURE,
    times::IAT_PRESENT,
    times::IAT_NOT_IN_FUTURE,
    times::IAT_RECENT,
    times::NBF_NOT_IN_FUTURE,
    claims::NONCE_MATCHES,
    claims::NONCE_UNSOLICITED,
    times::AUTH_TIME_WHEN_REQUIRED,
    times::AUTH_TIME_VALID,
    times::AUTH_TIME_WITHIN_MAX_AGE,
    claims::AT_HASH_MATCHES,
    claims::AT_HASH_PRESENT,
    claims::C_HASH_MATCHES,
    claims::SUB_PRESENT,
    claims::SUB_LENGTH,
    refresh::ISS_SAME,
    refresh::SUB_SAME,
    refresh::AUD_SAME,
    refresh::AZP_SAME,
    refresh::AUTH_TIME_SAME,
    refresh::IAT_NOT_EARLIER,
];
