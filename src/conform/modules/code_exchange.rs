//! Code-exchange negatives (RFC 6749 4.1.2, 4.1.3, 5.2): a code redeemed twice, by another
//! client, with another redirect_uri or after it expired, and client authentication with a
//! wrong or missing secret. Every attempt uses a fresh code from a completed authorization
//! ([`steps::code_for`]); the helpers here (reading and judging a token answer) are shared with
//! the PKCE and concurrency modules.

use std::time::Duration;

use url::Url;

use super::{ModuleKind, ModuleOutcome};
use crate::checks::{
    CLIENT_AUTH_CHECKS, CODE_EXPIRED_CHECKS, CODE_REUSE_CHECKS, CODE_WRONG_CLIENT_CHECKS, CODE_WRONG_REDIRECT_URI_CHECKS,
    ClientAuthEvidence, CodeReuseEvidence, Finding, TOKEN_ERROR_RESPONSE_CHECKS, TokenAnswer, evaluate,
};
use crate::conform::steps;
use crate::conform::{Ctx, ModuleSpec};
use crate::flow::{self, AuthParams, GrantType, random_token};
use crate::http::{BackChannel, Browser, HttpRequest, HttpResponse};
use crate::target::{ClientAuth, ClientProfile, Secret, Target};

/// Which misuse of an authorization code a module tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCase {
    /// Redeem one code twice, then call UserInfo with the first access token.
    Reuse,
    /// Redeem a code issued to one confidential client as another one.
    WrongClient,
    /// Redeem with a redirect_uri other than the authorization request's.
    WrongRedirectUri,
    /// Redeem a code of the profile's short-lifetime client after it expired.
    Expired,
}

/// The code-exchange and client-authentication modules for `target` (plan `all` only).
pub(in crate::conform) fn specs(target: &Target) -> Vec<ModuleSpec> {
    let m = |id: String, description: &str, kind: ModuleKind| ModuleSpec { id, description: description.to_owned(), kind, in_basic: false };
    let mut out = vec![
        m("code-reuse".into(), "a code redeemed twice is refused and its tokens revoked (RFC 6749 4.1.2)", ModuleKind::Code(CodeCase::Reuse)),
        m("code-wrong-client".into(), "a code redeemed by another client is refused (RFC 6749 4.1.3)", ModuleKind::Code(CodeCase::WrongClient)),
        m(
            "code-wrong-redirect-uri".into(),
            "a code redeemed with another redirect_uri is refused (RFC 6749 4.1.3)",
            ModuleKind::Code(CodeCase::WrongRedirectUri),
        ),
        m("code-expired".into(), "an expired code of the short-lifetime client is refused (RFC 6749 4.1.2)", ModuleKind::Code(CodeCase::Expired)),
    ];
    let mut methods = Vec::new();
    for (i, c) in target.clients.iter().enumerate() {
        if c.auth_method == ClientAuth::None || target.is_short_lifetime(c) || methods.contains(&c.auth_method) {
            continue;
        }
        methods.push(c.auth_method);
        out.push(m(
            format!("client-auth/{}", c.label()),
            &format!("{} with a wrong and a missing secret is refused, the right one works (RFC 6749 5.2)", c.auth_method.as_str()),
            ModuleKind::ClientAuth { client: i },
        ));
    }
    out
}

/// The clients ordinary flows use: every client but the short-lifetime one.
pub(super) fn regular_clients(target: &Target) -> impl Iterator<Item = &ClientProfile> {
    target.clients.iter().filter(|c| !target.is_short_lifetime(c))
}

/// The token endpoint's answer as check evidence.
pub(super) fn answer(resp: &HttpResponse) -> TokenAnswer {
    TokenAnswer::new(resp.status, resp.json().as_ref(), resp.header("www-authenticate"))
}

