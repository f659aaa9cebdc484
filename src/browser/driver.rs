//! The Chromium drive loop: open an incognito context with the jar's cookies, navigate to the
//! authorization URL, then read the live page until it settles (no navigation, no request in
//! flight, the same DOM twice), classify it with the HTML driver's heuristics and act as the
//! user would — until a request to the redirect_uri is paused and read.
//!
//! Every wait is bounded ([`DEFAULT_WAIT`] without progress) and ends in a
//! [`DriveOutcome::Stuck`] that says what did not appear, and where.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;
use url::{Url, form_urlencoded};

use super::BrowserError;
use super::cdp::{Cdp, Event};
use super::page::{Snapshot, act_expression, action_answer, read_snapshot, snapshot_expression, submit_expression};
use crate::flow::callback::{matches_redirect_uri, parse_redirect};
use crate::flow::{AuthorizationResponse, ResponseSource};
use crate::form::{ConsentChoice, DriveOptions, DriveOutcome, DriveReport, Page, classify, login_submit};
use crate::http::{Browser, StoredCookie};

/// Longest wait for a page to show something to act on, or to change after an action.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);
/// How often the page is read.
const POLL: Duration = Duration::from_millis(100);
/// Longest wait for requests in flight before reading the page anyway (long polls).
const BUSY_POLLS: usize = 20;

/// Drives `start` in a fresh incognito context of the run's Chromium (started from `path`, or
/// found, on first use), with `browser`'s cookies, which it updates at the end.
///
/// Errors are the harness's (no Chromium, DevTools failure); provider behaviour is an outcome.
pub async fn drive(browser: &Browser, start: &Url, opts: &DriveOptions<'_>, path: Option<&Path>) -> Result<DriveReport, BrowserError> {
    let chromium = browser.engine().get(path).await?;
    let cdp = &chromium.cdp;
    let created = cdp.call(None, "Target.createBrowserContext", json!({ "disposeOnDetach": true })).await?;
    let context = text(&created, "browserContextId")?;
    let result = in_context(cdp, &context, browser, start, opts).await;
    let _ = cdp.call(None, "Target.disposeBrowserContext", json!({ "browserContextId": context })).await;
    result
}

/// The drive inside one browser context.
async fn in_context(cdp: &Cdp, context: &str, browser: &Browser, start: &Url, opts: &DriveOptions<'_>) -> Result<DriveReport, BrowserError> {
    let seed: Vec<Value> = browser.cookies().iter().map(cookie_param).collect();
    if !seed.is_empty() {
        cdp.call(None, "Storage.setCookies", json!({ "cookies": seed, "browserContextId": context })).await?;
    }
    let created = cdp.call(None, "Target.createTarget", json!({ "url": "about:blank", "browserContextId": context })).await?;
    let target = text(&created, "targetId")?;
    let attached = cdp.call(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true })).await?;
    let session = text(&attached, "sessionId")?;
    let mut events = cdp.subscribe(&session);
    let page = Tab { cdp, session: &session };
    let mut result = walk(&page, &mut events, &target, browser, start, opts).await;
    if let Ok(DriveReport { outcome: DriveOutcome::Stuck { reason, .. } | DriveOutcome::CannotDrive { reason, .. }, .. }) = &mut result
        && let Some(note) = capture(&page, browser).await
    {
        reason.push_str(&format!(" ({note})"));
    }
    cdp.unsubscribe(&session);
    if let Ok(all) = cdp.call(None, "Storage.getCookies", json!({ "browserContextId": context })).await {
        let cookies: Vec<StoredCookie> = all.get("cookies").and_then(Value::as_array).into_iter().flatten().filter_map(stored_cookie).collect();
        browser.replace_cookies(&cookies);
    }
    result
}

/// Saves the page a drive could not get past (screenshot and redacted DOM); the note naming it.
async fn capture(tab: &Tab<'_>, browser: &Browser) -> Option<String> {
    let shot = tab.call("Page.captureScreenshot", json!({ "format": "png" })).await.ok()?;
    let html = tab.evaluate("document.documentElement ? document.documentElement.outerHTML : ''").await.ok();
    let html = html.as_ref().and_then(|v| v.pointer("/result/value")).and_then(Value::as_str).unwrap_or_default();
    super::capture::keep(shot.get("data")?.as_str()?, browser.redactor().text(html))
}

/// One attached page.
struct Tab<'a> {
    cdp: &'a Cdp,
    session: &'a str,
}

