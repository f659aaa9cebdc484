//! Housekeeping of a running provider: expired codes, sessions, interactions and refresh tokens,
//! and grant revocations nobody needs any more, are deleted once at start and then every
//! `purge_interval_secs` ([`crate::store::Store::purge_expired`], on a blocking thread, judged by
//! the provider's clock). Without it a long-running provider, or a long load test, keeps every
//! row it ever wrote.

use std::sync::Arc;
use std::time::Duration;

use crate::provider::Provider;

/// Purges now and then every `provider.config.purge_interval_secs` until the task is aborted.
/// A failed purge is logged and tried again at the next tick; it never stops the provider.
pub(crate) async fn purge_loop(provider: Arc<Provider>) {
    let every = Duration::from_secs(provider.config.purge_interval_secs.max(1));
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let p = Arc::clone(&provider);
        match tokio::task::spawn_blocking(move || p.store.purge_expired(p.now())).await {
            Ok(Ok(0)) => {}
            Ok(Ok(deleted)) => tracing::debug!(deleted, "purged expired rows"),
            Ok(Err(e)) => tracing::warn!(error = %e, "purging expired rows failed"),
            Err(e) => tracing::warn!(error = %e, "purge task failed"),
        }
    }
}
