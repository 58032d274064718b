//! SQL for connections, their home realm discovery domains and the applications they are
//! enabled for, the same text on both dialects.

use crate::backend::store::{contains_pattern, is_foreign_key_violation, is_unique_violation, on_db, Db};
use crate::backend::store::inline::{inline_row, InlineRow};
use std::collections::HashMap;
use crate::backend::{Error, Result};
use crate::connections::{Checkpoint, ListQuery};
// `begin` on a pinned connection (a pool has its own).
#[allow(unused_imports)]
use sqlx::Connection as _;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConnectionRow {
    pub id: String,
    pub name: String,
    pub strategy: String,
    pub display_name: Option<String>,
    pub options: String,
    pub client_secret_enc: Option<String>,
    pub private_key_enc: Option<String>,
    pub is_domain_connection: bool,
    pub show_as_button: bool,
    pub realms: String,
    pub metadata: String,
    pub check_status: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, name, strategy, display_name, options, client_secret_enc, private_key_enc, \
                       is_domain_connection, show_as_button, realms, metadata, check_status, created_at, updated_at";

fn name_taken(name: &str) -> Error {
    Error::conflict("name", format!("a connection named {name:?} already exists"))
}

fn domain_taken() -> Error {
    Error::conflict("options.domain_aliases", "a home realm discovery domain is already used by another connection")
}

/// Adds a connection's home realm discovery domains inside transaction `$tx` (either dialect);
/// a domain another connection owns is a 409.
macro_rules! insert_domains {
    ($tx:ident, $id:expr, $domains:expr) => {
        for domain in $domains {
            let added = sqlx::query("INSERT INTO connection_domains (domain, connection_id) VALUES ($1, $2)")
                .bind(domain)
                .bind($id)
                .execute(&mut *$tx)
                .await;
            match added {
                Err(e) if is_unique_violation(&e) => return Err(domain_taken()),
                other => other?,
            };
        }
    };
}

/// Replaces a connection's enabled applications inside transaction `$tx`; an application that
/// does not exist is a 400 naming `enabled_clients`.
macro_rules! set_clients {
    ($tx:ident, $id:expr, $clients:expr) => {
        sqlx::query("DELETE FROM connection_clients WHERE connection_id = $1").bind($id).execute(&mut *$tx).await?;
        for client_id in $clients {
            let added = sqlx::query("INSERT INTO connection_clients (connection_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind($id)
                .bind(client_id)
                .execute(&mut *$tx)
                .await;
            match added {
                Err(e) if is_foreign_key_violation(&e) => return Err(Error::invalid("enabled_clients", format!("{client_id:?} is not an application"))),
                other => other?,
            };
        }
    };
}

/// Inserts a connection, its domains and its enabled applications in one transaction.
pub async fn insert(db: &Db, row: &ConnectionRow, domains: &[String], clients: &[String]) -> Result<()> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let inserted = sqlx::query(&format!(
            "INSERT INTO connections ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.strategy)
        .bind(&row.display_name)
        .bind(&row.options)
        .bind(&row.client_secret_enc)
        .bind(&row.private_key_enc)
        .bind(row.is_domain_connection)
        .bind(row.show_as_button)
        .bind(&row.realms)
        .bind(&row.metadata)
        .bind(&row.check_status)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(name_taken(&row.name)),
            other => other?,
        };
        insert_domains!(tx, &row.id, domains);
        set_clients!(tx, &row.id, clients);
        tx.commit().await?;
        Ok(())
    })
}

/// Replaces a connection's row and, when given, its domains and enabled applications, in one
/// transaction.
pub async fn update(db: &Db, row: &ConnectionRow, domains: Option<&[String]>, clients: Option<&[String]>) -> Result<()> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE connections SET display_name = $2, options = $3, client_secret_enc = $4, private_key_enc = $5,
               is_domain_connection = $6, show_as_button = $7, realms = $8, metadata = $9,
               check_status = $10, updated_at = $11
             WHERE id = $1",
        )
        .bind(&row.id)
        .bind(&row.display_name)
        .bind(&row.options)
        .bind(&row.client_secret_enc)
        .bind(&row.private_key_enc)
        .bind(row.is_domain_connection)
        .bind(row.show_as_button)
        .bind(&row.realms)
        .bind(&row.metadata)
        .bind(&row.check_status)
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound("The connection does not exist.".into()));
        }
        if let Some(domains) = domains {
            sqlx::query("DELETE FROM connection_domains WHERE connection_id = $1").bind(&row.id).execute(&mut *tx).await?;
            insert_domains!(tx, &row.id, domains);
        }
        if let Some(clients) = clients {
            set_clients!(tx, &row.id, clients);
        }
        tx.commit().await?;
        Ok(())
    })
}

