//! Concurrency modules: N parallel redemptions of one authorization code, and N parallel uses
//! of one rotating refresh token (N = `features.parallel_requests`). Exactly one may succeed;
//! the counts go into the module note.

use super::code_exchange::{answer, regular_clients};
use super::{ModuleKind, ModuleOutcome};
use crate::checks::{CODE_RACE_CHECKS, REFRESH_RACE_CHECKS, RaceEvidence, TokenAnswer, evaluate};
use crate::conform::steps;
use crate::conform::{Ctx, ModuleSpec};
use crate::flow::{self, AuthParams};
use crate::http::{BackChannel, HttpRequest};
use crate::target::Target;

/// What the parallel requests carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaceGrant {
    /// One authorization code.
    Code,
    /// One refresh token.
    Refresh,
}

/// The concurrency modules (plan `all` only).
pub(in crate::conform) fn specs(target: &Target) -> Vec<ModuleSpec> {
    let n = target.features.parallel_requests;
    let m = |id: &str, description: String, grant: RaceGrant| ModuleSpec {
        id: id.to_owned(),
        description,
        kind: ModuleKind::Race(grant),
        in_basic: false,
    };
    vec![
        m("concurrency/code", format!("{n} parallel redemptions of one code: exactly one succeeds (RFC 6749 4.1.2)"), RaceGrant::Code),
        m(
            "concurrency/refresh",
            format!("{n} parallel uses of one rotating refresh token: exactly one succeeds (RFC 9700 4.14.2)"),
            RaceGrant::Refresh,
        ),
    ]
}

pub(super) async fn run(ctx: &Ctx, grant: RaceGrant) -> ModuleOutcome {
    let token = ctx.endpoints().token.clone();
    let features = &ctx.target.features;
    if grant == RaceGrant::Refresh && !(features.refresh_token && features.refresh_rotation) {
        return ModuleOutcome::skipped("the profile claims no rotating refresh tokens (features.refresh_token, refresh_rotation)");
    }
    let n = features.parallel_requests;
    let Some(client) = regular_clients(&ctx.target).next().cloned() else {
        return ModuleOutcome::skipped("no client besides the short-lifetime one");
    };
    let browser = match steps::browser(ctx) {
        Ok(a) => a,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    let params = AuthParams::fresh(&client);
    let verifier = params.pkce.as_ref().map(|p| p.verifier.clone());
    let (req, checks) = match grant {
        RaceGrant::Code => match steps::code_for(ctx, &browser, &client, &params).await {
            Ok(code) => (flow::token::code_exchange(&token, &client, &code, verifier.as_deref()), CODE_RACE_CHECKS),
            Err(note) => return ModuleOutcome::default().abort(note),
        },
        RaceGrant::Refresh => match steps::tokens_for_refresh(ctx, &browser, &client, params).await {
            Ok(t) => match t.get("refresh_token") {
                Some(rt) => (flow::token::refresh(&token, &client, rt, None), REFRESH_RACE_CHECKS),
                None => return ModuleOutcome::skipped("the code flow returned no refresh token"),
            },
            Err(note) => return ModuleOutcome::default().abort(note),
        },
    };
    let ev = RaceEvidence::tally(&race(&ctx.back, &req, n).await);
    ModuleOutcome { findings: evaluate(checks, &ev), note: Some(ev.summary()), status: None }
}

/// Sends `n` copies of `req` at once, each on its own task over a clone of the agent.
async fn race(back: &BackChannel, req: &HttpRequest, n: usize) -> Vec<Option<TokenAnswer>> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (back, req) = (back.clone(), req.clone());
            tokio::spawn(async move { back.send(req).await.ok().map(|r| answer(&r)) })
        })
        .collect();
    let mut answers = Vec::with_capacity(n);
    for h in handles {
        answers.push(h.await.ok().flatten());
    }
    answers
}
