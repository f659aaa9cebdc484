//! Refresh-token families: storage, reads, rotation and revocation.
//!
//! A family is one row of `refresh_families`, found by its row id, which every token of the
//! family names (see `protocol::refresh_token` for the token format and how a presented token is
//! judged against its family). A rotation is one conditional `UPDATE` of that row (`… WHERE rowid
//! = ? AND generation = ?`): of any number of concurrent rotations from one generation, across
//! threads, connections or processes, exactly one changes the row, the same single-use pattern as
//! codes in `tokens.rs`. The token it replaces is used up in the same statement, so a token is
//! used up exactly when its successor exists, and a rotation writes one row and no index.
//!
//! A family's `revoked_at` holds its own revocation (RFC 7009). The revocation of its grant lives
//! once in `revoked_grants` and is read with the family ([`SELECT_REFRESH`]), so every read returns
//! the effective `revoked_at` (the family's own, else its grant's): revoking a grant is one row,
//! and a family stored or rotated under an already revoked grant reads as revoked.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{RefreshRecord, Result, Rotation, Store, Successor, decode_json_opt, encode_json_opt};

/// Columns after the row id (order matters for [`RawRefresh::from_row`]).
macro_rules! refresh_columns {
    () => {
        "family_hash, generation, token_hash, legacy_hash, grant_id, client_id, user_sub, scope,
         auth_time, claims_request, created_at, expires_at, revoked_at"
    };
}

/// Every column for [`RawRefresh::from_row`], then the grant's revocation time (NULL when the
/// grant is not revoked), for [`RawRefresh::with_grant`]; the `WHERE` clause follows.
///
/// A scalar subquery, not a `LEFT JOIN`: SQLite re-prepares the join form on every new value
/// bound (it let the bound value shape the plan), which cost a SQL parse per refresh grant
/// (`store/tests/records.rs` checks that these statements are never re-prepared).
macro_rules! select_refresh {
    ($where:literal) => {
        concat!(
            "SELECT rowid, ",
            refresh_columns!(),
            ", (SELECT g.revoked_at FROM revoked_grants g WHERE g.grant_id = refresh_families.grant_id)
             FROM refresh_families WHERE ",
            $where
        )
    };
}

/// A family by row id (`?1`).
pub(super) const SELECT_REFRESH: &str = select_refresh!("rowid = ?1");

/// A carried-over family by the hash of its version-2 token (`?1`), through the partial index
/// `refresh_families_legacy`.
const SELECT_LEGACY: &str = select_refresh!("legacy_hash = ?1 AND legacy_hash IS NOT NULL");

/// A family row; `claims_request` is still JSON text.
struct RawRefresh(RefreshRecord, Option<String>);

impl RawRefresh {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawRefresh> {
        Ok(RawRefresh(
            RefreshRecord {
                family: row.get(0)?,
                family_hash: row.get(1)?,
                generation: row.get(2)?,
                token_hash: row.get(3)?,
                legacy_hash: row.get(4)?,
                grant_id: row.get(5)?,
                client_id: row.get(6)?,
                user_sub: row.get(7)?,
                scope: row.get(8)?,
                auth_time: row.get(9)?,
                claims_request: None,
                created_at: row.get(11)?,
                expires_at: row.get(12)?,
                revoked_at: row.get(13)?,
            },
            row.get(10)?,
        ))
    }

    /// A row of [`SELECT_REFRESH`]: the record with its effective `revoked_at` (its own, else
    /// its grant's), and whether the grant is revoked.
    fn with_grant(row: &Row<'_>) -> rusqlite::Result<(RawRefresh, bool)> {
        let mut raw = RawRefresh::from_row(row)?;
        let grant_revoked_at: Option<i64> = row.get(14)?;
        raw.0.revoked_at = raw.0.revoked_at.or(grant_revoked_at);
        Ok((raw, grant_revoked_at.is_some()))
    }

    fn decode(self) -> Result<RefreshRecord> {
        let RawRefresh(mut record, claims) = self;
        record.claims_request = decode_json_opt(claims, "refresh_families", "claims_request")?;
        Ok(record)
    }
}

