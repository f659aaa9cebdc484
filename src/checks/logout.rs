//! Checks over RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), the cases of the
//! OIDF "RP-Initiated Logout OP" plan: a normal logout (`id_token_hint`, a registered
//! `post_logout_redirect_uri` and `state`), one without `state`, one without any parameter, and
//! the requests after which the OP must not redirect to the RP: an unregistered or modified
//! `post_logout_redirect_uri`, an `id_token_hint` signed by a foreign key or unsigned.
//!
//! Each piece of [`LogoutEvidence`] is one request to the logout endpoint of a [`LogoutCase`];
//! only the checks whose id starts with [`LogoutCase::prefix`] judge it. A page instead of a
//! redirect (a confirmation page, a "logged out" page) is conformant: the redirect checks skip.

use super::{Check, Verdict, concat, count, must, should};
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Which logout behaviour a request probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutCase {
    /// `id_token_hint`, a registered `post_logout_redirect_uri` and `state`.
    Normal,
    /// `id_token_hint` and a registered `post_logout_redirect_uri`, no `state`.
    NoState,
    /// No parameter at all, in a browser with a session.
    NoParams,
    /// A `post_logout_redirect_uri` the client never registered.
    Unregistered,
    /// A registered `post_logout_redirect_uri` with a query parameter added.
    ModifiedQuery,
    /// A registered `post_logout_redirect_uri` with a path segment added.
    ModifiedPath,
    /// An `id_token_hint` re-signed with a key the OP does not know.
    ForeignHint,
    /// An `id_token_hint` changed to `alg: none` with its signature removed.
    UnsignedHint,
}

impl LogoutCase {
    /// Every case, in table order.
    pub const ALL: &'static [LogoutCase] = &[
        LogoutCase::Normal,
        LogoutCase::NoState,
        LogoutCase::NoParams,
        LogoutCase::Unregistered,
        LogoutCase::ModifiedQuery,
        LogoutCase::ModifiedPath,
        LogoutCase::ForeignHint,
        LogoutCase::UnsignedHint,
    ];

    /// The id prefix of the checks that judge this case.
    pub fn prefix(self) -> &'static str {
        match self {
            LogoutCase::Normal => "logout.normal.",
            LogoutCase::NoState => "logout.no_state.",
            LogoutCase::NoParams => "logout.no_params.",
            LogoutCase::Unregistered => "logout.unregistered_uri.",
            LogoutCase::ModifiedQuery => "logout.modified_query.",
            LogoutCase::ModifiedPath => "logout.modified_path.",
            LogoutCase::ForeignHint => "logout.foreign_hint.",
            LogoutCase::UnsignedHint => "logout.unsigned_hint.",
        }
    }

    /// The checks that judge this case.
    pub const fn checks(self) -> &'static [Check<LogoutEvidence>] {
        match self {
            LogoutCase::Normal => NORMAL_CHECKS,
            LogoutCase::NoState => NO_STATE_CHECKS,
            LogoutCase::NoParams => NO_PARAMS_CHECKS,
            LogoutCase::Unregistered => UNREGISTERED_CHECKS,
            LogoutCase::ModifiedQuery => MODIFIED_QUERY_CHECKS,
            LogoutCase::ModifiedPath => MODIFIED_PATH_CHECKS,
            LogoutCase::ForeignHint => FOREIGN_HINT_CHECKS,
            LogoutCase::UnsignedHint => UNSIGNED_HINT_CHECKS,
        }
    }
}

/// What a `prompt=none` authorization request in the same browser came back with after the
/// logout request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAfter {
    /// The callback's `error`, if a callback was reached with one.
    pub error: Option<String>,
    /// A code came back: the session is alive.
    pub code_returned: bool,
    /// A login form was shown (prompt=none forbids it, but it shows there is no session).
    pub login_form_seen: bool,
    /// Where the drive ended (redacted).
    pub detail: String,
}

impl SessionAfter {
    /// Whether the answer says the browser has no session any more: an error (a code beside it
    /// is another rule's failure, `authz.error.no_code`), or a login form and no code.
    fn ended(&self) -> bool {
        self.error.is_some() || (self.login_form_seen && !self.code_returned)
    }
}

