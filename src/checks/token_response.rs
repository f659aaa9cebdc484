//! Checks over token endpoint responses, successful (RFC 6749 section 5.1, OIDC Core 3.1.3.3)
//! and error (RFC 6749 section 5.2), for every grant the harness uses.

use std::fmt;

use serde_json::{Map, Value};

use super::{Check, CheckDef, Level, Verdict};

/// What the harness saw from one token request. `Debug` redacts the tokens in the body.
#[derive(Clone, Default)]
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
    /// `authorization_code`, `refresh_token` or `client_credentials`.
    pub grant: String,
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

/// Longest `expires_in` considered sensible for an access token: one year.
pub const MAX_SENSIBLE_EXPIRES_IN: i64 = 365 * 24 * 3600;

/// Error codes a token endpoint may return: RFC 6749 section 5.2 plus registered extensions
/// that apply to the token endpoint (RFC 8707, RFC 8628, RFC 9449).
pub const TOKEN_ERROR_CODES: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
    "authorization_pending",
    "slow_down",
    "access_denied",
    "expired_token",
    "invalid_dpop_proof",
    "use_dpop_nonce",
];

const fn check(
    id: &'static str,
    title: &'static str,
    spec: &'static str,
    level: Level,
    run: fn(&TokenResponseEvidence) -> Verdict,
) -> Check<TokenResponseEvidence> {
    Check {
        def: CheckDef {
            id,
            title,
            spec,
            level,
        },
        run,
    }
}

type C = Check<TokenResponseEvidence>;

/// 200 OK.
pub const STATUS_OK: C = check(
    "token.response.status_ok",
    "the token request succeeds with 200 OK",
    "RFC6749-5.1",
    Level::Must,
    status_ok,
);
/// JSON media type.
pub const CONTENT_TYPE_JSON: C = check(
    "token.response.content_type_json",
    "the response (success or error) is application/json",
    "RFC6749-5.1",
    Level::Must,
    content_type_json,
);
/// JSON object body.
pub const BODY_OBJECT: C = check(
    "token.response.body_json_object",
    "the body (success or error) is a JSON object",
    "RFC6749-5.1",
    Level::Must,
    body_object,
);
/// access_token.
pub const ACCESS_TOKEN: C = check(
    "token.access_token.present",
    "access_token is a non-empty string",
    "RFC6749-5.1",
    Level::Must,
    access_token,
);
/// access_token character set.
pub const ACCESS_TOKEN_CHARSET: C = check(
    "token.access_token.charset",
    "access_token uses only printable ASCII (%x20-7E)",
    "RFC6749-A.12",
    Level::Must,
    access_token_charset,
);
/// token_type present.
pub const TOKEN_TYPE_PRESENT: C = check(
    "token.token_type.present",
    "token_type is present as a string",
    "RFC6749-5.1",
    Level::Must,
    token_type_present,
);
/// token_type Bearer.
pub const TOKEN_TYPE_BEARER: C = check(
    "token.token_type.bearer",
    "token_type is Bearer (compared case-insensitively)",
    "OIDCC-3.1.3.3",
    Level::Must,
    token_type_bearer,
);
/// expires_in type.
pub const EXPIRES_IN_VALID: C = check(
    "token.expires_in.valid",
    "expires_in, when present, is a positive integer number of seconds",
    "RFC6749-5.1",
    Level::Must,
    expires_in_valid,
);
/// expires_in recommended.
pub const EXPIRES_IN_PRESENT: C = check(
    "token.expires_in.present",
    "expires_in is present (RECOMMENDED)",
    "RFC6749-5.1",
    Level::Should,
    expires_in_present,
);
/// expires_in bounded.
pub const EXPIRES_IN_SENSIBLE: C = check(
    "token.expires_in.sensible",
    "expires_in is at most one year",
    "RFC6749-5.1",
    Level::Should,
    expires_in_sensible,
);
/// id_token returned for openid code exchange.
pub const ID_TOKEN_PRESENT: C = check(
    "token.id_token.present",
    "an authorization_code exchange for an openid request returns an id_token string",
    "OIDCC-3.1.3.3",
    Level::Must,
    id_token_present,
);
/// scope syntax.
pub const SCOPE_WELL_FORMED: C = check(
    "token.scope.well_formed",
    "scope, when returned, is a space-separated list of scope tokens",
    "RFC6749-3.3",
    Level::Must,
    scope_well_formed,
);
/// Cache-Control no-store.
pub const CACHE_CONTROL: C = check(
    "token.cache_control.no_store",
    "a response carrying tokens has Cache-Control: no-store",
    "RFC6749-5.1",
    Level::Must,
    cache_control,
);
/// Pragma no-cache.
pub const PRAGMA: C = check(
    "token.pragma.no_cache",
    "a response carrying tokens has Pragma: no-cache (legacy HTTP/1.0 caches)",
    "RFC6749-5.1",
    Level::Should,
    pragma,
);
/// refresh_token type.
pub const REFRESH_TOKEN_VALID: C = check(
    "token.refresh_token.valid",
    "refresh_token, when present, is a non-empty string",
    "RFC6749-5.1",
    Level::Must,
    refresh_token_valid,
);
/// refresh_token character set.
pub const REFRESH_TOKEN_CHARSET: C = check(
    "token.refresh_token.charset",
    "refresh_token uses only printable ASCII (%x20-7E)",
    "RFC6749-A.17",
    Level::Must,
    refresh_token_charset,
);
/// No error member on success.
pub const SUCCESS_NO_ERROR: C = check(
    "token.success.no_error_field",
    "a 200 response carries no `error` member (errors use 400/401)",
    "RFC6749-5.2",
    Level::Must,
    success_no_error,
);
/// Error status.
pub const ERROR_STATUS: C = check(
    "token.error.status",
    "an error response uses 400, or 401 for invalid_client",
    "RFC6749-5.2",
    Level::Must,
    error_status,
);
/// Error code present.
pub const ERROR_CODE_PRESENT: C = check(
    "token.error.code_present",
    "an error response has an `error` string",
    "RFC6749-5.2",
    Level::Must,
    error_code_present,
);
/// Error code registered.
pub const ERROR_CODE_REGISTERED: C = check(
    "token.error.code_registered",
    "`error` is one of the RFC 6749 section 5.2 codes (or a registered token endpoint extension)",
    "RFC6749-5.2",
    Level::Must,
    error_code_registered,
);
/// error_description charset.
pub const ERROR_DESCRIPTION: C = check(
    "token.error.description_charset",
    "error_description, when present, uses only %x20-21 / %x23-5B / %x5D-7E",
    "RFC6749-5.2",
    Level::Must,
    error_description,
);
/// error_uri syntax.
pub const ERROR_URI: C = check(
    "token.error.uri_valid",
    "error_uri, when present, is an absolute URI",
    "RFC6749-5.2",
    Level::Must,
    error_uri,
);
/// WWW-Authenticate on 401.
pub const ERROR_401_CHALLENGE: C = check(
    "token.error.www_authenticate_on_401",
    "a 401 error response includes WWW-Authenticate",
    "RFC6749-5.2",
    Level::Must,
    www_authenticate_on_401,
);

