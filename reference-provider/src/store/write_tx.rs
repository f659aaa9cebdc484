//! [`WriteTx`]: the hot paths' write transaction. rusqlite's `Transaction` runs `BEGIN` and
//! `COMMIT` through `execute_batch`, which parses their SQL text on every call (a few µs per
//! refresh grant); here both are prepared once, in the connection's statement cache.

use std::ops::Deref;

use rusqlite::Connection;

use super::Result;

/// A `BEGIN IMMEDIATE` transaction on a locked connection, rolled back on drop unless
/// [`WriteTx::commit`] succeeded (also when `COMMIT` itself failed, e.g. on `SQLITE_BUSY`).
/// Derefs to the connection, for the statements inside it.
pub(super) struct WriteTx<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> WriteTx<'c> {
    /// Begins an immediate (write-locking) transaction.
    pub(super) fn begin(conn: &'c Connection) -> Result<WriteTx<'c>> {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(WriteTx { conn, open: true })
    }

    /// Commits; on failure the transaction is rolled back when `self` drops.
    pub(super) fn commit(mut self) -> Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Deref for WriteTx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        // SQLite may already have rolled back (some errors end the transaction); the autocommit
        // check keeps ROLLBACK from failing then. Nothing useful can be done with an error here.
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WriteTx;
    use rusqlite::Connection;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER NOT NULL)").unwrap();
        conn
    }

    fn count(conn: &Connection) -> i64 {
        conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn committed_writes_stay_and_the_statements_are_reused() {
        let conn = conn();
        for v in 0..3 {
            let tx = WriteTx::begin(&conn).unwrap();
            tx.execute("INSERT INTO t (v) VALUES (?1)", [v]).unwrap();
            tx.commit().unwrap();
        }
        assert_eq!(count(&conn), 3);
        assert!(conn.is_autocommit());
    }

    #[test]
    fn dropped_without_commit_rolls_back() {
        let conn = conn();
        {
            let tx = WriteTx::begin(&conn).unwrap();
            tx.execute("INSERT INTO t (v) VALUES (1)", []).unwrap();
            assert!(!conn.is_autocommit());
        }
        assert_eq!(count(&conn), 0);
        assert!(conn.is_autocommit(), "no transaction left open");
        // A failed statement inside the transaction: still rolled back, and the next one begins.
        {
            let tx = WriteTx::begin(&conn).unwrap();
            tx.execute("INSERT INTO t (v) VALUES (2)", []).unwrap();
            assert!(tx.execute("INSERT INTO t (v) VALUES (NULL)", []).is_err());
        }
        assert_eq!(count(&conn), 0);
        let tx = WriteTx::begin(&conn).unwrap();
        tx.commit().unwrap();
    }
}
