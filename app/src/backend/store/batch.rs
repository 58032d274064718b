//! Writes that belong together, run as one transaction. On SQLite the whole transaction goes to
//! the connection's thread as one statement text (`BEGIN IMMEDIATE; …; COMMIT`, with the `$N`
//! of each statement renumbered across them), so a sign-in's writes cost one round trip and one
//! commit instead of one of each per row: separate inserts on one connection cost ~57 µs of CPU
//! each more than inserts batched this way. On PostgreSQL, which cannot prepare several
//! statements as one, they run one by one inside a transaction.

use super::{Db, Held};
use crate::backend::{Error, Result};

/// One bound value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(i64),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// Statements (writes, no rows read back) to run together, all or none.
#[derive(Debug, Default)]
pub struct Batch {
    statements: Vec<(&'static str, Vec<Value>)>,
}

impl Batch {
    /// Adds a statement whose placeholders are `$1 … $n` for its own `values`.
    pub fn push(&mut self, sql: &'static str, values: Vec<Value>) {
        debug_assert_eq!(highest_placeholder(sql), values.len(), "placeholders and values of {sql}");
        self.statements.push((sql, values));
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// SQLite's one text for the batch, and its values in order.
    fn sqlite_text(&self) -> (String, Vec<&Value>) {
        let mut sql = String::from("BEGIN IMMEDIATE;\n");
        let mut values = Vec::new();
        for (statement, own) in &self.statements {
            sql.push_str(&renumber(statement, values.len()));
            sql.push_str(";\n");
            values.extend(own.iter());
        }
        sql.push_str("COMMIT");
        (sql, values)
    }

    /// Runs every statement in one transaction. On an error nothing is written.
    pub async fn run(&self, db: &Db) -> Result<()> {
        if self.statements.is_empty() {
            return Ok(());
        }
        match db {
            Db::Sqlite(pool) => {
                let mut connection = pool.acquire().await?;
                self.run_sqlite(&mut connection).await
            }
            Db::Postgres(pool) => {
                let mut connection = pool.acquire().await?;
                self.run_postgres(&mut connection).await
            }
            Db::Pinned(pinned) => {
                let mut held = pinned.lock().await;
                match &mut *held {
                    Held::Sqlite(connection) => self.run_sqlite(connection).await,
                    Held::Postgres(connection) => self.run_postgres(connection).await,
                }
            }
        }
    }

    async fn run_sqlite(&self, connection: &mut sqlx::SqliteConnection) -> Result<()> {
        let (sql, values) = self.sqlite_text();
        if let Err(e) = bound(sqlx::query(&sql), values).execute(&mut *connection).await {
            // A statement failed after BEGIN: end the transaction here, on this connection,
            // before it goes back to the pool. ("no transaction is active" when BEGIN itself
            // failed is fine.)
            if let Err(rollback) = sqlx::query("ROLLBACK").execute(&mut *connection).await {
                tracing::debug!(error = %rollback, "rollback after a failed batch");
            }
            return Err(e.into());
        }
        Ok(())
    }

    async fn run_postgres(&self, connection: &mut sqlx::PgConnection) -> Result<()> {
        use sqlx::Connection as _;
        let mut transaction = connection.begin().await?;
        for (sql, values) in &self.statements {
            bound(sqlx::query(sql), values).execute(&mut *transaction).await?;
        }
        transaction.commit().await.map_err(Error::from)
    }
}

/// `query` with `values` bound in order, for either database.
fn bound<'q, DB>(mut query: sqlx::query::Query<'q, DB, DB::Arguments<'q>>, values: impl IntoIterator<Item = &'q Value>) -> sqlx::query::Query<'q, DB, DB::Arguments<'q>>
where
    DB: sqlx::Database,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for value in values {
        query = match value {
            Value::Text(v) => query.bind(v.clone()),
            Value::Int(v) => query.bind(*v),
            Value::Bool(v) => query.bind(*v),
        };
    }
    query
}

/// `sql` with each `$N` made `$(N + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '$' {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            match digits.parse::<usize>() {
                Ok(n) => out.push_str(&(n + offset).to_string()),
                Err(_) => out.push_str(&digits),
            }
        }
    }
    out
}

/// The highest `$N` in `sql` (0 when none).
fn highest_placeholder(sql: &str) -> usize {
    sql.split('$').skip(1).filter_map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<usize>().ok()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::store::{on_db, testing};

    #[test]
    fn placeholders_are_numbered_across_the_statements() {
        assert_eq!(renumber("INSERT INTO t VALUES ($1, $2, $10)", 3), "INSERT INTO t VALUES ($4, $5, $13)");
        assert_eq!(renumber("SELECT 1", 5), "SELECT 1");
        assert_eq!(highest_placeholder("UPDATE t SET a = $2 WHERE b = $1 AND c <> $2"), 2);
        let mut batch = Batch::default();
        batch.push("INSERT INTO a VALUES ($1, $2)", vec!["x".into(), 1i64.into()]);
        batch.push("UPDATE b SET c = $1 WHERE d = $2", vec![true.into(), None::<String>.into()]);
        let (sql, values) = batch.sqlite_text();
        assert_eq!(sql, "BEGIN IMMEDIATE;\nINSERT INTO a VALUES ($1, $2);\nUPDATE b SET c = $3 WHERE d = $4;\nCOMMIT");
        assert_eq!(values.len(), 4);
    }

    async fn count(db: &Db) -> Result<i64> {
        Ok(on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM roles WHERE name LIKE 'batch-%'").fetch_one(pool).await)?)
    }

    #[tokio::test]
    async fn a_batch_writes_all_of_its_rows_or_none() -> Result<()> {
        let db = testing::fresh_database().await?;
        const INSERT: &str = "INSERT INTO roles (id, name, description, created_at, updated_at) VALUES ($1, $2, '', $3, $3)";
        let mut good = Batch::default();
        good.push(INSERT, vec!["rol_b1".into(), "batch-1".into(), 1i64.into()]);
        good.push(INSERT, vec!["rol_b2".into(), "batch-2".into(), 2i64.into()]);
        good.run(&db).await?;
        assert_eq!(count(&db).await?, 2);

        // The second row collides with the first on its id: neither is written, and the
        // connection is usable afterwards (its transaction was ended).
        let pinned = db.pinned().await?;
        let mut bad = Batch::default();
        bad.push(INSERT, vec!["rol_b3".into(), "batch-3".into(), 3i64.into()]);
        bad.push(INSERT, vec!["rol_b3".into(), "batch-4".into(), 4i64.into()]);
        let err = bad.run(&pinned).await.err();
        assert!(err.is_some(), "a unique violation fails the batch");
        assert_eq!(count(&pinned).await?, 2, "nothing of the failed batch is written");
        let mut after = Batch::default();
        after.push(INSERT, vec!["rol_b5".into(), "batch-5".into(), 5i64.into()]);
        after.run(&pinned).await?;
        assert_eq!(count(&db).await?, 3);
        Ok(())
    }
}
