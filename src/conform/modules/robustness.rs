//! The robustness module (plan `all`): boundary inputs ([`cases`]) to every endpoint the
//! provider advertises — authorize (GET and POST), token, userinfo, revocation, introspection,
//! end_session — each sent once, each answer classed and named in the note. One login first: its
//! session makes the authorization endpoint answer at once (a code, or an error redirect) instead
//! of showing a login page, and its code, left unredeemed, is the valid code of the token case
//! that repeats `code`. Back-channel inputs go through the back channel; end-session inputs last,
//! on a browser without the session. Bounded: about 45 requests and one login.

pub(super) mod cases;
mod forms;

use super::ModuleOutcome;
use super::code_exchange::regular_clients;
use super::probe;
use crate::checks::{ROBUSTNESS_CHECKS, RobustAnswer, RobustEndpoint, RobustProbe, RobustnessEvidence, classify_robust, evaluate};
use crate::conform::Ctx;
use crate::conform::steps;
use crate::flow::AuthParams;
use crate::form::{self, FormHints, Page};
use crate::http::HttpResponse;

/// Every case for the endpoints `ctx` has (end-session ones last: they may end the session).
fn all_cases(ctx: &Ctx, client: &crate::target::ClientProfile, code: Option<cases::ValidCode<'_>>) -> Vec<cases::Case> {
    let eps = ctx.endpoints();
    let mut all = cases::authorize(&eps.authorization, client);
    all.extend(cases::token(&eps.token, client, code));
    if let Some(u) = &eps.userinfo {
        all.extend(cases::userinfo(u));
    }
    if let Some(r) = probe::advertised(ctx, |m| m.revocation_endpoint.as_ref()) {
        all.extend(cases::token_management(&r, client, RobustEndpoint::Revocation));
    }
    if let Some(i) = probe::advertised(ctx, |m| m.introspection_endpoint.as_ref()) {
        all.extend(cases::token_management(&i, client, RobustEndpoint::Introspection));
    }
    if let Some(l) = probe::advertised(ctx, |m| m.end_session_endpoint.as_ref()) {
        all.extend(cases::end_session(&l, client));
    }
    all
}

/// Whether a 2xx page is a login page (the form driver's classifier says so).
fn is_login_page(resp: &HttpResponse, hints: &FormHints) -> bool {
    (200..300).contains(&resp.status) && matches!(form::classify(&resp.text(), &resp.url, hints), Page::Login(_))
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    let Some(client) = regular_clients(&ctx.target).next().cloned() else {
        return ModuleOutcome::skipped("no client besides the short-lifetime one");
    };
    let browser = match steps::browser(ctx) {
        Ok(b) => b,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    // The login: a session for the authorization cases and a valid code for the token case.
    let params = AuthParams::fresh(&client);
    let code = match steps::code_for(ctx, &browser, &client, &params).await {
        Ok(code) => code,
        Err(note) => return ModuleOutcome::default().abort(format!("the login before the boundary inputs failed: {note}")),
    };
    let hints = &ctx.target.hints;
    let mut ev = RobustnessEvidence::default();
    let valid = cases::ValidCode { code: &code, verifier: params.pkce.as_ref().map(|p| p.verifier.as_str()) };
    for case in all_cases(ctx, &client, Some(valid)) {
        let result = match case.endpoint {
            RobustEndpoint::Authorize => browser.send(case.request).await,
            RobustEndpoint::EndSession => match browser.with_fresh_cookies() {
                Ok(b) => b.send(case.request).await,
                Err(e) => Err(e),
            },
            _ => ctx.back.send(case.request).await,
        };
        let login = result.as_ref().is_ok_and(|r| is_login_page(r, hints));
        ev.probes.push(RobustProbe { name: case.name, endpoint: case.endpoint, expect: case.expect, answer: classify_robust(&result, &client.redirect_uri, login) });
    }
    // The login and consent forms, each input on a page of its own in a fresh browser.
    let third_party = ctx.target.clients.iter().find(|c| !c.first_party);
    let (form_probes, form_notes) = forms::Forms { ctx, browser: &browser }.probes(&client, third_party).await;
    ev.probes.extend(form_probes);
    let mut note = summary(&ev);
    if !form_notes.is_empty() {
        note.push_str(&format!("; {}", form_notes.join("; ")));
    }
    ModuleOutcome { findings: evaluate(ROBUSTNESS_CHECKS, &ev), note: Some(note), status: None }
}

/// `45 boundary inputs: 30 refused, 8 pages, ... ; not judged before login: authorize.duplicate_state`.
fn summary(ev: &RobustnessEvidence) -> String {
    let count = |f: fn(&RobustAnswer) -> bool| ev.probes.iter().filter(|p| f(&p.answer)).count();
    let mut s = format!(
        "{} boundary inputs: {} refused (4xx), {} error redirects, {} pages, {} login pages, {} other redirects, {} granted, {} server errors, {} unanswered",
        ev.probes.len(),
        count(|a| matches!(a, RobustAnswer::Refused(_))),
        count(|a| matches!(a, RobustAnswer::ErrorRedirect)),
        count(|a| matches!(a, RobustAnswer::Page(_))),
        count(|a| matches!(a, RobustAnswer::LoginPage)),
        count(|a| matches!(a, RobustAnswer::Redirect(_))),
        count(|a| matches!(a, RobustAnswer::Granted(_))),
        count(|a| matches!(a, RobustAnswer::ServerError(_))),
        count(|a| matches!(a, RobustAnswer::NoAnswer(_))),
    );
    let unsent: Vec<&str> = ev.probes.iter().filter(|p| matches!(p.answer, RobustAnswer::NotSent(_))).map(|p| p.name.as_str()).collect();
    if !unsent.is_empty() {
        s.push_str(&format!("; not sent (the harness's HTTP stack refused to build them): {}", unsent.join(", ")));
    }
    let pending: Vec<&str> = ev
        .probes
        .iter()
        .filter(|p| p.expect == crate::checks::Expect::Refusal && matches!(p.answer, RobustAnswer::LoginPage | RobustAnswer::Redirect(_)))
        .map(|p| p.name.as_str())
        .collect();
    if !pending.is_empty() {
        s.push_str(&format!("; not refused before a login (not judged further): {}", pending.join(", ")));
    }
    let each: Vec<String> = ev.probes.iter().map(|p| format!("{} {}", p.name, p.answer.label())).collect();
    s.push_str(&format!(". Each: {}", each.join(", ")));
    s
}
