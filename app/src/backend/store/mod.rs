//! Storage: one `Db` handle over SQLite (embedded default) or PostgreSQL (several replicas), and
//! one way to run a statement on it: SQL both dialects accept (`$1` placeholders work in SQLite
//! too) with its values as [`Value`]s, through [`Db::execute`], [`Db::fetch_optional`],
//! [`Db::fetch_all`], [`Db::fetch_one`] (and their `_scalar` forms), or [`Batch`] for writes that
//! go together. Which database runs it is decided here and nowhere else: on SQLite the
//! statement runs on the calling thread ([`sqlite`], which says why and what must not run
//! there), on PostgreSQL through sqlx's pool.
//!
//! Queries are checked at run time rather than with `query!`: the macros check against a single
//! database kind, and every query here must run on two; the tests run the whole suite against
//! both instead.

pub mod backup;
pub mod batch;
mod sqlite;
pub mod testing;
mod value;

pub use batch::Batch;
pub(crate) use sqlite::inline_row;
pub use sqlite::InlineRow;
pub use value::Value;

use crate::backend::{Error, Result};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow, Postgres};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::Connection as _;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    /// A SQLite file: every statement runs on the calling thread.
    Sqlite(Arc<Sqlite>),
    Postgres(PgPool),
    /// One PostgreSQL connection held for a run of statements ([`Db::pinned`]).
    Pinned(Arc<Pinned>),
}

/// A SQLite database: its file's connections, and how sqlx opens it for the migrations.
pub struct Sqlite {
    inline: sqlite::Inline,
    options: SqliteConnectOptions,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inline.fmt(f)
    }
}

/// A PostgreSQL pool connection that several statements share: taken from the pool at the
/// first statement and given back when the last clone of its [`Db`] is dropped.
pub struct Pinned {
    held: tokio::sync::Mutex<Option<PoolConnection<Postgres>>>,
    pool: PgPool,
}

impl Pinned {
    async fn connection(&self) -> std::result::Result<tokio::sync::MappedMutexGuard<'_, sqlx::PgConnection>, sqlx::Error> {
        let mut held = self.held.lock().await;
        if held.is_none() {
            *held = Some(self.pool.acquire().await?);
        }
        Ok(tokio::sync::MutexGuard::map(held, |h| match h {
            Some(connection) => &mut **connection,
            None => unreachable!("filled above"),
        }))
    }
}

impl std::fmt::Debug for Pinned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pinned")
    }
}

/// Runs a statement on whichever database `db` is: `$sqlite` with `$c`, a rusqlite connection
/// on this thread; `$postgres` with `$e`, a sqlx executor (the pool or a pinned connection).
/// The one place the dialect is decided.
/// On SQLite, `writes` says whether the statement may write (then it runs on the writer).
macro_rules! dispatch {
    ($db:expr, writes: $writes:expr, sqlite: |$c:ident| $sqlite:expr, postgres: |$e:ident| $postgres:expr $(,)?) => {
        match $db {
            Db::Sqlite(db) if $writes => db.inline.with_writer(|$c| $sqlite),
            Db::Sqlite(db) => db.inline.with(|$c| $sqlite),
            Db::Postgres(pool) => {
                let $e = pool;
                $postgres
            }
            Db::Pinned(pinned) => {
                let mut held = pinned.connection().await?;
                let $e = &mut *held;
                $postgres
            }
        }
    };
}
use dispatch;

/// A row a statement reads: the same columns from SQLite ([`InlineRow`]) and PostgreSQL
/// (`sqlx::FromRow`). Tuples are rows; a struct gets both from `#[derive(sqlx::FromRow)]` and
/// [`inline_row!`].
pub trait Row: InlineRow + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {}
impl<T: InlineRow + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin> Row for T {}

/// A single column's value (`SELECT COUNT(*)`, `SELECT id`).
pub trait Scalar: rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin {}
impl<T: rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin> Scalar for T {}

/// Whether `sql` may write: anything but a `SELECT` (an `INSERT`, an `UPDATE`, a `DELETE … RETURNING`, a `WITH`,
/// which may hold one, a `CREATE`, a `PRAGMA`).
fn writes(sql: &str) -> bool {
    !sql.trim_start().get(..6).is_some_and(|word| word.eq_ignore_ascii_case("select"))
}

impl Db {
    /// Runs `sql` with `values`: the number of rows it changed.
    pub async fn execute(&self, sql: &str, values: &[Value]) -> Result<u64> {
        dispatch!(self, writes: writes(sql),
            sqlite: |c| Ok(sqlite::prepared(c, sql, values)?.raw_execute()? as u64),
            postgres: |e| Ok(sqlx::query_with(sql, value::pg_arguments(values)?).execute(e).await?.rows_affected()),
        )
    }

