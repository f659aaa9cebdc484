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

use super::{Check, CheckDef, Level, Verdict};
use crate::discovery::{ProviderMetadata, WELL_KNOWN_SUFFIX, is_loopback};

#[cfg(test)]
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
        let loopback = Url::parse(expected_issuer).map(|u| is_loopback(&u)).unwrap_or(false);
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
    Check { def: CheckDef { id, title, spec, level }, run }
}

use Level::{May, Must, Should};

/// Every discovery check, in report order.
pub const CHECKS: &[Check<DiscoveryEvidence>] = &[
    c("disc.fetch.status_200", Must, "OIDCD-4.2", "configuration request answered 200 OK", status_200),
    c("disc.fetch.content_type_json", Must, "OIDCD-4.2", "configuration served as application/json", content_type_json),
    c("disc.body.json_object", Must, "OIDCD-4.2", "configuration body is a JSON object", body_json_object),
    c("disc.metadata.no_type_errors", Must, "OIDCD-3", "known metadata fields have the right JSON types", no_type_errors),
    c("disc.issuer.present", Must, "OIDCD-3", "issuer is present", issuer_present),
    c("disc.issuer.valid_url", Must, "RFC8414-2", "issuer is an absolute URL", issuer_valid_url),
    c("disc.issuer.matches_url", Must, "OIDCD-4.3", "issuer is the prefix the document was fetched under", issuer_matches_url),
    c("disc.issuer.matches_configured", Must, "OIDCD-4.3", "issuer is identical to the configured issuer", issuer_matches_configured),
    c("disc.issuer.https", Must, "OIDCD-3", "issuer uses https", issuer_https),
    c("disc.issuer.https_loopback", Should, "OIDCD-3", "loopback issuer uses https", issuer_https_loopback),
    c("disc.issuer.no_query_fragment", Must, "OIDCD-3", "issuer has no query or fragment", issuer_no_query_fragment),
    c("disc.authorization_endpoint.present", Must, "OIDCD-3", "authorization_endpoint is present", authz_present),
    c("disc.authorization_endpoint.https", Must, "OIDCD-3", "authorization_endpoint uses https", authz_https),
    c("disc.token_endpoint.present", Must, "OIDCD-3", "token_endpoint is present (unless implicit-only)", token_present),
    c("disc.token_endpoint.https", Must, "OIDCD-3", "token_endpoint uses https", token_https),
    c("disc.jwks_uri.present", Must, "OIDCD-3", "jwks_uri is present", jwks_present),
    c("disc.jwks_uri.https", Must, "OIDCD-3", "jwks_uri uses https", jwks_https),
    c("disc.userinfo_endpoint.present", Should, "OIDCD-3", "userinfo_endpoint is advertised", userinfo_present),
    c("disc.userinfo_endpoint.https", Must, "OIDCD-3", "userinfo_endpoint uses https", userinfo_https),
    c("disc.registration_endpoint.https", Must, "OIDCD-3", "registration_endpoint uses https", registration_https),
    c("disc.end_session_endpoint.https", Must, "OIDCRPL-2.1", "end_session_endpoint uses https", end_session_https),
    c("disc.endpoints.absolute_no_fragment", Must, "RFC6749-3.1", "endpoints are absolute URLs without fragment", endpoints_absolute),
    c("disc.endpoints.https_loopback", Should, "OIDCD-3", "loopback provider's endpoints use https", endpoints_https_loopback),
    c("disc.response_types.present", Must, "OIDCD-3", "response_types_supported is present", response_types_present),
    c("disc.response_types.includes_code", Must, "OIDCD-3", "response_types_supported includes code", response_types_code),
    c("disc.subject_types.present", Must, "OIDCD-3", "subject_types_supported is present", subject_types_present),
    c("disc.subject_types.valid", Must, "OIDCD-3", "subject_types_supported holds only public/pairwise", subject_types_valid),
    c("disc.id_token_algs.present", Must, "OIDCD-3", "id_token_signing_alg_values_supported is present", id_token_algs_present),
    c("disc.id_token_algs.includes_rs256", Must, "OIDCD-3", "id_token_signing_alg_values_supported includes RS256", id_token_algs_rs256),
    c("disc.id_token_algs.not_only_none", Must, "OIDCD-3", "ID tokens can be signed (not only alg none)", id_token_algs_not_only_none),
    c("disc.scopes.present", Should, "OIDCD-3", "scopes_supported is advertised", scopes_present),
    c("disc.scopes.includes_openid", Must, "OIDCD-3", "scopes_supported includes openid", scopes_openid),
    c("disc.scopes.syntax", Must, "RFC6749-3.3", "advertised scopes are valid scope tokens", scopes_syntax),
    c("disc.grant_types.includes_authorization_code", Must, "OIDCD-3", "grant types include authorization_code", grant_types_code),
    c("disc.token_auth_methods.known", May, "RFC8414-2", "token endpoint auth methods are registered values", token_auth_methods_known),
    c("disc.claims_supported.present", Should, "OIDCD-3", "claims_supported is advertised", claims_supported_present),
    c("disc.pkce.s256", Must, "RFC7636-4.2", "code_challenge_methods_supported includes S256", pkce_s256),
    c("disc.pkce.plain_with_s256", Should, "RFC9700-2.1.1", "plain PKCE only offered alongside S256", pkce_plain_with_s256),
    c("disc.response_modes.known", May, "OAUTH2MRT-2.1", "response modes are registered values", response_modes_known),
    c("disc.iss_parameter_supported.boolean", Must, "RFC9207-3", "authorization_response_iss_parameter_supported is a boolean", iss_param_boolean),
];

