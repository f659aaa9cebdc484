//! Reopening a database file: durability, migrations, version checks, file handling and
//! corrupt rows.

use super::{TempDir, client, code, interaction, key, refresh, session, successor, user};
use crate::store::{Redemption, Rotation, Store, StoreError};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Writes one of everything into `s`.
fn populate(s: &Store) {
    s.upsert_user(&user("sub-ada", "ada")).unwrap();
    s.upsert_client(&client("rp")).unwrap();
    s.insert_key(&key("k-1", 100)).unwrap();
    s.insert_key(&key("k-2", 200)).unwrap();
    s.retire_key("k-1", 200, 900).unwrap();
    s.insert_session(&session("sess-1", 5000)).unwrap();
    s.insert_interaction(&interaction("ia-1", 5000)).unwrap();
    s.set_interaction_user("ia-1", "sub-ada", 30).unwrap();
    s.add_consent("sub-ada", "rp", &strings(&["openid", "email"]), 30)
        .unwrap();
    s.insert_code(&code("code-1", "grant-1", 5000)).unwrap();
    assert!(matches!(
        s.redeem_code("code-1", 40).unwrap(),
        Redemption::Won(_)
    ));
    assert_eq!(s.insert_refresh(&refresh("rt-1", "grant-1", 5000)).unwrap(), 1);
    assert_eq!(s.insert_refresh(&refresh("rt-2", "grant-2", 5000)).unwrap(), 2);
    assert_eq!(
        s.rotate_refresh(2, 0, &successor("fh-rt-2", "rt-2b", 45, 6000)).unwrap(),
        Rotation::Rotated
    );
    s.revoke_grant("grant-1", 50).unwrap();
}

/// Checks that everything [`populate`] wrote is there.
fn assert_populated(s: &Store) {
    assert_eq!(
        s.user_by_username("ada").unwrap(),
        Some(user("sub-ada", "ada"))
    );
    assert_eq!(s.client("rp").unwrap(), Some(client("rp")));
    let keys = s.keys().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        (keys[0].kid.as_str(), keys[0].retired_at, keys[0].expires_at),
        ("k-1", Some(200), Some(900))
    );
    assert_eq!(keys[1], key("k-2", 200));
    assert_eq!(
        s.session("sess-1", 0).unwrap(),
        Some(session("sess-1", 5000))
    );
    assert_eq!(
        s.interaction("ia-1", 0)
            .unwrap()
            .unwrap()
            .user_sub
            .as_deref(),
        Some("sub-ada")
    );
    assert_eq!(
        s.consented_scopes("sub-ada", "rp").unwrap(),
        strings(&["email", "openid"])
    );
    match s.redeem_code("code-1", 99).unwrap() {
        Redemption::AlreadyUsed(c) => assert_eq!(c.redeemed_at, Some(40)),
        other => panic!("expected the code to stay redeemed (found {other:?})"),
    }
    assert!(s.grant_revoked("grant-1").unwrap());
    assert_eq!(s.refresh_family(1).unwrap().unwrap().0.revoked_at, Some(50));
    let rotated = s.refresh_family(2).unwrap().unwrap().0;
    assert_eq!((rotated.generation, rotated.token_hash.as_str(), rotated.expires_at), (1, "th-rt-2b", 6000));
}

#[test]
fn everything_survives_reopening() {
    let dir = TempDir::new();
    let s = Store::open(&dir.db()).unwrap();
    populate(&s);
    drop(s);
    let s = Store::open(&dir.db()).unwrap();
    assert_populated(&s);
}

#[test]
fn committed_writes_are_on_disk_without_a_clean_close() {
    // Leak the first handle: its connection is never closed, so no checkpoint runs and the
    // data lives only in the WAL file, as after a crash. A second connection must see it all.
    let dir = TempDir::new();
    let s = Store::open(&dir.db()).unwrap();
    populate(&s);
    std::mem::forget(s);
    let wal = dir.path().join("provider.sqlite-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "the writes are in the WAL"
    );
    let again = Store::open(&dir.db()).unwrap();
    assert_populated(&again);
}

#[test]
fn opening_is_idempotent_and_sets_user_version() {
    let dir = TempDir::new();
    let s = Store::open(&dir.db()).unwrap();
    assert_eq!(s.schema_version().unwrap(), 3);
    s.upsert_user(&user("sub-ada", "ada")).unwrap();
    drop(s);
    let s = Store::open(&dir.db()).unwrap();
    assert_eq!(s.schema_version().unwrap(), 3);
    assert_eq!(s.user_count().unwrap(), 1);
    // Two live handles on the same file are fine too.
    let other = Store::open(&dir.db()).unwrap();
    assert_eq!(other.schema_version().unwrap(), 3);
    assert_eq!(
        Store::open_in_memory().unwrap().schema_version().unwrap(),
        3
    );
}

#[test]
fn newer_schema_is_refused_with_a_clear_error() {
    let dir = TempDir::new();
    let s = Store::open(&dir.db()).unwrap();
    s.lock().pragma_update(None, "user_version", 99).unwrap();
    drop(s);
    let err = Store::open(&dir.db()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 99,
                supported: 3
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("expected schema version 3 or lower (found 99)"),
        "{err}"
    );
}

