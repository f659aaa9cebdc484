//! Checks over the provider's handling of an existing login session (OIDC Core 3.1.2.1): the
//! `prompt` values `none` and `login`, `max_age`, `id_token_hint` and `login_hint`.
//!
//! Each piece of [`SessionEvidence`] describes one authorization request of a [`SessionCase`];
//! only the checks whose id starts with [`SessionCase::prefix`] judge it.

use super::{Check, Verdict, concat, count, may, must, should};
use crate::form::DriveEnd;
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Which session behaviour an authorization request probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCase {
    /// `prompt=none` in a browser without a session.
    PromptNoneNoSession,
    /// `prompt=none` in a browser with a session.
    PromptNoneWithSession,
    /// `prompt=login` in a browser with a session.
    PromptLogin,
    /// `max_age` shorter than the session's age.
    MaxAgeExpired,
    /// `max_age` much longer than the session's age.
    MaxAgeLarge,
    /// `prompt=none` with the `id_token_hint` of the logged-in user.
    IdTokenHint,
    /// `login_hint` naming the logged-in user.
    LoginHint,
}

impl SessionCase {
    /// The id prefix of the checks that judge this case.
    pub fn prefix(self) -> &'static str {
        match self {
            SessionCase::PromptNoneNoSession => "session.prompt_none.",
            SessionCase::PromptNoneWithSession => "session.silent.",
            SessionCase::PromptLogin => "session.prompt_login.",
            SessionCase::MaxAgeExpired => "session.max_age.",
            SessionCase::MaxAgeLarge => "session.max_age_large.",
            SessionCase::IdTokenHint => "session.id_token_hint.",
            SessionCase::LoginHint => "session.login_hint.",
        }
    }

    /// The checks that judge this case.
    pub const fn checks(self) -> &'static [Check<SessionEvidence>] {
        match self {
            SessionCase::PromptNoneNoSession => PROMPT_NONE_NO_SESSION_CHECKS,
            SessionCase::PromptNoneWithSession => PROMPT_NONE_WITH_SESSION_CHECKS,
            SessionCase::PromptLogin => PROMPT_LOGIN_CHECKS,
            SessionCase::MaxAgeExpired => MAX_AGE_EXPIRED_CHECKS,
            SessionCase::MaxAgeLarge => MAX_AGE_LARGE_CHECKS,
            SessionCase::IdTokenHint => ID_TOKEN_HINT_CHECKS,
            SessionCase::LoginHint => LOGIN_HINT_CHECKS,
        }
    }
}

/// One authorization request against a (possibly) existing session, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvidence {
    /// What the request probed.
    pub case: SessionCase,
    /// How the drive ended: `callback`, `login_required`, `login_rejected` or `stuck`.
    pub outcome: DriveEnd,
    /// Readable detail of where the drive ended (redacted).
    pub detail: String,
    /// The callback's `error`, if any.
    pub callback_error: Option<String>,
    /// Whether the callback carried a code.
    pub code_returned: bool,
    /// Login forms seen on the way.
    pub login_forms_seen: usize,
    /// Consent pages seen on the way.
    pub consent_pages_seen: usize,
    /// `sub` of the ID token of the session's login (before this request).
    pub before_sub: Option<String>,
    /// `auth_time` of the ID token of the session's login (before this request).
    pub before_auth_time: Option<i64>,
    /// `sub` of the ID token obtained with this request's code.
    pub sub: Option<String>,
    /// `auth_time` of the ID token obtained with this request's code.
    pub auth_time: Option<i64>,
    /// Why the ID token sent as `id_token_hint` cannot be relied on (it failed an ID token
    /// check), if it cannot.
    pub hint_problem: Option<String>,
}

impl SessionEvidence {
    fn callback(&self) -> bool {
        self.outcome == DriveEnd::Callback
    }

    fn ui_shown(&self) -> bool {
        self.login_forms_seen > 0 || self.consent_pages_seen > 0
    }
}

/// `prompt=none` errors that say the user would have to interact (OIDC Core 3.1.2.6).
pub const INTERACTION_ERRORS: &[&str] =
    &["login_required", "interaction_required", "consent_required", "account_selection_required"];

/// OIDC Core 3.1.2.1 (prompt=none): the OP MUST NOT display any authentication or consent page.
fn prompt_none_no_ui(e: &SessionEvidence) -> Verdict {
    if e.callback() && !e.ui_shown() {
        return Verdict::Pass;
    }
    Verdict::mismatch("prompt=none without a session must come back to the redirect_uri without any page", "a redirect to the redirect_uri", e.detail.clone())
}

