//! Login and consent interactions: a pending authorization request bound to the browser by a
//! cookie and protected by a CSRF token, then a session once the user has logged in.
//!
//! The binding cookie holds a random secret that never appears in a URL; the interaction's id
//! (in the login and consent URLs) is that secret's SHA-256, so whoever sees the URL still cannot
//! answer for the browser (login CSRF). An interaction is consumed at most once: logging in
//! claims it with one conditional UPDATE and finishing it is one DELETE whose row count decides
//! the single winner of double submissions, as codes are redeemed.

use std::net::IpAddr;

use super::ProtocolError;
use super::authorize::{self, AuthRequest, AuthzFailure, Callback, Next};
use crate::faults::Fault;
use crate::paths;
use crate::provider::Provider;
use crate::random::{self, constant_time_eq};
use crate::store::{ClientRecord, InteractionRecord, SessionRecord};

/// Why an interaction form submission is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InteractionError {
    /// Unknown or expired interaction (the user should start over at the client).
    Expired,
    /// The browser's interaction cookie or CSRF token does not match.
    Forged,
    /// Another submission of the same form already went through (double submission).
    AlreadySubmitted,
}

/// What a login attempt on a pending interaction ended with.
#[derive(Debug, Clone)]
pub enum Login {
    /// Wrong username or password (the answer does not tell which).
    WrongCredentials,
    /// Another submission already logged in on this interaction, or finished it.
    AlreadySubmitted,
    /// Too many failed logins for this login name or client address lately; not checked.
    Throttled,
    /// Logged in: the session cookie's value and the session opened.
    Done {
        /// The session cookie's value (only its hash is stored).
        cookie: String,
        /// The new session.
        session: SessionRecord,
    },
}

/// A pending interaction with its decoded request and client.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The stored interaction.
    pub record: InteractionRecord,
    /// The authorization request waiting for the user.
    pub request: AuthRequest,
    /// The requesting client.
    pub client: ClientRecord,
}

/// Creates an interaction for `req`; returns it with the secret the caller sets as the binding
/// cookie (never in a URL; the interaction's id is its fingerprint) before showing the login page.
pub fn start(provider: &Provider, req: &AuthRequest) -> Result<(InteractionRecord, String), ProtocolError> {
    let now = provider.now();
    let secret = provider.token(32);
    let record = InteractionRecord {
        id: random::fingerprint(&secret),
        csrf: provider.token(24),
        request: serde_json::to_value(req).map_err(|e| ProtocolError::Internal(e.to_string()))?,
        user_sub: None,
        auth_time: None,
        created_at: now,
        expires_at: now + provider.config.lifetimes.interaction_secs,
    };
    provider.store.insert_interaction(&record)?;
    Ok((record, secret))
}

/// Loads an interaction for display (GET): only the cookie must match.
pub fn load(provider: &Provider, id: &str, cookie: Option<&str>) -> Result<Result<Pending, InteractionError>, ProtocolError> {
    let Some(record) = provider.store.interaction(id, provider.now())? else {
        return Ok(Err(InteractionError::Expired));
    };
    if !cookie.is_some_and(|c| constant_time_eq(random::fingerprint(c).as_bytes(), record.id.as_bytes())) {
        return Ok(Err(InteractionError::Forged));
    }
    let request: AuthRequest =
        serde_json::from_value(record.request.clone()).map_err(|e| ProtocolError::Internal(e.to_string()))?;
    let Some(client) = provider.client(&request.client_id) else {
        return Ok(Err(InteractionError::Expired));
    };
    Ok(Ok(Pending { record, request, client: client.clone() }))
}

/// Loads an interaction for a form submission (POST): cookie and CSRF token must both match.
pub fn load_for_post(
    provider: &Provider,
    id: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
) -> Result<Result<Pending, InteractionError>, ProtocolError> {
    let pending = match load(provider, id, cookie)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    // The consent-ignores-csrf fault takes any post at the consent step (a user is logged in).
    let unchecked = provider.fault(Fault::ConsentIgnoresCsrf) && pending.record.user_sub.is_some();
    if !unchecked && !csrf.is_some_and(|t| constant_time_eq(t.as_bytes(), pending.record.csrf.as_bytes())) {
        return Ok(Err(InteractionError::Forged));
    }
    Ok(Ok(pending))
}

