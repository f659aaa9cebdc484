//! Authorization codes, grant revocation and housekeeping.
//!
//! Single use is enforced by SQLite, not by the mutex: redemption is one conditional
//! `UPDATE … SET redeemed_at = ?now WHERE code_hash = ? AND redeemed_at IS NULL RETURNING …`.
//! The statement returns the row exactly when it changed it (`changes() == 1`), and SQLite runs
//! writes to one database file one at a time, so across any number of threads, connections or
//! processes exactly one caller sees the row come back. Refresh-token families rotate the same
//! way on their `generation` (`refresh_tokens.rs`).
//!
//! Expiry is not judged here for codes and refresh tokens: the caller compares `expires_at`
//! (and `revoked_at`) with its clock, so that an expired or revoked value can still be told apart
//! from an unknown one.

use rusqlite::{Connection, OptionalExtension, Row, Rows, TransactionBehavior, params};

use super::{CodeRecord, Redemption, Result, Store, decode_json_opt, encode_json_opt};

/// How long [`Store::purge_expired`] keeps a grant revocation at least, in seconds (7 days).
///
/// Access tokens are not stored, so a revocation must outlive every access token issued under
/// the grant: this must exceed the longest access-token lifetime the provider hands out. A
/// revocation is also kept as long as any code or refresh token of its grant remains stored.
pub const REVOKED_GRANT_RETENTION_SECS: i64 = 7 * 24 * 3600;

/// Column list shared by every code query (order matters for [`RawCode::from_row`]).
macro_rules! code_columns {
    () => {
        "code_hash, grant_id, client_id, redirect_uri, user_sub, scope, nonce, code_challenge,
         code_challenge_method, auth_time, claims_request, created_at, expires_at, redeemed_at"
    };
}

/// A code row; `claims_request` is still JSON text.
struct RawCode(CodeRecord, Option<String>);

impl RawCode {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawCode> {
        Ok(RawCode(
            CodeRecord {
                code_hash: row.get(0)?,
                grant_id: row.get(1)?,
                client_id: row.get(2)?,
                redirect_uri: row.get(3)?,
                user_sub: row.get(4)?,
                scope: row.get(5)?,
                nonce: row.get(6)?,
                code_challenge: row.get(7)?,
                code_challenge_method: row.get(8)?,
                auth_time: row.get(9)?,
                claims_request: None,
                created_at: row.get(11)?,
                expires_at: row.get(12)?,
                redeemed_at: row.get(13)?,
            },
            row.get(10)?,
        ))
    }

    fn decode(self) -> Result<CodeRecord> {
        let RawCode(mut record, claims) = self;
        record.claims_request = decode_json_opt(claims, "codes", "claims_request")?;
        Ok(record)
    }
}

/// Reads the first row (if any), then steps the statement to completion so that an
/// `UPDATE … RETURNING` is finished and committed here, with any error reported, rather than
/// silently when the statement is reset.
fn first_row_then_finish<T>(
    mut rows: Rows<'_>,
    f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    let first = match rows.next()? {
        Some(row) => Some(f(row)?),
        None => return Ok(None),
    };
    while rows.next()?.is_some() {}
    Ok(first)
}

impl Store {
    /// Stores a new authorization code. Fails with a constraint error if the hash is taken.
    pub fn insert_code(&self, c: &CodeRecord) -> Result<()> {
        let claims = encode_json_opt(c.claims_request.as_ref(), "codes", "claims_request")?;
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(concat!(
            "INSERT INTO codes (",
            code_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ))?;
        stmt.execute(params![
            c.code_hash,
            c.grant_id,
            c.client_id,
            c.redirect_uri,
            c.user_sub,
            c.scope,
            c.nonce,
            c.code_challenge,
            c.code_challenge_method,
            c.auth_time,
            claims,
            c.created_at,
            c.expires_at,
            c.redeemed_at
        ])?;
        Ok(())
    }

