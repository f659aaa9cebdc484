//! The refresh-rules module (RFC 6749 6, RFC 9700 4.14.2): another client's refresh token,
//! scope widening and narrowing, and — when the profile says tokens rotate — rotation, reuse of
//! a rotated token and the revocation that reuse must cause. Every rule gets its own fresh
//! refresh token, so a provider that breaks one rule cannot spoil the next.

use serde_json::Value;

use super::ModuleOutcome;
use super::probe;
use crate::checks::{RefreshCase, RefreshRuleEvidence};
use crate::conform::Ctx;
use crate::conform::steps;
use crate::flow::{self, AuthParams, GrantType};
use crate::http::{Browser, HttpResponse};
use crate::target::ClientProfile;

/// A refresh token and the scope it was granted with.
struct Grant {
    refresh_token: String,
    scope: String,
}

async fn grant(ctx: &Ctx, browser: &Browser, client: &ClientProfile) -> Result<Grant, String> {
    grant_with(ctx, browser, client, AuthParams::fresh(client)).await
}

async fn grant_with(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Grant, String> {
    let a = steps::login_for_refresh(ctx, browser, client, params).await?;
    let refresh_token = a.token("refresh_token").ok_or_else(|| format!("the code flow of {} returned no refresh token", client.label()))?;
    let scope = a.token("scope").unwrap_or_else(|| a.params.scope.clone());
    Ok(Grant { refresh_token, scope })
}

/// The smallest scope that still yields a refresh token: `openid`, plus `offline_access` when
/// the client's scope asks for it (providers may issue refresh tokens only for offline_access,
/// OIDC Core 11; Fief does).
fn minimal_scope(client_scope: &str) -> String {
    if client_scope.split(' ').any(|s| s == "offline_access") { "openid offline_access".to_owned() } else { "openid".to_owned() }
}

async fn refresh(ctx: &Ctx, client: &ClientProfile, token: &str, scope: Option<&str>) -> Result<HttpResponse, String> {
    steps::send(&ctx.back, flow::token::refresh(&ctx.endpoints().token, client, token, scope)).await
}

fn evidence(case: RefreshCase, request: String, resp: &HttpResponse, presented: &str) -> RefreshRuleEvidence {
    let body = resp.json();
    let get = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    RefreshRuleEvidence {
        case,
        request,
        status: resp.status,
        error: get("error"),
        new_refresh_differs: get("refresh_token").map(|r| r != presented),
    }
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    if !ctx.target.features.refresh_token {
        return ModuleOutcome::skipped("the profile says the provider issues no refresh tokens (features.refresh_token = false)");
    }
    if ctx.metadata().grant_types_supported.is_some() && !ctx.metadata().supports_grant_type(GrantType::RefreshToken.as_str()) {
        return ModuleOutcome::skipped("grant_types_supported does not list refresh_token");
    }
    let Some(client) = ctx.target.clients.first().cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    ModuleOutcome::gather(async |out, notes| probe_all(ctx, &client, out, notes).await).await
}

async fn probe_all(ctx: &Ctx, client: &ClientProfile, out: &mut ModuleOutcome, notes: &mut Vec<String>) -> Result<(), String> {
    let browser = steps::browser(ctx)?;
    let mut judge = |case: RefreshCase, request: String, resp: &HttpResponse, presented: &str| {
        out.findings.extend(crate::checks::evaluate(case.checks(), &evidence(case, request, resp, presented)));
    };

    // Another client presents the token (prefer a confidential one: it authenticates for sure).
    let others: Vec<&ClientProfile> = ctx.target.clients.iter().filter(|c| c.client_id != client.client_id).collect();
    match others.iter().find(|c| c.client_secret.is_some()).or(others.first()) {
        Some(other) => {
            let g = grant(ctx, &browser, client).await?;
            let resp = refresh(ctx, other, &g.refresh_token, None).await?;
            judge(RefreshCase::OtherClient, format!("{}'s refresh token presented by {}", client.label(), other.label()), &resp, &g.refresh_token);
        }
        None => notes.push("only one client in the profile: the client binding is not tested".into()),
    }

    // Widening starts from a minimal grant, so that a scope beyond it always exists.
    let mut minimal = AuthParams::fresh(client);
    minimal.scope = minimal_scope(&client.scope);
    let g = grant_with(ctx, &browser, client, minimal).await?;
    match probe::extra_scope(ctx, &g.scope) {
        Some(extra) => {
            let wider = format!("{} {extra}", g.scope);
            let resp = refresh(ctx, client, &g.refresh_token, Some(&wider)).await?;
            judge(RefreshCase::Widening, format!("scope={wider} after a grant of {}", g.scope), &resp, &g.refresh_token);
        }
        None => notes.push(format!("no standard scope beyond {:?}: widening is not tested", g.scope)),
    }

    let g = grant(ctx, &browser, client).await?;
    let narrow = minimal_scope(&client.scope);
    let narrow = narrow.as_str();
    let resp = refresh(ctx, client, &g.refresh_token, Some(narrow)).await?;
    judge(RefreshCase::Narrowing, format!("scope={narrow} after a grant of {}", g.scope), &resp, &g.refresh_token);
    let body = resp.json();
    if resp.status != 200 {
        notes.push("the narrowing refresh was refused: rotation is not tested".into());
        return Ok(());
    }
    if let Some(b) = &body {
        out.findings.extend(probe::scope_bound_findings(ctx, narrow, b));
    }
    if !ctx.target.features.refresh_rotation {
        notes.push("the profile says refresh tokens do not rotate (features.refresh_rotation = false)".into());
        return Ok(());
    }
    let mut judge = |case: RefreshCase, request: String, resp: &HttpResponse, presented: &str| {
        out.findings.extend(crate::checks::evaluate(case.checks(), &evidence(case, request, resp, presented)));
    };
    judge(RefreshCase::Rotation, "the first use of a refresh token".into(), &resp, &g.refresh_token);
    let newest = body.as_ref().and_then(|b| b.get("refresh_token")).and_then(Value::as_str).map(str::to_owned);
    let again = refresh(ctx, client, &g.refresh_token, None).await?;
    judge(RefreshCase::ReuseOld, "the used refresh token, a second time".into(), &again, &g.refresh_token);
    if let Some(newest) = newest.filter(|n| *n != g.refresh_token) {
        let resp = refresh(ctx, client, &newest, None).await?;
        judge(RefreshCase::AfterReuse, "the newest refresh token, after the old one was replayed".into(), &resp, &newest);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::minimal_scope;

    #[test]
    fn the_minimal_scope_keeps_offline_access_when_the_client_needs_it() {
        assert_eq!(minimal_scope("openid offline_access"), "openid offline_access");
        assert_eq!(minimal_scope("openid email offline_access"), "openid offline_access");
        assert_eq!(minimal_scope("openid profile email"), "openid");
        assert_eq!(minimal_scope("openid offline_access_x"), "openid");
    }
}
