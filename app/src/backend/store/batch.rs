//! Writes that belong together, run as one transaction with one commit: all or none. On SQLite
//! the transaction runs on the calling thread (`BEGIN IMMEDIATE`, each statement prepared once
//! per connection). On PostgreSQL plain inserts into different tables go as one statement (one
//! round trip, see [`Batch::as_one_statement`]); any other batch runs its statements one by one
//! inside a transaction.

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
        if self.statements.is_empty() {
            return Ok(());
        }
        self.run_tracking(db, &mut None, true).await
    }

    /// Runs `guard` (an `UPDATE … WHERE …`, no `RETURNING`) and then every statement, in one
    /// transaction, when the guard changes exactly one row: `false`, and nothing written, when
    /// it changes none. What takes a single-use thing together with what it is exchanged for.
    pub async fn run_if(&self, db: &Db, guard: &str, guard_values: &[Value]) -> Result<bool> {
        dispatch!(db, writes: true,
            sqlite: |c| {
                let transaction = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                if super::sqlite::prepared(&transaction, guard, guard_values)?.raw_execute()? != 1 {
                    return Ok(false);
                }
                for (sql, values) in &self.statements {
                    super::sqlite::prepared(&transaction, sql, values)?.raw_execute()?;
                }
                transaction.commit().map(|()| true)
            },
            postgres: |e| {
                if let Some(sql) = self.as_one_statement_after(guard, guard_values.len()) {
                    let values = guard_values.iter().chain(self.statements.iter().flat_map(|(_, v)| v));
                    let taken: i64 = sqlx::query_scalar_with(&sql, pg_arguments(values)?).fetch_one(e).await?;
                    return Ok(taken == 1);
                }
                let mut transaction = e.begin().await?;
                if sqlx::query_with(guard, pg_arguments(guard_values)?).execute(&mut *transaction).await?.rows_affected() != 1 {
                    return Ok(false);
                }
                for (sql, values) in &self.statements {
                    sqlx::query_with(sql, pg_arguments(values)?).execute(&mut *transaction).await?;
                }
                transaction.commit().await.map(|()| true).map_err(Error::from)
            },
        )
    }

    /// Like [`Batch::run`], and on an error, the index of the statement that failed (so a
    /// caller can tell which unique value collided), `None` when the commit failed.
    pub async fn run_indexed(&self, db: &Db) -> std::result::Result<(), (Option<usize>, Error)> {
        if self.statements.is_empty() {
            return Ok(());
        }
        let mut failed: Option<usize> = None;
        let ran = self.run_tracking(db, &mut failed, false).await;
        ran.map_err(|e| (failed, e))
    }

    /// The transaction, noting in `failed` the statement running when it stopped; `merge` lets
    /// PostgreSQL run it as one statement when it can (then no index is noted).
    async fn run_tracking(&self, db: &Db, failed: &mut Option<usize>, merge: bool) -> Result<()> {
        dispatch!(db, writes: true,
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
                    if let Some((sql, values)) = self.as_one_statement().filter(|_| merge) {
                        sqlx::query_with(&sql, pg_arguments(values)?).execute(e).await?;
                        return Ok(());
                    }
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

impl Batch {
    /// Plain inserts (`INSERT INTO t (…) VALUES (…)`, `ON CONFLICT` allowed, no `SELECT`) into
    /// different tables, as one PostgreSQL statement of data-modifying `WITH`s: one round trip
    /// and one implicit transaction instead of BEGIN, each statement and COMMIT. `None` for
    /// anything else, which runs statement by statement: the parts of one statement share a
    /// snapshot and run in no set order, so none may read another's table or touch its rows.
    /// Foreign keys are checked at the statement's end, so a row may refer to one beside it; a
    /// failure leaves nothing written, as a transaction's would.
    fn as_one_statement(&self) -> Option<(String, impl Iterator<Item = &Value>)> {
        if self.statements.len() < 2 {
            return None;
        }
        let parts = self.plain_inserts(0, Vec::new())?;
        let (last, first) = parts.split_last()?;
        let withs: Vec<String> = first.iter().enumerate().map(|(i, part)| format!("s{i} AS ({part})")).collect();
        Some((format!("WITH {} {last}", withs.join(", ")), self.statements.iter().flat_map(|(_, values)| values)))
    }

    /// [`Batch::run_if`] as one PostgreSQL statement, when every statement is a plain insert of
    /// one row into a table of its own: the guard first, each insert's row selected from the
    /// guard's (so none is written unless the guard changed a row), and how many rows the guard
    /// changed as its answer. The guard has `guard_params` placeholders.
    fn as_one_statement_after(&self, guard: &str, guard_params: usize) -> Option<String> {
        let guarded = guard.trim_start().strip_prefix("UPDATE ")?.split_whitespace().next()?;
        let mut sql = format!("WITH taken AS ({guard} RETURNING 1)");
        for (i, part) in self.plain_inserts(guard_params, vec![guarded])?.iter().enumerate() {
            sql.push_str(&format!(", s{i} AS ({})", values_from(part, "taken")?));
        }
        sql.push_str(" SELECT COUNT(*) FROM taken");
        Some(sql)
    }

    /// Every statement with its placeholders following the `offset` before it, when each is a
    /// plain insert into a table of its own, none of them in `tables` (`None` otherwise).
    fn plain_inserts<'a>(&'a self, mut offset: usize, mut tables: Vec<&'a str>) -> Option<Vec<String>> {
        let mut parts = Vec::with_capacity(self.statements.len());
        for (statement, values) in &self.statements {
            let table = plain_insert_table(statement)?;
            if tables.contains(&table) {
                return None;
            }
            tables.push(table);
            parts.push(renumber(statement, offset));
            offset += values.len();
        }
        Some(parts)
    }
}

/// A one-row `INSERT … VALUES (…)` as `INSERT … SELECT … FROM from` (`None` for several rows).
fn values_from(insert: &str, from: &str) -> Option<String> {
    let at = insert.find(" VALUES (")?;
    let open = at + " VALUES (".len();
    let mut depth = 1;
    let close = insert[open..].char_indices().find_map(|(i, c)| {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        (depth == 0).then_some(open + i)
    })?;
    let rest = &insert[close + 1..];
    if rest.trim_start().starts_with(',') {
        return None;
    }
    Some(format!("{} SELECT {} FROM {from}{rest}", &insert[..at], &insert[open..close]))
}

/// The table a plain insert writes (`INSERT INTO t (…) VALUES (…)`, maybe `ON CONFLICT …`), or
/// `None` for any other statement (one that reads, returns rows or is several).
fn plain_insert_table(sql: &str) -> Option<&str> {
    let rest = sql.trim_start().strip_prefix("INSERT INTO ")?;
    let upper = sql.to_ascii_uppercase();
    if ["SELECT", "RETURNING", "WITH", ";"].iter().any(|w| upper.contains(w)) || !upper.contains("VALUES") {
        return None;
    }
    let table = rest.split(|c: char| c.is_whitespace() || c == '(').next().filter(|t| !t.is_empty())?;
    Some(table)
}

/// `sql` with every `$N` raised by `offset`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
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

    #[test]
    fn plain_inserts_into_different_tables_become_one_statement() {
        let mut batch = Batch::default();
        batch.push("INSERT INTO a (x, y) VALUES ($1, $2)", vec!["1".into(), 2i64.into()]);
        batch.push("INSERT INTO b(x) VALUES ($1) ON CONFLICT (x) DO NOTHING", vec!["3".into()]);
        batch.push("INSERT INTO c (x, y, z) VALUES ($2, $1, $3)", vec!["4".into(), "5".into(), "6".into()]);
        let Some((sql, values)) = batch.as_one_statement() else { panic!("three plain inserts are one statement") };
        assert_eq!(
            sql,
            "WITH s0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), s1 AS (INSERT INTO b(x) VALUES ($3) ON CONFLICT (x) DO NOTHING) INSERT INTO c (x, y, z) VALUES ($5, $4, $6)"
        );
        assert_eq!(values.cloned().collect::<Vec<_>>(), vec!["1".into(), 2i64.into(), "3".into(), "4".into(), "5".into(), "6".into()]);
    }

    #[test]
    fn other_batches_run_statement_by_statement() {
        let cases: [&[&str]; 5] = [
            &["INSERT INTO a (x) VALUES ($1)"],
            &["INSERT INTO a (x) VALUES ($1)", "INSERT INTO a (x) VALUES ($1)"],
            &["DELETE FROM a WHERE x = $1", "INSERT INTO b (x) VALUES ($1)"],
            &["INSERT INTO a (x) VALUES ($1)", "INSERT INTO b (x) SELECT $1 WHERE EXISTS (SELECT 1 FROM a)"],
            &["INSERT INTO a (x) VALUES ($1)", "INSERT INTO b (x) VALUES ($1) RETURNING x"],
        ];
        for statements in cases {
            let mut batch = Batch::default();
            for sql in statements {
                batch.push(*sql, vec!["1".into()]);
            }
            assert!(batch.as_one_statement().is_none(), "{statements:?} runs statement by statement");
        }
    }

    #[test]
    fn a_guarded_batch_selects_its_rows_from_what_the_guard_took() {
        let mut batch = Batch::default();
        batch.push("INSERT INTO a (x, y) VALUES ($1, lower($2))", vec!["1".into(), "2".into()]);
        batch.push("INSERT INTO b (x) VALUES ($1) ON CONFLICT DO NOTHING", vec!["3".into()]);
        let guard = "UPDATE codes SET used_at = $2 WHERE hash = $1 AND used_at IS NULL";
        assert_eq!(
            batch.as_one_statement_after(guard, 2).as_deref(),
            Some(
                "WITH taken AS (UPDATE codes SET used_at = $2 WHERE hash = $1 AND used_at IS NULL RETURNING 1), \
                 s0 AS (INSERT INTO a (x, y) SELECT $3, lower($4) FROM taken), \
                 s1 AS (INSERT INTO b (x) SELECT $5 FROM taken ON CONFLICT DO NOTHING) SELECT COUNT(*) FROM taken"
            )
        );
        batch.push("INSERT INTO c (x) VALUES ($1), ($2)", vec!["4".into(), "5".into()]);
        assert!(batch.as_one_statement_after(guard, 2).is_none(), "several rows run in a transaction");
        let mut same_table = Batch::default();
        same_table.push("INSERT INTO codes (x) VALUES ($1)", vec!["1".into()]);
        assert!(same_table.as_one_statement_after(guard, 2).is_none(), "the guard's own table runs in a transaction");
    }

    #[tokio::test]
    async fn a_guarded_batch_is_written_only_when_its_guard_takes_a_row() -> Result<()> {
        let db = testing::fresh_database().await?;
        const INSERT: &str = "INSERT INTO roles (id, name, description, created_at, updated_at) VALUES ($1, $2, '', $3, $3)";
        let mut seed = Batch::default();
        seed.push(INSERT, vec!["rol_g0".into(), "batch-guard".into(), 0i64.into()]);
        seed.run(&db).await?;
        let guard = "UPDATE roles SET updated_at = $2 WHERE id = $1 AND updated_at = 0";
        for (attempt, expected) in [(1i64, true), (2, false)] {
            let mut batch = Batch::default();
            batch.push("INSERT INTO logs (id, type, description, created_at) VALUES ($1, 's', 'guarded', $2)", vec![format!("log_g{attempt}").into(), attempt.into()]);
            assert_eq!(batch.run_if(&db, guard, &["rol_g0".into(), attempt.into()]).await?, expected, "attempt {attempt}");
        }
        let written: i64 = db.fetch_scalar("SELECT COUNT(*) FROM logs WHERE description = 'guarded'", &[]).await?;
        assert_eq!(written, 1, "only the batch whose guard took the row is written");
        Ok(())
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
