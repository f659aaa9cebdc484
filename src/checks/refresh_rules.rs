//! Checks over the refresh grant's rules (RFC 6749 6, RFC 9700 4.14.2): a refresh token is
//! bound to its client, cannot widen the original scope, may narrow it, and — when the provider
//! rotates refresh tokens — a used token is dead and its reuse revokes the newer one.
//!
//! Whether a narrowed grant stays within the narrowed request is judged by the scope checks
//! (`scope.granted.subset_of_requested`).

use super::{Check, Verdict, concat, count, must, should};
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Which rule a refresh request probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshCase {
    /// Another client presents the refresh token.
    OtherClient,
    /// The owning client asks for a scope beyond the original grant.
    Widening,
    /// The owning client asks for a subset of the original grant.
    Narrowing,
    /// The first use of a refresh token of a rotating provider: a new one must come back.
    Rotation,
    /// A second use of an already used (rotated) refresh token.
    ReuseOld,
    /// The newest refresh token, used after the old one was replayed.
    AfterReuse,
}

impl RefreshCase {
    /// The id prefix of the checks that judge this case.
    pub fn prefix(self) -> &'static str {
        match self {
            RefreshCase::OtherClient => "refresh.other_client.",
            RefreshCase::Widening => "refresh.widening.",
            RefreshCase::Narrowing => "refresh.narrowing.",
            RefreshCase::Rotation => "refresh.rotation.",
            RefreshCase::ReuseOld => "refresh.reuse.",
            RefreshCase::AfterReuse => "refresh.after_reuse.",
        }
    }

    /// The checks that judge this case.
    pub const fn checks(self) -> &'static [Check<RefreshRuleEvidence>] {
        match self {
            RefreshCase::OtherClient => OTHER_CLIENT_CHECKS,
            RefreshCase::Widening => WIDENING_CHECKS,
            RefreshCase::Narrowing => NARROWING_CHECKS,
            RefreshCase::Rotation => ROTATION_CHECKS,
            RefreshCase::ReuseOld => REUSE_OLD_CHECKS,
            RefreshCase::AfterReuse => AFTER_REUSE_CHECKS,
        }
    }
}

/// A refresh request of one case and the token endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRuleEvidence {
    /// What the request probed.
    pub case: RefreshCase,
    /// What was sent, for messages (never a token), e.g. `scope=openid phone`.
    pub request: String,
    /// HTTP status of the answer.
    pub status: u16,
    /// `error` of the answer, if any.
    pub error: Option<String>,
    /// Whether a refresh token came back, and whether it differs from the one presented
    /// (`None`: no refresh token in the answer).
    pub new_refresh_differs: Option<bool>,
}

impl RefreshRuleEvidence {
    fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn refused(&self, why: &str) -> Verdict {
        if self.accepted() {
            return Verdict::mismatch(format!("{why} ({})", self.request), "an error (invalid_grant)", format!("HTTP {} with tokens", self.status));
        }
        Verdict::Pass
    }
}

/// RFC 6749 6: the AS MUST ensure the refresh token was issued to the authenticated client.
fn other_client_refused(e: &RefreshRuleEvidence) -> Verdict {
    e.refused("a refresh token was accepted from a client it was not issued to")
}

/// RFC 6749 6: the requested scope MUST NOT include any scope not originally granted.
fn widening_refused(e: &RefreshRuleEvidence) -> Verdict {
    e.refused("a refresh request widened the original scope")
}

/// RFC 6749 5.2: a scope beyond the grant is answered with invalid_scope.
fn widening_invalid_scope(e: &RefreshRuleEvidence) -> Verdict {
    if e.accepted() {
        return Verdict::skip("the widening was accepted (judged by refresh.widening.refused)");
    }
    match e.error.as_deref() {
        Some("invalid_scope") => Verdict::Pass,
        other => Verdict::mismatch("expected invalid_scope for a widened scope", "invalid_scope", other.unwrap_or("(none)")),
    }
}

