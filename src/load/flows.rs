//! What one load user does, on the conformance path's own steps: the same form driver, token
//! requests and checks (`conform::steps`, `flow::token`, `checks`), with a browser and a back
//! channel that keep timings instead of a transcript. Judging is counting here: failed checks become findings
//! under load, failed requests become errors by kind.

use std::time::Instant;

use serde_json::{Map, Value};

use super::stats::LoadStats;
use super::stop::Stop;
use crate::checks::{
    CODE_REUSE_CHECKS, CodeReuseEvidence, Finding, ID_TOKEN_CHECKS, Status, TOKEN_RESPONSE_CHECKS, TokenAnswer, USERINFO_CHECKS,
    evaluate_failures,
};
use crate::conform::steps::{self, UserActs};
use crate::conform::{Ctx, open_id_token, token_evidence, userinfo_evidence};
use crate::flow::{self, AuthParams, GrantType};
use crate::form::DriveOutcome;
use crate::http::{BackChannel, Browser, HttpResponse, StepLabel};
use crate::jose::UnverifiedJwt;
use crate::target::{ClientProfile, UserProfile};

/// Tokens a user keeps between transactions.
#[derive(Debug, Clone, Default)]
pub struct Held {
    /// Access token.
    pub access_token: Option<String>,
    /// When the access token expires (Unix seconds, from `expires_in` and the harness clock);
    /// `None` when the token response gave no lifetime.
    pub access_expires_at: Option<i64>,
    /// Refresh token (replaced on rotation).
    pub refresh_token: Option<String>,
}

/// How long before its expiry a held access token is renewed: half its lifetime, at most this.
const RENEW_MARGIN_SECS: i64 = 30;

impl Held {
    /// Keeps the access token of a token response, with its expiry (`expires_in` from `now`).
    fn keep_access(&mut self, body: &Option<Value>, now: i64) {
        self.access_token = member(body, "access_token");
        // A number, as RFC 6749 5.1 has it; some providers send it as a string.
        let lifetime = body
            .as_ref()
            .and_then(|b| b.get("expires_in"))
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()));
        // Renew at half the lifetime for short-lived tokens, else RENEW_MARGIN_SECS before expiry,
        // so that a user never presents a token the provider has just let expire.
        self.access_expires_at = lifetime.map(|l| {
            let l = l.max(0);
            now.saturating_add(l).saturating_sub((l / 2).min(RENEW_MARGIN_SECS))
        });
    }

    /// Whether the access token is missing or due for renewal at `now` (an expired token is
    /// renewed by the user, not counted as the provider's error).
    pub fn access_due(&self, now: i64) -> bool {
        self.access_token.is_none() || self.access_expires_at.is_some_and(|at| now >= at)
    }
}

/// A JWT verification: its duration and whether every check passed.
#[derive(Debug, Clone, Copy)]
pub struct Verification {
    /// Microseconds spent verifying (signature and claims).
    pub micros: u64,
    /// All checks passed.
    pub ok: bool,
}

/// Counts every failed check of `findings` (level as the catalog says).
fn count_failures(stats: &LoadStats, findings: &[Finding]) -> bool {
    let mut ok = true;
    for f in findings.iter().filter(|f| f.status == Status::Fail) {
        ok = false;
        stats.finding(f);
    }
    ok
}

/// Reads a string member of a JSON object.
fn member(body: &Option<Value>, k: &str) -> Option<String> {
    body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned)
}

/// Verifies an ID token as the conformance path does (every ID-token check), timed.
pub fn verify_id_token(
    ctx: &Ctx,
    stats: &LoadStats,
    client: &ClientProfile,
    raw: &str,
    nonce: Option<String>,
    access_token: Option<String>,
) -> (Verification, Option<Map<String, Value>>) {
    let started = Instant::now();
    // Encrypted ID tokens (OIDC Core 10.2) are decrypted first, as in the conformance path.
    let opened = open_id_token(raw, client);
    let decrypted_ok = count_failures(stats, &opened.findings);
    let mut ev = ctx.id_token_evidence(client, &opened.token, access_token);
    ev.nonce_sent = nonce;
    let findings = evaluate_failures(ID_TOKEN_CHECKS, &ev);
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let ok = count_failures(stats, &findings) && decrypted_ok;
    stats.count(|c| if ok { c.verifications += 1 } else { c.verification_failures += 1 });
    stats.step(StepLabel::VerifyJwt.as_str(), micros, (!ok).then_some("ID token failed verification"));
    (Verification { micros, ok }, ev.jwt.map(UnverifiedJwt::into_claims))
}

