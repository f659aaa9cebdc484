//! Users (one row per account, claims as JSON) and clients (one JSON document per client).

use rusqlite::{OptionalExtension, Row, params};

use super::{ClientRecord, Result, Store, UserRecord, decode_json, encode_json};

/// A user row before its JSON claims are decoded.
struct RawUser {
    sub: String,
    username: String,
    password_hash: String,
    claims: String,
}

impl RawUser {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawUser> {
        Ok(RawUser {
            sub: row.get(0)?,
            username: row.get(1)?,
            password_hash: row.get(2)?,
            claims: row.get(3)?,
        })
    }

    fn decode(self) -> Result<UserRecord> {
        Ok(UserRecord {
            sub: self.sub,
            username: self.username,
            password_hash: self.password_hash,
            claims: decode_json(&self.claims, "users", "claims")?,
        })
    }
}

impl Store {
    /// Inserts the user or replaces the one with the same `sub`. Fails with a constraint error
    /// if another user already has this `username`.
    pub fn upsert_user(&self, u: &UserRecord) -> Result<()> {
        let claims = encode_json(&u.claims, "users", "claims")?;
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "INSERT INTO users (sub, username, password_hash, claims) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sub) DO UPDATE SET username = excluded.username,
                 password_hash = excluded.password_hash, claims = excluded.claims",
        )?;
        stmt.execute(params![u.sub, u.username, u.password_hash, claims])?;
        Ok(())
    }

    /// Looks a user up by login name.
    pub fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT sub, username, password_hash, claims FROM users WHERE username = ?1",
        )?;
        let raw = stmt.query_row([username], RawUser::from_row).optional()?;
        raw.map(RawUser::decode).transpose()
    }

    /// Looks a user up by subject identifier.
    pub fn user_by_sub(&self, sub: &str) -> Result<Option<UserRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT sub, username, password_hash, claims FROM users WHERE sub = ?1",
        )?;
        let raw = stmt.query_row([sub], RawUser::from_row).optional()?;
        raw.map(RawUser::decode).transpose()
    }

    /// Every user, in `sub` order.
    pub fn users(&self) -> Result<Vec<UserRecord>> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare_cached("SELECT sub, username, password_hash, claims FROM users ORDER BY sub")?;
        let raws = stmt.query_map([], RawUser::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter().map(RawUser::decode).collect()
    }

    /// Number of users.
    pub fn user_count(&self) -> Result<u64> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM users")?;
        let count: i64 = stmt.query_row([], |row| row.get(0))?;
        // COUNT(*) is never negative.
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Inserts the client or replaces the one with the same `client_id`.
    pub fn upsert_client(&self, c: &ClientRecord) -> Result<()> {
        let doc = encode_json(c, "clients", "doc")?;
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "INSERT INTO clients (client_id, doc) VALUES (?1, ?2)
             ON CONFLICT (client_id) DO UPDATE SET doc = excluded.doc",
        )?;
        stmt.execute(params![c.client_id, doc])?;
        Ok(())
    }

    /// Looks a client up by id.
    pub fn client(&self, client_id: &str) -> Result<Option<ClientRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("SELECT doc FROM clients WHERE client_id = ?1")?;
        let doc: Option<String> = stmt.query_row([client_id], |row| row.get(0)).optional()?;
        doc.map(|d| decode_json(&d, "clients", "doc")).transpose()
    }
}
