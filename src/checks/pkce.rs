//! Checks over PKCE misuse (RFC 7636, RFC 9700 2.1.1): a wrong, missing or malformed
//! code_verifier, the `plain` method when only S256 is advertised, and a public client that
//! sends no code_challenge.
//!
//! Each attempt is a [`PkceEvidence`]: how the authorization request ended and, when a code was
//! issued and redeemed, the token endpoint's [`TokenAnswer`]. Every table holds one check.

use super::token_errors::{TokenAnswer, refused_with};
use super::{Check, Verdict, must, should};
use crate::spec;

/// One PKCE attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkceEvidence {
    /// How the authorization endpoint refused the request (`error` of the error response, or
    /// a description of an error page); `None` when it issued a code.
    pub authz_refusal: Option<String>,
    /// The token endpoint's answer to the redemption, when a code was issued and redeemed.
    pub token: Option<TokenAnswer>,
    /// Whether the redeeming client is public (`token_endpoint_auth_method` none).
    pub public_client: bool,
}

/// Judges the token answer with `refused_with`, skipping when no code was redeemed.
fn token_refused(e: &PkceEvidence, codes: &[&str], what: &str) -> Verdict {
    match &e.token {
        Some(answer) => refused_with(answer, codes, what),
        None => Verdict::skip("no code was redeemed"),
    }
}

/// Pass when the attempt was refused at the authorization endpoint or at the token endpoint
/// (a 4xx answer); fail when a code was issued and redeemed, or on a server error.
fn refused_somewhere(e: &PkceEvidence, what: &str) -> Verdict {
    if e.authz_refusal.is_some() {
        return Verdict::Pass;
    }
    let expected = "an authorization error response, or a 4xx token error";
    match &e.token {
        None => Verdict::skip("a code was issued but not redeemed"),
        Some(a) if (400..500).contains(&a.status) => Verdict::Pass,
        Some(a) if a.accepted() => {
            Verdict::mismatch(format!("expected {what} to be refused (found a code issued and redeemed)"), expected, a.describe())
        }
        Some(a) => Verdict::mismatch(format!("expected {what} to be refused with {expected} (found {})", a.describe()), expected, a.describe()),
    }
}

/// RFC 7636 4.6: a verifier that does not match the challenge is `invalid_grant`.
fn wrong_verifier(e: &PkceEvidence) -> Verdict {
    token_refused(e, &["invalid_grant"], "a code_verifier that does not match the code_challenge")
}

/// RFC 7636 4.6: without the verifier the challenge cannot be verified. RFC 7636 names no error
/// code for a missing verifier; a public client has no other proof of identity than its verifier,
/// so `invalid_client` ("no client authentication included", RFC 6749 5.2) is a refusal too.
fn missing_verifier(e: &PkceEvidence) -> Verdict {
    let what = "a redemption without the code_verifier of a PKCE request";
    if e.public_client {
        token_refused(e, &["invalid_grant", "invalid_request", "invalid_client"], what)
    } else {
        token_refused(e, &["invalid_grant", "invalid_request"], what)
    }
}

/// RFC 7636 4.1: a verifier has 43 to 128 characters.
fn too_short(e: &PkceEvidence) -> Verdict {
    token_refused(e, &["invalid_grant", "invalid_request"], "a 42-character code_verifier")
}

/// RFC 7636 4.1: a verifier uses only unreserved characters.
fn bad_charset(e: &PkceEvidence) -> Verdict {
    token_refused(e, &["invalid_grant", "invalid_request"], "a code_verifier with a character outside [A-Za-z0-9-._~]")
}

/// RFC 7636 4.4.1: an unsupported transformation is refused.
fn plain_refused(e: &PkceEvidence) -> Verdict {
    refused_somewhere(e, "code_challenge_method=plain, which is not advertised")
}

/// RFC 9700 2.1.1: public clients use PKCE; a request without it is refused.
fn public_client_required(e: &PkceEvidence) -> Verdict {
    refused_somewhere(e, "a public client's request without code_challenge")
}

/// A verifier that does not match.
pub const WRONG_VERIFIER_CHECKS: &[Check<PkceEvidence>] = &[must("pkce.wrong_verifier.rejected")
    .spec(spec::RFC7636_4_6)
    .title("a code_verifier that does not match the code_challenge is refused with invalid_grant")
    .run(wrong_verifier)];

/// No verifier though a challenge was sent.
pub const MISSING_VERIFIER_CHECKS: &[Check<PkceEvidence>] = &[must("pkce.missing_verifier.rejected")
    .spec(spec::RFC7636_4_6)
    .title("a redemption without code_verifier after a code_challenge is refused")
    .run(missing_verifier)];

