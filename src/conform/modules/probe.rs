//! Shared steps of the stateful modules (prompt/session, consent, refresh rules, userinfo
//! methods, token lifecycle): one authorization attempt with its code redeemed, picking checks
//! by id, and small evidence builders. Steps act; the checks judge.

use serde_json::{Map, Value};
use url::Url;

use crate::checks::{AUTHORIZATION_CHECKS, AuthorizationEvidence, Check, Finding, ID_TOKEN_CHECKS, IdTokenEvidence, SCOPE_CHECKS, ScopeEvidence, Status};
use crate::conform::Ctx;
use crate::conform::steps::{self, UserActs};
use crate::flow::{AuthParams, AuthorizationResponse};
use crate::form::{DriveEnd, DriveOutcome, DriveReport};
use crate::http::{Browser, HttpResponse};
use crate::jose::UnverifiedJwt;
use crate::target::ClientProfile;

/// One authorization request, driven, and its code (if any) redeemed.
#[derive(Debug, Clone)]
pub(super) struct Attempt {
    /// The parameters sent.
    pub(super) params: AuthParams,
    /// What the drive saw.
    pub(super) report: DriveReport,
    /// The token response body, when a code was redeemed successfully.
    pub(super) tokens: Option<Value>,
}

impl Attempt {
    /// The callback, when the drive reached the redirect_uri.
    pub(super) fn callback(&self) -> Option<&AuthorizationResponse> {
        match &self.report.outcome {
            DriveOutcome::Callback(cb) => Some(cb),
            _ => None,
        }
    }

    /// How the drive ended.
    pub(super) fn outcome(&self) -> DriveEnd {
        self.report.outcome.end()
    }

    /// One line saying how the drive ended.
    pub(super) fn detail(&self) -> String {
        steps::describe(&self.report.outcome)
    }

    /// The callback's `error`.
    pub(super) fn error(&self) -> Option<String> {
        self.callback().and_then(|c| c.error().map(str::to_owned))
    }

    /// Whether the callback carried a code.
    pub(super) fn code_returned(&self) -> bool {
        self.callback().is_some_and(|c| c.code().is_some())
    }

    /// A string member of the token response.
    pub(super) fn token(&self, k: &str) -> Option<String> {
        self.tokens.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned)
    }

    /// The ID token's claims (unverified: the code-flow module judges the token itself).
    pub(super) fn id_claims(&self) -> Option<Map<String, Value>> {
        let raw = self.token("id_token")?;
        UnverifiedJwt::parse(&raw).ok().map(UnverifiedJwt::into_claims)
    }

    /// The ID token's `sub`.
    pub(super) fn sub(&self) -> Option<String> {
        self.id_claims().and_then(|c| c.get("sub").and_then(Value::as_str).map(str::to_owned))
    }

    /// The ID token's `auth_time`.
    pub(super) fn auth_time(&self) -> Option<i64> {
        self.id_claims().and_then(|c| c.get("auth_time").and_then(Value::as_i64))
    }
}

/// Drives `params` in `browser` and redeems the code when one comes back. `Err` only for
/// transport problems and a missing discovery; every provider behaviour is in the [`Attempt`].
pub(super) async fn attempt(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams, acts: UserActs) -> Result<Attempt, String> {
    let report = steps::authorize(ctx, browser, client, &params, acts).await?;
    let code = match &report.outcome {
        DriveOutcome::Callback(cb) => cb.code().map(str::to_owned),
        _ => None,
    };
    let mut tokens = None;
    if let Some(code) = code {
        let resp = steps::redeem(ctx, client, &code, params.pkce.as_ref().map(|p| p.verifier.as_str())).await?;
        if resp.status == 200 {
            tokens = resp.json();
        }
    }
    Ok(Attempt { params, report, tokens })
}