    /// The first row `sql` returns with `values`, if any.
    pub async fn fetch_optional<T: Row>(&self, sql: &str, values: &[Value]) -> Result<Option<T>> {
        dispatch!(self, writes: writes(sql),
            sqlite: |c| sqlite::prepared(c, sql, values)?.raw_query().next()?.map(T::from_inline).transpose(),
            postgres: |e| Ok(sqlx::query_as_with::<_, T, _>(sql, value::pg_arguments(values)?).fetch_optional(e).await?),
        )
    }

    /// Every row `sql` returns with `values`.
    pub async fn fetch_all<T: Row>(&self, sql: &str, values: &[Value]) -> Result<Vec<T>> {
        dispatch!(self, writes: writes(sql),
            sqlite: |c| {
                let mut statement = sqlite::prepared(c, sql, values)?;
                let mut rows = statement.raw_query();
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(T::from_inline(row)?);
                }
                Ok(out)
            },
            postgres: |e| Ok(sqlx::query_as_with::<_, T, _>(sql, value::pg_arguments(values)?).fetch_all(e).await?),
        )
    }

    /// The first row `sql` returns with `values`; none is an internal error (a statement such
    /// as `SELECT COUNT(*)` always returns one).
    pub async fn fetch_one<T: Row>(&self, sql: &str, values: &[Value]) -> Result<T> {
        self.fetch_optional(sql, values).await?.ok_or(Error::Database(sqlx::Error::RowNotFound))
    }

    /// The first column of the first row, if there is a row.
    pub async fn fetch_optional_scalar<T: Scalar>(&self, sql: &str, values: &[Value]) -> Result<Option<T>> {
        Ok(self.fetch_optional::<(T,)>(sql, values).await?.map(|(v,)| v))
    }

    /// The first column of the one row `sql` returns.
    pub async fn fetch_scalar<T: Scalar>(&self, sql: &str, values: &[Value]) -> Result<T> {
        Ok(self.fetch_one::<(T,)>(sql, values).await?.0)
    }

    /// The first column of every row.
    pub async fn fetch_all_scalars<T: Scalar>(&self, sql: &str, values: &[Value]) -> Result<Vec<T>> {
        Ok(self.fetch_all::<(T,)>(sql, values).await?.into_iter().map(|(v,)| v).collect())
    }
}

/// One page of rows and the total that match: `SELECT {columns} FROM {from} ORDER BY {order}`,
/// where `from` (the tables and the WHERE clause) uses `values` as `$1 … $n`. Every paged list
/// (connections, applications, users) is this query.
pub async fn page<T: Row>(db: &Db, columns: &str, from: &str, order: &str, mut values: Vec<Value>, page: u64, per_page: u64) -> Result<(Vec<T>, u64)> {
    let n = values.len();
    let total: i64 = db.fetch_scalar(&format!("SELECT COUNT(*) FROM {from}"), &values).await?;
    values.push(i64::try_from(per_page).unwrap_or(i64::MAX).into());
    values.push(i64::try_from(page.saturating_mul(per_page)).unwrap_or(i64::MAX).into());
    let sql = format!("SELECT {columns} FROM {from} ORDER BY {order} LIMIT ${} OFFSET ${}", n + 1, n + 2);
    Ok((db.fetch_all(&sql, &values).await?, u64::try_from(total).unwrap_or(0)))
}

