//! The Goose side: one Goose scenario per weighted transaction, an on-start transaction that
//! gives each user its own browser (own client and cookie jar, no redirects) and back channel (no
//! cookies, the same timings) and, where needed, a
//! first login; every exchange recorded as a named Goose request and in our histograms.

use std::sync::Arc;
use std::time::Duration;

use goose::prelude::*;

use super::flows::{self, Held, Verification};
use super::scenario::{FlowKind, Scenario as LoadScenario};
use super::stats::LoadStats;
use super::stop::Stop;
use crate::checks::evaluate_failures;
use crate::checks::load::{CHECKS as LOAD_CHECKS, LoadAnswer};
use crate::conform::Ctx;
use crate::http::{BackChannel, Browser, StepLabel, Timing};

/// What every user shares: the prepared context (endpoints, keys, profile) and the stats.
#[derive(Debug)]
pub(super) struct Shared {
    /// Discovery, JWKS and the target profile.
    pub ctx: Ctx,
    /// Our metrics.
    pub stats: LoadStats,
}

/// One weighted transaction, resolved against the profile.
#[derive(Debug, Clone)]
pub(super) struct Job {
    /// The flow.
    pub kind: FlowKind,
    /// Index of the client in the profile.
    pub client: usize,
    /// Scope override.
    pub scope: Option<String>,
    /// Replay each code once after redeeming it (a success is a finding).
    pub replay_code: bool,
}

/// A user's own state (Goose session data).
#[derive(Clone)]
struct UserState {
    /// The user's browser (front channel; its own cookie jar and timings buffer).
    browser: Browser,
    /// The relying party's server for this user's requests (no cookies; the same timings).
    back: BackChannel,
    held: Held,
}

/// Turns a flow error into a Goose transaction failure.
fn fail(msg: String) -> TransactionResult {
    Err(Box::new(TransactionError::Custom(msg)))
}

/// A stopped flow: its reason counted once (unless its step counted it) and a Goose failure.
fn stopped(stats: &LoadStats, stop: &Stop) -> TransactionResult {
    if let Some(kind) = stop.uncounted() {
        stats.error(kind);
    }
    fail(stop.to_string())
}

/// Records drained timings as Goose requests and in our histograms.
async fn flush(user: &mut GooseUser, stats: &LoadStats, timings: Vec<Timing>, verifications: &[Verification]) {
    for t in timings {
        let step = t.label.map_or("other", StepLabel::as_str);
        // A replayed code must be refused: a 4xx is the expected answer there.
        let expected_refusal = t.label == Some(StepLabel::TokenReplay);
        let error = match t.status {
            None => Some(format!("no response at {step}")),
            Some(s) if s >= 500 => {
                for mut f in evaluate_failures(LOAD_CHECKS, &LoadAnswer { status: s }) {
                    f.message = Some(format!("HTTP {s} at {step} under load"));
                    stats.finding(&f);
                }
                Some(format!("HTTP {s} at {step}"))
            }
            Some(s) if s >= 400 && !expected_refusal => Some(format!("HTTP {s} at {step}")),
            Some(_) => None,
        };
        let micros = u64::try_from(t.elapsed.as_micros()).unwrap_or(u64::MAX);
        stats.step(step, micros, error.as_deref());
        let _ = user
            .record_custom_request_duration(t.method.as_str(), step, t.elapsed, error.is_none(), t.status, error.as_deref())
            .await;
    }
    for v in verifications {
        let err = (!v.ok).then_some("ID token failed verification");
        let _ = user
            .record_custom_request_duration("JWT", "verify", Duration::from_micros(v.micros), v.ok, None, err)
            .await;
    }
}

/// Logs in as this user's pool member; keeps the tokens.
async fn login(user: &mut GooseUser, shared: &Shared, job: &Job, state: &mut UserState) -> Result<Vec<Verification>, Stop> {
    let ctx = &shared.ctx;
    let (Some(client), false) = (ctx.target.clients.get(job.client), ctx.target.users.is_empty()) else {
        return Err("no client or no user in the profile".into());
    };
    let member = &ctx.target.users[user.weighted_users_index % ctx.target.users.len()];
    let (held, v) =
        flows::login_flow(ctx, &shared.stats, &state.browser, &state.back, flows::Login { client, user: member, scope: job.scope.as_deref(), replay_code: job.replay_code }).await?;
    state.held = held;
    Ok(v)
}

