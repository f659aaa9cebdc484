//! Evidence of the robustness module: boundary inputs sent to every endpoint the provider has,
//! each answer put in a class ([`Answer`]), and what each input had to get ([`Expect`]). The
//! checks judge per endpoint: no server error and no hang on any input; no code, token or claims
//! for input that had to be refused.

use super::{Check, Verdict, must, should};
use crate::http::{AgentError, HttpResponse};
use crate::spec;

/// The endpoint a boundary input probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RobustEndpoint {
    /// authorization_endpoint (GET and POST).
    Authorize,
    /// token_endpoint.
    Token,
    /// userinfo_endpoint.
    Userinfo,
    /// revocation_endpoint.
    Revocation,
    /// introspection_endpoint.
    Introspection,
    /// end_session_endpoint.
    EndSession,
    /// The login form the provider shows (its action).
    Login,
    /// The consent form the provider shows (its action).
    Consent,
}

impl RobustEndpoint {
    /// The name used in case names and messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            RobustEndpoint::Authorize => "authorize",
            RobustEndpoint::Token => "token",
            RobustEndpoint::Userinfo => "userinfo",
            RobustEndpoint::Revocation => "revocation",
            RobustEndpoint::Introspection => "introspection",
            RobustEndpoint::EndSession => "end_session",
            RobustEndpoint::Login => "login form",
            RobustEndpoint::Consent => "consent form",
        }
    }
}

/// What a boundary input must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A refusal: a 4xx, an error page or an error redirect — never a code, tokens or claims.
    Refusal,
    /// Any answer but a server error or none (the input is odd but may be served).
    NoCrash,
}

/// What came back, in classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A 4xx.
    Refused(u16),
    /// A redirect to the client's redirect_uri carrying `error`.
    ErrorRedirect,
    /// A page that is not a login page (an error page, a logout page), or any other 2xx.
    Page(u16),
    /// A login page: the provider goes on to authenticate; a refusal may come later.
    LoginPage,
    /// A redirect elsewhere (a login step, a logout target).
    Redirect(u16),
    /// A code, tokens, claims or an active introspection answer: what was asked was granted.
    Granted(&'static str),
    /// A 5xx.
    ServerError(u16),
    /// No answer within the timeout, or the connection failed.
    NoAnswer(String),
    /// The harness could not send the input at all (its HTTP stack refused to build it): not
    /// judged.
    NotSent(String),
}

impl Answer {
    /// A short label: `400`, `error redirect`, `page 200`, `login page`, `redirect 302`,
    /// `granted tokens`, `500`, `no answer`, `not sent`.
    pub fn label(&self) -> String {
        match self {
            Answer::Refused(s) | Answer::ServerError(s) => s.to_string(),
            Answer::ErrorRedirect => "error redirect".into(),
            Answer::Page(s) => format!("page {s}"),
            Answer::LoginPage => "login page".into(),
            Answer::Redirect(s) => format!("redirect {s}"),
            Answer::Granted(what) => format!("granted {what}"),
            Answer::NoAnswer(_) => "no answer".into(),
            Answer::NotSent(_) => "not sent".into(),
        }
    }
}

/// One boundary input and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Case name, e.g. `authorize.state_8k`.
    pub name: String,
    /// Endpoint probed.
    pub endpoint: RobustEndpoint,
    /// What it had to get.
    pub expect: Expect,
    /// What it got.
    pub answer: Answer,
}

/// Every probe of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RobustnessEvidence {
    /// Probes in the order sent.
    pub probes: Vec<Probe>,
}

