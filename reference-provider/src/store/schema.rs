//! The SQLite schema as an ordered list of migrations; the version applied is kept in
//! `PRAGMA user_version`.
//!
//! Migration `i` (0-based) takes the database from version `i` to `i + 1`. Never edit a
//! migration that has shipped: append a new one. The pending ones run in one write transaction
//! together with the version bumps, so a crash mid-migration leaves the previous version intact,
//! and two processes opening the same new file at once do not both migrate it.
//!
//! There are deliberately no foreign keys between tables: users and clients come from the seed
//! configuration and may change between runs, and the protocol layer, not the schema, decides what
//! a dangling reference means (e.g. a refresh token of a removed user is simply refused).

use rusqlite::{Connection, TransactionBehavior};

use super::{Result, StoreError};

/// The migrations, in order. `MIGRATIONS.len()` is the schema version of this build.
const MIGRATIONS: &[&str] = &[
    // 1: initial schema.
    "
    CREATE TABLE users (
        sub           TEXT PRIMARY KEY NOT NULL,
        username      TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        claims        TEXT NOT NULL
    );
    CREATE TABLE clients (
        client_id TEXT PRIMARY KEY NOT NULL,
        doc       TEXT NOT NULL
    );
    CREATE TABLE signing_keys (
        kid        TEXT PRIMARY KEY NOT NULL,
        alg        TEXT NOT NULL,
        pkcs8      BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER,
        expires_at INTEGER
    );
    CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY NOT NULL,
        user_sub   TEXT NOT NULL,
        auth_time  INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_expires_at ON sessions (expires_at);
    CREATE TABLE interactions (
        id         TEXT PRIMARY KEY NOT NULL,
        csrf       TEXT NOT NULL,
        request    TEXT NOT NULL,
        user_sub   TEXT,
        auth_time  INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX interactions_expires_at ON interactions (expires_at);
    CREATE TABLE consents (
        user_sub   TEXT NOT NULL,
        client_id  TEXT NOT NULL,
        scope      TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (user_sub, client_id, scope)
    ) WITHOUT ROWID;
    CREATE TABLE codes (
        code_hash             TEXT PRIMARY KEY NOT NULL,
        grant_id              TEXT NOT NULL,
        client_id             TEXT NOT NULL,
        redirect_uri          TEXT NOT NULL,
        user_sub              TEXT NOT NULL,
        scope                 TEXT NOT NULL,
        nonce                 TEXT,
        code_challenge        TEXT,
        code_challenge_method TEXT,
        auth_time             INTEGER NOT NULL,
        claims_request        TEXT,
        created_at            INTEGER NOT NULL,
        expires_at            INTEGER NOT NULL,
        redeemed_at           INTEGER
    );
    CREATE INDEX codes_expires_at ON codes (expires_at);
    CREATE INDEX codes_grant_id ON codes (grant_id);
    CREATE TABLE refresh_tokens (
        token_hash     TEXT PRIMARY KEY NOT NULL,
        grant_id       TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        user_sub       TEXT NOT NULL,
        scope          TEXT NOT NULL,
        auth_time      INTEGER NOT NULL,
        claims_request TEXT,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        used_at        INTEGER,
        revoked_at     INTEGER
    );
    CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
    CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id);
    CREATE TABLE revoked_grants (
        grant_id   TEXT PRIMARY KEY NOT NULL,
        revoked_at INTEGER NOT NULL
    );
    CREATE INDEX revoked_grants_revoked_at ON revoked_grants (revoked_at);
    ",
    // 2: a grant's revocation is no longer copied into its refresh tokens (reads look it up in
    // revoked_grants), so nothing looks refresh tokens up by grant_id on a hot path and every
    // rotation stops paying for this index. Tokens revoked under version 1 keep their copy.
    "
    DROP INDEX refresh_tokens_grant_id;
    ",
    // 3: refresh tokens are kept as families, one row per chain of rotations, rotated in place
    // (store/refresh_tokens.rs): a rotation writes one row and no index, where it inserted a row
    // into a table and two indexes. Unused version-2 tokens are carried over as families whose
    // first token is the old one, found through `legacy_hash` (a partial index: families started
    // since carry none, so it costs them nothing). Used version-2 tokens are dropped: a replay of
    // one after the upgrade is refused as unknown, without revoking its grant.
    "
    CREATE TABLE refresh_families (
        id             INTEGER PRIMARY KEY,
        family_hash    TEXT NOT NULL,
        generation     INTEGER NOT NULL,
        token_hash     TEXT NOT NULL,
        legacy_hash    TEXT,
        grant_id       TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        user_sub       TEXT NOT NULL,
        scope          TEXT NOT NULL,
        auth_time      INTEGER NOT NULL,
        claims_request TEXT,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        revoked_at     INTEGER
    );
    CREATE INDEX refresh_families_legacy ON refresh_families (legacy_hash)
        WHERE legacy_hash IS NOT NULL;
    INSERT INTO refresh_families (family_hash, generation, token_hash, legacy_hash, grant_id,
        client_id, user_sub, scope, auth_time, claims_request, created_at, expires_at, revoked_at)
    SELECT '', 0, token_hash, token_hash, grant_id, client_id, user_sub, scope, auth_time,
        claims_request, created_at, expires_at, revoked_at
    FROM refresh_tokens WHERE used_at IS NULL ORDER BY rowid;
    DROP TABLE refresh_tokens;
    ",
];

