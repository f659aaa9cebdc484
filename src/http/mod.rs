//! HTTP at the edge: the agent (reqwest, cookie jar, no automatic redirects), the plain
//! request/response values it exchanges, redaction, and its transcript.

mod agent;
mod client;
mod message;
mod redact;
mod session;
#[cfg(test)]
mod tests;
mod tls;
#[cfg(test)]
mod tls_tests;
mod transcript;

pub use agent::{Agent, Timing};
pub use client::{AgentConfig, AgentError};
pub use message::{HttpRequest, HttpResponse};
pub use redact::{MAX_EXCERPT_BYTES, Redactor, fingerprint, is_sensitive_name};
pub use transcript::Exchange;
