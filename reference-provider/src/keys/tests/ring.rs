//! The key ring: published JWKS, expiry, the active key per alg, rotation.

use super::*;

#[test]
fn jwks_lists_every_published_key_without_private_members() {
    let ring = ring_all();
    let jwks: Value = serde_json::from_str(ring.jwks_json()).expect("json");
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 4);
    for jwk in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            assert!(jwk.get(private).is_none(), "{private} leaked in {jwk}");
        }
        for member in ["kty", "kid", "alg", "use"] {
            assert!(
                jwk.get(member).and_then(Value::as_str).is_some(),
                "{member} in {jwk}"
            );
        }
        let kid = jwk["kid"].as_str().expect("kid");
        assert_eq!(ring.entry(kid).expect("entry").key.public_jwk(), jwk);
    }
}

#[test]
fn expired_entries_are_dropped_and_duplicates_keep_the_first() {
    let mut gone = entry(key(SigningAlg::Es256, "gone"), 1);
    gone.retired_at = Some(5);
    gone.expires_at = Some(10);
    let mut grace = entry(key(SigningAlg::Es256, "grace"), 2);
    grace.retired_at = Some(5);
    grace.expires_at = Some(11);
    let first = entry(key(SigningAlg::EdDsa, "dup"), 3);
    let second = entry(key(SigningAlg::Es256, "dup"), 4);
    let ring = KeyRing::new(vec![gone, grace, first, second], 10);
    let kids: Vec<&str> = ring.entries().iter().map(|e| e.key.kid()).collect();
    assert_eq!(kids, ["grace", "dup"]);
    assert_eq!(ring.entry("dup").expect("dup").key.alg(), SigningAlg::EdDsa);
    assert!(!ring.jwks_json().contains("\"gone\""));
    assert!(
        ring.active(SigningAlg::Es256).is_none(),
        "only a retired ES256 key remains"
    );
}

#[test]
fn active_is_the_newest_non_retired_key_of_the_alg() {
    let mut retired_newest = entry(key(SigningAlg::Es256, "retired"), 300);
    retired_newest.retired_at = Some(301);
    let ring = KeyRing::new(
        vec![
            entry(key(SigningAlg::Es256, "old"), 100),
            entry(key(SigningAlg::Es256, "new"), 200),
            retired_newest,
            entry(key(SigningAlg::EdDsa, "ed"), 999),
        ],
        400,
    );
    assert_eq!(ring.active(SigningAlg::Es256).expect("es").kid(), "new");
    assert_eq!(ring.active(SigningAlg::EdDsa).expect("ed").kid(), "ed");
    assert!(ring.active(SigningAlg::Rs256).is_none());
}

#[test]
fn rotation_publishes_old_and_new_and_switches_the_signer() {
    let ring = ring_all();
    let old_token =
        encode_jws(ring.active(SigningAlg::Es256).expect("es"), None, &claims()).expect("enc");
    let (rotated, new_entry, retired) = ring
        .rotate(SigningAlg::Es256, "es-2".to_owned(), 1_000, 600)
        .expect("rotate");
    assert_eq!(retired.as_deref(), Some("k-ES256"));
    assert_eq!(new_entry.key.kid(), "es-2");
    assert_eq!(new_entry.key.alg(), SigningAlg::Es256);
    assert_eq!(
        (
            new_entry.created_at,
            new_entry.retired_at,
            new_entry.expires_at
        ),
        (1_000, None, None)
    );
    assert_eq!(rotated.active(SigningAlg::Es256).expect("es").kid(), "es-2");
    let old = rotated.entry("k-ES256").expect("old still published");
    assert_eq!((old.retired_at, old.expires_at), (Some(1_000), Some(1_600)));
    let jwks: Value = serde_json::from_str(rotated.jwks_json()).expect("json");
    assert_eq!(jwks["keys"].as_array().expect("keys").len(), 5);
    // Tokens from the old key still verify during the grace period; new ones verify too.
    assert!(rotated.verify(&old_token).is_ok());
    let new_token = encode_jws(
        rotated.active(SigningAlg::Es256).expect("es"),
        None,
        &claims(),
    )
    .expect("enc");
    assert!(rotated.verify(&new_token).is_ok());
    // Other algorithms are untouched, and the original ring is unchanged.
    assert_eq!(
        rotated.active(SigningAlg::Rs256).expect("rs").kid(),
        "k-RS256"
    );
    assert_eq!(ring.active(SigningAlg::Es256).expect("es").kid(), "k-ES256");
    assert!(ring.entry("es-2").is_none());
    // Once the grace period ends, a ring rebuilt from the entries drops the old key.
    let later = KeyRing::new(rotated.entries().to_vec(), 1_600);
    assert!(later.entry("k-ES256").is_none());
    assert!(matches!(
        later.verify(&old_token),
        Err(KeyError::UnknownKid { .. })
    ));
    assert!(later.verify(&new_token).is_ok());
}

#[test]
fn rotation_without_a_previous_key_and_rotation_errors() {
    let ring = KeyRing::new(vec![entry(key(SigningAlg::Es256, "es"), 1)], 1);
    let (rotated, _, retired) = ring
        .rotate(SigningAlg::EdDsa, "ed".to_owned(), 5, 60)
        .expect("rotate");
    assert_eq!(retired, None);
    assert_eq!(rotated.active(SigningAlg::EdDsa).expect("ed").kid(), "ed");
    assert_eq!(rotated.active(SigningAlg::Es256).expect("es").kid(), "es");
    assert!(matches!(
        ring.rotate(SigningAlg::EdDsa, "es".to_owned(), 5, 60),
        Err(KeyError::DuplicateKid { .. })
    ));
    assert!(matches!(
        ring.rotate(SigningAlg::EdDsa, "x".to_owned(), 5, -1),
        Err(KeyError::NegativeGrace { found: -1 })
    ));
    assert!(matches!(
        ring.rotate_to(key(SigningAlg::EdDsa, "x"), SigningAlg::Es256, 5, 60),
        Err(KeyError::RotationAlgMismatch {
            expected: SigningAlg::Es256,
            found: SigningAlg::EdDsa
        })
    ));
    // Zero grace unpublishes the retired key at once.
    let (now_only, _, retired) = ring
        .rotate_to(key(SigningAlg::Es256, "es-2"), SigningAlg::Es256, 9, 0)
        .expect("rotate");
    assert_eq!(retired.as_deref(), Some("es"));
    assert!(now_only.entry("es").is_none());
}
