//! The headless browser loop: drives an authorization request through redirects, login and
//! consent pages (or a JSON login API, see [`super::json_login`]) until the provider sends the
//! user agent to the redirect_uri.
//!
//! Progress is judged by redirects and forms only, never by status codes or page text: some
//! providers answer login and error pages with 200, others with 400.

use url::Url;

use super::detect::{FormHints, Page, classify, meta_refresh, needs_script, provider_error};
use super::fill::{fill_login, press};
use json_calls::JsonKind;
use super::outcome::{DriveOutcome, DriveReport};
use crate::flow::callback::{parse_form_post, parse_redirect};
use crate::http::{Browser, AgentError, HttpRequest, HttpResponse, StepLabel};

/// The [`DriveOutcome::Stuck`] reason on a page that may show its form only through script
/// (the cue to drive it in a real browser, see [`crate::browser`]).
pub const NEEDS_SCRIPT: &str = "expected a redirect, a login, consent or auto-submit form (found a page that needs a script to show one)";

/// The end-user's credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Username or e-mail.
    pub username: String,
    /// Password (never printed: `Debug` redacts it).
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// What to answer on a consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentChoice {
    /// Press the allow button.
    Allow,
    /// Press the deny button.
    Deny,
}

/// How to drive one authorization request.
#[derive(Debug, Clone)]
pub struct DriveOptions<'a> {
    /// The client's redirect_uri: reaching it ends the drive (it is never requested).
    pub redirect_uri: &'a Url,
    /// Credentials to log in with; `None` never logs in (for `prompt=none` tests).
    pub credentials: Option<&'a Credentials>,
    /// Page detection overrides.
    pub hints: &'a FormHints,
    /// Answer on consent pages.
    pub consent: ConsentChoice,
    /// Most HTTP requests to make before giving up.
    pub max_steps: usize,
}

/// A page whose JSON call was sent: its URL, the values its steps took, and which call.
type JsonPage = (Url, Vec<(String, String)>, JsonKind);

/// Drives `start` (usually a GET of the authorization URL) to the redirect_uri.
///
/// Errors are transport failures only; every provider behaviour is a [`DriveOutcome`].
pub async fn drive(
    agent: &Browser,
    start: HttpRequest,
    opts: &DriveOptions<'_>,
) -> Result<DriveReport, AgentError> {
    let mut report = DriveReport {
        outcome: DriveOutcome::Stuck { url: String::new(), status: 0, reason: String::new() },
        login_forms_seen: 0,
        consent_pages_seen: 0,
        steps: 0,
        password_origins: Vec::new(),
    };
    let mut req = start;
    // What the last login page submitted (cleared by a consent or auto-submit page).
    let mut login_submitted: Option<LoginStep> = None;
    let mut redirects_in_a_row = 0usize;
    // The last response's URL, redacted only when an outcome names it.
    let mut last: Option<(Url, u16)> = None;
    // The page whose JSON call was just sent, the values its steps took, and which call.
    let mut json_page: Option<JsonPage> = None;
    // An ambiguous login page met on the way (the first of its login forms was filled).
    let mut ambiguous: Option<String> = None;
    while report.steps < opts.max_steps {
        report.steps += 1;
        let resp = agent.send(req.clone()).await?;
        let red_url = || agent.redactor().url(&resp.url);
        last = Some((resp.url.clone(), resp.status));
        let step = match json_page.take() {
            Some((page, taken, kind)) => json_calls::after(agent, &resp, (&page, &taken, kind), opts, &red_url),
            None => next_step(&resp, &req, opts, login_submitted, &red_url),
        };
        match step {
            Step::Done(outcome) => {
                report.outcome = unless_ambiguous(outcome, ambiguous);
                return Ok(report);
            }
            Step::Next { mut request, answered } => {
                // Load metrics group requests by what they answer.
                request.label = Some(answered.label());
                match answered {
                    Answered::Login(step, others) => {
                        report.login_forms_seen += 1;
                        if others > 0 {
                            ambiguous = Some(format!(
                                "the login page at {} has {} login forms posting to different places and the first was filled",
                                red_url(),
                                others + 1
                            ));
                        }
                        if step == LoginStep::Password {
                            report.password_sent_to(&request.url);
                        }
                        login_submitted = Some(step);
                    }
                    Answered::Consent => {
                        report.consent_pages_seen += 1;
                        login_submitted = None;
                    }
                    Answered::AutoPost => login_submitted = None,
                    // Redirects keep the flag: a rejected login usually comes back via one.
                    Answered::Redirect => {}
                }
                if matches!(answered, Answered::Redirect) {
                    redirects_in_a_row += 1;
                    let max = agent.config().max_redirects;
                    if redirects_in_a_row > max {
                        report.outcome = DriveOutcome::Stuck {
                            url: red_url(),
                            status: resp.status,
                            reason: format!(
                                "expected at most {max} redirects in a row (found more)"
                            ),
                        };
                        return Ok(report);
                    }
                } else {
                    redirects_in_a_row = 0;
                }
                req = request;
            }
            Step::Stop { outcome, login } => {
                report.login_forms_seen += usize::from(login);
                report.outcome = unless_ambiguous(outcome, ambiguous);
                return Ok(report);
            }
            Step::Json { page, kind } => {
                match kind {
                    JsonKind::Login => report.login_forms_seen += 1,
                    JsonKind::Consent => report.consent_pages_seen += 1,
                }
                let taken = match json_calls::steps_before(agent, opts, kind, &page, &mut report.steps).await? {
                    Ok(taken) => taken,
                    Err(reason) => {
                        report.outcome = DriveOutcome::CannotDrive { url: red_url(), reason };
                        return Ok(report);
                    }
                };
                match json_calls::request(agent, opts, kind, &page, &taken) {
                    Ok(request) => {
                        login_submitted = (kind == JsonKind::Login).then_some(LoginStep::Password);
                        if kind == JsonKind::Login {
                            report.password_sent_to(&request.url);
                        }
                        redirects_in_a_row = 0;
                        json_page = Some((page, taken, kind));
                        req = request.labelled(json_calls::label(kind));
                    }
                    Err(reason) => {
                        report.outcome = DriveOutcome::CannotDrive { url: red_url(), reason };
                        return Ok(report);
                    }
                }
            }
        }
    }
    let (url, status) = last.map(|(url, status)| (agent.redactor().url(&url), status)).unwrap_or_default();
    report.outcome = DriveOutcome::Stuck {
        url,
        status,
        reason: format!(
            "expected to reach the redirect_uri within {} requests (found no end)",
            opts.max_steps
        ),
    };
    Ok(report)
}

