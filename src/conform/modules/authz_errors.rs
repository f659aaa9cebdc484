//! Invalid authorization requests (plan `all`), one module per mistake, for the first client.
//!
//! A missing or unsupported response_type, or a scope without openid, must come back to the
//! registered redirect_uri as an error with the code defined for the mistake (RFC 6749 §4.1.2.1,
//! OIDC Core §3.1.2.6). An unknown client_id or a redirect_uri that does not exactly match the
//! registered one must never be redirected to (RFC 6749 §3.1.2.4, OIDC Core §3.1.2.1): the drive
//! stops at that URI, so reaching it is the failure and an error page is the pass. The user logs
//! in when asked, since some providers validate only after login.

use url::Url;

use super::ModuleOutcome;
use crate::checks::{
    AUTHORIZATION_CHECKS, AUTHZ_ERROR_CHECKS, AuthorizationEvidence, AuthzErrorEvidence, AuthzErrorExpectation as Expectation,
    Finding, Verdict, evaluate,
};
use crate::conform::Ctx;
use crate::conform::steps::{self, UserActs};
use crate::flow::{self, AuthParams};
use crate::form::{DriveOutcome, DriveReport};
use crate::target::ClientProfile;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Which invalid authorization request a module sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthzErrorCase {
    /// No response_type parameter.
    MissingResponseType,
    /// A response_type discovery does not advertise (`token` or `id_token`).
    UnsupportedResponseType,
    /// No scope parameter.
    MissingScope,
    /// A scope without `openid`.
    ScopeWithoutOpenid,
    /// A client_id the provider does not know.
    UnknownClient,
    /// A redirect_uri on a host that cannot exist.
    UnregisteredRedirectUri,
    /// The registered redirect_uri with a query parameter added.
    RedirectUriExtraQuery,
    /// The registered redirect_uri with its path in another case.
    RedirectUriCaseChanged,
    /// The registered redirect_uri with a slash added to (or removed from) its path.
    RedirectUriTrailingSlash,
}

impl AuthzErrorCase {
    /// Every case, in plan order.
    pub const ALL: &'static [AuthzErrorCase] = &[
        AuthzErrorCase::MissingResponseType,
        AuthzErrorCase::UnsupportedResponseType,
        AuthzErrorCase::MissingScope,
        AuthzErrorCase::ScopeWithoutOpenid,
        AuthzErrorCase::UnknownClient,
        AuthzErrorCase::UnregisteredRedirectUri,
        AuthzErrorCase::RedirectUriExtraQuery,
        AuthzErrorCase::RedirectUriCaseChanged,
        AuthzErrorCase::RedirectUriTrailingSlash,
    ];

    /// The module id suffix (`negative-authz/<id>`).
    pub fn id(self) -> &'static str {
        match self {
            AuthzErrorCase::MissingResponseType => "missing-response-type",
            AuthzErrorCase::UnsupportedResponseType => "unsupported-response-type",
            AuthzErrorCase::MissingScope => "missing-scope",
            AuthzErrorCase::ScopeWithoutOpenid => "scope-without-openid",
            AuthzErrorCase::UnknownClient => "unknown-client",
            AuthzErrorCase::UnregisteredRedirectUri => "unregistered-redirect-uri",
            AuthzErrorCase::RedirectUriExtraQuery => "redirect-uri-extra-query",
            AuthzErrorCase::RedirectUriCaseChanged => "redirect-uri-case-changed",
            AuthzErrorCase::RedirectUriTrailingSlash => "redirect-uri-trailing-slash",
        }
    }

    /// One line for the plan.
    pub fn description(self) -> &'static str {
        match self {
            AuthzErrorCase::MissingResponseType => "no response_type: an invalid_request error at the redirect_uri (RFC 6749 3.1.1, 4.1.2.1)",
            AuthzErrorCase::UnsupportedResponseType => "a response_type not advertised: unsupported_response_type at the redirect_uri (RFC 6749 4.1.2.1)",
            AuthzErrorCase::MissingScope => "no scope: an error at the redirect_uri rather than a code (RFC 6749 3.3, OIDC Core 3.1.2.1)",
            AuthzErrorCase::ScopeWithoutOpenid => "a scope without openid: not an OpenID request; whatever the answer, an error carries no code (RFC 6749 4.1.2.1)",
            AuthzErrorCase::UnknownClient => "an unknown client_id: an error page, never a redirect (RFC 6749 4.1.2.1)",
            AuthzErrorCase::UnregisteredRedirectUri => "an unregistered redirect_uri: an error page, never a redirect (RFC 6749 3.1.2.4)",
            AuthzErrorCase::RedirectUriExtraQuery => "the redirect_uri with a query parameter added: no redirect to it (exact match, OIDC Core 3.1.2.1)",
            AuthzErrorCase::RedirectUriCaseChanged => "the redirect_uri path in another case: no redirect to it (exact match, OIDC Core 3.1.2.1)",
            AuthzErrorCase::RedirectUriTrailingSlash => "the redirect_uri path with a trailing slash changed: no redirect to it (exact match, RFC 9700 4.1.3)",
        }
    }

    /// What the provider must do.
    fn expectation(self) -> Expectation {
        match self {
            AuthzErrorCase::MissingResponseType | AuthzErrorCase::UnsupportedResponseType => Expectation::ErrorRedirect,
            AuthzErrorCase::MissingScope => Expectation::RefusalRecommended,
            AuthzErrorCase::ScopeWithoutOpenid => Expectation::Unspecified,
            _ => Expectation::NoRedirect,
        }
    }

    /// The error codes RFC 6749 §4.1.2.1 defines for the mistake.
    fn expected_errors(self) -> &'static [&'static str] {
        match self {
            AuthzErrorCase::MissingResponseType => &["invalid_request"],
            AuthzErrorCase::UnsupportedResponseType => &["unsupported_response_type"],
            // RFC 6749 §3.3 says invalid_scope; OIDC makes scope a required parameter.
            AuthzErrorCase::MissingScope => &["invalid_scope", "invalid_request"],
            _ => &[],
        }
    }
}

