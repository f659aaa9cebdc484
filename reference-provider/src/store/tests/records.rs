//! Per-table behaviour: users, clients, keys, sessions, interactions, consent, codes, refresh
//! tokens and grant revocation (purging is in `purge`).

use super::{client, code, interaction, key, refresh, session, store, user};
use crate::store::refresh_tokens::SELECT_REFRESH;
use crate::store::{Redemption, Rotation, Store, StoreError};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn store_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Store>();
}

#[test]
fn users_upsert_and_lookup() {
    let s = store();
    assert_eq!(s.user_count().unwrap(), 0);
    assert_eq!(s.user_by_username("ada").unwrap(), None);

    let ada = user("sub-ada", "ada");
    s.upsert_user(&ada).unwrap();
    s.upsert_user(&user("sub-bob", "bob")).unwrap();
    assert_eq!(s.user_count().unwrap(), 2);
    assert_eq!(s.user_by_username("ada").unwrap(), Some(ada.clone()));
    assert_eq!(s.user_by_sub("sub-ada").unwrap(), Some(ada.clone()));
    assert_eq!(s.user_by_sub("sub-nobody").unwrap(), None);

    // Upsert by sub replaces everything, including the username.
    let mut renamed = ada;
    renamed.username = "ada.l".to_owned();
    renamed
        .claims
        .insert("nickname".to_owned(), "countess".into());
    s.upsert_user(&renamed).unwrap();
    assert_eq!(s.user_count().unwrap(), 2);
    assert_eq!(s.user_by_username("ada").unwrap(), None);
    assert_eq!(s.user_by_username("ada.l").unwrap(), Some(renamed.clone()));
    // All users, decoded, in sub order.
    assert_eq!(s.users().unwrap(), vec![renamed, user("sub-bob", "bob")]);
}

#[test]
fn username_taken_by_another_sub_is_an_error() {
    let s = store();
    s.upsert_user(&user("sub-ada", "ada")).unwrap();
    let err = s.upsert_user(&user("sub-impostor", "ada")).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
    assert_eq!(s.user_by_username("ada").unwrap().unwrap().sub, "sub-ada");
}

#[test]
fn clients_upsert_and_lookup() {
    let s = store();
    assert_eq!(s.client("rp").unwrap(), None);
    let mut rp = client("rp");
    s.upsert_client(&rp).unwrap();
    assert_eq!(s.client("rp").unwrap(), Some(rp.clone()));

    rp.secret_hash = None;
    rp.auth_method = "none".to_owned();
    rp.first_party = true;
    s.upsert_client(&rp).unwrap();
    assert_eq!(s.client("rp").unwrap(), Some(rp));
    assert_eq!(s.client("other").unwrap(), None);
}

#[test]
fn keys_are_ordered_by_creation_and_can_be_retired() {
    let s = store();
    s.insert_key(&key("k-new", 200)).unwrap();
    s.insert_key(&key("k-old", 100)).unwrap();
    s.insert_key(&key("k-same-time", 200)).unwrap();
    let kids: Vec<String> = s.keys().unwrap().into_iter().map(|k| k.kid).collect();
    assert_eq!(kids, strings(&["k-old", "k-new", "k-same-time"]));

    s.retire_key("k-old", 250, 350).unwrap();
    let old = s
        .keys()
        .unwrap()
        .into_iter()
        .find(|k| k.kid == "k-old")
        .unwrap();
    assert_eq!((old.retired_at, old.expires_at), (Some(250), Some(350)));
    assert_eq!(old.pkcs8, key("k-old", 100).pkcs8);

    let err = s.retire_key("k-missing", 1, 2).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "signing key"
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "expected an existing signing key (found none)"
    );
    assert!(matches!(
        s.insert_key(&key("k-old", 999)).unwrap_err(),
        StoreError::Sqlite(_)
    ));
}

#[test]
fn expired_sessions_are_not_returned_and_can_be_deleted() {
    let s = store();
    s.insert_session(&session("sess-a", 100)).unwrap();
    s.insert_session(&session("sess-b", 500)).unwrap();
    assert_eq!(
        s.session("sess-a", 99).unwrap(),
        Some(session("sess-a", 100))
    );
    assert_eq!(
        s.session("sess-a", 100).unwrap(),
        None,
        "expires_at itself is expired"
    );
    assert_eq!(s.session("sess-unknown", 0).unwrap(), None);

    s.delete_session("sess-b").unwrap();
    assert_eq!(s.session("sess-b", 0).unwrap(), None);
    s.delete_session("sess-b").unwrap();
}