/// Whether a `Content-Type` value has the given media type (parameters and case ignored).
pub(super) fn media_type_is(content_type: &str, media_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case(media_type))
}

/// Whether `s` is a scope token: 1*NQCHAR (RFC 6749 §3.3: %x21 / %x23-5B / %x5D-7E).
pub(super) fn is_scope_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// Runs `f` on the metadata, or skips when the body was not a JSON object.
fn with_meta(ev: &DiscoveryEvidence, f: impl FnOnce(&ProviderMetadata) -> Verdict) -> Verdict {
    match &ev.metadata {
        Some(m) => f(m),
        None => Verdict::skip("no metadata: the body was not a JSON object"),
    }
}

fn status_200(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-4.2: "A successful response MUST use the 200 OK HTTP status code".
    if ev.status == 200 {
        Verdict::Pass
    } else {
        Verdict::mismatch(format!("expected status 200 (found {})", ev.status), "200", ev.status.to_string())
    }
}

fn content_type_json(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-4.2: "return a JSON object using the application/json content type".
    match &ev.content_type {
        Some(ct) if media_type_is(ct, "application/json") => Verdict::Pass,
        Some(ct) => Verdict::mismatch(
            format!("expected application/json (found {ct})"),
            "application/json",
            ct.clone(),
        ),
        None => Verdict::fail("expected application/json (found no Content-Type header)"),
    }
}

fn body_json_object(ev: &DiscoveryEvidence) -> Verdict {
    match &ev.body {
        Some(Value::Object(_)) => Verdict::Pass,
        Some(other) => {
            Verdict::fail(format!("expected a JSON object (found {})", crate::discovery::json_type(other)))
        }
        None => Verdict::fail("expected a JSON object (found a body that is not JSON)"),
    }
}

fn no_type_errors(ev: &DiscoveryEvidence) -> Verdict {
    // The RFC 9207 flag has its own check (disc.iss_parameter_supported.boolean).
    with_meta(ev, |m| {
        let errors: Vec<&str> = m
            .type_errors
            .iter()
            .map(String::as_str)
            .filter(|e| !e.starts_with("field authorization_response_iss_parameter_supported:"))
            .collect();
        Verdict::check(errors.is_empty(), errors.join("; "))
    })
}

fn issuer_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| Verdict::check(m.issuer.is_some(), "expected issuer string (found none)"))
}

/// The issuer parsed as a URL, or the verdict to return instead.
fn issuer_url(m: &ProviderMetadata) -> Result<Url, Verdict> {
    let iss = m.issuer.as_deref().ok_or_else(|| Verdict::skip("no issuer"))?;
    Url::parse(iss).map_err(|_| Verdict::skip("issuer is not a URL (see disc.issuer.valid_url)"))
}

