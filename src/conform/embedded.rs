//! The embedded target: the bundled reference provider started in-process on 127.0.0.1:0, and a
//! profile derived from its demo seed (so the two never drift apart).

use std::sync::{Arc, OnceLock};

use reference_provider::config::{AuthMethod, PasswordHashCost};
use reference_provider::{Config, FaultSet, Options, Running, StartError, Storage};
use serde_json::{Value, json};

use crate::jose::{GeneratedJwk, generate_decryption_jwk};
use crate::target::{ClientAuth, ClientProfile, Features, Profile, Secret, UserProfile};

/// A running embedded provider (stops when dropped).
pub type EmbeddedProvider = Running;

/// The RSA-2048 key of the demo client that registered encrypted ID tokens, generated once per
/// process: its public JWK is registered at the provider, its private JWK goes into the profile.
fn encryption_key() -> Option<&'static GeneratedJwk> {
    static KEY: OnceLock<Option<GeneratedJwk>> = OnceLock::new();
    KEY.get_or_init(|| generate_decryption_jwk("embedded-enc-1").ok()).as_ref()
}

/// The demo seed as the embedded provider runs it: free port, in memory, cheap password hashing,
/// and the encrypted-ID-token client registered with this process's key (without one, it
/// registers no encryption). Tests that serve the provider themselves (behind a fake's layer,
/// or with another login UI) start from it; [`embedded_profile`] matches it.
pub fn embedded_config() -> Config {
    let mut c = Config::demo();
    c.listen = "127.0.0.1:0".into();
    c.password_hash = PasswordHashCost::cheap();
    for client in c.clients.iter_mut().filter(|c| c.id_token_encrypted_response_alg.is_some()) {
        client.jwks = encryption_key().map(|k| json!({ "keys": [Value::Object(k.public.clone())] }));
        if client.jwks.is_none() {
            client.id_token_encrypted_response_alg = None;
            client.id_token_encrypted_response_enc = None;
        }
    }
    c
}

/// Label of the demo client that registered encrypted ID tokens.
const ENCRYPTED_LABEL: &str = "encrypted-id-token";

/// Starts the reference provider in-process with `faults`.
pub async fn start_embedded(faults: FaultSet) -> Result<EmbeddedProvider, StartError> {
    reference_provider::start(Options {
        config: embedded_config(),
        faults,
        storage: Storage::Memory,
        clock: Arc::new(reference_provider::clock::SystemClock),
    })
    .await
}

/// Label of the demo client whose codes expire quickly (named as the short-lifetime client).
const SHORT_LIFETIME_LABEL: &str = "short-lifetime";

/// The target profile for the embedded provider at `issuer`: every demo client with a label
/// saying what it exercises (the one with a short code lifetime as the profile's short-lifetime
/// client), and the first demo user.
pub fn embedded_profile(issuer: &str) -> Profile {
    let config = embedded_config();
    let clients = config
        .clients
        .iter()
        .map(|c| {
            let auth = match c.auth_method {
                AuthMethod::ClientSecretBasic => ClientAuth::ClientSecretBasic,
                AuthMethod::ClientSecretPost => ClientAuth::ClientSecretPost,
                AuthMethod::None => ClientAuth::None,
            };
            let alg = c.id_token_signed_response_alg.map(|a| a.as_str().to_owned());
            let label = match (&alg, c.first_party, auth) {
                _ if c.code_lifetime_secs.is_some() => SHORT_LIFETIME_LABEL.to_owned(),
                _ if c.id_token_encrypted_response_alg.is_some() => ENCRYPTED_LABEL.to_owned(),
                (Some(a), _, _) => format!("registered-{}", a.to_ascii_lowercase()),
                (None, _, ClientAuth::None) => "public-pkce".to_owned(),
                (None, true, a) => format!("first-party-{}", a.as_str().trim_start_matches("client_secret_")),
                (None, false, a) => format!("third-party-{}", a.as_str().trim_start_matches("client_secret_")),
            };
            ClientProfile {
                name: Some(label),
                client_id: c.client_id.clone(),
                client_secret: c.client_secret.clone().map(Secret::new),
                auth_method: auth,
                redirect_uri: c.redirect_uris.first().cloned().unwrap_or_default(),
                post_logout_redirect_uri: c.post_logout_redirect_uris.first().cloned(),
                first_party: c.first_party,
                id_token_signed_response_alg: alg,
                id_token_decryption_jwk: c
                    .id_token_encrypted_response_alg
                    .as_ref()
                    .and_then(|_| encryption_key())
                    .map(|k| Secret::new(Value::Object(k.private.clone()).to_string())),
                id_token_decryption_jwk_file: None,
                id_token_encrypted_response_alg: c.id_token_encrypted_response_alg.clone(),
                id_token_encrypted_response_enc: c.id_token_encrypted_response_enc.clone(),
                // The first-party client asks for every scope so that every claim group is judged.
                scope: if c.first_party && c.id_token_signed_response_alg.is_none() && auth != ClientAuth::None {
                    "openid profile email address phone".into()
                } else {
                    "openid profile email".into()
                },
                authorization_params: Default::default(),
            }
        })
        .collect();
    let short_lifetime = config.clients.iter().find_map(|c| c.code_lifetime_secs.and_then(|s| u64::try_from(s).ok()));
    let features = Features {
        short_lifetime_client: short_lifetime.map(|_| SHORT_LIFETIME_LABEL.to_owned()),
        code_lifetime_secs: short_lifetime,
        // The embedded provider starts empty: no approval exists before the run.
        fresh_consent: true,
        // The reference provider lets every client introspect its own tokens.
        introspection_allowed: true,
        ..Features::default()
    };
    let users = config
        .users
        .iter()
        .take(1)
        .map(|u| UserProfile { username: u.username.clone(), password: Secret::new(u.password.clone()) })
        .collect();
    Profile {
        name: Some("embedded".into()),
        issuer: issuer.to_owned(),
        ca_file: None,
        insecure_skip_tls_verify: false,
        timeout_secs: 10,
        clients,
        users,
        hints: Default::default(),
        features,
        tenants: Vec::new(),
        logout_url: None,
        logout_redirect_param: None,
    }
}
