//! Shared judging helpers of the stateful modules (prompt/session, consent, refresh rules,
//! userinfo methods, token lifecycle): picking checks by id and small evidence builders over an
//! [`Attempt`] (the steps that act live in [`crate::conform::steps`]).

use serde_json::Value;
use url::Url;

use crate::checks::{AUTHORIZATION_CHECKS, AuthorizationEvidence, Finding, ID_TOKEN_CHECKS, IdTokenEvidence, ScopeEvidence, Status};
use crate::conform::Ctx;
use crate::conform::steps::Attempt;
use crate::flow::{AuthParams, AuthorizationResponse};
use crate::http::HttpResponse;
use crate::target::ClientProfile;

/// The evidence of an authorization response to a request made with `params`;
/// `expected_error` when a negative test wanted an error.
pub(super) fn authorization_evidence(ctx: &Ctx, cb: &AuthorizationResponse, params: &AuthParams, expected_error: bool) -> AuthorizationEvidence {
    AuthorizationEvidence {
        params: cb.params.clone(),
        source: cb.source,
        state_sent: params.state.clone(),
        issuer: ctx.target.issuer.clone(),
        iss_advertised: ctx.metadata().iss_parameter_supported(),
        response_mode_requested: params.response_mode.clone(),
        expected_error,
    }
}

/// The authorization-response checks over an error callback (a negative test wanted an error).
pub(super) fn error_callback_findings(ctx: &Ctx, cb: &AuthorizationResponse, params: &AuthParams) -> Vec<Finding> {
    crate::checks::evaluate(AUTHORIZATION_CHECKS, &authorization_evidence(ctx, cb, params, true))
}

/// The ID token's auth_time checks for a request that sent `max_age`.
pub(super) fn auth_time_findings(ctx: &Ctx, a: &Attempt, client: &ClientProfile) -> Vec<Finding> {
    let Some(received) = a.token("id_token") else { return Vec::new() };
    let mut ev = IdTokenEvidence::from_raw(&super::code_flow::open_id_token(&received, client).token);
    ev.issuer = ctx.target.issuer.clone();
    ev.client_id = client.client_id.clone();
    ev.max_age_sent = a.params.max_age;
    ev.now = ctx.clock.now();
    crate::checks::evaluate(crate::checks::ID_TOKEN_AUTH_TIME_CHECKS, &ev)
}

/// Why the attempt's ID token cannot be trusted as an `id_token_hint`: the first ID token check
/// it fails (the code-flow modules report that failure; here it only excuses the provider).
pub(super) fn id_token_problem(ctx: &Ctx, a: &Attempt, client: &ClientProfile) -> Option<String> {
    let received = a.token("id_token")?;
    let mut ev = ctx.id_token_evidence(client, &super::code_flow::open_id_token(&received, client).token, a.token("access_token"));
    ev.nonce_sent = a.params.nonce.clone();
    ID_TOKEN_CHECKS
        .iter()
        .map(|c| c.evaluate(&ev))
        .find(|f| f.status == Status::Fail)
        .map(|f| format!("the ID token sent as id_token_hint fails {} (reported by the code-flow modules)", f.check_id))
}

/// `scope.granted.subset_of_requested` for a token response to a request for `requested`.
pub(super) fn scope_bound_findings(ctx: &Ctx, requested: &str, body: &Value) -> Vec<Finding> {
    let granted = body.get("scope").and_then(Value::as_str);
    let ev = ScopeEvidence {
        requested: split(requested),
        granted: split(granted.unwrap_or(requested)),
        scope_returned: granted.is_some(),
        id_token_claims: None,
        userinfo_claims: None,
        scopes_supported: ctx.metadata().scopes_supported.clone(),
    };
    crate::checks::evaluate(crate::checks::SCOPE_GRANT_BOUND_CHECKS, &ev)
}

/// Splits a space-separated scope.
pub(super) fn split(s: &str) -> Vec<String> {
    s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// A standard OIDC scope beyond `have`, advertised when the provider lists scopes_supported.
pub(super) fn extra_scope(ctx: &Ctx, have: &str) -> Option<&'static str> {
    extra_scope_of(have, ctx.metadata().scopes_supported.as_deref())
}

/// [`extra_scope`] over plain values.
fn extra_scope_of(have: &str, supported: Option<&[String]>) -> Option<&'static str> {
    let have = split(have);
    ["address", "phone", "email", "profile"]
        .into_iter()
        .filter(|s| !have.iter().any(|h| h == s))
        .find(|s| supported.is_none_or(|sup| sup.iter().any(|x| x == s)))
}

/// An advertised endpoint from the metadata, when it parses as a URL.
pub(super) fn advertised(ctx: &Ctx, pick: fn(&crate::discovery::ProviderMetadata) -> Option<&String>) -> Option<Url> {
    pick(ctx.metadata()).and_then(|u| Url::parse(u).ok())
}

/// The JSON body and status of a response, for evidence.
pub(super) fn status_json(resp: &HttpResponse) -> (u16, Option<Value>) {
    (resp.status, resp.json())
}

#[cfg(test)]
mod tests {
    use super::{extra_scope_of, split};

    #[test]
    fn split_drops_empty_parts() {
        assert_eq!(split(" openid  email "), vec!["openid".to_owned(), "email".to_owned()]);
        assert!(split("").is_empty());
    }

    #[test]
    fn extra_scope_is_standard_new_and_advertised() {
        assert_eq!(extra_scope_of("openid profile email", None), Some("address"));
        let sup: Vec<String> = ["openid", "profile", "email", "phone"].map(String::from).to_vec();
        assert_eq!(extra_scope_of("openid profile email", Some(&sup)), Some("phone"));
        assert_eq!(extra_scope_of("openid profile email phone", Some(&sup)), None);
        assert_eq!(extra_scope_of("openid address phone email profile", None), None);
    }
}