fn issuer_valid_url(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| match m.issuer.as_deref() {
        None => Verdict::skip("no issuer"),
        Some(iss) => match Url::parse(iss) {
            Ok(u) if !u.cannot_be_a_base() && u.has_host() => Verdict::Pass,
            _ => Verdict::mismatch(format!("expected an absolute URL (found {iss:?})"), "absolute URL", iss),
        },
    })
}

fn issuer_matches_url(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-4.3: the issuer MUST be identical to the URL used as prefix to the well-known path.
    with_meta(ev, |m| {
        let Some(iss) = m.issuer.as_deref() else { return Verdict::skip("no issuer") };
        let rebuilt = format!("{}{WELL_KNOWN_SUFFIX}", iss.trim_end_matches('/'));
        if rebuilt == ev.fetched_from {
            Verdict::Pass
        } else {
            let prefix = ev.fetched_from.strip_suffix(WELL_KNOWN_SUFFIX).unwrap_or(&ev.fetched_from);
            Verdict::mismatch(
                format!("expected issuer {prefix} (found {iss})"),
                prefix.to_owned(),
                iss.to_owned(),
            )
        }
    })
}

fn issuer_matches_configured(ev: &DiscoveryEvidence) -> Verdict {
    // Exact string comparison: ID token `iss` is compared the same way (OIDCC-3.1.3.7).
    with_meta(ev, |m| {
        let Some(iss) = m.issuer.as_deref() else { return Verdict::skip("no issuer") };
        if iss == ev.expected_issuer {
            Verdict::Pass
        } else {
            Verdict::mismatch(
                format!("expected issuer {} (found {iss})", ev.expected_issuer),
                ev.expected_issuer.clone(),
                iss.to_owned(),
            )
        }
    })
}

fn scheme_is_https(what: &str, u: &Url) -> Verdict {
    if u.scheme() == "https" {
        Verdict::Pass
    } else {
        Verdict::mismatch(format!("expected {what} to use https (found {})", u.scheme()), "https", u.scheme())
    }
}

fn issuer_https(ev: &DiscoveryEvidence) -> Verdict {
    if ev.loopback {
        return Verdict::skip("loopback issuer: reported by disc.issuer.https_loopback");
    }
    with_meta(ev, |m| match issuer_url(m) {
        Ok(u) => scheme_is_https("issuer", &u),
        Err(v) => v,
    })
}

fn issuer_https_loopback(ev: &DiscoveryEvidence) -> Verdict {
    if !ev.loopback {
        return Verdict::skip("issuer is not on loopback: reported by disc.issuer.https");
    }
    with_meta(ev, |m| match issuer_url(m) {
        Ok(u) => scheme_is_https("issuer", &u),
        Err(v) => v,
    })
}

fn issuer_no_query_fragment(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| match issuer_url(m) {
        Ok(u) if u.query().is_none() && u.fragment().is_none() => Verdict::Pass,
        Ok(u) => Verdict::fail(format!("expected no query or fragment in issuer (found {u})")),
        Err(v) => v,
    })
}

fn present(name: &str, v: Option<&String>) -> Verdict {
    Verdict::check(v.is_some(), format!("expected {name} (found none)"))
}

/// MUST-level https check for one endpoint; loopback hosts are left to the loopback check.
fn endpoint_https(name: &str, v: Option<&String>) -> Verdict {
    let Some(v) = v else { return Verdict::skip(format!("{name} not advertised")) };
    match Url::parse(v) {
        Ok(u) if u.scheme() == "http" && is_loopback(&u) => {
            Verdict::skip(format!("{name} is on loopback: reported by disc.endpoints.https_loopback"))
        }
        Ok(u) => scheme_is_https(name, &u),
        Err(_) => Verdict::skip(format!("{name} is not a URL (see disc.endpoints.absolute_no_fragment)")),
    }
}

fn authz_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| present("authorization_endpoint", m.authorization_endpoint.as_ref()))
}

fn authz_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("authorization_endpoint", m.authorization_endpoint.as_ref()))
}

fn token_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: token_endpoint is REQUIRED unless only the Implicit Flow is used.
    with_meta(ev, |m| {
        let implicit_only = m.response_types_supported.as_ref().is_some_and(|rts| {
            !rts.is_empty() && rts.iter().all(|rt| !rt.split_whitespace().any(|p| p == "code"))
        });
        if m.token_endpoint.is_none() && implicit_only {
            return Verdict::skip("implicit-only provider: token_endpoint not required");
        }
        present("token_endpoint", m.token_endpoint.as_ref())
    })
}

