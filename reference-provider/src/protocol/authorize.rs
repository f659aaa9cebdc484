//! The authorization endpoint's decisions: validate a request (OIDC Core 3.1.2.1/3.1.2.2), decide
//! what happens next (login, consent, a code, or an error), and build the callback.
//!
//! Errors follow OIDC Core 3.1.2.6 / RFC 6749 4.1.2.1: an unknown client or an unregistered
//! redirect_uri is shown as a page and never redirected; every other error goes back to the
//! client's redirect_uri with `error`, `error_description`, `state` and `iss` (RFC 9207).

use serde::{Deserialize, Serialize};

use super::{Params, ProtocolError, split_scope};
use crate::config::{AuthMethod, SCOPES};
use crate::faults::Fault;
use crate::provider::Provider;
use crate::random;
use crate::store::{ClientRecord, CodeRecord, SessionRecord};

/// How the authorization response is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    /// Redirect with query parameters.
    Query,
    /// Auto-submitting HTML form (OAuth 2.0 Form Post Response Mode).
    FormPost,
}

/// A validated authorization request (kept in the interaction while the user logs in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthRequest {
    /// Requesting client.
    pub client_id: String,
    /// Registered redirect URI (exact match).
    pub redirect_uri: String,
    /// Requested scopes (deduplicated, contains `openid`).
    pub scopes: Vec<String>,
    /// Opaque client state.
    pub state: Option<String>,
    /// Replay protection for the ID token.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method (`S256` or `plain`).
    pub code_challenge_method: Option<String>,
    /// Delivery of the response.
    pub response_mode: ResponseMode,
    /// prompt values.
    pub prompt: Vec<String>,
    /// Maximum authentication age in seconds.
    pub max_age: Option<i64>,
    /// Hint for the login form's username.
    pub login_hint: Option<String>,
    /// sub of a valid id_token_hint.
    pub id_token_hint_sub: Option<String>,
    /// `claims` request parameter.
    pub claims: Option<serde_json::Value>,
}

impl AuthRequest {
    /// Whether prompt contains `value`.
    pub fn prompts(&self, value: &str) -> bool {
        self.prompt.iter().any(|p| p == value)
    }
}

/// Where and how to send an authorization response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The client's redirect URI.
    pub redirect_uri: String,
    /// Query or form_post.
    pub mode: ResponseMode,
    /// Parameters in order.
    pub params: Vec<(String, String)>,
}

/// An authorization request that cannot proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthzFailure {
    /// Shown to the user; never redirected (unknown client, bad redirect_uri).
    Page {
        /// HTTP status.
        status: u16,
        /// Explanation for the user.
        message: String,
    },
    /// Redirected back to the client.
    Redirect(Callback),
}

/// What the authorization endpoint does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Issue a code now.
    Issue {
        /// Authenticated user.
        user_sub: String,
        /// When they authenticated.
        auth_time: i64,
    },
    /// Show the login form.
    Login,
    /// Show the consent page.
    Consent {
        /// Authenticated user.
        user_sub: String,
        /// When they authenticated.
        auth_time: i64,
    },
    /// Stop with an error.
    Fail(AuthzFailure),
}

/// Builds an error callback to the (already validated) redirect URI.
pub fn error_callback(
    provider: &Provider,
    redirect_uri: &str,
    mode: ResponseMode,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> AuthzFailure {
    let mut params = vec![
        ("error".to_owned(), error.to_owned()),
        ("error_description".to_owned(), insecure_description(provider, description)),
    ];
    if let Some(s) = state.filter(|_| !provider.fault(Fault::StateNotEchoed)) {
        params.push(("state".to_owned(), s.to_owned()));
    }
    if !provider.fault(Fault::IssParamMissing) {
        params.push(("iss".to_owned(), response_iss(provider)));
    }
    if provider.fault(Fault::AuthzErrorUriBadCharset) {
        params.push(("error_uri".to_owned(), format!("{}/errors/{error} help", provider.issuer)));
    }
    if provider.fault(Fault::ErrorResponseWithCode) {
        params.push(("code".to_owned(), provider.token(32)));
    }
    AuthzFailure::Redirect(Callback { redirect_uri: redirect_uri.to_owned(), mode, params })
}

/// The error_description: NQSCHAR-clean, unless a fault adds a double quote.
fn insecure_description(provider: &Provider, description: &str) -> String {
    if provider.fault(Fault::AuthzErrorDescriptionBadCharset) { format!("{} (\"see error\")", nqschar(description)) } else { nqschar(description) }
}

/// `text` with every character outside NQSCHAR (RFC 6749 4.1.2.1: %x20-21 / %x23-5B / %x5D-7E)
/// replaced: `"` by `'`, anything else by `?`.
fn nqschar(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            ' ' | '!' | '#'..='[' | ']'..='~' => c,
            _ => '?',
        })
        .collect()
}

