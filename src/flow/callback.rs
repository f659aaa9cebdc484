//! Authorization responses as they reach the client: from the redirect_uri's query, its
//! fragment, or a `form_post` page. Parsing is pure and keeps every parameter, in order and
//! with repeats, so checks can judge duplicates and unexpected parameters.

use url::{Url, form_urlencoded};

use crate::form::{Form, FormMethod};

/// Where the authorization response parameters were carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseSource {
    /// The query of the redirect (`response_mode=query`).
    Query,
    /// The fragment of the redirect (`response_mode=fragment`).
    Fragment,
    /// An auto-submitted POST form (`response_mode=form_post`).
    FormPost,
}

impl ResponseSource {
    /// The response mode that carries parameters this way, as evidence names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseSource::Query => "query",
            ResponseSource::Fragment => "fragment",
            ResponseSource::FormPost => "form_post",
        }
    }
}

impl std::fmt::Display for ResponseSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parameters returned to the client's redirect_uri.
///
/// `url` is the full callback URL and may contain the code: redact it before reporting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationResponse {
    /// How the parameters arrived.
    pub source: ResponseSource,
    /// The callback URL (redirect target or form action).
    pub url: String,
    /// Every response parameter in order, repeats kept (the redirect_uri's own query excluded).
    pub params: Vec<(String, String)>,
}

impl AuthorizationResponse {
    /// First value of a parameter.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    /// How many times a parameter occurs.
    pub fn count(&self, k: &str) -> usize {
        self.params.iter().filter(|(n, _)| n == k).count()
    }

    /// The `code` parameter.
    pub fn code(&self) -> Option<&str> {
        self.get("code")
    }

    /// The `state` parameter.
    pub fn state(&self) -> Option<&str> {
        self.get("state")
    }

    /// The `iss` parameter (RFC 9207).
    pub fn iss(&self) -> Option<&str> {
        self.get("iss")
    }

    /// The `error` parameter.
    pub fn error(&self) -> Option<&str> {
        self.get("error")
    }

    /// The `error_description` parameter.
    pub fn error_description(&self) -> Option<&str> {
        self.get("error_description")
    }
}

/// Whether `candidate` targets `redirect_uri`: same scheme, host, port and path, and every
/// query parameter of the registered redirect_uri present.
pub fn matches_redirect_uri(candidate: &Url, redirect_uri: &Url) -> bool {
    if candidate.scheme() != redirect_uri.scheme()
        || candidate.host_str().map(str::to_ascii_lowercase)
            != redirect_uri.host_str().map(str::to_ascii_lowercase)
        || candidate.port_or_known_default() != redirect_uri.port_or_known_default()
        || candidate.path() != redirect_uri.path()
    {
        return false;
    }
    let have: Vec<(String, String)> = candidate.query_pairs().into_owned().collect();
    redirect_uri.query_pairs().into_owned().all(|p| have.contains(&p))
}

/// Parses a redirect to the redirect_uri: the query parameters beyond the redirect_uri's own,
/// or, when the query adds none, the fragment parameters.
pub fn parse_redirect(location: &Url, redirect_uri: &Url) -> Option<AuthorizationResponse> {
    if !matches_redirect_uri(location, redirect_uri) {
        return None;
    }
    let mut params: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    for registered in redirect_uri.query_pairs().into_owned() {
        if let Some(i) = params.iter().position(|p| *p == registered) {
            params.remove(i);
        }
    }
    let fragment = location.fragment().filter(|f| !f.is_empty());
    let (source, params) = match fragment {
        Some(f) if params.is_empty() => {
            (ResponseSource::Fragment, form_urlencoded::parse(f.as_bytes()).into_owned().collect())
        }
        _ => (ResponseSource::Query, params),
    };
    Some(AuthorizationResponse { source, url: location.to_string(), params })
}

/// Reads a `form_post` page's form when it posts to the redirect_uri.
pub fn parse_form_post(form: &Form, redirect_uri: &Url) -> Option<AuthorizationResponse> {
    if form.method != FormMethod::Post || !matches_redirect_uri(&form.action, redirect_uri) {
        return None;
    }
    Some(AuthorizationResponse {
        source: ResponseSource::FormPost,
        url: form.action.to_string(),
        params: form.fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect(),
    })
}

#[cfg(test)]
mod tests;
