//! Checks over token requests the provider must refuse: a replayed, misdirected or expired
//! authorization code (RFC 6749 4.1.2, 4.1.3) and failed client authentication (RFC 6749 2.3,
//! 5.2), plus whether the client's advertised authentication method works.
//!
//! Every check judges one or more [`TokenAnswer`]s: the status, `error` code and challenge of
//! an answer. [`crate::checks::pkce`] and [`crate::checks::races`] judge the same values.

use serde_json::Value;

use super::{Check, Verdict, must, should};
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// How the token endpoint answered one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAnswer {
    /// HTTP status.
    pub status: u16,
    /// The `error` member of a JSON object body, when there is one.
    pub error: Option<String>,
    /// The `WWW-Authenticate` header, when present.
    pub www_authenticate: Option<String>,
}

impl TokenAnswer {
    /// Reads an answer from its status, its body (when JSON) and its challenge header.
    pub fn new(status: u16, body: Option<&Value>, www_authenticate: Option<&str>) -> Self {
        TokenAnswer {
            status,
            error: body.and_then(|b| b.get("error")).and_then(Value::as_str).map(str::to_owned),
            www_authenticate: www_authenticate.map(str::to_owned),
        }
    }

    /// Whether the request was accepted (2xx).
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `HTTP 400 error=invalid_grant`, for messages.
    pub fn describe(&self) -> String {
        match &self.error {
            Some(e) => format!("HTTP {} error={e}", self.status),
            None => format!("HTTP {} without an error code", self.status),
        }
    }
}

/// Pass when `answer` is a 400 whose `error` is one of `codes`; `what` names the request.
pub(crate) fn refused_with(answer: &TokenAnswer, codes: &[&str], what: &str) -> Verdict {
    let expected = format!("HTTP 400 error={}", codes.join(" or "));
    if answer.accepted() {
        return Verdict::mismatch(format!("expected {what} to be refused (found it accepted)"), expected, answer.describe());
    }
    let code_ok = answer.error.as_deref().is_some_and(|e| codes.contains(&e));
    if code_ok && answer.status == 400 {
        Verdict::Pass
    } else {
        Verdict::mismatch(format!("expected {what} to be refused with {expected} (found {})", answer.describe()), expected, answer.describe())
    }
}

/// Pass when `answer` is `invalid_client` with 400 or 401 (RFC 6749 5.2).
fn refused_invalid_client(answer: &TokenAnswer, what: &str) -> Verdict {
    let expected = "HTTP 401 (or 400) error=invalid_client";
    if answer.accepted() {
        return Verdict::mismatch(format!("expected {what} to be refused (found it accepted)"), expected, answer.describe());
    }
    if answer.error.as_deref() == Some("invalid_client") && matches!(answer.status, 400 | 401) {
        Verdict::Pass
    } else {
        Verdict::mismatch(format!("expected {what} to be refused with {expected} (found {})", answer.describe()), expected, answer.describe())
    }
}

/// A code redeemed a second time, then the first redemption's access token used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeReuseEvidence {
    /// Answer to the second redemption of the code.
    pub second: TokenAnswer,
    /// Status of a UserInfo call made afterwards with the access token of the first redemption
    /// (`None` when no call could be made: no userinfo endpoint or no access token).
    pub userinfo_after: Option<u16>,
}

/// Client authentication attempts of one confidential client, each with a fresh code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAuthEvidence {
    /// The client's method: `client_secret_basic` or `client_secret_post`.
    pub method: String,
    /// `token_endpoint_auth_methods_supported`, with its default applied.
    pub advertised: Vec<String>,
    /// Answer to a redemption with a wrong secret, sent with the client's method.
    pub wrong_secret: TokenAnswer,
    /// Answer to a redemption naming the client_id only, without any secret.
    pub no_secret: TokenAnswer,
    /// Answer to a redemption with the right credentials.
    pub correct: TokenAnswer,
}

/// RFC 6749 4.1.2: a code used more than once MUST be denied.
fn reuse_rejected(e: &CodeReuseEvidence) -> Verdict {
    refused_with(&e.second, &["invalid_grant"], "a second redemption of one code")
}

