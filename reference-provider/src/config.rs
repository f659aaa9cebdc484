//! Provider configuration: a TOML seed file (issuer, listen address, clients, users, algs,
//! lifetimes, password-hash cost) with a built-in demo default, validated before start.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::keys::SigningAlg;
pub use crate::serve::ConnectionLimits;
pub use crate::throttle::ThrottleConfig;

/// Everything the provider is configured with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Issuer URL. Default: `http://<bound address>` (so `--listen 127.0.0.1:0` works).
    #[serde(default)]
    pub issuer: Option<String>,
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Directory of the SQLite database. Default `./reference-provider-data`.
    #[serde(default)]
    pub data_dir: Option<PathBuf>,
    /// Algorithm used for ID tokens unless the client registered another.
    #[serde(default = "default_alg")]
    pub default_alg: SigningAlg,
    /// Algorithms the provider holds keys for and advertises.
    #[serde(default = "default_algs")]
    pub signing_algs: Vec<SigningAlg>,
    /// Whether `code_challenge_method=plain` is accepted (S256 is always accepted).
    #[serde(default)]
    pub pkce_plain_allowed: bool,
    /// Token, code and session lifetimes.
    #[serde(default)]
    pub lifetimes: Lifetimes,
    /// Argon2id cost.
    #[serde(default)]
    pub password_hash: PasswordHashCost,
    /// How long a retired signing key stays published after rotation (seconds).
    #[serde(default = "default_grace")]
    pub key_rotation_grace_secs: i64,
    /// How often the running provider deletes expired codes, sessions, interactions, refresh
    /// tokens and old grant revocations (seconds; also once at start).
    #[serde(default = "default_purge_interval")]
    pub purge_interval_secs: u64,
    /// Registered clients.
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    /// User accounts.
    #[serde(default)]
    pub users: Vec<UserConfig>,
    /// A generated pool of users (`<prefix><n>`), for load tests.
    #[serde(default)]
    pub user_pool: Option<UserPool>,
    /// How the login page asks for credentials.
    #[serde(default)]
    pub login_ui: LoginUi,
    /// What `auth_time` (and `max_age`) counts from.
    #[serde(default)]
    pub auth_time: AuthTimeScope,
    /// Limits on client connections: timeouts for slow and idle clients, a cap on connections.
    #[serde(default)]
    pub connections: ConnectionLimits,
    /// Failed-login throttling per account and per client address.
    #[serde(default)]
    pub login_throttle: ThrottleConfig,
}

/// What `auth_time` counts from. Both are conformant: OIDC Core 2 says "Time when the End-User
/// authentication occurred" and leaves open whether another browser's login counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AuthTimeScope {
    /// The login of this browser session.
    #[default]
    Session,
    /// The user's latest login in any browser, as some providers keep it (one "last login" per
    /// user): a login in one browser moves the `auth_time` every other session reports.
    User,
}

/// How the login page asks for credentials. Every kind has the same security (CSRF token bound
/// to the interaction cookie; the same answer whether or not the account exists).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LoginUi {
    /// One HTML form with username and password.
    #[default]
    Html,
    /// The username on one HTML page, the password on the next (identifier-first), as Google,
    /// Microsoft, Okta or Keycloak's username-first flows do.
    IdentifierFirst,
    /// A small JavaScript app: no `<form>` in the HTML; the script fetches the interaction's
    /// state, logs in and answers consent through JSON endpoints with a CSRF header, and goes
    /// where the JSON answer says ("deny" works only through script).
    Spa,
}

impl LoginUi {
    /// The name used in TOML and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginUi::Html => "html",
            LoginUi::IdentifierFirst => "identifier-first",
            LoginUi::Spa => "spa",
        }
    }
}

/// Lifetimes in seconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lifetimes {
    /// Authorization code.
    pub code_secs: i64,
    /// Access token and ID token.
    pub token_secs: i64,
    /// Refresh token.
    pub refresh_secs: i64,
    /// Browser session.
    pub session_secs: i64,
    /// Pending login/consent interaction.
    pub interaction_secs: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            code_secs: 60,
            token_secs: 600,
            refresh_secs: 30 * 86_400,
            session_secs: 86_400,
            interaction_secs: 900,
        }
    }
}