fn page(status: u16, message: impl Into<String>) -> AuthzFailure {
    AuthzFailure::Page { status, message: message.into() }
}

/// Validates an authorization request (GET query or POST form).
pub fn validate(provider: &Provider, params: &Params) -> Result<(AuthRequest, ClientRecord), ProtocolErrorOr> {
    // 1. The client and redirect_uri decide whether errors may be redirected at all.
    let client_id = params.get("client_id").map_err(|m| page(400, m))?.ok_or_else(|| page(400, "client_id is missing"))?;
    let client = provider.client(client_id).ok_or_else(|| page(400, format!("unknown client {client_id:?}")))?;
    let redirect_uri = params
        .get("redirect_uri")
        .map_err(|m| page(400, m))?
        .ok_or_else(|| page(400, "redirect_uri is missing"))?;
    let registered = client.redirect_uris.iter().any(|r| r == redirect_uri);
    let state = params.get("state").ok().flatten();
    let mode = match params.get("response_mode").ok().flatten() {
        Some("form_post") => ResponseMode::FormPost,
        _ => ResponseMode::Query,
    };
    if !registered && !provider.fault(Fault::RedirectUriNotChecked) {
        if provider.fault(Fault::ErrorRedirectUnregistered) {
            return Err(error_callback(provider, redirect_uri, mode, state, "invalid_request", "redirect_uri is not registered").into());
        }
        return Err(page(400, "redirect_uri is not registered for this client").into());
    }
    let fail = |error: &str, description: &str| -> ProtocolErrorOr {
        error_callback(provider, redirect_uri, mode, state, error, description).into()
    };
    // 2. Everything else is redirected.
    if let Some(problem) = params.size_problem() {
        return Err(fail("invalid_request", &problem));
    }
    for (k, _) in &params.0 {
        if params.get(k).is_err() {
            return Err(fail("invalid_request", &format!("parameter {k} is repeated")));
        }
    }
    let get = |name: &str| params.get(name).ok().flatten();
    match get("response_mode") {
        None | Some("query") | Some("form_post") => {}
        Some(other) => return Err(fail("invalid_request", &format!("unsupported response_mode {other:?}"))),
    }
    if get("request").is_some() {
        return Err(fail("request_not_supported", "the request parameter is not supported"));
    }
    if get("request_uri").is_some() {
        return Err(fail("request_uri_not_supported", "the request_uri parameter is not supported"));
    }
    if get("registration").is_some() {
        return Err(fail("registration_not_supported", "the registration parameter is not supported"));
    }
    match get("response_type") {
        None if provider.fault(Fault::MissingResponseTypeAccepted) => {}
        None => return Err(fail("invalid_request", "response_type is missing")),
        Some("code") => {}
        Some(_) if provider.fault(Fault::UnsupportedResponseTypeNotRedirected) => {
            return Err(page(400, "this response_type is not supported").into());
        }
        Some(other) => {
            let error = if provider.fault(Fault::UnsupportedResponseTypeWrongError) { "invalid_request" } else { "unsupported_response_type" };
            return Err(fail(error, &format!("response_type {other:?} is not supported; use code")));
        }
    }
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return Err(fail("unauthorized_client", "this client may not use the authorization code grant"));
    }
    let scopes = split_scope(get("scope").unwrap_or(""));
    if !scopes.iter().any(|s| s == "openid") {
        return Err(fail("invalid_scope", "scope must contain openid"));
    }
    if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(fail("invalid_scope", &format!("unknown scope {unknown:?}")));
    }
    if let Some(denied) = scopes.iter().find(|s| *s != "openid" && !client.allowed_scopes.contains(s)) {
        return Err(fail("invalid_scope", &format!("scope {denied:?} is not allowed for this client")));
    }
    // PKCE (RFC 7636 4.3; method defaults to plain when absent).
    let challenge = get("code_challenge");
    let method = get("code_challenge_method");
    let method = match (challenge, method) {
        (None, Some(_)) => return Err(fail("invalid_request", "code_challenge_method without code_challenge")),
        (None, None) => None,
        (Some(c), m) => {
            let m = m.unwrap_or("plain");
            let plain_ok = provider.config.pkce_plain_allowed || provider.fault(Fault::PkcePlainAccepted);
            match m {
                "S256" if c.len() == 43 && c.bytes().all(is_b64url) => {}
                "S256" => return Err(fail("invalid_request", "code_challenge must be 43 base64url characters for S256")),
                "plain" if plain_ok && (43..=128).contains(&c.len()) && c.bytes().all(is_unreserved) => {}
                "plain" if plain_ok => return Err(fail("invalid_request", "code_challenge must be 43 to 128 unreserved characters")),
                _ => return Err(fail("invalid_request", &format!("code_challenge_method {m:?} is not supported; use S256"))),
            }
            Some(m.to_owned())
        }
    };
    if client.auth_method == AuthMethod::None.as_str() && challenge.is_none() && !provider.fault(Fault::PublicClientWithoutPkce) {
        return Err(fail("invalid_request", "public clients must use PKCE (code_challenge)"));
    }
    let prompt = split_scope(get("prompt").unwrap_or(""));
    if prompt.iter().any(|p| p == "none") && prompt.len() > 1 {
        return Err(fail("invalid_request", "prompt=none cannot be combined with other values"));
    }
    let max_age = match get("max_age") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => return Err(fail("invalid_request", "max_age must be a non-negative integer")),
        },
    };
    let claims = match get("claims") {
        None => None,
        Some(v) => match serde_json::from_str::<serde_json::Value>(v) {
            Ok(j) if j.is_object() => Some(j),
            _ => return Err(fail("invalid_request", "claims must be a JSON object")),
        },
    };
    let id_token_hint_sub = match get("id_token_hint") {
        None => None,
        Some(hint) => match hint_subject(provider, hint) {
            Some(sub) if !provider.fault(Fault::IdTokenHintRejected) => Some(sub),
            _ => return Err(fail("invalid_request", "id_token_hint is not an ID token issued by this provider")),
        },
    };
    if provider.fault(Fault::LoginHintRejected) && get("login_hint").is_some() {
        return Err(fail("invalid_request", "login_hint is not supported"));
    }
    let req = AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: state.map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        code_challenge: challenge.map(str::to_owned),
        code_challenge_method: method,
        response_mode: mode,
        prompt,
        max_age,
        login_hint: get("login_hint").map(str::to_owned),
        id_token_hint_sub,
        claims,
    };
    Ok((req, client))
}

