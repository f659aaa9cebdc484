//! Login and consent interactions: a pending authorization request bound to the browser by a
//! cookie and protected by a CSRF token, then a session once the user has logged in.

use super::ProtocolError;
use super::authorize::{self, AuthRequest, AuthzFailure, Callback, Next};
use crate::faults::Fault;
use crate::paths;
use crate::provider::Provider;
use crate::random::{self, constant_time_eq};
use crate::store::{ClientRecord, InteractionRecord, SessionRecord, UserRecord};

/// Why an interaction form submission is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InteractionError {
    /// Unknown or expired interaction (the user should start over at the client).
    Expired,
    /// The browser's interaction cookie or CSRF token does not match.
    Forged,
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

/// Creates an interaction for `req` (the caller sets its id as a cookie and shows the login page).
pub fn start(provider: &Provider, req: &AuthRequest) -> Result<InteractionRecord, ProtocolError> {
    let now = provider.now();
    let record = InteractionRecord {
        id: provider.token(18),
        csrf: provider.token(24),
        request: serde_json::to_value(req).map_err(|e| ProtocolError::Internal(e.to_string()))?,
        user_sub: None,
        auth_time: None,
        created_at: now,
        expires_at: now + provider.config.lifetimes.interaction_secs,
    };
    provider.store.insert_interaction(&record)?;
    Ok(record)
}

/// Loads an interaction for display (GET): only the cookie must match.
pub fn load(provider: &Provider, id: &str, cookie: Option<&str>) -> Result<Result<Pending, InteractionError>, ProtocolError> {
    let Some(record) = provider.store.interaction(id, provider.now())? else {
        return Ok(Err(InteractionError::Expired));
    };
    if !cookie.is_some_and(|c| constant_time_eq(c.as_bytes(), record.id.as_bytes())) {
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
    if !csrf.is_some_and(|t| constant_time_eq(t.as_bytes(), pending.record.csrf.as_bytes())) {
        return Ok(Err(InteractionError::Forged));
    }
    Ok(Ok(pending))
}

/// Checks credentials; on success records the login on the interaction and opens a session.
/// Returns the session cookie value and the user, or `None` for wrong credentials.
pub fn login(
    provider: &Provider,
    pending: &Pending,
    username: &str,
    password: &str,
) -> Result<Option<(String, SessionRecord, UserRecord)>, ProtocolError> {
    let Some(user) = provider.authenticate(username, password).cloned() else {
        return Ok(None);
    };
    let now = provider.now();
    provider.store.set_interaction_user(&pending.record.id, &user.sub, now)?;
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
    Ok(Some((cookie, session, user)))
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
        _ => None,
    })
}

/// Ends an interaction.
pub fn finish(provider: &Provider, pending: &Pending) -> Result<(), ProtocolError> {
    provider.store.delete_interaction(&pending.record.id)?;
    Ok(())
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
}

/// Continues a pending interaction with the next step: issues the code, or ends the interaction
/// with an error, or names the page that comes next.
pub fn proceed(provider: &Provider, pending: &Pending, next: Next) -> Result<Step, ProtocolError> {
    Ok(match next {
        Next::Issue { user_sub, auth_time } => {
            let cb = authorize::issue_code(provider, &pending.request, &pending.client, &user_sub, auth_time)?;
            finish(provider, pending)?;
            Step::Callback(cb)
        }
        Next::Consent { .. } => Step::Continue(format!("{}?interaction={}", paths::CONSENT, pending.record.id)),
        Next::Login => Step::Continue(format!("{}?interaction={}", paths::LOGIN, pending.record.id)),
        Next::Fail(f) => {
            finish(provider, pending)?;
            Step::Fail(f)
        }
    })
}