#[test]
fn interactions_lifecycle() {
    let s = store();
    s.insert_interaction(&interaction("ia-1", 100)).unwrap();
    assert_eq!(
        s.interaction("ia-1", 50).unwrap(),
        Some(interaction("ia-1", 100))
    );
    assert_eq!(s.interaction("ia-1", 100).unwrap(), None);

    s.set_interaction_user("ia-1", "sub-ada", 42).unwrap();
    let got = s.interaction("ia-1", 50).unwrap().unwrap();
    assert_eq!(
        (got.user_sub.as_deref(), got.auth_time),
        (Some("sub-ada"), Some(42))
    );

    let err = s
        .set_interaction_user("ia-missing", "sub-ada", 42)
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "interaction"
            }
        ),
        "{err:?}"
    );

    s.delete_interaction("ia-1").unwrap();
    assert_eq!(s.interaction("ia-1", 50).unwrap(), None);
    s.delete_interaction("ia-1").unwrap();
}

#[test]
fn consent_accumulates_per_user_and_client() {
    let s = store();
    assert!(s.consented_scopes("sub-ada", "rp").unwrap().is_empty());
    s.add_consent("sub-ada", "rp", &strings(&["openid", "profile"]), 10)
        .unwrap();
    s.add_consent("sub-ada", "rp", &strings(&["profile", "email"]), 20)
        .unwrap();
    s.add_consent("sub-ada", "rp", &[], 30).unwrap();
    assert_eq!(
        s.consented_scopes("sub-ada", "rp").unwrap(),
        strings(&["email", "openid", "profile"])
    );
    assert!(
        s.consented_scopes("sub-ada", "other-rp")
            .unwrap()
            .is_empty()
    );
    assert!(s.consented_scopes("sub-bob", "rp").unwrap().is_empty());
}

#[test]
fn code_is_redeemed_once() {
    let s = store();
    let c = code("code-1", "grant-1", 100);
    s.insert_code(&c).unwrap();

    let mut expected = c.clone();
    expected.redeemed_at = Some(50);
    assert_eq!(
        s.redeem_code("code-1", 50).unwrap(),
        Redemption::Won(expected.clone())
    );
    // The replay sees the first redemption time, not its own.
    assert_eq!(
        s.redeem_code("code-1", 60).unwrap(),
        Redemption::AlreadyUsed(expected)
    );
    assert_eq!(
        s.redeem_code("code-unknown", 50).unwrap(),
        Redemption::Unknown
    );
    // Expiry is the caller's business: an expired code is still redeemable here.
    s.insert_code(&code("code-2", "grant-2", 100)).unwrap();
    assert!(matches!(
        s.redeem_code("code-2", 1000).unwrap(),
        Redemption::Won(_)
    ));
    assert!(matches!(
        s.insert_code(&code("code-1", "grant-9", 1)).unwrap_err(),
        StoreError::Sqlite(_)
    ));
}

#[test]
fn code_without_optional_fields_round_trips() {
    let s = store();
    let mut c = code("code-bare", "grant-1", 100);
    c.nonce = None;
    c.code_challenge = None;
    c.code_challenge_method = None;
    c.claims_request = None;
    s.insert_code(&c).unwrap();
    c.redeemed_at = Some(5);
    assert_eq!(s.redeem_code("code-bare", 5).unwrap(), Redemption::Won(c));
}

#[test]
fn refresh_token_rotation_and_revocation() {
    let s = store();
    let mut r = refresh("rt-1", "grant-1", 1000);
    r.claims_request = Some(serde_json::json!({"id_token": {"acr": null}}));
    s.insert_refresh(&r).unwrap();
    assert_eq!(s.refresh_token("rt-1").unwrap(), Some(r.clone()));
    assert_eq!(s.refresh_token("rt-unknown").unwrap(), None);

    let mut used = r;
    used.used_at = Some(50);
    assert_eq!(
        s.use_refresh("rt-1", 50).unwrap(),
        Redemption::Won(used.clone())
    );
    assert_eq!(
        s.use_refresh("rt-1", 60).unwrap(),
        Redemption::AlreadyUsed(used)
    );
    assert_eq!(
        s.use_refresh("rt-unknown", 60).unwrap(),
        Redemption::Unknown
    );

    s.revoke_refresh("rt-1", 70).unwrap();
    s.revoke_refresh("rt-1", 80).unwrap();
    assert_eq!(
        s.refresh_token("rt-1").unwrap().unwrap().revoked_at,
        Some(70)
    );
    s.revoke_refresh("rt-unknown", 80).unwrap();
}

