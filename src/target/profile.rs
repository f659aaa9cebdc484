//! Target profile model: issuer, TLS, clients, users, form hints and claimed features.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::interpolate::{InterpolateError, interpolate_toml};
use super::tenant::TenantProfile;
use crate::form::FormHints;
use crate::jose::HmacSecret;

/// A secret value (client secret, password): never printed by `Debug` or `Display`.
///
/// A client secret that signs HS256/384/512 ID tokens is prepared as HMAC keys on first use
/// ([`Secret::hmac`]); clones share that preparation, so a load run prepares it once per client.
#[derive(Clone)]
pub struct Secret {
    text: String,
    hmac: Arc<OnceLock<HmacSecret>>,
}

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret { text: s.into(), hmac: Arc::default() }
    }

    /// The secret itself — only for sending it to the provider.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The secret as HMAC keys, for checking HS* signatures (prepared once, then shared).
    pub fn hmac(&self) -> HmacSecret {
        self.hmac.get_or_init(|| HmacSecret::new(self.text.as_bytes())).clone()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Secret {}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// HTTP Basic.
    ClientSecretBasic,
    /// Secret in the form body.
    ClientSecretPost,
    /// Public client (PKCE).
    None,
}

impl ClientAuth {
    /// Registered name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::ClientSecretBasic => "client_secret_basic",
            ClientAuth::ClientSecretPost => "client_secret_post",
            ClientAuth::None => "none",
        }
    }
}

/// A client registered at the provider for the harness.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientProfile {
    /// Short label used in module ids and reports (default: the client_id).
    #[serde(default)]
    pub name: Option<String>,
    /// client_id.
    pub client_id: String,
    /// client_secret (confidential clients).
    #[serde(default)]
    pub client_secret: Option<Secret>,
    /// Token endpoint auth method.
    #[serde(default = "default_auth")]
    pub auth_method: ClientAuth,
    /// Registered redirect URI (the harness never serves it; it stops when redirected there).
    pub redirect_uri: String,
    /// A `post_logout_redirect_uri` registered for this client (RP-Initiated Logout 3): the
    /// logout module's normal cases, and its modified-URI and forged-hint cases, need one.
    #[serde(default)]
    pub post_logout_redirect_uri: Option<String>,
    /// First-party clients get no consent page.
    #[serde(default)]
    pub first_party: bool,
    /// Registered ID token signing alg, if any.
    #[serde(default)]
    pub id_token_signed_response_alg: Option<String>,
    /// Private JWK (JSON, usually `${ENV}`) decrypting encrypted ID tokens: the client registered encryption.
    pub id_token_decryption_jwk: Option<Secret>,
    /// A file holding that JWK instead (relative to the profile).
    pub id_token_decryption_jwk_file: Option<PathBuf>,
    /// Registered `id_token_encrypted_response_alg` (default RSA-OAEP-256 with a key).
    pub id_token_encrypted_response_alg: Option<String>,
    /// Registered `id_token_encrypted_response_enc` (default A256CBC-HS512 with a key).
    pub id_token_encrypted_response_enc: Option<String>,
    /// Scope to request (default `openid profile email`).
    #[serde(default = "default_scope")]
    pub scope: String,
    /// Extra authorization request parameters the provider needs (`acr_values`, `audience`,
    /// `resource`, `ui_locales`, ...), sent with every authorization request of this client; a
    /// module's own value of a parameter wins.
    #[serde(default)]
    pub authorization_params: std::collections::BTreeMap<String, String>,
}

impl ClientProfile {
    /// A client as a profile naming only its `client_id` and `redirect_uri` declares it: public
    /// (no secret) under `client_secret_basic`, not first-party, scope `openid profile email`,
    /// nothing registered for ID tokens and no extra authorization parameters.
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        ClientProfile {
            name: None,
            client_id: client_id.into(),
            client_secret: None,
            auth_method: default_auth(),
            redirect_uri: redirect_uri.into(),
            post_logout_redirect_uri: None,
            first_party: false,
            id_token_signed_response_alg: None,
            id_token_decryption_jwk: None,
            id_token_decryption_jwk_file: None,
            id_token_encrypted_response_alg: None,
            id_token_encrypted_response_enc: None,
            scope: default_scope(),
            authorization_params: Default::default(),
        }
    }

    /// The label of this client.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.client_id)
    }
}

fn default_auth() -> ClientAuth {
    ClientAuth::ClientSecretBasic
}

fn default_scope() -> String {
    "openid profile email".into()
}

/// A test user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserProfile {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: Secret,
}

