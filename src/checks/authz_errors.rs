//! Checks over invalid authorization requests: where the provider sent the user agent and with
//! which error (RFC 6749 §3.1.2.4, §4.1.2.1; OIDC Core §3.1.2.1, §3.1.2.6).
//!
//! Two families: a request from a known client with its registered redirect_uri that is wrong in
//! another way must come back to that redirect_uri with the error defined for the mistake; a
//! request whose client or redirect_uri cannot be verified must never be redirected (an error
//! page is the right answer). The parameters of an error redirect (state, iss, charset, ...) are
//! judged by the authorization response checks; these checks cover the rest.
//!
//! Codes are secrets: no message here carries a code value.

use super::{Check, Verdict, may, must, should};
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// What the provider must do with the invalid request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// Redirect an error to the registered redirect_uri (client and redirect_uri are valid).
    ErrorRedirect,
    /// A code (default scope) or an error are both allowed (a request without scope: RFC 6749
    /// §3.3 "MUST either process the request using a pre-defined default value or fail the
    /// request indicating an invalid scope"); an error, when given, is redirected.
    RefusalRecommended,
    /// Not an OpenID request (a scope without `openid`): OIDC Core §3.1.2.1 leaves the answer
    /// unspecified, so neither an error page, nor any error code, nor a code fails a check here;
    /// what reaches the redirect_uri is still judged by RFC 6749 (an error carries no code).
    Unspecified,
    /// Never redirect to the redirect_uri of the request (unknown client, unregistered URI).
    NoRedirect,
}

/// How an invalid authorization request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthzErrorEvidence {
    /// What the request got wrong, for messages (e.g. "response_type missing").
    pub case: String,
    /// What the provider must do.
    pub expectation: Expectation,
    /// Error codes the specification defines for this mistake (any of them passes).
    pub expected_errors: Vec<String>,
    /// Whether the user agent was sent to the redirect_uri named in the request.
    pub reached: bool,
    /// The `error` parameter that arrived there, if any.
    pub error: Option<String>,
    /// Whether a `code` arrived there.
    pub code_issued: bool,
    /// How the request ended, in words (redacted URL, status, reason).
    pub detail: String,
    /// HTTP status of the last response when the redirect_uri was not reached.
    pub status: Option<u16>,
}

/// Every check over invalid authorization requests, in report order.
pub const CHECKS: &[Check<AuthzErrorEvidence>] = &[
    must("authz.error.redirected")
        .spec(spec::RFC6749_4_1_2_1)
        .title("an invalid request from a known client with its registered redirect_uri is answered at that redirect_uri")
        .run(error_redirected),
    must("authz.error.code_for_case")
        .spec(spec::RFC6749_4_1_2_1)
        .title("the error code is the one defined for what the request got wrong")
        .run(code_for_case),
    may("authz.scope.openid_enforced")
        .spec(spec::OIDCC_3_1_2_1)
        .title("a request without the openid scope is refused rather than answered with a code")
        .run(openid_enforced),
    must("authz.unverified_redirect.not_used")
        .spec(spec::RFC6749_4_1_2_1)
        .title("the user agent is never sent to the redirect_uri of an unknown client or an unregistered redirect_uri")
        .run(unverified_not_used),
    must("authz.unverified_redirect.no_code")
        .spec(spec::OIDCC_3_1_2_1)
        .title("no code is issued for an unknown client or to a redirect_uri that does not exactly match a registered one")
        .run(unverified_no_code),
    should("authz.unverified_redirect.error_page")
        .spec(spec::RFC6749_4_1_2_1)
        .title("the resource owner is shown an error page, not a server failure")
        .run(unverified_error_page),
];

/// What arrived at the redirect_uri, in words without secrets.
fn arrival(ev: &AuthzErrorEvidence) -> String {
    match (&ev.error, ev.code_issued) {
        (Some(e), true) => format!("redirected with error={e} and a code"),
        (Some(e), false) => format!("redirected with error={e}"),
        (None, true) => "redirected with a code".to_owned(),
        (None, false) => "redirected without error or code".to_owned(),
    }
}

