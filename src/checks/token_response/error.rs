//! Token response checks on an error answer: status, `error` code, `error_description`,
//! `error_uri` and the 401 challenge (RFC 6749 section 5.2).

use serde_json::Value;

use super::{C, TokenResponseEvidence, non_empty_string, on_error, shown};
use crate::checks::{Verdict, must};
use crate::spec;

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

/// Error status.
pub const ERROR_STATUS: C = must("token.error.status")
    .spec(spec::RFC6749_5_2)
    .title("an error response uses 400, or 401 for invalid_client")
    .run(error_status);
/// Error code present.
pub const ERROR_CODE_PRESENT: C = must("token.error.code_present")
    .spec(spec::RFC6749_5_2)
    .title("an error response has an `error` string")
    .run(error_code_present);
/// Error code registered.
pub const ERROR_CODE_REGISTERED: C = must("token.error.code_registered")
    .spec(spec::RFC6749_5_2)
    .title("`error` is one of the RFC 6749 section 5.2 codes (or a registered token endpoint extension)")
    .run(error_code_registered);
/// error_description charset.
pub const ERROR_DESCRIPTION: C = must("token.error.description_charset")
    .spec(spec::RFC6749_5_2)
    .title("error_description, when present, uses only %x20-21 / %x23-5B / %x5D-7E")
    .run(error_description);
/// error_uri syntax.
pub const ERROR_URI: C = must("token.error.uri_valid")
    .spec(spec::RFC6749_5_2)
    .title("error_uri, when present, is an absolute URI")
    .run(error_uri);
/// WWW-Authenticate on 401.
pub const ERROR_401_CHALLENGE: C = must("token.error.www_authenticate_on_401")
    .spec(spec::RFC6749_5_2)
    .title("a 401 error response includes WWW-Authenticate")
    .run(www_authenticate_on_401);

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
