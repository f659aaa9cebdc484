//! The userinfo-methods module (OIDC Core 5.3, RFC 6750 2): the access token sent as a bearer
//! header with GET and with POST, and in a POST form body; an ID token presented as the bearer
//! token must be refused (RFC 9068 4).

use super::ModuleOutcome;
use super::probe;
use crate::checks::{EndpointCase, EndpointEvidence};
use crate::conform::Ctx;
use crate::conform::steps;
use crate::flow::AuthParams;
use crate::http::{HttpRequest, HttpResponse};
use url::Url;

/// The three ways of presenting the access token (OIDC Core 5.3.1, RFC 6750 2.1, 2.2).
///
/// The POST with the bearer header has no body: it says `Content-Length: 0` explicitly, as a user
/// agent SHOULD for a POST (RFC 9110 8.6). Without it the request is still valid, but some
/// providers (node oidc-provider 9) read a form content type without a length as a malformed body
/// and answer 400, which says nothing about their bearer-header support.
fn token_requests(ep: &Url, at: &str) -> Vec<(EndpointCase, HttpRequest)> {
    vec![
        (EndpointCase::UserinfoGet, HttpRequest::get(ep.clone()).bearer(at)),
        (EndpointCase::UserinfoPost, HttpRequest::post_form(ep.clone(), Vec::new()).header("content-length", "0").bearer(at)),
        (EndpointCase::UserinfoFormBody, HttpRequest::post_form(ep.clone(), vec![("access_token".into(), at.to_owned())])),
    ]
}

fn evidence(case: EndpointCase, resp: &HttpResponse) -> EndpointEvidence {
    let (status, body_json) = probe::status_json(resp);
    EndpointEvidence { case, status, body_json, introspection_allowed: false }
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    let Some(ep) = ctx.endpoints().userinfo.clone() else {
        return ModuleOutcome::skipped(super::userinfo::NO_USERINFO_ENDPOINT);
    };
    let Some(client) = ctx.target.clients.first().cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    let mut out = ModuleOutcome::default();
    let browser = match steps::browser(ctx) {
        Ok(b) => b,
        Err(e) => return out.abort(e),
    };
    let tokens = match steps::login(ctx, &browser, &client, AuthParams::fresh(&client)).await {
        Ok(t) => t,
        Err(e) => return out.abort(e),
    };
    let Some(at) = tokens.token("access_token") else {
        return out.abort("the token response carried no access_token");
    };
    let mut calls = token_requests(&ep, &at);
    match tokens.token("id_token") {
        Some(id_token) => calls.push((EndpointCase::UserinfoIdToken, HttpRequest::get(ep).bearer(id_token))),
        None => out.note = Some("no ID token was issued: the ID-token-as-bearer test is skipped".into()),
    }
    for (case, req) in calls {
        match steps::send(&ctx.back, req).await {
            Ok(resp) => out.findings.extend(crate::checks::evaluate(case.checks(), &evidence(case, &resp))),
            Err(e) => return out.abort(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bodiless_post_states_a_zero_length_and_the_others_do_not() {
        let ep = Url::parse("https://op.example/userinfo").unwrap_or_else(|e| panic!("{e}"));
        let reqs = token_requests(&ep, "at-1");
        let len = |case: EndpointCase| {
            let (_, req) = reqs.iter().find(|(c, _)| *c == case).unwrap_or_else(|| panic!("{case:?} missing"));
            req.headers.iter().find(|(n, _)| n == "content-length").map(|(_, v)| v.clone())
        };
        assert_eq!(len(EndpointCase::UserinfoPost), Some("0".to_owned()));
        assert_eq!(len(EndpointCase::UserinfoGet), None);
        assert_eq!(len(EndpointCase::UserinfoFormBody), None);
        let post = &reqs[1].1;
        assert_eq!((post.method.clone(), post.form.as_deref(), post.bearer.as_deref()), (reqwest::Method::POST, Some(&[][..]), Some("at-1")));
    }
}