fn token_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("token_endpoint", m.token_endpoint.as_ref()))
}

fn jwks_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| present("jwks_uri", m.jwks_uri.as_ref()))
}

fn jwks_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("jwks_uri", m.jwks_uri.as_ref()))
}

fn userinfo_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: userinfo_endpoint is RECOMMENDED.
    with_meta(ev, |m| present("userinfo_endpoint", m.userinfo_endpoint.as_ref()))
}

fn userinfo_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("userinfo_endpoint", m.userinfo_endpoint.as_ref()))
}

fn registration_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("registration_endpoint", m.registration_endpoint.as_ref()))
}

fn end_session_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("end_session_endpoint", m.end_session_endpoint.as_ref()))
}

fn endpoints_absolute(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 6749 §3.1/§3.2: endpoint URIs are absolute and MUST NOT include a fragment.
    with_meta(ev, |m| {
        let bad: Vec<String> = m
            .endpoints()
            .into_iter()
            .filter_map(|(name, v)| match Url::parse(v) {
                Ok(u) if u.has_host() && u.fragment().is_none() => None,
                Ok(_) => Some(format!("{name}: expected absolute URL without fragment (found {v})")),
                Err(_) => Some(format!("{name}: expected absolute URL (found {v:?})")),
            })
            .collect();
        Verdict::check(bad.is_empty(), bad.join("; "))
    })
}

fn endpoints_https_loopback(ev: &DiscoveryEvidence) -> Verdict {
    if !ev.loopback {
        return Verdict::skip("issuer is not on loopback: each endpoint has its own https check");
    }
    with_meta(ev, |m| {
        let plain: Vec<&str> = m
            .endpoints()
            .into_iter()
            .filter(|(_, v)| Url::parse(v).is_ok_and(|u| u.scheme() == "http"))
            .map(|(name, _)| name)
            .collect();
        Verdict::check(plain.is_empty(), format!("expected https (found http for {})", plain.join(", ")))
    })
}

/// Runs `f` on an advertised list, or skips when it is absent.
fn with_list(
    ev: &DiscoveryEvidence,
    field: &str,
    get: impl FnOnce(&ProviderMetadata) -> Option<&Vec<String>>,
    f: impl FnOnce(&[String]) -> Verdict,
) -> Verdict {
    with_meta(ev, |m| match get(m) {
        Some(list) => f(list),
        None => Verdict::skip(format!("{field} not advertised")),
    })
}

fn contains(list: &[String], v: &str) -> bool {
    list.iter().any(|x| x == v)
}

fn response_types_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| present_list("response_types_supported", m.response_types_supported.as_ref()))
}

fn present_list(name: &str, v: Option<&Vec<String>>) -> Verdict {
    match v {
        Some(l) if !l.is_empty() => Verdict::Pass,
        Some(_) => Verdict::fail(format!("expected non-empty {name} (found [])")),
        None => Verdict::fail(format!("expected {name} (found none)")),
    }
}

fn response_types_code(ev: &DiscoveryEvidence) -> Verdict {
    // The harness profile is the Authorization Code Flow, which every OP offering it lists as "code".
    with_list(ev, "response_types_supported", |m| m.response_types_supported.as_ref(), |l| {
        Verdict::check(contains(l, "code"), format!("expected \"code\" in response_types_supported (found {l:?})"))
    })
}

fn subject_types_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| present_list("subject_types_supported", m.subject_types_supported.as_ref()))
}

fn subject_types_valid(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, "subject_types_supported", |m| m.subject_types_supported.as_ref(), |l| {
        let bad: Vec<&String> = l.iter().filter(|s| *s != "public" && *s != "pairwise").collect();
        Verdict::check(
            !l.is_empty() && bad.is_empty(),
            format!("expected only public/pairwise subject types (found {l:?})"),
        )
    })
}

fn id_token_algs_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        present_list("id_token_signing_alg_values_supported", m.id_token_signing_alg_values_supported.as_ref())
    })
}

fn id_token_algs_rs256(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: "The algorithm RS256 MUST be included."
    with_list(ev, "id_token_signing_alg_values_supported", |m| m.id_token_signing_alg_values_supported.as_ref(), |l| {
        Verdict::check(contains(l, "RS256"), format!("expected RS256 among ID token algs (found {l:?})"))
    })
}

