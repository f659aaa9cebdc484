//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): ends the browser session and
//! redirects only to a post_logout_redirect_uri registered by the client named by the
//! id_token_hint or client_id — never to an arbitrary URI.

use serde_json::Value;

use super::{Params, ProtocolError};
use crate::faults::{self, Fault};
use crate::provider::Provider;
use crate::random::{self, constant_time_eq};

/// What to do with a logout request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logout {
    /// Session ended; redirect here (state appended).
    Redirect(String),
    /// Session ended; show the "logged out" page.
    Done,
    /// A session exists but the request does not prove the RP sent it: ask the user first.
    Confirm {
        /// CSRF token bound to the session.
        csrf: String,
    },
    /// Refused (shown as a page, never redirected).
    Error(String),
}

/// The CSRF token of the logout confirmation form, derived from the session cookie.
fn confirm_token(session_cookie: &str) -> String {
    random::fingerprint(&format!("logout-confirm:{session_cookie}"))
}

/// Decides a logout request. `confirmed_csrf` is the token of a submitted confirmation form.
/// When the result ends the session, the caller clears the cookie; the store entry is deleted here.
pub fn end_session(
    provider: &Provider,
    params: &Params,
    session_cookie: Option<&str>,
    confirmed_csrf: Option<&str>,
) -> Result<Logout, ProtocolError> {
    if provider.fault(Fault::EndSessionCrashOnLongState) && params.len_of("state") > 4096 {
        return Err(ProtocolError::Internal("the state does not fit the logout record".into()));
    }
    let get = |k: &str| params.get(k);
    let (hint, client_id, target, state) = match (get("id_token_hint"), get("client_id"), get("post_logout_redirect_uri"), get("state")) {
        (Ok(h), Ok(c), Ok(t), Ok(s)) => (h, c, t, s),
        _ => return Ok(Logout::Error("a parameter is repeated".into())),
    };
    let hint_claims = match hint {
        None => None,
        Some(h) => {
            let verified = provider.keys().verify(h).ok().map(|(_, claims)| claims);
            match verified.or_else(|| faults::logout::insecure_accepted_hint(provider, h)) {
                Some(claims) if claims.get("iss").and_then(Value::as_str) == Some(provider.issuer.as_str()) => Some(claims),
                _ => return Ok(Logout::Error("id_token_hint is not an ID token issued by this provider".into())),
            }
        }
    };
    let hint_aud = hint_claims.as_ref().and_then(|c| match c.get("aud") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
        _ => None,
    });
    if let (Some(a), Some(c)) = (&hint_aud, client_id)
        && a != c
    {
        return Ok(Logout::Error("client_id does not match the id_token_hint audience".into()));
    }
    let client_id = hint_aud.as_deref().or(client_id);
    let redirect = match target {
        None => None,
        Some(uri) => {
            let registered = match client_id {
                Some(id) => provider.client(id).is_some_and(|c| {
                    let prefix = provider.fault(Fault::LogoutPrefixMatchRedirect);
                    c.post_logout_redirect_uris.iter().any(|u| u == uri || (prefix && uri.starts_with(u.as_str())))
                }),
                None => false,
            };
            if !registered && !provider.fault(Fault::LogoutOpenRedirect) {
                return Ok(Logout::Error("post_logout_redirect_uri is not registered for this client".into()));
            }
            let mut url = url::Url::parse(uri).map_err(|e| ProtocolError::Internal(e.to_string()))?;
            if let Some(s) = state.filter(|_| !provider.fault(Fault::LogoutDropsState)) {
                url.query_pairs_mut().append_pair("state", s);
            }
            Some(url.to_string())
        }
    };
    if let Some(cookie) = session_cookie {
        let hint_proves = hint_claims.is_some();
        let confirmed = confirmed_csrf.is_some_and(|t| constant_time_eq(t.as_bytes(), confirm_token(cookie).as_bytes()));
        if !hint_proves && !confirmed {
            return Ok(Logout::Confirm { csrf: confirm_token(cookie) });
        }
        // The route keeps the cookie too under this fault (routes/logout.rs).
        if !provider.fault(Fault::LogoutKeepsSession) {
            provider.store.delete_session(&random::fingerprint(cookie))?;
        }
    }
    Ok(match redirect {
        Some(u) => Logout::Redirect(u),
        None => Logout::Done,
    })
}
