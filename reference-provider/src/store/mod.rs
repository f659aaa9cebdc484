//! Persistent storage for the provider: SQLite (a file, or in memory), schema with migrations.
//!
//! [`Store`] wraps one `rusqlite::Connection` behind a mutex. Everything is written through to
//! SQLite at once (WAL journal, `synchronous=NORMAL`), so nothing lives only in memory: a killed
//! process loses at most the transactions of its last moments, never a half-written one.
//!
//! Single-use values (authorization codes, refresh tokens) are consumed by one conditional
//! `UPDATE` (`… WHERE redeemed_at IS NULL`, `… WHERE generation = ?`), so exactly one of N concurrent redemptions wins, even across
//! several connections or processes sharing the same database file.
//!
//! The operations live in sibling files, one `impl Store` block per area: `users_clients`,
//! `signing_keys`, `sessions` (sessions, interactions, consent), `tokens` (codes, grants,
//! housekeeping) and `refresh_tokens` (refresh-token families). The schema and its migrations
//! are in `schema`.

mod records;
mod refresh_tokens;
mod schema;
mod sessions;
mod signing_keys;
mod tokens;
mod users_clients;
mod write_tx;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

pub use records::{
    ClientRecord, CodeRecord, InteractionRecord, KeyRecord, Redemption, RefreshRecord, Rotation,
    SessionRecord, Successor, UserRecord,
};
pub use tokens::{PURGE_CHUNK_ROWS, REVOKED_GRANT_RETENTION_SECS};

#[cfg(test)]
pub(crate) use schema::create_at_version;

/// Result of a store operation.
pub type Result<T> = std::result::Result<T, StoreError>;

/// How long a connection waits for another connection's write lock before failing.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

/// Largest size of an in-memory store: SQLite's largest allocation (`SQLITE_MAX_ALLOCATION_SIZE`),
/// since a `memdb` file is one block. With a higher cap, growing past it fails as "out of memory".
pub const MEMORY_STORE_MAX_BYTES: i64 = 2_147_483_391;

/// Page size of an in-memory store (a file's stays SQLite's 4096). Every commit copies each page
/// it changed twice (into the in-memory rollback journal, then into the `memdb` file); half-size
/// pages cut the instructions of a rotation by 9 % at 100k stored tokens when a rotation changed
/// about four pages (`callgrind`, a scratch copy of the rotation of schema version 2; a
/// family's rotation changes one).
pub const MEMORY_STORE_PAGE_SIZE: i64 = 2048;

/// Pages a file store's write-ahead log grows to before a commit copies it back into the
/// database (SQLite's default is 1,000, 4 MB). A checkpoint writes the latest copy of each page
/// the log holds once, so a longer log writes the pages every request touches (the tables' last
/// pages, the B-trees' upper levels, a busy family's row) back less often: a rotation of schema
/// version 2 (four pages) on a file took about a quarter less time in a scratch copy (79 → 55–62
/// µs), the log file growing to about 40 MB.
pub const WAL_AUTOCHECKPOINT_PAGES: i64 = 10_000;

/// Capacity of the per-connection prepared statement cache (the store uses about 35 statements).
const STATEMENT_CACHE_CAPACITY: usize = 64;

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error (I/O, constraint violation, lock timeout, ...).
    #[error("sqlite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A JSON column could not be decoded: the row was written by something else or is damaged.
    #[error("corrupt row in table {table}: expected valid JSON in column {column} ({source})")]
    CorruptJson {
        /// Table of the damaged row.
        table: &'static str,
        /// Column holding the bad JSON.
        column: &'static str,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// A value could not be encoded to JSON before writing.
    #[error("expected a JSON-encodable value for {table}.{column} ({source})")]
    Encode {
        /// Target table.
        table: &'static str,
        /// Target column.
        column: &'static str,
        /// The encoding error.
        #[source]
        source: serde_json::Error,
    },
    /// The database was created by a newer build with a schema this build does not know.
    #[error(
        "database schema is too new: expected schema version {supported} or lower (found {found}); \
         use a newer reference-provider or another database file"
    )]
    NewerSchema {
        /// `PRAGMA user_version` of the database.
        found: u32,
        /// Highest schema version this build knows.
        supported: u32,
    },
    /// The directory that should hold the database file could not be created.
    #[error("expected to create the database directory {path} ({source})")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The database file could not be pre-created with owner-only permissions.
    #[error("expected to create the database file {path} ({source})")]
    CreateFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An update targeted a record that does not exist (or has expired and been purged).
    #[error("expected an existing {what} (found none)")]
    NotFound {
        /// Kind of record, e.g. `"signing key"`.
        what: &'static str,
    },
}

impl StoreError {
    /// Whether SQLite refused the write for a constraint (a primary key or unique value taken).
    pub fn is_constraint_violation(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation)
    }
}

