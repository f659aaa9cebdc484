//! Checks over the provider configuration document (OIDC Discovery §3–4, RFC 8414 §2).
//!
//! Evidence is the raw fetch result plus the leniently parsed [`ProviderMetadata`]; every check
//! here is pure. Checks that need the metadata skip when the body was not a JSON object (that
//! failure is reported once, by `disc.body.json_object`).
//!
//! Loopback providers (127.0.0.1, `::1`, `localhost`) may use plain http: the https MUST checks
//! skip for loopback URLs and the `*.https_loopback` checks report it at SHOULD level instead.

use serde_json::Value;
use url::Url;

use super::{Check, Level, Verdict};
use crate::discovery::{ProviderMetadata, is_loopback};

mod advertised;
mod document;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// What the harness saw when it fetched the configuration document.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryEvidence {
    /// The discovery URL actually fetched.
    pub fetched_from: String,
    /// The issuer configured in the target profile, exactly as written.
    pub expected_issuer: String,
    /// HTTP status of the response.
    pub status: u16,
    /// `Content-Type` header value, when present.
    pub content_type: Option<String>,
    /// The body parsed as JSON; `None` when it was not JSON.
    pub body: Option<Value>,
    /// The body parsed as provider metadata; `None` when it was not a JSON object.
    pub metadata: Option<ProviderMetadata>,
    /// Whether the configured issuer's host is loopback (127.0.0.1, `::1`, `localhost`).
    pub loopback: bool,
}

