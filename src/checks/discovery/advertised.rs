//! Discovery checks on advertised capabilities: response, subject and grant types, algorithms,
//! scopes, client authentication, PKCE and response modes.

use serde_json::Value;

use super::{DiscoveryEvidence, found_instead, is_scope_token, with_meta};
use crate::checks::Verdict;
use crate::discovery::{ProviderMetadata, json_type};

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

pub(super) fn response_types_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        present_list(
            m,
            "response_types_supported",
            m.response_types_supported.as_ref(),
        )
    })
}

fn present_list(m: &ProviderMetadata, name: &str, v: Option<&Vec<String>>) -> Verdict {
    match v {
        Some(l) if !l.is_empty() => Verdict::Pass,
        Some(_) => Verdict::fail(format!("expected non-empty {name} (found [])")),
        None => Verdict::fail(format!(
            "expected {name} array (found {})",
            found_instead(m, name)
        )),
    }
}

pub(super) fn response_types_code(ev: &DiscoveryEvidence) -> Verdict {
    // The harness profile is the Authorization Code Flow, which every OP offering it lists as "code".
    with_list(
        ev,
        "response_types_supported",
        |m| m.response_types_supported.as_ref(),
        |l| {
            Verdict::check(
                contains(l, "code"),
                format!("expected \"code\" in response_types_supported (found {l:?})"),
            )
        },
    )
}

pub(super) fn subject_types_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        present_list(
            m,
            "subject_types_supported",
            m.subject_types_supported.as_ref(),
        )
    })
}

pub(super) fn subject_types_valid(ev: &DiscoveryEvidence) -> Verdict {
    with_list(
        ev,
        "subject_types_supported",
        |m| m.subject_types_supported.as_ref(),
        |l| {
            let bad: Vec<&String> = l
                .iter()
                .filter(|s| *s != "public" && *s != "pairwise")
                .collect();
            Verdict::check(
                !l.is_empty() && bad.is_empty(),
                format!("expected only public/pairwise subject types (found {l:?})"),
            )
        },
    )
}

pub(super) fn id_token_algs_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        present_list(
            m,
            "id_token_signing_alg_values_supported",
            m.id_token_signing_alg_values_supported.as_ref(),
        )
    })
}

pub(super) fn id_token_algs_rs256(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: "The algorithm RS256 MUST be included."
    with_list(
        ev,
        "id_token_signing_alg_values_supported",
        |m| m.id_token_signing_alg_values_supported.as_ref(),
        |l| {
            Verdict::check(
                contains(l, "RS256"),
                format!("expected RS256 among ID token algs (found {l:?})"),
            )
        },
    )
}

pub(super) fn id_token_algs_not_only_none(ev: &DiscoveryEvidence) -> Verdict {
    with_list(
        ev,
        "id_token_signing_alg_values_supported",
        |m| m.id_token_signing_alg_values_supported.as_ref(),
        |l| {
            Verdict::check(
                l.iter().any(|a| a != "none"),
                format!("expected a signing algorithm other than none (found {l:?})"),
            )
        },
    )
}

pub(super) fn scopes_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: scopes_supported is RECOMMENDED.
    with_meta(ev, |m| {
        present_list(m, "scopes_supported", m.scopes_supported.as_ref())
    })
}

pub(super) fn scopes_openid(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: "The server MUST support the openid scope value."
    with_list(
        ev,
        "scopes_supported",
        |m| m.scopes_supported.as_ref(),
        |l| {
            Verdict::check(
                contains(l, "openid"),
                format!("expected openid in scopes_supported (found {l:?})"),
            )
        },
    )
}

pub(super) fn scopes_syntax(ev: &DiscoveryEvidence) -> Verdict {
    with_list(
        ev,
        "scopes_supported",
        |m| m.scopes_supported.as_ref(),
        |l| {
            let bad: Vec<&String> = l.iter().filter(|s| !is_scope_token(s)).collect();
            Verdict::check(
                bad.is_empty(),
                format!("expected scope tokens of NQCHAR (found {bad:?})"),
            )
        },
    )
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
    with_list(
        ev,
        "token_endpoint_auth_methods_supported",
        |m| m.token_endpoint_auth_methods_supported.as_ref(),
        |l| {
            let unknown: Vec<&String> = l
                .iter()
                .filter(|x| !KNOWN_AUTH_METHODS.contains(&x.as_str()))
                .collect();
            Verdict::check(
                unknown.is_empty(),
                format!("unregistered client auth methods {unknown:?}"),
            )
        },
    )
}

pub(super) fn claims_supported_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: claims_supported is RECOMMENDED.
    with_meta(ev, |m| {
        present_list(m, "claims_supported", m.claims_supported.as_ref())
    })
}

pub(super) fn pkce_s256(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 7636 §4.2: S256 is mandatory to implement on the server.
    with_list(
        ev,
        "code_challenge_methods_supported",
        |m| m.code_challenge_methods_supported.as_ref(),
        |l| {
            Verdict::check(
                contains(l, "S256"),
                format!("expected S256 in code_challenge_methods_supported (found {l:?})"),
            )
        },
    )
}

pub(super) fn pkce_plain_with_s256(ev: &DiscoveryEvidence) -> Verdict {
    // plain exposes the verifier; offering it without S256 invites downgrade (RFC 9700 §2.1.1).
    with_list(
        ev,
        "code_challenge_methods_supported",
        |m| m.code_challenge_methods_supported.as_ref(),
        |l| {
            if !contains(l, "plain") {
                return Verdict::Pass;
            }
            Verdict::check(
                contains(l, "S256"),
                "expected plain only alongside S256 (found plain without S256)",
            )
        },
    )
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
    with_list(
        ev,
        "response_modes_supported",
        |m| m.response_modes_supported.as_ref(),
        |l| {
            let unknown: Vec<&String> = l
                .iter()
                .filter(|x| !KNOWN_RESPONSE_MODES.contains(&x.as_str()))
                .collect();
            Verdict::check(
                unknown.is_empty(),
                format!("unregistered response modes {unknown:?}"),
            )
        },
    )
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
