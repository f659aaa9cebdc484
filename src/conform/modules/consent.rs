//! The consent module (OIDC Core 3.1.2.4): a first-party client gets no consent page; a
//! third-party client asking for a scope the user has not approved in this run gets one, and the
//! token's scope stays within what was approved; `prompt=none` before that approval is refused
//! without a page; `prompt=consent` shows the page again, and a denial comes back as
//! `access_denied` with the state.

use super::ModuleOutcome;
use super::probe;
use crate::checks::{ConsentCase, ConsentEvidence, FlowEvidence};
use crate::conform::Ctx;
use crate::conform::steps::{self, Attempt, UserActs};
use crate::flow::AuthParams;
use crate::form::ConsentChoice;
use crate::http::Browser;
use crate::target::ClientProfile;

fn evidence(ctx: &Ctx, case: ConsentCase, a: &Attempt) -> ConsentEvidence {
    ConsentEvidence {
        case,
        outcome: a.outcome(),
        detail: a.detail(),
        callback_error: a.error(),
        code_returned: a.code_returned(),
        consent_pages_seen: a.report.consent_pages_seen,
        fresh_consent: ctx.target.features.fresh_consent,
    }
}

/// `flow.consent.third_party` for a request that sent prompt=consent (a page is expected).
fn prompted_consent(client: &ClientProfile, a: &Attempt) -> Vec<crate::checks::Finding> {
    let ev = FlowEvidence {
        outcome: a.outcome(),
        detail: a.detail(),
        callback_error: a.error(),
        login_forms_seen: a.report.login_forms_seen,
        consent_pages_seen: a.report.consent_pages_seen,
        first_party: client.first_party,
        consent_expected: true,
        issuer_origin: None,
        password_origins: Vec::new(),
    };
    crate::checks::evaluate(crate::checks::FLOW_THIRD_PARTY_CONSENT_CHECKS, &ev)
}

/// Signs the browser in with a plain request of the client, so that the `prompt=consent`
/// requests below meet a session: without one, some providers (Fief 0.30) answer prompt=consent
/// with `login_required` instead of a login page, and the consent page is never reached.
async fn sign_in(ctx: &Ctx, browser: &Browser, client: &ClientProfile, notes: &mut Vec<String>) -> Result<(), String> {
    let att = steps::attempt(ctx, browser, client, AuthParams::fresh(client), UserActs::ALLOW).await?;
    if !att.code_returned() {
        return Err(format!("setup flow for {} (signing the browser in) did not yield a code: {}", client.label(), att.detail()));
    }
    notes.push(format!("the browser was signed in with a plain request of {} before the prompt=consent requests", client.label()));
    Ok(())
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    let first = ctx.target.clients.iter().find(|c| c.first_party).cloned();
    let third = ctx.target.clients.iter().find(|c| !c.first_party).cloned();
    if first.is_none() && third.is_none() {
        return ModuleOutcome::skipped("no client in the profile");
    }
    ModuleOutcome::gather(async |out, notes| {
        match &first {
            Some(client) => first_party(ctx, client, out).await?,
            None => notes.push("no first-party client in the profile".to_owned()),
        }
        match &third {
            Some(client) => third_party(ctx, client, first.as_ref(), out, notes).await,
            None => {
                notes.push("no third-party client in the profile (first_party = false)".to_owned());
                Ok(())
            }
        }
    })
    .await
}

async fn first_party(ctx: &Ctx, client: &ClientProfile, out: &mut ModuleOutcome) -> Result<(), String> {
    let browser = steps::browser(ctx)?;
    let att = steps::attempt(ctx, &browser, client, AuthParams::fresh(client), UserActs::ALLOW).await?;
    out.findings.extend(crate::checks::evaluate(ConsentCase::FirstParty.checks(), &evidence(ctx, ConsentCase::FirstParty, &att)));
    Ok(())
}

