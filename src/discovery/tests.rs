//! Tests for discovery URL building and the lenient metadata parser.
//!
//! Fixtures in `fixtures/` are hand-written documents shaped like those served by Fief 0.30
//! (nulls for unset optional fields), node oidc-provider 9 on loopback (plain http) and a
//! Keycloak realm (many extension fields, `mtls_endpoint_aliases` object).

use serde_json::json;
use url::Url;

use super::{ProviderMetadata, discovery_url, is_loopback};

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn discovery_url_appends_well_known_to_host_root() {
    let want = "https://op.example/.well-known/openid-configuration";
    assert_eq!(discovery_url(&url("https://op.example")).as_str(), want);
    assert_eq!(discovery_url(&url("https://op.example/")).as_str(), want);
}

#[test]
fn discovery_url_keeps_path_component_and_drops_trailing_slash() {
    let want = "https://op.example/tenant/.well-known/openid-configuration";
    assert_eq!(
        discovery_url(&url("https://op.example/tenant")).as_str(),
        want
    );
    assert_eq!(
        discovery_url(&url("https://op.example/tenant/")).as_str(),
        want
    );
    assert_eq!(
        discovery_url(&url("http://127.0.0.1:9301/realms/a/b")).as_str(),
        "http://127.0.0.1:9301/realms/a/b/.well-known/openid-configuration"
    );
}

#[test]
fn discovery_url_drops_query_and_fragment() {
    assert_eq!(
        discovery_url(&url("https://op.example/t?x=1#f")).as_str(),
        "https://op.example/t/.well-known/openid-configuration"
    );
}

#[test]
fn loopback_hosts_are_recognised() {
    assert!(is_loopback(&url("http://127.0.0.1:9301")));
    assert!(is_loopback(&url("http://localhost:8080/x")));
    assert!(is_loopback(&url("http://[::1]:80/")));
    assert!(!is_loopback(&url("https://op.example")));
    assert!(!is_loopback(&url("https://10.0.0.1")));
}

#[test]
fn non_object_is_not_metadata() {
    assert_eq!(ProviderMetadata::from_json(&json!([1, 2])), None);
    assert_eq!(ProviderMetadata::from_json(&json!("x")), None);
}

#[test]
fn wrong_types_are_recorded_not_fatal() {
    let doc = json!({
        "issuer": 42,
        "token_endpoint": "https://op.example/token",
        "scopes_supported": "openid profile",
        "response_types_supported": ["code", 7],
        "claims_parameter_supported": "yes",
        "frontchannel_logout_supported": 1,
        "end_session_endpoint": null,
    });
    let m = ProviderMetadata::from_json(&doc).unwrap();
    assert_eq!(m.issuer, None);
    assert_eq!(
        m.token_endpoint.as_deref(),
        Some("https://op.example/token")
    );
    assert_eq!(m.scopes_supported, None);
    assert_eq!(m.response_types_supported, Some(vec!["code".to_owned()]));
    assert_eq!(m.claims_parameter_supported, None);
    assert_eq!(m.end_session_endpoint, None);
    assert_eq!(
        m.type_errors,
        vec![
            "field issuer: expected string (found number)",
            "field scopes_supported: expected array of strings (found string)",
            "field response_types_supported: expected array of strings (found array containing number)",
            "field claims_parameter_supported: expected boolean (found string)",
            "field frontchannel_logout_supported: expected boolean (found number)",
        ]
    );
    assert_eq!(m.raw.len(), 7, "raw keeps every member");
}

#[test]
fn defaults_apply_only_when_absent() {
    let m = ProviderMetadata::from_json(&json!({})).unwrap();
    assert_eq!(m.response_modes(), vec!["query", "fragment"]);
    assert_eq!(m.grant_types(), vec!["authorization_code", "implicit"]);
    assert_eq!(m.token_endpoint_auth_methods(), vec!["client_secret_basic"]);
    assert!(m.supports_grant_type("implicit"));
    assert!(!m.supports_response_mode("form_post"));
    assert!(m.supports_token_auth_method("client_secret_basic"));
    assert!(!m.iss_parameter_supported());
    assert!(m.request_uri_supported());
    assert_eq!(m.advertises_scope("openid"), None);

    let m = ProviderMetadata::from_json(&json!({
        "response_modes_supported": ["form_post"],
        "grant_types_supported": ["refresh_token"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "scopes_supported": ["openid"],
        "authorization_response_iss_parameter_supported": true,
        "request_uri_parameter_supported": false,
    }))
    .unwrap();
    assert!(m.supports_response_mode("form_post"));
    assert!(!m.supports_response_mode("query"));
    assert!(!m.supports_grant_type("authorization_code"));
    assert!(!m.supports_token_auth_method("client_secret_basic"));
    assert!(m.iss_parameter_supported());
    assert!(!m.request_uri_supported());
    assert_eq!(m.advertises_scope("openid"), Some(true));
    assert_eq!(m.advertises_scope("email"), Some(false));
}

#[test]
fn endpoints_lists_present_urls() {
    let m = ProviderMetadata::from_json(&json!({
        "token_endpoint": "https://op.example/token",
        "authorization_endpoint": "https://op.example/auth",
    }))
    .unwrap();
    assert_eq!(
        m.endpoints(),
        vec![
            ("authorization_endpoint", "https://op.example/auth"),
            ("token_endpoint", "https://op.example/token"),
        ]
    );
}

fn fixture(text: &str) -> ProviderMetadata {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    ProviderMetadata::from_json(&v).unwrap()
}

#[test]
fn fief_shaped_fixture_parses_cleanly() {
    let m = fixture(include_str!("fixtures/fief.json"));
    assert_eq!(m.type_errors, Vec::<String>::new());
    assert_eq!(m.issuer.as_deref(), Some("https://localhost:9380"));
    assert_eq!(m.acr_values_supported, None, "null is absent");
    assert_eq!(
        m.code_challenge_methods_supported,
        Some(vec!["plain".into(), "S256".into()])
    );
    assert_eq!(m.request_uri_parameter_supported, Some(false));
}

#[test]
fn node_oidc_provider_shaped_fixture_parses_cleanly() {
    let m = fixture(include_str!("fixtures/node-oidc-provider.json"));
    assert_eq!(m.type_errors, Vec::<String>::new());
    assert_eq!(
        m.userinfo_endpoint.as_deref(),
        Some("http://127.0.0.1:9301/me")
    );
    assert!(m.iss_parameter_supported());
    assert!(m.supports_response_mode("form_post"));
}

#[test]
fn keycloak_shaped_fixture_parses_cleanly() {
    let m = fixture(include_str!("fixtures/keycloak.json"));
    assert_eq!(m.type_errors, Vec::<String>::new());
    assert_eq!(
        m.subject_types_supported,
        Some(vec!["public".into(), "pairwise".into()])
    );
    assert_eq!(m.prompt_values_supported.as_ref().map(Vec::len), Some(3));
    assert!(m.raw.contains_key("mtls_endpoint_aliases"));
    assert_eq!(m.endpoints().len(), 8);
}
