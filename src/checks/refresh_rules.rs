//! Checks over the refresh grant's rules (RFC 6749 6, RFC 9700 4.14.2): a refresh token is
//! bound to its client, cannot widen the original scope, may narrow it, and — when the provider
//! rotates refresh tokens — a used token is dead and its reuse revokes the newer one.
//!
//! Whether a narrowed grant stays within the narrowed request is judged by the scope checks
//! (`scope.granted.subset_of_requested`).

use super::{Check, Level, Verdict};

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

const fn c(id: &'static str, level: Level, spec: &'static str, title: &'static str, run: fn(&RefreshRuleEvidence) -> Verdict) -> Check<RefreshRuleEvidence> {
    Check::new(id, level, spec, title, run)
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

use Level::{Must, Should};

/// The refresh-rule checks, grouped by case prefix.
pub const CHECKS: &[Check<RefreshRuleEvidence>] = &[
    c("refresh.other_client.refused", Must, "RFC6749-6", "a refresh token is refused when another client presents it", other_client_refused),
    c("refresh.widening.refused", Must, "RFC6749-6", "a refresh request may not add scopes beyond the original grant", widening_refused),
    c("refresh.widening.invalid_scope", Should, "RFC6749-5.2", "a widening refresh request is answered with invalid_scope", widening_invalid_scope),
    c("refresh.narrowing.accepted", Should, "RFC6749-6", "a refresh request may narrow the original scope", narrowing_accepted),
    c("refresh.rotation.new_token", Must, "RFC9700-4.14.2", "a rotating provider returns a new refresh token on refresh", rotation_new_token),
    c("refresh.reuse.refused", Must, "RFC9700-4.14.2", "a used refresh token is refused after rotation", reuse_refused),
    c("refresh.after_reuse.revoked", Should, "RFC9700-4.14.2", "replaying a rotated refresh token revokes the newest one of the grant", after_reuse_revoked),
];
