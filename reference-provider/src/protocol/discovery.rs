//! The discovery document (OIDC Discovery 1.0 §3, RFC 8414): everything advertised here works,
//! and every path comes from [`crate::paths`], the same constants the router uses. The faults
//! that make it lie are applied in `faults/discovery.rs`.

use serde_json::{Value, json};

use super::claims;
use crate::config::SCOPES;
use crate::paths;
use crate::provider::Provider;

/// Builds the provider metadata document.
pub fn document(provider: &Provider) -> Value {
    let base = provider.issuer.as_str();
    let url = |p: &str| format!("{base}{p}");
    let algs: Vec<&str> = provider.config.signing_algs.iter().map(|a| a.as_str()).collect();
    let pkce: Vec<&str> = if provider.config.pkce_plain_allowed { vec!["S256", "plain"] } else { vec!["S256"] };
    json!({
        "issuer": base,
        "authorization_endpoint": url(paths::AUTHORIZE),
        "token_endpoint": url(paths::TOKEN),
        "userinfo_endpoint": url(paths::USERINFO),
        "jwks_uri": url(paths::JWKS),
        "revocation_endpoint": url(paths::REVOKE),
        "introspection_endpoint": url(paths::INTROSPECT),
        "end_session_endpoint": url(paths::LOGOUT),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algs,
        "id_token_encryption_alg_values_supported": crate::keys::jwe::KEY_ALGS,
        "id_token_encryption_enc_values_supported": crate::keys::jwe::CONTENT_ENCS,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": pkce,
        "claims_supported": claims::SUPPORTED,
        "claims_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "require_request_uri_registration": false,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "ui_locales_supported": ["en"],
        "claims_locales_supported": ["en"],
        "acr_values_supported": ["urn:reference-provider:acr:password"],
        "authorization_response_iss_parameter_supported": true,
        "access_token_signing_alg_values_supported": [provider.config.default_alg.as_str()],
    })
}