/// Puts an answer in its class. `redirect_uri`: the client's registered one; `login_page`:
/// whether a 2xx page is a login form (the caller's form detector says so).
pub fn classify(result: &Result<HttpResponse, AgentError>, redirect_uri: &str, login_page: bool) -> Answer {
    let resp = match result {
        Ok(r) => r,
        Err(e @ AgentError::InvalidRequest { .. }) => return Answer::NotSent(e.to_string()),
        Err(e) => return Answer::NoAnswer(e.to_string()),
    };
    match resp.status {
        500..=599 => Answer::ServerError(resp.status),
        400..=499 => Answer::Refused(resp.status),
        300..=399 => {
            let location = resp.header("location").unwrap_or_default();
            let to_client = location.starts_with(redirect_uri) && !redirect_uri.is_empty();
            let params: Vec<String> = url::Url::parse(location)
                .map(|u| u.query_pairs().chain(u.fragment().map(|f| url::form_urlencoded::parse(f.as_bytes())).into_iter().flatten()).map(|(k, _)| k.into_owned()).collect())
                .unwrap_or_default();
            let has = |name: &str| params.iter().any(|p| p == name);
            match (to_client, has("error"), has("code") || has("access_token") || has("id_token")) {
                (true, true, _) => Answer::ErrorRedirect,
                (true, false, true) => Answer::Granted("an authorization response"),
                _ => Answer::Redirect(resp.status),
            }
        }
        200..=299 => match serde_json::from_slice::<serde_json::Value>(&resp.body) {
            Ok(v) if v.get("access_token").is_some() || v.get("id_token").is_some() => Answer::Granted("tokens"),
            Ok(v) if v.get("active").and_then(serde_json::Value::as_bool) == Some(true) => Answer::Granted("an active introspection answer"),
            Ok(v) if v.get("sub").is_some() => Answer::Granted("claims"),
            _ if login_page => Answer::LoginPage,
            _ => Answer::Page(resp.status),
        },
        other => Answer::Page(other),
    }
}

impl RobustnessEvidence {
    /// The probes of one endpoint.
    pub fn at(&self, endpoint: RobustEndpoint) -> impl Iterator<Item = &Probe> {
        self.probes.iter().filter(move |p| p.endpoint == endpoint)
    }

    /// `name: what` for the probes of `endpoint` that `bad` picks, or `None` when none is bad.
    pub fn offenders(&self, endpoint: RobustEndpoint, bad: impl Fn(&Probe) -> Option<String>) -> Option<String> {
        let found: Vec<String> = self.at(endpoint).filter_map(|p| bad(p).map(|what| format!("{}: {what}", p.name))).collect();
        (!found.is_empty()).then(|| found.join("; "))
    }
}

/// Whether an answer is a server error or none: `Some(what)` for the report.
fn crashed(p: &Probe) -> Option<String> {
    match &p.answer {
        Answer::ServerError(s) => Some(format!("HTTP {s}")),
        Answer::NoAnswer(why) => Some(format!("no answer ({why})")),
        _ => None,
    }
}

/// Whether an input that had to be refused was granted: `Some(what)` for the report.
fn granted(p: &Probe) -> Option<String> {
    match (&p.answer, p.expect) {
        (Answer::Granted(what), Expect::Refusal) => Some(format!("answered with {what}")),
        _ => None,
    }
}

fn judge(e: &RobustnessEvidence, endpoint: RobustEndpoint, bad: fn(&Probe) -> Option<String>, rule: &str) -> Verdict {
    if e.at(endpoint).next().is_none() {
        return Verdict::skip(format!("no boundary input sent to the {} endpoint (not advertised, or not an HTML form)", endpoint.as_str()));
    }
    match e.offenders(endpoint, bad) {
        None => Verdict::Pass,
        Some(found) => Verdict::fail(format!("expected {rule} (found {found})")),
    }
}

/// The message of a `no_server_error` check.
const NO_CRASH: &str = "a 4xx, an error page or an error redirect for every boundary input, never a server error or no answer";
/// The message of a `bad_input_refused` check.
const REFUSED: &str = "malformed or made-up input refused, never answered with a code, tokens or claims";