/// `prompt=none` for the third-party client, asking for a scope not approved in this run, on a
/// browser signed in through a first-party client (a session, but no approval): an error, no page.
async fn prompt_none_needs_consent(ctx: &Ctx, browser: &Browser, first: &ClientProfile, third: &ClientProfile, out: &mut ModuleOutcome, notes: &mut Vec<String>) -> Result<(), String> {
    let att = steps::attempt(ctx, browser, first, AuthParams::fresh(first), UserActs::ALLOW).await?;
    if !att.code_returned() {
        notes.push(format!("prompt=none for a client needing consent not judged: signing in with {} did not yield a code ({})", first.label(), att.detail()));
        return Ok(());
    }
    // A scope nobody approved for this client in this run (the code-flow module may have approved
    // its plain scope already): the same extra scope the new-scope case asks for next.
    let Some(extra) = probe::extra_scope(ctx, &third.scope) else {
        notes.push(format!("prompt=none for a client needing consent not judged: no standard scope beyond {:?} to ask {} for", third.scope, third.label()));
        return Ok(());
    };
    let mut params = AuthParams::fresh(third);
    params.scope = format!("{} {extra}", third.scope);
    params.prompt = Some("none".into());
    let acts = UserActs { login: false, consent: ConsentChoice::Deny };
    let silent = steps::attempt(ctx, browser, third, params, acts).await?;
    out.findings.extend(crate::checks::evaluate(ConsentCase::PromptNoneNeedsConsent.checks(), &evidence(ctx, ConsentCase::PromptNoneNeedsConsent, &silent)));
    Ok(())
}

async fn third_party(ctx: &Ctx, client: &ClientProfile, first: Option<&ClientProfile>, out: &mut ModuleOutcome, notes: &mut Vec<String>) -> Result<(), String> {
    let browser = steps::browser(ctx)?;
    match first {
        // Before the client is approved: prompt=none must not show the consent page.
        Some(first) if ctx.target.features.fresh_consent => prompt_none_needs_consent(ctx, &browser, first, client, out, notes).await?,
        Some(_) => notes.push("prompt=none for a client needing consent not judged: the user may have approved it in an earlier run (features.fresh_consent)".to_owned()),
        None => notes.push("prompt=none for a client needing consent not judged: no first-party client to sign in with".to_owned()),
    }
    let mut signed_in = false;
    match probe::extra_scope(ctx, &client.scope) {
        Some(extra) => {
            let mut params = AuthParams::fresh(client);
            params.scope = format!("{} {extra}", client.scope);
            let att = steps::attempt(ctx, &browser, client, params, UserActs::ALLOW).await?;
            out.findings.extend(crate::checks::evaluate(ConsentCase::ThirdPartyNewScope.checks(), &evidence(ctx, ConsentCase::ThirdPartyNewScope, &att)));
            if let Some(body) = &att.tokens {
                out.findings.extend(probe::scope_bound_findings(ctx, &att.params.scope, body));
            }
            signed_in = att.code_returned();
        }
        None => notes.push(format!("no standard scope beyond {:?} to ask {} for", client.scope, client.label())),
    }
    if !signed_in {
        sign_in(ctx, &browser, client, notes).await?;
    }
    let prompted = || {
        let mut p = AuthParams::fresh(client);
        p.prompt = Some("consent".into());
        p
    };
    let deny = UserActs { login: true, consent: ConsentChoice::Deny };
    let denied = steps::attempt(ctx, &browser, client, prompted(), deny).await?;
    out.findings.extend(prompted_consent(client, &denied));
    out.findings.extend(crate::checks::evaluate(ConsentCase::Deny.checks(), &evidence(ctx, ConsentCase::Deny, &denied)));
    if let (Some(cb), true) = (denied.callback(), denied.error().is_some()) {
        out.findings.extend(probe::error_callback_findings(ctx, cb, &denied.params));
    }
    let allowed = steps::attempt(ctx, &browser, client, prompted(), UserActs::ALLOW).await?;
    out.findings.extend(prompted_consent(client, &allowed));
    Ok(())
}
