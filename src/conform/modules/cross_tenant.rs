//! The cross-tenant module, one per extra tenant of the profile: the tenant's discovery and JWKS
//! are fetched, codes of the home tenant (the profile's top level) are presented to the tenant's
//! token endpoint with the tenant's and with the home client, the home access token to the
//! tenant's UserInfo, and a complete flow at the tenant yields an ID token whose issuer and
//! signing key are compared with the home tenant's.

use std::sync::Arc;

use serde_json::Value;
use url::Url;

use super::ModuleOutcome;
use crate::checks::{ForeignRedemption, TENANT_CHECKS, TenantEvidence, TokenAnswer, evaluate};
use crate::conform::steps::{self, UserActs};
use crate::conform::{Ctx, Endpoints};
use crate::discovery::{ProviderMetadata, discovery_url};
use crate::flow::{self, AuthParams};
use crate::form::DriveOutcome;
use crate::http::{BackChannel, Browser, HttpRequest, HttpResponse};
use crate::jose::{Jwks, UnverifiedJwt};
use crate::target::{ClientProfile, TenantProfile};

/// Which client presents the home tenant's code at the other tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presenter {
    /// The other tenant's own client, with its redirect_uri.
    TenantClient,
    /// The home tenant's client, with its credentials and redirect_uri.
    HomeClient,
}

pub(super) async fn run(ctx: &Ctx, tenant_idx: usize) -> ModuleOutcome {
    let Some(tenant) = ctx.target.tenants.get(tenant_idx).cloned() else {
        return ModuleOutcome::skipped("the profile lists no such tenant ([[tenants]])");
    };
    let Some(home_client) = ctx.target.clients.iter().find(|c| !ctx.target.is_short_lifetime(c)).cloned() else {
        return ModuleOutcome::skipped("the profile has no client for ordinary flows at the home tenant");
    };
    let mut ev = TenantEvidence { home_issuer: ctx.target.issuer.clone(), tenant_issuer: tenant.issuer.clone(), ..TenantEvidence::default() };
    let setup = gather(ctx, &tenant, &home_client, &mut ev).await;
    let out = ModuleOutcome { findings: evaluate(TENANT_CHECKS, &ev), ..ModuleOutcome::default() };
    match setup {
        Ok(()) => out,
        Err(note) => out.abort(note),
    }
}

/// Runs every step, filling `ev`; `Err` says which setup step could not complete.
async fn gather(ctx: &Ctx, tenant: &TenantProfile, home_client: &ClientProfile, ev: &mut TenantEvidence) -> Result<(), String> {
    let (metadata, endpoints) = discover(ctx, &tenant.issuer).await?;
    ev.discovery_issuer = metadata.issuer.clone();
    let tenant_jwks = match &endpoints.jwks {
        Some(url) => fetch_jwks(&ctx.back, url).await?,
        None => None,
    };
    let home_jwks = match (ctx.jwks(), &ctx.endpoints().jwks) {
        (Some(keys), _) => Some(Arc::clone(keys)),
        // The jwks module did not run (`--only`): the home keys are needed to compare.
        (None, Some(url)) => fetch_jwks(&ctx.back, url).await?.map(Arc::new),
        (None, None) => None,
    };
    let tenant_client = tenant.clients.first().ok_or("the tenant has no client")?;
    let home_browser = steps::browser(ctx)?;
    for presenter in [Presenter::TenantClient, Presenter::HomeClient] {
        let presented_by = match presenter {
            Presenter::TenantClient => tenant_client,
            Presenter::HomeClient => home_client,
        };
        let redemption = present_home_code(ctx, &home_browser, home_client, &endpoints, presented_by).await?;
        match presenter {
            Presenter::TenantClient => ev.code_with_tenant_client = Some(redemption),
            Presenter::HomeClient => ev.code_with_home_client = Some(redemption),
        }
    }
    let home = steps::tokens(ctx, &home_browser, home_client, AuthParams::fresh(home_client)).await.map_err(|e| format!("home tenant: {e}"))?;
    if let (Some(userinfo), Some(at)) = (&endpoints.userinfo, home.get("access_token")) {
        ev.home_token_at_tenant_userinfo = Some(steps::send(&ctx.back, flow::token::userinfo(userinfo, at)).await?.status);
    }
    let user = tenant.users_or(&ctx.target.users).first().ok_or("no test user for the tenant")?;
    let tenant_browser = steps::browser(ctx)?;
    let tokens = steps::tokens_at(ctx, &tenant_browser, &endpoints, user, tenant_client, AuthParams::fresh(tenant_client))
        .await
        .map_err(|e| format!("tenant {}: {e}", tenant.name))?;
    let Some(jwt) = tokens.get("id_token").and_then(|raw| UnverifiedJwt::parse(raw).ok()) else {
        return Ok(());
    };
    ev.tenant_id_token_iss = jwt.claim_str("iss").map(str::to_owned);
    ev.verifies_with_tenant_keys = verifies(&jwt, tenant_jwks.as_ref());
    ev.verifies_with_home_keys = verifies(&jwt, home_jwks.as_deref());
    Ok(())
}

