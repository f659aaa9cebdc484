//! Load-test support for the agent: a cookie jar that can be emptied between flows, and the
//! light [`Timing`] record kept instead of a transcript.

use std::sync::RwLock;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use url::Url;

/// One exchange as load metrics see it: no bodies, no headers, nothing to redact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// The request's step label (`None` when the caller set none).
    pub label: Option<&'static str>,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Response status; `None` when no response arrived.
    pub status: Option<u16>,
    /// Wall time of the exchange, body included.
    pub elapsed: Duration,
    /// What went wrong in transport (already redacted), when no response arrived.
    pub error: Option<String>,
}

/// A cookie jar that can be emptied (a load-test user starts each login as a new browser
/// without rebuilding its HTTP client and connection pool).
#[derive(Default)]
pub(super) struct SessionJar(RwLock<Jar>);

impl SessionJar {
    /// Forgets every cookie.
    pub(super) fn clear(&self) {
        if let Ok(mut jar) = self.0.write() {
            *jar = Jar::default();
        }
    }
}

impl CookieStore for SessionJar {
    fn set_cookies(&self, headers: &mut dyn Iterator<Item = &reqwest::header::HeaderValue>, url: &Url) {
        if let Ok(jar) = self.0.read() {
            jar.set_cookies(headers, url);
        }
    }

    fn cookies(&self, url: &Url) -> Option<reqwest::header::HeaderValue> {
        self.0.read().ok().and_then(|jar| jar.cookies(url))
    }
}

