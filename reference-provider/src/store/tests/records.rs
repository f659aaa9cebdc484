//! Per-table behaviour: users, clients, keys, sessions, interactions, consent and codes (refresh
//! families and grant revocation are in `refresh`, purging in `purge`).

use super::{client, code, interaction, key, session, store, user};
use crate::store::{Redemption, Store, StoreError};

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
fn an_interaction_is_claimed_and_taken_at_most_once() {
    let s = store();
    s.insert_interaction(&interaction("ia-2", 100)).unwrap();
    assert!(s.claim_interaction("ia-2", "sub-ada", 42).unwrap());
    assert!(!s.claim_interaction("ia-2", "sub-eve", 43).unwrap());
    let got = s.interaction("ia-2", 50).unwrap().unwrap();
    assert_eq!(got.user_sub.as_deref(), Some("sub-ada"));
    assert!(s.take_interaction("ia-2").unwrap());
    assert!(!s.take_interaction("ia-2").unwrap());
    assert!(!s.claim_interaction("ia-2", "sub-ada", 44).unwrap());
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