/// Optional features the provider claims (modules for absent features are skipped).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Features {
    /// The clients may introspect their own tokens (RFC 7662 lets a provider answer
    /// `active: false` to a caller that may not): only then does an inactive live token fail.
    pub introspection_allowed: bool,
    /// Refresh tokens are issued to the clients above.
    pub refresh_token: bool,
    /// The provider rotates refresh tokens.
    pub refresh_rotation: bool,
    /// A client (label or client_id) whose codes expire quickly, for the code-expiry module; it
    /// is left out of the per-client code-flow modules. Needs `code_lifetime_secs`.
    pub short_lifetime_client: Option<String>,
    /// Code lifetime of `short_lifetime_client` in seconds (the module waits one second more).
    pub code_lifetime_secs: Option<u64>,
    /// Parallel requests the concurrency modules send at one code or refresh token, per round.
    pub parallel_requests: usize,
    /// Rounds of the concurrency modules, each with a fresh code or refresh token (default 4: with the mixed method, two of each kind).
    pub race_rounds: usize,
    /// How the concurrency modules make their requests overlap.
    pub race_method: RaceMethod,
    /// The test user has never approved the third-party client's scopes (a fresh test
    /// environment). Only then can the harness require a consent page: a provider that remembers
    /// an earlier run's approval is right not to ask again.
    pub fresh_consent: bool,
}

/// Default of [`Features::parallel_requests`].
const DEFAULT_PARALLEL_REQUESTS: usize = 32;

/// Default of [`Features::race_rounds`].
const DEFAULT_RACE_ROUNDS: usize = 4;

/// How parallel requests are made to overlap at the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RaceMethod {
    /// Rounds alternate between the two methods below, last-byte first: which one makes a
    /// provider's requests overlap depends on how it schedules them (measured in
    /// docs/performance.md), so a run tries both.
    #[default]
    Mixed,
    /// Last-byte synchronisation: every request is written but its last byte on a connection of
    /// its own, then the last bytes are released together (HTTP/1.1).
    LastByte,
    /// N requests fired at once on tasks: whether they overlap depends on scheduling.
    Parallel,
}

impl RaceMethod {
    /// The method of round `round` (1-based).
    pub fn for_round(self, round: usize) -> RaceMethod {
        match self {
            RaceMethod::Mixed if round.is_multiple_of(2) => RaceMethod::Parallel,
            RaceMethod::Mixed => RaceMethod::LastByte,
            other => other,
        }
    }
}

impl RaceMethod {
    /// The profile's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RaceMethod::Mixed => "mixed",
            RaceMethod::LastByte => "last-byte",
            RaceMethod::Parallel => "parallel",
        }
    }
}

impl Default for Features {
    fn default() -> Self {
        Features {
            introspection_allowed: false,
            refresh_token: true,
            refresh_rotation: true,
            short_lifetime_client: None,
            code_lifetime_secs: None,
            parallel_requests: DEFAULT_PARALLEL_REQUESTS,
            race_rounds: DEFAULT_RACE_ROUNDS,
            race_method: RaceMethod::default(),
            fresh_consent: false,
        }
    }
}

/// A target profile.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile name (default: file stem).
    #[serde(default)]
    pub name: Option<String>,
    /// Issuer URL (exact, as the provider advertises it).
    pub issuer: String,
    /// PEM file with an extra root CA (private CAs).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// # Security Warning: turns off TLS certificate verification. For throw-away test setups only.
    #[serde(default)]
    pub insecure_skip_tls_verify: bool,
    /// Per-request timeout in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Clients (the first one drives the basic flow).
    pub clients: Vec<ClientProfile>,
    /// Test users (the first one logs in).
    pub users: Vec<UserProfile>,
    /// Form hints, and the JSON login API of a login page without a form (`[hints.json_login]`).
    #[serde(default)]
    pub hints: FormHints,
    /// Claimed optional features.
    #[serde(default)]
    pub features: Features,
    /// Further tenants of the same provider (`[[tenants]]`; the top level is the first tenant).
    #[serde(default)]
    pub tenants: Vec<TenantProfile>,
    /// The provider's logout URL when discovery advertises no `end_session_endpoint`: the logout
    /// module then probes it (instead of any advertised one) for open redirects, with the
    /// must-not-redirect cases only.
    #[serde(default)]
    pub logout_url: Option<String>,
    /// The name of the logout URL's redirect parameter (default `post_logout_redirect_uri`;
    /// some providers use `redirect_uri`).
    #[serde(default)]
    pub logout_redirect_param: Option<String>,
}

/// Default of [`Profile::logout_redirect_param`]: RP-Initiated Logout 2's name.
pub const DEFAULT_LOGOUT_REDIRECT_PARAM: &str = "post_logout_redirect_uri";

