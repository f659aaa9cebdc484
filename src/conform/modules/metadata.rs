//! The discovery and JWKS modules: fetch what the provider publishes, judge it, and keep the
//! parsed metadata, endpoints and keys for later modules.

use std::sync::Arc;

use url::Url;

use super::ModuleOutcome;
use crate::checks::{DISCOVERY_CHECKS, DiscoveryEvidence, JWKS_CHECKS, JwksEvidence, evaluate};
use crate::conform::{Ctx, Endpoints, HarnessError};
use crate::discovery::discovery_url;
use crate::http::HttpRequest;
use crate::jose::Jwks;

/// Fetches `/.well-known/openid-configuration` under the issuer. A provider that cannot be
/// reached at all means the run cannot happen (exit 2); everything else is a finding.
pub(super) async fn discovery(ctx: &mut Ctx) -> Result<ModuleOutcome, HarnessError> {
    let issuer = match Url::parse(&ctx.target.issuer) {
        Ok(u) => u,
        Err(e) => return Ok(ModuleOutcome::skipped(format!("issuer is not a URL: {e}"))),
    };
    let url = discovery_url(&issuer);
    let resp = match ctx.back.send(HttpRequest::get(url.clone())).await {
        Ok(r) => r,
        Err(e) => return Err(HarnessError::Unreachable { url: url.to_string(), reason: e.to_string() }),
    };
    let evidence = DiscoveryEvidence::from_response(&url, &ctx.target.issuer, resp.status, resp.header("content-type"), &resp.body);
    let findings = evaluate(DISCOVERY_CHECKS, &evidence);
    let mut out = ModuleOutcome { findings, ..ModuleOutcome::default() };
    let Some(metadata) = evidence.metadata else {
        return Ok(out.abort("the discovery document could not be parsed; later modules are skipped"));
    };
    let parse = |v: &Option<String>| v.as_deref().and_then(|s| Url::parse(s).ok());
    match (parse(&metadata.authorization_endpoint), parse(&metadata.token_endpoint)) {
        (Some(authorization), Some(token)) => {
            ctx.endpoints = Some(Endpoints {
                authorization,
                token,
                userinfo: parse(&metadata.userinfo_endpoint),
                jwks: parse(&metadata.jwks_uri),
            });
        }
        _ => out = out.abort("authorization_endpoint or token_endpoint is missing or not a URL; flows are skipped"),
    }
    ctx.metadata = Some(metadata);
    Ok(out)
}

/// Fetches and judges the JWKS.
pub(super) async fn jwks(ctx: &mut Ctx) -> ModuleOutcome {
    let Some(url) = ctx.endpoints.as_ref().and_then(|e| e.jwks.clone()) else {
        return ModuleOutcome::skipped("no usable jwks_uri was advertised");
    };
    let resp = match ctx.back.send(HttpRequest::get(url)).await {
        Ok(r) => r,
        Err(e) => return ModuleOutcome::default().abort(format!("the JWKS could not be fetched: {e}")),
    };
    let body = resp.json();
    let jwks = body.as_ref().and_then(|b| Jwks::parse(b).ok());
    let evidence = JwksEvidence {
        status: resp.status,
        content_type: resp.header("content-type").map(str::to_owned),
        body,
        jwks: jwks.clone(),
        id_token_algs_advertised: ctx.id_token_algs(),
    };
    ctx.jwks = jwks.map(Arc::new);
    ModuleOutcome { findings: evaluate(JWKS_CHECKS, &evidence), ..ModuleOutcome::default() }
}