/// On start: a fresh browser and back channel, and a first login for flows that need tokens.
async fn setup(user: &mut GooseUser, shared: Arc<Shared>, job: Arc<Job>) -> TransactionResult {
    shared.stats.user_started();
    let browser = match shared.ctx.browser.for_load() {
        Ok(a) => a,
        Err(e) => return fail(format!("cannot create the user's HTTP client: {e}")),
    };
    let back = browser.back_channel();
    let mut state = UserState { browser, back, held: Held::default() };
    let result = match job.kind {
        FlowKind::TokenRefresh | FlowKind::Userinfo => login(user, &shared, &job, &mut state).await,
        _ => Ok(Vec::new()),
    };
    let timings = state.browser.take_timings();
    let verifications = result.clone().unwrap_or_default();
    flush(user, &shared.stats, timings, &verifications).await;
    user.set_session_data(state);
    result.map(|_| ()).or_else(|e| stopped(&shared.stats, &e))
}

/// The repeated transaction.
async fn act(user: &mut GooseUser, shared: Arc<Shared>, job: Arc<Job>) -> TransactionResult {
    let Some(state) = user.get_session_data_mut::<UserState>() else {
        return fail("the user was not set up".into());
    };
    let mut state = UserState { browser: state.browser.clone(), back: state.back.clone(), held: std::mem::take(&mut state.held) };
    let ctx = &shared.ctx;
    let client = ctx.target.clients.get(job.client);
    let result: Result<Vec<Verification>, Stop> = match (job.kind, client) {
        (_, None) => Err("no such client in the profile".into()),
        (FlowKind::LoginFlow, Some(_)) => login(user, &shared, &job, &mut state).await,
        (FlowKind::TokenRefresh, Some(c)) => {
            if state.held.refresh_token.is_none() {
                login(user, &shared, &job, &mut state).await
            } else {
                flows::refresh(ctx, &shared.stats, &state.back, c, &mut state.held).await
            }
        }
        (FlowKind::Userinfo, Some(_)) => {
            if state.held.access_due(ctx.clock.now()) {
                login(user, &shared, &job, &mut state).await
            } else {
                flows::userinfo(ctx, &state.back, &mut state.held).await.map(|()| Vec::new())
            }
        }
        (FlowKind::ClientCredentials, Some(c)) => {
            flows::client_credentials(ctx, &shared.stats, &state.back, c, job.scope.as_deref()).await
        }
        (FlowKind::DiscoveryJwks, Some(_)) => flows::discovery_jwks(ctx, &state.back).await.map(|()| Vec::new()),
    };
    let timings = state.browser.take_timings();
    let verifications = result.clone().unwrap_or_default();
    flush(user, &shared.stats, timings, &verifications).await;
    if let Some(s) = user.get_session_data_mut::<UserState>() {
        s.held = state.held;
    }
    result.map(|_| ()).or_else(|e| stopped(&shared.stats, &e))
}

/// Builds the Goose attack: one Goose scenario per transaction entry.
pub(super) fn build(mut attack: GooseAttack, scenario: &LoadScenario, jobs: Vec<Job>, shared: &Arc<Shared>) -> Result<GooseAttack, GooseError> {
    for (i, (spec, job)) in scenario.transactions.iter().zip(jobs).enumerate() {
        let job = Arc::new(job);
        let (s1, j1) = (Arc::clone(shared), Arc::clone(&job));
        let on_start = Transaction::new(Arc::new(move |user| Box::pin(setup(user, Arc::clone(&s1), Arc::clone(&j1)))))
            .set_name("setup")
            .set_on_start();
        let (s2, j2) = (Arc::clone(shared), Arc::clone(&job));
        let repeated =
            Transaction::new(Arc::new(move |user| Box::pin(act(user, Arc::clone(&s2), Arc::clone(&j2))))).set_name(spec.kind.as_str());
        let mut sc = Scenario::new(&format!("{}-{}", spec.kind.as_str(), i + 1)).set_weight(spec.weight)?;
        let [min, max] = scenario.think_time_ms;
        if max > 0 {
            sc = sc.set_wait_time(Duration::from_millis(min), Duration::from_millis(max))?;
        }
        attack = attack.register_scenario(sc.register_transaction(on_start).register_transaction(repeated));
    }
    Ok(attack)
}