/// Default of [`Profile::timeout_secs`].
fn default_timeout() -> u64 {
    10
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read target profile {path}: {source}")]
    Read {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Not valid TOML, or not the profile schema.
    #[error("invalid target profile {path}: {message}")]
    Parse {
        /// File.
        path: PathBuf,
        /// Parser message.
        message: String,
    },
    /// `${NAME}` names an unset environment variable.
    #[error("target profile {path}: {field} uses ${{{name}}}, but the environment variable {name} is not set")]
    MissingVariable {
        /// File.
        path: PathBuf,
        /// Field path, e.g. `clients[0].client_secret`.
        field: String,
        /// Variable name.
        name: String,
    },
    /// Values are inconsistent.
    #[error("invalid target profile {path}: {message}")]
    Invalid {
        /// File (or `ad-hoc flags`).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A profile built from command-line flags.
#[derive(Debug, Clone, Default)]
pub struct AdHoc {
    /// --issuer.
    pub issuer: String,
    /// --client-id.
    pub client_id: String,
    /// --client-secret (absent: public client).
    pub client_secret: Option<String>,
    /// --auth-method (default basic with a secret, none without).
    pub auth_method: Option<ClientAuth>,
    /// --redirect-uri.
    pub redirect_uri: String,
    /// --username.
    pub username: String,
    /// --password.
    pub password: String,
    /// --ca-file.
    pub ca_file: Option<PathBuf>,
    /// --insecure-skip-tls-verify.
    pub insecure_skip_tls_verify: bool,
}

impl AdHoc {
    /// Where an ad-hoc profile comes from, as error messages name it.
    pub const ORIGIN: &'static str = "ad-hoc flags";
}

impl Profile {
    /// Reads a profile file, interpolating `${ENV}` from the process environment; not validated
    /// yet (overrides may follow; [`Target::new`](super::Target::new) validates).
    pub fn read(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read { path: path.to_owned(), source })?;
        Self::from_toml(&text, path, &|name| std::env::var(name).ok())
    }

    /// Parses profile text read from `path` with an injected environment: `${ENV}` interpolated,
    /// paths made relative to the profile's directory, JWK files read; not validated yet.
    pub fn from_toml(text: &str, path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Profile, ProfileError> {
        let parse_err = |message: String| ProfileError::Parse { path: path.to_owned(), message };
        let mut value: toml::Value = toml::from_str(text).map_err(|e| parse_err(e.to_string()))?;
        interpolate_toml(&mut value, env, "").map_err(|(field, e)| match e {
            InterpolateError::Missing(name) => ProfileError::MissingVariable { path: path.to_owned(), field, name },
            InterpolateError::Malformed(m) => parse_err(format!("{field}: {m}")),
        })?;
        let mut profile: Profile = value.try_into().map_err(|e: toml::de::Error| parse_err(e.to_string()))?;
        if profile.name.is_none() {
            profile.name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        }
        if let Some(ca) = &profile.ca_file
            && ca.is_relative()
            && let Some(dir) = path.parent()
        {
            profile.ca_file = Some(dir.join(ca));
        }
        super::decryption::load_jwk_files(&mut profile.clients, path)?;
        Ok(profile)
    }

    /// Builds a profile from ad-hoc flags; not validated yet (validate it from [`AdHoc::ORIGIN`]).
    pub fn ad_hoc(a: AdHoc) -> Profile {
        let auth = a.auth_method.unwrap_or(if a.client_secret.is_some() { ClientAuth::ClientSecretBasic } else { ClientAuth::None });
        Profile {
            name: Some("ad-hoc".into()),
            issuer: a.issuer,
            ca_file: a.ca_file,
            insecure_skip_tls_verify: a.insecure_skip_tls_verify,
            timeout_secs: default_timeout(),
            clients: vec![ClientProfile {
                client_secret: a.client_secret.map(Secret::new),
                auth_method: auth,
                ..ClientProfile::new(a.client_id, a.redirect_uri)
            }],
            users: vec![UserProfile { username: a.username, password: Secret::new(a.password) }],
            hints: FormHints::default(),
            features: Features::default(),
            tenants: Vec::new(),
            logout_url: None,
            logout_redirect_param: None,
        }
    }

    /// The name of the logout redirect parameter: [`Profile::logout_redirect_param`] or
    /// [`DEFAULT_LOGOUT_REDIRECT_PARAM`].
    pub fn logout_redirect_param(&self) -> &str {
        self.logout_redirect_param.as_deref().unwrap_or(DEFAULT_LOGOUT_REDIRECT_PARAM)
    }

    /// The profile's name.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("target")
    }

    /// The client named by `features.short_lifetime_client` (by label or client_id).
    pub fn short_lifetime_client(&self) -> Option<&ClientProfile> {
        let name = self.features.short_lifetime_client.as_deref()?;
        self.clients.iter().find(|c| c.label() == name || c.client_id == name)
    }

    /// Whether `client` is the short-lifetime client (kept out of ordinary flows).
    pub fn is_short_lifetime(&self, client: &ClientProfile) -> bool {
        self.short_lifetime_client().is_some_and(|s| s.client_id == client.client_id)
    }

    /// Every secret in the profile (for transcript redaction).
    pub fn secrets(&self) -> Vec<String> {
        let clients = self.clients.iter().filter_map(|c| c.client_secret.as_ref().map(|s| s.expose().to_owned()));
        let users = self.users.iter().map(|u| u.password.expose().to_owned());
        let tenants = self.tenants.iter().flat_map(TenantProfile::secrets);
        let decryption = self.clients.iter().flat_map(super::decryption::redaction_values);
        clients.chain(users).chain(tenants).chain(decryption).filter(|s| !s.is_empty()).collect()
    }
}