#[test]
fn rotation_uses_the_token_and_stores_its_successor_in_one_step() {
    let s = store();
    s.insert_refresh(&refresh("rt-1", "grant-1", 1000)).unwrap();
    let next = refresh("rt-2", "grant-1", 1000);
    assert_eq!(
        s.rotate_refresh("rt-1", 50, Some(&next), false).unwrap(),
        Rotation::Rotated
    );
    assert_eq!(s.refresh_token("rt-1").unwrap().unwrap().used_at, Some(50));
    assert_eq!(s.refresh_token("rt-2").unwrap(), Some(next));
    // A second use of rt-1 loses: its successor is not stored, and it learns the first use.
    let loser = refresh("rt-3", "grant-1", 1000);
    assert!(matches!(
        s.rotate_refresh("rt-1", 60, Some(&loser), false).unwrap(),
        Rotation::AlreadyUsed(r) if r.used_at == Some(50) && r.grant_id == "grant-1"
    ));
    assert_eq!(s.refresh_token("rt-3").unwrap(), None);
    // Unless reuse is allowed (the refresh-not-rotated fault).
    assert!(matches!(
        s.rotate_refresh("rt-1", 70, Some(&loser), true).unwrap(),
        Rotation::AlreadyUsed(_)
    ));
    assert!(s.refresh_token("rt-3").unwrap().is_some());
    assert_eq!(s.refresh_token("rt-1").unwrap().unwrap().used_at, Some(50));
    let orphan = refresh("rt-4", "grant-1", 1000);
    assert_eq!(
        s.rotate_refresh("rt-unknown", 80, Some(&orphan), true).unwrap(),
        Rotation::Unknown
    );
    assert_eq!(s.refresh_token("rt-4").unwrap(), None);
    assert_eq!(
        s.rotate_refresh("rt-2", 90, None, false).unwrap(),
        Rotation::Rotated
    );
    assert_eq!(s.refresh_token("rt-2").unwrap().unwrap().used_at, Some(90));
}

#[test]
fn revoking_a_grant_revokes_its_refresh_tokens_only() {
    let s = store();
    s.insert_refresh(&refresh("rt-a1", "grant-a", 1000))
        .unwrap();
    s.insert_refresh(&refresh("rt-a2", "grant-a", 1000))
        .unwrap();
    s.insert_refresh(&refresh("rt-b1", "grant-b", 1000))
        .unwrap();
    s.revoke_refresh("rt-a2", 5).unwrap();
    assert!(!s.grant_revoked("grant-a").unwrap());

    s.revoke_grant("grant-a", 10).unwrap();
    s.revoke_grant("grant-a", 20).unwrap();
    assert!(s.grant_revoked("grant-a").unwrap());
    assert!(!s.grant_revoked("grant-b").unwrap());
    let revoked = |h: &str| s.refresh_token(h).unwrap().unwrap().revoked_at;
    assert_eq!(revoked("rt-a1"), Some(10));
    assert_eq!(revoked("rt-a2"), Some(5), "earlier revocation time is kept");
    assert_eq!(revoked("rt-b1"), None);
    let with_grant = |h: &str| {
        let (record, grant_revoked) = s.refresh_token_and_grant_revoked(h).unwrap().unwrap();
        (record.revoked_at, grant_revoked)
    };
    assert_eq!(with_grant("rt-a1"), (Some(10), true));
    assert_eq!(with_grant("rt-b1"), (None, false));
    assert_eq!(s.refresh_token_and_grant_revoked("rt-unknown").unwrap(), None);
    // Using a token up reports the effective revocation too, on winning and on losing.
    assert!(matches!(s.use_refresh("rt-a1", 30).unwrap(), Redemption::Won(r) if r.revoked_at == Some(10)));
    assert!(matches!(s.use_refresh("rt-a1", 31).unwrap(), Redemption::AlreadyUsed(r) if r.revoked_at == Some(10)));
    assert!(matches!(
        s.rotate_refresh("rt-a1", 32, None, false).unwrap(),
        Rotation::AlreadyUsed(r) if r.revoked_at == Some(10) && r.used_at == Some(30)
    ));

    // A token issued under an already revoked grant (rotation racing revocation) is born revoked.
    s.insert_refresh(&refresh("rt-a3", "grant-a", 1000))
        .unwrap();
    assert_eq!(revoked("rt-a3"), Some(10));
    s.insert_refresh(&refresh("rt-b2", "grant-b", 1000))
        .unwrap();
    assert_eq!(revoked("rt-b2"), None);
}

#[test]
fn reading_a_refresh_token_never_reprepares_its_statement() {
    // A statement whose plan depends on a bound value is compiled again for every new value;
    // the refresh grant reads a token by a new hash on every request.
    let s = store();
    for (i, grant) in ["grant-a", "grant-b", "grant-a"].iter().enumerate() {
        s.insert_refresh(&refresh(&format!("rt-{i}"), grant, 1000)).unwrap();
    }
    s.revoke_grant("grant-b", 5).unwrap();
    for hash in ["rt-0", "rt-1", "rt-2", "rt-unknown", "rt-1"] {
        s.refresh_token_and_grant_revoked(hash).unwrap();
    }
    assert!(s.rotate_refresh("rt-2", 7, None, false).is_ok());
    assert!(matches!(s.rotate_refresh("rt-2", 8, None, false).unwrap(), Rotation::AlreadyUsed(_)));
    let conn = s.lock();
    let stmt = conn.prepare_cached(SELECT_REFRESH).unwrap();
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    // The counter does count: a schema change forces one re-preparation.
    drop(stmt);
    conn.execute_batch("CREATE TABLE scratch (x INTEGER)").unwrap();
    let mut stmt = conn.prepare_cached(SELECT_REFRESH).unwrap();
    stmt.query(["rt-0"]).unwrap().next().unwrap();
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 1);
}
