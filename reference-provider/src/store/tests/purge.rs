//! Housekeeping: what [`crate::store::Store::purge_expired`] deletes (expired rows, grant
//! revocations nobody needs any more), what it keeps, and that it deletes in chunks to the end.

use super::{code, interaction, refresh, session, store, successor};
use crate::store::tokens::{FAMILY_WINDOW, PURGE_FAMILIES};
use crate::store::{PURGE_CHUNK_ROWS, REVOKED_GRANT_RETENTION_SECS, Redemption, Rotation};

#[test]
fn purge_removes_expired_rows_only() {
    let s = store();
    s.insert_session(&session("sess-old", 100)).unwrap();
    s.insert_session(&session("sess-new", 300)).unwrap();
    s.insert_interaction(&interaction("ia-old", 100)).unwrap();
    s.insert_interaction(&interaction("ia-new", 300)).unwrap();
    s.insert_code(&code("code-old", "grant-1", 100)).unwrap();
    s.insert_code(&code("code-new", "grant-1", 300)).unwrap();
    let old = s.insert_refresh(&refresh("rt-old", "grant-1", 100)).unwrap();
    let new = s.insert_refresh(&refresh("rt-new", "grant-1", 300)).unwrap();
    // Created to expire at 100, rotated to a successor that expires at 300: kept.
    let rotated = s.insert_refresh(&refresh("rt-rotated", "grant-1", 100)).unwrap();
    let next = successor("fh-rt-rotated", "rt-rotated-2", 50, 300);
    assert_eq!(s.rotate_refresh(rotated, 0, &next).unwrap(), Rotation::Rotated);

    assert_eq!(s.purge_expired(99).unwrap(), 0);
    assert_eq!(s.purge_expired(100).unwrap(), 4);
    assert_eq!(s.purge_expired(100).unwrap(), 0);

    // Gone for good, even when asked about with an earlier clock.
    assert_eq!(s.session("sess-old", 0).unwrap(), None);
    assert_eq!(s.interaction("ia-old", 0).unwrap(), None);
    assert_eq!(s.redeem_code("code-old", 0).unwrap(), Redemption::Unknown);
    assert_eq!(s.refresh_family(old).unwrap(), None);
    // The rest is intact.
    assert!(s.session("sess-new", 0).unwrap().is_some());
    assert!(s.interaction("ia-new", 0).unwrap().is_some());
    assert!(s.refresh_family(new).unwrap().is_some());
    assert!(s.refresh_family(rotated).unwrap().is_some());
    assert!(matches!(
        s.redeem_code("code-new", 0).unwrap(),
        Redemption::Won(_)
    ));
}

#[test]
fn purge_keeps_grant_revocations_while_needed() {
    let s = store();
    let retention = REVOKED_GRANT_RETENTION_SECS;
    // grant-a: revoked at 0, its refresh token lives past the retention period.
    s.insert_refresh(&refresh("rt-a", "grant-a", retention + 500))
        .unwrap();
    s.revoke_grant("grant-a", 0).unwrap();
    // grant-b: revoked at 0, nothing stored under it.
    s.revoke_grant("grant-b", 0).unwrap();
    // grant-c: revoked late, nothing stored under it.
    s.revoke_grant("grant-c", 400).unwrap();

    assert_eq!(
        s.purge_expired(retention - 1).unwrap(),
        0,
        "all within retention"
    );
    assert_eq!(s.purge_expired(retention).unwrap(), 1, "grant-b only");
    assert!(
        s.grant_revoked("grant-a").unwrap(),
        "a token of grant-a remains"
    );
    assert!(!s.grant_revoked("grant-b").unwrap());
    assert!(s.grant_revoked("grant-c").unwrap());

    // rt-a expires, then grant-a goes too; grant-c is past retention as well by then.
    assert_eq!(s.purge_expired(retention + 500).unwrap(), 3);
    assert!(!s.grant_revoked("grant-a").unwrap());
    assert!(!s.grant_revoked("grant-c").unwrap());
}

#[test]
fn purge_deletes_chunk_after_chunk_to_the_end() {
    let s = store();
    // Two and a half chunks of expired refresh families (scanned by windows of row ids: a live one
    // in the middle, another at the end), exactly one chunk of expired sessions.
    let families = 2 * PURGE_CHUNK_ROWS + PURGE_CHUNK_ROWS / 2;
    let mut live = Vec::new();
    for i in 0..families {
        let expires_at = if i == PURGE_CHUNK_ROWS + 7 { 300 } else { 100 };
        let family = s.insert_refresh(&refresh(&format!("rt-{i}"), "grant-1", expires_at)).unwrap();
        if expires_at == 300 {
            live.push(family);
        }
    }
    for i in 0..PURGE_CHUNK_ROWS {
        s.insert_session(&session(&format!("sess-{i}"), 100)).unwrap();
    }
    live.push(s.insert_refresh(&refresh("rt-live", "grant-1", 300)).unwrap());
    s.insert_session(&session("sess-live", 300)).unwrap();

    let expected = u64::try_from(families - 1 + PURGE_CHUNK_ROWS).unwrap();
    assert_eq!(s.purge_expired(100).unwrap(), expected);
    assert_eq!(s.purge_expired(100).unwrap(), 0);
    assert_eq!(s.refresh_family(families - 1).unwrap(), None);
    for family in live {
        assert!(s.refresh_family(family).unwrap().is_some(), "family {family}");
    }
    assert!(s.session("sess-live", 0).unwrap().is_some());
}

#[test]
fn expired_families_are_found_by_row_id_ranges_not_by_scanning_the_table() {
    // A full scan per window would make a purge quadratic in the number of families.
    let s = store();
    let conn = s.lock();
    let plan = |sql: &str, params: &[i64]| -> Vec<String> {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(params), |r| r.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let window = plan(FAMILY_WINDOW, &[0, PURGE_CHUNK_ROWS]);
    assert!(window.iter().any(|p| p.contains("USING INTEGER PRIMARY KEY (rowid>?)")), "{window:?}");
    assert!(window.iter().all(|p| !p.starts_with("SCAN refresh_families") && !p.contains("TEMP B-TREE")), "{window:?}");
    let delete = plan(PURGE_FAMILIES, &[100, 0, PURGE_CHUNK_ROWS]);
    assert_eq!(delete.len(), 1, "{delete:?}");
    assert!(delete[0].contains("USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"), "{delete:?}");
}

#[test]
fn purge_walks_families_with_sparse_random_row_ids_to_the_end() {
    let s = store();
    // Row ids spread over the whole positive range, as the provider picks them.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut live = Vec::new();
    let total = 2 * PURGE_CHUNK_ROWS + 17;
    for i in 0..total {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let expires_at = if i % 100 == 0 { 300 } else { 100 };
        let family = i64::try_from(state >> 1).unwrap().max(1);
        let record = crate::store::RefreshRecord { family, ..refresh(&format!("rt-{i}"), "grant-1", expires_at) };
        let family = s.insert_refresh(&record).unwrap();
        if expires_at == 300 {
            live.push(family);
        }
    }
    let kept = i64::try_from(live.len()).unwrap();
    assert_eq!(s.purge_expired(100).unwrap(), u64::try_from(total - kept).unwrap());
    for family in live {
        assert!(s.refresh_family(family).unwrap().is_some(), "family {family}");
    }
    assert_eq!(s.purge_expired(300).unwrap(), u64::try_from(kept).unwrap());
}
