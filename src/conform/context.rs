//! What modules share during one run: the target, the two user agents (browser and back
//! channel), the clock, and what the set-up modules learned (discovery metadata, JWKS). Nothing else
//! passes from one module to the next: a module's verdict does not depend on which ran before.

use std::sync::Arc;

use url::Url;

use crate::clock::Clock;
use crate::discovery::ProviderMetadata;
use crate::http::{BackChannel, Browser};
use crate::jose::{Jwks, UnverifiedJwt};
use crate::checks::IdTokenEvidence;
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

/// A refresh token a module obtained for itself, with what it came with.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Index of the client in the target.
    pub client: usize,
    /// The refresh token.
    pub refresh_token: String,
    /// The ID token it came with.
    pub id_token: Option<UnverifiedJwt>,
    /// Scope granted.
    pub scope: String,
}

/// Shared state of a run.
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
    /// Advertised metadata, once discovery ran.
    pub metadata: Option<ProviderMetadata>,
    /// Usable endpoints, once discovery ran.
    pub endpoints: Option<Endpoints>,
    /// Published keys, once the JWKS module ran (shared with every ID-token evidence).
    pub jwks: Option<Arc<Jwks>>,
}

impl Ctx {
    /// A context before any module ran: nothing learned yet.
    pub fn new(target: Target, browser: Browser, clock: Arc<dyn Clock>) -> Ctx {
        let back = browser.back_channel();
        Ctx {
            target,
            browser,
            back,
            clock,
            metadata: None,
            endpoints: None,
            jwks: None,
        }
    }

    /// Evidence for an ID token (`token`: the received JWS, or the inner JWS of a decrypted JWE)
    /// issued to `client`: the run's keys, issuer, advertised algs and clock, the client's
    /// registrations and the access token it came with. Callers add what they sent (nonce,
    /// max_age, code) and what came before (a previous ID token).
    pub fn id_token_evidence(&self, client: &ClientProfile, token: &str, access_token: Option<String>) -> IdTokenEvidence {
        let mut ev = IdTokenEvidence::from_raw(token);
        ev.encryption_registered = client.id_token_encryption().is_some();
        ev.jwks = self.jwks.clone();
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
        self.metadata
            .as_ref()
            .and_then(|m| m.id_token_signing_alg_values_supported.clone())
            .unwrap_or_default()
    }
}