#[test]
fn file_mode_and_journal() {
    let dir = TempDir::new();
    let path = dir.path().join("nested").join("deeper").join("op.sqlite");
    let s = Store::open(&path).unwrap();
    assert_eq!(s.path(), Some(path.as_path()));
    assert!(path.is_file(), "parent directories are created");
    let mode: String = s
        .lock()
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let checkpoint: i64 = s
        .lock()
        .pragma_query_value(None, "wal_autocheckpoint", |row| row.get(0))
        .unwrap();
    assert_eq!(checkpoint, crate::store::WAL_AUTOCHECKPOINT_PAGES);
    let fk: i64 = s
        .lock()
        .pragma_query_value(None, "foreign_keys", |row| row.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the file holds private keys");
    }
    assert_eq!(Store::open_in_memory().unwrap().path(), None);
}

#[test]
fn unusable_directory_is_an_error() {
    let dir = TempDir::new();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"file").unwrap();
    let err = Store::open(&blocker.join("op.sqlite")).unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err:?}");
}

#[test]
fn corrupt_json_is_an_error_not_a_panic() {
    let s = Store::open_in_memory().unwrap();
    s.upsert_client(&client("rp")).unwrap();
    s.upsert_client(&client("rp-shape")).unwrap();
    s.upsert_user(&user("sub-ada", "ada")).unwrap();
    s.insert_interaction(&interaction("ia-1", 5000)).unwrap();
    s.insert_code(&code("code-1", "grant-1", 5000)).unwrap();
    let mut rt = refresh("rt-1", "grant-1", 5000);
    rt.claims_request = Some(serde_json::json!({}));
    s.insert_refresh(&rt).unwrap();
    {
        let conn = s.lock();
        conn.execute_batch(
            "UPDATE clients SET doc = '{\"client_id\": \"rp\", ' WHERE client_id = 'rp';
             UPDATE clients SET doc = '[1, 2]' WHERE client_id = 'rp-shape';
             UPDATE users SET claims = 'not json';
             UPDATE interactions SET request = '{';
             UPDATE codes SET claims_request = '{';
             UPDATE refresh_families SET claims_request = '}';",
        )
        .unwrap();
    }
    let corrupt = |r: Result<(), StoreError>, table: &str, column: &str| match r {
        Err(StoreError::CorruptJson {
            table: t,
            column: c,
            ..
        }) => {
            assert_eq!((t, c), (table, column));
        }
        other => panic!("expected CorruptJson in {table}.{column} (found {other:?})"),
    };
    corrupt(s.client("rp").map(drop), "clients", "doc");
    corrupt(s.client("rp-shape").map(drop), "clients", "doc");
    corrupt(s.user_by_sub("sub-ada").map(drop), "users", "claims");
    corrupt(s.user_by_username("ada").map(drop), "users", "claims");
    corrupt(s.users().map(drop), "users", "claims");
    corrupt(
        s.interaction("ia-1", 0).map(drop),
        "interactions",
        "request",
    );
    corrupt(
        s.redeem_code("code-1", 0).map(drop),
        "codes",
        "claims_request",
    );
    corrupt(
        s.redeem_code("code-1", 0).map(drop),
        "codes",
        "claims_request",
    );
    corrupt(
        s.refresh_family(1).map(drop),
        "refresh_families",
        "claims_request",
    );
    let msg = s.client("rp").unwrap_err().to_string();
    assert!(
        msg.starts_with("corrupt row in table clients: expected valid JSON in column doc"),
        "{msg}"
    );
    // The store stays usable.
    s.upsert_client(&client("rp")).unwrap();
    assert_eq!(s.client("rp").unwrap(), Some(client("rp")));
}

#[test]
fn in_memory_stores_are_private_memdb_files_with_a_2_gib_cap() {
    let a = Store::open_in_memory().unwrap();
    let b = Store::open_in_memory().unwrap();
    let family = a.insert_refresh(&refresh("rt-only-in-a", "grant-1", 5000)).unwrap();
    assert!(a.refresh_family(family).unwrap().is_some());
    assert!(b.refresh_family(family).unwrap().is_none(), "two in-memory stores share nothing");
    assert_eq!(a.path(), None);
    assert_eq!(a.schema_version().unwrap(), crate::store::schema::current_version());
    let conn = a.lock();
    // A negative limit asks for the current one; memdb's default cap is 1 GiB.
    let mut limit = -1_i64;
    conn.file_control(Some(rusqlite::MAIN_DB), rusqlite::FileControl::SizeLimit(&mut limit))
        .unwrap();
    assert_eq!(limit, crate::store::MEMORY_STORE_MAX_BYTES, "the memdb size cap is raised");
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "memory", "rollback journal in memory: nothing touches the disk");
    let page: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
    assert_eq!(page, crate::store::MEMORY_STORE_PAGE_SIZE, "half-size pages in memory");
}

#[test]
fn a_full_in_memory_store_says_so_and_keeps_what_it_holds() {
    let s = Store::open_in_memory_capped(256 * 1024).unwrap();
    let mut stored = 0;
    let error = loop {
        match s.insert_refresh(&refresh(&format!("rt-{stored:06}"), "grant-1", 5000)) {
            Ok(family) => {
                stored += 1;
                assert_eq!(family, stored, "row ids count from 1");
            }
            Err(e) => break e,
        }
        assert!(stored < 100_000, "a 256 KiB store never filled up");
    };
    assert!(stored > 100, "only {stored} tokens fit in 256 KiB");
    assert!(error.to_string().contains("database or disk is full"), "{error}");
    assert!(s.refresh_family(1).unwrap().is_some(), "earlier rows are kept");
    assert!(s.refresh_family(stored).unwrap().is_some());
    // The failed write was rolled back whole; the store still answers and rotates in place.
    assert!(s.refresh_family(stored + 1).unwrap().is_none());
    assert_eq!(
        s.rotate_refresh(1, 0, &successor("fh-rt-000000", "rt-next", 60, 5000)).unwrap(),
        crate::store::Rotation::Rotated
    );
}