    /// Redeems a code: exactly one caller ever gets [`Redemption::Won`] (with `redeemed_at`
    /// set to `now`); later callers get [`Redemption::AlreadyUsed`] with the record, so that
    /// they can revoke its grant. Expiry is judged by the caller from `expires_at`.
    pub fn redeem_code(&self, code_hash: &str, now: i64) -> Result<Redemption<CodeRecord>> {
        let raw = use_once(
            &self.lock(),
            concat!(
                "UPDATE codes SET redeemed_at = ?2 WHERE code_hash = ?1 AND redeemed_at IS NULL
                 RETURNING ",
                code_columns!()
            ),
            concat!("SELECT ", code_columns!(), " FROM codes WHERE code_hash = ?1"),
            code_hash,
            now,
            RawCode::from_row,
        )?;
        decode_redemption(raw, RawCode::decode)
    }

    /// The code's record, redeemed or not, without redeeming it. Only the `code-check-then-use`
    /// fault reads a code this way (look up, check, issue, then [`Store::mark_code_redeemed`]):
    /// the race window real providers open; [`Store::redeem_code`] closes it in one statement.
    pub fn peek_code(&self, code_hash: &str) -> Result<Option<CodeRecord>> {
        let raw = {
            let conn = self.lock();
            let mut stmt = conn.prepare_cached(concat!("SELECT ", code_columns!(), " FROM codes WHERE code_hash = ?1"))?;
            stmt.query_row([code_hash], RawCode::from_row).optional()?
        };
        raw.map(RawCode::decode).transpose()
    }

    /// Marks a code redeemed at `now`, whether or not it already was (no guard: see
    /// [`Store::peek_code`]).
    pub fn mark_code_redeemed(&self, code_hash: &str, now: i64) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached("UPDATE codes SET redeemed_at = ?2 WHERE code_hash = ?1")?;
        stmt.execute(params![code_hash, now])?;
        Ok(())
    }

    /// Revokes a grant: records the revocation (the first revocation time is kept). Every
    /// refresh token of the grant, stored before or after, reads as revoked from then on (see
    /// `refresh_tokens.rs`). Revoking an unknown grant records it anyway (tokens may still be
    /// issued under it).
    pub fn revoke_grant(&self, grant_id: &str, now: i64) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "INSERT INTO revoked_grants (grant_id, revoked_at) VALUES (?1, ?2)
             ON CONFLICT (grant_id) DO NOTHING",
        )?;
        stmt.execute(params![grant_id, now])?;
        Ok(())
    }

    /// Whether the grant has been revoked.
    pub fn grant_revoked(&self, grant_id: &str) -> Result<bool> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM revoked_grants WHERE grant_id = ?1)")?;
        Ok(stmt.query_row([grant_id], |row| row.get(0))?)
    }

    /// Deletes everything expired at `now` (`expires_at <= now`): codes, sessions, interactions
    /// and refresh-token families (whose current token expired: the older ones are used up).
    /// Grant revocations are deleted once they are older than [`REVOKED_GRANT_RETENTION_SECS`]
    /// and no code or refresh family of the grant is left. Rows go [`PURGE_CHUNK_ROWS`] at a
    /// time, one transaction each, and the store is unlocked between chunks; returns the number
    /// of rows deleted.
    pub fn purge_expired(&self, now: i64) -> Result<u64> {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        let mut deleted: u64 = 0;
        for sql in PURGE_EXPIRED {
            loop {
                let n = self.lock().prepare_cached(sql)?.execute(params![now, PURGE_CHUNK_ROWS])?;
                deleted = deleted.saturating_add(count(n));
                if i64::try_from(n).unwrap_or(i64::MAX) < PURGE_CHUNK_ROWS {
                    break;
                }
            }
        }
        let mut after = i64::MIN;
        loop {
            let conn = self.lock();
            let upto: Option<i64> =
                conn.prepare_cached(FAMILY_WINDOW)?.query_row(params![after, PURGE_CHUNK_ROWS], |r| r.get(0))?;
            let Some(upto) = upto else { break };
            let n = conn.prepare_cached(PURGE_FAMILIES)?.execute(params![now, after, upto])?;
            deleted = deleted.saturating_add(count(n));
            after = upto;
        }
        // `NOT IN` over the whole tables: SQLite builds one temporary index of each subquery,
        // so this costs one pass over the remaining families and codes, not one per revocation
        // (refresh_families has no index on grant_id; its hot path does not maintain one).
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx
            .prepare_cached(
                "DELETE FROM revoked_grants WHERE revoked_at <= ?1
                 AND grant_id NOT IN (SELECT grant_id FROM refresh_families)
                 AND grant_id NOT IN (SELECT grant_id FROM codes)",
            )?
            .execute([now.saturating_sub(REVOKED_GRANT_RETENTION_SECS)])?;
        deleted = deleted.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        tx.commit()?;
        Ok(deleted)
    }
}

