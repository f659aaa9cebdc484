//! HTTP at the edge: the two user agents — the [`Browser`] (front channel, cookie jar) and the
//! [`BackChannel`] (the relying party's server, no cookies) — built on one core (reqwest, no
//! automatic redirects, size and time limits), the plain request/response values they exchange,
//! redaction, and the transcript.

mod agent;
mod channels;
mod client;
mod message;
mod race;
#[cfg(test)]
mod race_tests;
mod redact;
mod session;
mod step;
#[cfg(test)]
mod tests;
mod tls;
mod tls_words;
#[cfg(test)]
mod tls_tests;
mod transcript;

pub use agent::Timing;
pub use session::StoredCookie;
pub use step::StepLabel;
pub use channels::{BackChannel, Browser};
pub use client::{AgentConfig, AgentError};
pub use message::{HttpRequest, HttpResponse};
pub use redact::{MAX_EXCERPT_BYTES, Redactor, fingerprint, is_sensitive_name};
pub use transcript::Exchange;
