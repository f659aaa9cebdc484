//! The calls a JavaScript login or consent page would make, for the HTML driver: the profile's
//! `[hints.json_login]` (the login) and `[hints.json_login.consent]` (the consent decision),
//! each with its `before` steps, then its answer followed like a browser would.
//!
//! A consent call's templates find the decision in `{take.decision}` (`allow` or `deny`). What
//! does not fit the provider's answers is the harness's limit ([`DriveOutcome::CannotDrive`]),
//! never the provider's failure; a 5xx is the provider's.

use url::Url;

use super::{DriveOptions, DriveOutcome, Step, follow};
use crate::form::ConsentChoice;
use crate::form::json_login::{ApiAnswer, JsonLogin, Vars};
use crate::http::{AgentError, Browser, HttpRequest, HttpResponse, StepLabel};

/// Which page's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JsonKind {
    /// The login page's (needs credentials).
    Login,
    /// The consent page's (`{take.decision}` is the choice).
    Consent,
}

/// The profile's configuration of a call.
fn config<'a>(opts: &'a DriveOptions<'_>, kind: JsonKind) -> Option<&'a JsonLogin> {
    let login = opts.hints.json_login.as_ref()?;
    match kind {
        JsonKind::Login => Some(login),
        JsonKind::Consent => login.consent.as_deref(),
    }
}

/// Whether a 2xx page is the JSON login page.
pub(super) fn is_json_login_page(resp: &HttpResponse, opts: &DriveOptions<'_>) -> bool {
    let ok = (200..300).contains(&resp.status);
    ok && opts.hints.json_login.as_ref().is_some_and(|j| j.is_login_page(&resp.url))
}

/// Whether a 2xx page is the consent page a `[hints.json_login.consent]` names (by its `page`:
/// without one, no page is taken for the consent page).
pub(super) fn is_json_consent_page(resp: &HttpResponse, opts: &DriveOptions<'_>) -> bool {
    let named = config(opts, JsonKind::Consent).filter(|c| c.page.is_some());
    (200..300).contains(&resp.status) && named.is_some_and(|c| c.is_login_page(&resp.url))
}

/// On a JSON login page: log in, or stop when there are no credentials or they were refused.
pub(super) fn json_login_step(opts: &DriveOptions<'_>, login_submitted: bool, resp: &HttpResponse, url: String) -> Step {
    let outcome = match (opts.credentials, login_submitted) {
        (None, _) => DriveOutcome::LoginRequired { url },
        (Some(_), true) => DriveOutcome::LoginRejected { url },
        (Some(_), false) => return Step::Json { page: resp.url.clone(), kind: JsonKind::Login },
    };
    Step::Stop { outcome, login: true }
}

/// The user's credentials for templates (empty for a consent call made without them).
fn credentials<'a>(opts: &'a DriveOptions<'_>) -> (&'a str, &'a str) {
    opts.credentials.map_or(("", ""), |c| (c.username.as_str(), c.password.as_str()))
}

/// What the consent call's templates know before its steps: the decision.
fn seed(opts: &DriveOptions<'_>, kind: JsonKind) -> Vec<(String, String)> {
    match (kind, opts.consent) {
        (JsonKind::Login, _) => Vec::new(),
        (JsonKind::Consent, ConsentChoice::Allow) => vec![("decision".into(), "allow".into())],
        (JsonKind::Consent, ConsentChoice::Deny) => vec![("decision".into(), "deny".into())],
    }
}

/// Sends a call's `before` steps from `page`; the values they took, or why the drive cannot go
/// on (transport errors are the caller's).
pub(super) async fn steps_before(
    agent: &Browser,
    opts: &DriveOptions<'_>,
    kind: JsonKind,
    page: &Url,
    steps: &mut usize,
) -> Result<Result<Vec<(String, String)>, String>, AgentError> {
    let Some(config) = config(opts, kind) else {
        return Ok(Err("expected hints.json_login (found none)".into()));
    };
    let (username, password) = credentials(opts);
    let mut taken = seed(opts, kind);
    for (i, step) in config.before.iter().enumerate() {
        let cookies = agent.cookie_header_for(page);
        let vars = Vars { page, cookies: cookies.as_deref(), username, password, json: None, taken: &taken };
        let request = match step.request(&vars) {
            Ok(r) => r.labelled(label(kind)),
            Err(reason) => return Ok(Err(reason)),
        };
        *steps += 1;
        let resp = agent.send(request).await?;
        match step.take_from(&resp, i) {
            Ok(values) => taken.extend(values),
            Err(reason) => return Ok(Err(reason)),
        }
    }
    Ok(Ok(taken))
}

/// The step label of a call's requests.
pub(super) fn label(kind: JsonKind) -> StepLabel {
    match kind {
        JsonKind::Login => StepLabel::Login,
        JsonKind::Consent => StepLabel::Consent,
    }
}

/// The call itself, with the page's cookies.
pub(super) fn request(agent: &Browser, opts: &DriveOptions<'_>, kind: JsonKind, page: &Url, taken: &[(String, String)]) -> Result<HttpRequest, String> {
    let config = config(opts, kind).ok_or("expected hints.json_login (found none)")?;
    let (username, password) = credentials(opts);
    let cookies = agent.cookie_header_for(page);
    let vars = Vars { page, cookies: cookies.as_deref(), username, password, json: None, taken };
    config.request(&vars)
}

/// Follows a call's answer: on to its continue URL, or a rejected login, or stuck.
pub(super) fn after(
    agent: &Browser,
    resp: &HttpResponse,
    (page, taken, kind): (&Url, &[(String, String)], JsonKind),
    opts: &DriveOptions<'_>,
    red_url: &dyn Fn() -> String,
) -> Step {
    let stuck = |reason: &str| Step::Stop {
        outcome: DriveOutcome::Stuck { url: red_url(), status: resp.status, reason: reason.to_owned() },
        login: false,
    };
    let cannot = |reason: String| Step::Stop { outcome: DriveOutcome::CannotDrive { url: red_url(), reason }, login: false };
    let Some(config) = config(opts, kind) else {
        return cannot("expected hints.json_login (found none)".into());
    };
    let (username, password) = credentials(opts);
    let cookies = agent.cookie_header_for(page);
    let vars = Vars { page, cookies: cookies.as_deref(), username, password, json: None, taken };
    match (config.judge(resp, &vars), kind) {
        (ApiAnswer::Continue(next), _) => follow(next, None, opts, stuck),
        (ApiAnswer::Rejected, JsonKind::Login) => Step::Stop { outcome: DriveOutcome::LoginRejected { url: red_url() }, login: false },
        (ApiAnswer::Rejected, JsonKind::Consent) => {
            cannot(format!("expected the consent API to take the decision (found {}: check hints.json_login.consent)", resp.status))
        }
        // The provider erred (5xx): stuck; anything else is the hint not fitting the answers.
        (ApiAnswer::Failed(reason), _) if resp.status >= 500 => stuck(&reason),
        (ApiAnswer::Failed(reason), _) => cannot(reason),
    }
}
