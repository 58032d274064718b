//! Storage: one `Db` handle over SQLite (embedded default) or PostgreSQL (several replicas).
//!
//! Queries are written once, in SQL both dialects accept (`$1` placeholders work in SQLite too),
//! and run through [`on_db!`], which expands the same code for each pool type. Where the dialects
//! differ, the difference stays in this module tree. Queries are checked at run time rather than
//! with `query!`: the macros check against a single database kind, and every query here must run
//! on two; the storage tests run the whole suite against both instead.
//!
//! A sign-in's statements are written as SQL with their values instead and run through
//! `Db::fetch_optional`, `Db::execute` and `Batch`: on SQLite on the calling thread
//! ([`inline`]), on PostgreSQL through sqlx.

pub mod batch;
pub mod inline;
pub mod testing;

use crate::backend::{Error, Result};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPoolOptions, PgPool, Postgres};
use sqlx::sqlite::Sqlite;
use std::sync::Arc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    /// The sqlx pool, and the same file for the statements that run on the calling thread.
    Sqlite(SqlitePool, Arc<inline::Inline>),
    Postgres(PgPool),
    /// One connection of a pool, held for a run of statements ([`Db::pinned`]).
    Pinned(Arc<Pinned>),
}

/// A pool connection that several statements share: taken from the pool once and given back
/// once, when the last clone of its [`Db`] is dropped. (sqlx pings a connection each time it
/// goes back to its pool; on SQLite that ping, like every statement, is a round trip to the
/// connection's own thread, and those wake-ups were a quarter of a sign-in's CPU.)
pub struct Pinned {
    /// Taken from the pool at the first statement that needs it (a run whose statements all run
    /// inline never takes one).
    held: tokio::sync::Mutex<Option<Held>>,
    /// The pool it came from.
    pool: Db,
}

pub enum Held {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Pinned {
    /// The connection, for one statement (or one block of them).
    pub async fn lock(&self) -> std::result::Result<tokio::sync::MappedMutexGuard<'_, Held>, sqlx::Error> {
        let mut held = self.held.lock().await;
        if held.is_none() {
            *held = Some(match &self.pool {
                Db::Sqlite(pool, _) => Held::Sqlite(pool.acquire().await?),
                Db::Postgres(pool) => Held::Postgres(pool.acquire().await?),
                Db::Pinned(_) => unreachable!("a pinned connection comes from a pool"),
            });
        }
        Ok(tokio::sync::MutexGuard::map(held, |h| h.as_mut().unwrap_or_else(|| unreachable!("filled above"))))
    }
}

impl std::fmt::Debug for Pinned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pinned")
    }
}

/// Runs the same block against whichever pool (or pinned connection) `db` holds:
/// `on_db!(db, |pool| query.fetch_all(pool).await)`. Every arm must produce one type, so
/// statements end in `.map(|r| r.rows_affected())`; a block uses `pool` once (on a pinned
/// connection it is a `&mut` connection) and calls no other `on_db!` on the same `db`.
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::backend::store::Db::Sqlite($pool, _) => $body,
            $crate::backend::store::Db::Postgres($pool) => $body,
            $crate::backend::store::Db::Pinned(pinned) => match pinned.lock().await {
                Err(e) => Err(e.into()),
                Ok(mut held) => match &mut *held {
                    $crate::backend::store::Held::Sqlite(connection) => {
                        let $pool = &mut **connection;
                        $body
                    }
                    $crate::backend::store::Held::Postgres(connection) => {
                        let $pool = &mut **connection;
                        $body
                    }
                },
            },
        }
    };
}
pub(crate) use on_db;

/// SQLite connections in the pool. SQLite writes one transaction at a time whatever the
/// number, and each connection is a thread of its own (sqlx's) with a page cache of its own that
/// every write elsewhere invalidates: with 4 instead of 8, `make bench-login` at concurrency 8
/// took 7–18% less CPU per login and its p99 fell from 42–46 ms to 28–35 ms (five paired runs).
pub const SQLITE_CONNECTIONS: u32 = 4;

