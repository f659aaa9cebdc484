//! Summary and starter profile on the discovery fixtures (a Fief-like document on https, a
//! node-oidc-provider-like one on loopback http), and `discover` against a wiremock provider.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::http::{AgentConfig, Redactor};
use crate::target::{ClientAuth, Target};

const FIEF: &str = include_str!("../discovery/fixtures/fief.json");
const NODE: &str = include_str!("../discovery/fixtures/node-oidc-provider.json");

fn discovered(doc: &str, keys: Result<Vec<KeySummary>, String>) -> Discovered {
    let json: Value = serde_json::from_str(doc).unwrap();
    let metadata = ProviderMetadata::from_json(&json).unwrap();
    let issuer = Url::parse(metadata.issuer.as_deref().unwrap()).unwrap();
    Discovered { discovery_url: discovery_url(&issuer), issuer, metadata, jwks: keys }
}

fn rsa_key() -> KeySummary {
    KeySummary { kid: Some("k1".into()), kty: "RSA".into(), alg: Some("RS256".into()), use_: Some("sig".into()) }
}

/// The environment a user sets before running the drafted profile.
fn env(name: &str) -> Option<String> {
    match name {
        "OIDC_REDIRECT_URI" => Some("http://127.0.0.1:9399/cb".into()),
        _ => name.starts_with("OIDC_").then(|| format!("value-of-{name}")),
    }
}

