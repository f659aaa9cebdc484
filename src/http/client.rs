//! The agent's settings ([`AgentConfig`]), its errors ([`AgentError`]) and the reqwest client it
//! is built on: no automatic redirects, no silent retries, no cookies or timeout of its own (the
//! agent keeps the jar and bounds each exchange), the configured TLS roots.

use std::path::PathBuf;
use std::time::Duration;

/// How the agent talks HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentConfig {
    /// Time limit for one exchange, body included (default 10 s).
    pub timeout: Duration,
    /// Largest response body accepted (default 2 MiB).
    pub max_body_bytes: usize,
    /// Most redirects a caller should follow for one logical request (default 20). The agent
    /// itself never follows redirects; drivers use this as their bound.
    pub max_redirects: usize,
    /// Extra trusted root certificates (PEM bundle), added to the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// Accept any TLS certificate.
    ///
    /// # Security Warning
    /// Disables server authentication entirely; only for throw-away test deployments.
    pub insecure_skip_tls_verify: bool,
    /// `User-Agent` header value.
    pub user_agent: String,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            timeout: Duration::from_secs(10),
            max_body_bytes: 2 * 1024 * 1024,
            max_redirects: 20,
            ca_file: None,
            insecure_skip_tls_verify: false,
            user_agent: concat!("oidc-harness/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// Why the agent could not produce a response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// The CA file could not be read.
    #[error("cannot read CA file {path}: {source}")]
    CaFileRead {
        /// The configured path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The CA file holds no usable certificate.
    #[error("expected PEM certificates in CA file {path} (found {found})")]
    CaFileInvalid {
        /// The configured path.
        path: PathBuf,
        /// What was wrong.
        found: String,
    },
    /// The HTTP client (TLS configuration) could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// The request could not be built (e.g. an invalid header value).
    #[error("cannot build request {method} {url}: {message}")]
    InvalidRequest {
        /// HTTP method.
        method: String,
        /// Redacted URL.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// No response arrived in time.
    #[error("expected a response within {timeout_ms} ms (found none) for {method} {url}")]
    Timeout {
        /// HTTP method.
        method: String,
        /// Redacted URL.
        url: String,
        /// The configured limit.
        timeout_ms: u64,
    },
    /// Connecting, TLS or the HTTP exchange failed.
    #[error("transport error for {method} {url}: {message}")]
    Transport {
        /// HTTP method.
        method: String,
        /// Redacted URL.
        url: String,
        /// The error chain, redacted.
        message: String,
    },
    /// The response body exceeded the configured cap.
    #[error("expected a body of at most {limit} bytes (found more) for {method} {url}")]
    BodyTooLarge {
        /// HTTP method.
        method: String,
        /// Redacted URL.
        url: String,
        /// The configured limit.
        limit: usize,
    },
}

/// Builds the reqwest client: no redirects, no cookies (the agent keeps its own jar, see
/// [`super::session::SessionJar`]), no timeout of its own (the agent bounds each exchange), the
/// shared TLS configuration (from [`super::tls::client_config`]).
pub(super) fn build_client(cfg: &AgentConfig, tls: &rustls::ClientConfig) -> Result<reqwest::Client, AgentError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // Never resend a request behind the checks' back (a resent code redemption would be a
        // false code-reuse finding); with no retry allowed, reqwest does not copy each request.
        .retry(reqwest::retry::never().max_retries_per_request(0))
        .user_agent(cfg.user_agent.clone())
        .tls_backend_preconfigured(tls.clone())
        .build()
        .map_err(|e| AgentError::Client(error_chain(&e)))
}

/// The error and its sources joined with ": ", without the URL reqwest embeds.
pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}
