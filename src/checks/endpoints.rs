//! Checks over the token-consuming endpoints: UserInfo request methods (OIDC Core 5.3, RFC 6750
//! 2), revocation (RFC 7009) and introspection (RFC 7662). RP-initiated logout has its own
//! table ([`super::logout`]).
//!
//! Each piece of [`EndpointEvidence`] is one request of an [`EndpointCase`]; only the checks
//! whose id starts with [`EndpointCase::prefix`] judge it. A revoked access token at UserInfo is
//! judged by the `userinfo.invalid_token.*` checks.

use serde_json::Value;

use super::{Check, Verdict, concat, count, may, must, should};
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Which endpoint behaviour a request probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointCase {
    /// UserInfo GET with `Authorization: Bearer`.
    UserinfoGet,
    /// UserInfo POST with `Authorization: Bearer`.
    UserinfoPost,
    /// UserInfo POST with the token in the form body (RFC 6750 2.2).
    UserinfoFormBody,
    /// UserInfo with an ID token as the bearer token.
    UserinfoIdToken,
    /// Revocation of a refresh token.
    Revoke,
    /// The refresh grant with a revoked refresh token.
    RevokedRefresh,
    /// Introspection of a live access token.
    IntrospectActive,
    /// Introspection of a revoked refresh token.
    IntrospectRevoked,
}

impl EndpointCase {
    /// The id prefix of the checks that judge this case.
    pub fn prefix(self) -> &'static str {
        match self {
            EndpointCase::UserinfoGet => "userinfo.method.get_header",
            EndpointCase::UserinfoPost => "userinfo.method.post_header",
            EndpointCase::UserinfoFormBody => "userinfo.method.post_form_body",
            EndpointCase::UserinfoIdToken => "userinfo.id_token_as_bearer.",
            EndpointCase::Revoke => "revocation.response.",
            EndpointCase::RevokedRefresh => "revocation.refresh_token.",
            EndpointCase::IntrospectActive => "introspection.active_token.",
            EndpointCase::IntrospectRevoked => "introspection.revoked_token.",
        }
    }

    /// The checks that judge this case.
    pub const fn checks(self) -> &'static [Check<EndpointEvidence>] {
        match self {
            EndpointCase::UserinfoGet => USERINFO_GET_CHECKS,
            EndpointCase::UserinfoPost => USERINFO_POST_CHECKS,
            EndpointCase::UserinfoFormBody => USERINFO_FORM_BODY_CHECKS,
            EndpointCase::UserinfoIdToken => USERINFO_ID_TOKEN_CHECKS,
            EndpointCase::Revoke => REVOKE_CHECKS,
            EndpointCase::RevokedRefresh => REVOKED_REFRESH_CHECKS,
            EndpointCase::IntrospectActive => INTROSPECT_ACTIVE_CHECKS,
            EndpointCase::IntrospectRevoked => INTROSPECT_REVOKED_CHECKS,
        }
    }
}

/// One request to an endpoint and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointEvidence {
    /// What the request probed.
    pub case: EndpointCase,
    /// HTTP status.
    pub status: u16,
    /// The JSON body, when it parsed.
    pub body_json: Option<Value>,
    /// The profile declares that the client may introspect its own tokens. RFC 7662 §2.2 lets
    /// a provider answer `active: false` to a caller that may not introspect a token, so only
    /// then is an inactive (or refused) live token a failure; otherwise it is inconclusive.
    pub introspection_allowed: bool,
}

impl EndpointEvidence {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn member(&self, k: &str) -> Option<&Value> {
        self.body_json.as_ref().and_then(|b| b.get(k))
    }
}

/// A successful UserInfo answer: 2xx and a JSON object with `sub` (OIDC Core 5.3.2).
fn userinfo_served(e: &EndpointEvidence) -> Verdict {
    if !e.ok() {
        return Verdict::mismatch("a valid access token was refused", "HTTP 200 with claims", format!("HTTP {}", e.status));
    }
    Verdict::check(e.member("sub").is_some_and(Value::is_string), "expected a JSON object with sub (found none)")
}

/// RFC 9068 4 / RFC 8725 3.11: an ID token is not an access token and must not be accepted as one.
fn id_token_refused(e: &EndpointEvidence) -> Verdict {
    Verdict::check(!e.ok(), format!("an ID token was accepted as a bearer access token (HTTP {})", e.status))
}

/// RFC 7009 2.2: the AS answers a revocation request with 200.
fn revoke_ok(e: &EndpointEvidence) -> Verdict {
    Verdict::check(e.status == 200, format!("expected HTTP 200 from the revocation endpoint (found HTTP {})", e.status))
}

/// RFC 7009 2.1: once revoked, the refresh token cannot be used.
fn revoked_refresh_refused(e: &EndpointEvidence) -> Verdict {
    Verdict::check(!e.ok(), format!("a revoked refresh token was still accepted by the token endpoint (HTTP {})", e.status))
}