impl Tab<'_> {
    async fn call(&self, method: &str, params: Value) -> Result<Value, BrowserError> {
        self.cdp.call(Some(self.session), method, params).await
    }

    async fn evaluate(&self, expression: &str) -> Result<Value, BrowserError> {
        self.call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true, "userGesture": true })).await
    }
}

/// Which page of a login was submitted (as in the HTML driver).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginStep {
    Identifier,
    Password,
}

/// The loop's memory.
struct State {
    report: DriveReport,
    login_submitted: Option<LoginStep>,
    /// The snapshot last acted on (a page that has not changed since is not answered twice).
    acted_on: Option<u64>,
    /// The previous snapshot (a page is read only once it is the same twice in a row).
    previous: Option<u64>,
    inflight: HashSet<String>,
    loading: bool,
    /// Status of the last document response.
    status: u16,
    /// Polls since the last progress (an action or a new page).
    idle: usize,
    busy: usize,
    last_url: String,
}

/// Navigates to `start` and answers pages until the redirect_uri is reached or a wait runs out.
async fn walk(tab: &Tab<'_>, events: &mut UnboundedReceiver<Event>, target: &str, browser: &Browser, start: &Url, opts: &DriveOptions<'_>) -> Result<DriveReport, BrowserError> {
    tab.call("Page.enable", json!({})).await?;
    tab.call("Network.enable", json!({})).await?;
    let pattern = format!("{}*", redirect_base(opts.redirect_uri));
    tab.call("Fetch.enable", json!({ "patterns": [{ "urlPattern": pattern, "requestStage": "Request" }] })).await?;
    // Not awaited: a redirect straight to the redirect_uri pauses before the navigation commits.
    tab.cdp.send(Some(tab.session), "Page.navigate", json!({ "url": start.as_str() })).await?;
    let mut st = State {
        report: DriveReport { outcome: DriveOutcome::LoginRequired { url: String::new() }, login_forms_seen: 0, consent_pages_seen: 0, steps: 1, password_origins: Vec::new() },
        login_submitted: None,
        acted_on: None,
        previous: None,
        inflight: HashSet::new(),
        loading: true,
        status: 0,
        idle: 0,
        busy: 0,
        last_url: start.to_string(),
    };
    let wait_polls = (DEFAULT_WAIT.as_millis() / POLL.as_millis()) as usize;
    let red = |u: &str| Url::parse(u).map(|u| browser.redactor().url(&u)).unwrap_or_else(|_| u.to_owned());
    loop {
        let tick = tokio::time::sleep(POLL);
        tokio::pin!(tick);
        loop {
            tokio::select! {
                ev = events.recv() => {
                    let Some(ev) = ev else { return Err(BrowserError::Protocol("the page closed".into())) };
                    if let Some(callback) = on_event(tab, &mut st, target, opts, ev).await? {
                        st.report.outcome = DriveOutcome::Callback(callback);
                        return Ok(st.report);
                    }
                }
                () = &mut tick => break,
            }
        }
        st.idle += 1;
        let stuck = |st: &mut State, reason: String| {
            st.report.outcome = DriveOutcome::Stuck { url: red(&st.last_url), status: st.status, reason };
        };
        if st.idle > wait_polls {
            let secs = DEFAULT_WAIT.as_secs();
            let url = red(&st.last_url);
            let reason = match st.login_submitted {
                _ if st.acted_on.is_some() && st.acted_on == st.previous => format!("the page did not change within {secs} s after the last action on {url}"),
                None => format!("no login field appeared within {secs} s on {url}"),
                Some(_) => format!("no consent form or redirect appeared within {secs} s after the login on {url}"),
            };
            // A page that never showed what the driver looks for may be the driver's limit as
            // much as the provider's: the module stops with an error, not a failure.
            st.report.outcome = DriveOutcome::CannotDrive { url, reason };
            return Ok(st.report);
        }
        if st.loading || (!st.inflight.is_empty() && st.busy < BUSY_POLLS) {
            st.busy += 1;
            continue;
        }
        st.busy = 0;
        // A page being replaced has no context to evaluate in: read it on the next poll.
        let Some(snap) = tab.evaluate(snapshot_expression()).await.ok().as_ref().and_then(read_snapshot) else { continue };
        st.last_url = snap.url.clone();
        let key = fingerprint(&snap);
        if st.previous != Some(key) {
            st.previous = Some(key);
            continue;
        }
        if st.acted_on == Some(key) {
            continue;
        }
        match decide(&snap, &mut st, opts) {
            Decision::Wait => {}
            Decision::Stop(stop) => {
                st.report.outcome = stop.outcome(red(&snap.url), st.status);
                return Ok(st.report);
            }
            Decision::Act(expression) => {
                if st.report.steps >= opts.max_steps {
                    stuck(&mut st, format!("expected to reach the redirect_uri within {} steps (found no end)", opts.max_steps));
                    return Ok(st.report);
                }
                st.report.steps += 1;
                let answer = action_answer(&tab.evaluate(&expression).await?);
                if answer != "ok" {
                    stuck(&mut st, format!("could not act on the page: {answer}"));
                    return Ok(st.report);
                }
                st.acted_on = Some(key);
                st.idle = 0;
            }
        }
    }
}

