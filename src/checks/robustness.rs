//! Evidence of the robustness module: boundary inputs sent to every endpoint the provider has,
//! each answer put in a class ([`Answer`]), and what each input had to get ([`Expect`]). The
//! checks judge per endpoint: no server error and no hang on any input; no code, token or claims
//! for input that had to be refused.

use crate::http::{AgentError, HttpResponse};

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
