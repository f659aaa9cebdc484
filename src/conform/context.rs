//! What modules share during one run: the target, the two user agents (browser and back
//! channel), the clock, and what the set-up modules (discovery, JWKS) prepared for the others
//! ([`Prepared`]). Nothing else passes from one module to the next: a module's verdict does not
//! depend on which ran before.

use std::sync::Arc;

use url::Url;

use crate::clock::Clock;
use crate::discovery::ProviderMetadata;
use crate::checks::IdTokenEvidence;
use crate::http::{AgentConfig, AgentError, BackChannel, Browser, Redactor};
use crate::jose::Jwks;
use crate::target::{ClientProfile, Secret, Target};

/// The provider's endpoints as advertised (only those that parse as URLs).
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// authorization_endpoint.
    pub authorization: Url,
    /// token_endpoint.
    pub token: Url,
    /// userinfo_endpoint.
    pub userinfo: Option<Url>,
    /// jwks_uri.
    pub jwks: Option<Url>,
}

/// What discovery and the JWKS module yielded, handed to every later module: there is no
/// `Prepared` without usable authorization and token endpoints (the runner skips the modules
/// that need them instead).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Advertised metadata.
    pub metadata: ProviderMetadata,
    /// Usable endpoints.
    pub endpoints: Endpoints,
    /// Published keys, when the JWKS module ran and they parsed (shared with every ID-token
    /// evidence).
    pub jwks: Option<Arc<Jwks>>,
}

/// The run's browser for `target`: its timeout and TLS settings, its secrets redacted from the
/// transcript. The one place conformance and load runs build their user agents.
pub fn browser_for(target: &Target) -> Result<Browser, AgentError> {
    let config = AgentConfig {
        timeout: std::time::Duration::from_secs(target.timeout_secs),
        ca_file: target.ca_file.clone(),
        insecure_skip_tls_verify: target.insecure_skip_tls_verify,
        ..AgentConfig::default()
    };
    Browser::new(&config, Redactor::new(target.secrets()))
}

/// Shared state of a run, once prepared.
#[derive(Debug)]
pub struct Ctx {
    /// The provider under test.
    pub target: Target,
    /// The front channel (modules derive fresh-cookie browsers from it).
    pub browser: Browser,
    /// The back channel (the relying party's server: no cookies), sharing the transcript.
    pub back: BackChannel,
    /// Time source for token checks.
    pub clock: Arc<dyn Clock>,
    /// What discovery and the JWKS module yielded.
    pub prepared: Prepared,
}

impl Ctx {
    /// The context of the modules after discovery and JWKS.
    pub fn new(target: Target, browser: Browser, clock: Arc<dyn Clock>, prepared: Prepared) -> Ctx {
        let back = browser.back_channel();
        Ctx { target, browser, back, clock, prepared }
    }

    /// The provider's usable endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.prepared.endpoints
    }

    /// The advertised metadata.
    pub fn metadata(&self) -> &ProviderMetadata {
        &self.prepared.metadata
    }

    /// The published keys, when the JWKS module ran and they parsed.
    pub fn jwks(&self) -> Option<&Arc<Jwks>> {
        self.prepared.jwks.as_ref()
    }

    /// Evidence for an ID token (`token`: the received JWS, or the inner JWS of a decrypted JWE)
    /// issued to `client`: the run's keys, issuer, advertised algs and clock, the client's
    /// registrations and the access token it came with. Callers add what they sent (nonce,
    /// max_age, code) and what came before (a previous ID token).
    pub fn id_token_evidence(&self, client: &ClientProfile, token: &str, access_token: Option<String>) -> IdTokenEvidence {
        let mut ev = IdTokenEvidence::from_raw(token);
        ev.encryption_registered = client.id_token_encryption().is_some();
        ev.jwks = self.prepared.jwks.clone();
        ev.client_secret = client.client_secret.as_ref().map(Secret::hmac);
        ev.issuer = self.target.issuer.clone();
        ev.client_id = client.client_id.clone();
        ev.access_token = access_token;
        ev.algs_advertised = self.id_token_algs();
        ev.registered_alg = client.id_token_signed_response_alg.clone();
        ev.now = self.clock.now();
        ev
    }

    /// The ID-token algs the provider advertises.
    pub fn id_token_algs(&self) -> Vec<String> {
        self.prepared.metadata.id_token_signing_alg_values_supported.clone().unwrap_or_default()
    }
}