/// The robustness checks: per endpoint, no server error on boundary input, and no grant for a
/// repeated or malformed parameter at the authorization and token endpoints — all good practice
/// that the error definitions imply (SHOULD). Made-up tokens at UserInfo and introspection are
/// judged at MUST by `userinfo.invalid_token.rejected` and the introspection checks.
pub const CHECKS: &[Check<RobustnessEvidence>] = &[
    should("robust.authorize.no_server_error")
        .spec(spec::RFC6749_4_1_2_1)
        .title("boundary input to the authorization endpoint draws no server error or hang")
        .run(|e| judge(e, RobustEndpoint::Authorize, crashed, NO_CRASH)),
    should("robust.authorize.bad_input_refused")
        .spec(spec::RFC6749_4_1_2_1)
        .title("a repeated, empty or oversized authorization parameter is refused, not answered with a code")
        .run(|e| judge(e, RobustEndpoint::Authorize, granted, REFUSED)),
    should("robust.token.no_server_error")
        .spec(spec::RFC6749_5_2)
        .title("boundary input to the token endpoint draws no server error or hang")
        .run(|e| judge(e, RobustEndpoint::Token, crashed, NO_CRASH)),
    should("robust.token.bad_input_refused")
        .spec(spec::RFC6749_5_2)
        .title("a token request with a repeated or malformed parameter is refused, even around a valid code")
        .run(|e| judge(e, RobustEndpoint::Token, granted, REFUSED)),
    should("robust.userinfo.no_server_error")
        .spec(spec::RFC6750_3_1)
        .title("boundary input to the UserInfo endpoint draws no server error or hang")
        .run(|e| judge(e, RobustEndpoint::Userinfo, crashed, NO_CRASH)),
    should("robust.revocation.no_server_error")
        .spec(spec::RFC7009_2_2)
        .title("boundary input to the revocation endpoint draws no server error or hang")
        .run(|e| judge(e, RobustEndpoint::Revocation, crashed, NO_CRASH)),
    should("robust.introspection.no_server_error")
        .spec(spec::RFC7662_2_2)
        .title("boundary input to the introspection endpoint draws no server error or hang")
        .run(|e| judge(e, RobustEndpoint::Introspection, crashed, NO_CRASH)),
    should("robust.end_session.no_server_error")
        .spec(spec::OIDCRPL_2)
        .title("boundary input to the end-session endpoint draws no server error or hang")
        .run(|e| judge(e, RobustEndpoint::EndSession, crashed, NO_CRASH)),
    should("robust.login.no_server_error")
        .spec(spec::OIDCC_3_1_2_3)
        .title("a login post with a field missing, another session's token or posted twice draws no server error")
        .run(|e| judge(e, RobustEndpoint::Login, crashed, NO_CRASH)),
    should("robust.consent.no_server_error")
        .spec(spec::OIDCC_3_1_2_4)
        .title("a consent post with a field missing, another session's token or posted twice draws no server error")
        .run(|e| judge(e, RobustEndpoint::Consent, crashed, NO_CRASH)),
    must("robust.consent.forged_not_granted")
        .spec(spec::OIDCC_3_1_2_4)
        .title("a consent post without a decision or without this session's anti-forgery token yields no code")
        .run(|e| judge(e, RobustEndpoint::Consent, granted, FORGED)),
];

