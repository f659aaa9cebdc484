//! An HTTP client with its own cookie jar, for the provider's tests and its `refresh_rate` example.
//!
//! It is written here rather than taken from reqwest's `cookies` feature on purpose: Cargo unifies
//! features across one build, so a dev-dependency on `reqwest/cookies` switched on reqwest's cookie
//! layer in every client of a build that also compiled the harness (`cargo build --workspace
//! --all-targets`, `cargo test`), and that layer re-parses every request URL — 11 % of the
//! harness's CPU per login flow. The jar is `cookie_store`'s (RFC 6265 matching), which the harness
//! already uses for its own agent.

use std::sync::{Arc, Mutex, PoisonError};

use cookie_store::{CookieStore, RawCookie};
use reqwest::header::{COOKIE, HeaderValue, SET_COOKIE};
use reqwest::{IntoUrl, RequestBuilder, Response};

/// A reqwest client and a cookie jar shared by its clones, like one browser's.
#[derive(Clone)]
pub(crate) struct CookieClient {
    http: reqwest::Client,
    jar: Arc<Mutex<CookieStore>>,
}

impl CookieClient {
    /// Wraps `http` (its own redirect and timeout settings are kept) with an empty jar.
    pub(crate) fn new(http: reqwest::Client) -> Self {
        Self { http, jar: Arc::default() }
    }

    pub(crate) fn get(&self, url: impl IntoUrl) -> Request {
        Request { inner: self.http.get(url), client: self.clone() }
    }

    pub(crate) fn post(&self, url: impl IntoUrl) -> Request {
        Request { inner: self.http.post(url), client: self.clone() }
    }

    /// Whether the jar holds a cookie of this name (for any site).
    #[allow(dead_code)] // used by the tests, not by the example
    pub(crate) fn has_cookie(&self, name: &str) -> bool {
        self.jar.lock().unwrap_or_else(PoisonError::into_inner).iter_unexpired().any(|c| c.name() == name)
    }

    async fn send(&self, builder: RequestBuilder) -> reqwest::Result<Response> {
        let mut request = builder.build()?;
        let url = request.url().clone();
        let header = {
            let jar = self.jar.lock().unwrap_or_else(PoisonError::into_inner);
            jar.get_request_values(&url).map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
        };
        // Stored values came from valid `Set-Cookie` text, so the header is valid; if not, none is sent.
        if let Ok(value) = HeaderValue::from_str(&header)
            && !header.is_empty()
        {
            request.headers_mut().insert(COOKIE, value);
        }
        let response = self.http.execute(request).await?;
        let cookies = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|s| RawCookie::parse(s.to_owned()).ok())
            .collect::<Vec<_>>();
        if !cookies.is_empty() {
            self.jar.lock().unwrap_or_else(PoisonError::into_inner).store_response_cookies(cookies.into_iter(), &url);
        }
        Ok(response)
    }
}

/// A request being built; [`Request::send`] adds the jar's cookies and keeps the response's.
pub(crate) struct Request {
    inner: RequestBuilder,
    client: CookieClient,
}

#[allow(dead_code)] // each user of the module needs a different subset
impl Request {
    pub(crate) fn form<T: serde::Serialize + ?Sized>(self, form: &T) -> Self {
        Self { inner: self.inner.form(form), ..self }
    }

    pub(crate) fn query<T: serde::Serialize + ?Sized>(self, query: &T) -> Self {
        Self { inner: self.inner.query(query), ..self }
    }

    pub(crate) fn basic_auth(self, user: impl std::fmt::Display, password: Option<impl std::fmt::Display>) -> Self {
        Self { inner: self.inner.basic_auth(user, password), ..self }
    }

    pub(crate) fn bearer_auth(self, token: impl std::fmt::Display) -> Self {
        Self { inner: self.inner.bearer_auth(token), ..self }
    }

    pub(crate) fn header(self, name: &str, value: &str) -> Self {
        Self { inner: self.inner.header(name, value), ..self }
    }

    pub(crate) fn body(self, body: impl Into<reqwest::Body>) -> Self {
        Self { inner: self.inner.body(body), ..self }
    }

    pub(crate) async fn send(self) -> reqwest::Result<Response> {
        self.client.send(self.inner).await
    }
}