/// RFC 6749 4.1.2: the server SHOULD revoke the tokens issued from a replayed code.
fn reuse_revokes(e: &CodeReuseEvidence) -> Verdict {
    match e.userinfo_after {
        None => Verdict::skip("no UserInfo call was possible (no userinfo_endpoint or no access token)"),
        Some(401) => Verdict::Pass,
        Some(s) => Verdict::mismatch(
            format!("expected the access token issued from the replayed code to be refused by UserInfo (found HTTP {s})"),
            "HTTP 401",
            format!("HTTP {s}"),
        ),
    }
}

/// RFC 6749 4.1.3: a code issued to another client is `invalid_grant`.
fn wrong_client_rejected(e: &TokenAnswer) -> Verdict {
    refused_with(e, &["invalid_grant"], "a code issued to another client")
}

/// RFC 6749 4.1.3: a redirect_uri differing from the authorization request's is `invalid_grant`.
fn wrong_redirect_rejected(e: &TokenAnswer) -> Verdict {
    refused_with(e, &["invalid_grant"], "a code redeemed with another redirect_uri")
}

/// RFC 6749 4.1.2: codes expire; an expired code is `invalid_grant` (5.2).
fn expired_rejected(e: &TokenAnswer) -> Verdict {
    refused_with(e, &["invalid_grant"], "an expired code")
}

fn wrong_secret_rejected(e: &ClientAuthEvidence) -> Verdict {
    refused_invalid_client(&e.wrong_secret, "a wrong client secret")
}

fn no_secret_rejected(e: &ClientAuthEvidence) -> Verdict {
    refused_invalid_client(&e.no_secret, "a confidential client without a secret")
}

/// RFC 6749 5.2: a failed Basic authentication MUST be 401 with WWW-Authenticate.
fn basic_challenge(e: &ClientAuthEvidence) -> Verdict {
    if e.method != "client_secret_basic" {
        return Verdict::skip(format!("the client uses {}, not HTTP Basic", e.method));
    }
    let a = &e.wrong_secret;
    if a.accepted() {
        return Verdict::skip("the wrong secret was accepted");
    }
    match (a.status, &a.www_authenticate) {
        (401, Some(_)) => Verdict::Pass,
        (401, None) => Verdict::mismatch("expected WWW-Authenticate on a failed Basic authentication (found none)", "WWW-Authenticate", "none"),
        (s, _) => Verdict::mismatch(format!("expected HTTP 401 for a failed Basic authentication (found {s})"), "HTTP 401", format!("HTTP {s}")),
    }
}

/// The Basic challenge of a refused Basic authentication, or why it is not judged here.
fn basic_challenges(e: &ClientAuthEvidence) -> Result<Vec<crate::checks::userinfo::refusals::Challenge>, Verdict> {
    if e.method != "client_secret_basic" {
        return Err(Verdict::skip(format!("the client uses {}, not HTTP Basic", e.method)));
    }
    match (&e.wrong_secret.www_authenticate, e.wrong_secret.status) {
        (Some(h), 401) => Ok(crate::checks::userinfo::refusals::parse_www_authenticate(h)),
        _ => Err(Verdict::skip("no 401 with WWW-Authenticate (see client_auth.basic.challenge)")),
    }
}

/// RFC 6749 5.2: the challenge matches the scheme the client used (Basic).
fn basic_challenge_scheme(e: &ClientAuthEvidence) -> Verdict {
    match basic_challenges(e) {
        Err(v) => v,
        Ok(c) if c.iter().any(|c| c.scheme.eq_ignore_ascii_case("basic")) => Verdict::Pass,
        Ok(c) => {
            let found = c.iter().map(|c| c.scheme.as_str()).collect::<Vec<_>>().join(", ");
            Verdict::mismatch(format!("expected a Basic challenge for a failed Basic authentication (found {found})"), "Basic", found)
        }
    }
}