/// OIDC Core 3.1.2.6: without a session, prompt=none ends with login_required (or a kin error).
fn prompt_none_error(e: &SessionEvidence) -> Verdict {
    if !e.callback() {
        return Verdict::skip("no callback was reached (judged by session.prompt_none.no_ui)");
    }
    match e.callback_error.as_deref() {
        Some(err) if INTERACTION_ERRORS.contains(&err) => Verdict::Pass,
        Some(err) => Verdict::mismatch("expected an interaction error for prompt=none without a session", "login_required", format!("error={err}")),
        None if e.code_returned => Verdict::mismatch("a browser without a session got a code for prompt=none", "login_required", "a code"),
        None => Verdict::mismatch("expected an interaction error for prompt=none without a session", "login_required", "no error and no code"),
    }
}

/// Errors by which `prompt=none` correctly says that this client needs more than the session:
/// consent it has not been given, or another interaction (OIDC Core 3.1.2.1: "An error is
/// returned if [...] the Client does not have pre-configured consent for the requested Claims
/// or does not fulfill other conditions for processing the request"; 3.1.2.6).
pub const NEEDS_MORE_THAN_A_SESSION: &[&str] = &["consent_required", "interaction_required", "account_selection_required"];

/// Passes when a code came back without any page; used by the silent (session) cases. An error
/// saying the client needs consent or another interaction is a correct answer that leaves
/// nothing to judge: a skip with that reason.
fn silent_code(e: &SessionEvidence, what: &str) -> Verdict {
    match (e.callback(), e.callback_error.as_deref()) {
        (true, Some(err)) if NEEDS_MORE_THAN_A_SESSION.contains(&err) && !e.ui_shown() => Verdict::skip(format!(
            "{what}: the provider answered error={err}, a correct answer when this client needs consent or another interaction (OIDC Core 3.1.2.6); nothing to judge without a code"
        )),
        (true, None) if e.code_returned && !e.ui_shown() => Verdict::Pass,
        (true, None) if e.code_returned => Verdict::fail(format!("{what}: a page was shown although prompt=none forbids it")),
        (true, Some(err)) => Verdict::mismatch(format!("{what}: expected a code for the logged-in user"), "a code", format!("error={err}")),
        _ => Verdict::mismatch(format!("{what}: expected a code for the logged-in user"), "a code", e.detail.clone()),
    }
}

/// OIDC Core 3.1.2.1: with a session and prompt=none, the OP answers without asking the user.
fn silent_code_returned(e: &SessionEvidence) -> Verdict {
    silent_code(e, "prompt=none with a session")
}

/// Passes when the new ID token names the same user as the session's login.
fn same_sub(e: &SessionEvidence) -> Verdict {
    match (&e.before_sub, &e.sub) {
        (Some(b), Some(s)) if b == s => Verdict::Pass,
        (Some(b), Some(s)) => Verdict::mismatch("expected the session's user", b.clone(), s.clone()),
        _ => Verdict::skip("no ID token to compare"),
    }
}

/// OIDC Core 2: auth_time is when the authentication occurred; a silent answer does not re-authenticate.
fn silent_auth_time_kept(e: &SessionEvidence) -> Verdict {
    match (e.before_auth_time, e.auth_time) {
        (Some(b), Some(a)) if a == b => Verdict::Pass,
        (Some(b), Some(a)) => Verdict::mismatch("auth_time changed although the user did not authenticate again", b.to_string(), a.to_string()),
        _ => Verdict::skip("auth_time missing (judged by idtoken.auth_time.present_when_required)"),
    }
}

/// Passes when the new auth_time is later than the session's: a new authentication happened.
fn auth_time_advanced(e: &SessionEvidence) -> Verdict {
    match (e.before_auth_time, e.auth_time) {
        (Some(b), Some(a)) if a > b => Verdict::Pass,
        (Some(b), Some(a)) => Verdict::mismatch("expected a new authentication time after re-authentication", format!("auth_time > {b}"), a.to_string()),
        _ => Verdict::skip("auth_time missing (judged by idtoken.auth_time.present_when_required)"),
    }
}

/// Passes when the user was asked to log in again, or the OP refused with an error.
fn reauthenticated(e: &SessionEvidence, why: &str) -> Verdict {
    if e.login_forms_seen > 0 || e.callback_error.is_some() {
        return Verdict::Pass;
    }
    if e.code_returned {
        return Verdict::fail(format!("{why}: a code was issued from the old session without a login page"));
    }
    Verdict::skip(format!("no callback was reached ({})", e.detail))
}

/// OIDC Core 3.1.2.1 (prompt=login): re-authenticate, or return an error (MUST).
fn prompt_login_reauthenticated(e: &SessionEvidence) -> Verdict {
    reauthenticated(e, "prompt=login")
}

/// OIDC Core 3.1.2.1 (max_age): an older session MUST be actively re-authenticated.
fn max_age_reauthenticated(e: &SessionEvidence) -> Verdict {
    reauthenticated(e, "max_age elapsed")
}

/// A large max_age needs no new login (information only: the OP may always ask).
fn max_age_large_no_login(e: &SessionEvidence) -> Verdict {
    if !e.callback() {
        return Verdict::skip(format!("no callback was reached ({})", e.detail));
    }
    Verdict::check(e.login_forms_seen == 0, "a session younger than max_age was asked to log in again")
}

