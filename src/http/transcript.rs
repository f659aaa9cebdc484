//! The transcript: every HTTP exchange the harness made, recorded as evidence for reports.
//!
//! Secrets never reach a transcript: the agent redacts client secrets, passwords, codes and
//! tokens (shortened to a fingerprint) before an [`Exchange`] is stored.

use serde::{Deserialize, Serialize};

/// One request and its response (or the error that prevented a response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// Position in the run's transcript, from 1.
    pub seq: u32,
    /// HTTP method.
    pub method: String,
    /// Request URL, with secret query parameters redacted.
    pub url: String,
    /// Selected request headers (Authorization, Cookie redacted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<(String, String)>,
    /// Request body excerpt, redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// Response status, absent when the request failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Selected response headers (Set-Cookie values redacted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<(String, String)>,
    /// Response body excerpt, redacted and truncated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Wall time of the exchange in milliseconds.
    pub elapsed_ms: u64,
    /// Transport error, when no response arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
