//! Checks over token endpoint responses, for every grant the harness uses: the evidence type, the
//! checks common to success and error answers (status, media type, JSON body) and the catalog.
//!
//! - [`success`]: a 200 answer (RFC 6749 section 5.1, OIDC Core 3.1.3.3).
//! - [`error`]: an error answer (RFC 6749 section 5.2).

use std::fmt;

use serde_json::{Map, Value};

use super::discovery::media_type_is;
use super::{Check, Verdict, must, should};
use crate::flow::GrantType;
use crate::spec;

pub mod error;
pub mod success;

#[cfg(test)]
mod tests;

/// What the harness saw from one token request. `Debug` redacts the tokens in the body.
#[derive(Clone)]
pub struct TokenResponseEvidence {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names lower-case, in order (repeated headers repeat).
    pub headers: Vec<(String, String)>,
    /// The body as JSON; `None` when it was not JSON.
    pub body: Option<Value>,
    /// The `scope` parameter sent (space-separated; empty when none was sent).
    pub requested_scope: String,
    /// Whether `openid` was among the requested scopes.
    pub openid_requested: bool,
    /// The grant of the request.
    pub grant: GrantType,
}

/// Body members holding credentials, redacted by `Debug`.
const SECRET_MEMBERS: &[&str] = &["access_token", "refresh_token", "id_token"];

impl fmt::Debug for TokenResponseEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut body = self.body.clone();
        if let Some(Value::Object(map)) = &mut body {
            for name in SECRET_MEMBERS {
                if let Some(v) = map.get_mut(*name) {
                    *v = Value::String("<redacted>".to_owned());
                }
            }
        }
        f.debug_struct("TokenResponseEvidence")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .field("requested_scope", &self.requested_scope)
            .field("openid_requested", &self.openid_requested)
            .field("grant", &self.grant)
            .finish()
    }
}

impl TokenResponseEvidence {
    /// All values of header `name` (lower-case), joined with ", ".
    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

type C = Check<TokenResponseEvidence>;

/// 200 OK.
pub const STATUS_OK: C = must("token.response.status_ok")
    .spec(spec::RFC6749_5_1)
    .title("the token request succeeds with 200 OK")
    .run(status_ok);
/// JSON media type.
pub const CONTENT_TYPE_JSON: C = should("token.response.content_type_json")
    .spec(spec::RFC6749_5_1)
    .title("the response (success or error) is application/json")
    .run(content_type_json);
/// JSON object body.
pub const BODY_OBJECT: C = must("token.response.body_json_object")
    .spec(spec::RFC6749_5_1)
    .title("the body (success or error) is a JSON object")
    .run(body_object);

/// A check list ending with the error-answer checks (RFC 6749 5.2), which [`CHECKS`] and
/// [`ERROR_CHECKS`] share.
macro_rules! then_error_checks {
    ($($check:expr,)*) => {
        &[
            $($check,)*
            error::ERROR_STATUS,
            error::ERROR_CODE_PRESENT,
            error::ERROR_CODE_REGISTERED,
            error::ERROR_DESCRIPTION,
            error::ERROR_URI,
            error::ERROR_401_CHALLENGE,
        ]
    };
}

/// Every token response check, in report order.
pub const CHECKS: &[C] = then_error_checks![
    STATUS_OK,
    CONTENT_TYPE_JSON,
    BODY_OBJECT,
    success::ACCESS_TOKEN,
    success::ACCESS_TOKEN_CHARSET,
    success::ACCESS_TOKEN_TYPED,
    success::TOKEN_TYPE_PRESENT,
    success::TOKEN_TYPE_BEARER,
    success::EXPIRES_IN_VALID,
    success::EXPIRES_IN_PRESENT,
    success::EXPIRES_IN_SENSIBLE,
    success::ID_TOKEN_PRESENT,
    success::SCOPE_WELL_FORMED,
    success::CACHE_CONTROL,
    success::PRAGMA,
    success::REFRESH_TOKEN_VALID,
    success::REFRESH_TOKEN_CHARSET,
    success::SUCCESS_NO_ERROR,
];

/// The checks of an error answer (RFC 6749 5.2), for modules that provoke refusals.
pub const ERROR_CHECKS: &[C] = then_error_checks![];

/// The body object of a 200 response, or a skip.
fn success(e: &TokenResponseEvidence) -> Result<&Map<String, Value>, Verdict> {
    if e.status != 200 {
        return Err(Verdict::skip(format!(
            "not a successful response (status {})",
            e.status
        )));
    }
    e.body
        .as_ref()
        .and_then(Value::as_object)
        .ok_or_else(|| Verdict::skip("body is not a JSON object"))
}

/// The body object of a non-200 response, or a skip.
fn error_body(e: &TokenResponseEvidence) -> Result<&Map<String, Value>, Verdict> {
    if e.status == 200 {
        return Err(Verdict::skip("not an error response"));
    }
    e.body
        .as_ref()
        .and_then(Value::as_object)
        .ok_or_else(|| Verdict::skip("body is not a JSON object"))
}

/// Runs `f` on the success body, passing a skip through.
fn on_success(
    e: &TokenResponseEvidence,
    f: impl FnOnce(&Map<String, Value>) -> Verdict,
) -> Verdict {
    success(e).map_or_else(|skip| skip, f)
}

/// Runs `f` on the error body, passing a skip through.
fn on_error(e: &TokenResponseEvidence, f: impl FnOnce(&Map<String, Value>) -> Verdict) -> Verdict {
    error_body(e).map_or_else(|skip| skip, f)
}

/// Whether a header value lists `directive` (comma-separated, case-insensitive).
fn has_directive(value: &str, directive: &str) -> bool {
    value
        .split(',')
        .any(|d| d.trim().eq_ignore_ascii_case(directive))
}

/// Shows a JSON value in a message.
fn shown(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn status_ok(e: &TokenResponseEvidence) -> Verdict {
    if e.status == 200 {
        Verdict::Pass
    } else {
        let error = e
            .body
            .as_ref()
            .and_then(|b| b.get("error"))
            .map(shown)
            .unwrap_or_default();
        Verdict::mismatch(
            format!("expected 200 OK (found {} {error})", e.status),
            "200",
            e.status.to_string(),
        )
    }
}

fn content_type_json(e: &TokenResponseEvidence) -> Verdict {
    let Some(ct) = e.header("content-type") else {
        return Verdict::fail("expected Content-Type application/json (found none)");
    };
    if media_type_is(&ct, "application/json") {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            "expected Content-Type application/json",
            "application/json",
            ct,
        )
    }
}

fn body_object(e: &TokenResponseEvidence) -> Verdict {
    match &e.body {
        Some(Value::Object(_)) => Verdict::Pass,
        Some(other) => Verdict::fail(format!(
            "expected a JSON object (found {})",
            crate::jose::json_kind(other)
        )),
        None => Verdict::fail("expected a JSON object (found a body that is not JSON)"),
    }
}

/// Pass when `name` is a non-empty string, fail otherwise.
fn non_empty_string(body: &Map<String, Value>, name: &str) -> Verdict {
    match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Verdict::Pass,
        Some(Value::String(_)) => {
            Verdict::fail(format!("expected a non-empty {name} (found \"\")"))
        }
        Some(other) => Verdict::fail(format!(
            "expected {name} as a string (found {})",
            shown(other)
        )),
        None => Verdict::fail(format!("expected {name} (found none)")),
    }
}
