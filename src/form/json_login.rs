//! Logging in through a JSON API, for providers whose login page is a JavaScript app with no
//! HTML form: the profile's `[hints.json_login]` ([`JsonLogin`]) says which request the app
//! sends and where the browser goes afterwards.
//!
//! Templates use `{name}` placeholders: `{origin}`, `{url}`, `{path}` and `{query.NAME}` of the
//! login page URL, `{cookie.NAME}` of its cookies, `{username}`, `{password}`, `{take.NAME}`
//! (a value taken from the JSON answer of an earlier step, see [`JsonStep`]), and in
//! `continue` also `{json.a.b}` or `{json./a/b}` (a field or JSON pointer of the API's answer).
//! A `{` not followed by a name and `}` is literal, so JSON bodies need no escaping. Values are
//! escaped for where they land: JSON string content in a JSON body, percent-encoding in a form
//! body and in URLs (except `{origin}`, `{url}`, `{path}` and `{json.*}`, inserted as they are);
//! `{raw:NAME}` inserts any value as it is (`{raw:query.next}` for an already-encoded URL).
//! Everything here is pure; the driver sends the requests and follows the answer.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::http::{HttpRequest, HttpResponse};

/// How the login page's script logs in (`[hints.json_login]` of a target profile).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonLogin {
    /// Only pages whose URL path starts with this (or whose URL starts with it, when absolute)
    /// are login pages; default: any page without a form that answers 2xx.
    #[serde(default)]
    pub page: Option<String>,
    /// URL template of the login API, e.g. `{origin}/api/login`.
    pub url: String,
    /// HTTP method (default `POST`).
    #[serde(default = "default_method")]
    pub method: String,
    /// Body template, e.g. `{"username": "{username}", "password": "{password}"}`.
    pub body: String,
    /// Content type of the body (default `application/json`).
    #[serde(default = "default_content_type")]
    pub content_type: String,
    /// Where to go after a 2xx answer (URL template; default `{url}`, the login page again).
    /// A 3xx answer is followed to its `Location` instead.
    #[serde(default, rename = "continue")]
    pub continue_to: Option<String>,
    /// Cookie whose value is sent in `csrf_header`.
    #[serde(default)]
    pub csrf_cookie: Option<String>,
    /// Header carrying the `csrf_cookie` value (default `X-CSRF-Token`).
    #[serde(default)]
    pub csrf_header: Option<String>,
    /// More headers of the login request (name → value template), e.g.
    /// `{ "X-CSRF-Token" = "{take.csrf}" }`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Requests the app sends before the login, in order (`[[hints.json_login.before]]`), e.g.
    /// to fetch the interaction's state and its CSRF token.
    #[serde(default)]
    pub before: Vec<JsonStep>,
    /// The consent page's call (`[hints.json_login.consent]`): the same fields, `page` naming
    /// the consent page, `{take.decision}` the choice (`allow` or `deny`).
    #[serde(default)]
    pub consent: Option<Box<JsonLogin>>,
}

/// One request sent before the login request; values of its JSON answer become `{take.NAME}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonStep {
    /// HTTP method (default `GET`).
    #[serde(default = "default_get")]
    pub method: String,
    /// URL template.
    pub url: String,
    /// Body template (none by default).
    #[serde(default)]
    pub body: Option<String>,
    /// Content type of the body (default `application/json`).
    #[serde(default = "default_content_type")]
    pub content_type: String,
    /// Headers (name → value template).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// What to take from the 2xx JSON answer: name → field (`a.b`) or JSON pointer (`/a/b`).
    #[serde(default)]
    pub take: BTreeMap<String, String>,
}

fn default_get() -> String {
    "GET".into()
}

impl JsonStep {
    /// The request of this step.
    pub fn request(&self, vars: &Vars<'_>) -> Result<HttpRequest, String> {
        let url = render_url(&self.url, vars, vars.page)?;
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut req = HttpRequest { method, ..HttpRequest::get(url) }.header("Accept", "application/json");
        if let Some(body) = &self.body {
            let escape = if self.content_type.contains("x-www-form-urlencoded") { Escape::Form } else { Escape::Json };
            req = req.with_body(&self.content_type, render(body, vars, escape)?);
        }
        with_headers(req, &self.headers, vars)
    }