/// SQLite checkpoints the WAL into the database once it holds this many pages.
pub const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens the database `url` names: `postgres://…`/`postgresql://…` or `sqlite:…` (the file and
    /// its directory are created if missing; WAL mode and foreign keys on).
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            // A sign-in's statements open the file again themselves (store::inline).
            if url.contains(":memory:") || url.contains("mode=memory") {
                return Err(Error::invalid("DATABASE_URL", "must name a SQLite file (an in-memory database is not supported)"));
            }
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // Copy the WAL back into the database every 10,000 pages (~40 MB) rather than
                // every 1,000: a sign-in writes ~12 pages, mostly the same hot ones, and each
                // checkpoint (with its fsync) ran inside some request's commit, a tenth of a
                // sign-in's CPU at the default.
                .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string());
            if let Some(dir) = options.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        Error::internal(format!("cannot create the database directory {}: {e}", dir.display()))
                    })?;
                }
            }
            // No ping before handing a connection out: sqlx already pings every connection on
            // its way back to the pool, and a second round trip to the connection's worker
            // thread per statement was a fifth of a sign-in's SQLite cost.
            let inline = inline::Inline::new(options.get_filename().to_path_buf());
            let pool = SqlitePoolOptions::new()
                .max_connections(SQLITE_CONNECTIONS)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool, Arc::new(inline)))
        } else {
            Err(Error::invalid("DATABASE_URL", "must start with sqlite: or postgres://"))
        }
    }

    /// One connection for the statements that follow (an endpoint's, say), instead of one from
    /// the pool per statement. A pinned `Db` pins nothing more. Hold it only while statements
    /// run back to back: never across a call to another server (the pool would run dry).
    pub async fn pinned(&self) -> Result<Db> {
        Ok(match self {
            Db::Sqlite(..) | Db::Postgres(_) => Db::Pinned(Arc::new(Pinned { held: tokio::sync::Mutex::new(None), pool: self.clone() })),
            Db::Pinned(_) => self.clone(),
        })
    }

    /// The pool behind a pinned connection (or this pool): for work that outlives the
    /// statements at hand, such as a task spawned to call other servers.
    pub fn pool(&self) -> Db {
        match self {
            Db::Pinned(pinned) => pinned.pool.clone(),
            _ => self.clone(),
        }
    }

    /// Brings the schema up to date. A failure here must stop the server.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(pool, _) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
            Db::Pinned(_) => return Err(Error::internal("migrations run on the pool, not a pinned connection")),
        }
        Ok(())
    }

    /// `GET /healthz` asks this.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool, _) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
            Db::Pinned(_) => {}
        }
    }
}

/// True when the error is a unique-constraint violation. Callers know which unique value their
/// statement can collide on and turn this into a 409 naming that field.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A `LIKE … ESCAPE '\\'` pattern that finds `search` anywhere, case-insensitively (compare
/// with `lower(column)`): `%`, `_` and `\\` in the search match themselves.
pub fn contains_pattern(search: &str) -> String {
    let escaped = search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A JSON column's text for `value`.
pub fn to_json<T: serde::Serialize>(value: &T) -> crate::backend::Result<String> {
    serde_json::to_string(value).map_err(crate::backend::Error::internal)
}

/// A JSON column read back; `what` names it in the (logged, never sent) error.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> crate::backend::Result<T> {
    serde_json::from_str(text).map_err(|e| crate::backend::Error::internal(format!("stored {what} is unreadable: {e}")))
}

/// A timestamp column (Unix milliseconds) as the API shows it: RFC 3339 with milliseconds.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default()
}

/// A row that names another that does not exist (or no longer does).
pub fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}

/// A database URL without its password, for logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("********"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_is_logged_without_its_password() {
        assert_eq!(redact_url("postgres://tessera:pa55@db:5432/tessera"), "postgres://tessera:********@db:5432/tessera");
        assert_eq!(redact_url("sqlite://data/tessera.db"), "sqlite://data/tessera.db");
    }

    #[tokio::test]
    async fn an_unknown_database_scheme_is_refused_with_the_variable_named() {
        let err = Db::connect("mysql://x").await.err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("DATABASE_URL: must start with sqlite: or postgres://"));
        let err = Db::connect("sqlite::memory:").await.err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("DATABASE_URL: must name a SQLite file (an in-memory database is not supported)"));
    }

    #[tokio::test]
    async fn a_pinned_database_runs_every_statement_on_one_connection() -> Result<()> {
        let db = testing::fresh_database().await?;
        let pinned = db.pinned().await?;
        // A temporary table lives on one connection only: seen again only if every statement
        // ran on the same one.
        on_db!(&pinned, |pool| sqlx::query("CREATE TEMP TABLE pinned_probe (x INTEGER)").execute(pool).await.map(|r| r.rows_affected()))?;
        for _ in 0..3 {
            on_db!(&pinned, |pool| sqlx::query("INSERT INTO pinned_probe VALUES (1)").execute(pool).await.map(|r| r.rows_affected()))?;
        }
        let again = pinned.pinned().await?;
        let n: i64 = on_db!(&again, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM pinned_probe").fetch_one(pool).await)?;
        assert_eq!(n, 3);
        assert!(matches!(pinned.pool(), Db::Sqlite(..) | Db::Postgres(_)));
        assert!(pinned.migrate().await.is_err(), "migrations never run on a pinned connection");
        Ok(())
    }

    #[tokio::test]
    async fn the_test_database_answers_and_has_the_schema() -> Result<()> {
        let db = testing::fresh_database().await?;
        db.ping().await?;
        let n: i64 = on_db!(&db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM admins").fetch_one(pool).await)?;
        assert_eq!(n, 0);
        Ok(())
    }
}
