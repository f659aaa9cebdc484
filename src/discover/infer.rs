//! What `discover` and ad-hoc runs guess from a discovery document, each guess with the reason
//! said out loud: the profile name (host, port and path, so two providers on one host differ),
//! the client authentication, the scope, and the refresh features. Values the document
//! contradicts itself on (a response type that is not one, a grant type in the list of response
//! modes) are listed as [`Contradiction`]s and left out of every guess. Pure: no HTTP.

use std::fmt;

use url::Url;

use crate::discovery::ProviderMetadata;
use crate::target::ClientAuth;

/// A value of the discovery document that contradicts the rest of it (or its own field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// The metadata field.
    pub field: &'static str,
    /// The offending value, when one value is at fault.
    pub value: Option<String>,
    /// Why it cannot be right.
    pub why: String,
}

impl fmt::Display for Contradiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{} lists {v:?}, {}", self.field, self.why),
            None => write!(f, "{}: {}", self.field, self.why),
        }
    }
}

/// One guess: the setting, the value guessed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    /// The profile setting, e.g. `features.refresh_token`.
    pub setting: &'static str,
    /// The value guessed, as TOML.
    pub value: String,
    /// What it was guessed from.
    pub why: String,
}

impl fmt::Display for Guess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}: {}", self.setting, self.value, self.why)
    }
}

/// Everything guessed from one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// The client authentication (None: nothing the harness supports is advertised).
    pub auth: Option<ClientAuth>,
    /// The scope to request.
    pub scope: String,
    /// Whether refresh tokens can be expected.
    pub refresh_token: bool,
    /// Whether refresh tokens are expected to rotate (never advertised: false).
    pub refresh_rotation: bool,
    /// Whether `offline_access` is advertised (added to the scope when refresh is wanted).
    pub offline_access: bool,
    /// Each guess with its reason, in profile order.
    pub guesses: Vec<Guess>,
    /// What the document contradicts itself on.
    pub contradictions: Vec<Contradiction>,
}

/// The single response types of OAuth 2.0 Multiple Response Types; `none` stands alone.
const RESPONSE_TYPE_PARTS: &[&str] = &["code", "id_token", "token"];
/// Grant types a document may put in the wrong list.
const GRANT_TYPES: &[&str] = &["authorization_code", "implicit", "refresh_token", "client_credentials", "password"];
/// Client authentication methods the harness supports, in order of preference.
const AUTH_PREFERENCE: [ClientAuth; 3] = [ClientAuth::ClientSecretBasic, ClientAuth::ClientSecretPost, ClientAuth::None];
/// Scopes worth requesting when advertised (openid always).
const WANTED_SCOPES: &[&str] = &["profile", "email"];

/// A profile name from the issuer's host, explicit port and path: `login.example.com-realms-a`.
pub fn draft_name(issuer: &Url) -> String {
    let mut parts = vec![issuer.host_str().unwrap_or("provider").to_owned()];
    if let Some(port) = issuer.port() {
        parts.push(port.to_string());
    }
    parts.extend(issuer.path_segments().into_iter().flatten().filter(|s| !s.is_empty()).map(str::to_owned));
    let joined = parts.join("-");
    joined.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect()
}

fn is_response_type(v: &str) -> bool {
    let parts: Vec<&str> = v.split(' ').collect();
    let distinct = parts.iter().enumerate().all(|(i, p)| !parts.iter().take(i).any(|q| q == p));
    v == "none" || (distinct && parts.iter().all(|p| RESPONSE_TYPE_PARTS.contains(p)))
}

/// Where a value that belongs to another list came from.
fn other_list(v: &str) -> Option<&'static str> {
    if is_response_type(v) {
        Some("which is a response type")
    } else if GRANT_TYPES.contains(&v) {
        Some("which is a grant type")
    } else if matches!(v, "query" | "fragment" | "form_post") {
        Some("which is a response mode")
    } else if matches!(v, "S256" | "plain") {
        Some("which is a PKCE method")
    } else {
        None
    }
}

/// What the document contradicts itself on.
pub fn contradictions(m: &ProviderMetadata) -> Vec<Contradiction> {
    let mut out = Vec::new();
    let mut wrong = |field: &'static str, value: &str, why: String| out.push(Contradiction { field, value: Some(value.to_owned()), why });
    for v in m.response_types_supported.iter().flatten().filter(|v| !is_response_type(v)) {
        let why = other_list(v).map_or("which is not a response type".to_owned(), |w| format!("{w}, not a response type"));
        wrong("response_types_supported", v, why);
    }
    for v in m.response_modes_supported.iter().flatten() {
        if let Some(w) = other_list(v).filter(|w| !w.contains("response mode")) {
            wrong("response_modes_supported", v, format!("{w}, not a response mode"));
        }
    }
    for v in m.grant_types_supported.iter().flatten() {
        if let Some(w) = other_list(v).filter(|w| !w.contains("grant type")) {
            wrong("grant_types_supported", v, format!("{w}, not a grant type"));
        }
    }
    for v in m.token_endpoint_auth_methods_supported.iter().flatten().filter(|v| *v != "none") {
        if let Some(w) = other_list(v) {
            wrong("token_endpoint_auth_methods_supported", v, format!("{w}, not a client authentication method"));
        }
    }
    let has_code = m.response_types_supported.iter().flatten().any(|v| is_response_type(v) && v.split(' ').any(|p| p == "code"));
    if m.response_types_supported.is_some() && !has_code && m.grant_types_supported.as_ref().is_some_and(|g| g.iter().any(|x| x == "authorization_code")) {
        out.push(Contradiction {
            field: "response_types_supported",
            value: None,
            why: "no response type yields a code, yet grant_types_supported lists authorization_code".into(),
        });
    }
    out
}