/// Checks credentials; on success claims the interaction for the user (at most once: a second
/// submission finds it claimed) and opens a session.
/// Failed attempts are throttled per login name (existing or not) and per client `addr`.
pub fn login(provider: &Provider, pending: &Pending, username: &str, password: &str, addr: Option<IpAddr>) -> Result<Login, ProtocolError> {
    let now = provider.now();
    if !provider.login_throttle.allows(username, addr, now) {
        return Ok(Login::Throttled);
    }
    let Some(user) = provider.authenticate(username, password).cloned() else {
        provider.login_throttle.failed(username, addr, now);
        return Ok(Login::WrongCredentials);
    };
    provider.login_throttle.succeeded(username);
    if !provider.store.claim_interaction(&pending.record.id, &user.sub, now)? {
        return Ok(Login::AlreadySubmitted);
    }
    let cookie = provider.token(32);
    let session = SessionRecord {
        id_hash: random::fingerprint(&cookie),
        user_sub: user.sub.clone(),
        auth_time: now,
        created_at: now,
        expires_at: now + provider.config.lifetimes.session_secs,
    };
    provider.store.insert_session(&session)?;
    provider.note_login(&user.sub, now);
    Ok(Login::Done { cookie, session })
}

/// The session behind a session cookie, if valid.
pub fn session(provider: &Provider, cookie: Option<&str>) -> Result<Option<SessionRecord>, ProtocolError> {
    match cookie {
        None => Ok(None),
        Some(c) => Ok(provider.store.session(&random::fingerprint(c), provider.now())?),
    }
}

/// Records a granted consent.
pub fn grant_consent(provider: &Provider, pending: &Pending, user_sub: &str) -> Result<(), ProtocolError> {
    let scopes: Vec<String> = pending.request.scopes.iter().filter(|s| *s != "openid").cloned().collect();
    provider.store.add_consent(user_sub, &pending.client.client_id, &scopes, provider.now())?;
    Ok(())
}

/// What the user decided on the consent page (any UI), and what follows: `Next::Login` when the
/// interaction has no logged-in user yet, `None` for a decision that is neither allow nor deny.
/// Allowing records the consent; the `consent-deny-issues-code` fault issues a code on deny.
pub fn decide_consent(provider: &Provider, pending: &Pending, decision: Option<&str>) -> Result<Option<Next>, ProtocolError> {
    let (Some(user_sub), Some(auth_time)) = (pending.record.user_sub.clone(), pending.record.auth_time) else {
        return Ok(Some(Next::Login));
    };
    Ok(match decision {
        Some("allow") => {
            grant_consent(provider, pending, &user_sub)?;
            Some(Next::Issue { user_sub, auth_time })
        }
        Some("deny") if provider.fault(Fault::ConsentDenyIssuesCode) => Some(Next::Issue { user_sub, auth_time }),
        Some("deny") => Some(Next::Fail(authorize::denied(provider, &pending.request))),
        _ if provider.fault(Fault::ConsentCrashWithoutDecision) => return Err(ProtocolError::Internal("no decision (fault)".into())),
        _ => None,
    })
}

/// Ends an interaction; `false` when another submission ended it first (it then must not
/// answer the client a second time).
pub fn finish(provider: &Provider, pending: &Pending) -> Result<bool, ProtocolError> {
    Ok(provider.store.take_interaction(&pending.record.id)?)
}

/// Where a pending interaction goes after login or consent, for any UI to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The interaction is over: send the client this authorization response.
    Callback(Callback),
    /// The interaction is over: the request failed (an error redirect or an error page).
    Fail(AuthzFailure),
    /// The user has another page to see (login or consent), at this URL.
    Continue(String),
    /// Another submission of the same form already ended the interaction.
    AlreadySubmitted,
}

/// Continues a pending interaction with the next step: issues the code, or ends the interaction
/// with an error, or names the page that comes next.
pub fn proceed(provider: &Provider, pending: &Pending, next: Next) -> Result<Step, ProtocolError> {
    Ok(match next {
        // The interaction is taken before the code is issued, so only one submission issues one.
        Next::Issue { .. } | Next::Fail(_) if !finish(provider, pending)? => Step::AlreadySubmitted,
        Next::Issue { user_sub, auth_time } => {
            Step::Callback(authorize::issue_code(provider, &pending.request, &pending.client, &user_sub, auth_time)?)
        }
        Next::Consent { .. } => Step::Continue(format!("{}?interaction={}", paths::CONSENT, pending.record.id)),
        Next::Login => Step::Continue(format!("{}?interaction={}", paths::LOGIN, pending.record.id)),
        Next::Fail(f) => Step::Fail(f),
    })
}
