//! The SQLite schema as an ordered list of migrations; the version applied is kept in
//! `PRAGMA user_version`.
//!
//! Migration `i` (0-based) takes the database from version `i` to `i + 1`. Never edit a
//! migration that has shipped: append a new one. Each runs in its own write transaction together
//! with the version bump, so a crash mid-migration leaves the previous version intact, and two
//! processes opening the same new file at once do not both migrate it.
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
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let target = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another process may have migrated meanwhile.
        let found = user_version(&tx)?;
        if found > supported {
            return Err(StoreError::NewerSchema { found, supported });
        }
        if found >= target {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()?;
    }
    Ok(())
}
