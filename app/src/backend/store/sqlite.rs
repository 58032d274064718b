//! SQLite, on the calling thread. Every statement on a SQLite database runs here: on
//! connections of Tessera's own to the database file (rusqlite, over the same SQLite library
//! sqlx's migrations link), on the thread of the task that runs it, without a hand-off.
//!
//! sqlx gives each SQLite connection a thread of its own, and every statement is a round trip
//! to it; on the sign-in path that round trip cost more than the statements themselves.
//! The price of running here: a statement holds its runtime thread while it runs, including
//! while it waits (up to the 5 s busy timeout) for another connection's write to commit. In WAL
//! mode readers never wait, and every write Tessera makes is a short transaction, so that wait
//! is short. **A long write (a bulk import, a big migration of data) must not run here**: split
//! it into short transactions, or run it with `tokio::task::spawn_blocking`, or every sign-in
//! on that thread waits for it.

use super::value::Value;
use super::WAL_AUTOCHECKPOINT_PAGES;
use crate::backend::Result;
use rusqlite::types::FromSql;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// A checkpoint after this many write transactions: a sign-in makes about six, of ~5 pages
/// each, so about every `WAL_AUTOCHECKPOINT_PAGES` pages, as the automatic checkpoint was.
const CHECKPOINT_EVERY_WRITES: u64 = 2_000;

/// Connections kept open between statements; more are opened when more run at once (at most
/// one per runtime thread, as a statement never waits across an `.await`).
const IDLE_MAX: usize = 8;

/// The database file, and the connections to it kept open between statements.
///
/// Every write runs on one connection, the writer, taken in turn under a mutex: SQLite lets one
/// connection write at a time anyway, and a writer waiting its turn here sleeps on the mutex and
/// is woken when the lock is free, where one waiting in SQLite's busy handler spins and sleeps
/// in steps (at concurrency 8, 27 `sched_yield` and 10 `nanosleep` calls per sign-in, with the
/// runtime thread held). The writer's page cache also stays valid between its statements, as
/// no other connection of this process changes the file; a connection's cache is dropped
/// whenever another one has written, and reads then fetch their pages again. Reads run on the
/// other connections, side by side.
pub struct Inline {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// The writer; `None` until the first write, or after one was left inside a transaction.
    writer: Mutex<Option<Connection>>,
    /// Write transactions so far, and whether a checkpoint is running ([`Inline::checkpoint`]).
    writes: std::sync::atomic::AtomicU64,
    checkpointing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Set by [`Inline::close`]: no statement runs after it.
    closed: std::sync::atomic::AtomicBool,
    /// Connections running a statement now (for `/metrics`).
    busy: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Inline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inline").field("path", &self.path).finish()
    }
}

impl Inline {
    pub fn new(path: PathBuf) -> Inline {
        Inline { path, idle: Mutex::new(Vec::new()), writer: Mutex::new(None), writes: Default::default(), checkpointing: Default::default(), closed: std::sync::atomic::AtomicBool::new(false), busy: Default::default() }
    }

    /// Closes the kept connections; every later statement fails as on a closed pool.
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let connection = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        connection.busy_handler(Some(busy_wait))?;
        // The pool's settings, per connection (the journal mode is the file's own).
        connection.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES};"
        ))?;
        connection.set_prepared_statement_cache_capacity(128);
        Ok(connection)
    }

    /// Connections kept idle, and running a statement now (for `/metrics`).
    pub fn connections(&self) -> (usize, usize) {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).len();
        (idle, self.busy.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Runs `f`, which writes, on the writer, here and now, once the statements before it on
    /// the writer are done.
    pub fn with_writer<R>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<R>) -> Result<R> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(crate::backend::Error::Database(sqlx::Error::PoolClosed));
        }
        let out = {
            let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            // One left inside a transaction (a statement that panicked while holding it) is
            // closed, never written on again.
            if writer.as_ref().is_some_and(|c| !c.is_autocommit()) {
                *writer = None;
            }
            let connection = match writer.as_mut() {
                Some(c) => c,
                None => writer.insert(self.open_writer().map_err(database_error)?),
            };
            self.busy.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let out = f(connection);
            self.busy.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            if !connection.is_autocommit() {
                *writer = None;
            }
            out
        };
        if (self.writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1).is_multiple_of(CHECKPOINT_EVERY_WRITES) {
            self.checkpoint();
        }
        out.map_err(database_error)
    }

    /// The writer: it leaves checkpoints to [`Inline::checkpoint`], but for a WAL grown far past
    /// the usual (big transactions), which it checkpoints itself.
    fn open_writer(&self) -> rusqlite::Result<Connection> {
        let connection = self.open()?;
        connection.execute_batch(&format!("PRAGMA wal_autocheckpoint = {};", WAL_AUTOCHECKPOINT_PAGES * 5))?;
        Ok(connection)
    }

    /// Copies the WAL back into the database (a passive checkpoint: writers go on meanwhile), on
    /// a blocking thread with a connection of its own, not on a runtime thread holding the
    /// writer: done by the writer at its commit, as SQLite's automatic checkpoint is, it made
    /// every write wait for it (tens of milliseconds, each ~2,000 writes: p99 of a sign-in at
    /// concurrency 8 went from 22 to 51 ms). One at a time.
    fn checkpoint(&self) {
        use std::sync::atomic::Ordering;
        if self.closed.load(Ordering::SeqCst) || self.checkpointing.swap(true, Ordering::SeqCst) {
            return;
        }
        let (path, running) = (self.path.clone(), self.checkpointing.clone());
        let run = move || {
            let done = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX).and_then(|c| {
                c.busy_handler(Some(busy_wait))?;
                c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            });
            if let Err(e) = done {
                tracing::warn!(error = %e, "WAL checkpoint failed; the next one will try again");
            }
            running.store(false, Ordering::SeqCst);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(run)),
            Err(_) => run(),
        }
    }

    /// Runs `f`, which only reads, on a connection of this file, here and now.
    pub fn with<R>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<R>) -> Result<R> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(crate::backend::Error::Database(sqlx::Error::PoolClosed));
        }
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut connection = match taken {
            Some(c) => c,
            None => self.open().map_err(database_error)?,
        };
        self.busy.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let out = f(&mut connection);
        self.busy.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        // One left inside a transaction (a failed batch whose ROLLBACK failed too) is closed,
        // never handed to the next statement.
        if connection.is_autocommit() {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < IDLE_MAX {
                idle.push(connection);
            }
        }
        out.map_err(database_error)
    }
}