/// What to do with a settled page.
enum Decision {
    /// Nothing to act on yet (a script may still render it).
    Wait,
    /// Run this action script.
    Act(String),
    /// End the drive without a callback.
    Stop(Stop),
}

/// How a drive ends without a callback (the outcome gets the redacted URL and the status).
enum Stop {
    LoginRequired,
    LoginRejected,
    Stuck(&'static str),
    /// What the harness cannot do on the page (its limit, never the provider's failure).
    Cannot(&'static str),
}

impl Stop {
    fn outcome(self, url: String, status: u16) -> DriveOutcome {
        match self {
            Stop::LoginRequired => DriveOutcome::LoginRequired { url },
            Stop::LoginRejected => DriveOutcome::LoginRejected { url },
            Stop::Stuck(reason) => DriveOutcome::Stuck { url, status, reason: reason.to_owned() },
            Stop::Cannot(reason) => DriveOutcome::CannotDrive { url, reason: reason.to_owned() },
        }
    }
}

/// Decides what the user does on a settled page (pure but for the counters in `st`).
fn decide(snap: &Snapshot, st: &mut State, opts: &DriveOptions<'_>) -> Decision {
    let Ok(url) = Url::parse(&snap.url) else { return Decision::Wait };
    let stuck = |reason: &'static str| Decision::Stop(Stop::Stuck(reason));
    match classify(&snap.html, &url, opts.hints) {
        Page::Login(login) => {
            st.report.login_forms_seen += 1;
            let Some(creds) = opts.credentials else {
                return Decision::Stop(Stop::LoginRequired);
            };
            let step = if login.password_field.is_some() { LoginStep::Password } else { LoginStep::Identifier };
            let rejected = match (st.login_submitted, step) {
                (None, _) | (Some(LoginStep::Identifier), LoginStep::Password) => false,
                (Some(LoginStep::Password), _) | (Some(LoginStep::Identifier), LoginStep::Identifier) => true,
            };
            if rejected {
                return Decision::Stop(Stop::LoginRejected);
            }
            st.login_submitted = Some(step);
            let mut fill = Vec::new();
            if let Some(name) = &login.username_field {
                fill.push((name.clone(), creds.username.clone()));
            }
            if let Some(name) = &login.password_field {
                fill.push((name.clone(), creds.password.clone()));
            }
            Decision::Act(act_expression(&fill, login_submit(&login.form, opts.hints)))
        }
        Page::Consent(consent) => {
            st.report.consent_pages_seen += 1;
            st.login_submitted = None;
            let button = match opts.consent {
                ConsentChoice::Allow => Some(&consent.allow),
                ConsentChoice::Deny => consent.deny.as_ref(),
            };
            match button {
                Some(b) => Decision::Act(act_expression(&[], Some(b))),
                None => Decision::Stop(Stop::Cannot("expected a deny button on the consent page (found none the driver recognises: name it in hints.consent_deny)")),
            }
        }
        // The page's own script posts it (and the request is paused); if it did not, submit.
        Page::AutoPost(form) => Decision::Act(submit_expression(form.action.as_str())),
        Page::Other if snap.scripted() => Decision::Wait,
        Page::Other => stuck("expected a redirect, a login, consent or auto-submit form (found none)"),
    }
}

/// Handles one event; a paused request to the redirect_uri ends the drive with its callback.
async fn on_event(tab: &Tab<'_>, st: &mut State, target: &str, opts: &DriveOptions<'_>, ev: Event) -> Result<Option<AuthorizationResponse>, BrowserError> {
    let p = &ev.params;
    let id = || p.get("requestId").and_then(Value::as_str).unwrap_or_default().to_owned();
    match ev.method.as_str() {
        "Fetch.requestPaused" => {
            if let Some(cb) = p.get("request").and_then(|r| callback_of(r, opts.redirect_uri)) {
                // Never loaded: the client's endpoint is not ours to call.
                let _ = tab.call("Fetch.failRequest", json!({ "requestId": id(), "errorReason": "Aborted" })).await;
                return Ok(Some(cb));
            }
            tab.call("Fetch.continueRequest", json!({ "requestId": id() })).await?;
        }
        "Network.requestWillBeSent" => {
            st.inflight.insert(id());
        }
        "Network.loadingFinished" | "Network.loadingFailed" => {
            st.inflight.remove(&id());
        }
        "Network.responseReceived" if p.get("type").and_then(Value::as_str) == Some("Document") => {
            st.status = p.pointer("/response/status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()).unwrap_or(0);
        }
        "Page.frameStartedLoading" | "Page.frameStoppedLoading" if p.get("frameId").and_then(Value::as_str) == Some(target) => {
            st.loading = ev.method == "Page.frameStartedLoading";
            st.idle = 0;
        }
        "Page.javascriptDialogOpening" => {
            tab.call("Page.handleJavaScriptDialog", json!({ "accept": true })).await?;
        }
        _ => {}
    }
    Ok(None)
}

/// The authorization response a paused request carries, when it goes to the redirect_uri:
/// its query (or fragment), or the body of a `form_post` submission.
pub(crate) fn callback_of(request: &Value, redirect_uri: &Url) -> Option<AuthorizationResponse> {
    let url = request.get("url")?.as_str()?;
    let fragment = request.get("urlFragment").and_then(Value::as_str).unwrap_or("");
    let url = Url::parse(&format!("{url}{fragment}")).ok()?;
    if !matches_redirect_uri(&url, redirect_uri) {
        return None;
    }
    if request.get("method").and_then(Value::as_str) == Some("POST") {
        let body = request.get("postData").and_then(Value::as_str).unwrap_or("");
        let params = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        return Some(AuthorizationResponse { source: ResponseSource::FormPost, url: url.to_string(), params });
    }
    parse_redirect(&url, redirect_uri)
}

/// The redirect_uri without query or fragment (the interception pattern's prefix).
fn redirect_base(redirect_uri: &Url) -> String {
    let mut base = redirect_uri.clone();
    base.set_query(None);
    base.set_fragment(None);
    base.to_string()
}

/// Identity of a page state (URL and DOM).
fn fingerprint(snap: &Snapshot) -> u64 {
    let mut h = DefaultHasher::new();
    snap.url.hash(&mut h);
    snap.html.hash(&mut h);
    h.finish()
}

/// A string member of a DevTools answer.
fn text(v: &Value, key: &str) -> Result<String, BrowserError> {
    v.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| BrowserError::Protocol(format!("expected {key} in Chromium's answer (found none)")))
}

/// A jar cookie as a DevTools `CookieParam` (host-only cookies by URL, others by domain).
fn cookie_param(c: &StoredCookie) -> Value {
    let mut p = json!({ "name": c.name, "value": c.value, "path": c.path, "secure": c.secure, "httpOnly": c.http_only });
    let scheme = if c.secure { "https" } else { "http" };
    if c.host_only {
        p["url"] = json!(format!("{scheme}://{}{}", c.domain, c.path));
    } else {
        p["domain"] = json!(format!(".{}", c.domain.trim_start_matches('.')));
    }
    if let Some(t) = c.expires {
        p["expires"] = json!(t);
    }
    if let Some(s) = &c.same_site {
        p["sameSite"] = json!(s);
    }
    p
}

/// A DevTools `Cookie` as a jar cookie.
fn stored_cookie(c: &Value) -> Option<StoredCookie> {
    let s = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_owned);
    let b = |k: &str| c.get(k).and_then(Value::as_bool).unwrap_or(false);
    let domain = s("domain")?;
    let expires = c.get("expires").and_then(Value::as_f64).filter(|_| !b("session")).filter(|t| *t > 0.0).map(|t| t as i64);
    Some(StoredCookie {
        name: s("name")?,
        value: s("value")?,
        host_only: !domain.starts_with('.'),
        domain: domain.trim_start_matches('.').to_owned(),
        path: s("path").unwrap_or_else(|| "/".into()),
        secure: b("secure"),
        http_only: b("httpOnly"),
        expires,
        same_site: s("sameSite"),
    })
}