/// A complete login flow as setup: `Err` explains where it stopped.
pub(super) async fn login(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Attempt, String> {
    let a = attempt(ctx, browser, client, params, UserActs::ALLOW).await?;
    if a.tokens.is_none() {
        return Err(format!("setup flow for {} did not yield tokens: {}", client.label(), a.detail()));
    }
    Ok(a)
}

/// [`login`] for a module that needs a refresh token: the same second try with
/// `prompt=consent` as [`steps::tokens_for_refresh`].
pub(super) async fn login_for_refresh(ctx: &Ctx, browser: &Browser, client: &ClientProfile, params: AuthParams) -> Result<Attempt, String> {
    let first = login(ctx, browser, client, params).await?;
    match steps::consent_for_offline_access(&first.params, client, first.token("refresh_token").is_some()) {
        Some(again) => Ok(login(ctx, browser, client, again).await.unwrap_or(first)),
        None => Ok(first),
    }
}

/// Runs the checks of `table` whose id starts with `prefix`.
pub(super) fn prefixed<E>(table: &[Check<E>], prefix: &str, ev: &E) -> Vec<Finding> {
    table.iter().filter(|c| c.def.id.starts_with(prefix)).map(|c| c.evaluate(ev)).collect()
}

/// Runs the checks of `table` named in `ids`.
pub(super) fn only<E>(table: &[Check<E>], ids: &[&str], ev: &E) -> Vec<Finding> {
    table.iter().filter(|c| ids.contains(&c.def.id)).map(|c| c.evaluate(ev)).collect()
}

/// The authorization-response checks over an error callback (a negative test wanted an error).
pub(super) fn error_callback_findings(ctx: &Ctx, cb: &AuthorizationResponse, params: &AuthParams) -> Vec<Finding> {
    let ev = AuthorizationEvidence {
        params: cb.params.clone(),
        source: cb.source,
        state_sent: params.state.clone(),
        issuer: ctx.target.issuer.clone(),
        iss_advertised: ctx.metadata.as_ref().is_some_and(|m| m.iss_parameter_supported()),
        response_mode_requested: params.response_mode.clone(),
        expected_error: true,
    };
    crate::checks::evaluate(AUTHORIZATION_CHECKS, &ev)
}

/// The ID token's auth_time checks for a request that sent `max_age`.
pub(super) fn auth_time_findings(ctx: &Ctx, a: &Attempt, client: &ClientProfile) -> Vec<Finding> {
    let Some(received) = a.token("id_token") else { return Vec::new() };
    let mut ev = IdTokenEvidence::from_raw(&super::code_flow::open_id_token(&received, client).token);
    ev.issuer = ctx.target.issuer.clone();
    ev.client_id = client.client_id.clone();
    ev.max_age_sent = a.params.max_age;
    ev.now = ctx.clock.now();
    only(ID_TOKEN_CHECKS, &["idtoken.auth_time.present_when_required", "idtoken.auth_time.valid", "idtoken.auth_time.within_max_age"], &ev)
}

/// Why the attempt's ID token cannot be trusted as an `id_token_hint`: the first ID token check
/// it fails (the code-flow modules report that failure; here it only excuses the provider).
pub(super) fn id_token_problem(ctx: &Ctx, a: &Attempt, client: &ClientProfile) -> Option<String> {
    let received = a.token("id_token")?;
    let mut ev = ctx.id_token_evidence(client, &super::code_flow::open_id_token(&received, client).token, a.token("access_token"));
    ev.nonce_sent = a.params.nonce.clone();
    ID_TOKEN_CHECKS
        .iter()
        .map(|c| c.evaluate(&ev))
        .find(|f| f.status == Status::Fail)
        .map(|f| format!("the ID token sent as id_token_hint fails {} (reported by the code-flow modules)", f.check_id))
}

/// `scope.granted.subset_of_requested` for a token response to a request for `requested`.
pub(super) fn scope_bound_findings(ctx: &Ctx, requested: &str, body: &Value) -> Vec<Finding> {
    let granted = body.get("scope").and_then(Value::as_str);
    let ev = ScopeEvidence {
        requested: split(requested),
        granted: split(granted.unwrap_or(requested)),
        scope_returned: granted.is_some(),
        id_token_claims: None,
        userinfo_claims: None,
        scopes_supported: ctx.metadata.as_ref().and_then(|m| m.scopes_supported.clone()),
    };
    only(SCOPE_CHECKS, &["scope.granted.subset_of_requested"], &ev)
}

/// Splits a space-separated scope.
pub(super) fn split(s: &str) -> Vec<String> {
    s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// A standard OIDC scope beyond `have`, advertised when the provider lists scopes_supported.
pub(super) fn extra_scope(ctx: &Ctx, have: &str) -> Option<&'static str> {
    extra_scope_of(have, ctx.metadata.as_ref().and_then(|m| m.scopes_supported.as_deref()))
}

/// [`extra_scope`] over plain values.
fn extra_scope_of(have: &str, supported: Option<&[String]>) -> Option<&'static str> {
    let have = split(have);
    ["address", "phone", "email", "profile"]
        .into_iter()
        .filter(|s| !have.iter().any(|h| h == s))
        .find(|s| supported.is_none_or(|sup| sup.iter().any(|x| x == s)))
}

/// An advertised endpoint from the metadata, when it parses as a URL.
pub(super) fn advertised(ctx: &Ctx, pick: fn(&crate::discovery::ProviderMetadata) -> Option<&String>) -> Option<Url> {
    ctx.metadata.as_ref().and_then(pick).and_then(|u| Url::parse(u).ok())
}

/// The JSON body and status of a response, for evidence.
pub(super) fn status_json(resp: &HttpResponse) -> (u16, Option<Value>) {
    (resp.status, resp.json())
}

#[cfg(test)]
mod tests {
    use super::{extra_scope_of, split};

    #[test]
    fn split_drops_empty_parts() {
        assert_eq!(split(" openid  email "), vec!["openid".to_owned(), "email".to_owned()]);
        assert!(split("").is_empty());
    }

    #[test]
    fn extra_scope_is_standard_new_and_advertised() {
        assert_eq!(extra_scope_of("openid profile email", None), Some("address"));
        let sup: Vec<String> = ["openid", "profile", "email", "phone"].map(String::from).to_vec();
        assert_eq!(extra_scope_of("openid profile email", Some(&sup)), Some("phone"));
        assert_eq!(extra_scope_of("openid profile email phone", Some(&sup)), None);
        assert_eq!(extra_scope_of("openid address phone email profile", None), None);
    }
}