fn active(e: &EndpointEvidence) -> Result<bool, Verdict> {
    if !e.ok() {
        return Err(Verdict::mismatch("introspection failed", "HTTP 200 with active", format!("HTTP {}", e.status)));
    }
    match e.member("active") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(Verdict::mismatch("expected active as a boolean", "true or false", v.to_string())),
        None => Err(Verdict::mismatch("expected the REQUIRED active member", "active", "(none)")),
    }
}

/// RFC 7662 2.2: a live token introspects as active: true — to a caller allowed to introspect
/// it. Whether this client is, only the profile can say (`introspection_allowed`).
fn introspect_active(e: &EndpointEvidence) -> Verdict {
    const NOT_DECLARED: &str = "RFC 7662 2.2 lets a provider answer so to a caller that may not introspect the token; \
         set `introspection_allowed = true` in the profile's [features] to judge it";
    match active(e) {
        Ok(true) => Verdict::Pass,
        Ok(false) if !e.introspection_allowed => Verdict::skip(format!("a live access token introspected as inactive: {NOT_DECLARED}")),
        Ok(false) => Verdict::mismatch("a live access token introspected as inactive", "active: true", "active: false"),
        Err(_) if !e.introspection_allowed && matches!(e.status, 401 | 403) => {
            Verdict::skip(format!("introspection answered HTTP {}: {NOT_DECLARED}", e.status))
        }
        Err(v) => v,
    }
}

/// RFC 7662 2.2 / RFC 7009 2: a revoked token introspects as active: false.
fn introspect_revoked(e: &EndpointEvidence) -> Verdict {
    match active(e) {
        Ok(false) => Verdict::Pass,
        Ok(true) => Verdict::mismatch("a revoked refresh token introspected as active", "active: false", "active: true"),
        Err(v) => v,
    }
}

/// The checks of [`EndpointCase::UserinfoGet`].
pub const USERINFO_GET_CHECKS: &[Check<EndpointEvidence>] = &[
    must("userinfo.method.get_header").spec(spec::OIDCC_5_3).title("UserInfo answers GET with a bearer header").run(userinfo_served),
];

/// The checks of [`EndpointCase::UserinfoPost`].
pub const USERINFO_POST_CHECKS: &[Check<EndpointEvidence>] = &[
    must("userinfo.method.post_header").spec(spec::OIDCC_5_3).title("UserInfo answers POST with a bearer header").run(userinfo_served),
];

/// The checks of [`EndpointCase::UserinfoFormBody`].
pub const USERINFO_FORM_BODY_CHECKS: &[Check<EndpointEvidence>] = &[
    may("userinfo.method.post_form_body").spec(spec::RFC6750_2_2).title("UserInfo answers POST with the token in the form body").run(userinfo_served),
];

/// The checks of [`EndpointCase::UserinfoIdToken`].
pub const USERINFO_ID_TOKEN_CHECKS: &[Check<EndpointEvidence>] = &[
    must("userinfo.id_token_as_bearer.refused").spec(spec::RFC9068_4).title("an ID token presented as a bearer token is refused").run(id_token_refused),
];

/// The checks of [`EndpointCase::Revoke`].
pub const REVOKE_CHECKS: &[Check<EndpointEvidence>] = &[
    should("revocation.response.ok").spec(spec::RFC7009_2_2).title("a revocation request is answered 200").run(revoke_ok),
];

/// The checks of [`EndpointCase::RevokedRefresh`].
pub const REVOKED_REFRESH_CHECKS: &[Check<EndpointEvidence>] = &[
    must("revocation.refresh_token.unusable").spec(spec::RFC7009_2_1).title("a revoked refresh token can no longer be used").run(revoked_refresh_refused),
];

/// The checks of [`EndpointCase::IntrospectActive`].
pub const INTROSPECT_ACTIVE_CHECKS: &[Check<EndpointEvidence>] = &[
    must("introspection.active_token.active").spec(spec::RFC7662_2_2).title("a live access token introspects as active").run(introspect_active),
];

/// The checks of [`EndpointCase::IntrospectRevoked`].
pub const INTROSPECT_REVOKED_CHECKS: &[Check<EndpointEvidence>] = &[
    must("introspection.revoked_token.inactive").spec(spec::RFC7662_2_2).title("a revoked refresh token introspects as inactive").run(introspect_revoked),
];

/// The endpoint tables, one per [`EndpointCase`], in case order.
const BY_CASE: &[&[Check<EndpointEvidence>]] = &[USERINFO_GET_CHECKS, USERINFO_POST_CHECKS, USERINFO_FORM_BODY_CHECKS, USERINFO_ID_TOKEN_CHECKS, REVOKE_CHECKS, REVOKED_REFRESH_CHECKS, INTROSPECT_ACTIVE_CHECKS, INTROSPECT_REVOKED_CHECKS];

/// Every endpoint check: the tables of all cases, in case order.
pub const CHECKS: &[Check<EndpointEvidence>] = &concat::<_, { count(BY_CASE) }>(BY_CASE);
