//! The token-lifecycle module: revocation (RFC 7009) and introspection (RFC 7662), each when
//! advertised. A refresh token is introspected, revoked, refused and introspected again; a
//! revoked access token must be refused by UserInfo with an `invalid_token` challenge (RFC 6750
//! 3.1). RP-initiated logout is the `logout` module's.

use url::Url;

use super::ModuleOutcome;
use super::probe;
use crate::checks::{EndpointCase, EndpointEvidence, USERINFO_INVALID_TOKEN_CHECKS, UserInfoErrorEvidence, evaluate};
use crate::conform::Ctx;
use crate::conform::steps::{self, Attempt};
use crate::flow::{self, AuthParams};
use crate::http::{Browser, HttpRequest, HttpResponse};
use crate::target::ClientProfile;

fn evidence(ctx: &Ctx, case: EndpointCase, resp: &HttpResponse) -> EndpointEvidence {
    let (status, body_json) = probe::status_json(resp);
    let introspection_allowed = ctx.target.features.introspection_allowed;
    EndpointEvidence { case, status, body_json, introspection_allowed }
}

/// A client-authenticated form POST (revocation, introspection).
fn authed(url: &Url, client: &ClientProfile, form: Vec<(String, String)>) -> HttpRequest {
    flow::token::authenticate(HttpRequest::post_form(url.clone(), form), client)
}

fn token_form(token: &str, hint: &str) -> Vec<(String, String)> {
    vec![("token".into(), token.to_owned()), ("token_type_hint".into(), hint.to_owned())]
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    let revoke = probe::advertised(ctx, |m| m.revocation_endpoint.as_ref());
    let introspect = probe::advertised(ctx, |m| m.introspection_endpoint.as_ref());
    if revoke.is_none() && introspect.is_none() {
        return ModuleOutcome::skipped("no revocation_endpoint or introspection_endpoint advertised");
    }
    // Introspection needs a confidential client.
    let Some(client) = ctx.target.clients.iter().find(|c| c.client_secret.is_some()).or(ctx.target.clients.first()).cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    let introspect = introspect.filter(|_| client.client_secret.is_some());
    ModuleOutcome::gather(async |out, notes| {
        let browser = steps::browser(ctx)?;
        let first = steps::login_for_refresh(ctx, &browser, &client, AuthParams::fresh(&client)).await?;
        tokens_rules(ctx, &browser, &client, &first, revoke.as_ref(), introspect.as_ref(), out, notes).await
    })
    .await
}

#[allow(clippy::too_many_arguments)]
async fn tokens_rules(
    ctx: &Ctx,
    browser: &Browser,
    client: &ClientProfile,
    first: &Attempt,
    revoke: Option<&Url>,
    introspect: Option<&Url>,
    out: &mut ModuleOutcome,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut judge = |case: EndpointCase, resp: &HttpResponse| out.findings.extend(crate::checks::evaluate(case.checks(), &evidence(ctx, case, resp)));
    if let (Some(ep), Some(at)) = (introspect, first.token("access_token")) {
        judge(EndpointCase::IntrospectActive, &steps::send(&ctx.back, authed(ep, client, token_form(&at, "access_token"))).await?);
    }
    let Some(ep) = revoke else {
        notes.push("no revocation_endpoint advertised".into());
        return Ok(());
    };
    match first.token("refresh_token") {
        Some(rt) => {
            judge(EndpointCase::Revoke, &steps::send(&ctx.back, authed(ep, client, token_form(&rt, "refresh_token"))).await?);
            // Introspect before using it: a refused-or-not refresh must not change the answer.
            if let Some(iep) = introspect {
                judge(EndpointCase::IntrospectRevoked, &steps::send(&ctx.back, authed(iep, client, token_form(&rt, "refresh_token"))).await?);
            }
            let token_ep = &ctx.endpoints().token;
            judge(EndpointCase::RevokedRefresh, &steps::send(&ctx.back, flow::token::refresh(token_ep, client, &rt, None)).await?);
        }
        None => notes.push("no refresh token was issued: its revocation is not tested".into()),
    }
    // A revoked access token at UserInfo, judged only when introspection confirms the provider
    // revoked it (RFC 7009 2.1 lets a provider not support revoking access tokens).
    let userinfo = ctx.endpoints().userinfo.clone();
    let (Some(uep), Some(iep)) = (userinfo, introspect) else {
        notes.push("access-token revocation at UserInfo needs a userinfo_endpoint and introspection".into());
        return Ok(());
    };
    let second = steps::login(ctx, browser, client, AuthParams::fresh(client)).await?;
    let Some(at) = second.token("access_token") else { return Err("the token response carried no access_token".into()) };
    steps::send(&ctx.back, authed(ep, client, token_form(&at, "access_token"))).await?;
    let inspected = steps::send(&ctx.back, authed(iep, client, token_form(&at, "access_token"))).await?;
    if inspected.json().and_then(|b| b.get("active").and_then(serde_json::Value::as_bool)) != Some(false) {
        notes.push("the provider did not revoke the access token (introspection still active): UserInfo after revocation is not judged".into());
        return Ok(());
    }
    let resp = steps::send(&ctx.back, flow::token::userinfo(&uep, &at)).await?;
    let ev = UserInfoErrorEvidence { status: resp.status, www_authenticate: resp.header("www-authenticate").map(str::to_owned) };
    out.findings.extend(evaluate(USERINFO_INVALID_TOKEN_CHECKS, &ev));
    Ok(())
}
