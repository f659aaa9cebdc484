//! Checks over the authorization response that reached the redirect URI (RFC 6749 §4.1.2,
//! OIDC Core §3.1.2.5–3.1.2.6, RFC 9207), for both success and error responses.
//!
//! Codes are secrets: no message here ever includes a code value.

use super::{Check, Level, Verdict};
use crate::flow::ResponseSource;
use entropy::code_entropy;
use error_response::{error_charset, error_description_charset, error_no_code, error_registered, error_state_echoed, error_uri_charset};

mod entropy;
mod error_response;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// The callback as the redirect URI received it, plus what the request asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationEvidence {
    /// Every callback parameter, in order, repeats included.
    pub params: Vec<(String, String)>,
    /// Where the parameters arrived.
    pub source: ResponseSource,
    /// The `state` sent in the request, if any.
    pub state_sent: Option<String>,
    /// The provider's issuer identifier (exact).
    pub issuer: String,
    /// Whether discovery advertised `authorization_response_iss_parameter_supported: true`.
    pub iss_advertised: bool,
    /// The `response_mode` sent in the request, if any (default for code: `query`).
    pub response_mode_requested: Option<String>,
    /// Negative test: the request was built so that an error response is the right answer.
    pub expected_error: bool,
}

impl AuthorizationEvidence {
    /// Every value of parameter `name`, in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of parameter `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is an error response (an `error` parameter is present).
    pub fn is_error(&self) -> bool {
        self.first("error").is_some()
    }
}

const fn c(
    id: &'static str,
    level: Level,
    spec: &'static str,
    title: &'static str,
    run: fn(&AuthorizationEvidence) -> Verdict,
) -> Check<AuthorizationEvidence> {
    Check::new(id, level, spec, title, run)
}

use Level::{May, Must, Should};

/// Every authorization response check, in report order.
pub const CHECKS: &[Check<AuthorizationEvidence>] = &[
    c(
        "authz.error.expected",
        Must,
        "OIDCC-3.1.2.6",
        "an invalid request is answered with an error",
        error_expected,
    ),
    c(
        "authz.code.present",
        Must,
        "OIDCC-3.1.2.5",
        "a successful response carries a code",
        code_present,
    ),
    c(
        "authz.code.single",
        Must,
        "RFC6749-3.1",
        "code appears at most once",
        code_single,
    ),
    c(
        "authz.code.entropy",
        Should,
        "RFC6749-10.10",
        "code carries at least 128 bits of entropy (estimate)",
        code_entropy,
    ),
    c(
        "authz.state.echoed",
        Must,
        "RFC6749-4.1.2",
        "state is returned exactly as sent",
        state_echoed,
    ),
    c(
        "authz.state.single",
        Must,
        "RFC6749-3.1",
        "state appears at most once",
        state_single,
    ),
    c(
        "authz.iss.present",
        Must,
        "RFC9207-2",
        "iss is returned when the provider advertises it",
        iss_present,
    ),
    c(
        "authz.iss.matches",
        Must,
        "RFC9207-2",
        "returned iss equals the issuer",
        iss_matches,
    ),
    c(
        "authz.params.no_repeats",
        Must,
        "RFC6749-3.1",
        "no response parameter is repeated",
        params_no_repeats,
    ),
    c(
        "authz.params.expected_only",
        May,
        "RFC6749-4.1.2",
        "only the defined response parameters are returned",
        params_expected_only,
    ),
    c(
        "authz.code_response.no_tokens",
        Must,
        "OIDCC-3.1.2.5",
        "a code response carries no access_token or id_token",
        no_tokens,
    ),
    c(
        "authz.response_mode.honoured",
        Must,
        "OAUTH2MRT-2.1",
        "response arrives in the requested response mode",
        response_mode_honoured,
    ),
    c(
        "authz.error.registered",
        Should,
        "OIDCC-3.1.2.6",
        "error is a registered error code",
        error_registered,
    ),
    c(
        "authz.error.charset",
        Must,
        "RFC6749-4.1.2.1",
        "error uses the allowed characters",
        error_charset,
    ),
    c(
        "authz.error.description_charset",
        Must,
        "RFC6749-4.1.2.1",
        "error_description uses the allowed characters",
        error_description_charset,
    ),
    c(
        "authz.error.uri_charset",
        Must,
        "RFC6749-4.1.2.1",
        "error_uri uses the allowed characters",
        error_uri_charset,
    ),
    c(
        "authz.error.state_echoed",
        Must,
        "RFC6749-4.1.2.1",
        "an error response returns state exactly as sent",
        error_state_echoed,
    ),
    c(
        "authz.error.no_code",
        Must,
        "OIDCC-3.1.2.6",
        "an error response carries no code",
        error_no_code,
    ),
];

fn error_expected(ev: &AuthorizationEvidence) -> Verdict {
    if !ev.expected_error {
        return Verdict::skip("a successful response was wanted");
    }
    Verdict::check(ev.is_error(), "expected an error response (found none)")
}