/// `values` without the ones a contradiction names in `field`.
fn kept<'a>(values: &'a [String], field: &str, bad: &[Contradiction]) -> Vec<&'a str> {
    values.iter().map(String::as_str).filter(|v| !bad.iter().any(|c| c.field == field && c.value.as_deref() == Some(v))).collect()
}

/// Guesses the client authentication, scope and refresh features from `m`.
pub fn infer(m: &ProviderMetadata) -> Inferred {
    let bad = contradictions(m);
    let mut guesses = Vec::new();
    let methods = match &m.token_endpoint_auth_methods_supported {
        Some(v) => kept(v, "token_endpoint_auth_methods_supported", &bad),
        None => m.token_endpoint_auth_methods(),
    };
    let auth = AUTH_PREFERENCE.into_iter().find(|a| methods.contains(&a.as_str()));
    let auth_why = match auth {
        Some(_) => format!("the first of client_secret_basic, client_secret_post, none advertised ({})", methods.join(", ")),
        None => format!("none the harness supports is advertised ({}); client_secret_basic assumed", methods.join(", ")),
    };
    guesses.push(Guess { setting: "auth_method", value: format!("{:?}", auth.unwrap_or(ClientAuth::ClientSecretBasic).as_str()), why: auth_why });
    let grants = match &m.grant_types_supported {
        Some(v) => kept(v, "grant_types_supported", &bad),
        None => m.grant_types(),
    };
    let grant = grants.contains(&"refresh_token");
    let offline = m.advertises_scope("offline_access");
    let refresh_token = grant && offline == Some(true);
    let refresh_why = match (grant, offline) {
        (false, _) => format!("the refresh_token grant is not advertised (grant types: {})", grants.join(", ")),
        (true, Some(true)) => "the refresh_token grant and the offline_access scope are advertised (requested with prompt=consent, OIDC Core 11)".to_owned(),
        (true, Some(false)) => "the refresh_token grant is advertised but not offline_access: set true if the provider issues refresh tokens without it".to_owned(),
        (true, None) => "the refresh_token grant is advertised but no scopes_supported: set true if refresh tokens come without offline_access".to_owned(),
    };
    guesses.push(Guess { setting: "features.refresh_token", value: refresh_token.to_string(), why: refresh_why });
    let scope = match &m.scopes_supported {
        None => "openid profile email".to_owned(),
        Some(advertised) => {
            let mut scopes = vec!["openid"];
            scopes.extend(WANTED_SCOPES.iter().copied().filter(|s| advertised.iter().any(|a| a == s)));
            if refresh_token {
                scopes.push("offline_access");
            }
            scopes.join(" ")
        }
    };
    let scope_why = match &m.scopes_supported {
        None => "no scopes_supported: the default".to_owned(),
        Some(_) => "openid, and what of profile, email, offline_access (for refresh) is advertised".to_owned(),
    };
    guesses.push(Guess { setting: "scope", value: format!("{scope:?}"), why: scope_why });
    guesses.push(Guess {
        setting: "features.refresh_rotation",
        value: "false".into(),
        why: "rotation is never advertised: set true if used refresh tokens are replaced".into(),
    });
    Inferred { auth, scope, refresh_token, refresh_rotation: false, offline_access: offline == Some(true), guesses, contradictions: bad }
}

/// Applies `inferred` to a profile built from ad-hoc flags and returns what to print: each
/// guess (or the flag that overrode it) and each contradiction. `refresh` is `--refresh` (true)
/// or `--no-refresh` (false); `auth_given` is whether `--auth-method` was given.
pub fn apply_to_ad_hoc(profile: &mut crate::target::Profile, inferred: &Inferred, refresh: Option<bool>, auth_given: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let refresh_token = refresh.unwrap_or(inferred.refresh_token);
    profile.features.refresh_token = refresh_token;
    profile.features.refresh_rotation = refresh_token && inferred.refresh_rotation;
    // --refresh/--no-refresh also decide whether offline_access is asked for.
    let mut scope: Vec<&str> = inferred.scope.split(' ').filter(|s| *s != "offline_access").collect();
    if refresh_token && inferred.offline_access {
        scope.push("offline_access");
    }
    let scope = scope.join(" ");
    for client in &mut profile.clients {
        client.scope.clone_from(&scope);
        let secret_auth = matches!(inferred.auth, Some(ClientAuth::ClientSecretBasic | ClientAuth::ClientSecretPost));
        if !auth_given && client.client_secret.is_some() && secret_auth {
            client.auth_method = inferred.auth.unwrap_or(client.auth_method);
        }
    }
    for g in &inferred.guesses {
        match (g.setting, refresh) {
            ("features.refresh_token", Some(v)) => lines.push(format!("features.refresh_token = {v}: set by --{}refresh", if v { "" } else { "no-" })),
            ("scope", Some(_)) => lines.push(format!("scope = {scope:?}: {}", g.why)),
            ("auth_method", _) if auth_given => lines.push("auth_method: set by --auth-method".to_owned()),
            ("auth_method", _) if profile.clients.iter().all(|c| c.client_secret.is_none()) => {
                lines.push("auth_method = \"none\": no --client-secret".to_owned());
            }
            _ => lines.push(format!("guessed {g}")),
        }
    }
    lines.extend(inferred.contradictions.iter().map(|c| format!("the discovery document contradicts itself, not used: {c}")));
    lines
}
