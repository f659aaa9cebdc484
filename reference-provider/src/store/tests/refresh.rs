//! Refresh-token families: storage, reads, rotation in place (one winner per generation),
//! revocation of a family and of its grant, and carried-over families.

use super::{refresh, store, successor};
use crate::store::refresh_tokens::SELECT_REFRESH;
use crate::store::{RefreshRecord, Rotation};

/// `record` as stored under row id `family`.
fn stored(record: &RefreshRecord, family: i64) -> RefreshRecord {
    RefreshRecord { family, ..record.clone() }
}

#[test]
fn families_are_stored_under_their_row_id_read_back_and_revoked() {
    let s = store();
    let mut r = refresh("rt-1", "grant-1", 1000);
    r.claims_request = Some(serde_json::json!({"id_token": {"acr": null}}));
    r.family = 4_611_686_018_427_387_903; // chosen by the caller (the provider: at random)
    let first = s.insert_refresh(&r).unwrap();
    assert_eq!(first, r.family);
    let second = s.insert_refresh(&refresh("rt-2", "grant-1", 1000)).unwrap(); // 0: the store picks
    assert_ne!(first, second);
    assert_eq!(s.refresh_family(first).unwrap(), Some((r.clone(), false)));
    assert_eq!(s.refresh_family(second).unwrap().unwrap().0.token_hash, "th-rt-2");
    assert_eq!(s.refresh_family(second + 1).unwrap(), None);
    // A row id already taken is refused, and the family holding it is untouched.
    let taken = RefreshRecord { family: first, ..refresh("rt-3", "grant-3", 1000) };
    assert!(s.insert_refresh(&taken).unwrap_err().is_constraint_violation());
    assert_eq!(s.refresh_family(first).unwrap().unwrap().0.grant_id, "grant-1");

    s.revoke_refresh(first, 70).unwrap();
    s.revoke_refresh(first, 80).unwrap();
    assert_eq!(s.refresh_family(first).unwrap().unwrap().0.revoked_at, Some(70), "the first revocation time is kept");
    assert_eq!(s.refresh_family(second).unwrap().unwrap().0.revoked_at, None);
    s.revoke_refresh(second + 1, 80).unwrap();
}

#[test]
fn a_rotation_moves_the_family_on_exactly_once_per_generation() {
    let s = store();
    let r = refresh("rt-1", "grant-1", 1000);
    let family = s.insert_refresh(&r).unwrap();
    let next = successor("fh-rt-1", "rt-2", 50, 1050);
    assert_eq!(s.rotate_refresh(family, 0, &next).unwrap(), Rotation::Rotated);
    let after = RefreshRecord {
        family,
        generation: 1,
        token_hash: "th-rt-2".to_owned(),
        created_at: 50,
        expires_at: 1050,
        ..r.clone()
    };
    assert_eq!(s.refresh_family(family).unwrap(), Some((after.clone(), false)));
    // A second rotation from generation 0 loses, changes nothing, and learns where the family is.
    let loser = successor("fh-rt-1", "rt-3", 60, 1060);
    assert_eq!(s.rotate_refresh(family, 0, &loser).unwrap(), Rotation::AlreadyUsed(Box::new(after.clone())));
    assert_eq!(s.refresh_family(family).unwrap(), Some((after, false)));
    // From the current generation it wins; a carried-over family gets its family secret here.
    let with_secret = successor("fh-new", "rt-4", 70, 1070);
    assert_eq!(s.rotate_refresh(family, 1, &with_secret).unwrap(), Rotation::Rotated);
    let now = s.refresh_family(family).unwrap().unwrap().0;
    assert_eq!((now.generation, now.family_hash.as_str(), now.token_hash.as_str()), (2, "fh-new", "th-rt-4"));
    assert_eq!(s.rotate_refresh(family + 1, 0, &loser).unwrap(), Rotation::Unknown);
}