/// RFC 6749 6: a narrower scope than the grant may be requested.
fn narrowing_accepted(e: &RefreshRuleEvidence) -> Verdict {
    Verdict::check(e.accepted(), format!("a refresh request narrowing the scope ({}) was refused: HTTP {} {}", e.request, e.status, e.error.as_deref().unwrap_or("")))
}

/// RFC 9700 4.14.2: a rotating provider issues a new refresh token with every refresh.
fn rotation_new_token(e: &RefreshRuleEvidence) -> Verdict {
    if !e.accepted() {
        return Verdict::fail(format!("the refresh was refused: HTTP {} {}", e.status, e.error.as_deref().unwrap_or("")));
    }
    match e.new_refresh_differs {
        Some(true) => Verdict::Pass,
        Some(false) => Verdict::mismatch("the profile says refresh tokens rotate, but the same one came back", "a new refresh token", "the same refresh token"),
        None => Verdict::mismatch("the profile says refresh tokens rotate, but none came back", "a new refresh token", "no refresh_token"),
    }
}

/// RFC 9700 4.14.2: with rotation, a used refresh token is invalid.
fn reuse_refused(e: &RefreshRuleEvidence) -> Verdict {
    e.refused("a rotated (already used) refresh token was accepted again")
}

/// RFC 9700 4.14.2: replaying a rotated token revokes the active one of the same grant.
fn after_reuse_revoked(e: &RefreshRuleEvidence) -> Verdict {
    e.refused("after a rotated refresh token was replayed, the newest one of the grant still works")
}

/// The checks of [`RefreshCase::OtherClient`].
pub const OTHER_CLIENT_CHECKS: &[Check<RefreshRuleEvidence>] = &[
    must("refresh.other_client.refused").spec(spec::RFC6749_6).title("a refresh token is refused when another client presents it").run(other_client_refused),
];

/// The checks of [`RefreshCase::Widening`].
pub const WIDENING_CHECKS: &[Check<RefreshRuleEvidence>] = &[
    must("refresh.widening.refused").spec(spec::RFC6749_6).title("a refresh request may not add scopes beyond the original grant").run(widening_refused),
    should("refresh.widening.invalid_scope").spec(spec::RFC6749_5_2).title("a widening refresh request is answered with invalid_scope").run(widening_invalid_scope),
];

/// The checks of [`RefreshCase::Narrowing`].
pub const NARROWING_CHECKS: &[Check<RefreshRuleEvidence>] = &[
    should("refresh.narrowing.accepted").spec(spec::RFC6749_6).title("a refresh request may narrow the original scope").run(narrowing_accepted),
];

/// The checks of [`RefreshCase::Rotation`].
pub const ROTATION_CHECKS: &[Check<RefreshRuleEvidence>] = &[
    must("refresh.rotation.new_token").spec(spec::RFC9700_4_14_2).title("a rotating provider returns a new refresh token on refresh").run(rotation_new_token),
];

/// The checks of [`RefreshCase::ReuseOld`].
pub const REUSE_OLD_CHECKS: &[Check<RefreshRuleEvidence>] = &[
    must("refresh.reuse.refused").spec(spec::RFC9700_4_14_2).title("a used refresh token is refused after rotation").run(reuse_refused),
];

/// The checks of [`RefreshCase::AfterReuse`].
pub const AFTER_REUSE_CHECKS: &[Check<RefreshRuleEvidence>] = &[
    should("refresh.after_reuse.revoked").spec(spec::RFC9700_4_14_2).title("replaying a rotated refresh token revokes the newest one of the grant").run(after_reuse_revoked),
];

/// The refresh rule tables, one per [`RefreshCase`], in case order.
const BY_CASE: &[&[Check<RefreshRuleEvidence>]] = &[OTHER_CLIENT_CHECKS, WIDENING_CHECKS, NARROWING_CHECKS, ROTATION_CHECKS, REUSE_OLD_CHECKS, AFTER_REUSE_CHECKS];

/// Every refresh rule check: the tables of all cases, in case order.
pub const CHECKS: &[Check<RefreshRuleEvidence>] = &concat::<_, { count(BY_CASE) }>(BY_CASE);