    /// The values to take from this step's answer (`index` names the step in messages).
    pub fn take_from(&self, resp: &HttpResponse, index: usize) -> Result<Vec<(String, String)>, String> {
        if !(200..300).contains(&resp.status) {
            return Err(format!("expected a 2xx answer to hints.json_login.before[{index}] (found {})", resp.status));
        }
        let json = resp.json().unwrap_or(Value::Null);
        self.take
            .iter()
            .map(|(name, path)| match json.pointer(&pointer(path)) {
                Some(Value::String(s)) => Ok((name.clone(), s.clone())),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok((name.clone(), v.to_string())),
                _ => Err(format!("expected JSON field {path} in the answer to hints.json_login.before[{index}] (found none)")),
            })
            .collect()
    }
}

/// Adds rendered header templates (values are inserted as they are).
fn with_headers(mut req: HttpRequest, headers: &BTreeMap<String, String>, vars: &Vars<'_>) -> Result<HttpRequest, String> {
    for (name, template) in headers {
        let value = render(template, vars, Escape::Raw)?;
        req = req.header(name, value);
    }
    Ok(req)
}

/// A field path (`a.b`) or JSON pointer (`/a/b`) as a JSON pointer.
fn pointer(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        path.split('.').map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
    }
}

fn default_method() -> String {
    "POST".into()
}

fn default_content_type() -> String {
    "application/json".into()
}

/// Statuses of the login API that mean a wrong configuration, not wrong credentials.
const NOT_A_REJECTION: &[u16] = &[404, 405, 406, 415];

/// Where a placeholder's value lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    /// Inside a JSON string.
    Json,
    /// A form-urlencoded value.
    Form,
    /// Part of a URL.
    Url,
    /// As it is (header values).
    Raw,
}

/// What the templates can refer to.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    /// The login page URL.
    pub page: &'a Url,
    /// The page's cookies as a `Cookie` header value (`a=1; b=2`).
    pub cookies: Option<&'a str>,
    /// Login name.
    pub username: &'a str,
    /// Password.
    pub password: &'a str,
    /// The login API's JSON answer (for `continue`).
    pub json: Option<&'a Value>,
    /// Values taken from earlier steps' answers (`{take.NAME}`).
    pub taken: &'a [(String, String)],
}

impl Vars<'_> {
    /// The value of one placeholder and whether it is inserted without escaping.
    fn lookup(&self, name: &str) -> Result<(String, bool), String> {
        let page = self.page;
        let missing = |what: &str| Err(format!("expected {what} for {{{name}}} (found none)"));
        if let Some(q) = name.strip_prefix("query.") {
            return match page.query_pairs().find(|(k, _)| k == q) {
                Some((_, v)) => Ok((v.into_owned(), false)),
                None => missing(&format!("query parameter {q} in the login page URL")),
            };
        }
        if let Some(c) = name.strip_prefix("cookie.") {
            return match self.cookie(c) {
                Some(v) => Ok((v, false)),
                None => missing(&format!("a cookie {c}")),
            };
        }
        if let Some(t) = name.strip_prefix("take.") {
            return match self.taken.iter().find(|(k, _)| k == t) {
                Some((_, v)) => Ok((v.clone(), false)),
                None => missing(&format!("a value {t} taken by a hints.json_login.before step")),
            };
        }
        if let Some(path) = name.strip_prefix("json.") {
            let Some(json) = self.json else {
                return missing("the login API's JSON answer");
            };
            return match json.pointer(&pointer(path)) {
                Some(Value::String(s)) => Ok((s.clone(), true)),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok((v.to_string(), true)),
                _ => missing(&format!("JSON field {path} in the login API's answer")),
            };
        }
        match name {
            "origin" => Ok((page.origin().ascii_serialization(), true)),
            "url" => Ok((page.as_str().to_owned(), true)),
            "path" => Ok((page.path().to_owned(), true)),
            "username" => Ok((self.username.to_owned(), false)),
            "password" => Ok((self.password.to_owned(), false)),
            other => Err(format!("expected a known placeholder (found {{{other}}})")),
        }
    }

    /// One cookie's value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies?.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_owned())
    }
}

/// Whether `c` may appear in a placeholder name.
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '~')
}