fn error_redirected(ev: &AuthzErrorEvidence) -> Verdict {
    // RFC 6749 §4.1.2.1: errors other than a bad client or redirect_uri are returned to the client.
    if ev.expectation == Expectation::NoRedirect {
        return Verdict::skip("the request's redirect_uri is not verified: judged by authz.unverified_redirect.*");
    }
    if ev.expectation == Expectation::Unspecified {
        return Verdict::skip("not an OpenID request: OIDC Core 3.1.2.1 leaves the answer unspecified");
    }
    if ev.reached {
        return Verdict::Pass;
    }
    Verdict::mismatch(
        format!("expected the error for {} at the redirect_uri (found none: {})", ev.case, ev.detail),
        "a redirect to the redirect_uri with error",
        ev.detail.clone(),
    )
}

fn code_for_case(ev: &AuthzErrorEvidence) -> Verdict {
    if ev.expectation == Expectation::NoRedirect {
        return Verdict::skip("no error redirect is expected");
    }
    if ev.expectation == Expectation::Unspecified {
        return Verdict::skip("not an OpenID request: any error code is acceptable (OIDC Core 3.1.2.1 leaves it unspecified)");
    }
    let Some(error) = ev.error.as_deref() else {
        return Verdict::skip("no error reached the redirect_uri");
    };
    if ev.expected_errors.is_empty() || ev.expected_errors.iter().any(|e| e == error) {
        return Verdict::Pass;
    }
    let wanted = ev.expected_errors.join(" or ");
    Verdict::mismatch(format!("expected error {wanted} for {} (found {error})", ev.case), wanted, error)
}

fn openid_enforced(ev: &AuthzErrorEvidence) -> Verdict {
    // OIDC Core §3.1.2.1: OpenID requests MUST contain openid; without it the behaviour is
    // unspecified, and RFC 6749 §3.3 allows a default scope: a code (plain OAuth 2.0) is only
    // worth a note.
    if !matches!(ev.expectation, Expectation::RefusalRecommended | Expectation::Unspecified) {
        return Verdict::skip("not a request without the openid scope");
    }
    if !ev.reached || ev.error.is_some() {
        return Verdict::Pass;
    }
    Verdict::mismatch(
        format!("expected the request with {} to be refused (found {})", ev.case, arrival(ev)),
        "an error",
        arrival(ev),
    )
}

fn unverified_not_used(ev: &AuthzErrorEvidence) -> Verdict {
    // RFC 6749 §3.1.2.4, §4.1.2.1: MUST NOT automatically redirect to an invalid redirection URI.
    if ev.expectation != Expectation::NoRedirect {
        return Verdict::skip("the client and redirect_uri are valid");
    }
    if !ev.reached {
        return Verdict::Pass;
    }
    Verdict::mismatch(
        format!("expected no redirect to the redirect_uri of a request with {} (found {})", ev.case, arrival(ev)),
        "an error page",
        arrival(ev),
    )
}

fn unverified_no_code(ev: &AuthzErrorEvidence) -> Verdict {
    // OIDC Core §3.1.2.1, RFC 9700 §4.1.3: the redirect_uri must exactly match a registered one.
    if ev.expectation != Expectation::NoRedirect {
        return Verdict::skip("the client and redirect_uri are valid");
    }
    Verdict::check(!ev.code_issued, format!("expected no code for a request with {} (found one)", ev.case))
}

fn unverified_error_page(ev: &AuthzErrorEvidence) -> Verdict {
    // RFC 6749 §4.1.2.1: the server SHOULD inform the resource owner of the error.
    if ev.expectation != Expectation::NoRedirect {
        return Verdict::skip("the client and redirect_uri are valid");
    }
    if ev.reached {
        return Verdict::skip("the user agent was redirected: judged by authz.unverified_redirect.not_used");
    }
    match ev.status {
        Some(s) if s >= 500 => Verdict::mismatch(
            format!("expected an error page for a request with {} (found HTTP {s})", ev.case),
            "HTTP 200 or 4xx",
            format!("HTTP {s}"),
        ),
        _ => Verdict::Pass,
    }
}
