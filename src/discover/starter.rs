//! A starter target profile (TOML) drafted from what a provider advertises: the issuer, one
//! client with `${OIDC_CLIENT_ID}`/`${OIDC_CLIENT_SECRET}` placeholders and an advertised auth
//! method, a test user from `${OIDC_USERNAME}`/`${OIDC_PASSWORD}`, and the `[features]` the
//! document reveals. Every guess is written as a comment with its reason, and values the
//! document contradicts itself on are listed and not used (see [`super::infer`]). It is shaped
//! like `scenarios/targets/template.toml` and parses with [`crate::target::Target::parse`] once
//! those variables are set.

use std::path::PathBuf;

use super::Discovered;
use super::infer::{draft_name, infer};
use crate::target::ClientAuth;

/// What the command line adds to the drafted profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StarterOptions {
    /// `--ca-file`, written as `ca_file`.
    pub ca_file: Option<PathBuf>,
    /// `--insecure-skip-tls-verify`, written as `insecure_skip_tls_verify = true`.
    pub insecure_skip_tls_verify: bool,
}

/// The client authentication the harness supports that the provider advertises, preferring
/// `client_secret_basic`, then `client_secret_post`, then `none` (a public client).
/// `None` when the provider advertises none of them.
pub fn choose_auth_method(d: &Discovered) -> Option<ClientAuth> {
    infer(&d.metadata).auth
}

/// A TOML basic string holding `s`.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Drafts the starter profile for `d`.
pub fn starter_profile(d: &Discovered, opts: &StarterOptions) -> String {
    let m = &d.metadata;
    let issuer = m.issuer.clone().unwrap_or_else(|| d.issuer.as_str().trim_end_matches('/').to_owned());
    let name = draft_name(&d.issuer);
    let inferred = infer(m);
    let mut out = String::new();
    let mut w = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    w(format!("# Starter target profile drafted by `oidc-harness discover` from {}.", d.discovery_url));
    w("# Register a client for the harness at the provider, then set OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,".into());
    w("# OIDC_USERNAME, OIDC_PASSWORD (and OIDC_REDIRECT_URI if not the default below) and run".into());
    w("#   oidc-harness conform --target <this file>".into());
    w("# See scenarios/targets/template.toml for every setting.".into());
    w("#".into());
    w(format!("# Guessed (check each): name = {}: from the issuer's host, port and path", quote(&name)));
    for g in &inferred.guesses {
        w(format!("#   {g}"));
    }
    if !inferred.contradictions.is_empty() {
        w("# The discovery document contradicts itself; these values were not used:".into());
        for c in &inferred.contradictions {
            w(format!("#   {c}"));
        }
    }
    w(format!("name = {}", quote(&name)));
    w(format!("issuer = {}", quote(&issuer)));
    match &opts.ca_file {
        Some(ca) => w(format!("ca_file = {}", quote(&ca.display().to_string()))),
        None => w("# ca_file = \"my-ca.pem\"                       # extra root CA (PEM) for a private CA".into()),
    }
    if opts.insecure_skip_tls_verify {
        w("insecure_skip_tls_verify = true               # throw-away test setups only".into());
    }
    w(String::new());
    let auth = inferred.auth;
    let advertised = m
        .token_endpoint_auth_methods()
        .into_iter()
        .filter(|v| !inferred.contradictions.iter().any(|c| c.value.as_deref() == Some(v)))
        .collect::<Vec<_>>()
        .join(", ");
    w("[[clients]]".into());
    w("name = \"main\"".into());
    w("client_id = \"${OIDC_CLIENT_ID}\"".into());
    match auth {
        Some(ClientAuth::None) => {
            w(format!("auth_method = \"none\"                        # advertised: {advertised}"));
        }
        Some(a) => {
            w("client_secret = \"${OIDC_CLIENT_SECRET}\"".into());
            w(format!("auth_method = {:<30}# advertised: {advertised}", quote(a.as_str())));
        }
        None => {
            w(format!("# The provider advertises no method the harness supports ({advertised})."));
            w("client_secret = \"${OIDC_CLIENT_SECRET}\"".into());
            w("auth_method = \"client_secret_basic\"".into());
        }
    }
    w("redirect_uri = \"${OIDC_REDIRECT_URI:-http://127.0.0.1:8765/callback}\"".into());
    w("first_party = false                         # true if the provider shows this client no consent page".into());
    w(format!("scope = {}", quote(&inferred.scope)));
    w(String::new());
    w("[[users]]".into());
    w("username = \"${OIDC_USERNAME}\"".into());
    w("password = \"${OIDC_PASSWORD}\"".into());
    w(String::new());
    w("# Only if the login or consent page is not detected; [hints.json_login] for a login page that".into());
    w("# is a JavaScript app (see scenarios/targets/template.toml).".into());
    w("# [hints]".into());
    w(String::new());
    w("[features]".into());
    w(format!("refresh_token = {:<14}# guessed, see above", inferred.refresh_token));
    w(format!("refresh_rotation = {:<11}# guessed, see above", inferred.refresh_rotation));
    w("# fresh_consent = false       # true only if the test user never approved this client".into());
    out
}
