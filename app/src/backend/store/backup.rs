//! `tessera backup FILE` and `tessera restore FILE` for the embedded SQLite database.
//! A backup is a consistent copy taken while the server runs (SQLite's `VACUUM INTO`, which reads
//! one snapshot and writes a compact new file). A restore checks that the file is a sound Tessera
//! database, moves the current database aside (never deleting it), and puts the copy in its place:
//! run it with the server stopped. PostgreSQL deployments use `pg_dump` / `pg_restore`.

use super::Db;
use crate::backend::{Error, Result};
use std::path::{Path, PathBuf};

const USE_PG_DUMP: &str = "this is a PostgreSQL database: back it up with pg_dump and restore it with pg_restore (see the README's Operations section)";

/// The file of a `sqlite://PATH[?options]` URL; `None` for any other database.
pub fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

impl Db {
    /// Writes a consistent copy of the database to `target`, which must not exist yet.
    pub async fn backup_into(&self, target: &Path) -> Result<()> {
        if !matches!(self, Db::Sqlite(_)) {
            return Err(Error::invalid("database", USE_PG_DUMP));
        }
        if target.exists() {
            return Err(Error::invalid("file", format!("{} exists already; name a new file", target.display())));
        }
        let target = target.to_str().ok_or_else(|| Error::invalid("file", "must be a UTF-8 path"))?;
        self.execute("VACUUM INTO $1", &[target.into()]).await?;
        Ok(())
    }
}

/// Puts the backup `from` in place of the SQLite database of `database_url` (the server must be
/// stopped). The current database, if any, is moved aside first; its new name is answered.
pub fn restore(database_url: &str, from: &Path, now_ms: i64) -> Result<Option<PathBuf>> {
    let Some(target) = sqlite_path(database_url) else { return Err(Error::invalid("database", USE_PG_DUMP)) };
    check_backup(from)?;
    let aside = if target.exists() {
        let aside = target.with_extension(format!("before-restore-{now_ms}.db"));
        std::fs::rename(&target, &aside).map_err(|e| Error::internal(format!("cannot move {} aside: {e}", target.display())))?;
        Some(aside)
    } else {
        None
    };
    // The old database's write-ahead log belongs to it, not to the restored file.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            let moved = aside.as_ref().map(|a| PathBuf::from(format!("{}{suffix}", a.display())));
            match moved {
                Some(m) => std::fs::rename(&side, m),
                None => std::fs::remove_file(&side),
            }
            .map_err(|e| Error::internal(format!("cannot move {} aside: {e}", side.display())))?;
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::internal(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::copy(from, &target).map_err(|e| Error::internal(format!("cannot copy {} to {}: {e}", from.display(), target.display())))?;
    tracing::info!(from = %from.display(), to = %target.display(), "database restored");
    Ok(aside)
}

/// The file is an SQLite database that passes its integrity check and has Tessera's schema.
fn check_backup(from: &Path) -> Result<()> {
    let refuse = |why: String| Error::invalid("file", format!("{} is not a Tessera backup: {why}", from.display()));
    if !from.is_file() {
        return Err(refuse("there is no such file".into()));
    }
    let db = rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| refuse(e.to_string()))?;
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| refuse(e.to_string()))?;
    if integrity != "ok" {
        return Err(refuse(format!("the integrity check says {integrity}")));
    }
    let migrations: i64 = db.query_row("SELECT COUNT(*) FROM _sqlx_migrations WHERE success", [], |r| r.get(0)).map_err(|_| refuse("it has no Tessera schema".into()))?;
    if migrations == 0 {
        return Err(refuse("it has no Tessera schema".into()));
    }
    Ok(())
}