/// Argon2id parameters. The default follows OWASP (19 MiB, 2 passes); load tests lower it so
/// they measure the protocol rather than only hashing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordHashCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// Password checks run at once on the blocking pool (default: the number of CPUs).
    pub max_concurrent: usize,
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

impl Default for PasswordHashCost {
    fn default() -> Self {
        PasswordHashCost { memory_kib: 19_456, iterations: 2, parallelism: 1, max_concurrent: cpus() }
    }
}

impl PasswordHashCost {
    /// The cheapest cost argon2 allows (load tests and unit tests).
    pub fn cheap() -> Self {
        PasswordHashCost { memory_kib: 64, iterations: 1, parallelism: 1, max_concurrent: cpus() }
    }
}

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// HTTP Basic with client_id and secret.
    ClientSecretBasic,
    /// client_id and client_secret in the form body.
    ClientSecretPost,
    /// Public client: no secret, PKCE required.
    None,
}

impl AuthMethod {
    /// The registered name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::None => "none",
        }
    }
}

/// A client in the seed file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// Client identifier.
    pub client_id: String,
    /// Secret (confidential clients only).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Token endpoint auth method.
    #[serde(default = "default_auth")]
    pub auth_method: AuthMethod,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Exact post-logout redirect URIs.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// First-party clients skip consent.
    #[serde(default)]
    pub first_party: bool,
    /// Registered ID token alg.
    #[serde(default)]
    pub id_token_signed_response_alg: Option<SigningAlg>,
    /// Registered `id_token_encrypted_response_alg` (RSA-OAEP-256, RSA-OAEP): ID tokens are then signed, then encrypted.
    #[serde(default)]
    pub id_token_encrypted_response_alg: Option<String>,
    /// Registered `id_token_encrypted_response_enc` (default A128CBC-HS256, OIDC Registration 2).
    #[serde(default)]
    pub id_token_encrypted_response_enc: Option<String>,
    /// The client's public JWK Set (`{ keys = [...] }`); its RSA `enc` key encrypts ID tokens.
    #[serde(default)]
    pub jwks: Option<serde_json::Value>,
    /// Grant types (default authorization_code + refresh_token).
    #[serde(default = "default_grants")]
    pub grant_types: Vec<String>,
    /// Scopes the client may request besides openid (default: all supported).
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Per-client code lifetime.
    #[serde(default)]
    pub code_lifetime_secs: Option<i64>,
    /// Per-client token lifetime.
    #[serde(default)]
    pub token_lifetime_secs: Option<i64>,
}

/// A user in the seed file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Login name.
    pub username: String,
    /// Password (hashed with argon2id when seeded).
    pub password: String,
    /// Subject identifier (default: derived from the username).
    #[serde(default)]
    pub sub: Option<String>,
    /// Standard claims (name, email, address, phone_number, ...).
    #[serde(default)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// Generated users `<prefix>1 … <prefix><count>`, all with one password.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPool {
    /// Username prefix.
    pub prefix: String,
    /// Number of users.
    pub count: u32,
    /// Shared password.
    pub password: String,
}

/// Scopes the provider supports.
pub const SCOPES: &[&str] = &["openid", "profile", "email", "address", "phone", "offline_access"];

fn default_listen() -> String {
    "127.0.0.1:9400".into()
}
fn default_alg() -> SigningAlg {
    SigningAlg::Rs256
}
fn default_algs() -> Vec<SigningAlg> {
    SigningAlg::ALL.to_vec()
}
fn default_purge_interval() -> u64 {
    60
}

