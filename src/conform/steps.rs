//! Reusable flow steps for modules: drive an authorization request in a browser, redeem a code,
//! and a complete happy-path flow used as setup by negative modules. Steps act; they do not judge.
//!
//! [`authorize_as`] picks the driver: the HTML form driver, or headless Chromium
//! ([`crate::browser`]) when the profile asks for it or a page needs a script to show its form.

use serde_json::Value;
use url::Url;

use super::{Ctx, Endpoints};
use crate::flow::{self, AuthParams, AuthorizationResponse};
use crate::browser::BrowserMode;
use crate::form::{ConsentChoice, Credentials, DriveOptions, DriveOutcome, DriveReport, NEEDS_SCRIPT, drive};
use crate::http::{BackChannel, Browser, HttpRequest, HttpResponse, StepLabel};
use crate::target::{ClientProfile, UserProfile};

/// Most HTTP requests one authorization may take (redirects, login, consent).
pub const MAX_STEPS: usize = 30;

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

/// Drives an authorization request for `client` with `params` (the URL is built from them).
pub async fn authorize(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: &AuthParams, acts: UserActs) -> Result<DriveReport, String> {
    let endpoints = ctx.endpoints.as_ref().ok_or("discovery did not yield usable endpoints")?;
    let url = flow::authorization_url(&endpoints.authorization, client, params);
    authorize_url(ctx, browser, client, url, acts).await
}

/// Drives an authorization request to an explicit URL (negative tests build odd URLs).
pub async fn authorize_url(ctx: &Ctx, browser: &Browser, client: &ClientProfile, url: Url, acts: UserActs) -> Result<DriveReport, String> {
    let user = ctx.target.users.first().ok_or("no test user in the profile")?;
    authorize_as(ctx, browser, client, url, acts, user).await
}

/// Drives an authorization request to `url`, logging in as `user` (load tests use a pool).
pub async fn authorize_as(
    ctx: &Ctx,
    browser: &Browser,
    client: &ClientProfile,
    url: Url,
    acts: UserActs,
    user: &UserProfile,
) -> Result<DriveReport, String> {
    let redirect_uri = Url::parse(&client.redirect_uri).map_err(|e| format!("redirect_uri is not a URL: {e}"))?;
    let creds = Credentials { username: user.username.clone(), password: user.password.expose().to_owned() };
    let opts = DriveOptions {
        redirect_uri: &redirect_uri,
        credentials: acts.login.then_some(&creds),
        hints: &ctx.target.hints,
        consent: acts.consent,
        max_steps: MAX_STEPS,
    };
    let hints = &ctx.target.hints;
    let engine = browser.engine();
    let in_chromium = match hints.browser {
        BrowserMode::Always => true,
        BrowserMode::Never => false,
        BrowserMode::Auto => engine.preferred(),
    };
    if !in_chromium {
        let report = drive(browser, HttpRequest::get(url.clone()).labelled(StepLabel::Authorize), &opts)
            .await
            .map_err(|e| format!("transport error during the authorization request: {e}"))?;
        let script_page = matches!(&report.outcome, DriveOutcome::Stuck { reason, .. } if reason == NEEDS_SCRIPT);
        // What the HTML driver could not do is the harness's limit: an error of the module,
        // unless the real page's script, in Chromium, can do it.
        let cannot = match &report.outcome {
            DriveOutcome::CannotDrive { url, reason } => Some(format!("the HTML driver could not go on at {url}: {reason}")),
            _ => None,
        };
        if hints.browser != BrowserMode::Auto || !(script_page || cannot.is_some()) {
            return cannot.map_or(Ok(report), Err);
        }
        if script_page {
            // The page needs a script: this drive again in Chromium, and every later one too.
            engine.prefer();
        }
        let path = hints.browser_path.as_deref().map(std::path::Path::new);
        let report = crate::browser::drive(browser, &url, &opts, path).await.map_err(|e| match &cannot {
            Some(why) => format!("{why}; and in a browser: {e}"),
            None => e.to_string(),
        })?;
        return harness_limit(report);
    }
    let path = hints.browser_path.as_deref().map(std::path::Path::new);
    harness_limit(crate::browser::drive(browser, &url, &opts, path).await.map_err(|e| e.to_string())?)
}

/// A drive the harness could not go on with is the module's error, never evidence against the
/// provider.
fn harness_limit(report: DriveReport) -> Result<DriveReport, String> {
    match report.outcome {
        DriveOutcome::CannotDrive { url, reason } => Err(format!("the browser could not go on at {url}: {reason}")),
        _ => Ok(report),
    }
}

