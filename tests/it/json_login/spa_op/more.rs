//! The fake's further conformant variations, chosen per run by [`Variations`]: a session
//! (cookie `sid`, set at login) answering `prompt=none`, with `consent_required` for
//! [`ASK_CLIENT`]; a scope without `openid` answered with an HTML page or an error code OIDC
//! never names; introspection answering `active: false` to every client (none may introspect);
//! refresh tokens for `offline_access` only with `prompt=consent` (as node oidc-provider);
//! a code race whose losers partly get no answer; a logout endpoint asking the user first; UserInfo refusals with a lower-case, unquoted `bearer` challenge, and optionally a 400
//! `invalid_request` for a call without any token (RFC 6750 §3.1).

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use url::Url;
use wiremock::{Request, ResponseTemplate};

use super::{CLIENT_SECRET, Pending, REDIRECT_URI, SpaOp, cookie, header, redirect};
use crate::it::fake_kit::json;

/// A third-party client that needs consent on every request: a consent page after each login,
/// and `consent_required` for `prompt=none` even with a session.
pub const ASK_CLIENT: &str = "spa-ask";

/// Which conformant variations the fake shows beyond its defaults.
#[derive(Debug, Clone, Copy)]
pub struct Variations {
    /// A refresh token for a grant with `offline_access`, only when its request had
    /// `prompt=consent`; `false`: never a refresh token.
    pub refresh_with_consent: bool,
    /// A call to UserInfo without any token is answered 400 with
    /// `Bearer error="invalid_request"` (else 401 with a bare `Bearer realm`).
    pub no_token_400: bool,
    /// A request whose scope lacks `openid` is redirected with this error (else an HTML error
    /// page, no redirect).
    pub no_openid_error: Option<&'static str>,
    /// The error of `prompt=none` with a session for [`ASK_CLIENT`].
    pub silent_consent_error: &'static str,
    /// Every other redemption of an unknown (or spent) code gets its `invalid_grant` only after
    /// [`LOSER_DELAY`]: past the harness's timeout, no answer.
    pub silent_losers: bool,
    /// An `end_session_endpoint` (`/logout`) that first asks the user to confirm, whatever the
    /// request (RP-Initiated Logout 2: the OP SHOULD ask): a page, never a redirect, and the
    /// session kept until the user confirms.
    pub logout_confirmation: bool,
}

/// How long a silent loser of a code race waits for its answer.
pub const LOSER_DELAY: Duration = Duration::from_secs(30);

impl Default for Variations {
    fn default() -> Self {
        Variations { refresh_with_consent: false, no_token_400: false, no_openid_error: None, silent_consent_error: "consent_required", silent_losers: false, logout_confirmation: false }
    }
}

impl SpaOp {
    /// An error at the redirect_uri, with `state` and `iss`.
    pub(super) fn error_redirect(&self, pending: &Pending, error: &str) -> ResponseTemplate {
        let mut location = Url::parse(REDIRECT_URI).expect("redirect_uri");
        location.query_pairs_mut().append_pair("error", error);
        if let Some(s) = &pending.state {
            location.query_pairs_mut().append_pair("state", s);
        }
        location.query_pairs_mut().append_pair("iss", &self.issuer);
        redirect(location.as_str())
    }

    /// Not an OpenID request (OIDC Core 3.1.2.1 leaves the answer open).
    pub(super) fn not_openid(&self, pending: &Pending) -> ResponseTemplate {
        match self.variations.no_openid_error {
            Some(error) => self.error_redirect(pending, error),
            None => ResponseTemplate::new(400).set_body_raw(
                b"<!doctype html><html><body><h1>Sorry</h1><p>This application asked for something we cannot do.</p></body></html>".to_vec(),
                "text/html; charset=utf-8",
            ),
        }
    }

