//! The readable summary of what a provider advertises, one topic per line.

use std::fmt::Write as _;

use super::Discovered;

/// Width of the label column.
const LABEL: usize = 22;

/// A plain-text summary of `d`: issuer, endpoints, supported values, JWKS keys and any
/// field with a wrong JSON type. Absent fields say so, with the spec default where one exists.
pub fn render_summary(d: &Discovered) -> String {
    let m = &d.metadata;
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<LABEL$}{value}");
    };
    line("Issuer", m.issuer.as_deref().unwrap_or("(missing)"));
    if let Some(advertised) = m.issuer.as_deref().filter(|i| *i != d.issuer.as_str() && *i != d.issuer.as_str().trim_end_matches('/')) {
        line("", &format!("(differs from the requested {}; the profile must use {advertised})", d.issuer));
    }
    line("Discovery document", d.discovery_url.as_str());
    let endpoint = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not advertised)".to_owned());
    line("Authorization", &endpoint(&m.authorization_endpoint));
    line("Token", &endpoint(&m.token_endpoint));
    line("UserInfo", &endpoint(&m.userinfo_endpoint));
    line("JWKS", &endpoint(&m.jwks_uri));
    line("Registration", &endpoint(&m.registration_endpoint));
    line("Revocation", &endpoint(&m.revocation_endpoint));
    line("Introspection", &endpoint(&m.introspection_endpoint));
    line("End session", &endpoint(&m.end_session_endpoint));
    let list = |v: &Option<Vec<String>>, default: Option<&str>| match (v, default) {
        (Some(v), _) if v.is_empty() => "(empty list)".to_owned(),
        (Some(v), _) => v.join(", "),
        (None, Some(d)) => format!("(not advertised; default {d})"),
        (None, None) => "(not advertised)".to_owned(),
    };
    line("Response types", &list(&m.response_types_supported, None));
    line("Response modes", &list(&m.response_modes_supported, Some("query, fragment")));
    line("Grant types", &list(&m.grant_types_supported, Some("authorization_code, implicit")));
    line("Token auth methods", &list(&m.token_endpoint_auth_methods_supported, Some("client_secret_basic")));
    line("PKCE methods", &list(&m.code_challenge_methods_supported, None));
    line("Scopes", &list(&m.scopes_supported, None));
    line("Claims", &list(&m.claims_supported, None));
    line("Subject types", &list(&m.subject_types_supported, None));
    line("ID token algs", &list(&m.id_token_signing_alg_values_supported, None));
    line("UserInfo algs", &list(&m.userinfo_signing_alg_values_supported, None));
    line("Prompt values", &list(&m.prompt_values_supported, None));
    let flag = |v: Option<bool>, default: bool| match v {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => format!("(not advertised; default {})", if default { "yes" } else { "no" }),
    };
    line("iss in responses", &format!("{} (RFC 9207)", flag(m.authorization_response_iss_parameter_supported, false)));
    line("claims parameter", &flag(m.claims_parameter_supported, false));
    line("request parameter", &flag(m.request_parameter_supported, false));
    match &d.jwks {
        Ok(keys) => {
            line("JWKS keys", &keys.len().to_string());
            for k in keys {
                let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
                let kty = if k.kty.is_empty() { "-" } else { &k.kty };
                line("", &format!("kid={} kty={kty} alg={} use={}", opt(&k.kid), opt(&k.alg), opt(&k.use_)));
            }
        }
        Err(why) => line("JWKS keys", &format!("(unreadable: {why})")),
    }
    for e in &m.type_errors {
        line("Type error", e);
    }
    for c in super::infer::contradictions(m) {
        line("Contradiction", &format!("{c} (not used for the draft)"));
    }
    out
}