fn parse(text: &str) -> Target {
    Target::parse(text, Path::new("drafted.toml"), &env).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn fief_summary_lists_what_is_advertised() {
    let s = render_summary(&discovered(FIEF, Ok(vec![rsa_key()])));
    for want in [
        "https://localhost:9380/.well-known/openid-configuration",
        "https://localhost:9380/api/token",
        "code id_token token",
        "client_secret_basic, client_secret_post",
        "plain, S256",
        "openid, offline_access",
        "sub, email, email_verified, fields",
        "kid=k1 kty=RSA alg=RS256 use=sig",
        "https://localhost:9380/logout",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    assert!(s.lines().any(|l| l.starts_with("Revocation") && l.contains("(not advertised)")), "{s}");
    assert!(s.lines().any(|l| l.starts_with("iss in responses") && l.contains("default no")), "{s}");
}

#[test]
fn node_summary_shows_iss_support_and_optional_endpoints() {
    let s = render_summary(&discovered(NODE, Err("expected 200 from the jwks_uri (found 500)".into())));
    assert!(s.lines().any(|l| l.starts_with("iss in responses") && l.contains("yes")), "{s}");
    assert!(s.contains("http://127.0.0.1:9301/token/revocation"), "{s}");
    assert!(s.contains("http://127.0.0.1:9301/token/introspection"), "{s}");
    assert!(s.contains("form_post, fragment, query"), "{s}");
    assert!(s.contains("(unreadable: expected 200 from the jwks_uri (found 500))"), "{s}");
}

#[test]
fn absent_fields_show_their_defaults_and_type_errors_are_listed() {
    let doc = json!({ "issuer": "https://op.example", "scopes_supported": "openid" }).to_string();
    let s = render_summary(&discovered(&doc, Ok(vec![])));
    assert!(s.contains("(not advertised; default query, fragment)"), "{s}");
    assert!(s.contains("(not advertised; default client_secret_basic)"), "{s}");
    assert!(s.contains("field scopes_supported: expected array of strings (found string)"), "{s}");
    assert!(!s.contains("differs from the requested"), "https://op.example and https://op.example/ are the same: {s}");
    let mut other = discovered(&doc, Ok(vec![]));
    other.issuer = Url::parse("https://op.example/tenant").unwrap();
    let s = render_summary(&other);
    assert!(s.contains("(differs from the requested https://op.example/tenant; the profile must use https://op.example)"), "{s}");
}

#[test]
fn fief_starter_profile_parses_and_prefers_basic() {
    let d = discovered(FIEF, Ok(vec![rsa_key()]));
    let text = starter_profile(&d, &StarterOptions::default());
    let p = parse(&text);
    assert_eq!(p.issuer, "https://localhost:9380");
    assert_eq!(p.name(), "localhost-9380");
    let c = &p.clients[0];
    assert_eq!(c.auth_method, ClientAuth::ClientSecretBasic);
    assert_eq!(c.client_id, "value-of-OIDC_CLIENT_ID");
    assert_eq!(c.client_secret.as_ref().unwrap().expose(), "value-of-OIDC_CLIENT_SECRET");
    assert_eq!(c.redirect_uri, "http://127.0.0.1:9399/cb");
    assert_eq!(c.scope, "openid offline_access");
    assert_eq!(p.users[0].username, "value-of-OIDC_USERNAME");
    assert_eq!(p.users[0].password.expose(), "value-of-OIDC_PASSWORD");
    assert!(p.features.refresh_token && !p.features.refresh_rotation);
    // Without OIDC_REDIRECT_URI the default loopback callback is used.
    let no_redirect = |n: &str| if n == "OIDC_REDIRECT_URI" { None } else { env(n) };
    let p = Target::parse(&text, Path::new("d.toml"), &no_redirect).unwrap();
    assert_eq!(p.clients[0].redirect_uri, "http://127.0.0.1:8765/callback");
    // The placeholders are required: a missing secret is named.
    let e = Target::parse(&text, Path::new("d.toml"), &|_| None).unwrap_err().to_string();
    assert!(e.contains("OIDC_CLIENT_ID"), "{e}");
}

#[test]
fn node_starter_profile_parses_with_scopes_and_tls_options() {
    let d = discovered(NODE, Ok(vec![]));
    let ca = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    let text = starter_profile(&d, &StarterOptions { ca_file: Some(ca.clone()), insecure_skip_tls_verify: true });
    let p = parse(&text);
    assert_eq!(p.issuer, "http://127.0.0.1:9301");
    assert_eq!(p.clients[0].scope, "openid profile email offline_access");
    assert_eq!(p.clients[0].auth_method, ClientAuth::ClientSecretBasic);
    assert_eq!(p.ca_file.as_deref(), Some(ca.as_path()));
    assert!(p.insecure_skip_tls_verify);
    assert!(p.features.refresh_token);
}

#[test]
fn auth_method_falls_back_to_post_then_public() {
    let with_methods = |methods: Value| {
        let doc = json!({ "issuer": "https://op.example", "token_endpoint_auth_methods_supported": methods });
        discovered(&doc.to_string(), Ok(vec![]))
    };
    let post = with_methods(json!(["private_key_jwt", "client_secret_post"]));
    assert_eq!(choose_auth_method(&post), Some(ClientAuth::ClientSecretPost));
    let public = with_methods(json!(["none", "private_key_jwt"]));
    assert_eq!(choose_auth_method(&public), Some(ClientAuth::None));
    let p = parse(&starter_profile(&public, &StarterOptions::default()));
    assert_eq!(p.clients[0].auth_method, ClientAuth::None);
    assert!(p.clients[0].client_secret.is_none());
    assert_eq!(p.clients[0].scope, "openid profile email", "no scopes_supported: the default scope");
    assert!(!p.features.refresh_token, "default grant types have no refresh_token");
    let jwt_only = with_methods(json!(["private_key_jwt"]));
    assert_eq!(choose_auth_method(&jwt_only), None);
    let text = starter_profile(&jwt_only, &StarterOptions::default());
    assert!(text.contains("advertises no method the harness supports (private_key_jwt)"), "{text}");
    assert_eq!(parse(&text).clients[0].auth_method, ClientAuth::ClientSecretBasic);
}

#[test]
fn strings_are_toml_quoted() {
    let doc = json!({ "issuer": "https://op.example/a\"b" }).to_string();
    let text = starter_profile(&discovered(&doc, Ok(vec![])), &StarterOptions::default());
    let value: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(value["issuer"].as_str(), Some("https://op.example/a\"b"));
}

fn agent() -> BackChannel {
    BackChannel::new(&AgentConfig::default(), Redactor::new(vec![])).unwrap()
}

#[tokio::test]
async fn discover_fetches_document_and_jwks() {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let doc = json!({ "issuer": issuer, "jwks_uri": format!("{issuer}/jwks"), "token_endpoint_auth_methods_supported": ["client_secret_post"] });
    Mock::given(method("GET")).and(path("/.well-known/openid-configuration")).respond_with(ResponseTemplate::new(200).set_body_json(doc)).mount(&server).await;
    let jwks = json!({ "keys": [{ "kty": "EC", "kid": "e1", "alg": "ES256", "crv": "P-256", "x": "", "y": "" }, { "kty": "RSA" }] });
    Mock::given(method("GET")).and(path("/jwks")).respond_with(ResponseTemplate::new(200).set_body_json(jwks)).mount(&server).await;
    let d = discover(&agent(), &issuer).await.unwrap();
    assert_eq!(d.metadata.issuer.as_deref(), Some(issuer.as_str()));
    let keys = d.jwks.as_ref().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!((keys[0].kid.as_deref(), keys[0].kty.as_str(), keys[0].alg.as_deref()), (Some("e1"), "EC", Some("ES256")));
    assert_eq!((keys[1].kid.as_deref(), keys[1].use_.as_deref()), (None, None));
    let p = parse(&starter_profile(&d, &StarterOptions::default()));
    assert_eq!((p.issuer.as_str(), p.clients[0].auth_method), (issuer.as_str(), ClientAuth::ClientSecretPost));
}

#[tokio::test]
async fn discover_errors_are_clear() {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let e = discover(&agent(), &issuer).await.unwrap_err();
    assert!(matches!(e, DiscoverError::Status { status: 404, .. }), "{e}");
    Mock::given(path("/t/.well-known/openid-configuration")).respond_with(ResponseTemplate::new(200).set_body_string("<html>")).mount(&server).await;
    let e = discover(&agent(), &format!("{issuer}/t")).await.unwrap_err().to_string();
    assert!(e.contains("expected a JSON object") && e.contains("(found no JSON)"), "{e}");
    let e = discover(&agent(), "http://op.example").await.unwrap_err().to_string();
    assert!(e.contains("only loopback hosts may use http"), "{e}");
    assert!(matches!(discover(&agent(), "op.example").await, Err(DiscoverError::BadIssuer(_))));
    // A document without jwks_uri still discovers; the JWKS says why it is missing.
    Mock::given(path("/u/.well-known/openid-configuration")).respond_with(ResponseTemplate::new(200).set_body_json(json!({ "issuer": format!("{issuer}/u") }))).mount(&server).await;
    let d = discover(&agent(), &format!("{issuer}/u")).await.unwrap();
    assert_eq!(d.jwks, Err("no jwks_uri advertised".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drafted_profile_drives_plan_basic_against_the_embedded_provider() {
    use std::sync::Arc;

    use crate::conform::{self, Plan, RunOptions, Selection};
    use crate::report::ModuleStatus;

    let running = conform::start_embedded(reference_provider::FaultSet::none()).await.unwrap();
    let d = discover(&agent(), running.issuer()).await.unwrap();
    assert_eq!(d.jwks.as_ref().map(Vec::len).unwrap_or_default(), 4, "{:?}", d.jwks);
    let text = starter_profile(&d, &StarterOptions::default());
    // The demo seed's first-party client and first user.
    let demo = |name: &str| match name {
        "OIDC_CLIENT_ID" => Some("demo-client".to_owned()),
        "OIDC_CLIENT_SECRET" => Some("demo-client-secret".to_owned()),
        "OIDC_USERNAME" => Some("alice".to_owned()),
        "OIDC_PASSWORD" => Some("alice-demo-password".to_owned()),
        _ => None,
    };
    let profile = Target::parse(&text, Path::new("drafted.toml"), &demo).unwrap();
    assert!(profile.features.refresh_token);
    let options = RunOptions { selection: Selection::plan(Plan::Basic), run_name: Some("drafted".into()), progress: false, budget: Default::default() };
    let report = conform::run(profile, &options, Arc::new(crate::clock::SystemClock)).await.unwrap();
    assert_eq!(report.totals().fail, 0, "{report:?}");
    let code_flow = report.modules.iter().find(|m| m.id == "code-flow/main").expect("the drafted client's code flow");
    assert!(matches!(code_flow.status, ModuleStatus::Passed | ModuleStatus::Warning), "{code_flow:?}");
}
