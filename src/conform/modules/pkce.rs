//! PKCE negatives (RFC 7636 4.1, 4.4.1, 4.6; RFC 9700 2.1.1): a wrong, missing or malformed
//! code_verifier at the token endpoint, `plain` when only S256 is advertised, and a public
//! client without PKCE. The last two may be refused at either endpoint.

use url::Url;

use super::code_exchange::{regular_clients, token_answer};
use super::{ModuleKind, ModuleOutcome};
use crate::checks::{
    Check, ObservedEvidence, PKCE_ADVERTISED_CHECKS, PKCE_MISSING_VERIFIER_CHECKS, PKCE_PLAIN_CHECKS, PKCE_PUBLIC_CLIENT_CHECKS, PKCE_SHORT_VERIFIER_CHECKS,
    PKCE_VERIFIER_CHARSET_CHECKS, PKCE_WRONG_VERIFIER_CHECKS, PkceEvidence, evaluate,
};
use crate::conform::steps;
use crate::conform::{Ctx, ModuleSpec};
use crate::flow::{self, AuthParams, Pkce, random_token};
use crate::http::Browser;
use crate::target::{ClientAuth, ClientProfile, Target};

/// Which PKCE misuse a module tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkceCase {
    /// Redeem with a verifier that does not match the challenge.
    WrongVerifier,
    /// Redeem without a verifier after sending a challenge.
    MissingVerifier,
    /// Redeem with a 42-character verifier, then with one holding a forbidden character (their
    /// S256 challenges were sent, so only the syntax is wrong).
    MalformedVerifier,
    /// Authorize with `code_challenge_method=plain` when only S256 is advertised.
    Plain,
    /// Authorize a public client without any code_challenge.
    PublicClient,
}

/// The PKCE modules (plan `all` only).
pub(in crate::conform) fn specs(_target: &Target) -> Vec<ModuleSpec> {
    let m = |id: &str, description: &str, case: PkceCase| ModuleSpec {
        id: id.to_owned(),
        description: description.to_owned(),
        kind: ModuleKind::Pkce(case),
        in_basic: false,
    };
    vec![
        m("pkce-wrong-verifier", "a code_verifier not matching the challenge is refused (RFC 7636 4.6)", PkceCase::WrongVerifier),
        m("pkce-missing-verifier", "a redemption without code_verifier after a challenge is refused (RFC 7636 4.6)", PkceCase::MissingVerifier),
        m("pkce-malformed-verifier", "too short and bad-charset code_verifiers are refused (RFC 7636 4.1)", PkceCase::MalformedVerifier),
        m("pkce-plain", "code_challenge_method=plain is refused when only S256 is advertised (RFC 7636 4.4.1)", PkceCase::Plain),
        m("pkce-public-client", "a public client without PKCE is refused (RFC 9700 2.1.1)", PkceCase::PublicClient),
    ]
}

/// The first public client besides the short-lifetime one.
fn public_client(target: &Target) -> Option<ClientProfile> {
    regular_clients(target).find(|c| c.auth_method == ClientAuth::None).cloned()
}

pub(super) async fn run(ctx: &Ctx, case: PkceCase) -> ModuleOutcome {
    let token = ctx.endpoints().token.clone();
    // PKCE matters most for public clients; any client will do for the verifier checks.
    let client = match case {
        PkceCase::PublicClient => public_client(&ctx.target),
        _ => public_client(&ctx.target).or_else(|| regular_clients(&ctx.target).next().cloned()),
    };
    let Some(client) = client else {
        return ModuleOutcome::skipped(match case {
            PkceCase::PublicClient => "the profile has no public client (auth_method = \"none\")",
            _ => "no client besides the short-lifetime one",
        });
    };
    if case == PkceCase::Plain
        && let Some(reason) = plain_not_applicable(ctx.metadata().code_challenge_methods_supported.as_deref())
    {
        return ModuleOutcome::skipped(reason);
    }
    let browser = match steps::browser(ctx) {
        Ok(a) => a,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    let attempt = Attempt { ctx, browser: &browser, token: &token, client: &client };
    let result = match case {
        PkceCase::WrongVerifier => {
            let other = Pkce::s256().verifier;
            attempt.redeem_with(Pkce::s256(), Some(other)).await.map(|ev| {
                let mut findings = evaluate(PKCE_WRONG_VERIFIER_CHECKS, &ev);
                // Advertised against observed: a refusal shows the provider verifies PKCE.
                let refused = ev.token.as_ref().is_some_and(|t| (400..500).contains(&t.status));
                let methods = ctx.metadata().code_challenge_methods_supported.clone();
                let observed = ObservedEvidence {
                    seen: refused.then(|| "the provider refused a code_verifier that does not match (it verifies PKCE)".to_owned()),
                    member_present: methods.is_some(),
                    advertised: methods.unwrap_or_default(),
                };
                findings.extend(evaluate(PKCE_ADVERTISED_CHECKS, &observed));
                findings
            })
        }
        PkceCase::MissingVerifier => attempt.redeem_with(Pkce::s256(), None).await.map(|ev| evaluate(PKCE_MISSING_VERIFIER_CHECKS, &ev)),
        PkceCase::MalformedVerifier => attempt.malformed().await,
        PkceCase::Plain => {
            let v = random_token(32);
            let pkce = Pkce { verifier: v.clone(), challenge: v, method: "plain" };
            attempt.either_endpoint(Some(pkce), PKCE_PLAIN_CHECKS).await
        }
        PkceCase::PublicClient => attempt.either_endpoint(None, PKCE_PUBLIC_CLIENT_CHECKS).await,
    };
    match result {
        Ok(findings) => ModuleOutcome { findings, ..ModuleOutcome::default() },
        Err(note) => ModuleOutcome::default().abort(note),
    }
}

/// Why the `plain` test does not apply, if it does not: it needs S256 advertised without plain.
fn plain_not_applicable(methods: Option<&[String]>) -> Option<&'static str> {
    match methods {
        None => Some("code_challenge_methods_supported is not advertised"),
        Some(m) if m.iter().any(|x| x == "plain") => Some("plain is advertised in code_challenge_methods_supported"),
        Some(m) if !m.iter().any(|x| x == "S256") => Some("S256 is not advertised in code_challenge_methods_supported"),
        Some(_) => None,
    }
}