pub async fn find(db: &Db, id: &str) -> Result<Option<ConnectionRow>> {
    Ok(on_db!(db, |pool| sqlx::query_as(&format!("SELECT {COLUMNS} FROM connections WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// Which connection [`find_with_clients`] reads.
pub enum Key<'a> {
    Id(&'a str),
    /// Names are unique regardless of case.
    Name(&'a str),
}

#[derive(sqlx::FromRow)]
struct RowWithClients {
    #[sqlx(flatten)]
    row: ConnectionRow,
    /// Space-separated (client ids are alphanumeric); NULL when none.
    enabled_clients: Option<String>,
    assigns_roles: bool,
}

inline_row!(ConnectionRow {
    id, name, strategy, display_name, options, client_secret_enc, private_key_enc, is_domain_connection, show_as_button, realms,
    metadata, check_status, created_at, updated_at,
});

impl InlineRow for RowWithClients {
    fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(RowWithClients { row: ConnectionRow::from_inline(row)?, enabled_clients: row.get("enabled_clients")?, assigns_roles: row.get("assigns_roles")? })
    }
}

/// A connection's row as a sign-in reads it.
pub struct Found {
    pub row: ConnectionRow,
    /// The applications it is enabled for, sorted.
    pub enabled_clients: Vec<String>,
    /// It maps IdP groups to roles or has a default role (else a sign-in need not read them).
    pub assigns_roles: bool,
}

/// A connection's row with the applications it is enabled for and whether it assigns roles, in
/// one statement: a sign-in reads a connection at `/authorize` and again at the callback.
/// (`string_agg` is in both PostgreSQL and SQLite since 3.44.)
pub async fn find_with_clients(db: &Db, key: Key<'_>) -> Result<Option<Found>> {
    let (filter, value) = match key {
        Key::Id(id) => ("id = $1", id),
        Key::Name(name) => ("lower(name) = lower($1)", name),
    };
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT string_agg(client_id, ' ') FROM connection_clients WHERE connection_id = connections.id) AS enabled_clients,
           (EXISTS (SELECT 1 FROM connection_group_roles WHERE connection_id = connections.id)
            OR EXISTS (SELECT 1 FROM connection_default_roles WHERE connection_id = connections.id)) AS assigns_roles
         FROM connections WHERE {filter}"
    );
    let found: Option<RowWithClients> = db.fetch_optional(&sql, &[value.into()]).await?;
    Ok(found.map(|f| {
        let mut enabled_clients: Vec<String> = f.enabled_clients.as_deref().unwrap_or_default().split_whitespace().map(str::to_string).collect();
        enabled_clients.sort();
        Found { row: f.row, enabled_clients, assigns_roles: f.assigns_roles }
    }))
}

pub async fn name_exists(db: &Db, name: &str) -> Result<bool> {
    let n: i64 = on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM connections WHERE lower(name) = lower($1)")
        .bind(name)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

pub async fn delete(db: &Db, id: &str) -> Result<bool> {
    let n = on_db!(db, |pool| sqlx::query("DELETE FROM connections WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Which of `domains` other connections already use: `(domain, connection name)`.
pub async fn domain_owners(db: &Db, domains: &[String], except_id: Option<&str>) -> Result<Vec<(String, String)>> {
    if domains.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..domains.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT d.domain, c.name FROM connection_domains d JOIN connections c ON c.id = d.connection_id
         WHERE d.connection_id <> $1 AND d.domain IN ({}) ORDER BY d.domain",
        placeholders.join(", ")
    );
    let except = except_id.unwrap_or("");
    Ok(on_db!(db, |pool| {
        let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(except);
        for d in domains {
            q = q.bind(d);
        }
        q.fetch_all(pool).await
    })?)
}

/// The WHERE clause and its arguments for a query's filters ($1, $2, … in order).
fn filter(query: &ListQuery) -> (String, Vec<String>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if !query.strategies.is_empty() {
        let start = args.len();
        let marks: Vec<String> = query.strategies.iter().enumerate().map(|(i, _)| format!("${}", start + i + 1)).collect();
        args.extend(query.strategies.iter().map(|s| s.as_str().to_string()));
        clauses.push(format!("strategy IN ({})", marks.join(", ")));
    }
    if let Some(name) = &query.name {
        args.push(name.clone());
        clauses.push(format!("name = ${}", args.len()));
    }
    if let Some(search) = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        args.push(contains_pattern(search));
        clauses.push(format!("lower(name) LIKE ${} ESCAPE '\\'", args.len()));
    }
    if let Some(domain) = &query.domain_alias {
        args.push(domain.trim().trim_end_matches('.').to_ascii_lowercase());
        clauses.push(format!("EXISTS (SELECT 1 FROM connection_domains d WHERE d.connection_id = connections.id AND d.domain = ${})", args.len()));
    }
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    (filter, args)
}

/// One page of connections in a stable order (name, then id) and the total that match.
pub async fn list(db: &Db, query: &ListQuery) -> Result<(Vec<ConnectionRow>, u64)> {
    let (filter, args) = filter(query);
    let limit_mark = args.len() + 1;
    let page_sql = format!(
        "SELECT {COLUMNS} FROM connections {filter} ORDER BY lower(name), id LIMIT ${limit_mark} OFFSET ${}",
        limit_mark + 1
    );
    let count_sql = format!("SELECT COUNT(*) FROM connections {filter}");
    let limit = i64::try_from(query.per_page).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.page.saturating_mul(query.per_page)).unwrap_or(i64::MAX);
    let rows = on_db!(db, |pool| {
        let mut page = sqlx::query_as::<_, ConnectionRow>(&page_sql);
        for a in &args {
            page = page.bind(a);
        }
        page.bind(limit).bind(offset).fetch_all(pool).await
    })?;
    let total = on_db!(db, |pool| {
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for a in &args {
            count = count.bind(a);
        }
        count.fetch_one(pool).await
    })?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// Up to `limit` connections that come after `after` in list order (keyset paging: as fast on
/// the last page as on the first, and stable while connections are added or removed).
pub async fn list_after(db: &Db, query: &ListQuery, after: Option<&Checkpoint>, limit: u64) -> Result<Vec<ConnectionRow>> {
    let (mut filter, mut args) = filter(query);
    if let Some(after) = after {
        args.push(after.name.clone());
        args.push(after.id.clone());
        let (n, i) = (args.len() - 1, args.len());
        let clause = format!("(lower(name) > ${n} OR (lower(name) = ${n} AND id > ${i}))");
        filter = if filter.is_empty() { format!("WHERE {clause}") } else { format!("{filter} AND {clause}") };
    }
    let sql = format!("SELECT {COLUMNS} FROM connections {filter} ORDER BY lower(name), id LIMIT ${}", args.len() + 1);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    Ok(on_db!(db, |pool| {
        let mut page = sqlx::query_as::<_, ConnectionRow>(&sql);
        for a in &args {
            page = page.bind(a);
        }
        page.bind(limit).fetch_all(pool).await
    })?)
}

/// The applications each of `connection_ids` is enabled for, in client id order.
pub async fn enabled_clients(db: &Db, connection_ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if connection_ids.is_empty() {
        return Ok(out);
    }
    let marks: Vec<String> = (1..=connection_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT connection_id, client_id FROM connection_clients WHERE connection_id IN ({}) ORDER BY client_id",
        marks.join(", ")
    );
    let rows: Vec<(String, String)> = on_db!(db, |pool| {
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for id in connection_ids {
            q = q.bind(id);
        }
        q.fetch_all(pool).await
    })?;
    for (connection_id, client_id) in rows {
        out.entry(connection_id).or_default().push(client_id);
    }
    Ok(out)
}

/// Enables or disables one connection for one application (both sides of the dashboard).
pub async fn set_enabled(db: &Db, connection_id: &str, client_id: &str, enabled: bool) -> Result<()> {
    let sql = if enabled {
        "INSERT INTO connection_clients (connection_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM connection_clients WHERE connection_id = $1 AND client_id = $2"
    };
    let done = on_db!(db, |pool| sqlx::query(sql).bind(connection_id).bind(client_id).execute(pool).await.map(|r| r.rows_affected()));
    match done {
        Err(e) if is_foreign_key_violation(&e) => Err(Error::NotFound("The connection or the application does not exist.".into())),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(()),
    }
}
