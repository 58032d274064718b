//! Writes that belong together, run as one transaction with one commit: all or none. On SQLite
//! the transaction runs on the calling thread (`BEGIN IMMEDIATE`, each statement prepared once
//! per connection); on PostgreSQL the statements run one by one inside a transaction.

use super::value::{pg_arguments, Value};
use super::{dispatch, Db};
use crate::backend::{Error, Result};
use sqlx::Connection as _;
use std::borrow::Cow;

/// Statements (writes, no rows read back) to run together, all or none.
#[derive(Debug, Default)]
pub struct Batch {
    statements: Vec<(Cow<'static, str>, Vec<Value>)>,
}

impl Batch {
    /// Adds a statement whose placeholders are `$1 … $n` for its own `values`.
    pub fn push(&mut self, sql: impl Into<Cow<'static, str>>, values: Vec<Value>) {
        let sql = sql.into();
        debug_assert_eq!(highest_placeholder(&sql), values.len(), "placeholders and values of {sql}");
        self.statements.push((sql, values));
    }

    /// How many statements it holds (the next one pushed has this index).
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs every statement in one transaction. On an error nothing is written.
    pub async fn run(&self, db: &Db) -> Result<()> {
        self.run_indexed(db).await.map_err(|(_, e)| e)
    }

    /// Like [`Batch::run`], and on an error, the index of the statement that failed (so a
    /// caller can tell which unique value collided), `None` when the commit failed.
    pub async fn run_indexed(&self, db: &Db) -> std::result::Result<(), (Option<usize>, Error)> {
        if self.statements.is_empty() {
            return Ok(());
        }
        let mut failed: Option<usize> = None;
        let ran = self.run_tracking(db, &mut failed).await;
        ran.map_err(|e| (failed, e))
    }

    /// The transaction, noting in `failed` the statement running when it stopped.
    async fn run_tracking(&self, db: &Db, failed: &mut Option<usize>) -> Result<()> {
        dispatch!(db,
                sqlite: |c| {
                    let transaction = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                    for (i, (sql, values)) in self.statements.iter().enumerate() {
                        *failed = Some(i);
                        super::sqlite::prepared(&transaction, sql, values)?.raw_execute()?;
                    }
                    *failed = None;
                    // Dropped without a commit (an error above), the transaction rolls back.
                    transaction.commit()
                },
                postgres: |e| {
                    let mut transaction = e.begin().await?;
                    for (i, (sql, values)) in self.statements.iter().enumerate() {
                        *failed = Some(i);
                        sqlx::query_with(sql, pg_arguments(values)?).execute(&mut *transaction).await?;
                    }
                    *failed = None;
                    transaction.commit().await.map_err(Error::from)
                },
            )
    }
}

/// The highest `$N` in `sql` (0 when none).
fn highest_placeholder(sql: &str) -> usize {
    sql.split('$').skip(1).filter_map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<usize>().ok()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::store::testing;

    #[test]
    fn the_highest_placeholder_is_found_in_any_order() {
        assert_eq!(highest_placeholder("UPDATE t SET a = $2 WHERE b = $1 AND c <> $2"), 2);
        assert_eq!(highest_placeholder("INSERT INTO t VALUES ($1, $10, $3)"), 10);
        assert_eq!(highest_placeholder("SELECT 1"), 0);
    }

    async fn count(db: &Db) -> Result<i64> {
        db.fetch_scalar("SELECT COUNT(*) FROM roles WHERE name LIKE 'batch-%'", &[]).await
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
