//! The authorization endpoint's decisions: validate a request (OIDC Core 3.1.2.1/3.1.2.2; in
//! `validate`), decide what happens next (login, consent, a code, or an error), and build the
//! callback.
//!
//! Errors follow OIDC Core 3.1.2.6 / RFC 6749 4.1.2.1: an unknown client or an unregistered
//! redirect_uri is shown as a page and never redirected; every other error goes back to the
//! client's redirect_uri with `error`, `error_description`, `state` and `iss` (RFC 9207).

use serde::{Deserialize, Serialize};

use super::{ErrorCode, ProtocolError};
use crate::faults::Fault;
use crate::provider::Provider;
use crate::random;
use crate::store::{ClientRecord, CodeRecord, SessionRecord};

mod validate;
pub use validate::validate;

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
    error: ErrorCode,
    description: &str,
) -> AuthzFailure {
    let mut params = vec![
        ("error".to_owned(), error.as_str().to_owned()),
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
    let fail = |error: ErrorCode, description: &str| {
        Next::Fail(error_callback(provider, &req.redirect_uri, req.response_mode, req.state.as_deref(), error, description))
    };
    let session = session.map(|s| SessionRecord { auth_time: provider.auth_time_of(&s.user_sub, s.auth_time), ..s.clone() });
    let session = session.as_ref();
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
            let error = if provider.fault(Fault::PromptNoneWrongError) { ErrorCode::InvalidRequest } else { ErrorCode::LoginRequired };
            return Ok(fail(error, "the user is not logged in (or must log in again) and prompt=none forbids asking"));
        };
        if consent_needed(provider, req, client, &s.user_sub)? && !provider.fault(Fault::PromptNoneSkipsConsent) {
            if provider.fault(Fault::PromptNoneShowsConsent) {
                return Ok(Next::Consent { user_sub: s.user_sub.clone(), auth_time: s.auth_time });
            }
            return Ok(fail(ErrorCode::ConsentRequired, "consent is needed and prompt=none forbids asking"));
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
    error_callback(provider, &req.redirect_uri, req.response_mode, req.state.as_deref(), ErrorCode::AccessDenied, "the user denied the request")
}