/// Every token response check, in report order.
pub const CHECKS: &[C] = &[
    STATUS_OK,
    CONTENT_TYPE_JSON,
    BODY_OBJECT,
    ACCESS_TOKEN,
    ACCESS_TOKEN_CHARSET,
    TOKEN_TYPE_PRESENT,
    TOKEN_TYPE_BEARER,
    EXPIRES_IN_VALID,
    EXPIRES_IN_PRESENT,
    EXPIRES_IN_SENSIBLE,
    ID_TOKEN_PRESENT,
    SCOPE_WELL_FORMED,
    CACHE_CONTROL,
    PRAGMA,
    REFRESH_TOKEN_VALID,
    REFRESH_TOKEN_CHARSET,
    SUCCESS_NO_ERROR,
    ERROR_STATUS,
    ERROR_CODE_PRESENT,
    ERROR_CODE_REGISTERED,
    ERROR_DESCRIPTION,
    ERROR_URI,
    ERROR_401_CHALLENGE,
];

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
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" {
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

fn access_token(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| non_empty_string(b, "access_token"))
}

/// RFC 6749 A.12 / A.17: `1*VSCHAR`, VSCHAR = %x20-7E.
fn vschar_only(e: &TokenResponseEvidence, name: &str) -> Verdict {
    on_success(e, |b| match b.get(name).and_then(Value::as_str) {
        None => Verdict::skip(format!("no string {name}")),
        Some(t) => Verdict::check(
            t.bytes().all(|c| (0x20..=0x7E).contains(&c)),
            format!("expected {name} in printable ASCII (found other characters)"),
        ),
    })
}

fn access_token_charset(e: &TokenResponseEvidence) -> Verdict {
    vschar_only(e, "access_token")
}

fn refresh_token_charset(e: &TokenResponseEvidence) -> Verdict {
    vschar_only(e, "refresh_token")
}

fn token_type_present(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| non_empty_string(b, "token_type"))
}

fn token_type_bearer(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("token_type").and_then(Value::as_str) {
        None => Verdict::skip("no token_type"),
        Some(t) if t.eq_ignore_ascii_case("bearer") => Verdict::Pass,
        Some(t) => Verdict::mismatch(
            format!("expected token_type Bearer (found {t:?})"),
            "Bearer",
            t,
        ),
    })
}

fn expires_in_valid(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("expires_in") {
        None => Verdict::skip("no expires_in"),
        Some(v) if v.as_i64().is_some_and(|n| n > 0) => Verdict::Pass,
        Some(v) => Verdict::fail(format!(
            "expected a positive integer expires_in (found {})",
            shown(v)
        )),
    })
}

fn expires_in_present(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| {
        Verdict::check(
            b.contains_key("expires_in"),
            "expected expires_in (found none)",
        )
    })
}