impl DiscoveryEvidence {
    /// Builds the evidence from a raw response: parses the body and derives the rest.
    pub fn from_response(
        fetched_from: &Url,
        expected_issuer: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Self {
        let body: Option<Value> = serde_json::from_slice(body).ok();
        let metadata = body.as_ref().and_then(ProviderMetadata::from_json);
        let loopback = Url::parse(expected_issuer)
            .map(|u| is_loopback(&u))
            .unwrap_or(false);
        DiscoveryEvidence {
            fetched_from: fetched_from.to_string(),
            expected_issuer: expected_issuer.to_owned(),
            status,
            content_type: content_type.map(str::to_owned),
            body,
            metadata,
            loopback,
        }
    }
}

const fn c(
    id: &'static str,
    level: Level,
    spec: &'static str,
    title: &'static str,
    run: fn(&DiscoveryEvidence) -> Verdict,
) -> Check<DiscoveryEvidence> {
    Check::new(id, level, spec, title, run)
}

use Level::{May, Must, Should};

/// Every discovery check, in report order.
pub const CHECKS: &[Check<DiscoveryEvidence>] = &[
    c(
        "disc.fetch.status_200",
        Must,
        "OIDCD-4.2",
        "configuration request answered 200 OK",
        document::status_200,
    ),
    c(
        "disc.fetch.content_type_json",
        Must,
        "OIDCD-4.2",
        "configuration served as application/json",
        document::content_type_json,
    ),
    c(
        "disc.body.json_object",
        Must,
        "OIDCD-4.2",
        "configuration body is a JSON object",
        document::body_json_object,
    ),
    c(
        "disc.metadata.no_type_errors",
        Must,
        "OIDCD-3",
        "known metadata fields have the right JSON types",
        document::no_type_errors,
    ),
    c(
        "disc.issuer.present",
        Must,
        "OIDCD-3",
        "issuer is present",
        document::issuer_present,
    ),
    c(
        "disc.issuer.valid_url",
        Must,
        "RFC8414-2",
        "issuer is an absolute URL",
        document::issuer_valid_url,
    ),
    c(
        "disc.issuer.matches_url",
        Must,
        "OIDCD-4.3",
        "issuer is the prefix the document was fetched under",
        document::issuer_matches_url,
    ),
    c(
        "disc.issuer.matches_configured",
        Must,
        "OIDCD-4.3",
        "issuer is identical to the configured issuer",
        document::issuer_matches_configured,
    ),
    c(
        "disc.issuer.https",
        Must,
        "OIDCD-3",
        "issuer uses https",
        document::issuer_https,
    ),
    c(
        "disc.issuer.https_loopback",
        Should,
        "OIDCD-3",
        "loopback issuer uses https",
        document::issuer_https_loopback,
    ),
    c(
        "disc.issuer.no_query_fragment",
        Must,
        "OIDCD-3",
        "issuer has no query or fragment",
        document::issuer_no_query_fragment,
    ),
    c(
        "disc.authorization_endpoint.present",
        Must,
        "OIDCD-3",
        "authorization_endpoint is present",
        document::authz_present,
    ),
    c(
        "disc.authorization_endpoint.https",
        Must,
        "OIDCD-3",
        "authorization_endpoint uses https",
        document::authz_https,
    ),
    c(
        "disc.token_endpoint.present",
        Must,
        "OIDCD-3",
        "token_endpoint is present (unless implicit-only)",
        document::token_present,
    ),
    c(
        "disc.token_endpoint.https",
        Must,
        "OIDCD-3",
        "token_endpoint uses https",
        document::token_https,
    ),
    c(
        "disc.jwks_uri.present",
        Must,
        "OIDCD-3",
        "jwks_uri is present",
        document::jwks_present,
    ),
    c(
        "disc.jwks_uri.https",
        Must,
        "OIDCD-3",
        "jwks_uri uses https",
        document::jwks_https,
    ),
    c(
        "disc.userinfo_endpoint.present",
        Should,
        "OIDCD-3",
        "userinfo_endpoint is advertised",
        document::userinfo_present,
    ),
    c(
        "disc.userinfo_endpoint.https",
        Must,
        "OIDCD-3",
        "userinfo_endpoint uses https",
        document::userinfo_https,
    ),
    c(
        "disc.registration_endpoint.https",
        Must,
        "OIDCD-3",
        "registration_endpoint uses https",
        document::registration_https,
    ),
    c(
        "disc.end_session_endpoint.https",
        Must,
        "OIDCRPL-2.1",
        "end_session_endpoint uses https",
        document::end_session_https,
    ),
    c(
        "disc.endpoints.absolute_no_fragment",
        Must,
        "RFC6749-3.1",
        "endpoints are absolute URLs without fragment",
        document::endpoints_absolute,
    ),
    c(
        "disc.endpoints.https_loopback",
        Should,
        "OIDCD-3",
        "loopback provider's endpoints use https",
        document::endpoints_https_loopback,
    ),
    c(
        "disc.response_types.present",
        Must,
        "OIDCD-3",
        "response_types_supported is present",
        advertised::response_types_present,
    ),
    c(
        "disc.response_types.includes_code",
        Should,
        "OIDCD-3",
        "response_types_supported includes code",
        advertised::response_types_code,
    ),
    c(
        "disc.subject_types.present",
        Must,
        "OIDCD-3",
        "subject_types_supported is present",
        advertised::subject_types_present,
    ),
    c(
        "disc.subject_types.valid",
        Must,
        "OIDCD-3",
        "subject_types_supported holds only public/pairwise",
        advertised::subject_types_valid,
    ),
    c(
        "disc.id_token_algs.present",
        Must,
        "OIDCD-3",
        "id_token_signing_alg_values_supported is present",
        advertised::id_token_algs_present,
    ),
    c(
        "disc.id_token_algs.includes_rs256",
        Must,
        "OIDCD-3",
        "id_token_signing_alg_values_supported includes RS256",
        advertised::id_token_algs_rs256,
    ),
    c(
        "disc.id_token_algs.not_only_none",
        Must,
        "OIDCD-3",
        "ID tokens can be signed (not only alg none)",
        advertised::id_token_algs_not_only_none,
    ),
    c(
        "disc.scopes.present",
        Should,
        "OIDCD-3",
        "scopes_supported is advertised",
        advertised::scopes_present,
    ),
    c(
        "disc.scopes.includes_openid",
        Should,
        "OIDCD-3",
        "scopes_supported includes openid",
        advertised::scopes_openid,
    ),
    c(
        "disc.scopes.syntax",
        Should,
        "RFC6749-3.3",
        "advertised scopes are valid scope tokens",
        advertised::scopes_syntax,
    ),
    c(
        "disc.grant_types.includes_authorization_code",
        Should,
        "OIDCD-3",
        "grant types include authorization_code",
        advertised::grant_types_code,
    ),
    c(
        "disc.token_auth_methods.known",
        May,
        "RFC8414-2",
        "token endpoint auth methods are registered values",
        advertised::token_auth_methods_known,
    ),
    c(
        "disc.claims_supported.present",
        Should,
        "OIDCD-3",
        "claims_supported is advertised",
        advertised::claims_supported_present,
    ),
    c(
        "disc.pkce.s256",
        Must,
        "RFC7636-4.2",
        "code_challenge_methods_supported includes S256",
        advertised::pkce_s256,
    ),
    c(
        "disc.pkce.plain_with_s256",
        Should,
        "RFC9700-2.1.1",
        "plain PKCE only offered alongside S256",
        advertised::pkce_plain_with_s256,
    ),
    c(
        "disc.response_modes.known",
        May,
        "OAUTH2MRT-2.1",
        "response modes are registered values",
        advertised::response_modes_known,
    ),
    c(
        "disc.iss_parameter_supported.boolean",
        Must,
        "RFC9207-3",
        "authorization_response_iss_parameter_supported is a boolean",
        advertised::iss_param_boolean,
    ),
];

/// Whether a `Content-Type` value has the given media type (parameters and case ignored).
pub(super) fn media_type_is(content_type: &str, media_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(media_type))
}

/// Whether `s` is a scope token: 1*NQCHAR (RFC 6749 §3.3: %x21 / %x23-5B / %x5D-7E).
pub(super) fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// Runs `f` on the metadata, or skips when the body was not a JSON object.
fn with_meta(ev: &DiscoveryEvidence, f: impl FnOnce(&ProviderMetadata) -> Verdict) -> Verdict {
    match &ev.metadata {
        Some(m) => f(m),
        None => Verdict::skip("no metadata: the body was not a JSON object"),
    }
}

/// What stands in a field the typed view found absent: `none`, or the wrong JSON type.
fn found_instead(m: &ProviderMetadata, field: &str) -> String {
    match m.raw.get(field) {
        None => "none".to_owned(),
        Some(v) => format!("a {}", crate::discovery::json_type(v)),
    }
}
