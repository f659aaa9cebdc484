//! Checks over the authorization response that reached the redirect URI (RFC 6749 §4.1.2,
//! OIDC Core §3.1.2.5–3.1.2.6, RFC 9207), for both success and error responses.
//!
//! Codes are secrets: no message here ever includes a code value.

use super::{Check, Verdict, may, must, should};
use crate::flow::ResponseSource;
use entropy::code_entropy;
use error_response::{error_charset, error_description_charset, error_no_code, error_registered, error_state_echoed, error_uri_charset};
use crate::spec;

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

/// Every authorization response check, in report order.
pub const CHECKS: &[Check<AuthorizationEvidence>] = &[
    must("authz.error.expected")
        .spec(spec::OIDCC_3_1_2_6)
        .title("an invalid request is answered with an error")
        .run(error_expected),
    must("authz.code.present")
        .spec(spec::OIDCC_3_1_2_5)
        .title("a successful response carries a code")
        .run(code_present),
    must("authz.code.single")
        .spec(spec::RFC6749_3_1)
        .title("code appears at most once")
        .run(code_single),
    should("authz.code.entropy")
        .spec(spec::RFC6749_10_10)
        .title("code carries at least 128 bits of entropy (estimate)")
        .run(code_entropy),
    must("authz.state.echoed")
        .spec(spec::RFC6749_4_1_2)
        .title("state is returned exactly as sent")
        .run(state_echoed),
    must("authz.state.single")
        .spec(spec::RFC6749_3_1)
        .title("state appears at most once")
        .run(state_single),
    must("authz.iss.present")
        .spec(spec::RFC9207_2)
        .title("iss is returned when the provider advertises it")
        .run(iss_present),
    must("authz.iss.matches")
        .spec(spec::RFC9207_2)
        .title("returned iss equals the issuer")
        .run(iss_matches),
    must("authz.params.no_repeats")
        .spec(spec::RFC6749_3_1)
        .title("no response parameter is repeated")
        .run(params_no_repeats),
    may("authz.params.expected_only")
        .spec(spec::RFC6749_4_1_2)
        .title("only the defined response parameters are returned")
        .run(params_expected_only),
    must("authz.code_response.no_tokens")
        .spec(spec::OIDCC_3_1_2_5)
        .title("a code response carries no access_token or id_token")
        .run(no_tokens),
    must("authz.response_mode.honoured")
        .spec(spec::OAUTH2MRT_2_1)
        .title("response arrives in the requested response mode")
        .run(response_mode_honoured),
    should("authz.error.registered")
        .spec(spec::OIDCC_3_1_2_6)
        .title("error is a registered error code")
        .run(error_registered),
    must("authz.error.charset")
        .spec(spec::RFC6749_4_1_2_1)
        .title("error uses the allowed characters")
        .run(error_charset),
    must("authz.error.description_charset")
        .spec(spec::RFC6749_4_1_2_1)
        .title("error_description uses the allowed characters")
        .run(error_description_charset),
    must("authz.error.uri_charset")
        .spec(spec::RFC6749_4_1_2_1)
        .title("error_uri uses the allowed characters")
        .run(error_uri_charset),
    must("authz.error.state_echoed")
        .spec(spec::RFC6749_4_1_2_1)
        .title("an error response returns state exactly as sent")
        .run(error_state_echoed),
    must("authz.error.no_code")
        .spec(spec::OIDCC_3_1_2_6)
        .title("an error response carries no code")
        .run(error_no_code),
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