/// One request to the logout endpoint and what came of it. The redirect facts are read from
/// the raw `Location`; only the redacted form is kept for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutEvidence {
    /// What the request probed.
    pub case: LogoutCase,
    /// HTTP status of the final answer (after redirects within the OP).
    pub status: u16,
    /// The redirect that left the OP (redacted), if any.
    pub location: Option<String>,
    /// The `post_logout_redirect_uri` sent, if any.
    pub target: Option<String>,
    /// The answer redirected to `target` (the URI sent, parameters appended).
    pub to_target: bool,
    /// A `state` was sent.
    pub state_sent: bool,
    /// The redirect's `state`: `None` when absent, `Some(true)` when it is the one sent.
    pub state_returned: Option<bool>,
    /// Parameters the redirect added besides `target`'s own and `state`.
    pub added_params: Vec<String>,
    /// A `prompt=none` request after the logout, when one was made.
    pub session_after: Option<SessionAfter>,
}

impl LogoutEvidence {
    fn server_error(&self) -> bool {
        self.status >= 500
    }

    /// Where the request ended, in words.
    fn answer(&self) -> String {
        match &self.location {
            Some(l) => format!("HTTP {} to {l}", self.status),
            None => format!("HTTP {} (a page)", self.status),
        }
    }

    /// Skips unless the OP redirected to the URI sent (a page is conformant; a refusal is judged
    /// by `logout.normal.redirected`).
    fn redirected(&self) -> Result<(), Verdict> {
        if self.to_target {
            return Ok(());
        }
        Err(Verdict::skip(format!("the OP did not redirect to the post_logout_redirect_uri ({}): nothing to judge", self.answer())))
    }
}

/// RP-Initiated Logout 3: the OP redirects to the registered post_logout_redirect_uri after the
/// logout; a page (a confirmation asked of the user) is conformant, an error or a redirect
/// elsewhere is not what was asked.
fn normal_redirected(e: &LogoutEvidence) -> Verdict {
    if e.to_target {
        return Verdict::Pass;
    }
    if e.location.is_none() && (200..300).contains(&e.status) {
        return Verdict::skip(format!("the OP answered with a page (HTTP {}), e.g. asking the user to confirm: conformant, not judged", e.status));
    }
    Verdict::mismatch("a valid logout request was not redirected to its registered post_logout_redirect_uri", "a redirect there", e.answer())
}

/// RP-Initiated Logout 3 (state): the OP passes the state back when redirecting.
fn state_echoed(e: &LogoutEvidence) -> Verdict {
    if let Err(v) = e.redirected() {
        return v;
    }
    match e.state_returned {
        Some(true) => Verdict::Pass,
        Some(false) => Verdict::mismatch("the post-logout redirect carried another state than the one sent", "the state sent", "another value"),
        None => Verdict::mismatch("the post-logout redirect dropped the state sent", "the state sent", "no state"),
    }
}

/// The post-logout redirect adds nothing but state (no code, no token).
fn no_added_params(e: &LogoutEvidence) -> Verdict {
    if let Err(v) = e.redirected() {
        return v;
    }
    Verdict::check(e.added_params.is_empty(), format!("the post-logout redirect added parameters: {}", e.added_params.join(", ")))
}

/// RP-Initiated Logout 2: a logout the OP performed ends the session: prompt=none then fails.
fn session_ended(e: &LogoutEvidence) -> Verdict {
    if let Err(v) = e.redirected() {
        return v;
    }
    match &e.session_after {
        None => Verdict::skip("no prompt=none request followed the logout"),
        Some(s) if s.ended() => Verdict::Pass,
        Some(s) if s.code_returned => Verdict::fail("after a logout redirected to the RP, prompt=none in the same browser still returned a code: the session was not ended"),
        Some(s) => Verdict::skip(format!("prompt=none after the logout ended neither with an error nor with a code ({})", s.detail)),
    }
}

/// RP-Initiated Logout 3 (state): without a state sent, none comes back.
fn no_state_param(e: &LogoutEvidence) -> Verdict {
    if let Err(v) = e.redirected() {
        return v;
    }
    Verdict::check(e.state_returned.is_none(), "the post-logout redirect carried a state although none was sent")
}

/// A logout request without parameters is answered (a page, a confirmation), not a server error.
fn no_params_answered(e: &LogoutEvidence) -> Verdict {
    Verdict::check(!e.server_error(), format!("a logout request without parameters drew a server error ({})", e.answer()))
}

/// RP-Initiated Logout 6: without a valid id_token_hint, the OP asks the user before logging out.
fn no_params_confirmed(e: &LogoutEvidence) -> Verdict {
    match &e.session_after {
        None => Verdict::skip("no prompt=none request followed the logout request"),
        Some(s) if s.ended() => Verdict::fail("a logout request without id_token_hint ended the session without asking the user"),
        Some(s) if s.code_returned => Verdict::Pass,
        Some(s) => Verdict::skip(format!("prompt=none after the request ended neither with an error nor with a code ({})", s.detail)),
    }
}