/// The provider's persistent store. Cheap to share behind an `Arc`; `Send + Sync`.
///
/// All calls are synchronous and short; from async code call them directly for single-row
/// operations or through `spawn_blocking` for bulk work such as [`Store::purge_expired`].
pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and migrates it to the current
    /// schema. Parent directories are created; a new file is created readable by its owner only
    /// (it holds private signing keys).
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with_busy_timeout(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// Like [`Store::open`], waiting at most `busy_timeout` for locks held by other connections.
    pub fn open_with_busy_timeout(path: &Path, busy_timeout: Duration) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        create_private_file(path)?;
        let conn = Connection::open(path)?;
        Self::init(conn, Some(path.to_path_buf()), busy_timeout)
    }

    /// Opens a fresh private in-memory database (lost when the `Store` is dropped).
    ///
    /// It lives in SQLite's `memdb` VFS (a file held in memory, read through the normal bounded
    /// page cache), not in a `:memory:` database. In a `:memory:` database every page stays in
    /// the page cache, and SQLite (3.54) scans that whole cache on each commit that follows a
    /// B-tree split which swapped page numbers (`balance_nonroot` renumbers pages through a
    /// temporary number past the end of the file), which the splits of an index of random keys
    /// such as token hashes often do; so commits cost time in proportion to the database's size
    /// (a rotation-like transaction, one `UPDATE` and one `INSERT`, went from 10 to 35 µs
    /// between 40k and 320k rows; flat at 8–9 µs in memdb). A private `memdb` name (no leading
    /// `/`) is never shared with another connection.
    ///
    /// Its pages are [`MEMORY_STORE_PAGE_SIZE`] bytes. Its size cap is raised from memdb's
    /// default 1 GiB to [`MEMORY_STORE_MAX_BYTES`], the largest
    /// block SQLite allocates (the file is one block): about twelve million refresh-token
    /// families (~172 bytes each; a rotation rewrites its family and adds nothing). Past it,
    /// writes fail with SQLite's "database or disk is full"; a run that needs more uses a file.
    pub fn open_in_memory() -> Result<Store> {
        Self::open_in_memory_capped(MEMORY_STORE_MAX_BYTES)
    }

    /// [`Store::open_in_memory`] holding at most `max_bytes`.
    fn open_in_memory_capped(max_bytes: i64) -> Result<Store> {
        let conn = Connection::open("file:oidc-harness-store?vfs=memdb")?;
        // Set before the first table exists; see MEMORY_STORE_PAGE_SIZE.
        conn.pragma_update(None, "page_size", MEMORY_STORE_PAGE_SIZE)?;
        let mut limit = max_bytes;
        conn.file_control(Some(rusqlite::MAIN_DB), rusqlite::FileControl::SizeLimit(&mut limit))?;
        Self::init(conn, None, DEFAULT_BUSY_TIMEOUT)
    }

    /// The schema version recorded in the database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32> {
        schema::user_version(&self.lock())
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn init(mut conn: Connection, path: Option<PathBuf>, busy_timeout: Duration) -> Result<Store> {
        conn.busy_timeout(busy_timeout)?;
        // Switching a new file to WAL and migrating it take locks for which SQLite does not always
        // call the busy handler (several connections opening one new file at once): retry those
        // steps on SQLITE_BUSY until the busy timeout has passed.
        let deadline = std::time::Instant::now() + busy_timeout;
        loop {
            match Self::prepare_schema(&mut conn) {
                Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => break other?,
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if path.is_some() {
            conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
        }
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        Ok(Store {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// WAL journal, then the migrations (both idempotent, so [`Store::init`] may retry them).
    fn prepare_schema(conn: &mut Connection) -> Result<()> {
        // In-memory databases answer "memory"; both are fine, so the answer is not checked.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        schema::migrate(conn)
    }

    /// Locks the connection. A panic in another thread while it held the lock leaves SQLite
    /// consistent (statements are reset and open transactions rolled back on unwind), so a
    /// poisoned mutex is recovered rather than propagated.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Creates `path` as an empty owner-only file if it does not exist yet (SQLite treats an empty
/// file as an empty database). Existing files are left untouched.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::CreateFile {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Decodes a JSON column, mapping failures to [`StoreError::CorruptJson`].
fn decode_json<T: serde::de::DeserializeOwned>(
    text: &str,
    table: &'static str,
    column: &'static str,
) -> Result<T> {
    serde_json::from_str(text).map_err(|source| StoreError::CorruptJson {
        table,
        column,
        source,
    })
}

/// Encodes a value for a JSON column, mapping failures to [`StoreError::Encode`].
fn encode_json<T: serde::Serialize + ?Sized>(
    value: &T,
    table: &'static str,
    column: &'static str,
) -> Result<String> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode {
        table,
        column,
        source,
    })
}

/// Decodes an optional JSON column.
fn decode_json_opt(
    text: Option<String>,
    table: &'static str,
    column: &'static str,
) -> Result<Option<serde_json::Value>> {
    text.map(|t| decode_json(&t, table, column)).transpose()
}

/// Encodes an optional JSON column.
fn encode_json_opt(
    value: Option<&serde_json::Value>,
    table: &'static str,
    column: &'static str,
) -> Result<Option<String>> {
    value.map(|v| encode_json(v, table, column)).transpose()
}