/// A 42-character verifier (its S256 challenge was sent).
/// RFC 7636 4.1 is the client's duty; the server's is to compare (4.6): SHOULD.
pub const SHORT_VERIFIER_CHECKS: &[Check<PkceEvidence>] =
    &[should("pkce.verifier.too_short_rejected").spec(spec::RFC7636_4_1).title("a code_verifier shorter than 43 characters is refused").run(too_short)];

/// A verifier with a character outside the unreserved set (its S256 challenge was sent).
/// RFC 7636 4.1 is the client's duty; the server's is to compare (4.6): SHOULD.
pub const VERIFIER_CHARSET_CHECKS: &[Check<PkceEvidence>] = &[should("pkce.verifier.bad_charset_rejected")
    .spec(spec::RFC7636_4_1)
    .title("a code_verifier with characters outside [A-Za-z0-9-._~] is refused")
    .run(bad_charset)];

/// `plain` when only S256 is advertised.
pub const PLAIN_CHECKS: &[Check<PkceEvidence>] = &[must("pkce.plain.refused")
    .spec(spec::RFC7636_4_4_1)
    .title("code_challenge_method=plain is refused when only S256 is advertised")
    .run(plain_refused)];

/// A public client without PKCE. RFC 9700 2.1.1 makes PKCE the public client's duty; refusing
/// a public client without it is the recommended server policy: SHOULD.
pub const PUBLIC_CLIENT_CHECKS: &[Check<PkceEvidence>] = &[should("pkce.public_client.required")
    .spec(spec::RFC9700_2_1_1)
    .title("a public client's authorization without PKCE is refused")
    .run(public_client_required)];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

    fn token(status: u16, error: Option<&str>) -> PkceEvidence {
        PkceEvidence {
            authz_refusal: None,
            token: Some(TokenAnswer { status, error: error.map(str::to_owned), www_authenticate: None }),
            public_client: false,
        }
    }

    fn authz_refused() -> PkceEvidence {
        PkceEvidence { authz_refusal: Some("invalid_request".into()), token: None, public_client: false }
    }

    const TABLES: &[&[Check<PkceEvidence>]] =
        &[WRONG_VERIFIER_CHECKS, MISSING_VERIFIER_CHECKS, SHORT_VERIFIER_CHECKS, VERIFIER_CHARSET_CHECKS, PLAIN_CHECKS, PUBLIC_CLIENT_CHECKS];

    #[test]
    fn token_endpoint_refusals() {
        run_cases(WRONG_VERIFIER_CHECKS, vec![("pkce.wrong_verifier.rejected", token(400, Some("invalid_grant")), token(400, Some("invalid_request")))]);
        run_cases(MISSING_VERIFIER_CHECKS, vec![("pkce.missing_verifier.rejected", token(400, Some("invalid_request")), token(200, None))]);
        run_cases(SHORT_VERIFIER_CHECKS, vec![("pkce.verifier.too_short_rejected", token(400, Some("invalid_grant")), token(200, None))]);
        run_cases(VERIFIER_CHARSET_CHECKS, vec![("pkce.verifier.bad_charset_rejected", token(400, Some("invalid_grant")), token(500, None))]);
        let not_redeemed = PkceEvidence { authz_refusal: None, token: None, public_client: false };
        assert!(matches!((WRONG_VERIFIER_CHECKS[0].run)(&not_redeemed), Verdict::Skip(_)));
    }

    #[test]
    fn invalid_client_refuses_a_missing_verifier_of_a_public_client_only() {
        let public = PkceEvidence { public_client: true, ..token(400, Some("invalid_client")) };
        assert_eq!((MISSING_VERIFIER_CHECKS[0].run)(&public), Verdict::Pass);
        assert!(matches!((MISSING_VERIFIER_CHECKS[0].run)(&token(400, Some("invalid_client"))), Verdict::Fail(_)));
        let accepted = PkceEvidence { public_client: true, ..token(200, None) };
        assert!(matches!((MISSING_VERIFIER_CHECKS[0].run)(&accepted), Verdict::Fail(_)));
    }

    #[test]
    fn refusal_at_either_endpoint() {
        run_cases(PLAIN_CHECKS, vec![("pkce.plain.refused", authz_refused(), token(200, None))]);
        run_cases(PUBLIC_CLIENT_CHECKS, vec![("pkce.public_client.required", token(400, Some("invalid_grant")), token(200, None))]);
        assert_eq!((PLAIN_CHECKS[0].run)(&token(401, Some("invalid_client"))), Verdict::Pass);
        assert!(matches!((PUBLIC_CLIENT_CHECKS[0].run)(&token(502, None)), Verdict::Fail(_)));
        let Verdict::Fail(d) = (PUBLIC_CLIENT_CHECKS[0].run)(&token(200, None)) else { panic!() };
        assert!(d.message.contains("code issued and redeemed"), "{}", d.message);
    }

    #[test]
    fn catalogs_are_well_formed() {
        for t in TABLES {
            assert_catalog_well_formed(t);
        }
    }
}
