//! Signing keys (PKCS#8 DER) and their rotation timestamps.
//!
//! The private keys are stored as plain BLOBs; the database file is created owner-only
//! (see [`Store::open`]).

use rusqlite::{Row, params};

use super::{KeyRecord, Result, Store, StoreError};

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        kid: row.get(0)?,
        alg: row.get(1)?,
        pkcs8: row.get(2)?,
        created_at: row.get(3)?,
        retired_at: row.get(4)?,
        expires_at: row.get(5)?,
    })
}

impl Store {
    /// Stores a new signing key. Fails with a constraint error if the `kid` is taken.
    pub fn insert_key(&self, k: &KeyRecord) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "INSERT INTO signing_keys (kid, alg, pkcs8, created_at, retired_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        stmt.execute(params![
            k.kid,
            k.alg,
            k.pkcs8,
            k.created_at,
            k.retired_at,
            k.expires_at
        ])?;
        Ok(())
    }

    /// All stored keys, oldest first (by `created_at`, then insertion order). Expired keys are
    /// included: the caller decides what to publish and what to sign with.
    pub fn keys(&self) -> Result<Vec<KeyRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT kid, alg, pkcs8, created_at, retired_at, expires_at
             FROM signing_keys ORDER BY created_at, rowid",
        )?;
        let keys = stmt
            .query_map([], key_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(keys)
    }

    /// Marks a key as retired (no longer used for signing) and sets when it stops being
    /// published. Fails with [`StoreError::NotFound`] for an unknown `kid`.
    pub fn retire_key(&self, kid: &str, retired_at: i64, expires_at: i64) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "UPDATE signing_keys SET retired_at = ?2, expires_at = ?3 WHERE kid = ?1",
        )?;
        match stmt.execute(params![kid, retired_at, expires_at])? {
            0 => Err(StoreError::NotFound {
                what: "signing key",
            }),
            _ => Ok(()),
        }
    }
}