/// One line describing how a drive ended (for notes and flow evidence).
pub fn describe(outcome: &DriveOutcome) -> String {
    match outcome {
        DriveOutcome::Callback(cb) => match (cb.error(), cb.code()) {
            (Some(e), _) => format!("redirected to the redirect_uri with error={e}"),
            (None, Some(_)) => "redirected to the redirect_uri with a code".to_owned(),
            (None, None) => "redirected to the redirect_uri with neither a code nor an error".to_owned(),
        },
        DriveOutcome::LoginRejected { url } => format!("login form shown again at {url}"),
        DriveOutcome::LoginRequired { url } => format!("login form at {url}"),
        DriveOutcome::Stuck { url, status, reason } => format!("stopped at {url} (HTTP {status}): {reason}"),
        DriveOutcome::CannotDrive { url, reason } => format!("the harness could not go on at {url}: {reason}"),
    }
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

/// Redeems a code at the token endpoint with the client's auth method.
pub async fn redeem(ctx: &Ctx, client: &ClientProfile, code: &str, verifier: Option<&str>) -> Result<HttpResponse, String> {
    let endpoints = ctx.endpoints.as_ref().ok_or("discovery did not yield usable endpoints")?;
    send(&ctx.back, flow::token::code_exchange(&endpoints.token, client, code, verifier)).await
}

/// The parameters for a second try at a refresh token: the same scope with `prompt=consent`,
/// when the first try asked for `offline_access` without a prompt and got no refresh token (OIDC
/// Core 11: "the prompt parameter MUST contain consent unless other conditions for processing
/// the request permitting offline access to the requested resources are in place"). Asked only
/// then, because some providers (Fief 0.30) answer `prompt=consent` without a session with
/// `login_required`, while others (node oidc-provider) grant `offline_access` only with it.
pub fn consent_for_offline_access(first: &AuthParams, client: &ClientProfile, got_refresh_token: bool) -> Option<AuthParams> {
    (!got_refresh_token && first.prompt.is_none() && flow::asks_offline_access(&first.scope))
        .then(|| AuthParams { scope: first.scope.clone(), prompt: Some("consent".into()), ..AuthParams::fresh(client) })
}

/// [`tokens`] for a module that needs a refresh token: a second flow in the same browser (now
/// with a session) with `prompt=consent` when the first asked for `offline_access` and got none
/// (see [`consent_for_offline_access`]). The first tokens stand when the second try fails.
pub async fn tokens_for_refresh(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Tokens, String> {
    let first = tokens(ctx, browser, client, params).await?;
    match consent_for_offline_access(&first.params, client, first.get("refresh_token").is_some()) {
        Some(again) => Ok(tokens(ctx, browser, client, again).await.unwrap_or(first)),
        None => Ok(first),
    }
}

/// What a successful happy-path flow produced.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The authorization parameters used.
    pub params: AuthParams,
    /// The callback.
    pub callback: AuthorizationResponse,
    /// The code.
    pub code: String,
    /// The token response.
    pub response: HttpResponse,
    /// Its JSON body.
    pub body: Value,
}

impl Tokens {
    /// A string member of the token response.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.body.get(k).and_then(Value::as_str)
    }
}

/// Drives a complete flow (login, consent allowed, code exchanged) as setup for other tests.
/// `Err` explains where it stopped.
pub async fn tokens(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Tokens, String> {
    let endpoints = ctx.endpoints.as_ref().ok_or("discovery did not yield usable endpoints")?;
    let user = ctx.target.users.first().ok_or("no test user in the profile")?;
    tokens_at(ctx, browser, endpoints, user, client, params).await
}

/// [`tokens`] at explicit endpoints (another tenant's, from its own discovery), logging in as
/// `user` (that tenant's).
pub async fn tokens_at(ctx: &Ctx, browser: &Browser, endpoints: &Endpoints, user: &UserProfile, client: &ClientProfile, params: AuthParams) -> Result<Tokens, String> {
    let url = flow::authorization_url(&endpoints.authorization, client, &params);
    let report = authorize_as(ctx, browser, client, url, UserActs::ALLOW, user).await?;
    let DriveOutcome::Callback(callback) = report.outcome else {
        return Err(format!("setup flow did not complete: {}", describe(&report.outcome)));
    };
    let code = callback.code().ok_or_else(|| format!("setup flow returned no code ({})", describe(&DriveOutcome::Callback(callback.clone()))))?.to_owned();
    let verifier = params.pkce.as_ref().map(|p| p.verifier.as_str());
    let response = send(&ctx.back, flow::token::code_exchange(&endpoints.token, client, &code, verifier)).await?;
    let body = response.json().unwrap_or(Value::Null);
    if response.status != 200 {
        return Err(format!("the setup code exchange failed: {}", token_failure(&response)));
    }
    Ok(Tokens { params, callback, code, response, body })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::conform::embedded_profile;

    #[test]
    fn a_second_try_with_prompt_consent_only_for_offline_access_without_a_refresh_token() {
        let client = embedded_profile("http://127.0.0.1:1").clients.remove(0);
        let offline = AuthParams { scope: "openid offline_access".into(), ..AuthParams::fresh(&client) };
        let again = consent_for_offline_access(&offline, &client, false).unwrap();
        assert_eq!((again.scope.as_str(), again.prompt.as_deref()), ("openid offline_access", Some("consent")));
        assert_ne!(again.state, offline.state, "a fresh request");
        assert!(consent_for_offline_access(&offline, &client, true).is_none(), "a refresh token came");
        let prompted = AuthParams { prompt: Some("login".into()), ..offline.clone() };
        assert!(consent_for_offline_access(&prompted, &client, false).is_none(), "the module chose its prompt");
        let online = AuthParams { scope: "openid".into(), ..offline };
        assert!(consent_for_offline_access(&online, &client, false).is_none());
    }
}