/// Rows [`Store::purge_expired`] deletes per statement, or refresh families it scans per
/// statement (one transaction each, the store unlocked between two): a long run's expired rows
/// delay other requests by one chunk at a time instead of by the whole purge. Measured in memory
/// (`examples/purge_stall.rs`), 120,000 expired rows of a table with an `expires_at` index (the
/// refresh tokens of schema version 2): the longest wait of a concurrent lookup went from 330 ms
/// (one transaction) to 6–11 ms, for twice the purge's CPU (each chunk writes the index pages it
/// touches again); 120,000 expired refresh families with random row ids: 67–104 ms of purge,
/// 0.9 ms longest wait.
pub const PURGE_CHUNK_ROWS: i64 = 1_000;

/// One chunk of expired rows of each table with an `expires_at` index (`?1` now, `?2` the chunk
/// size), found through that index.
const PURGE_EXPIRED: [&str; 3] = [
    "DELETE FROM codes WHERE rowid IN (SELECT rowid FROM codes WHERE expires_at <= ?1 LIMIT ?2)",
    "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= ?1 LIMIT ?2)",
    "DELETE FROM interactions WHERE rowid IN (SELECT rowid FROM interactions WHERE expires_at <= ?1 LIMIT ?2)",
];

/// The last row id of the window of (at most) `?2` refresh families after row id `?1`; NULL past
/// the last family. Families have no index on `expires_at` (a rotation would move its entry), so
/// the purge scans them by windows of row ids (random, so the windows are counted in rows, not
/// in ids), each a range of the table's own B-tree.
pub(super) const FAMILY_WINDOW: &str =
    "SELECT MAX(rowid) FROM (SELECT rowid FROM refresh_families WHERE rowid > ?1 ORDER BY rowid LIMIT ?2)";

/// The expired refresh families of the window of row ids (`?2`, `?3`] (`?1` now).
pub(super) const PURGE_FAMILIES: &str =
    "DELETE FROM refresh_families WHERE rowid > ?2 AND rowid <= ?3 AND expires_at <= ?1";

/// The single-use pattern: the conditional `UPDATE … RETURNING` (the caller whose statement
/// changed the row wins), else a plain `SELECT` that tells a used value from an unknown one.
pub(super) fn use_once<R>(
    conn: &Connection,
    update: &str,
    select: &str,
    key: &str,
    now: i64,
    from_row: fn(&Row<'_>) -> rusqlite::Result<R>,
) -> Result<Redemption<R>> {
    let won = {
        let mut stmt = conn.prepare_cached(update)?;
        first_row_then_finish(stmt.query(params![key, now])?, from_row)?
    };
    if let Some(raw) = won {
        return Ok(Redemption::Won(raw));
    }
    let mut stmt = conn.prepare_cached(select)?;
    Ok(match stmt.query_row([key], from_row).optional()? {
        Some(raw) => Redemption::AlreadyUsed(raw),
        None => Redemption::Unknown,
    })
}

/// Decodes the row inside a redemption.
pub(super) fn decode_redemption<R, T>(raw: Redemption<R>, decode: fn(R) -> Result<T>) -> Result<Redemption<T>> {
    Ok(match raw {
        Redemption::Won(r) => Redemption::Won(decode(r)?),
        Redemption::AlreadyUsed(r) => Redemption::AlreadyUsed(decode(r)?),
        Redemption::Unknown => Redemption::Unknown,
    })
}
