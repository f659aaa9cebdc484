//! One authorization request driven with the user's acts and its code (if any) redeemed, as the
//! stateful modules (prompt/session, consent, refresh rules, userinfo methods, token lifecycle)
//! observe a provider: every provider behaviour is in the [`Attempt`].

use serde_json::{Map, Value};

use super::{UserActs, authorize, consent_for_offline_access, describe, redeem};
use crate::conform::Ctx;
use crate::flow::{AuthParams, AuthorizationResponse};
use crate::form::{DriveEnd, DriveReport};
use crate::http::Browser;
use crate::jose::UnverifiedJwt;
use crate::target::ClientProfile;

/// One authorization request, driven, and its code (if any) redeemed.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The parameters sent.
    pub params: AuthParams,
    /// What the drive saw.
    pub report: DriveReport,
    /// The token response body, when a code was redeemed successfully.
    pub tokens: Option<Value>,
}

impl Attempt {
    /// The callback, when the drive reached the redirect_uri.
    pub fn callback(&self) -> Option<&AuthorizationResponse> {
        self.report.outcome.callback()
    }

    /// How the drive ended.
    pub fn outcome(&self) -> DriveEnd {
        self.report.outcome.end()
    }

    /// One line saying how the drive ended.
    pub fn detail(&self) -> String {
        describe(&self.report.outcome)
    }

    /// The callback's `error`.
    pub fn error(&self) -> Option<String> {
        self.callback().and_then(|c| c.error().map(str::to_owned))
    }

    /// Whether the callback carried a code.
    pub fn code_returned(&self) -> bool {
        self.callback().is_some_and(|c| c.code().is_some())
    }

    /// A string member of the token response.
    pub fn token(&self, k: &str) -> Option<String> {
        self.tokens.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned)
    }

    /// The ID token's claims (unverified: the code-flow module judges the token itself).
    pub fn id_claims(&self) -> Option<Map<String, Value>> {
        let raw = self.token("id_token")?;
        UnverifiedJwt::parse(&raw).ok().map(UnverifiedJwt::into_claims)
    }

    /// The ID token's `sub`.
    pub fn sub(&self) -> Option<String> {
        self.id_claims().and_then(|c| c.get("sub").and_then(Value::as_str).map(str::to_owned))
    }

    /// The ID token's `auth_time`.
    pub fn auth_time(&self) -> Option<i64> {
        self.id_claims().and_then(|c| c.get("auth_time").and_then(Value::as_i64))
    }
}

/// Drives `params` in `browser` and redeems the code when one comes back. `Err` only for
/// transport problems; every provider behaviour is in the [`Attempt`].
pub async fn attempt(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams, acts: UserActs) -> Result<Attempt, String> {
    let report = authorize(ctx, browser, client, &params, acts).await?;
    let code = report.outcome.code().map(str::to_owned);
    let mut tokens = None;
    if let Some(code) = code {
        let resp = redeem(ctx, client, &code, params.pkce.as_ref().map(|p| p.verifier.as_str())).await?;
        if resp.status == 200 {
            tokens = resp.json();
        }
    }
    Ok(Attempt { params, report, tokens })
}

/// A complete login flow as setup: `Err` explains where it stopped.
pub async fn login(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Attempt, String> {
    let a = attempt(ctx, browser, client, params, UserActs::ALLOW).await?;
    if a.tokens.is_none() {
        return Err(format!("setup flow for {} did not yield tokens: {}", client.label(), a.detail()));
    }
    Ok(a)
}

/// [`login`] for a module that needs a refresh token: the same second try with
/// `prompt=consent` as [`super::tokens_for_refresh`].
pub async fn login_for_refresh(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Attempt, String> {
    let first = login(ctx, browser, client, params).await?;
    match consent_for_offline_access(&first.params, client, first.token("refresh_token").is_some()) {
        Some(again) => Ok(login(ctx, browser, client, again).await.unwrap_or(first)),
        None => Ok(first),
    }
}

