//! The guesses of `discover` and ad-hoc runs: profile names from host, port and path, refresh
//! features from the grant and `offline_access`, `--refresh`/`--no-refresh`, and a discovery
//! document that contradicts itself (wiremock) shown in the summary and not copied into the draft.

use std::path::Path;

use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::infer::{apply_to_ad_hoc, contradictions, draft_name, infer};
use super::*;
use crate::http::{AgentConfig, Redactor};
use crate::target::{AdHoc, ClientAuth, Profile, Target};

fn metadata(doc: &Value) -> ProviderMetadata {
    ProviderMetadata::from_json(doc).unwrap()
}

#[test]
fn two_providers_on_one_host_get_different_names() {
    let name = |u: &str| draft_name(&Url::parse(u).unwrap());
    assert_eq!(name("https://login.example.com/realms/a"), "login.example.com-realms-a");
    assert_ne!(name("https://login.example.com/realms/a"), name("https://login.example.com/realms/b"));
    assert_ne!(name("http://127.0.0.1:9301"), name("http://127.0.0.1:9302"));
    assert_eq!(name("https://op.example:443/"), "op.example", "the default port is not part of the name");
    assert_eq!(name("https://op.example/t%20x/"), "op.example-t-20x");
}

#[test]
fn refresh_needs_the_grant_and_offline_access() {
    let doc = |grants: Value, scopes: Value| metadata(&json!({ "grant_types_supported": grants, "scopes_supported": scopes }));
    let both = infer(&doc(json!(["authorization_code", "refresh_token"]), json!(["openid", "email", "offline_access"])));
    assert!(both.refresh_token);
    assert_eq!(both.scope, "openid email offline_access");
    let no_offline = infer(&doc(json!(["authorization_code", "refresh_token"]), json!(["openid", "profile"])));
    assert!(!no_offline.refresh_token);
    assert_eq!(no_offline.scope, "openid profile");
    let why = &no_offline.guesses.iter().find(|g| g.setting == "features.refresh_token").unwrap().why;
    assert!(why.contains("not offline_access"), "{why}");
    let no_grant = infer(&doc(json!(["authorization_code"]), json!(["openid", "offline_access"])));
    assert!(!no_grant.refresh_token);
    assert_eq!(no_grant.scope, "openid", "offline_access is only asked for refresh");
    assert!(!infer(&doc(json!(["authorization_code", "refresh_token"]), Value::Null)).refresh_token);
}

fn ad_hoc(secret: Option<&str>) -> Profile {
    Profile::ad_hoc(AdHoc {
        issuer: "https://op.example".into(),
        client_id: "rp".into(),
        client_secret: secret.map(str::to_owned),
        redirect_uri: "http://127.0.0.1:9/cb".into(),
        username: "alice".into(),
        password: "pw".into(),
        ..AdHoc::default()
    })
}

