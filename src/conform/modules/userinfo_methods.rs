//! The userinfo-methods module (OIDC Core 5.3, RFC 6750 2): the access token sent as a bearer
//! header with GET and with POST, and in a POST form body; an ID token presented as the bearer
//! token must be refused (RFC 9068 4).

use super::ModuleOutcome;
use super::probe;
use crate::checks::{ENDPOINT_CHECKS, EndpointCase, EndpointEvidence};
use crate::conform::Ctx;
use crate::conform::steps;
use crate::flow::AuthParams;
use crate::http::{HttpRequest, HttpResponse};

fn evidence(case: EndpointCase, resp: &HttpResponse) -> EndpointEvidence {
    let (status, body_json) = probe::status_json(resp);
    EndpointEvidence { case, status, body_json, location: None, forbidden_target: None }
}

pub(super) async fn run(ctx: &mut Ctx) -> ModuleOutcome {
    let Some(ep) = ctx.endpoints.as_ref().and_then(|e| e.userinfo.clone()) else {
        return ModuleOutcome::skipped("no userinfo_endpoint advertised");
    };
    let Some(client) = ctx.target.clients.first().cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    let mut out = ModuleOutcome::default();
    let browser = match steps::browser(ctx) {
        Ok(b) => b,
        Err(e) => return out.abort(e),
    };
    let tokens = match probe::login(ctx, &browser, &client, AuthParams::fresh(&client)).await {
        Ok(t) => t,
        Err(e) => return out.abort(e),
    };
    let Some(at) = tokens.token("access_token") else {
        return out.abort("the token response carried no access_token");
    };
    let mut calls = vec![
        (EndpointCase::UserinfoGet, HttpRequest::get(ep.clone()).bearer(at.clone())),
        (EndpointCase::UserinfoPost, HttpRequest::post_form(ep.clone(), Vec::new()).bearer(at.clone())),
        (EndpointCase::UserinfoFormBody, HttpRequest::post_form(ep.clone(), vec![("access_token".into(), at)])),
    ];
    match tokens.token("id_token") {
        Some(id_token) => calls.push((EndpointCase::UserinfoIdToken, HttpRequest::get(ep).bearer(id_token))),
        None => out.note = Some("no ID token was issued: the ID-token-as-bearer test is skipped".into()),
    }
    for (case, req) in calls {
        match steps::send(&ctx.agent, req).await {
            Ok(resp) => out.findings.extend(probe::prefixed(ENDPOINT_CHECKS, case.prefix(), &evidence(case, &resp))),
            Err(e) => return out.abort(e),
        }
    }
    out
}
