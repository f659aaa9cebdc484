//! Discovery checks on advertised capabilities: response, subject and grant types, algorithms,
//! scopes, client authentication, PKCE and response modes.

use serde_json::Value;

use super::{DiscoveryEvidence, found_instead, is_scope_token, with_meta};
use crate::checks::Verdict;
use crate::discovery::{ProviderMetadata, json_type};

/// An advertised list: its metadata name and where the parsed document keeps it.
struct List {
    name: &'static str,
    get: fn(&ProviderMetadata) -> Option<&Vec<String>>,
}

/// The [`List`] of a metadata field, named as the field is.
macro_rules! list {
    ($field:ident) => {
        List {
            name: stringify!($field),
            get: |m| m.$field.as_ref(),
        }
    };
}

const RESPONSE_TYPES: List = list!(response_types_supported);
const SUBJECT_TYPES: List = list!(subject_types_supported);
const ID_TOKEN_ALGS: List = list!(id_token_signing_alg_values_supported);
const SCOPES: List = list!(scopes_supported);
const TOKEN_AUTH_METHODS: List = list!(token_endpoint_auth_methods_supported);
const CLAIMS: List = list!(claims_supported);
const PKCE_METHODS: List = list!(code_challenge_methods_supported);
const RESPONSE_MODES: List = list!(response_modes_supported);

/// Runs `f` on an advertised list, or skips when it is absent.
fn with_list(ev: &DiscoveryEvidence, list: &List, f: impl FnOnce(&[String]) -> Verdict) -> Verdict {
    with_meta(ev, |m| match (list.get)(m) {
        Some(l) => f(l),
        None => Verdict::skip(format!("{} not advertised", list.name)),
    })
}

fn contains(list: &[String], v: &str) -> bool {
    list.iter().any(|x| x == v)
}

/// Fails unless the list is advertised and not empty.
fn present(ev: &DiscoveryEvidence, list: &List) -> Verdict {
    with_meta(ev, |m| match (list.get)(m) {
        Some(l) if !l.is_empty() => Verdict::Pass,
        Some(_) => Verdict::fail(format!("expected non-empty {} (found [])", list.name)),
        None => Verdict::fail(format!(
            "expected {} array (found {})",
            list.name,
            found_instead(m, list.name)
        )),
    })
}

/// Fails unless an advertised list holds `value`; `expected` says so in the failure.
fn requires(ev: &DiscoveryEvidence, list: &List, value: &str, expected: &str) -> Verdict {
    with_list(ev, list, |l| {
        Verdict::check(
            contains(l, value),
            format!("expected {expected} (found {l:?})"),
        )
    })
}

/// Fails when an advertised list holds a value outside `known`, the registered `what`.
fn only_known(ev: &DiscoveryEvidence, list: &List, known: &[&str], what: &str) -> Verdict {
    with_list(ev, list, |l| {
        let unknown: Vec<&String> = l.iter().filter(|x| !known.contains(&x.as_str())).collect();
        Verdict::check(
            unknown.is_empty(),
            format!("unregistered {what} {unknown:?}"),
        )
    })
}

pub(super) fn response_types_present(ev: &DiscoveryEvidence) -> Verdict {
    present(ev, &RESPONSE_TYPES)
}

pub(super) fn response_types_code(ev: &DiscoveryEvidence) -> Verdict {
    // The harness profile is the Authorization Code Flow, which every OP offering it lists as "code".
    requires(
        ev,
        &RESPONSE_TYPES,
        "code",
        "\"code\" in response_types_supported",
    )
}

pub(super) fn subject_types_present(ev: &DiscoveryEvidence) -> Verdict {
    present(ev, &SUBJECT_TYPES)
}

pub(super) fn subject_types_valid(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, &SUBJECT_TYPES, |l| {
        let valid = l.iter().all(|s| s == "public" || s == "pairwise");
        Verdict::check(
            !l.is_empty() && valid,
            format!("expected only public/pairwise subject types (found {l:?})"),
        )
    })
}

pub(super) fn id_token_algs_present(ev: &DiscoveryEvidence) -> Verdict {
    present(ev, &ID_TOKEN_ALGS)
}

pub(super) fn id_token_algs_rs256(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: "The algorithm RS256 MUST be included."
    requires(ev, &ID_TOKEN_ALGS, "RS256", "RS256 among ID token algs")
}

pub(super) fn id_token_algs_not_only_none(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, &ID_TOKEN_ALGS, |l| {
        Verdict::check(
            l.iter().any(|a| a != "none"),
            format!("expected a signing algorithm other than none (found {l:?})"),
        )
    })
}