/// The request a case sends: its URL, the client profile whose redirect_uri ends the drive, and
/// what is wrong with it in words.
#[derive(Debug, Clone)]
pub(crate) struct BadRequest {
    pub(crate) url: Url,
    pub(crate) client: ClientProfile,
    pub(crate) what: String,
}

/// The URL with every `name` parameter removed from its query.
fn without_param(url: &Url, name: &str) -> Url {
    let kept: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k != name).collect();
    let mut out = url.clone();
    out.set_query(None);
    out.query_pairs_mut().extend_pairs(kept);
    out
}

/// The first of `token`, `id_token` that discovery does not advertise (compared as sets).
pub(crate) fn unsupported_response_type(advertised: Option<&[String]>) -> Option<&'static str> {
    let set = |s: &str| {
        let mut v: Vec<&str> = s.split(' ').filter(|x| !x.is_empty()).collect();
        v.sort_unstable();
        v.join(" ")
    };
    let advertised: Vec<String> = advertised.unwrap_or_default().iter().map(|s| set(s)).collect();
    ["token", "id_token"].into_iter().find(|c| !advertised.iter().any(|a| a == c))
}

/// The registered redirect_uri changed as the case says; `Err` says why it cannot be.
pub(crate) fn modified_redirect_uri(case: AuthzErrorCase, registered: &str) -> Result<String, String> {
    let mut url = Url::parse(registered).map_err(|e| format!("the redirect_uri is not a URL: {e}"))?;
    match case {
        AuthzErrorCase::UnregisteredRedirectUri => return Ok("https://oidc-harness.invalid/cb".to_owned()),
        AuthzErrorCase::RedirectUriExtraQuery => {
            url.query_pairs_mut().append_pair("oidc_harness_extra", "1");
        }
        AuthzErrorCase::RedirectUriCaseChanged => {
            let path = url.path().to_owned();
            let changed = if path.bytes().any(|b| b.is_ascii_lowercase()) { path.to_ascii_uppercase() } else { path.to_ascii_lowercase() };
            if changed == path {
                return Err(format!("the redirect_uri path {path:?} has no letters to change the case of"));
            }
            url.set_path(&changed);
        }
        AuthzErrorCase::RedirectUriTrailingSlash => {
            let path = url.path().to_owned();
            match path.strip_suffix('/') {
                Some("") => return Err("the redirect_uri path is \"/\": no trailing slash to change".to_owned()),
                Some(stripped) => url.set_path(stripped),
                None => url.set_path(&format!("{path}/")),
            }
        }
        _ => return Err(format!("{} does not change the redirect_uri", case.id())),
    }
    Ok(url.to_string())
}