/// What one PKCE attempt needs.
struct Attempt<'a> {
    ctx: &'a Ctx,
    browser: &'a Browser,
    token: &'a Url,
    client: &'a ClientProfile,
}

impl Attempt<'_> {
    /// Whether the attempt's client is public.
    fn public(&self) -> bool {
        self.client.auth_method == ClientAuth::None
    }

    /// Authorizes with `pkce` (setup: must yield a code) and redeems sending `verifier`.
    async fn redeem_with(&self, pkce: Pkce, verifier: Option<String>) -> Result<PkceEvidence, String> {
        let params = AuthParams { pkce: Some(pkce), ..AuthParams::fresh(self.client) };
        let code = steps::code_for(self.ctx, self.browser, self.client, &params).await?;
        let req = flow::token::code_exchange(self.token, self.client, &code, verifier.as_deref());
        Ok(PkceEvidence { authz_refusal: None, token: Some(token_answer(&self.ctx.back, req).await?), public_client: self.public() })
    }

    /// A 42-character verifier, then a 43-character one with `!` in it.
    async fn malformed(&self) -> Result<Vec<crate::checks::Finding>, String> {
        let short = random_token(31);
        let mut bad_char = random_token(32);
        bad_char.replace_range(..1, "!");
        let mut findings = Vec::new();
        for (verifier, checks) in [(short, PKCE_SHORT_VERIFIER_CHECKS), (bad_char, PKCE_VERIFIER_CHARSET_CHECKS)] {
            let ev = self.redeem_with(Pkce::s256_from(verifier.clone()), Some(verifier)).await?;
            findings.extend(evaluate(checks, &ev));
        }
        Ok(findings)
    }

    /// Authorizes with `pkce` (or none); a code is redeemed with the matching verifier. The
    /// provider may refuse at either endpoint.
    async fn either_endpoint(&self, pkce: Option<Pkce>, checks: &[Check<PkceEvidence>]) -> Result<Vec<crate::checks::Finding>, String> {
        let params = AuthParams { pkce, ..AuthParams::fresh(self.client) };
        let ev = match steps::authorize_code(self.ctx, self.browser, self.client, &params).await? {
            steps::Authz::Refused(why) => PkceEvidence { authz_refusal: Some(why), token: None, public_client: self.public() },
            steps::Authz::Code(code) => {
                let verifier = params.pkce.as_ref().map(|p| p.verifier.as_str());
                let req = flow::token::code_exchange(self.token, self.client, &code, verifier);
                PkceEvidence { authz_refusal: None, token: Some(token_answer(&self.ctx.back, req).await?), public_client: self.public() }
            }
        };
        Ok(evaluate(checks, &ev))
    }
}

#[cfg(test)]
mod tests {
    use super::plain_not_applicable;

    #[test]
    fn plain_test_needs_s256_without_plain() {
        let v = |m: &[&str]| m.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(plain_not_applicable(Some(&v(&["S256"]))), None);
        assert!(plain_not_applicable(None).is_some_and(|r| r.contains("not advertised")));
        assert!(plain_not_applicable(Some(&v(&["S256", "plain"]))).is_some_and(|r| r.contains("plain is advertised")));
        assert!(plain_not_applicable(Some(&v(&["plain-ish"]))).is_some_and(|r| r.contains("S256")));
    }
}