/// Gets a fresh code at the home tenant and presents it, with the home PKCE verifier, to the
/// other tenant's token endpoint as `presented_by`.
async fn present_home_code(ctx: &Ctx, browser: &Browser, home_client: &ClientProfile, tenant: &Endpoints, presented_by: &ClientProfile) -> Result<ForeignRedemption, String> {
    let params = AuthParams::fresh(home_client);
    let report = steps::authorize(ctx, browser, home_client, &params, UserActs::ALLOW).await?;
    let DriveOutcome::Callback(callback) = &report.outcome else {
        return Err(format!("home tenant: the flow did not reach the redirect_uri: {}", steps::describe(&report.outcome)));
    };
    let code = callback.code().ok_or_else(|| format!("home tenant: no code ({})", steps::describe(&report.outcome)))?;
    let verifier = params.pkce.as_ref().map(|p| p.verifier.as_str());
    let resp = steps::send(&ctx.back, flow::token::code_exchange(&tenant.token, presented_by, code, verifier)).await?;
    Ok(foreign_redemption(&resp))
}

/// The answer of a token endpoint and whether it released tokens.
fn foreign_redemption(resp: &HttpResponse) -> ForeignRedemption {
    let body = resp.json();
    let has = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    // Whose tokens they are: the ID token's iss and aud (read unverified, for the message).
    let issued_as = body.as_ref().and_then(|b| b.get("id_token")).and_then(Value::as_str).and_then(|raw| UnverifiedJwt::parse(raw).ok()).map(|jwt| {
        let aud = match jwt.claims().get("aud") {
            Some(Value::String(a)) => a.clone(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
            _ => "(none)".to_owned(),
        };
        format!("iss {} for aud {aud}", jwt.claim_str("iss").unwrap_or("(none)"))
    });
    ForeignRedemption {
        answer: TokenAnswer::new(resp.status, body.as_ref(), resp.header("www-authenticate")),
        tokens_issued: has("access_token") || has("id_token"),
        issued_as,
    }
}

/// Fetches the tenant's discovery document; its endpoints must be usable.
async fn discover(ctx: &Ctx, issuer: &str) -> Result<(ProviderMetadata, Endpoints), String> {
    let issuer = Url::parse(issuer).map_err(|e| format!("the tenant issuer is not a URL: {e}"))?;
    let url = discovery_url(&issuer);
    let resp = steps::send(&ctx.back, HttpRequest::get(url.clone())).await?;
    let metadata = match (resp.status, resp.json()) {
        (200, Some(doc)) => ProviderMetadata::from_json(&doc),
        _ => None,
    };
    let metadata = metadata.ok_or_else(|| format!("the tenant's discovery document at {url} is not a JSON object (HTTP {})", resp.status))?;
    let parse = |v: &Option<String>| v.as_deref().and_then(|s| Url::parse(s).ok());
    let (Some(authorization), Some(token)) = (parse(&metadata.authorization_endpoint), parse(&metadata.token_endpoint)) else {
        return Err("the tenant's authorization_endpoint or token_endpoint is missing or not a URL".into());
    };
    let endpoints = Endpoints { authorization, token, userinfo: parse(&metadata.userinfo_endpoint), jwks: parse(&metadata.jwks_uri) };
    Ok((metadata, endpoints))
}

/// Fetches a JWKS; a document that is not a JWK Set is `None` (the tenant's signature is then
/// not judged here: the jwks checks judge documents).
async fn fetch_jwks(back: &BackChannel, url: &Url) -> Result<Option<Jwks>, String> {
    let resp = steps::send(back, HttpRequest::get(url.clone())).await?;
    Ok(resp.json().and_then(|b| Jwks::parse(&b).ok()))
}

/// Whether `jwt` verifies with `jwks`; `None` without keys or for an HMAC or unsigned token.
fn verifies(jwt: &UnverifiedJwt, jwks: Option<&Jwks>) -> Option<bool> {
    let alg = jwt.alg()?;
    if alg.starts_with("HS") || alg == "none" {
        return None;
    }
    Some(jwks?.verify(jwt).is_ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        let url = Url::parse("https://op.example/t2/token").unwrap();
        HttpResponse { status, url, headers: vec![("content-type".into(), "application/json".into())], body: body.as_bytes().to_vec() }
    }

    #[test]
    fn a_redemption_releases_tokens_only_with_a_non_empty_token() {
        let refused = foreign_redemption(&response(400, r#"{"error":"invalid_grant"}"#));
        assert_eq!((refused.answer.status, refused.answer.error.as_deref(), refused.tokens_issued), (400, Some("invalid_grant"), false));
        assert!(foreign_redemption(&response(200, r#"{"access_token":"at"}"#)).tokens_issued);
        assert!(foreign_redemption(&response(400, r#"{"error":"x","id_token":"a.b.c"}"#)).tokens_issued);
        assert!(!foreign_redemption(&response(200, r#"{"access_token":""}"#)).tokens_issued);
        assert!(!foreign_redemption(&response(200, "not json")).tokens_issued);
    }

    #[test]
    fn hmac_and_unsigned_tokens_are_not_judged_by_keys() {
        let jwt = |alg: &str| {
            use base64::Engine as _;
            let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
            UnverifiedJwt::parse(&format!("{}.{}.c2ln", enc(&format!(r#"{{"alg":"{alg}"}}"#)), enc(r#"{"iss":"x"}"#))).unwrap()
        };
        let empty = Jwks::default();
        assert_eq!(verifies(&jwt("HS256"), Some(&empty)), None);
        assert_eq!(verifies(&jwt("RS256"), None), None);
        assert_eq!(verifies(&jwt("RS256"), Some(&empty)), Some(false));
    }

    #[test]
    fn one_module_per_extra_tenant_in_plan_all_only() {
        use crate::conform::{Plan, Selection, build_plan, embedded_profile};
        let mut target = embedded_profile("http://127.0.0.1:9400");
        let ids = |target: &crate::target::Profile, plan| {
            let target = crate::target::Target::try_from(target.clone()).unwrap();
            build_plan(&target, &Selection::plan(plan)).unwrap().modules.into_iter().map(|m| m.id).filter(|id| id.starts_with("cross-tenant")).collect::<Vec<_>>()
        };
        assert!(ids(&target, Plan::All).is_empty(), "no tenants, no module");
        target.tenants.push(TenantProfile { name: "second".into(), issuer: "http://127.0.0.1:9401".into(), clients: target.clients[..1].to_vec(), users: vec![] });
        assert_eq!(ids(&target, Plan::All), vec!["cross-tenant/second".to_owned()]);
        assert!(ids(&target, Plan::Basic).is_empty());
    }
}