/// OIDC Core 3.1.2.1 (id_token_hint): the hinted user is logged in, so the answer is positive.
fn id_token_hint_accepted(e: &SessionEvidence) -> Verdict {
    if let Some(problem) = &e.hint_problem {
        return Verdict::skip(problem.clone());
    }
    match silent_code(e, "prompt=none with the id_token_hint of the logged-in user") {
        Verdict::Pass => same_sub(e),
        other => other,
    }
}

/// OIDC Core 3.1.2.1: login_hint is a defined parameter; it must not turn the request into an error.
fn login_hint_accepted(e: &SessionEvidence) -> Verdict {
    match (e.callback(), e.callback_error.as_deref()) {
        (true, None) if e.code_returned => Verdict::Pass,
        (true, Some(err)) => Verdict::mismatch("a request with login_hint was answered with an error", "a code", format!("error={err}")),
        _ => Verdict::mismatch("a request with login_hint did not complete", "a code", e.detail.clone()),
    }
}

/// The checks of [`SessionCase::PromptNoneNoSession`].
pub const PROMPT_NONE_NO_SESSION_CHECKS: &[Check<SessionEvidence>] = &[
    must("session.prompt_none.no_ui").spec(spec::OIDCC_3_1_2_1).title("prompt=none without a session is redirected back without any page").run(prompt_none_no_ui),
    must("session.prompt_none.error").spec(spec::OIDCC_3_1_2_6).title("prompt=none without a session ends with login_required or a kin error").run(prompt_none_error),
];

/// The checks of [`SessionCase::PromptNoneWithSession`].
pub const PROMPT_NONE_WITH_SESSION_CHECKS: &[Check<SessionEvidence>] = &[
    must("session.silent.code").spec(spec::OIDCC_3_1_2_1).title("prompt=none with a session returns a code without any page").run(silent_code_returned),
    must("session.silent.same_sub").spec(spec::OIDCC_3_1_2_1).title("prompt=none with a session returns the session's user").run(same_sub),
    must("session.silent.auth_time_kept").spec(spec::OIDCC_2).title("prompt=none with a session keeps the original auth_time").run(silent_auth_time_kept),
];

/// The checks of [`SessionCase::PromptLogin`].
pub const PROMPT_LOGIN_CHECKS: &[Check<SessionEvidence>] = &[
    must("session.prompt_login.reauthenticated").spec(spec::OIDCC_3_1_2_1).title("prompt=login shows a login form again (or returns an error)").run(prompt_login_reauthenticated),
    must("session.prompt_login.auth_time_advanced").spec(spec::OIDCC_2).title("after prompt=login, auth_time is the new authentication time").run(auth_time_advanced),
];

/// The checks of [`SessionCase::MaxAgeExpired`].
pub const MAX_AGE_EXPIRED_CHECKS: &[Check<SessionEvidence>] = &[
    must("session.max_age.reauthenticated").spec(spec::OIDCC_3_1_2_1).title("a session older than max_age is re-authenticated").run(max_age_reauthenticated),
    must("session.max_age.auth_time_fresh").spec(spec::OIDCC_3_1_2_1).title("after max_age forced a login, auth_time is the new authentication time").run(auth_time_advanced),
];

/// The checks of [`SessionCase::MaxAgeLarge`].
pub const MAX_AGE_LARGE_CHECKS: &[Check<SessionEvidence>] = &[
    may("session.max_age_large.no_login").spec(spec::OIDCC_3_1_2_1).title("a session younger than max_age is reused without a login").run(max_age_large_no_login),
];

/// The checks of [`SessionCase::IdTokenHint`].
pub const ID_TOKEN_HINT_CHECKS: &[Check<SessionEvidence>] = &[
    should("session.id_token_hint.accepted").spec(spec::OIDCC_3_1_2_1).title("prompt=none with the logged-in user's id_token_hint returns a code for that user").run(id_token_hint_accepted),
];

/// The checks of [`SessionCase::LoginHint`].
pub const LOGIN_HINT_CHECKS: &[Check<SessionEvidence>] = &[
    may("session.login_hint.accepted").spec(spec::OIDCC_3_1_2_1).title("a request with login_hint completes without an error").run(login_hint_accepted),
];

/// The session tables, one per [`SessionCase`], in case order.
const BY_CASE: &[&[Check<SessionEvidence>]] = &[PROMPT_NONE_NO_SESSION_CHECKS, PROMPT_NONE_WITH_SESSION_CHECKS, PROMPT_LOGIN_CHECKS, MAX_AGE_EXPIRED_CHECKS, MAX_AGE_LARGE_CHECKS, ID_TOKEN_HINT_CHECKS, LOGIN_HINT_CHECKS];

/// Every session check: the tables of all cases, in case order.
pub const CHECKS: &[Check<SessionEvidence>] = &concat::<_, { count(BY_CASE) }>(BY_CASE);