fn expires_in_sensible(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("expires_in").and_then(Value::as_i64) {
        None => Verdict::skip("no integer expires_in"),
        Some(n) if n <= MAX_SENSIBLE_EXPIRES_IN => Verdict::Pass,
        Some(n) => Verdict::fail(format!(
            "expected expires_in ≤ {MAX_SENSIBLE_EXPIRES_IN} s (found {n})"
        )),
    })
}

fn id_token_present(e: &TokenResponseEvidence) -> Verdict {
    if e.grant != "authorization_code" || !e.openid_requested {
        return Verdict::skip(
            "id_token is only required for an authorization_code exchange of an openid request",
        );
    }
    on_success(e, |b| non_empty_string(b, "id_token"))
}

/// RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
fn scope_well_formed(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("scope") {
        None => Verdict::skip("no scope returned (granted scope equals the requested one)"),
        Some(Value::String(s)) => {
            let token_ok = |t: &str| {
                !t.is_empty()
                    && t.bytes().all(|c| {
                        c == 0x21 || (0x23..=0x5B).contains(&c) || (0x5D..=0x7E).contains(&c)
                    })
            };
            Verdict::check(
                s.split(' ').all(token_ok),
                format!("expected space-separated scope tokens (found {s:?})"),
            )
        }
        Some(other) => Verdict::fail(format!(
            "expected scope as a string (found {})",
            shown(other)
        )),
    })
}

fn cache_control(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |_| match e.header("cache-control") {
        Some(v) if has_directive(&v, "no-store") => Verdict::Pass,
        Some(v) => Verdict::mismatch("expected Cache-Control no-store", "no-store", v),
        None => Verdict::fail("expected Cache-Control: no-store (found no Cache-Control)"),
    })
}

fn pragma(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |_| match e.header("pragma") {
        Some(v) if has_directive(&v, "no-cache") => Verdict::Pass,
        Some(v) => Verdict::mismatch("expected Pragma no-cache", "no-cache", v),
        None => Verdict::fail("expected Pragma: no-cache (found no Pragma)"),
    })
}

fn refresh_token_valid(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| {
        if b.contains_key("refresh_token") {
            non_empty_string(b, "refresh_token")
        } else {
            Verdict::skip("no refresh_token")
        }
    })
}

fn success_no_error(e: &TokenResponseEvidence) -> Verdict {
    on_success(e, |b| match b.get("error") {
        None => Verdict::Pass,
        Some(v) => Verdict::fail(format!(
            "expected no `error` in a 200 response (found {})",
            shown(v)
        )),
    })
}

fn error_status(e: &TokenResponseEvidence) -> Verdict {
    if e.status == 200 {
        return Verdict::skip("not an error response");
    }
    let code = e
        .body
        .as_ref()
        .and_then(|b| b.get("error"))
        .and_then(Value::as_str);
    match (e.status, code) {
        (400, _) | (401, Some("invalid_client")) => Verdict::Pass,
        (401, _) => Verdict::fail(format!(
            "expected 401 only with invalid_client (found error {code:?})"
        )),
        (s, _) => Verdict::mismatch(
            format!("expected 400 for a token error (found {s})"),
            "400",
            s.to_string(),
        ),
    }
}

fn error_code_present(e: &TokenResponseEvidence) -> Verdict {
    on_error(e, |b| non_empty_string(b, "error"))
}

fn error_code_registered(e: &TokenResponseEvidence) -> Verdict {
    on_error(e, |b| match b.get("error").and_then(Value::as_str) {
        None => Verdict::skip("no error code"),
        Some(code) if TOKEN_ERROR_CODES.contains(&code) => Verdict::Pass,
        Some(code) => Verdict::fail(format!(
            "expected an RFC 6749 5.2 error code (found {code:?})"
        )),
    })
}

fn error_description(e: &TokenResponseEvidence) -> Verdict {
    on_error(e, |b| match b.get("error_description") {
        None => Verdict::skip("no error_description"),
        Some(Value::String(s)) => Verdict::check(
            s.bytes()
                .all(|c| matches!(c, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)),
            "expected error_description in printable ASCII without '\"' or '\\' (found other characters)",
        ),
        Some(other) => Verdict::fail(format!(
            "expected error_description as a string (found {})",
            shown(other)
        )),
    })
}

fn error_uri(e: &TokenResponseEvidence) -> Verdict {
    on_error(e, |b| match b.get("error_uri") {
        None => Verdict::skip("no error_uri"),
        Some(Value::String(s)) => Verdict::check(
            url::Url::parse(s).is_ok(),
            format!("expected an absolute URI (found {s:?})"),
        ),
        Some(other) => Verdict::fail(format!(
            "expected error_uri as a string (found {})",
            shown(other)
        )),
    })
}

fn www_authenticate_on_401(e: &TokenResponseEvidence) -> Verdict {
    if e.status != 401 {
        return Verdict::skip(format!("status {} is not 401", e.status));
    }
    Verdict::check(
        e.header("www-authenticate").is_some(),
        "expected WWW-Authenticate on 401 (found none)",
    )
}

#[cfg(test)]
#[path = "tests/token_response.rs"]
mod tests;
