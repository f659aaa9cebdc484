//! The flow steps, one home for every caller that acts out a flow — the conformance modules, the
//! preflight and the load users: drive an authorization request in a browser ([`authorize`],
//! [`authorize_as`]), read a code or a refusal out of it ([`code_for`]), redeem a code
//! ([`redeem`]), a complete happy-path flow as setup ([`tokens`]) and one attempt with its code
//! redeemed ([`attempt`]). Steps act; they do not judge.
//!
//! [`authorize_as`] picks the driver: the HTML form driver, or headless Chromium
//! ([`crate::browser`]) when the profile asks for it or a page needs a script to show its form.

mod attempt;
mod authorize;
mod tokens;

use serde_json::Value;

pub use attempt::{Attempt, attempt, login, login_for_refresh};
pub use authorize::{Authz, MAX_STEPS, authorize, authorize_as, authorize_code, authorize_url, code_for, describe};
pub use tokens::{Tokens, consent_for_offline_access, redeem, tokens, tokens_at, tokens_for_refresh};

use super::Ctx;
use crate::form::ConsentChoice;
use crate::http::{BackChannel, Browser, HttpRequest, HttpResponse};

/// A new browser (empty cookie jar) sharing the run's transcript.
pub fn browser(ctx: &Ctx) -> Result<Browser, String> {
    ctx.browser.with_fresh_cookies().map_err(|e| format!("cannot create a browser: {e}"))
}

/// How to answer the provider's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserActs {
    /// Log in with the profile's first user when a login form appears (false: never log in).
    pub login: bool,
    /// Answer on consent pages.
    pub consent: ConsentChoice,
}

impl UserActs {
    /// Log in and allow.
    pub const ALLOW: UserActs = UserActs { login: true, consent: ConsentChoice::Allow };
}

/// Longest `error_description` quoted in a message.
const MAX_DESCRIPTION: usize = 160;

/// What a refused token request said, in one line: `HTTP 400 error=invalid_grant ("...")`, the
/// provider's own words (its `error` and `error_description`), never the request's secrets.
pub fn token_failure(resp: &HttpResponse) -> String {
    let body = resp.json();
    let member = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    let mut out = format!("HTTP {}", resp.status);
    if let Some(error) = member("error") {
        out.push_str(&format!(" error={error}"));
    }
    if let Some(d) = member("error_description") {
        let d: String = d.chars().filter(|c| !c.is_control()).take(MAX_DESCRIPTION).collect();
        out.push_str(&format!(" ({d:?})"));
    }
    out
}

/// Sends one front-channel request in `browser` (a page the user's browser opens, e.g. the
/// logout endpoint); a transport error becomes a note.
pub async fn visit(browser: &Browser, req: HttpRequest) -> Result<HttpResponse, String> {
    browser.send(req).await.map_err(|e| format!("transport error: {e}"))
}

/// Sends a back-channel request (no cookies); a transport error becomes a note.
pub async fn send(back: &BackChannel, req: HttpRequest) -> Result<HttpResponse, String> {
    back.send(req).await.map_err(|e| format!("transport error: {e}"))
}

