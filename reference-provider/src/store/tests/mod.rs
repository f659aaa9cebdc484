//! Tests for the store: shared fixtures and a self-cleaning temporary directory.
//!
//! `records` covers each table's operations, `refresh` the refresh-token families and grant
//! revocation, `purge` housekeeping, `concurrency` the single-use
//! guarantees under parallel redemption, `persistence` reopening, migrations, file handling and
//! corrupt rows.

mod concurrency;
mod persistence;
mod purge;
mod records;
mod refresh;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::{
    ClientRecord, CodeRecord, InteractionRecord, KeyRecord, RefreshRecord, SessionRecord, Successor,
    UserRecord,
};

/// A unique directory under the system temp dir, removed with its contents on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!(
            "refprov-store-{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub(super) fn path(&self) -> &Path {
        &self.0
    }

    /// A database file path inside this directory.
    pub(crate) fn db(&self) -> PathBuf {
        self.0.join("provider.sqlite")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn temp_dirs_are_unique_and_removed_on_drop() {
    let a = TempDir::new();
    let b = TempDir::new();
    assert_ne!(a.path(), b.path());
    assert!(a.path().is_dir());
    std::fs::write(a.path().join("f"), b"x").expect("write");
    let kept = a.path().to_path_buf();
    drop(a);
    assert!(!kept.exists());
}

/// A fresh in-memory store.
pub(super) fn store() -> super::Store {
    super::Store::open_in_memory().expect("open in-memory store")
}

pub(super) fn user(sub: &str, username: &str) -> UserRecord {
    let claims =
        json!({"name": "Ada Lovelace", "email": "ada@example.com", "email_verified": true});
    UserRecord {
        sub: sub.to_owned(),
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        claims: claims.as_object().cloned().unwrap_or_default(),
    }
}

pub(super) fn client(client_id: &str) -> ClientRecord {
    ClientRecord {
        client_id: client_id.to_owned(),
        name: "Demo RP".to_owned(),
        secret_hash: Some("q1MKE-RZFJgrefm34_uI8g2aDj3Rz4Bv0a8mTTfs2yI".to_owned()),
        auth_method: "client_secret_basic".to_owned(),
        redirect_uris: vec!["https://rp.example/cb".to_owned()],
        post_logout_redirect_uris: vec!["https://rp.example/bye".to_owned()],
        first_party: false,
        id_token_signed_response_alg: Some("ES256".to_owned()),
        grant_types: vec!["authorization_code".to_owned(), "refresh_token".to_owned()],
        allowed_scopes: vec!["profile".to_owned(), "email".to_owned()],
        code_lifetime_secs: Some(60),
        token_lifetime_secs: None,
    }
}

pub(super) fn key(kid: &str, created_at: i64) -> KeyRecord {
    KeyRecord {
        kid: kid.to_owned(),
        alg: "ES256".to_owned(),
        pkcs8: vec![0x30, 0x81, 0x87, 0x02, 0x01, 0x00, kid.len() as u8],
        created_at,
        retired_at: None,
        expires_at: None,
    }
}

pub(super) fn session(id_hash: &str, expires_at: i64) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.to_owned(),
        user_sub: "sub-ada".to_owned(),
        auth_time: 10,
        created_at: 10,
        expires_at,
    }
}

pub(super) fn interaction(id: &str, expires_at: i64) -> InteractionRecord {
    InteractionRecord {
        id: id.to_owned(),
        csrf: "csrf-token".to_owned(),
        request: json!({"client_id": "rp", "scope": "openid profile", "state": "xyz"}),
        user_sub: None,
        auth_time: None,
        created_at: 10,
        expires_at,
    }
}

pub(super) fn code(code_hash: &str, grant_id: &str, expires_at: i64) -> CodeRecord {
    CodeRecord {
        code_hash: code_hash.to_owned(),
        grant_id: grant_id.to_owned(),
        client_id: "rp".to_owned(),
        redirect_uri: "https://rp.example/cb".to_owned(),
        user_sub: "sub-ada".to_owned(),
        scope: "openid profile".to_owned(),
        nonce: Some("n-0S6_WzA2Mj".to_owned()),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned()),
        code_challenge_method: Some("S256".to_owned()),
        auth_time: 10,
        claims_request: Some(json!({"userinfo": {"email": {"essential": true}}})),
        created_at: 10,
        expires_at,
        redeemed_at: None,
    }
}

/// A new refresh family named `name` (its hashes say the name: the store never checks them).
pub(crate) fn refresh(name: &str, grant_id: &str, expires_at: i64) -> RefreshRecord {
    RefreshRecord {
        family: 0,
        family_hash: format!("fh-{name}"),
        generation: 0,
        token_hash: format!("th-{name}"),
        legacy_hash: None,
        grant_id: grant_id.to_owned(),
        client_id: "rp".to_owned(),
        user_sub: "sub-ada".to_owned(),
        scope: "openid offline_access".to_owned(),
        auth_time: 10,
        claims_request: None,
        created_at: 10,
        expires_at,
        revoked_at: None,
    }
}

/// The successor a rotation at `now` installs, named `name`.
pub(super) fn successor(family_hash: &str, name: &str, now: i64, expires_at: i64) -> Successor {
    Successor {
        family_hash: family_hash.to_owned(),
        token_hash: format!("th-{name}"),
        created_at: now,
        expires_at,
    }
}
