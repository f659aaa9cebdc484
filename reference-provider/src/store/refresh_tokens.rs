//! Refresh tokens: storage, reads, single use (`used_at`, the same conditional-`UPDATE` pattern
//! as codes in `tokens.rs`), rotation in one write transaction, and revocation.
//!
//! A token's `revoked_at` column holds its own revocation (RFC 7009) only. The revocation of its
//! grant lives once in `revoked_grants` and is read with the token ([`SELECT_REFRESH`]), so every
//! read returns the effective `revoked_at` (the token's own, else its grant's). Revoking a grant is
//! therefore one row, whatever the number of tokens under it, a token issued under an already
//! revoked grant reads as revoked, and storing a token maintains no index on `grant_id`.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::tokens::{decode_redemption, use_once};
use super::write_tx::WriteTx;
use super::{RefreshRecord, Redemption, Result, Rotation, Store, decode_json_opt, encode_json_opt};

/// Column list of the `INSERT` (order matters for [`insert_refresh_row`]).
macro_rules! refresh_columns {
    () => {
        "token_hash, grant_id, client_id, user_sub, scope, auth_time, claims_request,
         created_at, expires_at, used_at, revoked_at"
    };
}

/// A token by hash (`?1`): every column for [`RawRefresh::from_row`], then its grant's
/// revocation time (NULL when the grant is not revoked), for [`RawRefresh::with_grant`].
///
/// A scalar subquery, not a `LEFT JOIN`: SQLite re-prepares the join form on every new token
/// hash bound (it let the bound value shape the plan), which cost a SQL parse per refresh grant
/// (`store/tests/records.rs` checks that this statement is never re-prepared).
pub(super) const SELECT_REFRESH: &str = concat!(
    "SELECT ",
    refresh_columns!(),
    ", (SELECT g.revoked_at FROM revoked_grants g WHERE g.grant_id = refresh_tokens.grant_id)
     FROM refresh_tokens WHERE token_hash = ?1"
);

/// A refresh-token row; `claims_request` is still JSON text.
struct RawRefresh(RefreshRecord, Option<String>);

impl RawRefresh {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawRefresh> {
        Ok(RawRefresh(
            RefreshRecord {
                token_hash: row.get(0)?,
                grant_id: row.get(1)?,
                client_id: row.get(2)?,
                user_sub: row.get(3)?,
                scope: row.get(4)?,
                auth_time: row.get(5)?,
                claims_request: None,
                created_at: row.get(7)?,
                expires_at: row.get(8)?,
                used_at: row.get(9)?,
                revoked_at: row.get(10)?,
            },
            row.get(6)?,
        ))
    }

    /// A row of [`SELECT_REFRESH`]: the record with its effective `revoked_at` (its own, else
    /// its grant's), and whether the grant is revoked.
    fn with_grant(row: &Row<'_>) -> rusqlite::Result<(RawRefresh, bool)> {
        let mut raw = RawRefresh::from_row(row)?;
        let grant_revoked_at: Option<i64> = row.get(11)?;
        raw.0.revoked_at = raw.0.revoked_at.or(grant_revoked_at);
        Ok((raw, grant_revoked_at.is_some()))
    }

    fn decode(self) -> Result<RefreshRecord> {
        let RawRefresh(mut record, claims) = self;
        record.claims_request = decode_json_opt(claims, "refresh_tokens", "claims_request")?;
        Ok(record)
    }
}

impl Store {
    /// Stores a new refresh token. Fails with a constraint error if the hash is taken.
    ///
    /// If its grant is already revoked, the token reads as revoked (at the grant's revocation
    /// time): a rotation that overlaps a grant revocation cannot leave a live token behind.
    pub fn insert_refresh(&self, r: &RefreshRecord) -> Result<()> {
        let claims = encode_json_opt(
            r.claims_request.as_ref(),
            "refresh_tokens",
            "claims_request",
        )?;
        insert_refresh_row(&self.lock(), r, claims)
    }

    /// The refresh token with this hash, whatever its state (used, revoked, expired); its
    /// `revoked_at` is the effective one (its own, else its grant's).
    pub fn refresh_token(&self, token_hash: &str) -> Result<Option<RefreshRecord>> {
        Ok(self.refresh_token_and_grant_revoked(token_hash)?.map(|(r, _)| r))
    }