/// The message of `robust.consent.forged_not_granted`.
const FORGED: &str = "no code for a consent post that lacks the decision or this session's anti-forgery token";

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::checks::test_support::{assert_catalog_well_formed, run_cases};
    use crate::http::HttpResponse;

    const REDIRECT_URI: &str = "https://rp.test/cb";

    fn probe(endpoint: RobustEndpoint, expect: Expect, answer: Answer) -> RobustnessEvidence {
        RobustnessEvidence { probes: vec![Probe { name: format!("{}.case", endpoint.as_str()), endpoint, expect, answer }] }
    }

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> Result<HttpResponse, AgentError> {
        Ok(HttpResponse {
            status,
            url: url::Url::parse("https://op.test/x").unwrap(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn answers_fall_in_their_classes() {
        let c = |r: Result<HttpResponse, AgentError>| classify(&r, REDIRECT_URI, false);
        assert_eq!(c(resp(503, &[], "")), Answer::ServerError(503));
        assert_eq!(c(resp(400, &[], "{}")), Answer::Refused(400));
        assert_eq!(c(resp(302, &[("location", "https://rp.test/cb?error=invalid_request&state=s")], "")), Answer::ErrorRedirect);
        assert_eq!(c(resp(302, &[("location", "https://rp.test/cb?code=abc&state=s")], "")), Answer::Granted("an authorization response"));
        assert_eq!(c(resp(303, &[("location", "https://rp.test/cb#access_token=t")], "")), Answer::Granted("an authorization response"));
        assert_eq!(c(resp(302, &[("location", "/login?x=1")], "")), Answer::Redirect(302));
        // A look-alike of the redirect_uri on another host is not the client.
        assert_eq!(c(resp(302, &[("location", "https://evil.test/cb?code=abc")], "")), Answer::Redirect(302));
        assert_eq!(c(resp(200, &[], r#"{"access_token":"t","token_type":"Bearer"}"#)), Answer::Granted("tokens"));
        assert_eq!(c(resp(200, &[], r#"{"active":true}"#)), Answer::Granted("an active introspection answer"));
        assert_eq!(c(resp(200, &[], r#"{"active":false}"#)), Answer::Page(200));
        assert_eq!(c(resp(200, &[], r#"{"sub":"alice"}"#)), Answer::Granted("claims"));
        assert_eq!(classify(&resp(200, &[], "<form>"), REDIRECT_URI, true), Answer::LoginPage);
        let timeout = Err(AgentError::Timeout { method: "GET".into(), url: "u".into(), timeout_ms: 5 });
        assert!(matches!(classify(&timeout, REDIRECT_URI, false), Answer::NoAnswer(_)));
        let unsent = Err(AgentError::InvalidRequest { method: "GET".into(), url: "u".into(), message: "bad header".into() });
        assert!(matches!(classify(&unsent, REDIRECT_URI, false), Answer::NotSent(_)));
    }

    #[test]
    fn each_check_passes_and_fails() {
        use Expect::{NoCrash, Refusal};
        use RobustEndpoint::*;
        let crash = |e| (probe(e, NoCrash, Answer::Page(200)), probe(e, NoCrash, Answer::ServerError(500)));
        let grant = |e| (probe(e, Refusal, Answer::Refused(400)), probe(e, Refusal, Answer::Granted("tokens")));
        let mut cases = Vec::new();
        for (id, (pass, fail)) in [
            ("robust.authorize.no_server_error", crash(Authorize)),
            ("robust.authorize.bad_input_refused", grant(Authorize)),
            ("robust.token.no_server_error", crash(Token)),
            ("robust.token.bad_input_refused", grant(Token)),
            ("robust.userinfo.no_server_error", crash(Userinfo)),
            ("robust.revocation.no_server_error", crash(Revocation)),
            ("robust.introspection.no_server_error", crash(Introspection)),
            ("robust.end_session.no_server_error", crash(EndSession)),
            ("robust.login.no_server_error", crash(Login)),
            ("robust.consent.no_server_error", crash(Consent)),
            ("robust.consent.forged_not_granted", grant(Consent)),
        ] {
            cases.push((id, pass, fail));
        }
        run_cases(CHECKS, cases);
        assert_catalog_well_formed(CHECKS);
    }

    #[test]
    fn a_hang_fails_and_unsent_inputs_absent_endpoints_and_served_odd_inputs_do_not() {
        let hang = probe(RobustEndpoint::Token, Expect::NoCrash, Answer::NoAnswer("timeout".into()));
        assert!(matches!((CHECKS[2].run)(&hang), Verdict::Fail(_)));
        let unsent = probe(RobustEndpoint::Token, Expect::Refusal, Answer::NotSent("bad header".into()));
        assert_eq!((CHECKS[2].run)(&unsent), Verdict::Pass);
        assert_eq!((CHECKS[3].run)(&unsent), Verdict::Pass);
        assert!(matches!((CHECKS[2].run)(&RobustnessEvidence::default()), Verdict::Skip(_)));
        // An odd input that may be served (a long state) is no failure when it is served.
        let served = probe(RobustEndpoint::Authorize, Expect::NoCrash, Answer::Granted("an authorization response"));
        assert_eq!((CHECKS[1].run)(&served), Verdict::Pass);
    }
}