fn default_grace() -> i64 {
    86_400
}
fn default_auth() -> AuthMethod {
    AuthMethod::ClientSecretBasic
}
fn default_grants() -> Vec<String> {
    vec!["authorization_code".into(), "refresh_token".into()]
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// File path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("invalid config file {path}: {message}")]
    Parse {
        /// File path.
        path: PathBuf,
        /// Parser message (with line and column).
        message: String,
    },
    /// The values are inconsistent.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The demo seed used when no file is given.
pub const DEMO_TOML: &str = include_str!("demo.toml");

impl Config {
    /// The built-in demo configuration.
    pub fn demo() -> Self {
        // The demo seed is part of the binary and covered by a test; parsing cannot fail.
        match Self::from_toml(DEMO_TOML, Path::new("<built-in demo>")) {
            Ok(c) => c,
            Err(e) => unreachable!("built-in demo config is invalid: {e}"),
        }
    }

    /// Reads and validates a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Self::from_toml(&text, path)
    }

    /// Parses and validates TOML text (`path` is used in messages only).
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_owned(), message: e.to_string() })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks cross-field rules.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if let Some(issuer) = &self.issuer {
            match url::Url::parse(issuer) {
                Ok(u) if u.query().is_none() && u.fragment().is_none() && !issuer.ends_with('/') => {}
                _ => return bad(format!("issuer must be an absolute URL without query, fragment or trailing slash (found {issuer:?})")),
            }
        }
        if self.signing_algs.is_empty() {
            return bad("signing_algs must name at least one algorithm".into());
        }
        if !self.signing_algs.contains(&self.default_alg) {
            return bad(format!("default_alg {} is not in signing_algs", self.default_alg));
        }
        if self.purge_interval_secs == 0 {
            return bad("purge_interval_secs must be positive (found 0)".into());
        }
        let l = &self.lifetimes;
        for (name, v) in [("code_secs", l.code_secs), ("token_secs", l.token_secs), ("refresh_secs", l.refresh_secs), ("session_secs", l.session_secs), ("interaction_secs", l.interaction_secs)] {
            if v <= 0 {
                return bad(format!("lifetimes.{name} must be positive (found {v})"));
            }
        }
        let mut ids = BTreeSet::new();
        for c in &self.clients {
            if !ids.insert(c.client_id.as_str()) {
                return bad(format!("client {:?} is defined twice", c.client_id));
            }
            match (c.auth_method, &c.client_secret) {
                (AuthMethod::None, Some(_)) => return bad(format!("client {:?}: a public client (auth_method = \"none\") must not have a client_secret", c.client_id)),
                (AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost, None) => return bad(format!("client {:?}: auth_method {} needs a client_secret", c.client_id, c.auth_method.as_str())),
                _ => {}
            }
            if c.redirect_uris.is_empty() && c.grant_types.iter().any(|g| g == "authorization_code") {
                return bad(format!("client {:?}: redirect_uris is empty", c.client_id));
            }
            for uri in c.redirect_uris.iter().chain(&c.post_logout_redirect_uris) {
                match url::Url::parse(uri) {
                    Ok(u) if u.fragment().is_none() => {}
                    _ => return bad(format!("client {:?}: {uri:?} is not an absolute URL without fragment", c.client_id)),
                }
            }
            for g in &c.grant_types {
                if !["authorization_code", "refresh_token", "client_credentials"].contains(&g.as_str()) {
                    return bad(format!("client {:?}: unsupported grant type {g:?}", c.client_id));
                }
            }
            if c.auth_method == AuthMethod::None && c.grant_types.iter().any(|g| g == "client_credentials") {
                return bad(format!("client {:?}: a public client cannot use client_credentials", c.client_id));
            }
            if let Some(alg) = c.id_token_signed_response_alg
                && !self.signing_algs.contains(&alg)
            {
                return bad(format!("client {:?}: id_token_signed_response_alg {alg} is not in signing_algs", c.client_id));
            }
            let (enc_alg, enc) = (c.id_token_encrypted_response_alg.as_deref(), c.id_token_encrypted_response_enc.as_deref());
            crate::keys::jwe::check_registration(enc_alg, enc, c.jwks.as_ref()).or_else(|m| bad(format!("client {:?}: {m}", c.client_id)))?;
            for s in c.scopes.iter().flatten() {
                if !SCOPES.contains(&s.as_str()) {
                    return bad(format!("client {:?}: unknown scope {s:?}", c.client_id));
                }
            }
        }
        let mut names = BTreeSet::new();
        for u in &self.users {
            if !names.insert(u.username.as_str()) {
                return bad(format!("user {:?} is defined twice", u.username));
            }
            if let Some(sub) = &u.sub
                && (sub.is_empty() || sub.len() > 255 || !sub.is_ascii())
            {
                return bad(format!("user {:?}: sub must be 1..=255 ASCII characters", u.username));
            }
        }
        if let Err(e) = argon2::Params::new(self.password_hash.memory_kib, self.password_hash.iterations, self.password_hash.parallelism, None) {
            return bad(format!("password_hash: {e}"));
        }
        Ok(())
    }

    /// The data directory (default `./reference-provider-data`).
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| PathBuf::from("reference-provider-data"))
    }
}

#[cfg(test)]
mod tests;