#[test]
fn revoking_a_grant_revokes_its_families_only() {
    let s = store();
    let a1 = s.insert_refresh(&refresh("rt-a1", "grant-a", 1000)).unwrap();
    let a2 = s.insert_refresh(&refresh("rt-a2", "grant-a", 1000)).unwrap();
    let b1 = s.insert_refresh(&refresh("rt-b1", "grant-b", 1000)).unwrap();
    s.revoke_refresh(a2, 5).unwrap();
    assert!(!s.grant_revoked("grant-a").unwrap());

    s.revoke_grant("grant-a", 10).unwrap();
    s.revoke_grant("grant-a", 20).unwrap();
    assert!(s.grant_revoked("grant-a").unwrap());
    assert!(!s.grant_revoked("grant-b").unwrap());
    let read = |family: i64| {
        let (record, grant_revoked) = s.refresh_family(family).unwrap().unwrap();
        (record.revoked_at, grant_revoked)
    };
    assert_eq!(read(a1), (Some(10), true));
    assert_eq!(read(a2), (Some(5), true), "the family's earlier revocation time is kept");
    assert_eq!(read(b1), (None, false));
    // A rotation keeps the revocation (the store does not judge it), and a loser reports it.
    assert_eq!(s.rotate_refresh(a1, 0, &successor("fh-rt-a1", "rt-a1b", 30, 1030)).unwrap(), Rotation::Rotated);
    assert_eq!(read(a1), (Some(10), true));
    assert!(matches!(
        s.rotate_refresh(a1, 0, &successor("fh-rt-a1", "rt-a1c", 31, 1031)).unwrap(),
        Rotation::AlreadyUsed(r) if r.revoked_at == Some(10) && r.generation == 1
    ));

    // A family stored under an already revoked grant (a code exchange racing revocation) is born
    // revoked.
    let a3 = s.insert_refresh(&refresh("rt-a3", "grant-a", 1000)).unwrap();
    assert_eq!(read(a3), (Some(10), true));
    let b2 = s.insert_refresh(&refresh("rt-b2", "grant-b", 1000)).unwrap();
    assert_eq!(read(b2), (None, false));
}

#[test]
fn carried_over_families_are_found_by_their_legacy_hash_only() {
    let s = store();
    let legacy = RefreshRecord { legacy_hash: Some("lh-1".to_owned()), family_hash: String::new(), ..refresh("rt-1", "grant-1", 1000) };
    let family = s.insert_refresh(&legacy).unwrap();
    let plain = s.insert_refresh(&refresh("rt-2", "grant-1", 1000)).unwrap();
    assert_eq!(s.refresh_family_by_legacy_hash("lh-1").unwrap(), Some((stored(&legacy, family), false)));
    assert_eq!(s.refresh_family_by_legacy_hash("lh-2").unwrap(), None);
    assert_eq!(s.refresh_family_by_legacy_hash("th-rt-2").unwrap(), None, "families started since carry no legacy hash");
    assert!(s.refresh_family(plain).unwrap().is_some());
}

#[test]
fn reading_a_family_never_reprepares_its_statement() {
    // A statement whose plan depends on a bound value is compiled again for every new value;
    // the refresh grant reads a family by a new row id on every request.
    let s = store();
    for (i, grant) in ["grant-a", "grant-b", "grant-a"].iter().enumerate() {
        s.insert_refresh(&refresh(&format!("rt-{i}"), grant, 1000)).unwrap();
    }
    s.revoke_grant("grant-b", 5).unwrap();
    for family in [1, 2, 3, 4, 2] {
        s.refresh_family(family).unwrap();
    }
    assert!(s.rotate_refresh(3, 0, &successor("fh-rt-2", "rt-3b", 7, 1007)).is_ok());
    assert!(matches!(s.rotate_refresh(3, 0, &successor("fh-rt-2", "rt-3c", 8, 1008)).unwrap(), Rotation::AlreadyUsed(_)));
    let conn = s.lock();
    let stmt = conn.prepare_cached(SELECT_REFRESH).unwrap();
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    // The counter does count: a schema change forces one re-preparation.
    drop(stmt);
    conn.execute_batch("CREATE TABLE scratch (x INTEGER)").unwrap();
    let mut stmt = conn.prepare_cached(SELECT_REFRESH).unwrap();
    stmt.query([1]).unwrap().next().unwrap();
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 1);
}
