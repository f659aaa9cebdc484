//! Token steps: redeem a code, and a complete happy-path flow (login, consent allowed, code
//! exchanged) as setup for the modules that test what comes after.

use serde_json::Value;

use super::{UserActs, authorize_as, describe, send, token_failure};
use crate::conform::{Ctx, Endpoints};
use crate::flow::{self, AuthParams, AuthorizationResponse};
use crate::form::DriveOutcome;
use crate::http::{Browser, HttpResponse};
use crate::target::{ClientProfile, UserProfile};

/// Redeems a code at the token endpoint with the client's auth method.
pub async fn redeem(ctx: &Ctx, client: &ClientProfile, code: &str, verifier: Option<&str>) -> Result<HttpResponse, String> {
    send(&ctx.back, flow::token::code_exchange(&ctx.endpoints().token, client, code, verifier)).await
}

/// The parameters for a second try at a refresh token: the same scope with `prompt=consent`,
/// when the first try asked for `offline_access` without a prompt and got no refresh token (OIDC
/// Core 11: "the prompt parameter MUST contain consent unless other conditions for processing
/// the request permitting offline access to the requested resources are in place"). Asked only
/// then, because some providers (Fief 0.30) answer `prompt=consent` without a session with
/// `login_required`, while others (node oidc-provider) grant `offline_access` only with it.
pub fn consent_for_offline_access(first: &AuthParams, client: &ClientProfile, got_refresh_token: bool) -> Option<AuthParams> {
    (!got_refresh_token && first.prompt.is_none() && flow::asks_offline_access(&first.scope))
        .then(|| AuthParams { scope: first.scope.clone(), prompt: Some("consent".into()), ..AuthParams::fresh(client) })
}

/// [`tokens`] for a module that needs a refresh token: a second flow in the same browser (now
/// with a session) with `prompt=consent` when the first asked for `offline_access` and got none
/// (see [`consent_for_offline_access`]). The first tokens stand when the second try fails.
pub async fn tokens_for_refresh(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Tokens, String> {
    let first = tokens(ctx, browser, client, params).await?;
    match consent_for_offline_access(&first.params, client, first.get("refresh_token").is_some()) {
        Some(again) => Ok(tokens(ctx, browser, client, again).await.unwrap_or(first)),
        None => Ok(first),
    }
}

/// What a successful happy-path flow produced.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The authorization parameters used.
    pub params: AuthParams,
    /// The callback.
    pub callback: AuthorizationResponse,
    /// The code.
    pub code: String,
    /// The token response.
    pub response: HttpResponse,
    /// Its JSON body.
    pub body: Value,
}

impl Tokens {
    /// A string member of the token response.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.body.get(k).and_then(Value::as_str)
    }
}

/// Drives a complete flow (login, consent allowed, code exchanged) as setup for other tests.
/// `Err` explains where it stopped.
pub async fn tokens(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Tokens, String> {
    let user = ctx.target.users.first().ok_or("no test user in the profile")?;
    tokens_at(ctx, browser, ctx.endpoints(), user, client, params).await
}

/// [`tokens`] at explicit endpoints (another tenant's, from its own discovery), logging in as
/// `user` (that tenant's).
pub async fn tokens_at(ctx: &Ctx, browser: &Browser, endpoints: &Endpoints, user: &UserProfile, client: &ClientProfile, params: AuthParams) -> Result<Tokens, String> {
    let url = flow::authorization_url(&endpoints.authorization, client, &params);
    let report = authorize_as(ctx, browser, client, url, UserActs::ALLOW, user).await?;
    let DriveOutcome::Callback(callback) = report.outcome else {
        return Err(format!("setup flow did not complete: {}", describe(&report.outcome)));
    };
    let code = callback.code().ok_or_else(|| format!("setup flow returned no code ({})", describe(&DriveOutcome::Callback(callback.clone()))))?.to_owned();
    let verifier = params.pkce.as_ref().map(|p| p.verifier.as_str());
    let response = send(&ctx.back, flow::token::code_exchange(&endpoints.token, client, &code, verifier)).await?;
    let body = response.json().unwrap_or(Value::Null);
    if response.status != 200 {
        return Err(format!("the setup code exchange failed: {}", token_failure(&response)));
    }
    Ok(Tokens { params, callback, code, response, body })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::conform::embedded_profile;

    #[test]
    fn a_second_try_with_prompt_consent_only_for_offline_access_without_a_refresh_token() {
        let client = embedded_profile("http://127.0.0.1:1").clients.remove(0);
        let offline = AuthParams { scope: "openid offline_access".into(), ..AuthParams::fresh(&client) };
        let again = consent_for_offline_access(&offline, &client, false).unwrap();
        assert_eq!((again.scope.as_str(), again.prompt.as_deref()), ("openid offline_access", Some("consent")));
        assert_ne!(again.state, offline.state, "a fresh request");
        assert!(consent_for_offline_access(&offline, &client, true).is_none(), "a refresh token came");
        let prompted = AuthParams { prompt: Some("login".into()), ..offline.clone() };
        assert!(consent_for_offline_access(&prompted, &client, false).is_none(), "the module chose its prompt");
        let online = AuthParams { scope: "openid".into(), ..offline };
        assert!(consent_for_offline_access(&online, &client, false).is_none());
    }
}