/// A token answer read as evidence, plus the token-error checks (RFC 6749 5.2: status, `error`
/// code, `error_description`, `error_uri`, the 401 challenge) judged on the raw response when it
/// is a refusal.
pub(super) struct Judged {
    /// The answer as check evidence.
    pub(super) answer: TokenAnswer,
    /// `token.error.*` findings (none for a 200).
    pub(super) findings: Vec<Finding>,
}

/// Reads and judges a token endpoint response to a request of `grant`.
pub(super) fn judged(resp: &HttpResponse, grant: GrantType) -> Judged {
    let findings = if resp.status == 200 {
        Vec::new()
    } else {
        evaluate(TOKEN_ERROR_RESPONSE_CHECKS, &super::code_flow::token_evidence(resp, resp.json(), "", grant))
    };
    Judged { answer: answer(resp), findings }
}

/// Sends a token request and judges the answer; a transport error becomes a note.
async fn send_judged(back: &BackChannel, req: HttpRequest, grant: GrantType) -> Result<Judged, String> {
    steps::send(back, req).await.map(|r| judged(&r, grant))
}

/// Sends a token request; a transport error becomes a note.
pub(super) async fn token_answer(back: &BackChannel, req: HttpRequest) -> Result<TokenAnswer, String> {
    steps::send(back, req).await.map(|r| answer(&r))
}

