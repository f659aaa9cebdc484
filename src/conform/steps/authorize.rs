//! Authorization steps: drive an authorization request in a browser (the HTML form driver or
//! headless Chromium) and read how it ended: a code, a refusal, or where it stopped.

use url::Url;

use super::UserActs;
use crate::browser::BrowserMode;
use crate::conform::Ctx;
use crate::flow::{self, AuthParams};
use crate::form::{Credentials, DriveOptions, DriveOutcome, DriveReport, NEEDS_SCRIPT, drive};
use crate::http::{Browser, HttpRequest, StepLabel};
use crate::target::{ClientProfile, UserProfile};

/// Most HTTP requests one authorization may take (redirects, login, consent).
pub const MAX_STEPS: usize = 30;

/// Drives an authorization request for `client` with `params` (the URL is built from them).
pub async fn authorize(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: &AuthParams, acts: UserActs) -> Result<DriveReport, String> {
    let url = flow::authorization_url(&ctx.endpoints().authorization, client, params);
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


/// How an authorization request for a code ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authz {
    /// A code was issued.
    Code(String),
    /// The provider refused: the `error` of the response, or an error page.
    Refused(String),
}

/// Drives an authorization for `client` (login, consent allowed); `Err` when it ended in neither
/// a code nor a refusal.
pub async fn authorize_code(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: &AuthParams) -> Result<Authz, String> {
    let report = authorize(ctx, browser, client, params, UserActs::ALLOW).await?;
    match report.outcome {
        DriveOutcome::Callback(cb) => match (cb.code(), cb.error()) {
            (Some(code), _) => Ok(Authz::Code(code.to_owned())),
            (None, Some(error)) => Ok(Authz::Refused(error.to_owned())),
            (None, None) => Err("the authorization response carried neither code nor error".to_owned()),
        },
        DriveOutcome::Stuck { status, .. } if (400..500).contains(&status) => Ok(Authz::Refused(format!("an error page (HTTP {status})"))),
        other => Err(format!("the authorization did not complete: {}", describe(&other))),
    }
}

/// A fresh code for `client` (setup: a refusal is an error).
pub async fn code_for(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: &AuthParams) -> Result<String, String> {
    match authorize_code(ctx, browser, client, params).await? {
        Authz::Code(code) => Ok(code),
        Authz::Refused(why) => Err(format!("the setup authorization for {} was refused: {why}", client.label())),
    }
}
