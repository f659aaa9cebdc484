//! The refresh module: a login of its own that yields a refresh token (OIDC Core 12), then the
//! refresh grant, judging the token response and the new ID token against the original one
//! (OIDC Core 12.2).
//!
//! The module gets its token itself rather than from an earlier code-flow module, so that its
//! verdict does not depend on which modules ran before it (DESIGN §6: modules are independent).
//! It tries the profile's clients in order (the short-lifetime one aside) until one login
//! returns a refresh token; when none does, the module is skipped with what the provider answered
//! — a provider that issues no refresh token for these requests is not failed here.

use serde_json::Value;

use super::ModuleOutcome;
use super::code_flow::{open_id_token, token_evidence};
use super::code_exchange::regular_clients;
use crate::checks::{ID_TOKEN_CHECKS, TOKEN_RESPONSE_CHECKS, evaluate};
use crate::conform::steps;
use crate::conform::Ctx;
use crate::flow::{self, AuthParams, GrantType};
use crate::jose::UnverifiedJwt;
use crate::target::ClientProfile;

/// The refresh token the module's own login obtained, with what it came with.
#[derive(Debug, Clone)]
struct Issued {
    /// The refresh token.
    refresh_token: String,
    /// The ID token it came with.
    id_token: Option<UnverifiedJwt>,
    /// Scope granted.
    scope: String,
}

/// Logs in with each regular client in turn until a token response carries a refresh token.
/// `Ok(Err(why))`: no client got one (why, per client); `Err`: the harness could not log in.
async fn first_refresh_token(ctx: &Ctx) -> Result<Result<(ClientProfile, Issued), String>, String> {
    let mut answers = Vec::new();
    for client in regular_clients(&ctx.target) {
        let browser = steps::browser(ctx)?;
        let tokens = match steps::tokens_for_refresh(ctx, &browser, client, AuthParams::fresh(client)).await {
            Ok(t) => t,
            Err(e) => {
                answers.push(format!("{}: {e}", client.label()));
                continue;
            }
        };
        let Some(refresh_token) = tokens.get("refresh_token").map(str::to_owned) else {
            answers.push(format!("{}: no refresh_token in the token response (scope {:?})", client.label(), tokens.params.scope));
            continue;
        };
        let id_token = tokens.get("id_token").and_then(|raw| ctx.id_token_evidence(client, &open_id_token(raw, client).token, None).jwt);
        let scope = tokens.get("scope").map_or_else(|| tokens.params.scope.clone(), str::to_owned);
        return Ok(Ok((client.clone(), Issued { refresh_token, id_token, scope })));
    }
    Ok(Err(answers.join("; ")))
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    if !ctx.target.features.refresh_token {
        return ModuleOutcome::skipped("the profile says the provider issues no refresh tokens (features.refresh_token = false)");
    }
    let (client, issued) = match first_refresh_token(ctx).await {
        Ok(Ok(found)) => found,
        Ok(Err(answers)) => {
            return ModuleOutcome::skipped(format!(
                "no login returned a refresh token ({answers}); set features.refresh_token = false if the provider issues none to these clients"
            ));
        }
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    let req = flow::token::refresh(&ctx.endpoints().token, &client, &issued.refresh_token, None);
    let mut out = ModuleOutcome::default();
    let resp = match steps::send(&ctx.back, req).await {
        Ok(r) => r,
        Err(note) => return out.abort(note),
    };
    let body = resp.json();
    out.findings.extend(evaluate(TOKEN_RESPONSE_CHECKS, &token_evidence(&resp, body.clone(), &issued.scope, GrantType::RefreshToken)));
    if resp.status != 200 {
        return out.abort(format!("the refresh token request failed: {}", steps::token_failure(&resp)));
    }
    let get = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    // Advertised against observed: the refresh grant works; does the metadata say so?
    let meta = ctx.metadata();
    let observed = crate::checks::ObservedEvidence {
        seen: get("access_token").map(|_| "a refresh grant returned tokens".to_owned()),
        advertised: meta.grant_types().into_iter().map(str::to_owned).collect(),
        member_present: meta.grant_types_supported.is_some(),
    };
    out.findings.extend(evaluate(crate::checks::REFRESH_ADVERTISED_CHECKS, &observed));
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
    out
}
