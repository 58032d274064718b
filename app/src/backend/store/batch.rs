//! Writes that belong together, run as one transaction with one commit. On SQLite the
//! transaction runs on the calling thread ([`super::inline`], each statement prepared once per
//! connection); on PostgreSQL the statements run one by one inside a transaction.

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

    /// Runs every statement in one transaction. On an error nothing is written.
    pub async fn run(&self, db: &Db) -> Result<()> {
        if self.statements.is_empty() {
            return Ok(());
        }
        // SQLite: on the calling thread (store::inline), each statement prepared once per
        // connection, one commit for all.
        if let Some(inline) = db.inline() {
            return inline.with(|c| self.run_inline(c));
        }
        match db {
            Db::Postgres(pool) => {
                let mut connection = pool.acquire().await?;
                self.run_postgres(&mut connection).await
            }
            Db::Pinned(pinned) => match &mut *pinned.lock().await? {
                Held::Postgres(connection) => self.run_postgres(connection).await,
                Held::Sqlite(_) => unreachable!("a SQLite database always has its inline side"),
            },
            Db::Sqlite(..) => unreachable!("a SQLite database always has its inline side"),
        }
    }

    fn run_inline(&self, connection: &mut rusqlite::Connection) -> rusqlite::Result<()> {
        let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (sql, values) in &self.statements {
            super::inline::prepared(&transaction, sql, values)?.raw_execute()?;
        }
        // Dropped without a commit (an error above), the transaction rolls back.
        transaction.commit()
    }

    async fn run_postgres(&self, connection: &mut sqlx::PgConnection) -> Result<()> {
        use sqlx::Connection as _;
        let mut transaction = connection.begin().await?;
        for (sql, values) in &self.statements {
            sqlx::query_with(sql, pg_arguments(values)?).execute(&mut *transaction).await?;
        }
        transaction.commit().await.map_err(Error::from)
    }
}

/// `values` as PostgreSQL's arguments for one statement, in order (`$1`, `$2`, …).
pub(super) fn pg_arguments(values: &[Value]) -> std::result::Result<sqlx::postgres::PgArguments, sqlx::Error> {
    use sqlx::Arguments as _;
    let mut arguments = sqlx::postgres::PgArguments::default();
    for value in values {
        match value {
            Value::Text(v) => arguments.add(v.clone()),
            Value::Int(v) => arguments.add(*v),
            Value::Bool(v) => arguments.add(*v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
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
    fn the_highest_placeholder_is_found_in_any_order() {
        assert_eq!(highest_placeholder("UPDATE t SET a = $2 WHERE b = $1 AND c <> $2"), 2);
        assert_eq!(highest_placeholder("INSERT INTO t VALUES ($1, $10, $3)"), 10);
        assert_eq!(highest_placeholder("SELECT 1"), 0);
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
