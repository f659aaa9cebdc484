//! Concurrency modules: N parallel redemptions of one authorization code, and N parallel uses
//! of one rotating refresh token (N = `features.parallel_requests`), in several rounds
//! (`features.race_rounds`), each with a fresh code or token. Exactly one may succeed per round.
//! The requests overlap by last-byte synchronisation (`BackChannel::send_synchronised`), or, with
//! `race_method = "parallel"`, as tasks fired at once. The winners of each round go into the note;
//! the checks judge the worst round.

use super::code_exchange::{answer, regular_clients};
use super::{ModuleKind, ModuleOutcome};
use crate::checks::{CODE_RACE_CHECKS, REFRESH_RACE_CHECKS, RaceEvidence, TokenAnswer, evaluate};
use crate::conform::steps;
use crate::conform::{Ctx, ModuleSpec};
use crate::flow::{self, AuthParams};
use crate::http::{BackChannel, HttpRequest};
use crate::target::{ClientProfile, RaceMethod, Target};

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
    let features = &ctx.target.features;
    if grant == RaceGrant::Refresh && !(features.refresh_token && features.refresh_rotation) {
        return ModuleOutcome::skipped("the profile claims no rotating refresh tokens (features.refresh_token, refresh_rotation)");
    }
    let Some(client) = regular_clients(&ctx.target).next().cloned() else {
        return ModuleOutcome::skipped("no client besides the short-lifetime one");
    };
    let (n, rounds, method) = (features.parallel_requests, features.race_rounds, features.race_method);
    let checks = match grant {
        RaceGrant::Code => CODE_RACE_CHECKS,
        RaceGrant::Refresh => REFRESH_RACE_CHECKS,
    };
    let mut tallies = Vec::with_capacity(rounds);
    for round in 1..=rounds {
        let req = match credential(ctx, &client, grant).await {
            Ok(Some(req)) => req,
            Ok(None) => return ModuleOutcome::skipped("the code flow returned no refresh token"),
            Err(note) => {
                let out = ModuleOutcome { findings: Vec::new(), note: None, status: None };
                return out.abort(format!("round {round}: {note}"));
            }
        };
        let this = method.for_round(round);
        let answers = match this {
            RaceMethod::Parallel => race(&ctx.back, &req, n).await,
            _ => ctx.back.send_synchronised(&req, n).await.into_iter().map(|r| r.ok().map(|r| answer(&r))).collect(),
        };
        tallies.push((this, RaceEvidence::tally(&answers)));
    }
    let ev = RaceEvidence::worst(&tallies.iter().map(|(_, t)| *t).collect::<Vec<_>>());
    let per_round: Vec<String> = tallies.iter().enumerate().map(|(i, (m, t))| format!("round {} ({}): {}", i + 1, m.as_str(), t.summary())).collect();
    let winners: usize = tallies.iter().map(|(_, t)| t.succeeded).sum();
    let note = format!(
        "{rounds} rounds × {n} requests ({}); winners per round {:?}, {winners} in all. {}",
        method.as_str(),
        tallies.iter().map(|(_, t)| t.succeeded).collect::<Vec<_>>(),
        per_round.join("; ")
    );
    ModuleOutcome { findings: evaluate(checks, &ev), note: Some(note), status: None }
}

/// A fresh request carrying one new code (or one new refresh token): a login of its own.
/// `Ok(None)` when the login yields no refresh token.
async fn credential(ctx: &Ctx, client: &ClientProfile, grant: RaceGrant) -> Result<Option<HttpRequest>, String> {
    let token = &ctx.endpoints().token;
    let browser = steps::browser(ctx)?;
    let params = AuthParams::fresh(client);
    let verifier = params.pkce.as_ref().map(|p| p.verifier.clone());
    Ok(match grant {
        RaceGrant::Code => {
            let code = steps::code_for(ctx, &browser, client, &params).await?;
            Some(flow::token::code_exchange(token, client, &code, verifier.as_deref()))
        }
        RaceGrant::Refresh => {
            let t = steps::tokens_for_refresh(ctx, &browser, client, params).await?;
            t.get("refresh_token").map(|rt| flow::token::refresh(token, client, rt, None))
        }
    })
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