/// Verifies a JWT access token (RFC 9068) when the provider issues one: signature against the
/// JWKS, `iss`, and `exp` in the future. Opaque access tokens are not verified (`None`).
pub fn verify_access_token(ctx: &Ctx, stats: &LoadStats, raw: &str) -> Option<Verification> {
    let started = Instant::now();
    let jwt = crate::jose::UnverifiedJwt::parse(raw).ok()?;
    let jwks = ctx.jwks()?;
    let signed = jwks.verify(&jwt).is_ok();
    let iss_ok = jwt.claim_str("iss") == Some(ctx.target.issuer.as_str());
    let exp_ok = jwt.claim_i64("exp").is_some_and(|exp| exp + crate::checks::id_token::LEEWAY_SECS > ctx.clock.now());
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let ok = signed && iss_ok && exp_ok;
    stats.count(|c| if ok { c.verifications += 1 } else { c.verification_failures += 1 });
    let why = match (signed, iss_ok) {
        (false, _) => "access token signature does not verify",
        (true, false) => "access token iss differs from the issuer",
        (true, true) => "access token expired",
    };
    stats.step(StepLabel::VerifyJwt.as_str(), micros, (!ok).then_some(why));
    Some(Verification { micros, ok })
}

/// Judges a token response; counts it when it is a 200 with an access token, else says why the
/// flow stops (an error status is counted at its step, see [`Stop`]).
fn judge_token_response(stats: &LoadStats, resp: &HttpResponse, requested_scope: &str, grant: GrantType) -> Result<Value, Stop> {
    let evidence = token_evidence(resp, resp.json(), requested_scope, grant.clone());
    count_failures(stats, &evaluate_failures(TOKEN_RESPONSE_CHECKS, &evidence));
    match evidence.body {
        Some(body) if resp.status == 200 && body.get("access_token").and_then(Value::as_str).is_some() => {
            stats.count(|c| c.token_responses += 1);
            Ok(body)
        }
        _ => Err(Stop::refused(grant, resp.status)),
    }
}

/// Who logs in, and how.
#[derive(Debug, Clone, Copy)]
pub struct Login<'a> {
    /// The client.
    pub client: &'a ClientProfile,
    /// The user of the pool.
    pub user: &'a UserProfile,
    /// Scope override.
    pub scope: Option<&'a str>,
    /// Replay the code once after redeeming it (a success is a finding).
    pub replay_code: bool,
}

