//! The prompt/session module (OIDC Core 3.1.2.1): `prompt=none` without and with a session,
//! `max_age` (large, and elapsed after a wait), `id_token_hint`, `login_hint` and `prompt=login`.
//!
//! Two browsers log in; one wait of about 2 s then lets an elapsed `max_age=1` (browser B) and
//! `prompt=login` (browser A) show a later `auth_time` in whole seconds.
//!
//! The order keeps every comparison of `auth_time` free of another login of the same user, so
//! that a provider keeping one "last login" per user (conformant: OIDC Core 2 leaves open
//! whether another browser's login is "the authentication") is judged as one keeping it per
//! session: A's silent requests all happen before B logs in, and B's `max_age` request before
//! A logs in again.

use std::time::{Duration, Instant};

use super::ModuleOutcome;
use super::probe;
use crate::checks::{SessionCase, SessionEvidence};
use crate::conform::Ctx;
use crate::conform::steps::{self, Attempt, UserActs};
use crate::flow::AuthParams;
use crate::form::ConsentChoice;
use crate::target::ClientProfile;

/// The session age that makes `max_age=1` elapsed for certain at one-second resolution.
const MAX_AGE_WAIT: Duration = Duration::from_millis(2050);

/// A `max_age` no test session reaches.
const LARGE_MAX_AGE: i64 = 3600;

fn evidence(case: SessionCase, a: &Attempt, before: Option<&Attempt>) -> SessionEvidence {
    SessionEvidence {
        case,
        outcome: a.outcome(),
        detail: a.detail(),
        callback_error: a.error(),
        code_returned: a.code_returned(),
        login_forms_seen: a.report.login_forms_seen,
        consent_pages_seen: a.report.consent_pages_seen,
        before_sub: before.and_then(Attempt::sub),
        before_auth_time: before.and_then(Attempt::auth_time),
        sub: a.sub(),
        auth_time: a.auth_time(),
        hint_problem: None,
    }
}

/// The checks of `case` over one attempt against the session `before` established.
fn judged(case: SessionCase, att: &Attempt, before: &Attempt) -> Vec<crate::checks::Finding> {
    crate::checks::evaluate(case.checks(), &evidence(case, att, Some(before)))
}

/// Whether the provider advertises the prompt value (assumed when it lists none).
fn prompt_supported(ctx: &Ctx, value: &str) -> bool {
    ctx.metadata().prompt_values_supported.as_ref().is_none_or(|v| v.iter().any(|p| p == value))
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    // A first-party client keeps consent pages out of the silent requests.
    let Some(client) = ctx.target.clients.iter().find(|c| c.first_party).or(ctx.target.clients.first()).cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    ModuleOutcome::gather(async |out, notes| probe_all(ctx, &client, out, notes).await).await
}

async fn probe_all(ctx: &Ctx, client: &ClientProfile, out: &mut ModuleOutcome, notes: &mut Vec<String>) -> Result<(), String> {
    let silent = UserActs { login: false, consent: ConsentChoice::Allow };
    let (a, b) = (steps::browser(ctx)?, steps::browser(ctx)?);
    let with = |f: &dyn Fn(&mut AuthParams)| {
        let mut p = AuthParams::fresh(client);
        f(&mut p);
        p
    };
    let none_ok = prompt_supported(ctx, "none");
    if none_ok {
        let att = steps::attempt(ctx, &a, client, with(&|p| p.prompt = Some("none".into())), silent).await?;
        out.findings.extend(crate::checks::evaluate(SessionCase::PromptNoneNoSession.checks(), &evidence(SessionCase::PromptNoneNoSession, &att, None)));
        if let (Some(cb), true) = (att.callback(), att.error().is_some()) {
            out.findings.extend(probe::error_callback_findings(ctx, cb, &att.params));
        }
    } else {
        notes.push("prompt=none is not advertised in prompt_values_supported".into());
    }
    let base_a = steps::login(ctx, &a, client, AuthParams::fresh(client)).await?;
    if none_ok {
        let att = steps::attempt(ctx, &a, client, with(&|p| p.prompt = Some("none".into())), silent).await?;
        out.findings.extend(judged(SessionCase::PromptNoneWithSession, &att, &base_a));
        if let Some(hint) = base_a.token("id_token") {
            let att = steps::attempt(ctx, &a, client, with(&|p| {
                p.prompt = Some("none".into());
                p.extra.push(("id_token_hint".into(), hint.clone()));
            }), silent).await?;
            let ev = SessionEvidence { hint_problem: probe::id_token_problem(ctx, &base_a, client), ..evidence(SessionCase::IdTokenHint, &att, Some(&base_a)) };
            out.findings.extend(crate::checks::evaluate(SessionCase::IdTokenHint.checks(), &ev));
        }
    }
    let large = steps::attempt(ctx, &a, client, with(&|p| p.max_age = Some(LARGE_MAX_AGE)), silent).await?;
    out.findings.extend(judged(SessionCase::MaxAgeLarge, &large, &base_a));
    let username = ctx.target.users.first().map(|u| u.username.clone()).unwrap_or_default();
    let hinted = steps::attempt(ctx, &a, client, with(&|p| p.extra.push(("login_hint".into(), username.clone()))), UserActs::ALLOW).await?;
    out.findings.extend(judged(SessionCase::LoginHint, &hinted, &base_a));

    // B logs in only now: A's silent answers above never met another login of the user.
    let base_b = steps::login(ctx, &b, client, AuthParams::fresh(client)).await?;
    let b_logged_in = Instant::now();
    // One wait serves both: B's session is older than max_age=1, A's auth_time can advance.
    tokio::time::sleep(MAX_AGE_WAIT.saturating_sub(b_logged_in.elapsed())).await;
    // B's max_age before A logs in again, so that no fresher login of the user stands between.
    let expired = steps::attempt(ctx, &b, client, with(&|p| p.max_age = Some(1)), UserActs::ALLOW).await?;
    out.findings.extend(judged(SessionCase::MaxAgeExpired, &expired, &base_b));
    if prompt_supported(ctx, "login") {
        let att = steps::attempt(ctx, &a, client, with(&|p| p.prompt = Some("login".into())), UserActs::ALLOW).await?;
        out.findings.extend(judged(SessionCase::PromptLogin, &att, &base_a));
    } else {
        notes.push("prompt=login is not advertised in prompt_values_supported".to_owned());
    }
    out.findings.extend(probe::auth_time_findings(ctx, &large, client));
    out.findings.extend(probe::auth_time_findings(ctx, &expired, client));
    Ok(())
}
