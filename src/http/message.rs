//! Plain request and response values exchanged by the [`Browser`](super::Browser) and the
//! [`BackChannel`](super::BackChannel).
//!
//! They carry no reqwest types besides [`reqwest::Method`], so protocol code can build requests
//! and interpret responses without touching the network.

use url::Url;

use super::StepLabel;

/// One HTTP request, as the agent will send it. `Debug` shows names, never values.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Absolute target URL (query included).
    pub url: Url,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
    /// Form body (`application/x-www-form-urlencoded`), if any.
    pub form: Option<Vec<(String, String)>>,
    /// HTTP Basic credentials (client id, client secret).
    pub basic_auth: Option<(String, String)>,
    /// Bearer token for the `Authorization` header.
    pub bearer: Option<String>,
    /// The step for load metrics; never sent.
    pub label: Option<StepLabel>,
    /// Any other body (its `Content-Type` is among `headers`); ignored when `form` is set.
    pub body: Option<String>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &format_args!("{}", &self.url[..url::Position::AfterPath]))
            .field("headers", &names(&self.headers))
            .field("form", &self.form.as_deref().map(names))
            .field("basic_auth", &self.basic_auth.as_ref().map(|(id, _)| id))
            .field("bearer", &self.bearer.as_ref().map(|_| "[redacted]"))
            .field("body", &self.body.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl HttpRequest {
    /// A GET request without body.
    pub fn get(url: Url) -> Self {
        HttpRequest {
            method: reqwest::Method::GET,
            url,
            headers: Vec::new(),
            form: None,
            basic_auth: None,
            bearer: None,
            label: None,
            body: None,
        }
    }

    /// A POST request with a form body.
    pub fn post_form(url: Url, fields: Vec<(String, String)>) -> Self {
        HttpRequest { method: reqwest::Method::POST, form: Some(fields), ..HttpRequest::get(url) }
    }

    /// Sets a raw body with its `Content-Type` (e.g. a JSON login API call).
    pub fn with_body(self, content_type: &str, body: String) -> Self {
        HttpRequest { body: Some(body), ..self.header("Content-Type", content_type) }
    }

    /// Adds a request header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Authenticates with HTTP Basic (`client_secret_basic`).
    pub fn basic(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.basic_auth = Some((id.into(), secret.into()));
        self
    }

    /// Names the step this request belongs to (load metrics group by it).
    pub fn labelled(mut self, label: StepLabel) -> Self {
        self.label = Some(label);
        self
    }

    /// Authenticates with a bearer token.
    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }
}

/// One HTTP response with its body read in full (within the agent's size cap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// The URL that was requested (the agent never follows redirects).
    pub url: Url,
    /// Headers with lower-case names, in order, repeated headers kept.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// First value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The `Location` header resolved against the request URL, if present and valid.
    pub fn location(&self) -> Option<Url> {
        self.header("location").and_then(|l| self.url.join(l.trim()).ok())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        self.text_ref().into_owned()
    }

    /// The body as text without a copy when it is valid UTF-8 (invalid UTF-8 replaced).
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&self.body),
        }
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Whether the status is a redirect that carries a `Location` (301, 302, 303, 307, 308).
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308) && self.header("location").is_some()
    }
}
