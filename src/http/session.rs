//! The agent's cookie jar (RFC 6265 matching by `cookie_store`), which can be emptied between
//! flows and exchanged with a real browser ([`StoredCookie`]), and the light [`Timing`] record
//! load agents keep instead of a transcript.

use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use cookie_store::{CookieDomain, CookieExpiration, CookieStore, RawCookie};
use reqwest::header::HeaderValue;
use url::Url;

/// One exchange as load metrics see it: no bodies, no headers, nothing to redact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// The request's step label (`None` when the caller set none).
    pub label: Option<super::StepLabel>,
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

/// One cookie of the jar as a browser engine stores it (Chromium's DevTools `Cookie`), so that a
/// session can move between the HTML driver and a real browser. `Debug` hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCookie {
    /// Name.
    pub name: String,
    /// Value (a session secret: never logged).
    pub value: String,
    /// Host (host-only cookie) or domain (without a leading dot).
    pub domain: String,
    /// Whether the cookie was set without a `Domain` attribute (sent to that host only).
    pub host_only: bool,
    /// Path.
    pub path: String,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// Expiry as Unix seconds; `None` for a session cookie.
    pub expires: Option<i64>,
    /// `SameSite` (`Strict`, `Lax`, `None`), when set.
    pub same_site: Option<String>,
}

impl std::fmt::Debug for StoredCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCookie").field("name", &self.name).field("domain", &self.domain).field("path", &self.path).finish_non_exhaustive()
    }
}

impl StoredCookie {
    /// A URL the cookie could have been set from.
    fn origin_url(&self) -> Option<Url> {
        let scheme = if self.secure { "https" } else { "http" };
        Url::parse(&format!("{scheme}://{}{}", self.domain.trim_start_matches('.'), self.path)).ok()
    }
}

impl SessionJar {
    /// Every unexpired cookie.
    pub(super) fn cookies(&self) -> Vec<StoredCookie> {
        let store = self.0.read().unwrap_or_else(PoisonError::into_inner);
        store
            .iter_unexpired()
            .filter_map(|c| {
                let (domain, host_only) = match &c.domain {
                    CookieDomain::HostOnly(h) => (h.clone(), true),
                    CookieDomain::Suffix(d) => (d.clone(), false),
                    _ => return None,
                };
                let expires = match &c.expires {
                    CookieExpiration::AtUtc(t) => Some(t.unix_timestamp()),
                    CookieExpiration::SessionEnd => None,
                };
                Some(StoredCookie {
                    name: c.name().to_owned(),
                    value: c.value().to_owned(),
                    domain,
                    host_only,
                    path: String::from(&c.path),
                    secure: c.secure().unwrap_or(false),
                    http_only: c.http_only().unwrap_or(false),
                    expires,
                    same_site: c.same_site().map(|s| s.to_string()),
                })
            })
            .collect()
    }

    /// Replaces every cookie with `cookies` (what a real browser holds at the end of a drive);
    /// cookies that cannot be stored are left out, as a browser would.
    pub(super) fn replace(&self, cookies: &[StoredCookie]) {
        let mut store = self.0.write().unwrap_or_else(PoisonError::into_inner);
        store.clear();
        for c in cookies {
            let Some(url) = c.origin_url() else { continue };
            let mut raw = RawCookie::build((c.name.clone(), c.value.clone())).path(c.path.clone()).secure(c.secure).http_only(c.http_only);
            if !c.host_only {
                raw = raw.domain(c.domain.trim_start_matches('.').to_owned());
            }
            if let Some(at) = c.expires.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok()) {
                raw = raw.expires(at);
            }
            let _ = store.insert_raw(&raw.build(), &url);
        }
    }
}