    /// The refresh token with this hash, whatever its state, and whether its grant is revoked:
    /// [`Store::refresh_token`] and [`Store::grant_revoked`] in one statement (the refresh grant
    /// asks both on every request).
    pub fn refresh_token_and_grant_revoked(
        &self,
        token_hash: &str,
    ) -> Result<Option<(RefreshRecord, bool)>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(SELECT_REFRESH)?;
        let raw = stmt.query_row([token_hash], RawRefresh::with_grant).optional()?;
        raw.map(|(raw, revoked)| Ok((raw.decode()?, revoked)))
            .transpose()
    }

    /// Marks a refresh token used (rotated away): exactly one caller ever gets
    /// [`Redemption::Won`]; later callers get [`Redemption::AlreadyUsed`] (reuse: the caller
    /// should revoke the grant). Revocation and expiry are judged by the caller from the record.
    pub fn use_refresh(&self, token_hash: &str, now: i64) -> Result<Redemption<RefreshRecord>> {
        use_refresh_in(&self.lock(), token_hash, now)
    }

    /// Rotates a refresh token in one write transaction: marks `old_hash` used at `now` (one
    /// caller ever wins, as with [`Store::use_refresh`]) and, when this caller won, stores `new`
    /// (its successor) in the same commit, so a token is used up exactly when its successor
    /// exists. `allow_reuse` (the refresh-not-rotated fault) stores `new` after a reuse too.
    ///
    /// The winner's conditional `UPDATE` returns nothing (the caller has just read the record):
    /// only a loser reads the row again, to name the grant to revoke.
    pub fn rotate_refresh(
        &self,
        old_hash: &str,
        now: i64,
        new: Option<&RefreshRecord>,
        allow_reuse: bool,
    ) -> Result<Rotation> {
        let claims = new
            .map(|r| encode_json_opt(r.claims_request.as_ref(), "refresh_tokens", "claims_request"))
            .transpose()?
            .flatten();
        let conn = self.lock();
        let tx = WriteTx::begin(&conn)?;
        let won = tx
            .prepare_cached(
                "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
            )?
            .execute(params![old_hash, now])?
            == 1;
        let rotation = if won {
            Rotation::Rotated
        } else {
            let mut stmt = tx.prepare_cached(SELECT_REFRESH)?;
            match stmt.query_row([old_hash], RawRefresh::with_grant).optional()? {
                Some((raw, _)) => Rotation::AlreadyUsed(Box::new(raw.decode()?)),
                None => Rotation::Unknown,
            }
        };
        let store_new = match &rotation {
            Rotation::Rotated => true,
            Rotation::AlreadyUsed(_) => allow_reuse,
            Rotation::Unknown => false,
        };
        if let (true, Some(r)) = (store_new, new) {
            insert_refresh_row(&tx, r, claims)?;
        }
        tx.commit()?;
        Ok(rotation)
    }

    /// Revokes one refresh token (RFC 7009). The first revocation time is kept; unknown tokens
    /// are not an error.
    pub fn revoke_refresh(&self, token_hash: &str, now: i64) -> Result<()> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "UPDATE refresh_tokens SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL",
        )?;
        stmt.execute(params![token_hash, now])?;
        Ok(())
    }
}

/// The conditional `UPDATE … RETURNING` of [`Store::use_refresh`], on a connection or inside a
/// transaction.
fn use_refresh_in(
    conn: &Connection,
    token_hash: &str,
    now: i64,
) -> Result<Redemption<RefreshRecord>> {
    let raw = use_once(
        conn,
        concat!(
            "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL
             RETURNING ",
            refresh_columns!(),
            ", (SELECT g.revoked_at FROM revoked_grants g WHERE g.grant_id = refresh_tokens.grant_id)"
        ),
        SELECT_REFRESH,
        token_hash,
        now,
        |row| Ok(RawRefresh::with_grant(row)?.0),
    )?;
    decode_redemption(raw, RawRefresh::decode)
}

/// The `INSERT` of [`Store::insert_refresh`] (`claims` is the encoded `claims_request`).
fn insert_refresh_row(conn: &Connection, r: &RefreshRecord, claims: Option<String>) -> Result<()> {
    let mut stmt = conn.prepare_cached(concat!(
        "INSERT INTO refresh_tokens (",
        refresh_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))?;
    stmt.execute(params![
        r.token_hash,
        r.grant_id,
        r.client_id,
        r.user_sub,
        r.scope,
        r.auth_time,
        claims,
        r.created_at,
        r.expires_at,
        r.used_at,
        r.revoked_at
    ])?;
    Ok(())
}
