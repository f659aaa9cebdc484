//! Faults that make the discovery document lie (OIDC Discovery 3, 4, RFC 8414, RFC 9207): its
//! fields, bent once when the provider starts ([`bend_document`]), and how it is served
//! ([`answer`]: not found, an array, the wrong media type).

use serde_json::{Value, json};

use super::Fault;
use crate::config::SCOPES;
use crate::paths;
use crate::protocol::{Answer, ContentType, JsonAnswer};
use crate::provider::Provider;

/// The served discovery document as the active faults bend it.
pub(crate) fn answer(p: &Provider, mut a: JsonAnswer) -> Answer {
    if p.fault(Fault::DiscoveryNotFound) {
        return Answer::Empty { status: 404, allow: None };
    }
    if p.fault(Fault::DiscoveryBodyArray) {
        a.body.edit(|doc| *doc = Value::Array(vec![doc.take()]));
        return a.into();
    }
    if p.fault(Fault::DiscoveryContentTypeText) {
        a.content_type = ContentType::TextPlain;
    }
    a.into()
}

/// Applies the discovery-document faults: each one lies about exactly one field.
pub(crate) fn bend_document(provider: &Provider, doc: &mut Value) {
    let Some(m) = doc.as_object_mut() else { return };
    let f = |fault| provider.fault(fault);
    if f(Fault::DiscoveryWrongIssuer) {
        m.insert("issuer".into(), format!("{}/other", provider.issuer).into());
    }
    if f(Fault::DiscoveryTokenEndpointOtherOrigin)
        && let Some(token) = m.get("token_endpoint").and_then(Value::as_str)
    {
        // The same server under another host name: another origin, still reachable.
        let moved = if token.contains("://127.0.0.1") { token.replacen("://127.0.0.1", "://localhost", 1) } else { token.replacen("://localhost", "://127.0.0.1", 1) };
        m.insert("token_endpoint".into(), moved.into());
    }
    if f(Fault::DiscoveryScopesWithoutOpenid) {
        let scopes: Vec<&str> = SCOPES.iter().copied().filter(|s| *s != "openid").collect();
        m.insert("scopes_supported".into(), json!(scopes));
    }
    if f(Fault::DiscoveryScopeBadSyntax) {
        let mut scopes: Vec<&str> = SCOPES.to_vec();
        scopes.push("bad\"scope");
        m.insert("scopes_supported".into(), json!(scopes));
    }
    if f(Fault::DiscoveryClaimsIncomplete)
        && let Some(Value::Array(claims)) = m.get_mut("claims_supported")
    {
        claims.retain(|c| c != "email");
    }
    if f(Fault::DiscoveryOmitsPkceMethods) {
        m.remove("code_challenge_methods_supported");
    }
    if f(Fault::DiscoveryOmitsRefreshGrant)
        && let Some(Value::Array(grants)) = m.get_mut("grant_types_supported")
    {
        grants.retain(|g| g != "refresh_token");
    }
    if f(Fault::DiscoveryAdvertisesNone)
        && let Some(Value::Array(algs)) = m.get_mut("id_token_signing_alg_values_supported")
    {
        algs.push("none".into());
    }
    if f(Fault::DiscoveryResponseTypeUnregistered)
        && let Some(Value::Array(types)) = m.get_mut("response_types_supported")
    {
        types.push("authorization_code".into());
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