    /// `prompt=none`: a code from the session, `login_required` without one, and for
    /// [`ASK_CLIENT`] (which needs consent each time) the configured consent error.
    pub(super) fn silent(&self, req: &Request, mut pending: Pending) -> ResponseTemplate {
        let session = cookie(req, "sid").and_then(|sid| self.lock().sessions.get(&sid).copied());
        match session {
            None => self.error_redirect(&pending, "login_required"),
            Some(_) if pending.client_id == ASK_CLIENT => self.error_redirect(&pending, self.variations.silent_consent_error),
            Some(auth_time) => {
                pending.logged_in = true;
                pending.auth_time = auth_time;
                self.callback(pending)
            }
        }
    }

    /// The answer to a redemption of an unknown code: with `silent_losers`, every other one late.
    pub(super) fn lost_race(&self, answer: ResponseTemplate) -> ResponseTemplate {
        if !self.variations.silent_losers {
            return answer;
        }
        let mut state = self.lock();
        state.losers += 1;
        if state.losers % 2 == 1 { answer.set_delay(LOSER_DELAY) } else { answer }
    }

    /// A refresh token for a code grant, when the variation and the request allow one.
    pub(super) fn refresh_token_for(&self, grant: &Pending) -> Option<String> {
        let offline = grant.scope.split(' ').any(|s| s == "offline_access");
        if !(self.variations.refresh_with_consent && offline && grant.prompt_consent) {
            return None;
        }
        let rt = self.random();
        self.lock().refresh_tokens.insert(rt.clone(), grant.clone());
        Some(rt)
    }

    /// The refresh grant: new access and ID tokens (no nonce), the refresh token kept.
    pub(super) fn refresh(&self, client: &str, f: &HashMap<String, String>) -> ResponseTemplate {
        let grant = f.get("refresh_token").and_then(|rt| self.lock().refresh_tokens.get(rt).cloned());
        let Some(grant) = grant.filter(|g| g.client_id == client) else {
            return json(400, &json!({ "error": "invalid_grant" })).insert_header("Cache-Control", "no-store");
        };
        self.issue(&Pending { nonce: None, ..grant }, None)
    }

    /// Introspection: client authentication, then `active: false` for every token (RFC 7662
    /// §2.2: no client of this provider may introspect).
    pub(super) fn introspect(&self, req: &Request) -> ResponseTemplate {
        let authenticated = [super::WEB_CLIENT, super::THIRD_CLIENT, ASK_CLIENT]
            .into_iter()
            .any(|c| header(req, "authorization") == Some(format!("Basic {}", STANDARD.encode(format!("{c}:{CLIENT_SECRET}")))).as_deref());
        if !authenticated {
            return json(401, &json!({ "error": "invalid_client" })).insert_header("WWW-Authenticate", "Basic realm=\"spa\"");
        }
        json(200, &json!({ "active": false }))
    }

    /// The logout endpoint's confirmation page (its form would POST back to `/logout`; the fake
    /// does not act on it: no test confirms).
    pub(super) fn logout_confirmation(&self) -> ResponseTemplate {
        if !self.variations.logout_confirmation {
            return ResponseTemplate::new(404);
        }
        super::html(
            "<!doctype html><html><body><h1>Sign out?</h1><form method=post action=/logout><button type=submit>Sign out</button></form></body></html>".to_owned(),
        )
    }

    /// UserInfo's refusal of a call with an unknown token (`with_token`) or without any.
    pub(super) fn refusal(&self, with_token: bool) -> ResponseTemplate {
        if with_token {
            let challenge = "bearer realm=spa, error=invalid_token, error_description=\"the access token is unknown\"";
            return json(401, &json!({ "error": "invalid_token" })).insert_header("WWW-Authenticate", challenge);
        }
        if self.variations.no_token_400 {
            let challenge = "Bearer realm=\"spa\", error=\"invalid_request\", error_description=\"no access token\"";
            return json(400, &json!({ "error": "invalid_request" })).insert_header("WWW-Authenticate", challenge);
        }
        ResponseTemplate::new(401).insert_header("WWW-Authenticate", "Bearer realm=\"spa\"")
    }
}
