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

use super::{Check, Verdict, may, must, should};
use crate::discovery::{ProviderMetadata, is_loopback};
use crate::spec;

mod advertised;
mod document;
mod origins;
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

/// Every discovery check, in report order.
pub const CHECKS: &[Check<DiscoveryEvidence>] = &[
    must("disc.fetch.status_200")
        .spec(spec::OIDCD_4_2)
        .title("configuration request answered 200 OK")
        .run(document::status_200),
    must("disc.fetch.content_type_json")
        .spec(spec::OIDCD_4_2)
        .title("configuration served as application/json")
        .run(document::content_type_json),
    must("disc.body.json_object")
        .spec(spec::OIDCD_4_2)
        .title("configuration body is a JSON object")
        .run(document::body_json_object),
    must("disc.metadata.no_type_errors")
        .spec(spec::OIDCD_3)
        .title("known metadata fields have the right JSON types")
        .run(document::no_type_errors),
    must("disc.issuer.present")
        .spec(spec::OIDCD_3)
        .title("issuer is present")
        .run(document::issuer_present),
    must("disc.issuer.valid_url")
        .spec(spec::RFC8414_2)
        .title("issuer is an absolute URL")
        .run(document::issuer_valid_url),
    must("disc.issuer.matches_url")
        .spec(spec::OIDCD_4_3)
        .title("issuer is the prefix the document was fetched under")
        .run(document::issuer_matches_url),
    must("disc.issuer.matches_configured")
        .spec(spec::OIDCD_4_3)
        .title("issuer is identical to the configured issuer")
        .run(document::issuer_matches_configured),
    must("disc.issuer.https")
        .spec(spec::OIDCD_3)
        .title("issuer uses https")
        .run(document::issuer_https),
    should("disc.issuer.https_loopback")
        .spec(spec::OIDCD_3)
        .title("loopback issuer uses https")
        .run(document::issuer_https_loopback),
    must("disc.issuer.no_query_fragment")
        .spec(spec::OIDCD_3)
        .title("issuer has no query or fragment")
        .run(document::issuer_no_query_fragment),
    must("disc.authorization_endpoint.present")
        .spec(spec::OIDCD_3)
        .title("authorization_endpoint is present")
        .run(document::authz_present),
    must("disc.authorization_endpoint.https")
        .spec(spec::OIDCD_3)
        .title("authorization_endpoint uses https")
        .run(document::authz_https),
    must("disc.token_endpoint.present")
        .spec(spec::OIDCD_3)
        .title("token_endpoint is present (unless implicit-only)")
        .run(document::token_present),
    must("disc.token_endpoint.https")
        .spec(spec::OIDCD_3)
        .title("token_endpoint uses https")
        .run(document::token_https),
    must("disc.jwks_uri.present")
        .spec(spec::OIDCD_3)
        .title("jwks_uri is present")
        .run(document::jwks_present),
    must("disc.jwks_uri.https")
        .spec(spec::OIDCD_3)
        .title("jwks_uri uses https")
        .run(document::jwks_https),
    should("disc.userinfo_endpoint.present")
        .spec(spec::OIDCD_3)
        .title("userinfo_endpoint is advertised")
        .run(document::userinfo_present),
    must("disc.userinfo_endpoint.https")
        .spec(spec::OIDCD_3)
        .title("userinfo_endpoint uses https")
        .run(document::userinfo_https),
    must("disc.registration_endpoint.https")
        .spec(spec::OIDCD_3)
        .title("registration_endpoint uses https")
        .run(document::registration_https),
    must("disc.end_session_endpoint.https")
        .spec(spec::OIDCRPL_2_1)
        .title("end_session_endpoint uses https")
        .run(document::end_session_https),
    must("disc.endpoints.absolute_no_fragment")
        .spec(spec::RFC6749_3_1)
        .title("endpoints are absolute URLs without fragment")
        .run(document::endpoints_absolute),
    should("disc.endpoints.https_loopback")
        .spec(spec::OIDCD_3)
        .title("loopback provider's endpoints use https")
        .run(document::endpoints_https_loopback),
    may("disc.endpoints.same_origin")
        .spec(spec::OIDCD_3)
        .title("every endpoint is on the issuer's origin")
        .run(origins::endpoints_same_origin),
    should("disc.token_endpoint.same_origin")
        .spec(spec::RFC9700_4_4)
        .title("the token endpoint, where the client secret goes, is on the issuer's origin")
        .run(origins::token_endpoint_same_origin),
    must("disc.response_types.present")
        .spec(spec::OIDCD_3)
        .title("response_types_supported is present")
        .run(advertised::response_types_present),
    should("disc.response_types.includes_code")
        .spec(spec::OIDCD_3)
        .title("response_types_supported includes code")
        .run(advertised::response_types_code),
    should("disc.response_types.registered")
        .spec(spec::OAUTH2MRT_2_1)
        .title("response_types_supported holds registered response types")
        .run(advertised::response_types_registered),
    must("disc.subject_types.present")
        .spec(spec::OIDCD_3)
        .title("subject_types_supported is present")
        .run(advertised::subject_types_present),
    must("disc.subject_types.valid")
        .spec(spec::OIDCD_3)
        .title("subject_types_supported holds only public/pairwise")
        .run(advertised::subject_types_valid),
    must("disc.id_token_algs.present")
        .spec(spec::OIDCD_3)
        .title("id_token_signing_alg_values_supported is present")
        .run(advertised::id_token_algs_present),
    must("disc.id_token_algs.includes_rs256")
        .spec(spec::OIDCD_3)
        .title("id_token_signing_alg_values_supported includes RS256")
        .run(advertised::id_token_algs_rs256),
    must("disc.id_token_algs.not_only_none")
        .spec(spec::OIDCD_3)
        .title("ID tokens can be signed (not only alg none)")
        .run(advertised::id_token_algs_not_only_none),
    should("disc.id_token_algs.no_none")
        .spec(spec::RFC8725_2_1)
        .title("none is not advertised for ID tokens")
        .run(advertised::id_token_algs_no_none),
    should("disc.scopes.present")
        .spec(spec::OIDCD_3)
        .title("scopes_supported is advertised")
        .run(advertised::scopes_present),
    should("disc.scopes.includes_openid")
        .spec(spec::OIDCD_3)
        .title("scopes_supported includes openid")
        .run(advertised::scopes_openid),
    should("disc.scopes.syntax")
        .spec(spec::RFC6749_3_3)
        .title("advertised scopes are valid scope tokens")
        .run(advertised::scopes_syntax),
    should("disc.grant_types.includes_authorization_code")
        .spec(spec::OIDCD_3)
        .title("grant types include authorization_code")
        .run(advertised::grant_types_code),
    may("disc.token_auth_methods.known")
        .spec(spec::RFC8414_2)
        .title("token endpoint auth methods are registered values")
        .run(advertised::token_auth_methods_known),
    should("disc.claims_supported.present")
        .spec(spec::OIDCD_3)
        .title("claims_supported is advertised")
        .run(advertised::claims_supported_present),
    must("disc.pkce.s256")
        .spec(spec::RFC7636_4_2)
        .title("code_challenge_methods_supported includes S256")
        .run(advertised::pkce_s256),
    should("disc.pkce.plain_with_s256")
        .spec(spec::RFC9700_2_1_1)
        .title("plain PKCE only offered alongside S256")
        .run(advertised::pkce_plain_with_s256),
    may("disc.response_modes.known")
        .spec(spec::OAUTH2MRT_2_1)
        .title("response modes are registered values")
        .run(advertised::response_modes_known),
    must("disc.iss_parameter_supported.boolean")
        .spec(spec::RFC9207_3)
        .title("authorization_response_iss_parameter_supported is a boolean")
        .run(advertised::iss_param_boolean),
];

/// Whether a `Content-Type` value has the given media type (parameters and case ignored).
pub(super) fn media_type_is(content_type: &str, media_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(media_type))
}

/// Pass on HTTP 200, otherwise a mismatch naming the status found.
pub(super) fn expect_200(status: u16) -> Verdict {
    if status == 200 {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!("expected status 200 (found {status})"),
            "200",
            status.to_string(),
        )
    }
}

/// Pass when a `Content-Type` value has the media type `want`, otherwise a mismatch naming what
/// was found (or that the header was missing).
pub(super) fn expect_media_type(content_type: Option<&str>, want: &str) -> Verdict {
    match content_type {
        Some(ct) if media_type_is(ct, want) => Verdict::Pass,
        Some(ct) => Verdict::mismatch(format!("expected {want} (found {ct})"), want, ct),
        None => Verdict::fail(format!("expected {want} (found no Content-Type header)")),
    }
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