/// Replaces every `{name}` in `template`.
fn render(template: &str, vars: &Vars<'_>, escape: Escape) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let (forced_raw, name_at) = if after.starts_with("raw:") { (true, 4) } else { (false, 0) };
        let len = after[name_at..].find(|c: char| !name_char(c)).map_or(after.len(), |l| l + name_at);
        if len == name_at || !after[len..].starts_with('}') {
            out.push('{');
            rest = after;
            continue;
        }
        let (value, raw) = vars.lookup(&after[name_at..len])?;
        out.push_str(&match (escape, raw) {
            _ if forced_raw => value,
            (Escape::Raw, _) | (Escape::Url, true) => value,
            (Escape::Json, _) => {
                let quoted = Value::String(value).to_string();
                quoted[1..quoted.len() - 1].to_owned()
            }
            (Escape::Form | Escape::Url, _) => url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        });
        rest = &after[len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A rendered URL template, resolved against `base`.
fn render_url(template: &str, vars: &Vars<'_>, base: &Url) -> Result<Url, String> {
    let s = render(template, vars, Escape::Url)?;
    base.join(&s).map_err(|e| format!("expected a URL from {template:?} (found {s:?}: {e})"))
}

impl JsonLogin {
    /// Whether the configuration is usable (checked when the profile is loaded).
    pub fn validate(&self) -> Result<(), String> {
        if reqwest::Method::from_bytes(self.method.as_bytes()).is_err() {
            return Err(format!("hints.json_login.method must be an HTTP method (found {:?})", self.method));
        }
        if self.csrf_header.is_some() && self.csrf_cookie.is_none() {
            return Err("hints.json_login.csrf_header needs csrf_cookie".into());
        }
        for (i, step) in self.before.iter().enumerate() {
            if reqwest::Method::from_bytes(step.method.as_bytes()).is_err() {
                return Err(format!("hints.json_login.before[{i}].method must be an HTTP method (found {:?})", step.method));
            }
        }
        Ok(())
    }

    /// Whether the page at `url` is the login page (see [`JsonLogin::page`]).
    pub fn is_login_page(&self, url: &Url) -> bool {
        match self.page.as_deref() {
            None => true,
            Some(p) if p.starts_with('/') => url.path().starts_with(p),
            Some(p) => url.as_str().starts_with(p),
        }
    }

    /// The request the login page's script would send.
    pub fn request(&self, vars: &Vars<'_>) -> Result<HttpRequest, String> {
        let url = render_url(&self.url, vars, vars.page)?;
        let escape = if self.content_type.contains("x-www-form-urlencoded") { Escape::Form } else { Escape::Json };
        let body = render(&self.body, vars, escape)?;
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut req = HttpRequest { method, ..HttpRequest::get(url) }
            .with_body(&self.content_type, body)
            .header("Accept", "application/json")
            .header("Origin", vars.page.origin().ascii_serialization());
        if let Some(cookie) = &self.csrf_cookie {
            let value = vars.cookie(cookie).ok_or_else(|| format!("expected a cookie {cookie} for the login API's CSRF header (found none)"))?;
            req = req.header(self.csrf_header.as_deref().unwrap_or("X-CSRF-Token"), value);
        }
        with_headers(req, &self.headers, vars)
    }

    /// What the login API's answer means.
    pub fn judge(&self, resp: &HttpResponse, vars: &Vars<'_>) -> ApiAnswer {
        let status = resp.status;
        if resp.is_redirect() {
            return match resp.location() {
                Some(u) => ApiAnswer::Continue(u),
                None => ApiAnswer::Failed("expected a valid Location from the login API (found an unparsable one)".into()),
            };
        }
        match status {
            200..=299 => {
                let json = resp.json();
                let vars = Vars { json: json.as_ref(), ..*vars };
                match render_url(self.continue_to.as_deref().unwrap_or("{url}"), &vars, &resp.url) {
                    Ok(u) => ApiAnswer::Continue(u),
                    Err(e) => ApiAnswer::Failed(e),
                }
            }
            s if NOT_A_REJECTION.contains(&s) => {
                ApiAnswer::Failed(format!("expected the login API to accept the request (found {s}: check hints.json_login url, method and content_type)"))
            }
            400..=499 => ApiAnswer::Rejected,
            s => ApiAnswer::Failed(format!("expected an answer from the login API (found {s})")),
        }
    }
}

/// What the login API's answer means for the drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiAnswer {
    /// Logged in: the browser goes here next.
    Continue(Url),
    /// The credentials were refused (a 4xx answer).
    Rejected,
    /// No way forward (server error, misconfiguration, missing continue field).
    Failed(String),
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
