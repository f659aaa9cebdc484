//! The discovery and JWKS modules, the set-up of every run: fetch what the provider publishes,
//! judge it, and keep the parsed metadata, endpoints and keys ([`Preparation`]) that become the
//! [`Prepared`] value every later module receives.

use std::sync::Arc;

use url::Url;

use super::ModuleOutcome;
use crate::checks::{DISCOVERY_CHECKS, DiscoveryEvidence, JWKS_CHECKS, JwksEvidence, evaluate};
use crate::conform::{Endpoints, HarnessError, Prepared};
use crate::discovery::{ProviderMetadata, discovery_url};
use crate::http::{BackChannel, HttpRequest};
use crate::jose::Jwks;
use crate::target::Target;

/// What the set-up modules learned so far.
#[derive(Debug, Default)]
pub(crate) struct Preparation {
    /// Advertised metadata, once discovery parsed it.
    metadata: Option<ProviderMetadata>,
    /// Usable endpoints, once discovery yielded them.
    endpoints: Option<Endpoints>,
    /// Published keys, once the JWKS module parsed them.
    jwks: Option<Arc<Jwks>>,
}

impl Preparation {
    /// What later modules receive: `None` when discovery did not yield usable authorization and
    /// token endpoints (or did not run).
    pub(crate) fn prepared(self) -> Option<Prepared> {
        Some(Prepared { metadata: self.metadata?, endpoints: self.endpoints?, jwks: self.jwks })
    }

    /// Fetches `/.well-known/openid-configuration` under the issuer. A provider that cannot be
    /// reached at all means the run cannot happen (exit 2); everything else is a finding.
    pub(crate) async fn discovery(&mut self, target: &Target, back: &BackChannel) -> Result<ModuleOutcome, HarnessError> {
        let issuer = match Url::parse(&target.issuer) {
            Ok(u) => u,
            Err(e) => return Ok(ModuleOutcome::skipped(format!("issuer is not a URL: {e}"))),
        };
        let url = discovery_url(&issuer);
        let resp = match back.send(HttpRequest::get(url.clone())).await {
            Ok(r) => r,
            Err(e) => return Err(HarnessError::Unreachable { url: url.to_string(), reason: e.to_string() }),
        };
        let evidence = DiscoveryEvidence::from_response(&url, &target.issuer, resp.status, resp.header("content-type"), &resp.body);
        let findings = evaluate(DISCOVERY_CHECKS, &evidence);
        let mut out = ModuleOutcome { findings, ..ModuleOutcome::default() };
        let Some(metadata) = evidence.metadata else {
            return Ok(out.abort("the discovery document could not be parsed; later modules are skipped"));
        };
        let parse = |v: &Option<String>| v.as_deref().and_then(|s| Url::parse(s).ok());
        match (parse(&metadata.authorization_endpoint), parse(&metadata.token_endpoint)) {
            (Some(authorization), Some(token)) => {
                self.endpoints = Some(Endpoints {
                    authorization,
                    token,
                    userinfo: parse(&metadata.userinfo_endpoint),
                    jwks: parse(&metadata.jwks_uri),
                });
            }
            _ => out = out.abort("authorization_endpoint or token_endpoint is missing or not a URL; flows are skipped"),
        }
        self.metadata = Some(metadata);
        Ok(out)
    }

    /// Fetches and judges the JWKS.
    pub(crate) async fn jwks(&mut self, back: &BackChannel) -> ModuleOutcome {
        let Some(url) = self.endpoints.as_ref().and_then(|e| e.jwks.clone()) else {
            return ModuleOutcome::skipped(NO_JWKS_URI);
        };
        let resp = match back.send(HttpRequest::get(url)).await {
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
            id_token_algs_advertised: self.metadata.as_ref().and_then(|m| m.id_token_signing_alg_values_supported.clone()).unwrap_or_default(),
        };
        self.jwks = jwks.map(Arc::new);
        ModuleOutcome { findings: evaluate(JWKS_CHECKS, &evidence), ..ModuleOutcome::default() }
    }
}

/// The JWKS module's note when discovery yielded no usable `jwks_uri`.
pub(super) const NO_JWKS_URI: &str = "no usable jwks_uri was advertised";
