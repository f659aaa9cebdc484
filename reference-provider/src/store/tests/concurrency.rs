//! Exactly one winner: 200 threads redeem the same code / rotate the same refresh token (and only
//! the winner's successor is stored), on one shared handle (file-backed and in-memory) and on two
//! handles (two connections) to one file.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use super::{TempDir, code, refresh, successor};
use crate::store::{Redemption, Rotation, Store};

const THREADS: usize = 200;

/// Outcome counts of one race, plus the `now` the winner used and the redemption times the
/// losers saw.
#[derive(Debug, Default)]
struct Tally {
    won: Vec<i64>,
    already_used_saw: Vec<Option<i64>>,
    unknown: usize,
}

/// Runs `THREADS` threads, thread `i` calling `attempt(store_for(i), now = 1000 + i)` at once.
fn race<T: Send + 'static>(
    stores: &[Arc<Store>],
    attempt: fn(&Store, i64) -> Redemption<T>,
    used_at: fn(&T) -> Option<i64>,
) -> Tally {
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let store = Arc::clone(&stores[i % stores.len()]);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                let now = 1000 + i as i64;
                (now, attempt(&store, now))
            })
        })
        .collect();
    let mut tally = Tally::default();
    for handle in handles {
        match handle.join().expect("thread panicked") {
            (now, Redemption::Won(record)) => {
                assert_eq!(
                    used_at(&record),
                    Some(now),
                    "winner's record shows its own time"
                );
                tally.won.push(now);
            }
            (_, Redemption::AlreadyUsed(record)) => tally.already_used_saw.push(used_at(&record)),
            (_, Redemption::Unknown) => tally.unknown += 1,
        }
    }
    tally
}

fn assert_exactly_one_winner(tally: &Tally) {
    assert_eq!(tally.won.len(), 1, "{tally:?}");
    assert_eq!(tally.already_used_saw.len(), THREADS - 1, "{tally:?}");
    assert_eq!(tally.unknown, 0);
    let winner = tally.won.first().copied();
    assert!(
        tally.already_used_saw.iter().all(|saw| *saw == winner),
        "every loser sees the winner's redemption time: {tally:?}"
    );
}

fn redeem(store: &Store, now: i64) -> Redemption<crate::store::CodeRecord> {
    store.redeem_code("code-race", now).expect("redeem_code")
}

/// The refresh grant's store call: rotate family 1 (`rt-race`) from generation 0 to this thread's
/// successor, created at `now`. The winner's record is read back after its rotation (nobody
/// rotates from generation 1, so it never changes again).
fn rotate(store: &Store, now: i64) -> Redemption<crate::store::RefreshRecord> {
    let next = successor("fh-rt-race", &format!("rt-next-{now}"), now, 10_000);
    match store.rotate_refresh(1, 0, &next).expect("rotate_refresh") {
        Rotation::Rotated => Redemption::Won(
            store
                .refresh_family(1)
                .expect("read back")
                .expect("the rotated family exists")
                .0,
        ),
        Rotation::AlreadyUsed(record) => Redemption::AlreadyUsed(*record),
        Rotation::Unknown => Redemption::Unknown,
    }
}

fn seed(store: &Store) {
    store
        .insert_code(&code("code-race", "grant-race", 10_000))
        .unwrap();
    let family = store
        .insert_refresh(&refresh("rt-race", "grant-race", 10_000))
        .unwrap();
    assert_eq!(family, 1);
}

fn race_both(stores: &[Arc<Store>]) {
    let codes = race(stores, redeem, |c| c.redeemed_at);
    assert_exactly_one_winner(&codes);
    let tokens = race(stores, rotate, |r| Some(r.created_at));
    assert_exactly_one_winner(&tokens);
    // The family holds the winner's successor.
    let family = stores[0].refresh_family(1).unwrap().unwrap().0;
    assert_eq!(family.generation, 1);
    assert_eq!(Some(family.token_hash), tokens.won.first().map(|now| format!("th-rt-next-{now}")));
}

#[test]
fn one_winner_on_shared_in_memory_store() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    seed(&store);
    race_both(&[store]);
}

#[test]
fn one_winner_on_shared_file_store() {
    let dir = TempDir::new();
    let store = Arc::new(Store::open(&dir.db()).unwrap());
    seed(&store);
    race_both(&[store]);
}

#[test]
fn one_winner_across_two_connections_to_one_file() {
    let dir = TempDir::new();
    // A generous lock timeout: the build box is shared and the point here is correctness.
    let a = Arc::new(Store::open_with_busy_timeout(&dir.db(), Duration::from_secs(60)).unwrap());
    let b = Arc::new(Store::open_with_busy_timeout(&dir.db(), Duration::from_secs(60)).unwrap());
    seed(&a);
    race_both(&[a.clone(), b.clone()]);

    // The second connection sees the first one's redemption (not a per-handle cache).
    a.insert_code(&code("code-seq", "grant-seq", 10_000))
        .unwrap();
    assert!(matches!(
        a.redeem_code("code-seq", 1).unwrap(),
        Redemption::Won(_)
    ));
    assert!(matches!(
        b.redeem_code("code-seq", 2).unwrap(),
        Redemption::AlreadyUsed(_)
    ));
}

#[test]
fn long_refresh_rotation_chain_on_file() {
    // The hot path of a refresh grant: read the family and its grant, then rotate it.
    const ROTATIONS: i64 = 2000;
    let dir = TempDir::new();
    let store = Store::open(&dir.db()).unwrap();
    let family = store
        .insert_refresh(&refresh("rt-0", "grant-chain", 1_000_000))
        .unwrap();
    let started = std::time::Instant::now();
    for n in 0..ROTATIONS {
        let (read, grant_revoked) = store.refresh_family(family).unwrap().unwrap();
        assert!(!grant_revoked);
        assert_eq!((read.generation, read.token_hash), (n, format!("th-rt-{n}")));
        let next = successor("fh-rt-0", &format!("rt-{}", n + 1), n, 1_000_000 + n);
        let won = store.rotate_refresh(family, n, &next).unwrap();
        assert_eq!(won, Rotation::Rotated, "rotation {n} lost");
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{ROTATIONS} refresh rotations in {elapsed:?} ({:.0}/s, debug build)",
        ROTATIONS as f64 / elapsed.as_secs_f64()
    );
    // Rotating from any older generation loses.
    assert!(matches!(
        store.rotate_refresh(family, 0, &successor("fh-rt-0", "rt-replay", 0, 0)).unwrap(),
        Rotation::AlreadyUsed(r) if r.generation == ROTATIONS
    ));
    let last = store.refresh_family(family).unwrap().unwrap().0;
    assert_eq!((last.token_hash, last.expires_at), (format!("th-rt-{ROTATIONS}"), 1_000_000 + ROTATIONS - 1));
}

#[test]
fn concurrent_first_opens_of_a_new_file_migrate_once() {
    let dir = TempDir::new();
    let path = Arc::new(dir.db());
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let path = Arc::clone(&path);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                let store = Store::open_with_busy_timeout(&path, Duration::from_secs(60))?;
                store.schema_version()
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().expect("thread panicked").unwrap(), 3);
    }
}

#[test]
fn a_panic_while_holding_the_connection_does_not_break_the_store() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let poisoner = Arc::clone(&store);
    let joined = thread::spawn(move || {
        let _conn = poisoner.lock();
        panic!("simulated handler panic while holding the connection");
    })
    .join();
    assert!(joined.is_err());
    assert!(store.conn.is_poisoned());
    seed(&store);
    assert!(matches!(redeem(&store, 1), Redemption::Won(_)));
}