/// What to do after one response.
enum Step {
    /// The redirect_uri was reached.
    Done(DriveOutcome),
    /// Send this request next, having answered this kind of response.
    Next { request: HttpRequest, answered: Answered },
    /// Stop without a callback; `login` says whether a login page was seen.
    Stop { outcome: DriveOutcome, login: bool },
    /// A login page for the profile's JSON login: call the API (the loop reads the cookies).
    Json {
        /// The page.
        page: Url,
        /// Whose call: the login's or the consent's.
        kind: JsonKind,
    },
}

/// A login that did not go through after an ambiguous login page is the harness's limit, not
/// the provider's refusal: the driver may have filled the wrong form (one clear cause).
fn unless_ambiguous(outcome: DriveOutcome, ambiguous: Option<String>) -> DriveOutcome {
    match (outcome, ambiguous) {
        (DriveOutcome::LoginRejected { url } | DriveOutcome::Stuck { url, .. }, Some(why)) => DriveOutcome::CannotDrive {
            url,
            reason: format!("{why}; the login did not go through: name the fields with the profile's form hints (docs/login-pages.md)"),
        },
        (outcome, _) => outcome,
    }
}

/// Which page of a login was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginStep {
    /// The login name alone (first page of an identifier-first login).
    Identifier,
    /// The password (with the login name, or after it).
    Password,
}

/// What kind of response a [`Step::Next`] answers.
enum Answered {
    /// A redirect to follow.
    Redirect,
    /// A login form, filled and submitted; with the number of other login forms on its page
    /// that post elsewhere.
    Login(LoginStep, usize),
    /// A consent form, answered.
    Consent,
    /// An auto-submitting form elsewhere than the redirect_uri.
    AutoPost,
}

impl Answered {
    /// The step label of the request that answers this kind of response.
    fn label(&self) -> StepLabel {
        match self {
            Answered::Redirect => StepLabel::Redirect,
            Answered::Login(..) => StepLabel::Login,
            Answered::Consent => StepLabel::Consent,
            Answered::AutoPost => StepLabel::FormPost,
        }
    }
}

