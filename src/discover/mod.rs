//! `oidc-harness discover`: fetch what a provider advertises (discovery document and JWKS),
//! show it readably ([`render_summary`]) and draft a starter target profile from it
//! ([`starter_profile`]).
//!
//! Fetching goes through the [`BackChannel`] (no cookies); everything after the fetch is pure and tested on
//! fixtures.

pub mod infer;
mod render;
mod starter;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests_infer;

pub use render::render_summary;
pub use starter::{StarterOptions, choose_auth_method, starter_profile};

use serde_json::Value;
use url::Url;

use crate::discovery::{ProviderMetadata, discovery_url, is_loopback, json_type};
use crate::http::{AgentError, BackChannel, HttpRequest, HttpResponse};

/// One key of the provider's JWKS, as far as a summary needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySummary {
    /// `kid`, if any.
    pub kid: Option<String>,
    /// `kty` (empty when missing).
    pub kty: String,
    /// `alg`, if any.
    pub alg: Option<String>,
    /// `use`, if any.
    pub use_: Option<String>,
}

/// What the provider advertised: the parsed discovery document and, when it could be
/// fetched, its JWKS.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovered {
    /// The issuer the user asked about.
    pub issuer: Url,
    /// Where the discovery document was fetched.
    pub discovery_url: Url,
    /// The discovery document.
    pub metadata: ProviderMetadata,
    /// The JWKS keys, or why they could not be read.
    pub jwks: Result<Vec<KeySummary>, String>,
}

/// Why discovery failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoverError {
    /// The issuer is not an absolute http(s) URL.
    #[error("expected an absolute https issuer URL (found {0:?})")]
    BadIssuer(String),
    /// Plain http for a host that is not loopback.
    #[error("expected an https issuer (found plain http for {0}; only loopback hosts may use http)")]
    InsecureIssuer(String),
    /// The request could not be made.
    #[error("cannot fetch the discovery document: {cause}")]
    Fetch {
        /// The discovery URL.
        url: String,
        /// Transport error (it names the URL).
        cause: AgentError,
    },
    /// The provider answered, but not with a 200.
    #[error("expected 200 from {url} (found {status})")]
    Status {
        /// The discovery URL.
        url: String,
        /// The status received.
        status: u16,
    },
    /// The body is not a JSON object.
    #[error("expected a JSON object from {url} (found {found})")]
    NotJson {
        /// The discovery URL.
        url: String,
        /// What came instead.
        found: String,
    },
}

/// Fetches the discovery document of `issuer` and the JWKS it names.
///
/// A broken JWKS is not an error: it is kept as the reason in [`Discovered::jwks`].
pub async fn discover(back: &BackChannel, issuer: &str) -> Result<Discovered, DiscoverError> {
    let issuer_url = Url::parse(issuer)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| DiscoverError::BadIssuer(issuer.to_owned()))?;
    if issuer_url.scheme() == "http" && !is_loopback(&issuer_url) {
        return Err(DiscoverError::InsecureIssuer(issuer_url.host_str().unwrap_or_default().to_owned()));
    }
    let url = discovery_url(&issuer_url);
    let resp = back.send(HttpRequest::get(url.clone()).header("Accept", "application/json")).await;
    let resp = resp.map_err(|cause| DiscoverError::Fetch { url: url.to_string(), cause })?;
    let metadata = parse_discovery(&resp)?;
    let jwks = match metadata.jwks_uri.as_deref() {
        None => Err("no jwks_uri advertised".to_owned()),
        Some(jwks_uri) => match Url::parse(jwks_uri) {
            Err(e) => Err(format!("jwks_uri {jwks_uri:?} is not a URL: {e}")),
            Ok(u) => match back.send(HttpRequest::get(u).header("Accept", "application/json")).await {
                Err(e) => Err(e.to_string()),
                Ok(r) => jwks_keys(&r),
            },
        },
    };
    Ok(Discovered { issuer: issuer_url, discovery_url: url, metadata, jwks })
}

/// The discovery document out of a response.
fn parse_discovery(resp: &HttpResponse) -> Result<ProviderMetadata, DiscoverError> {
    let url = resp.url.to_string();
    if resp.status != 200 {
        return Err(DiscoverError::Status { url, status: resp.status });
    }
    let found = |v: Option<&Value>| v.map_or("no JSON".to_owned(), |v| json_type(v).to_owned());
    let json = resp.json();
    json.as_ref()
        .and_then(ProviderMetadata::from_json)
        .ok_or_else(|| DiscoverError::NotJson { url, found: found(json.as_ref()) })
}

/// The keys of a JWKS response, or why there are none.
fn jwks_keys(resp: &HttpResponse) -> Result<Vec<KeySummary>, String> {
    if resp.status != 200 {
        return Err(format!("expected 200 from the jwks_uri (found {})", resp.status));
    }
    let json = resp.json().ok_or("expected a JSON JWKS (found no JSON)")?;
    let keys = json.get("keys").and_then(Value::as_array).ok_or("expected a \"keys\" array in the JWKS (found none)")?;
    let text = |k: &Value, name: &str| k.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(keys
        .iter()
        .map(|k| KeySummary { kid: text(k, "kid"), kty: text(k, "kty").unwrap_or_default(), alg: text(k, "alg"), use_: text(k, "use") })
        .collect())
}