#[test]
fn ad_hoc_runs_get_the_same_guesses_and_the_flags_override_refresh() {
    let m = metadata(&json!({
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "scopes_supported": ["openid", "profile", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    }));
    let inferred = infer(&m);
    let mut p = ad_hoc(Some("s"));
    let lines = apply_to_ad_hoc(&mut p, &inferred, None, false);
    assert!(p.features.refresh_token && !p.features.refresh_rotation);
    assert_eq!((p.clients[0].scope.as_str(), p.clients[0].auth_method), ("openid profile offline_access", ClientAuth::ClientSecretPost));
    assert!(lines.iter().any(|l| l.starts_with("guessed features.refresh_token = true")), "{lines:?}");
    let mut p = ad_hoc(Some("s"));
    let lines = apply_to_ad_hoc(&mut p, &inferred, Some(false), true);
    assert!(!p.features.refresh_token);
    assert_eq!(p.clients[0].scope, "openid profile", "--no-refresh asks for no offline_access");
    assert_eq!(p.clients[0].auth_method, ClientAuth::ClientSecretBasic, "--auth-method given: kept");
    assert!(lines.iter().any(|l| l == "features.refresh_token = false: set by --no-refresh"), "{lines:?}");
    // --refresh against a document without the grant: the user knows better.
    let no_grant = infer(&metadata(&json!({ "scopes_supported": ["openid", "offline_access"] })));
    let mut p = ad_hoc(None);
    let lines = apply_to_ad_hoc(&mut p, &no_grant, Some(true), false);
    assert!(p.features.refresh_token);
    assert_eq!((p.clients[0].scope.as_str(), p.clients[0].auth_method), ("openid offline_access", ClientAuth::None));
    assert!(lines.iter().any(|l| l == "features.refresh_token = true: set by --refresh"), "{lines:?}");
    // The guesses are applied to the raw profile; the result still validates into a target.
    Target::new(p, std::path::Path::new(AdHoc::ORIGIN)).unwrap();
}

#[test]
fn contradictions_are_named_and_valid_values_are_not() {
    let m = metadata(&json!({
        "response_types_supported": ["code", "code id_token", "none", "query", "code code"],
        "response_modes_supported": ["query", "code"],
        "grant_types_supported": ["authorization_code", "token"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "S256"],
    }));
    let found: Vec<String> = contradictions(&m).iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "response_types_supported lists \"query\", which is a response mode, not a response type",
            "response_types_supported lists \"code code\", which is not a response type",
            "response_modes_supported lists \"code\", which is a response type, not a response mode",
            "grant_types_supported lists \"token\", which is a response type, not a grant type",
            "token_endpoint_auth_methods_supported lists \"S256\", which is a PKCE method, not a client authentication method",
        ]
    );
    let no_code = metadata(&json!({ "response_types_supported": ["id_token"], "grant_types_supported": ["authorization_code"] }));
    assert!(contradictions(&no_code)[0].to_string().contains("no response type yields a code"));
    let node = metadata(&serde_json::from_str(include_str!("../discovery/fixtures/node-oidc-provider.json")).unwrap());
    assert_eq!(contradictions(&node), [], "node oidc-provider's document is consistent");
}

#[tokio::test]
async fn a_contradictory_document_is_shown_and_not_copied_into_the_draft() {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let doc = json!({
        "issuer": issuer,
        "response_types_supported": ["code", "form_post"],
        "grant_types_supported": ["authorization_code", "code"],
        "token_endpoint_auth_methods_supported": ["client_secret_jwt", "plain", "client_secret_post"],
        "scopes_supported": ["openid", "offline_access"],
    });
    Mock::given(path("/.well-known/openid-configuration")).respond_with(ResponseTemplate::new(200).set_body_json(doc)).mount(&server).await;
    let back = BackChannel::new(&AgentConfig::default(), Redactor::new(vec![])).unwrap();
    let d = discover(&back, &issuer).await.unwrap();
    let summary = render_summary(&d);
    for shown in ["\"form_post\", which is a response mode", "\"code\", which is a response type, not a grant type", "\"plain\", which is a PKCE method"] {
        assert!(summary.lines().any(|l| l.starts_with("Contradiction") && l.contains(shown)), "{shown} in\n{summary}");
    }
    let draft = starter_profile(&d, &StarterOptions::default());
    let settings: Vec<&str> = draft.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(settings.iter().all(|l| !l.contains("plain") && !l.contains("form_post")), "{draft}");
    assert!(draft.contains("# The discovery document contradicts itself; these values were not used:"), "{draft}");
    let env = |n: &str| (n.starts_with("OIDC_") && n != "OIDC_REDIRECT_URI").then(|| format!("value-of-{n}"));
    let p = Target::parse(&draft, Path::new("d.toml"), &env).unwrap();
    assert_eq!(p.clients[0].auth_method, ClientAuth::ClientSecretPost);
    assert!(!p.features.refresh_token, "no refresh_token grant advertised");
    assert!(draft.contains("#   features.refresh_token = false: the refresh_token grant is not advertised"), "{draft}");
}