/// RP-Initiated Logout 3, 4: the OP must not redirect to a post_logout_redirect_uri it could not
/// verify (not registered, not an exact match, or named with a hint that failed validation).
fn not_redirected(e: &LogoutEvidence) -> Verdict {
    if e.target.is_none() {
        return Verdict::skip("no post_logout_redirect_uri was sent");
    }
    if e.to_target {
        return Verdict::mismatch("the OP redirected to a post_logout_redirect_uri it must not use", "no redirect there", e.location.clone().unwrap_or_default());
    }
    Verdict::Pass
}

/// The checks of [`LogoutCase::Normal`].
pub const NORMAL_CHECKS: &[Check<LogoutEvidence>] = &[
    should("logout.normal.redirected").spec(spec::OIDCRPL_3).title("a valid logout request is redirected to its registered post_logout_redirect_uri (or asks the user first)").run(normal_redirected),
    should("logout.normal.state_echoed").spec(spec::OIDCRPL_3).title("the post-logout redirect carries the state sent").run(state_echoed),
    should("logout.normal.no_added_params").spec(spec::OIDCRPL_3).title("the post-logout redirect adds no parameter but state").run(no_added_params),
    must("logout.normal.session_ended").spec(spec::OIDCRPL_2).title("after the logout, prompt=none in the same browser fails: the session has ended").run(session_ended),
];

/// The checks of [`LogoutCase::NoState`].
pub const NO_STATE_CHECKS: &[Check<LogoutEvidence>] = &[
    should("logout.no_state.no_state_param").spec(spec::OIDCRPL_3).title("a logout without state is redirected without a state parameter").run(no_state_param),
];

/// The checks of [`LogoutCase::NoParams`].
pub const NO_PARAMS_CHECKS: &[Check<LogoutEvidence>] = &[
    should("logout.no_params.answered").spec(spec::OIDCRPL_2).title("a logout request without parameters is answered without a server error").run(no_params_answered),
    should("logout.no_params.confirmed").spec(spec::OIDCRPL_6).title("a logout request without id_token_hint does not end the session without asking the user").run(no_params_confirmed),
];

/// The checks of [`LogoutCase::Unregistered`].
pub const UNREGISTERED_CHECKS: &[Check<LogoutEvidence>] = &[
    must("logout.unregistered_uri.not_redirected").spec(spec::OIDCRPL_3).title("logout never redirects to an unregistered post_logout_redirect_uri").run(not_redirected),
];

/// The checks of [`LogoutCase::ModifiedQuery`].
pub const MODIFIED_QUERY_CHECKS: &[Check<LogoutEvidence>] = &[
    must("logout.modified_query.not_redirected").spec(spec::OIDCRPL_3).title("logout never redirects to a registered post_logout_redirect_uri with a query parameter added").run(not_redirected),
];

/// The checks of [`LogoutCase::ModifiedPath`].
pub const MODIFIED_PATH_CHECKS: &[Check<LogoutEvidence>] = &[
    must("logout.modified_path.not_redirected").spec(spec::OIDCRPL_3).title("logout never redirects to a registered post_logout_redirect_uri with a path segment added").run(not_redirected),
];

/// The checks of [`LogoutCase::ForeignHint`].
pub const FOREIGN_HINT_CHECKS: &[Check<LogoutEvidence>] = &[
    must("logout.foreign_hint.not_redirected").spec(spec::OIDCRPL_4).title("an id_token_hint signed by a foreign key leads to no post-logout redirect").run(not_redirected),
];

/// The checks of [`LogoutCase::UnsignedHint`].
pub const UNSIGNED_HINT_CHECKS: &[Check<LogoutEvidence>] = &[
    must("logout.unsigned_hint.not_redirected").spec(spec::OIDCRPL_4).title("an id_token_hint changed to alg none leads to no post-logout redirect").run(not_redirected),
];

/// The logout tables, one per [`LogoutCase`], in case order.
const BY_CASE: &[&[Check<LogoutEvidence>]] =
    &[NORMAL_CHECKS, NO_STATE_CHECKS, NO_PARAMS_CHECKS, UNREGISTERED_CHECKS, MODIFIED_QUERY_CHECKS, MODIFIED_PATH_CHECKS, FOREIGN_HINT_CHECKS, UNSIGNED_HINT_CHECKS];

/// Every logout check: the tables of all cases, in case order.
pub const CHECKS: &[Check<LogoutEvidence>] = &concat::<_, { count(BY_CASE) }>(BY_CASE);