/// `redirect_uri` with `-other` appended to its path: registered nowhere.
pub(super) fn other_redirect_uri(uri: &str) -> Option<String> {
    let mut url = Url::parse(uri).ok()?;
    let path = format!("{}-other", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Some(url.to_string())
}

pub(super) async fn run(ctx: &Ctx, case: CodeCase) -> ModuleOutcome {
    let token = ctx.endpoints().token.clone();
    let browser = match steps::browser(ctx) {
        Ok(a) => a,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    let result = match case {
        CodeCase::Reuse => reuse(ctx, &browser).await,
        CodeCase::WrongClient => wrong_client(ctx, &browser, &token).await,
        CodeCase::WrongRedirectUri => wrong_redirect_uri(ctx, &browser, &token).await,
        CodeCase::Expired => expired(ctx, &browser).await,
    };
    result.unwrap_or_else(|note| ModuleOutcome::default().abort(note))
}

async fn reuse(ctx: &Ctx, browser: &Browser) -> Result<ModuleOutcome, String> {
    let Some(client) = regular_clients(&ctx.target).next().cloned() else {
        return Ok(ModuleOutcome::skipped("no client besides the short-lifetime one"));
    };
    let tokens = steps::tokens(ctx, browser, &client, AuthParams::fresh(&client)).await?;
    let verifier = tokens.params.pkce.as_ref().map(|p| p.verifier.as_str());
    let second = judged(&steps::redeem(ctx, &client, &tokens.code, verifier).await?, GrantType::AuthorizationCode);
    let userinfo = ctx.endpoints().userinfo.clone();
    let userinfo_after = match (userinfo, tokens.get("access_token")) {
        (Some(ep), Some(at)) => steps::send(&ctx.back, flow::token::userinfo(&ep, at)).await.ok().map(|r| r.status),
        _ => None,
    };
    let ev = CodeReuseEvidence { second: second.answer, userinfo_after };
    let mut findings = evaluate(CODE_REUSE_CHECKS, &ev);
    findings.extend(second.findings);
    Ok(ModuleOutcome { findings, ..ModuleOutcome::default() })
}

async fn wrong_client(ctx: &Ctx, browser: &Browser, token: &Url) -> Result<ModuleOutcome, String> {
    let mut confidential = regular_clients(&ctx.target).filter(|c| c.auth_method != ClientAuth::None);
    let Some(a) = confidential.next().cloned() else {
        return Ok(ModuleOutcome::skipped("the profile has no confidential client"));
    };
    let Some(b) = confidential.find(|c| c.client_id != a.client_id).cloned() else {
        return Ok(ModuleOutcome::skipped("needs two confidential clients in the profile"));
    };
    let params = AuthParams::fresh(&a);
    let code = steps::code_for(ctx, browser, &a, &params).await?;
    // Only the client differs: A's redirect_uri and verifier go with B's credentials.
    let b_as_a = ClientProfile { redirect_uri: a.redirect_uri.clone(), ..b };
    let req = flow::token::code_exchange(token, &b_as_a, &code, params.pkce.as_ref().map(|p| p.verifier.as_str()));
    let j = send_judged(&ctx.back, req, GrantType::AuthorizationCode).await?;
    let mut findings = evaluate(CODE_WRONG_CLIENT_CHECKS, &j.answer);
    findings.extend(j.findings);
    Ok(ModuleOutcome { findings, ..ModuleOutcome::default() })
}

async fn wrong_redirect_uri(ctx: &Ctx, browser: &Browser, token: &Url) -> Result<ModuleOutcome, String> {
    let Some(client) = regular_clients(&ctx.target).next().cloned() else {
        return Ok(ModuleOutcome::skipped("no client besides the short-lifetime one"));
    };
    let other = other_redirect_uri(&client.redirect_uri).ok_or("the client's redirect_uri is not a URL")?;
    let params = AuthParams::fresh(&client);
    let code = steps::code_for(ctx, browser, &client, &params).await?;
    let moved = ClientProfile { redirect_uri: other, ..client };
    let req = flow::token::code_exchange(token, &moved, &code, params.pkce.as_ref().map(|p| p.verifier.as_str()));
    let j = send_judged(&ctx.back, req, GrantType::AuthorizationCode).await?;
    let mut findings = evaluate(CODE_WRONG_REDIRECT_URI_CHECKS, &j.answer);
    findings.extend(j.findings);
    Ok(ModuleOutcome { findings, ..ModuleOutcome::default() })
}

async fn expired(ctx: &Ctx, browser: &Browser) -> Result<ModuleOutcome, String> {
    let (Some(client), Some(lifetime)) = (ctx.target.short_lifetime_client().cloned(), ctx.target.features.code_lifetime_secs) else {
        return Ok(ModuleOutcome::skipped("the profile names no short-lifetime client (features.short_lifetime_client and code_lifetime_secs)"));
    };
    let params = AuthParams::fresh(&client);
    let code = steps::code_for(ctx, browser, &client, &params).await?;
    tokio::time::sleep(Duration::from_secs(lifetime.saturating_add(1))).await;
    let j = judged(&steps::redeem(ctx, &client, &code, params.pkce.as_ref().map(|p| p.verifier.as_str())).await?, GrantType::AuthorizationCode);
    let mut findings = evaluate(CODE_EXPIRED_CHECKS, &j.answer);
    findings.extend(j.findings);
    let mut out = ModuleOutcome { findings, ..ModuleOutcome::default() };
    out.note = Some(format!("redeemed {} s after the code was issued ({} s lifetime)", lifetime.saturating_add(1), lifetime));
    Ok(out)
}

/// Client authentication of confidential client `idx`: a wrong secret, no secret, the right one.
pub(super) async fn client_auth(ctx: &Ctx, idx: usize) -> ModuleOutcome {
    let token = ctx.endpoints().token.clone();
    let Some(client) = ctx.target.clients.get(idx).cloned() else {
        return ModuleOutcome::skipped("no such client in the profile");
    };
    if client.auth_method == ClientAuth::None {
        return ModuleOutcome::skipped("a public client has no secret to test");
    }
    let browser = match steps::browser(ctx) {
        Ok(a) => a,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    match client_auth_evidence(ctx, &browser, &token, &client).await {
        Ok((ev, mut errors)) => {
            let mut findings = evaluate(CLIENT_AUTH_CHECKS, &ev);
            findings.append(&mut errors);
            ModuleOutcome { findings, ..ModuleOutcome::default() }
        }
        Err(note) => ModuleOutcome::default().abort(note),
    }
}

/// The three attempts as evidence, and the token-error findings of the two refusals.
async fn client_auth_evidence(ctx: &Ctx, browser: &Browser, token: &Url, client: &ClientProfile) -> Result<(ClientAuthEvidence, Vec<Finding>), String> {
    let wrong = ClientProfile { client_secret: Some(Secret::new(random_token(24))), ..client.clone() };
    let none = ClientProfile { client_secret: None, auth_method: ClientAuth::None, ..client.clone() };
    let mut wrong_secret = redeem_fresh(ctx, browser, token, client, &wrong).await?;
    let no_secret = redeem_fresh(ctx, browser, token, client, &none).await?;
    let correct = redeem_fresh(ctx, browser, token, client, client).await?;
    let advertised = ctx.metadata().token_endpoint_auth_methods().into_iter().map(str::to_owned).collect();
    // One set of token-error findings per module: the wrong secret is the refusal every provider gives.
    let errors = std::mem::take(&mut wrong_secret.findings);
    let ev = ClientAuthEvidence {
        method: client.auth_method.as_str().to_owned(),
        advertised,
        wrong_secret: wrong_secret.answer,
        no_secret: no_secret.answer,
        correct: correct.answer,
    };
    Ok((ev, errors))
}

/// Gets a fresh code for `client` and redeems it presenting `presented`'s credentials.
async fn redeem_fresh(ctx: &Ctx, browser: &Browser, token: &Url, client: &ClientProfile, presented: &ClientProfile) -> Result<Judged, String> {
    let params = AuthParams::fresh(client);
    let code = steps::code_for(ctx, browser, client, &params).await?;
    let req = flow::token::code_exchange(token, presented, &code, params.pkce.as_ref().map(|p| p.verifier.as_str()));
    send_judged(&ctx.back, req, GrantType::AuthorizationCode).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::conform::{Plan, Selection, build_plan, embedded_profile};

    #[test]
    fn other_redirect_uri_changes_only_the_path() {
        assert_eq!(other_redirect_uri("http://127.0.0.1:8765/callback").as_deref(), Some("http://127.0.0.1:8765/callback-other"));
        assert_eq!(other_redirect_uri("https://app.example/cb/?x=1").as_deref(), Some("https://app.example/cb-other?x=1"));
        assert_eq!(other_redirect_uri("https://app.example").as_deref(), Some("https://app.example/-other"));
        assert_eq!(other_redirect_uri("not a url"), None);
    }

    #[test]
    fn embedded_plan_has_the_negative_modules_in_all_only() {
        let target = crate::target::Target::try_from(embedded_profile("http://127.0.0.1:9")).unwrap();
        assert_eq!(target.short_lifetime_client().map(|c| c.client_id.as_str()), Some("demo-short"));
        assert_eq!(target.features.code_lifetime_secs, Some(2));
        let ids = |plan| build_plan(&target, &Selection::plan(plan)).unwrap().modules.into_iter().map(|m| m.id).collect::<Vec<_>>();
        let all = ids(Plan::All);
        for id in [
            "code-reuse",
            "code-wrong-client",
            "code-wrong-redirect-uri",
            "code-expired",
            "client-auth/first-party-basic",
            "client-auth/third-party-post",
            "pkce-wrong-verifier",
            "pkce-missing-verifier",
            "pkce-malformed-verifier",
            "pkce-plain",
            "pkce-public-client",
            "concurrency/code",
            "concurrency/refresh",
        ] {
            assert!(all.iter().any(|m| m == id), "{id} missing from {all:?}");
        }
        // One client-auth module per method; the short-lifetime client has no ordinary flow.
        assert_eq!(all.iter().filter(|m| m.starts_with("client-auth/")).count(), 2);
        assert!(!all.iter().any(|m| m.contains("short-lifetime")), "{all:?}");
        let basic = ids(Plan::Basic);
        assert!(!basic.iter().any(|m| m.starts_with("code-") && !m.starts_with("code-flow") || m.starts_with("pkce-") || m.starts_with("concurrency/")));
        assert_eq!(regular_clients(&target).count(), target.clients.len() - 1);
    }
}
