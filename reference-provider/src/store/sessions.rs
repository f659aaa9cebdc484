//! Browser sessions, pending interactions (authorization requests waiting for login/consent)
//! and remembered consent.
//!
//! Expired sessions and interactions are never returned (`expires_at <= now` counts as expired);
//! [`Store::purge_expired`] removes them for good.

use rusqlite::{OptionalExtension, Row, params};

use super::write_tx::WriteTx;

use super::{
    InteractionRecord, Result, SessionRecord, Store, StoreError, decode_json, encode_json,
};

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id_hash: row.get(0)?,
        user_sub: row.get(1)?,
        auth_time: row.get(2)?,
        created_at: row.get(3)?,
        expires_at: row.get(4)?,
    })
}

/// An interaction row before its JSON request is decoded.
struct RawInteraction {
    id: String,
    csrf: String,
    request: String,
    user_sub: Option<String>,
    auth_time: Option<i64>,
    created_at: i64,
    expires_at: i64,
}

impl RawInteraction {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawInteraction> {
        Ok(RawInteraction {
            id: row.get(0)?,
            csrf: row.get(1)?,
            request: row.get(2)?,
            user_sub: row.get(3)?,
            auth_time: row.get(4)?,
            created_at: row.get(5)?,
            expires_at: row.get(6)?,
        })
    }

    fn decode(self) -> Result<InteractionRecord> {
        Ok(InteractionRecord {
            id: self.id,
            csrf: self.csrf,
            request: decode_json(&self.request, "interactions", "request")?,
            user_sub: self.user_sub,
            auth_time: self.auth_time,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

impl Store {
    /// Stores a new session. Fails with a constraint error if the id hash is taken.
    pub fn insert_session(&self, s: &SessionRecord) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "INSERT INTO sessions (id_hash, user_sub, auth_time, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        stmt.execute(params![
            s.id_hash,
            s.user_sub,
            s.auth_time,
            s.created_at,
            s.expires_at
        ])?;
        Ok(())
    }

    /// The session with this id hash, or `None` if unknown or expired at `now`.
    pub fn session(&self, id_hash: &str, now: i64) -> Result<Option<SessionRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id_hash, user_sub, auth_time, created_at, expires_at
             FROM sessions WHERE id_hash = ?1 AND expires_at > ?2",
        )?;
        Ok(stmt
            .query_row(params![id_hash, now], session_from_row)
            .optional()?)
    }

    /// Deletes a session (logout). Deleting an unknown session is not an error.
    pub fn delete_session(&self, id_hash: &str) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")?;
        stmt.execute([id_hash])?;
        Ok(())
    }

    /// Stores a new pending interaction. Fails with a constraint error if the id is taken.
    pub fn insert_interaction(&self, i: &InteractionRecord) -> Result<()> {
        let request = encode_json(&i.request, "interactions", "request")?;
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "INSERT INTO interactions (id, csrf, request, user_sub, auth_time, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        stmt.execute(params![
            i.id,
            i.csrf,
            request,
            i.user_sub,
            i.auth_time,
            i.created_at,
            i.expires_at
        ])?;
        Ok(())
    }

    /// The interaction with this id, or `None` if unknown or expired at `now`.
    pub fn interaction(&self, id: &str, now: i64) -> Result<Option<InteractionRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, csrf, request, user_sub, auth_time, created_at, expires_at
             FROM interactions WHERE id = ?1 AND expires_at > ?2",
        )?;
        let raw = stmt
            .query_row(params![id, now], RawInteraction::from_row)
            .optional()?;
        raw.map(RawInteraction::decode).transpose()
    }

    /// Records that the user logged in during this interaction. Fails with
    /// [`StoreError::NotFound`] if the interaction does not exist.
    pub fn set_interaction_user(&self, id: &str, user_sub: &str, auth_time: i64) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "UPDATE interactions SET user_sub = ?2, auth_time = ?3 WHERE id = ?1",
        )?;
        match stmt.execute(params![id, user_sub, auth_time])? {
            0 => Err(StoreError::NotFound {
                what: "interaction",
            }),
            _ => Ok(()),
        }
    }

    /// Claims an interaction for the user who just logged in: one conditional UPDATE, so of
    /// several simultaneous logins on one interaction exactly one gets `true`; `false` when the
    /// interaction is gone or already has a user.
    pub fn claim_interaction(&self, id: &str, user_sub: &str, auth_time: i64) -> Result<bool> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "UPDATE interactions SET user_sub = ?2, auth_time = ?3 WHERE id = ?1 AND user_sub IS NULL",
        )?;
        Ok(stmt.execute(params![id, user_sub, auth_time])? == 1)
    }

    /// Takes (deletes) an interaction to finish it: `true` for the one caller whose DELETE
    /// removed the row, `false` when it was already gone (a double submission's loser).
    pub fn take_interaction(&self, id: &str) -> Result<bool> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("DELETE FROM interactions WHERE id = ?1")?;
        Ok(stmt.execute([id])? == 1)
    }

    /// Deletes an interaction (finished or abandoned). Unknown ids are not an error.
    pub fn delete_interaction(&self, id: &str) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("DELETE FROM interactions WHERE id = ?1")?;
        stmt.execute([id])?;
        Ok(())
    }

    /// Scopes this user has consented to for this client, sorted, without duplicates.
    pub fn consented_scopes(&self, user_sub: &str, client_id: &str) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT scope FROM consents WHERE user_sub = ?1 AND client_id = ?2 ORDER BY scope",
        )?;
        let scopes = stmt
            .query_map(params![user_sub, client_id], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(scopes)
    }

    /// Adds scopes to the remembered consent of this user for this client. Scopes already
    /// consented keep their original grant time; all are written in one transaction.
    pub fn add_consent(
        &self,
        user_sub: &str,
        client_id: &str,
        scopes: &[String],
        now: i64,
    ) -> Result<()> {
        let conn = self.lock();
        let tx = WriteTx::begin(&conn)?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO consents (user_sub, client_id, scope, granted_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for scope in scopes {
                stmt.execute(params![user_sub, client_id, scope, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