/// One complete login in a new browser session: authorize → login → consent → code → token →
/// ID token verified → userinfo. `Err` names the error kind where it stopped.
pub async fn login_flow(
    ctx: &Ctx,
    stats: &LoadStats,
    browser: &Browser,
    back: &BackChannel,
    login: Login<'_>,
) -> Result<(Held, Vec<Verification>), Stop> {
    let Login { client, user, scope, replay_code } = login;
    stats.count(|c| c.flows_started += 1);
    let endpoints = ctx.endpoints();
    browser.clear_cookies();
    let mut params = AuthParams::fresh(client);
    if let Some(s) = scope {
        params.scope = s.to_owned();
    }
    let url = flow::authorization_url(&endpoints.authorization, client, &params);
    let report = steps::authorize_as(ctx, browser, client, url, UserActs::ALLOW, user).await.map_err(|_| Stop::transport("authorization"))?;
    let code = match report.outcome {
        DriveOutcome::Callback(cb) => match (cb.code(), cb.error()) {
            (Some(code), _) => code.to_owned(),
            (None, Some(e)) => return Err(format!("authorization error {e}").into()),
            (None, None) => return Err("callback without code".into()),
        },
        DriveOutcome::LoginRejected { .. } => return Err("login rejected".into()),
        DriveOutcome::LoginRequired { .. } => return Err("login required".into()),
        // A stuck page with an error status is counted at its step.
        DriveOutcome::Stuck { status, .. } if status >= 400 => return Err(Stop::AtStep(format!("flow stuck (HTTP {status})"))),
        DriveOutcome::Stuck { status, .. } => return Err(format!("flow stuck (HTTP {status})").into()),
        DriveOutcome::CannotDrive { .. } => return Err("the HTML driver could not go on (see conform)".into()),
    };
    let verifier = params.pkce.as_ref().map(|p| p.verifier.clone());
    let exchange = flow::token::code_exchange(&endpoints.token, client, &code, verifier.as_deref());
    // The request is kept only when it is to be replayed.
    let replay = replay_code.then(|| exchange.clone());
    let resp = back.send(exchange).await.map_err(|_| Stop::transport("token"))?;
    let body = judge_token_response(stats, &resp, &params.scope, GrantType::AuthorizationCode)?;
    let body = Some(body);
    let mut held = Held { refresh_token: member(&body, "refresh_token"), ..Held::default() };
    held.keep_access(&body, ctx.clock.now());
    let mut verifications = Vec::new();
    let mut id_claims = None;
    match member(&body, "id_token") {
        Some(raw) => {
            let (v, claims) = verify_id_token(ctx, stats, client, &raw, params.nonce.clone(), held.access_token.clone());
            verifications.push(v);
            id_claims = claims;
        }
        None => stats.error("no id_token in the token response"),
    }
    if let Some(v) = held.access_token.as_deref().and_then(|at| verify_access_token(ctx, stats, at)) {
        verifications.push(v);
    }
    if let (Some(ep), Some(at)) = (&endpoints.userinfo, &held.access_token) {
        let resp = back.send(flow::token::userinfo(ep, at)).await.map_err(|_| Stop::transport("userinfo"))?;
        let granted: Vec<String> = member(&body, "scope").unwrap_or(params.scope.clone()).split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        count_failures(stats, &evaluate_failures(USERINFO_CHECKS, &userinfo_evidence(&resp, id_claims.as_ref(), &granted)));
    }
    if let Some(exchange) = replay {
        // A code is single-use (RFC 6749 4.1.2): a replay under load must fail. Last, because a
        // replay may (SHOULD) revoke the tokens already issued from the code.
        if let Ok(again) = back.send(exchange.labelled(StepLabel::TokenReplay)).await {
            // The same check as the code-reuse module, on the replay's answer (no userinfo after).
            let ev = CodeReuseEvidence { second: TokenAnswer::new(again.status, again.json().as_ref(), again.header("www-authenticate")), userinfo_after: None };
            count_failures(stats, &evaluate_failures(CODE_REUSE_CHECKS, &ev));
        }
    }
    stats.count(|c| c.flows_completed += 1);
    Ok((held, verifications))
}

/// One refresh grant with the held refresh token, following rotation.
pub async fn refresh(
    ctx: &Ctx,
    stats: &LoadStats,
    back: &BackChannel,
    client: &ClientProfile,
    held: &mut Held,
) -> Result<Vec<Verification>, Stop> {
    let endpoints = ctx.endpoints();
    let rt = held.refresh_token.clone().ok_or("no refresh token (the login gave none)")?;
    let resp = back.send(flow::token::refresh(&endpoints.token, client, &rt, None)).await.map_err(|_| Stop::transport("refresh"))?;
    let body = judge_token_response(stats, &resp, &client.scope, GrantType::RefreshToken).inspect_err(|_| held.refresh_token = None)?;
    let body = Some(body);
    if let Some(new) = member(&body, "refresh_token") {
        held.refresh_token = Some(new);
    }
    held.keep_access(&body, ctx.clock.now());
    let mut verified: Vec<Verification> = held.access_token.as_deref().and_then(|at| verify_access_token(ctx, stats, at)).into_iter().collect();
    if let Some(raw) = member(&body, "id_token") {
        verified.push(verify_id_token(ctx, stats, client, &raw, None, held.access_token.clone()).0);
    }
    Ok(verified)
}

