//! How long a purge of expired rows holds up the store: fills an in-memory store with N expired
//! refresh-token families (default 120,000, about two minutes of an embedded `login-flow` run's
//! grants), purges them on one thread while another looks a live family up every 50 µs, and
//! prints the purge's duration and the longest lookup.
//!
//!     cargo run --release -p reference-provider --example purge_stall -- 120000
//!     taskset -c 0 target/release/examples/purge_stall     # both threads on one CPU

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reference_provider::store::{RefreshRecord, Store};

/// A family stored under a row id spread over the positive range, as the provider's random ones
/// (`n` ↦ an odd multiple modulo 2^63 is one-to-one, so no two collide).
fn family(n: u64, hash: String, expires_at: i64) -> RefreshRecord {
    RefreshRecord {
        family: i64::try_from((n + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) & (u64::MAX >> 1)).unwrap_or(1),
        family_hash: hash.clone(),
        generation: 0,
        token_hash: hash,
        legacy_hash: None,
        grant_id: "grant-1".into(),
        client_id: "demo-client".into(),
        user_sub: "alice".into(),
        scope: "openid offline_access".into(),
        auth_time: 1,
        claims_request: None,
        created_at: 1,
        expires_at,
        revoked_at: None,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = match std::env::args().nth(1) {
        Some(n) => n.parse().map_err(|e| format!("expected a row count (found {n:?}): {e}"))?,
        None => 120_000,
    };
    let store = Arc::new(Store::open_in_memory()?);
    for i in 0..rows {
        // Scattered hashes, as real token hashes are.
        store.insert_refresh(&family(i, format!("{:043}", i.wrapping_mul(2_654_435_761) % 1_000_000_007), 100))?;
    }
    let live = store.insert_refresh(&family(rows, "live".into(), 1_000))?;
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        std::thread::spawn(move || {
            let (mut longest, mut lookups) = (Duration::ZERO, 0u64);
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let found = store.refresh_family(live).map(|f| f.is_some()).unwrap_or(false);
                assert!(found, "the live token must stay");
                longest = longest.max(started.elapsed());
                lookups += 1;
                std::thread::sleep(Duration::from_micros(50));
            }
            (longest, lookups)
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    let deleted = store.purge_expired(100)?;
    let took = started.elapsed();
    std::thread::sleep(Duration::from_millis(20));
    stop.store(true, Ordering::Relaxed);
    let (longest, lookups) = reader.join().map_err(|_| "the lookup thread panicked")?;
    println!(
        "rows={rows} deleted={deleted} purge_ms={:.1} longest_lookup_ms={:.2} lookups={lookups}",
        took.as_secs_f64() * 1e3,
        longest.as_secs_f64() * 1e3
    );
    Ok(())
}
