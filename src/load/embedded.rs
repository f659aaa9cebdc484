//! The default load target: the bundled reference provider in-process on 127.0.0.1:0, its demo
//! clients, and a pool of test users with a cheap password hash (so a load run measures the
//! protocol, not argon2), one pool member per load user; sessions and refresh tokens last ten
//! minutes, so that a long run's in-memory store stays bounded.

use std::sync::Arc;

use reference_provider::config::{Lifetimes, UserPool};
use reference_provider::{FaultSet, Options, StartError, Storage};

use crate::conform::{EmbeddedProvider, embedded_config, embedded_profile};
use crate::target::{Profile, Secret, UserProfile};

/// Username prefix of the pool.
const POOL_PREFIX: &str = "load-user-";
/// The pool's shared password (a demo value, like the demo user's).
const POOL_PASSWORD: &str = "load-password";

/// Lifetime of the embedded load provider's refresh tokens and browser sessions (seconds): ten
/// minutes, as its access tokens, instead of the provider's 30 days and one day.
pub const LOAD_LIFETIME_SECS: i64 = 600;

/// The embedded load provider's lifetimes. Every login flow leaves a session, a code and a
/// refresh-token family behind (a rotation rewrites its family in place); with these lifetimes
/// the in-memory store holds about ten minutes of logins, purged as they expire, so a soak run of
/// hours neither fills the store nor keeps growing.
pub fn load_lifetimes() -> Lifetimes {
    Lifetimes { refresh_secs: LOAD_LIFETIME_SECS, session_secs: LOAD_LIFETIME_SECS, ..Lifetimes::default() }
}

/// Starts the embedded provider with `users` pool members (1..=10 000) and `faults`, and
/// returns it with the matching profile (not validated yet: the caller may narrow the pool, as
/// `--shard` does, then makes it a [`Target`](crate::target::Target)); lifetimes are [`load_lifetimes`].
pub async fn start_embedded_for_load(users: usize, faults: FaultSet) -> Result<(EmbeddedProvider, Profile), StartError> {
    start_embedded_for_load_with(users, faults, load_lifetimes()).await
}

/// [`start_embedded_for_load`] with other lifetimes (tests of token expiry under load).
pub async fn start_embedded_for_load_with(
    users: usize,
    faults: FaultSet,
    lifetimes: Lifetimes,
) -> Result<(EmbeddedProvider, Profile), StartError> {
    let count = u32::try_from(users.clamp(1, 10_000)).unwrap_or(1);
    // The conformance run's embedded seed (demo clients, cheap hashing, this process's
    // encryption key for the encrypted-ID-token client), plus the pool.
    let mut config = embedded_config();
    config.user_pool = Some(UserPool { prefix: POOL_PREFIX.into(), count, password: POOL_PASSWORD.into() });
    config.lifetimes = lifetimes;
    let running = reference_provider::start(Options {
        config,
        faults,
        storage: Storage::Memory,
        clock: Arc::new(reference_provider::clock::SystemClock),
    })
    .await?;
    let mut profile = embedded_profile(running.issuer());
    profile.name = Some("embedded".into());
    profile.users = (1..=count)
        .map(|n| UserProfile { username: format!("{POOL_PREFIX}{n}"), password: Secret::new(POOL_PASSWORD) })
        .collect();
    Ok((running, profile))
}