/// How a statement waits for another connection's write to finish (WAL has one writer at a
/// time). SQLite's default handler sleeps 1, 2, 5, 10 … ms between tries, while a sign-in's write
/// holds the lock for tens of microseconds: at concurrency a runtime thread would sit out whole
/// milliseconds, and the process could not use more than one core. This one tries again at
/// once a few times, then every 50 µs for about 50 ms, then every millisecond: about 5 s in
/// all, like the 5 s busy timeout it replaces, before the statement fails as busy.
fn busy_wait(attempt: i32) -> bool {
    match attempt {
        0..20 => std::thread::yield_now(),
        20..1020 => std::thread::sleep(Duration::from_micros(50)),
        1020..6020 => std::thread::sleep(Duration::from_millis(1)),
        _ => return false,
    }
    true
}

/// `sql` prepared (cached on its connection) with `values` bound to `$1`, `$2`, … by name, as
/// sqlx binds them: a placeholder may come more than once and in any order.
pub(super) fn prepared<'c>(connection: &'c Connection, sql: &str, values: &[Value]) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
    let mut statement = connection.prepare_cached(sql)?;
    for (i, value) in values.iter().enumerate() {
        if let Some(index) = statement.parameter_index(&format!("${}", i + 1))? {
            statement.raw_bind_parameter(index, value)?;
        }
    }
    Ok(statement)
}

/// A row type read by the statements here: the same columns its `sqlx::FromRow` reads.
pub trait InlineRow: Sized {
    fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

macro_rules! tuple_rows {
    ($(($($t:ident $i:tt),+)),+ $(,)?) => {$(
        impl<$($t: FromSql),+> InlineRow for ($($t,)+) {
            fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $t>($i)?,)+))
            }
        }
    )+};
}
tuple_rows!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
);

/// `InlineRow` for a struct whose fields are named for its columns (as its `sqlx::FromRow` reads
/// them); `field = "column"` for one its `#[sqlx(rename)]` names otherwise.
macro_rules! inline_row {
    (@column $field:ident) => {
        stringify!($field)
    };
    (@column $field:ident $column:literal) => {
        $column
    };
    ($row:ident { $($field:ident $(= $column:literal)?),+ $(,)? }) => {
        impl $crate::backend::store::InlineRow for $row {
            fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok($row { $($field: row.get($crate::backend::store::inline_row!(@column $field $($column)?))?),+ })
            }
        }
    };
}
pub(crate) use inline_row;

/// A SQLite error from here, as the one database error the rest of Tessera knows (so
/// `is_unique_violation` and the 500 mapping see it like sqlx's own).
/// A full disk, a read-only file, an I/O error or a lock held past the busy timeout is an
/// outage (503 naming it), not a bug (500).
pub(super) fn database_error(e: rusqlite::Error) -> crate::backend::Error {
    use crate::backend::error::Outage;
    use rusqlite::ErrorCode as C;
    let outage = match e.sqlite_error_code() {
        Some(C::DiskFull) => Some(Outage::Full),
        Some(C::ReadOnly) => Some(Outage::ReadOnly),
        Some(C::SystemIoFailure | C::CannotOpen) => Some(Outage::Io),
        Some(C::DatabaseBusy | C::DatabaseLocked) => Some(Outage::Busy),
        _ => None,
    };
    match outage {
        Some(outage) => crate::backend::Error::Unavailable(outage, e.to_string()),
        None => crate::backend::Error::Database(sqlx::Error::Database(Box::new(InlineError(e)))),
    }
}

#[derive(Debug)]
struct InlineError(rusqlite::Error);

impl std::fmt::Display for InlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for InlineError {}