/// The schema version this build creates and understands.
pub(super) fn current_version() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Reads `PRAGMA user_version`.
pub(super) fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the database up to [`current_version`]. Idempotent; refuses newer databases.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let supported = current_version();
    // Cheap check first so that an up-to-date database costs no write transaction.
    let found = user_version(conn)?;
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    if found == supported {
        return Ok(());
    }
    // All pending migrations in one write transaction: one wait for the write lock and no
    // window between two migrations. (SQLITE_BUSY from concurrent first opens of one new file
    // is retried by `Store::init`.)
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let found = user_version(&tx)?;
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let target = u32::try_from(index + 1).unwrap_or(u32::MAX);
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", target)?;
    }
    tx.commit()?;
    Ok(())
}

/// Makes an empty database of schema `version` (an older one, for tests of upgrades).
#[cfg(test)]
pub(crate) fn create_at_version(conn: &Connection, version: u32) -> Result<()> {
    for sql in MIGRATIONS.iter().take(version as usize) {
        conn.execute_batch(sql)?;
    }
    conn.pragma_update(None, "user_version", version)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rusqlite::Connection;

    use super::{MIGRATIONS, current_version, migrate, user_version};

    fn index_names(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// `(legacy_hash, generation, family_hash, token_hash, revoked_at, claims_request)` of every
    /// refresh family, in row order.
    type Family = (Option<String>, i64, String, String, Option<i64>, Option<String>);

    fn families(conn: &Connection) -> Vec<Family> {
        let mut stmt = conn
            .prepare(
                "SELECT legacy_hash, generation, family_hash, token_hash, revoked_at, claims_request
                 FROM refresh_families ORDER BY rowid",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn version_one_databases_carry_their_unused_refresh_tokens_over_as_families() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        // Version 1 copied a grant's revocation into its tokens: rt-1 carries it. rt-2 is used,
        // rt-3 live with a claims request.
        conn.execute_batch(
            "INSERT INTO refresh_tokens VALUES ('rt-1', 'grant-1', 'rp', 'sub', 'openid', 1, NULL, 1, 900, NULL, 40);
             INSERT INTO refresh_tokens VALUES ('rt-2', 'grant-2', 'rp', 'sub', 'openid', 1, NULL, 1, 900, 30, NULL);
             INSERT INTO refresh_tokens VALUES ('rt-3', 'grant-3', 'rp', 'sub', 'openid', 1, '{}', 1, 900, NULL, NULL);
             INSERT INTO revoked_grants VALUES ('grant-1', 40);",
        )
        .unwrap();
        assert!(index_names(&conn).contains(&"refresh_tokens_grant_id".to_owned()));

        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), current_version());
        assert_eq!(current_version(), 3);
        let indexes = index_names(&conn);
        assert_eq!(
            indexes,
            [
                "codes_expires_at",
                "codes_grant_id",
                "interactions_expires_at",
                "refresh_families_legacy",
                "revoked_grants_revoked_at",
                "sessions_expires_at"
            ],
        );
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'refresh_tokens'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0, "the table of version 2 is gone");
        // The used token is dropped; the others stand as their family's first token, found by
        // their hash, without a family secret until they rotate.
        let carried = |hash: &str, revoked: Option<i64>, claims: Option<&str>| {
            (Some(hash.to_owned()), 0, String::new(), hash.to_owned(), revoked, claims.map(str::to_owned))
        };
        assert_eq!(families(&conn), [carried("rt-1", Some(40), None), carried("rt-3", None, Some("{}"))]);
        let grant: String = conn
            .query_row("SELECT grant_id FROM refresh_families WHERE legacy_hash = 'rt-3'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(grant, "grant-3");
        // Migrating again is a no-op.
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 3);
        assert_eq!(families(&conn).len(), 2);
    }
}