/// Decides the next request from one response (pure: no I/O).
fn next_step(
    resp: &HttpResponse,
    sent: &HttpRequest,
    opts: &DriveOptions<'_>,
    login_submitted: Option<LoginStep>,
    red_url: &dyn Fn() -> String,
) -> Step {
    let url = red_url;
    let stuck = |reason: &str| Step::Stop {
        outcome: DriveOutcome::Stuck { url: url(), status: resp.status, reason: reason.to_owned() },
        login: false,
    };
    if resp.is_redirect() {
        let Some(location) = resp.location() else {
            return stuck("expected a valid Location on the redirect (found an unparsable one)");
        };
        // 307/308 repeat the request as is; the others become a GET, as browsers do.
        let replay = matches!(resp.status, 307 | 308).then_some(sent);
        return follow(location, replay, opts, stuck);
    }
    // A consent page named by hints.json_login.consent.page is answered through its API.
    if json_calls::is_json_consent_page(resp, opts) {
        return Step::Json { page: resp.url.clone(), kind: JsonKind::Consent };
    }
    // A login page named by hints.json_login.page is answered through the API whatever it holds.
    let named_page = opts.hints.json_login.as_ref().is_some_and(|j| j.page.is_some());
    if named_page && json_calls::is_json_login_page(resp, opts) {
        return json_calls::json_login_step(opts, login_submitted.is_some(), resp, url());
    }
    let html = resp.text_ref();
    match classify(&html, &resp.url, opts.hints) {
        Page::Login(login) => {
            let Some(creds) = opts.credentials else {
                return Step::Stop {
                    outcome: DriveOutcome::LoginRequired { url: url() },
                    login: true,
                };
            };
            let step = if login.password_field.is_some() { LoginStep::Password } else { LoginStep::Identifier };
            // A password was refused, or the login name was asked for again: the page came back.
            // After the login name, the password page is the expected next step.
            let rejected = match (login_submitted, step) {
                (None, _) | (Some(LoginStep::Identifier), LoginStep::Password) => false,
                (Some(LoginStep::Password), _) | (Some(LoginStep::Identifier), LoginStep::Identifier) => true,
            };
            if rejected {
                return Step::Stop {
                    outcome: DriveOutcome::LoginRejected { url: url() },
                    login: true,
                };
            }
            let sub = fill_login(&login, &creds.username, &creds.password, opts.hints);
            Step::Next { request: sub.into_request(), answered: Answered::Login(step, login.others_elsewhere) }
        }
        Page::Consent(consent) => {
            let submission = match opts.consent {
                ConsentChoice::Allow => Some(consent.allow_submission()),
                ConsentChoice::Deny => consent.deny_submission(),
            };
            match submission {
                Some(sub) => {
                    Step::Next { request: sub.into_request(), answered: Answered::Consent }
                }
                None => Step::Stop {
                    outcome: DriveOutcome::CannotDrive {
                        url: url(),
                        reason: "expected a deny button on the consent page (found none the HTML driver can press: a deny made by script needs the browser driver, or name it in hints.consent_deny)".to_owned(),
                    },
                    login: false,
                },
            }
        }
        Page::AutoPost(form) => {
            if let Some(callback) = parse_form_post(&form, opts.redirect_uri) {
                return Step::Done(DriveOutcome::Callback(callback));
            }
            Step::Next {
                request: press(&form, form.submits.first()).into_request(),
                answered: Answered::AutoPost,
            }
        }
        Page::Other => match (meta_refresh(&html, &resp.url), provider_error(resp)) {
            (Some(target), _) => follow(target, None, opts, stuck),
            (None, None) if json_calls::is_json_login_page(resp, opts) => {
                json_calls::json_login_step(opts, login_submitted.is_some(), resp, url())
            }
            (None, Some(code)) => stuck(&format!(
                "expected a redirect, a login, consent or auto-submit form (found an error page, {code})"
            )),
            (None, None) if (200..300).contains(&resp.status) && needs_script(&html, &resp.url) => stuck(NEEDS_SCRIPT),
            (None, None) => {
                stuck("expected a redirect, a login, consent or auto-submit form (found none)")
            }
        },
    }
}

/// Goes to `location`: the callback when it is the redirect_uri, else the next request
/// (`replay` repeats a request at the new URL, for 307/308).
fn follow(
    location: Url,
    replay: Option<&HttpRequest>,
    opts: &DriveOptions<'_>,
    stuck: impl Fn(&str) -> Step,
) -> Step {
    if let Some(callback) = parse_redirect(&location, opts.redirect_uri) {
        return Step::Done(DriveOutcome::Callback(callback));
    }
    if !matches!(location.scheme(), "http" | "https") {
        let scheme = location.scheme();
        return stuck(&format!(
            "expected a redirect to the redirect_uri or an http(s) URL (found scheme {scheme}:)"
        ));
    }
    let request = match replay {
        Some(sent) => HttpRequest { url: location, ..sent.clone() },
        None => HttpRequest::get(location),
    };
    Step::Next { request, answered: Answered::Redirect }
}

mod json_calls;

#[cfg(test)]
mod ambiguous_tests;
#[cfg(test)]
mod identifier_tests;
#[cfg(test)]
mod json_tests;
#[cfg(test)]
mod node_tests;
#[cfg(test)]
mod tests;
