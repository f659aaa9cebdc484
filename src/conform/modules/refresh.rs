//! The refresh module: uses the refresh token of the first code flow (OIDC Core 12) and judges
//! the token response and the new ID token against the original one (OIDC Core 12.2).

use serde_json::Value;

use super::ModuleOutcome;
use super::code_flow::{backchannel, open_id_token, token_evidence};
use crate::checks::{ID_TOKEN_CHECKS, TOKEN_RESPONSE_CHECKS, evaluate};
use crate::conform::Ctx;
use crate::flow;

pub(super) async fn run(ctx: &mut Ctx) -> ModuleOutcome {
    let Some(endpoints) = ctx.endpoints.clone() else {
        return ModuleOutcome::skipped("discovery did not yield usable endpoints");
    };
    let Some(issued) = ctx.issued.clone() else {
        return ModuleOutcome::skipped("no code flow returned a refresh token (set features.refresh_token = false if the provider issues none)");
    };
    let Some(client) = ctx.target.clients.get(issued.client).cloned() else {
        return ModuleOutcome::skipped("client not in the profile");
    };
    let req = flow::token::refresh(&endpoints.token, &client, &issued.refresh_token, None);
    let mut out = ModuleOutcome::default();
    let resp = match backchannel(&ctx.back, req).await {
        Ok(r) => r,
        Err(note) => return out.abort(note),
    };
    let body = resp.json();
    out.findings.extend(evaluate(TOKEN_RESPONSE_CHECKS, &token_evidence(&resp, body.clone(), &issued.scope, "refresh_token")));
    if resp.status != 200 {
        return out.abort(format!("the refresh token request failed: {}", crate::conform::steps::token_failure(&resp)));
    }
    let get = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    if let Some(received) = get("id_token") {
        let opened = open_id_token(&received, &client);
        out.findings.extend(opened.findings);
        out.note = opened.note;
        let mut ev = ctx.id_token_evidence(&client, &opened.token, get("access_token"));
        ev.previous = issued.id_token.clone();
        out.findings.extend(evaluate(ID_TOKEN_CHECKS, &ev));
    } else {
        out.note = Some("the refresh response carried no ID token (allowed by OIDC Core 12.2)".into());
    }
    if let Some(rt) = get("refresh_token")
        && let Some(i) = ctx.issued.as_mut()
    {
        i.refresh_token = rt;
    }
    out
}
