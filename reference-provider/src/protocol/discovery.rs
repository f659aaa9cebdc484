//! The discovery document (OIDC Discovery 1.0 §3, RFC 8414): everything advertised here works,
//! and every path comes from [`crate::paths`], the same constants the router uses.

use serde_json::{Value, json};

use super::claims;
use crate::config::SCOPES;
use crate::faults::Fault;
use crate::paths;
use crate::provider::Provider;

/// Builds the provider metadata document.
pub fn document(provider: &Provider) -> Value {
    let base = provider.issuer.as_str();
    let url = |p: &str| format!("{base}{p}");
    let algs: Vec<&str> = provider.config.signing_algs.iter().map(|a| a.as_str()).collect();
    let pkce: Vec<&str> = if provider.config.pkce_plain_allowed { vec!["S256", "plain"] } else { vec!["S256"] };
    let issuer = if provider.fault(Fault::DiscoveryWrongIssuer) { format!("{base}/other") } else { base.to_owned() };
    let mut doc = json!({
        "issuer": issuer,
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
    });
    insecure_break_document(provider, &mut doc);
    doc
}

/// Applies the discovery-document faults: each one lies about exactly one field.
fn insecure_break_document(provider: &Provider, doc: &mut Value) {
    let Some(m) = doc.as_object_mut() else { return };
    let f = |fault| provider.fault(fault);
    if f(Fault::DiscoveryScopesWithoutOpenid) {
        let scopes: Vec<&str> = SCOPES.iter().copied().filter(|s| *s != "openid").collect();
        m.insert("scopes_supported".into(), json!(scopes));
    }
    if f(Fault::DiscoveryScopeBadSyntax) {
        let mut scopes: Vec<&str> = SCOPES.to_vec();
        scopes.push("bad\"scope");
        m.insert("scopes_supported".into(), json!(scopes));
    }
    if f(Fault::DiscoveryNoResponseTypes) {
        m.remove("response_types_supported");
    }
    if f(Fault::DiscoveryNoSubjectTypes) {
        m.remove("subject_types_supported");
    }
    if f(Fault::DiscoveryUnknownSubjectType) {
        m.insert("subject_types_supported".into(), json!(["public", "anonymous"]));
    }
    if f(Fault::DiscoveryNoCodeGrant) {
        m.insert("grant_types_supported".into(), json!(["refresh_token", "client_credentials"]));
    }
    if f(Fault::DiscoveryIssParamNotBoolean) {
        m.insert("authorization_response_iss_parameter_supported".into(), "true".into());
    }
    if f(Fault::DiscoveryResponseTypesWithoutCode) {
        m.insert("response_types_supported".into(), json!(["id_token"]));
    }
    if f(Fault::DiscoveryNoS256) {
        m.insert("code_challenge_methods_supported".into(), json!(["plain"]));
    }
    if f(Fault::DiscoveryAlgsWithoutRs256) {
        let algs: Vec<&str> = provider.config.signing_algs.iter().map(|a| a.as_str()).filter(|a| *a != "RS256").collect();
        m.insert("id_token_signing_alg_values_supported".into(), json!(algs));
    }
    if f(Fault::DiscoveryAlgsOnlyNone) {
        m.insert("id_token_signing_alg_values_supported".into(), json!(["none"]));
    }
    if f(Fault::DiscoveryFieldWrongType) {
        m.insert("claims_parameter_supported".into(), "yes".into());
    }
    if f(Fault::DiscoveryNoIssuer) {
        m.remove("issuer");
    }
    if f(Fault::DiscoveryNoTokenEndpoint) {
        m.remove("token_endpoint");
    }
    if f(Fault::DiscoveryNoAuthorizationEndpoint) {
        m.remove("authorization_endpoint");
    }
    if f(Fault::DiscoveryNoJwksUri) {
        m.remove("jwks_uri");
    }
    if f(Fault::DiscoveryNoIdTokenAlgs) {
        m.remove("id_token_signing_alg_values_supported");
    }
    if f(Fault::DiscoveryAlgWithoutKey) {
        let mut algs: Vec<&str> = provider.config.signing_algs.iter().map(|a| a.as_str()).collect();
        algs.push("ES384");
        m.insert("id_token_signing_alg_values_supported".into(), json!(algs));
    }
    if f(Fault::DiscoveryEndpointFragment) {
        m.insert("revocation_endpoint".into(), format!("{}{}#revoke", provider.issuer, paths::REVOKE).into());
    }
}