/// RFC 7617 2: a Basic challenge names its realm.
fn basic_challenge_realm(e: &ClientAuthEvidence) -> Verdict {
    match basic_challenges(e) {
        Err(v) => v,
        Ok(c) => match c.iter().find(|c| c.scheme.eq_ignore_ascii_case("basic")) {
            None => Verdict::skip("no Basic challenge (see client_auth.basic.challenge_scheme)"),
            Some(b) => Verdict::check(b.params.iter().any(|(k, _)| k == "realm"), "expected realm=\"...\" in the Basic challenge (found none)"),
        },
    }
}

/// OIDC Core 9: an advertised method the client is registered for is accepted.
fn method_accepted(e: &ClientAuthEvidence) -> Verdict {
    if !e.advertised.contains(&e.method) {
        return Verdict::skip(format!("{} is not advertised in token_endpoint_auth_methods_supported", e.method));
    }
    if e.correct.accepted() {
        Verdict::Pass
    } else {
        Verdict::mismatch(format!("expected the advertised method {} to work (found {})", e.method, e.correct.describe()), "HTTP 200", e.correct.describe())
    }
}

/// OIDC Discovery 3: a method the token endpoint accepts is listed.
fn method_advertised(e: &ClientAuthEvidence) -> Verdict {
    if !e.correct.accepted() {
        return Verdict::skip("the method did not work");
    }
    Verdict::check(
        e.advertised.contains(&e.method),
        format!("expected {} in token_endpoint_auth_methods_supported (found {:?})", e.method, e.advertised),
    )
}

/// A replayed code.
pub const CODE_REUSE_CHECKS: &[Check<CodeReuseEvidence>] = &[
    must("code.reuse.rejected").spec(spec::RFC6749_4_1_2).title("a second redemption of one code is refused with invalid_grant").run(reuse_rejected),
    should("code.reuse.tokens_revoked").spec(spec::RFC6749_4_1_2).title("tokens issued from a replayed code are revoked").run(reuse_revokes),
];

/// A code redeemed by another client.
pub const CODE_WRONG_CLIENT_CHECKS: &[Check<TokenAnswer>] = &[must("code.wrong_client.rejected")
    .spec(spec::RFC6749_4_1_3)
    .title("a code issued to one client is refused to another with invalid_grant")
    .run(wrong_client_rejected)];

/// A code redeemed with another redirect_uri.
pub const CODE_WRONG_REDIRECT_URI_CHECKS: &[Check<TokenAnswer>] = &[must("code.wrong_redirect_uri.rejected")
    .spec(spec::RFC6749_4_1_3)
    .title("a code redeemed with a redirect_uri other than the authorization request's is refused with invalid_grant")
    .run(wrong_redirect_rejected)];

/// An expired code.
pub const CODE_EXPIRED_CHECKS: &[Check<TokenAnswer>] =
    &[must("code.expired.rejected").spec(spec::RFC6749_4_1_2).title("an expired code is refused with invalid_grant").run(expired_rejected)];

/// Client authentication at the token endpoint.
pub const CLIENT_AUTH_CHECKS: &[Check<ClientAuthEvidence>] = &[
    must("client_auth.wrong_secret.rejected").spec(spec::RFC6749_5_2).title("a wrong client secret is refused with invalid_client").run(wrong_secret_rejected),
    must("client_auth.no_secret.rejected").spec(spec::RFC6749_5_2).title("a confidential client sending no secret is refused with invalid_client").run(no_secret_rejected),
    must("client_auth.basic.challenge").spec(spec::RFC6749_5_2).title("a failed HTTP Basic client authentication is 401 with WWW-Authenticate").run(basic_challenge),
    must("client_auth.basic.challenge_scheme")
        .spec(spec::RFC6749_5_2)
        .title("the challenge of a failed HTTP Basic client authentication uses the Basic scheme")
        .run(basic_challenge_scheme),
    should("client_auth.basic.challenge_realm").spec(spec::RFC7617_2).title("the Basic challenge carries a realm").run(basic_challenge_realm),
    must("client_auth.method.accepted").spec(spec::OIDCC_9).title("an advertised authentication method the client uses works").run(method_accepted),
    should("client_auth.method.advertised").spec(spec::OIDCD_3).title("an authentication method that works is advertised").run(method_advertised),
];