fn code_present(ev: &AuthorizationEvidence) -> Verdict {
    if ev.expected_error {
        return Verdict::skip("negative test: an error was wanted");
    }
    match (ev.first("code"), ev.first("error")) {
        (Some(c), _) if !c.is_empty() => Verdict::Pass,
        (Some(_), _) => Verdict::fail("expected a code (found an empty code)"),
        (None, Some(e)) => Verdict::fail(format!("expected a code (found error={e})")),
        (None, None) => Verdict::fail("expected a code (found none)"),
    }
}

/// Pass when `name` appears at most once.
fn single(ev: &AuthorizationEvidence, name: &str) -> Verdict {
    let n = ev.values(name).len();
    Verdict::check(
        n <= 1,
        format!("expected {name} at most once (found {n} times)"),
    )
}

fn code_single(ev: &AuthorizationEvidence) -> Verdict {
    single(ev, "code")
}

fn state_single(ev: &AuthorizationEvidence) -> Verdict {
    single(ev, "state")
}

/// Pass when `state` came back exactly as sent.
fn state_matches(ev: &AuthorizationEvidence, sent: &str) -> Verdict {
    match ev.first("state") {
        Some(s) if s == sent => Verdict::Pass,
        Some(s) => Verdict::mismatch(format!("expected state {sent:?} (found {s:?})"), sent, s),
        None => Verdict::mismatch(
            format!("expected state {sent:?} (found none)"),
            sent,
            "(none)",
        ),
    }
}

fn state_echoed(ev: &AuthorizationEvidence) -> Verdict {
    // RFC 6749 §4.1.2: state is REQUIRED in the response if it was present in the request.
    let Some(sent) = ev.state_sent.as_deref() else {
        return Verdict::skip("no state was sent");
    };
    if ev.is_error() {
        return Verdict::skip("error response: judged by authz.error.state_echoed");
    }
    state_matches(ev, sent)
}

fn iss_present(ev: &AuthorizationEvidence) -> Verdict {
    // RFC 9207 §2: an AS that advertises the parameter MUST return it in every response.
    if !ev.iss_advertised {
        return Verdict::skip("authorization_response_iss_parameter_supported not advertised");
    }
    Verdict::check(
        ev.first("iss").is_some(),
        "expected iss in the authorization response (found none)",
    )
}

fn iss_matches(ev: &AuthorizationEvidence) -> Verdict {
    // RFC 9207 §2.4: the client compares iss to the issuer by simple string comparison.
    match ev.first("iss") {
        None => Verdict::skip("no iss returned"),
        Some(i) if i == ev.issuer => Verdict::Pass,
        Some(i) => Verdict::mismatch(
            format!("expected iss {} (found {i})", ev.issuer),
            ev.issuer.clone(),
            i,
        ),
    }
}

fn params_no_repeats(ev: &AuthorizationEvidence) -> Verdict {
    // state and code repeats have their own checks.
    let mut repeated: Vec<&str> = ev
        .params
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != "state" && *k != "code" && ev.values(k).len() > 1)
        .collect();
    repeated.sort_unstable();
    repeated.dedup();
    Verdict::check(
        repeated.is_empty(),
        format!("expected each parameter once (found repeated {repeated:?})"),
    )
}

const SUCCESS_PARAMS: &[&str] = &["code", "state", "iss", "session_state"];
const ERROR_PARAMS: &[&str] = &[
    "error",
    "error_description",
    "error_uri",
    "state",
    "iss",
    "session_state",
];

fn params_expected_only(ev: &AuthorizationEvidence) -> Verdict {
    // Clients MUST ignore unrecognised parameters (RFC 6749 §3.1), so extras are information.
    let allowed = if ev.is_error() {
        ERROR_PARAMS
    } else {
        SUCCESS_PARAMS
    };
    let extra: Vec<&str> = ev
        .params
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !allowed.contains(k))
        .collect();
    Verdict::check(
        extra.is_empty(),
        format!("unexpected response parameters {extra:?}"),
    )
}

fn no_tokens(ev: &AuthorizationEvidence) -> Verdict {
    // response_type=code returns only code (and state): tokens in the front channel leak.
    let leaked: Vec<&str> = ["access_token", "id_token"]
        .into_iter()
        .filter(|n| ev.first(n).is_some())
        .collect();
    Verdict::check(
        leaked.is_empty(),
        format!("expected no tokens in a code response (found {leaked:?})"),
    )
}

fn response_mode_honoured(ev: &AuthorizationEvidence) -> Verdict {
    let wanted = ev.response_mode_requested.as_deref().unwrap_or("query");
    if wanted.ends_with("jwt") {
        return Verdict::skip(format!(
            "JWT-secured response mode {wanted} is not judged here"
        ));
    }
    if ev.source.as_str() == wanted {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!("expected the response via {wanted} (found {})", ev.source),
            wanted,
            ev.source.as_str(),
        )
    }
}