impl sqlx::error::DatabaseError for InlineError {
    fn message(&self) -> &str {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => message,
            _ => "SQLite error",
        }
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        match &self.0 {
            rusqlite::Error::SqliteFailure(e, _) => match e.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => sqlx::error::ErrorKind::UniqueViolation,
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => sqlx::error::ErrorKind::ForeignKeyViolation,
                ffi::SQLITE_CONSTRAINT_NOTNULL => sqlx::error::ErrorKind::NotNullViolation,
                ffi::SQLITE_CONSTRAINT_CHECK => sqlx::error::ErrorKind::CheckViolation,
                _ => sqlx::error::ErrorKind::Other,
            },
            _ => sqlx::error::ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{is_unique_violation, testing};
    use crate::backend::{Error, Result};

    const INSERT: &str = "INSERT INTO roles (id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)";

    #[test]
    fn a_full_disk_a_read_only_file_and_io_errors_are_named_outages() {
        use crate::backend::error::Outage;
        let sqlite = |code: i32| super::database_error(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None));
        for (code, outage) in [(13, Outage::Full), (8, Outage::ReadOnly), (10, Outage::Io), (14, Outage::Io), (5, Outage::Busy)] {
            let e = sqlite(code);
            assert!(matches!(e, Error::Unavailable(o, _) if o == outage), "{code}: {e:?}");
            assert_eq!(e.status(), 503);
        }
        assert!(matches!(sqlite(19), Error::Database(_)), "a constraint is not an outage");
        assert_eq!(Outage::from_sqlstate("57P01"), Some(Outage::Down));
        assert_eq!(Outage::from_sqlstate("08006"), Some(Outage::Down));
        assert_eq!(Outage::from_sqlstate("23505"), None);
    }

    #[tokio::test]
    async fn placeholders_bind_by_number_in_any_order_and_repeated() -> Result<()> {
        let db = testing::fresh_database().await?;
        assert_eq!(db.execute(INSERT, &["rol_i1".into(), "inline-1".into(), "first".into(), 7i64.into()]).await?, 1);
        // $2 before $1, and $1 twice.
        let row: Option<(String, i64, i64)> = db
            .fetch_optional("SELECT name, created_at, updated_at FROM roles WHERE description = $2 AND id = $1 AND id = $1", &["rol_i1".into(), "first".into()])
            .await?;
        assert_eq!(row, Some(("inline-1".to_string(), 7, 7)));
        let none: Option<(String,)> = db.fetch_optional("SELECT name FROM roles WHERE id = $1", &["rol_none".into()]).await?;
        assert_eq!(none, None);
        // What a statement changed, and RETURNING read back in the same statement.
        let renamed: Option<(String, Option<String>)> = db
            .fetch_optional("UPDATE roles SET name = $2 WHERE id = $1 RETURNING name, (SELECT NULL) AS absent", &["rol_i1".into(), "inline-2".into()])
            .await?;
        assert_eq!(renamed, Some(("inline-2".to_string(), None)));
        assert_eq!(db.execute("DELETE FROM roles WHERE id = $1", &["rol_i1".into()]).await?, 1);
        Ok(())
    }

    #[tokio::test]
    async fn a_unique_violation_is_the_one_database_error_and_the_database_stays_usable() -> Result<()> {
        let db = testing::fresh_database().await?;
        let pinned = db.pinned().await?;
        pinned.execute(INSERT, &["rol_u1".into(), "unique-1".into(), "".into(), 1i64.into()]).await?;
        let err = pinned.execute(INSERT, &["rol_u1".into(), "unique-2".into(), "".into(), 2i64.into()]).await.err();
        match err {
            Some(e @ Error::Database(_)) => assert!(is_unique_violation(&e), "{e}"),
            other => panic!("expected a unique violation, got {other:?}"),
        }
        let n: Option<(i64,)> = pinned.fetch_optional("SELECT COUNT(*) FROM roles WHERE id = $1", &["rol_u1".into()]).await?;
        assert_eq!(n, Some((1,)));
        Ok(())
    }

    /// A write that leaves its transaction open (here on purpose) closes the writer: the write
    /// lock is let go at once, so another replica writes, and the next write here is committed.
    #[tokio::test]
    async fn a_writer_left_inside_a_transaction_is_closed_and_the_lock_let_go() -> Result<()> {
        let (db, url) = testing::fresh_database_with_url().await?;
        if !url.starts_with("sqlite") {
            return Ok(());
        }
        let other = super::super::Db::connect(&url).await?;
        db.execute("BEGIN IMMEDIATE", &[]).await?;
        assert_eq!(other.execute(INSERT, &["rol_w1".into(), "other-replica".into(), "".into(), 1i64.into()]).await?, 1);
        assert_eq!(db.execute(INSERT, &["rol_w2".into(), "this-replica".into(), "".into(), 2i64.into()]).await?, 1);
        let n: i64 = other.fetch_scalar("SELECT COUNT(*) FROM roles WHERE id IN ('rol_w1', 'rol_w2')", &[]).await?;
        assert_eq!(n, 2);
        Ok(())
    }
}
