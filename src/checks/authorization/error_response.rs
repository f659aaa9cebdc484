//! The error-response checks of the authorization response (RFC 6749 §4.1.2.1): a registered
//! `error` code, the character sets of `error`, `error_description` and `error_uri`, `state`
//! echoed, and no code next to an error.

use super::{AuthorizationEvidence, state_matches};
use crate::checks::Verdict;

/// Error codes of RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6 and RFC 8707.
const REGISTERED_ERRORS: &[&str] = &[
    "invalid_request",
    "unauthorized_client",
    "access_denied",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
    "interaction_required",
    "login_required",
    "account_selection_required",
    "consent_required",
    "invalid_request_uri",
    "invalid_request_object",
    "request_not_supported",
    "request_uri_not_supported",
    "registration_not_supported",
    "invalid_target",
];

pub(super) fn error_registered(ev: &AuthorizationEvidence) -> Verdict {
    match ev.first("error") {
        None => Verdict::skip("not an error response"),
        Some(e) => Verdict::check(
            REGISTERED_ERRORS.contains(&e),
            format!("unregistered error code {e:?}"),
        ),
    }
}

/// NQSCHAR: %x20-21 / %x23-5B / %x5D-7E (RFC 6749 Appendix A).
fn is_nqschar(b: u8) -> bool {
    b == 0x20 || b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b)
}

/// Checks the first value of `name` byte by byte; skips when absent.
fn charset(ev: &AuthorizationEvidence, name: &str, ok: fn(u8) -> bool) -> Verdict {
    match ev.first(name) {
        None => Verdict::skip(format!("no {name}")),
        Some(v) => match v.bytes().find(|b| !ok(*b)) {
            None => Verdict::Pass,
            Some(b) => Verdict::fail(format!(
                "expected {name} of allowed characters (found byte 0x{b:02x})"
            )),
        },
    }
}

pub(super) fn error_charset(ev: &AuthorizationEvidence) -> Verdict {
    charset(ev, "error", is_nqschar)
}

pub(super) fn error_description_charset(ev: &AuthorizationEvidence) -> Verdict {
    charset(ev, "error_description", is_nqschar)
}

pub(super) fn error_uri_charset(ev: &AuthorizationEvidence) -> Verdict {
    // error_uri: %x21 / %x23-5B / %x5D-7E (no space).
    charset(ev, "error_uri", |b| b != 0x20 && is_nqschar(b))
}

pub(super) fn error_state_echoed(ev: &AuthorizationEvidence) -> Verdict {
    // RFC 6749 §4.1.2.1: state is REQUIRED in an error response if it was in the request.
    if !ev.is_error() {
        return Verdict::skip("not an error response");
    }
    let Some(sent) = ev.state_sent.as_deref() else {
        return Verdict::skip("no state was sent");
    };
    state_matches(ev, sent)
}

pub(super) fn error_no_code(ev: &AuthorizationEvidence) -> Verdict {
    if !ev.is_error() {
        return Verdict::skip("not an error response");
    }
    Verdict::check(
        ev.first("code").is_none(),
        "expected no code in an error response (found one)",
    )
}