impl Store {
    /// Stores a new refresh-token family under row id `r.family` (the next free one when 0) and
    /// returns its row id. Fails with a constraint error if the row id is taken.
    ///
    /// If its grant is already revoked, the family reads as revoked (at the grant's revocation
    /// time): a code exchange that overlaps a grant revocation cannot leave a live token behind.
    pub fn insert_refresh(&self, r: &RefreshRecord) -> Result<i64> {
        let claims = encode_json_opt(
            r.claims_request.as_ref(),
            "refresh_families",
            "claims_request",
        )?;
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(concat!(
            "INSERT INTO refresh_families (rowid, ",
            refresh_columns!(),
            ") VALUES (NULLIF(?14, 0), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ))?;
        stmt.execute(params![
            r.family_hash,
            r.generation,
            r.token_hash,
            r.legacy_hash,
            r.grant_id,
            r.client_id,
            r.user_sub,
            r.scope,
            r.auth_time,
            claims,
            r.created_at,
            r.expires_at,
            r.revoked_at,
            r.family
        ])?;
        Ok(conn.last_insert_rowid())
    }

    /// The family with this row id, whatever its state (revoked, expired), and whether its grant
    /// is revoked; its `revoked_at` is the effective one (its own, else its grant's).
    pub fn refresh_family(&self, family: i64) -> Result<Option<(RefreshRecord, bool)>> {
        select_one(&self.lock(), SELECT_REFRESH, family)
    }

    /// The family carried over from schema version 2 whose first token hashes to `legacy_hash`
    /// (as [`Store::refresh_family`]).
    pub fn refresh_family_by_legacy_hash(
        &self,
        legacy_hash: &str,
    ) -> Result<Option<(RefreshRecord, bool)>> {
        select_one(&self.lock(), SELECT_LEGACY, legacy_hash)
    }

    /// Rotates a family from `generation` (the one its caller read) to `generation + 1`, which
    /// holds `next`: exactly one caller per generation ever gets [`Rotation::Rotated`]; the
    /// others get [`Rotation::AlreadyUsed`] (reuse, or a lost race: the caller should revoke the
    /// grant). Revocation and expiry are judged by the caller from the record it read.
    ///
    /// The winner's conditional `UPDATE` returns nothing (the caller has just read the record):
    /// only a loser reads the row again, to name the grant to revoke.
    pub fn rotate_refresh(&self, family: i64, generation: i64, next: &Successor) -> Result<Rotation> {
        let conn = self.lock();
        let won = conn
            .prepare_cached(
                "UPDATE refresh_families SET generation = ?2 + 1, family_hash = ?3, token_hash = ?4,
                 created_at = ?5, expires_at = ?6 WHERE rowid = ?1 AND generation = ?2",
            )?
            .execute(params![
                family,
                generation,
                next.family_hash,
                next.token_hash,
                next.created_at,
                next.expires_at
            ])?
            == 1;
        if won {
            return Ok(Rotation::Rotated);
        }
        Ok(match select_one(&conn, SELECT_REFRESH, family)? {
            Some((record, _)) => Rotation::AlreadyUsed(Box::new(record)),
            None => Rotation::Unknown,
        })
    }

    /// Revokes a family (RFC 7009): its current token, and so every later one. The first
    /// revocation time is kept; unknown families are not an error.
    pub fn revoke_refresh(&self, family: i64, now: i64) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "UPDATE refresh_families SET revoked_at = ?2 WHERE rowid = ?1 AND revoked_at IS NULL",
        )?;
        stmt.execute(params![family, now])?;
        Ok(())
    }
}

/// The one family a `select_refresh!` statement finds for `key`, decoded.
fn select_one(
    conn: &Connection,
    sql: &str,
    key: impl rusqlite::ToSql,
) -> Result<Option<(RefreshRecord, bool)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let raw = stmt.query_row([key], RawRefresh::with_grant).optional()?;
    raw.map(|(raw, revoked)| Ok((raw.decode()?, revoked))).transpose()
}