/// Builds the invalid request for `case`; `Err` is the reason to skip the module.
pub(crate) fn bad_request(
    case: AuthzErrorCase,
    endpoint: &Url,
    client: &ClientProfile,
    params: &AuthParams,
    response_types: Option<&[String]>,
) -> Result<BadRequest, String> {
    let mut client = client.clone();
    let mut params = params.clone();
    let what = match case {
        AuthzErrorCase::MissingResponseType => {
            let url = without_param(&flow::authorization_url(endpoint, &client, &params), "response_type");
            return Ok(BadRequest { url, client, what: "no response_type".into() });
        }
        AuthzErrorCase::MissingScope => {
            let url = without_param(&flow::authorization_url(endpoint, &client, &params), "scope");
            return Ok(BadRequest { url, client, what: "no scope".into() });
        }
        AuthzErrorCase::UnsupportedResponseType => {
            let rt = unsupported_response_type(response_types)
                .ok_or("discovery advertises both token and id_token: no unsupported response_type to send")?;
            params.extra.push(("response_type".into(), rt.into()));
            format!("response_type={rt} (not advertised)")
        }
        AuthzErrorCase::ScopeWithoutOpenid => {
            let rest: Vec<&str> = params.scope.split(' ').filter(|s| !s.is_empty() && *s != "openid").collect();
            params.scope = if rest.is_empty() { "profile".to_owned() } else { rest.join(" ") };
            format!("scope={:?} (no openid)", params.scope)
        }
        AuthzErrorCase::UnknownClient => {
            client.client_id = format!("oidc-harness-unknown-{}", flow::random_token(8));
            "an unknown client_id".to_owned()
        }
        AuthzErrorCase::UnregisteredRedirectUri
        | AuthzErrorCase::RedirectUriExtraQuery
        | AuthzErrorCase::RedirectUriCaseChanged
        | AuthzErrorCase::RedirectUriTrailingSlash => {
            client.redirect_uri = modified_redirect_uri(case, &client.redirect_uri)?;
            format!("redirect_uri {} (not registered)", client.redirect_uri)
        }
    };
    Ok(BadRequest { url: flow::authorization_url(endpoint, &client, &params), client, what })
}

/// What the judgement needs besides the drive.
#[derive(Debug, Clone)]
pub(crate) struct Judging<'a> {
    pub(crate) case: AuthzErrorCase,
    pub(crate) what: &'a str,
    pub(crate) params: &'a AuthParams,
    pub(crate) issuer: &'a str,
    pub(crate) iss_advertised: bool,
}

/// Judges how the drive ended; `Err` is a setup failure (the login itself was refused).
pub(crate) fn judge(j: &Judging<'_>, report: &DriveReport) -> Result<Vec<Finding>, String> {
    let expectation = j.case.expectation();
    if matches!(report.outcome, DriveOutcome::LoginRejected { .. }) && expectation != Expectation::NoRedirect {
        return Err(format!("the provider rejected the profile's credentials: {}", steps::describe(&report.outcome)));
    }
    let callback = match &report.outcome {
        DriveOutcome::Callback(cb) => Some(cb),
        _ => None,
    };
    let ev = AuthzErrorEvidence {
        case: j.what.to_owned(),
        expectation,
        expected_errors: j.case.expected_errors().iter().map(|e| (*e).to_owned()).collect(),
        reached: callback.is_some(),
        error: callback.and_then(|c| c.error()).map(str::to_owned),
        code_issued: callback.is_some_and(|c| c.code().is_some()),
        detail: steps::describe(&report.outcome),
        status: match &report.outcome {
            DriveOutcome::Stuck { status, .. } => Some(*status),
            _ => None,
        },
    };
    let mut findings = Vec::new();
    if let Some(cb) = callback.filter(|_| expectation != Expectation::NoRedirect) {
        let authz = AuthorizationEvidence {
            params: cb.params.clone(),
            source: cb.source,
            state_sent: j.params.state.clone(),
            issuer: j.issuer.to_owned(),
            iss_advertised: j.iss_advertised,
            response_mode_requested: j.params.response_mode.clone(),
            // A code for a request without openid is judged as a success response.
            expected_error: expectation == Expectation::ErrorRedirect || cb.error().is_some(),
        };
        for check in AUTHORIZATION_CHECKS {
            let unsupported = j.case == AuthzErrorCase::UnsupportedResponseType;
            findings.push(if unsupported && check.def.id == "authz.response_mode.honoured" {
                Finding::from_verdict(&check.def, Verdict::skip("no response mode is defined for a response_type the provider does not support"))
            } else {
                check.evaluate(&authz)
            });
        }
    }
    findings.extend(evaluate(AUTHZ_ERROR_CHECKS, &ev));
    Ok(findings)
}

pub(super) async fn run(ctx: &Ctx, case: AuthzErrorCase) -> ModuleOutcome {
    let Some(client) = ctx.target.clients.first().cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    let params = AuthParams::fresh(&client);
    let response_types = ctx.metadata().response_types_supported.clone();
    let req = match bad_request(case, &ctx.endpoints().authorization, &client, &params, response_types.as_deref()) {
        Ok(r) => r,
        Err(reason) => return ModuleOutcome::skipped(reason),
    };
    let browser = match steps::browser(ctx) {
        Ok(a) => a,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    let report = match steps::authorize_url(ctx, &browser, &req.client, req.url, UserActs::ALLOW).await {
        Ok(r) => r,
        Err(e) => return ModuleOutcome::default().abort(format!("{e} (the provider may have sent the browser somewhere unreachable)")),
    };
    let judging = Judging {
        case,
        what: &req.what,
        params: &params,
        issuer: &ctx.target.issuer,
        iss_advertised: ctx.metadata().iss_parameter_supported(),
    };
    match judge(&judging, &report) {
        Ok(findings) => ModuleOutcome { findings, ..ModuleOutcome::default() },
        Err(note) => ModuleOutcome::default().abort(note),
    }
}
