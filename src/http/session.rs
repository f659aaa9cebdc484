//! The agent's cookie jar (RFC 6265 matching by `cookie_store`), which can be emptied between
//! flows, and the light [`Timing`] record load agents keep instead of a transcript.

use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use cookie_store::{CookieStore, RawCookie};
use reqwest::header::HeaderValue;
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

/// The agent's cookie jar. The agent reads and fills it itself with the request's own [`Url`]
/// (reqwest's cookie layer would parse every request and redirect URL again from its `Uri`).
/// It can be emptied: a load-test user starts each login as a new browser without rebuilding
/// its HTTP client and connection pool.
#[derive(Default)]
pub(super) struct SessionJar(RwLock<CookieStore>);

impl SessionJar {
    /// Forgets every cookie.
    pub(super) fn clear(&self) {
        self.0.write().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The `Cookie` header value for a request to `url` (`name=value` pairs joined by `"; "`), or
    /// `None` when no stored cookie matches.
    pub(super) fn header_for(&self, url: &Url) -> Option<String> {
        let store = self.0.read().unwrap_or_else(PoisonError::into_inner);
        let mut header = String::new();
        for (name, value) in store.get_request_values(url) {
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(name);
            header.push('=');
            header.push_str(value);
        }
        (!header.is_empty()).then_some(header)
    }

    /// Stores the `Set-Cookie` values of a response from `url`; values that are not UTF-8 or
    /// not a cookie are ignored, as a browser does.
    pub(super) fn store<'a>(&self, set_cookie: impl Iterator<Item = &'a HeaderValue>, url: &Url) {
        let mut cookies = set_cookie
            .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
            .filter_map(|s| RawCookie::parse(s.to_owned()).ok())
            .peekable();
        if cookies.peek().is_some() {
            self.0.write().unwrap_or_else(PoisonError::into_inner).store_response_cookies(cookies, url);
        }
    }
}