/// `none` among the ID token algorithms: allowed (MAY), but a client library that takes the
/// list at its word may accept unsigned ID tokens.
pub(super) fn id_token_algs_no_none(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, &ID_TOKEN_ALGS, |l| {
        Verdict::check(
            !l.iter().any(|a| a == "none"),
            "id_token_signing_alg_values_supported lists none: clients that trust the list may accept unsigned ID tokens",
        )
    })
}

/// Each `response_types_supported` value is a space-separated set of the registered response
/// types `code`, `id_token`, `token` (or `none` alone), each once.
pub(super) fn response_types_registered(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, &RESPONSE_TYPES, |l| {
        let odd: Vec<&str> = l.iter().map(String::as_str).filter(|v| !is_response_type(v)).collect();
        Verdict::check(
            odd.is_empty(),
            format!("expected response types made of code, id_token and token, or none alone (found {odd:?})"),
        )
    })
}

/// Whether `v` is a registered response_type value (OAuth Multiple Response Type Encoding
/// Practices, RFC 6749 3.1.1): `none`, or a set of code, id_token, token without repeats.
fn is_response_type(v: &str) -> bool {
    if v == "none" {
        return true;
    }
    let parts: Vec<&str> = v.split(' ').collect();
    !parts.is_empty()
        && parts.iter().all(|p| matches!(*p, "code" | "id_token" | "token"))
        && parts.iter().enumerate().all(|(i, p)| !parts[..i].contains(p))
}

pub(super) fn scopes_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: scopes_supported is RECOMMENDED.
    present(ev, &SCOPES)
}

pub(super) fn scopes_openid(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: "The server MUST support the openid scope value."
    requires(ev, &SCOPES, "openid", "openid in scopes_supported")
}

pub(super) fn scopes_syntax(ev: &DiscoveryEvidence) -> Verdict {
    with_list(ev, &SCOPES, |l| {
        let bad: Vec<&String> = l.iter().filter(|s| !is_scope_token(s)).collect();
        Verdict::check(
            bad.is_empty(),
            format!("expected scope tokens of NQCHAR (found {bad:?})"),
        )
    })
}

pub(super) fn grant_types_code(ev: &DiscoveryEvidence) -> Verdict {
    // Absent means the default ["authorization_code", "implicit"].
    with_meta(ev, |m| {
        Verdict::check(
            m.supports_grant_type("authorization_code"),
            format!(
                "expected authorization_code in grant_types_supported (found {:?})",
                m.grant_types()
            ),
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

pub(super) fn token_auth_methods_known(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 8414 §2 lets extensions define more methods: unknown ones are information only.
    only_known(
        ev,
        &TOKEN_AUTH_METHODS,
        KNOWN_AUTH_METHODS,
        "client auth methods",
    )
}

pub(super) fn claims_supported_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: claims_supported is RECOMMENDED.
    present(ev, &CLAIMS)
}

pub(super) fn pkce_s256(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 7636 §4.2: S256 is mandatory to implement on the server.
    requires(
        ev,
        &PKCE_METHODS,
        "S256",
        "S256 in code_challenge_methods_supported",
    )
}

pub(super) fn pkce_plain_with_s256(ev: &DiscoveryEvidence) -> Verdict {
    // plain exposes the verifier; offering it without S256 invites downgrade (RFC 9700 §2.1.1).
    with_list(ev, &PKCE_METHODS, |l| {
        Verdict::check(
            !contains(l, "plain") || contains(l, "S256"),
            "expected plain only alongside S256 (found plain without S256)",
        )
    })
}

/// Response modes registered for OAuth 2.0 (query, fragment, form_post, JARM).
const KNOWN_RESPONSE_MODES: &[&str] = &[
    "query",
    "fragment",
    "form_post",
    "jwt",
    "query.jwt",
    "fragment.jwt",
    "form_post.jwt",
];

pub(super) fn response_modes_known(ev: &DiscoveryEvidence) -> Verdict {
    only_known(ev, &RESPONSE_MODES, KNOWN_RESPONSE_MODES, "response modes")
}

pub(super) fn iss_param_boolean(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        match m.raw.get("authorization_response_iss_parameter_supported") {
            None => Verdict::skip("authorization_response_iss_parameter_supported not advertised"),
            Some(Value::Bool(_)) => Verdict::Pass,
            Some(other) => Verdict::fail(format!("expected boolean (found {})", json_type(other))),
        }
    })
}