/// One userinfo call with the held access token (dropped when refused, to log in again; the
/// caller renews a token before it expires, see [`Held::access_due`]).
pub async fn userinfo(ctx: &Ctx, back: &BackChannel, held: &mut Held) -> Result<(), Stop> {
    let ep = ctx.endpoints().userinfo.as_ref().ok_or("the provider advertises no userinfo_endpoint")?;
    let at = held.access_token.clone().ok_or("no access token")?;
    let resp = back.send(flow::token::userinfo(ep, &at)).await.map_err(|_| Stop::transport("userinfo"))?;
    if resp.status != 200 {
        held.access_token = None;
        return Err(Stop::refused("userinfo", resp.status));
    }
    Ok(())
}

/// One client_credentials grant.
pub async fn client_credentials(
    ctx: &Ctx,
    stats: &LoadStats,
    back: &BackChannel,
    client: &ClientProfile,
    scope: Option<&str>,
) -> Result<Vec<Verification>, Stop> {
    let req = flow::token::client_credentials(&ctx.endpoints().token, client, scope);
    let resp = back.send(req).await.map_err(|_| Stop::transport("client_credentials"))?;
    let body = judge_token_response(stats, &resp, scope.unwrap_or(""), GrantType::ClientCredentials)?;
    Ok(member(&Some(body), "access_token").and_then(|at| verify_access_token(ctx, stats, &at)).into_iter().collect())
}

/// The discovery document and the JWKS, each parsed as JSON.
pub async fn discovery_jwks(ctx: &Ctx, back: &BackChannel) -> Result<(), Stop> {
    let issuer = url::Url::parse(&ctx.target.issuer).map_err(|_| "issuer is not a URL")?;
    let disc = crate::discovery::discovery_url(&issuer);
    let resp = back.send(crate::http::HttpRequest::get(disc).labelled(StepLabel::Discovery)).await.map_err(|_| Stop::transport("discovery"))?;
    if resp.status != 200 {
        return Err(Stop::refused("discovery", resp.status));
    }
    if resp.json().is_none() {
        return Err("discovery document not JSON".into());
    }
    if let Some(jwks) = ctx.endpoints().jwks.clone() {
        let resp = back.send(crate::http::HttpRequest::get(jwks).labelled(StepLabel::Jwks)).await.map_err(|_| Stop::transport("jwks"))?;
        if resp.status != 200 {
            return Err(Stop::refused("jwks", resp.status));
        }
        if resp.json().is_none() {
            return Err("JWKS not JSON".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Held;

    fn held(body: serde_json::Value, now: i64) -> Held {
        let mut h = Held::default();
        h.keep_access(&Some(body), now);
        h
    }

    #[test]
    fn access_tokens_are_renewed_before_they_expire() {
        // A 600 s token is renewed 30 s before it expires; a 4 s one at half its life.
        let long = held(json!({"access_token": "at", "expires_in": 600}), 1_000);
        assert!(!long.access_due(1_000) && !long.access_due(1_569));
        assert!(long.access_due(1_570));
        let short = held(json!({"access_token": "at", "expires_in": 4}), 1_000);
        assert!(!short.access_due(1_001) && short.access_due(1_002));
        // No lifetime given: kept until refused. No token: due. A lifetime of 0 (or less, or
        // absurdly large) is judged without overflow.
        let text = held(json!({"access_token": "at", "expires_in": "600"}), 1_000);
        assert!(!text.access_due(1_569) && text.access_due(1_570), "a lifetime sent as a string counts");
        let open = held(json!({"access_token": "at"}), 1_000);
        assert!(!open.access_due(i64::MAX));
        assert!(held(json!({"expires_in": 600}), 1_000).access_due(1_000));
        assert!(held(json!({"access_token": "at", "expires_in": 0}), 1_000).access_due(1_000));
        assert!(held(json!({"access_token": "at", "expires_in": -5}), 1_000).access_due(1_000));
        assert!(!held(json!({"access_token": "at", "expires_in": i64::MAX}), 1_000).access_due(i64::MAX - 31));
    }
}