/// The sub of an ID token this provider issued (signature checked; expiry is not, per OIDC Core
/// 3.1.2.1: an expired ID token is still a valid hint).
fn hint_subject(provider: &Provider, hint: &str) -> Option<String> {
    let (_, claims) = provider.keys().verify(hint).ok()?;
    if claims.get("iss").and_then(|v| v.as_str()) != Some(provider.issuer.as_str()) {
        return None;
    }
    claims.get("sub").and_then(|v| v.as_str()).map(str::to_owned)
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

/// Either an authorization failure to show/redirect, or an internal error.
#[derive(Debug)]
pub enum ProtocolErrorOr {
    /// Answer the user agent with this.
    Authz(AuthzFailure),
    /// The provider failed.
    Internal(ProtocolError),
}

impl From<AuthzFailure> for ProtocolErrorOr {
    fn from(f: AuthzFailure) -> Self {
        ProtocolErrorOr::Authz(f)
    }
}

impl From<ProtocolError> for ProtocolErrorOr {
    fn from(e: ProtocolError) -> Self {
        ProtocolErrorOr::Internal(e)
    }
}

/// Decides the next step for a validated request given the browser's session (OIDC Core 3.1.2.3).
pub fn decide(
    provider: &Provider,
    req: &AuthRequest,
    client: &ClientRecord,
    session: Option<&SessionRecord>,
) -> Result<Next, ProtocolError> {
    let now = provider.now();
    let fail = |error: &str, description: &str| {
        Next::Fail(error_callback(provider, &req.redirect_uri, req.response_mode, req.state.as_deref(), error, description))
    };
    let too_old = |s: &SessionRecord| {
        !provider.fault(Fault::MaxAgeIgnored) && req.max_age.is_some_and(|m| now - s.auth_time > m)
    };
    let hint_mismatch = |s: &SessionRecord| req.id_token_hint_sub.as_deref().is_some_and(|h| h != s.user_sub);
    let usable = session.filter(|s| !too_old(s) && !hint_mismatch(s));
    if req.prompts("none") {
        let Some(s) = usable else {
            if provider.fault(Fault::PromptNoneShowsLogin) {
                return Ok(Next::Login);
            }
            let error = if provider.fault(Fault::PromptNoneWrongError) { "invalid_request" } else { "login_required" };
            return Ok(fail(error, "the user is not logged in (or must log in again) and prompt=none forbids asking"));
        };
        if consent_needed(provider, req, client, &s.user_sub)? {
            return Ok(fail("consent_required", "consent is needed and prompt=none forbids asking"));
        }
        // The fault reports "now", at least a second after the real login (so it always differs).
        let auth_time = if provider.fault(Fault::SilentAuthTimeReset) { now.max(s.auth_time + 1) } else { s.auth_time };
        return Ok(Next::Issue { user_sub: s.user_sub.clone(), auth_time });
    }
    let prompt_login = req.prompts("login") && !provider.fault(Fault::PromptLoginIgnored);
    if prompt_login || req.prompts("select_account") {
        return Ok(Next::Login);
    }
    match usable {
        None => Ok(Next::Login),
        Some(s) => after_login(provider, req, client, &s.user_sub, s.auth_time),
    }
}

/// The step after the user is authenticated: consent or a code.
pub fn after_login(
    provider: &Provider,
    req: &AuthRequest,
    client: &ClientRecord,
    user_sub: &str,
    auth_time: i64,
) -> Result<Next, ProtocolError> {
    if consent_needed(provider, req, client, user_sub)? {
        Ok(Next::Consent { user_sub: user_sub.to_owned(), auth_time })
    } else {
        Ok(Next::Issue { user_sub: user_sub.to_owned(), auth_time })
    }
}

/// Whether the user must be asked: third-party clients, scopes not yet granted, or prompt=consent.
pub fn consent_needed(provider: &Provider, req: &AuthRequest, client: &ClientRecord, user_sub: &str) -> Result<bool, ProtocolError> {
    if req.prompts("consent") {
        return Ok(true);
    }
    if client.first_party || provider.fault(Fault::ConsentSkippedThirdParty) {
        return Ok(false);
    }
    let granted = provider.store.consented_scopes(user_sub, &client.client_id)?;
    Ok(req.scopes.iter().any(|s| s != "openid" && !granted.contains(s)))
}

/// Issues an authorization code and builds the success callback (RFC 6749 4.1.2, RFC 9207).
pub fn issue_code(provider: &Provider, req: &AuthRequest, client: &ClientRecord, user_sub: &str, auth_time: i64) -> Result<Callback, ProtocolError> {
    let now = provider.now();
    let code = provider.token(32);
    let lifetime = client.code_lifetime_secs.unwrap_or(provider.config.lifetimes.code_secs);
    provider.store.insert_code(&CodeRecord {
        code_hash: random::fingerprint(&code),
        grant_id: provider.token(12),
        client_id: client.client_id.clone(),
        redirect_uri: req.redirect_uri.clone(),
        user_sub: user_sub.to_owned(),
        scope: req.scopes.join(" "),
        nonce: req.nonce.clone(),
        code_challenge: req.code_challenge.clone(),
        code_challenge_method: req.code_challenge_method.clone(),
        auth_time,
        claims_request: req.claims.clone(),
        created_at: now,
        expires_at: now + lifetime,
        redeemed_at: None,
    })?;
    let mut params = vec![("code".to_owned(), code.clone())];
    if provider.fault(Fault::CodeRepeated) {
        params.push(("code".to_owned(), code));
    }
    if let Some(s) = req.state.as_ref().filter(|_| !provider.fault(Fault::StateNotEchoed)) {
        params.push(("state".to_owned(), s.clone()));
        if provider.fault(Fault::StateRepeated) {
            params.push(("state".to_owned(), s.clone()));
        }
    }
    if !provider.fault(Fault::IssParamMissing) {
        params.push(("iss".to_owned(), response_iss(provider)));
        if provider.fault(Fault::IssParamRepeated) {
            params.push(("iss".to_owned(), response_iss(provider)));
        }
    }
    if provider.fault(Fault::CodeResponseWithToken) {
        params.push(("access_token".to_owned(), provider.token(32)));
    }
    Ok(Callback { redirect_uri: req.redirect_uri.clone(), mode: req.response_mode, params })
}

/// The `iss` authorization response parameter (RFC 9207): the issuer, unless a fault bends it.
fn response_iss(provider: &Provider) -> String {
    if provider.fault(Fault::IssParamWrong) { format!("{}/other", provider.issuer) } else { provider.issuer.clone() }
}

/// The consent denial callback (`access_denied`).
pub fn denied(provider: &Provider, req: &AuthRequest) -> AuthzFailure {
    error_callback(provider, &req.redirect_uri, req.response_mode, req.state.as_deref(), "access_denied", "the user denied the request")
}