/// SQLite checkpoints the WAL into the database once it holds this many pages (~40 MB) rather
/// than the default 1,000: each checkpoint, with its fsync, runs inside some request's commit.
pub const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens the database `url` names: `postgres://…`/`postgresql://…` or `sqlite:…` (the file and
    /// its directory are created if missing; WAL mode and foreign keys on).
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // While PostgreSQL is away a request waits this long for a connection, then answers
            // 503 database_unavailable.
            let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(3)).connect(url).await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            // Statements open the file again themselves: there must be one.
            if url.contains(":memory:") || url.contains("mode=memory") {
                return Err(Error::invalid("DATABASE_URL", "must name a SQLite file (an in-memory database is not supported)"));
            }
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string());
            if let Some(dir) = options.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::internal(format!("cannot create the database directory {}: {e}", dir.display())))?;
                }
            }
            // The first connection creates the file and puts it in WAL mode (a property of the file).
            sqlx::SqliteConnection::connect_with(&options).await?.close().await?;
            let inline = sqlite::Inline::new(options.get_filename().to_path_buf());
            Ok(Db::Sqlite(Arc::new(Sqlite { inline, options })))
        } else {
            Err(Error::invalid("DATABASE_URL", "must start with sqlite: or postgres://"))
        }
    }

    /// One PostgreSQL connection for the statements that follow (an endpoint's, say), instead
    /// of one from the pool per statement; on SQLite, where statements take no pool connection,
    /// the same database. Hold it only while statements run back to back: never across a call
    /// to another server (the pool would run dry).
    pub async fn pinned(&self) -> Result<Db> {
        Ok(match self {
            Db::Postgres(pool) => Db::Pinned(Arc::new(Pinned { held: tokio::sync::Mutex::new(None), pool: pool.clone() })),
            Db::Sqlite(_) | Db::Pinned(_) => self.clone(),
        })
    }

    /// The pool behind a pinned connection (or this database): for work that outlives the
    /// statements at hand, such as a task spawned to call other servers.
    pub fn pool(&self) -> Db {
        match self {
            Db::Pinned(pinned) => Db::Postgres(pinned.pool.clone()),
            _ => self.clone(),
        }
    }

    /// Brings the schema up to date. A failure here must stop the server.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(db) => {
                let mut connection = sqlx::SqliteConnection::connect_with(&db.options).await?;
                SQLITE_MIGRATIONS.run(&mut connection).await?;
                connection.close().await?;
            }
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
            Db::Pinned(_) => return Err(Error::internal("migrations run on the pool, not a pinned connection")),
        }
        Ok(())
    }

    /// `GET /readyz` asks this: the newest migration this binary carries, and the newest one the
    /// database has applied successfully. Equal means the schema is current.
    pub async fn migration_versions(&self) -> Result<(i64, i64)> {
        let known = match self {
            Db::Sqlite(_) => SQLITE_MIGRATIONS.iter().map(|m| m.version).max(),
            Db::Postgres(_) => POSTGRES_MIGRATIONS.iter().map(|m| m.version).max(),
            Db::Pinned(_) => return Err(Error::internal("readiness is asked of the pool, not a pinned connection")),
        }
        .unwrap_or(0);
        let applied = self.fetch_scalar::<i64>("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM _sqlx_migrations WHERE success", &[]).await?;
        Ok((known, applied))
    }

    /// `GET /healthz` asks this.
    pub async fn ping(&self) -> Result<()> {
        self.fetch_scalar::<i64>("SELECT CAST(1 AS BIGINT)", &[]).await.map(|_| ())
    }

    /// The database connections open now: (idle, in use), for `/metrics`.
    pub fn connections(&self) -> (usize, usize) {
        match self {
            Db::Sqlite(db) => db.inline.connections(),
            Db::Postgres(pool) => {
                let idle = pool.num_idle();
                (idle, (pool.size() as usize).saturating_sub(idle))
            }
            Db::Pinned(pinned) => {
                let idle = pinned.pool.num_idle();
                (idle, (pinned.pool.size() as usize).saturating_sub(idle))
            }
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(db) => db.inline.close(),
            Db::Postgres(pool) => pool.close().await,
            Db::Pinned(_) => {}
        }
    }
}

/// True when the error is a unique-constraint violation. Callers know which unique value their
/// statement can collide on and turn this into a 409 naming that field.
pub fn is_unique_violation(e: &Error) -> bool {
    matches!(e, Error::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
}

/// A row that names another that does not exist (or no longer does).
pub fn is_foreign_key_violation(e: &Error) -> bool {
    matches!(e, Error::Database(sqlx::Error::Database(db)) if db.is_foreign_key_violation())
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
        // ran on the same one. (On SQLite every write runs on the one writer connection.)
        pinned.execute("CREATE TEMP TABLE pinned_probe (x INTEGER)", &[]).await?;
        for _ in 0..3 {
            pinned.execute("INSERT INTO pinned_probe VALUES (1)", &[]).await?;
        }
        let again = pinned.pinned().await?;
        assert_eq!(again.execute("DELETE FROM pinned_probe", &[]).await?, 3);
        assert!(matches!(pinned.pool(), Db::Sqlite(..) | Db::Postgres(_)));
        assert!(!matches!(pinned, Db::Pinned(_)) || pinned.migrate().await.is_err(), "migrations never run on a pinned connection");
        Ok(())
    }

    #[tokio::test]
    async fn the_test_database_answers_and_has_the_schema() -> Result<()> {
        let db = testing::fresh_database().await?;
        db.ping().await?;
        let n: i64 = db.fetch_scalar("SELECT COUNT(*) FROM admins", &[]).await?;
        assert_eq!(n, 0);
        let names: Vec<String> = db.fetch_all_scalars("SELECT email FROM admins", &[]).await?;
        assert!(names.is_empty());
        Ok(())
    }
}