fn id_token_algs_not_only_none(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, "id_token_signing_alg_values_supported", |m| m.id_token_signing_alg_values_supported.as_ref(), |l| {
        Verdict::check(
            l.iter().any(|a| a != "none"),
            format!("expected a signing algorithm other than none (found {l:?})"),
        )
    })
}

fn scopes_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: scopes_supported is RECOMMENDED.
    with_meta(ev, |m| present_list("scopes_supported", m.scopes_supported.as_ref()))
}

fn scopes_openid(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: "The server MUST support the openid scope value."
    with_list(ev, "scopes_supported", |m| m.scopes_supported.as_ref(), |l| {
        Verdict::check(contains(l, "openid"), format!("expected openid in scopes_supported (found {l:?})"))
    })
}

fn scopes_syntax(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, "scopes_supported", |m| m.scopes_supported.as_ref(), |l| {
        let bad: Vec<&String> = l.iter().filter(|s| !is_scope_token(s)).collect();
        Verdict::check(bad.is_empty(), format!("expected scope tokens of NQCHAR (found {bad:?})"))
    })
}

fn grant_types_code(ev: &DiscoveryEvidence) -> Verdict {
    // Absent means the default ["authorization_code", "implicit"].
    with_meta(ev, |m| {
        Verdict::check(
            m.supports_grant_type("authorization_code"),
            format!("expected authorization_code in grant_types_supported (found {:?})", m.grant_types()),
        )
    })
}

/// Client authentication methods registered in the IANA OAuth parameters registry.
const KNOWN_AUTH_METHODS: &[&str] = &[
    "none",
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "tls_client_auth",
    "self_signed_tls_client_auth",
];

fn token_auth_methods_known(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 8414 §2 lets extensions define more methods: unknown ones are information only.
    with_list(ev, "token_endpoint_auth_methods_supported", |m| m.token_endpoint_auth_methods_supported.as_ref(), |l| {
        let unknown: Vec<&String> = l.iter().filter(|x| !KNOWN_AUTH_METHODS.contains(&x.as_str())).collect();
        Verdict::check(unknown.is_empty(), format!("unregistered client auth methods {unknown:?}"))
    })
}

fn claims_supported_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: claims_supported is RECOMMENDED.
    with_meta(ev, |m| present_list("claims_supported", m.claims_supported.as_ref()))
}

fn pkce_s256(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 7636 §4.2: S256 is mandatory to implement on the server.
    with_list(ev, "code_challenge_methods_supported", |m| m.code_challenge_methods_supported.as_ref(), |l| {
        Verdict::check(contains(l, "S256"), format!("expected S256 in code_challenge_methods_supported (found {l:?})"))
    })
}

fn pkce_plain_with_s256(ev: &DiscoveryEvidence) -> Verdict {
    // plain exposes the verifier; offering it without S256 invites downgrade (RFC 9700 §2.1.1).
    with_list(ev, "code_challenge_methods_supported", |m| m.code_challenge_methods_supported.as_ref(), |l| {
        if !contains(l, "plain") {
            return Verdict::Pass;
        }
        Verdict::check(contains(l, "S256"), "expected plain only alongside S256 (found plain without S256)")
    })
}

/// Response modes registered for OAuth 2.0 (query, fragment, form_post, JARM).
const KNOWN_RESPONSE_MODES: &[&str] =
    &["query", "fragment", "form_post", "jwt", "query.jwt", "fragment.jwt", "form_post.jwt"];

fn response_modes_known(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, "response_modes_supported", |m| m.response_modes_supported.as_ref(), |l| {
        let unknown: Vec<&String> = l.iter().filter(|x| !KNOWN_RESPONSE_MODES.contains(&x.as_str())).collect();
        Verdict::check(unknown.is_empty(), format!("unregistered response modes {unknown:?}"))
    })
}

fn iss_param_boolean(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| match m.raw.get("authorization_response_iss_parameter_supported") {
        None => Verdict::skip("authorization_response_iss_parameter_supported not advertised"),
        Some(Value::Bool(_)) => Verdict::Pass,
        Some(other) => Verdict::fail(format!(
            "expected boolean (found {})",
            crate::discovery::json_type(other)
        )),
    })
}
