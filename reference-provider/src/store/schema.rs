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

    fn revoked_at(conn: &Connection, hash: &str) -> Option<i64> {
        conn.query_row("SELECT revoked_at FROM refresh_tokens WHERE token_hash = ?1", [hash], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn version_one_databases_lose_the_grant_index_and_keep_their_tokens() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        // Version 1 copied a grant's revocation into its tokens: rt-1 carries it, rt-2 does not.
        conn.execute_batch(
            "INSERT INTO refresh_tokens VALUES ('rt-1', 'grant-1', 'rp', 'sub', 'openid', 1, NULL, 1, 900, NULL, 40);
             INSERT INTO refresh_tokens VALUES ('rt-2', 'grant-2', 'rp', 'sub', 'openid', 1, NULL, 1, 900, 30, NULL);
             INSERT INTO revoked_grants VALUES ('grant-1', 40);",
        )
        .unwrap();
        assert!(index_names(&conn).contains(&"refresh_tokens_grant_id".to_owned()));

        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), current_version());
        assert_eq!(current_version(), 2);
        let indexes = index_names(&conn);
        assert!(!indexes.contains(&"refresh_tokens_grant_id".to_owned()), "{indexes:?}");
        assert!(indexes.contains(&"refresh_tokens_expires_at".to_owned()), "{indexes:?}");
        assert!(indexes.contains(&"codes_grant_id".to_owned()), "{indexes:?}");
        assert_eq!(revoked_at(&conn, "rt-1"), Some(40));
        assert_eq!(revoked_at(&conn, "rt-2"), None);
        let used: Option<i64> =
            conn.query_row("SELECT used_at FROM refresh_tokens WHERE token_hash = 'rt-2'", [], |r| r.get(0)).unwrap();
        assert_eq!(used, Some(30));
        // Migrating again is a no-op.
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 2);
    }
}
