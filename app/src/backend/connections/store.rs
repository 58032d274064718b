//! SQL for connections, their home realm discovery domains and the applications they are
//! enabled for, the same text on both dialects.

use crate::backend::error::Resource;
use crate::backend::store::{self, contains_pattern, inline_row, is_foreign_key_violation, is_unique_violation, Batch, Db, InlineRow, Value};
use crate::backend::{Error, Result};
use crate::connections::{Checkpoint, ListQuery};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
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
    Error::conflict(Resource::Connection, "name", format!("a connection named {name:?} already exists"))
}

fn domain_taken() -> Error {
    Error::conflict(Resource::Connection, "options.domain_aliases", "a home realm discovery domain is already used by another connection")
}

/// Adds `domains` and replaces the enabled applications with `clients`, in `batch`; the index
/// ranges of the two, to name what a failed batch collided on.
fn push_domains_and_clients(batch: &mut Batch, id: &str, domains: Option<&[String]>, clients: Option<&[String]>) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let first_domain = batch.len();
    if let Some(domains) = domains {
        batch.push("DELETE FROM connection_domains WHERE connection_id = $1", vec![id.into()]);
        for domain in domains {
            batch.push("INSERT INTO connection_domains (domain, connection_id) VALUES ($1, $2)", vec![domain.into(), id.into()]);
        }
    }
    let first_client = batch.len();
    if let Some(clients) = clients {
        batch.push("DELETE FROM connection_clients WHERE connection_id = $1", vec![id.into()]);
        for client_id in clients {
            batch.push("INSERT INTO connection_clients (connection_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", vec![id.into(), client_id.into()]);
        }
    }
    (first_domain..first_client, first_client..batch.len())
}

/// Runs a connection's write: a name or domain another connection has is a 409, an enabled
/// application that does not exist a 400 naming it.
async fn write(db: &Db, batch: Batch, name: &str, domains: std::ops::Range<usize>, clients: (std::ops::Range<usize>, Option<&[String]>)) -> Result<()> {
    match batch.run_indexed(db).await {
        Ok(()) => Ok(()),
        Err((Some(0), e)) if is_unique_violation(&e) => Err(name_taken(name)),
        Err((Some(i), e)) if is_unique_violation(&e) && domains.contains(&i) => Err(domain_taken()),
        Err((Some(i), e)) if is_foreign_key_violation(&e) && clients.0.contains(&i) => {
            // The DELETE comes first: the application is at i - start - 1.
            let client_id = clients.1.and_then(|c| c.get(i - clients.0.start - 1)).map(String::as_str).unwrap_or_default();
            Err(Error::invalid("enabled_clients", format!("{client_id:?} is not an application")))
        }
        Err((_, e)) => Err(e),
    }
}

fn row_values(row: &ConnectionRow) -> Vec<Value> {
    vec![
        (&row.id).into(),
        (&row.name).into(),
        (&row.strategy).into(),
        (&row.display_name).into(),
        (&row.options).into(),
        (&row.client_secret_enc).into(),
        (&row.private_key_enc).into(),
        row.is_domain_connection.into(),
        row.show_as_button.into(),
        (&row.realms).into(),
        (&row.metadata).into(),
        (&row.check_status).into(),
        row.created_at.into(),
        row.updated_at.into(),
    ]
}

/// Inserts a connection, its domains and its enabled applications in one transaction.
pub async fn insert(db: &Db, row: &ConnectionRow, domains: &[String], clients: &[String]) -> Result<()> {
    let mut batch = Batch::default();
    batch.push(format!("INSERT INTO connections ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"), row_values(row));
    let (domain_range, client_range) = push_domains_and_clients(&mut batch, &row.id, Some(domains), Some(clients));
    write(db, batch, &row.name, domain_range, (client_range, Some(clients))).await
}

/// Replaces a connection's row and, when given, its domains and enabled applications, in one
/// transaction.
pub async fn update(db: &Db, row: &ConnectionRow, domains: Option<&[String]>, clients: Option<&[String]>) -> Result<()> {
    if find(db, &row.id).await?.is_none() {
        return Err(Error::not_found(Resource::Connection, "The connection does not exist."));
    }
    let mut batch = Batch::default();
    batch.push(
        "UPDATE connections SET name = $2, strategy = $3, display_name = $4, options = $5, client_secret_enc = $6, private_key_enc = $7,
           is_domain_connection = $8, show_as_button = $9, realms = $10, metadata = $11, check_status = $12, created_at = $13, updated_at = $14
         WHERE id = $1",
        row_values(row),
    );
    let (domain_range, client_range) = push_domains_and_clients(&mut batch, &row.id, domains, clients);
    write(db, batch, &row.name, domain_range, (client_range, clients)).await
}

pub async fn find(db: &Db, id: &str) -> Result<Option<ConnectionRow>> {
    Ok(db.fetch_optional(&format!("SELECT {COLUMNS} FROM connections WHERE id = $1"), &[id.into()]).await?)
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
    /// Space-separated (domain names have no spaces); NULL when none.
    verified_domains: Option<String>,
}

inline_row!(ConnectionRow {
    id, name, strategy, display_name, options, client_secret_enc, private_key_enc, is_domain_connection, show_as_button, realms,
    metadata, check_status, created_at, updated_at,
});

impl InlineRow for RowWithClients {
    fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(RowWithClients { row: ConnectionRow::from_inline(row)?, enabled_clients: row.get("enabled_clients")?,
            assigns_roles: row.get("assigns_roles")?,
            verified_domains: row.get("verified_domains")?,
        })
    }
}

/// A connection's row as a sign-in reads it.
pub struct Found {
    pub row: ConnectionRow,
    /// The applications it is enabled for, sorted.
    pub enabled_clients: Vec<String>,
    /// It maps IdP groups to roles or has a default role (else a sign-in need not read them).
    pub assigns_roles: bool,
    /// The email domains its organization verified (a sign-in's email there is vouched for).
    pub verified_domains: Vec<String>,
}

/// A connection's row with the applications it is enabled for, whether it assigns roles and the
/// domains its organization verified, in one statement: a sign-in reads a connection at
/// `/authorize` and again at the callback.
/// (`string_agg` is in both PostgreSQL and SQLite since 3.44.)
pub async fn find_with_clients(db: &Db, key: Key<'_>) -> Result<Option<Found>> {
    let (filter, value) = match key {
        Key::Id(id) => ("id = $1", id),
        Key::Name(name) => ("lower(name) = lower($1)", name),
    };
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT string_agg(client_id, ' ') FROM connection_clients WHERE connection_id = connections.id) AS enabled_clients,
           (EXISTS (SELECT 1 FROM connection_group_roles WHERE connection_id = connections.id)
            OR EXISTS (SELECT 1 FROM connection_default_roles WHERE connection_id = connections.id)) AS assigns_roles,
           (SELECT string_agg(d.domain, ' ') FROM organization_connections oc JOIN organization_domains d ON d.organization_id = oc.organization_id
            WHERE oc.connection_id = connections.id AND d.status = 'verified') AS verified_domains
         FROM connections WHERE {filter}"
    );
    let found: Option<RowWithClients> = db.fetch_optional(&sql, &[value.into()]).await?;
    Ok(found.map(|f| {
        let mut enabled_clients: Vec<String> = f.enabled_clients.as_deref().unwrap_or_default().split_whitespace().map(str::to_string).collect();
        enabled_clients.sort();
        let verified_domains = f.verified_domains.as_deref().unwrap_or_default().split_whitespace().map(str::to_string).collect();
        Found { row: f.row, enabled_clients, assigns_roles: f.assigns_roles, verified_domains }
    }))
}

pub async fn name_exists(db: &Db, name: &str) -> Result<bool> {
    let n: i64 = db.fetch_scalar("SELECT COUNT(*) FROM connections WHERE lower(name) = lower($1)", &[name.into()]).await?;
    Ok(n > 0)
}

pub async fn delete(db: &Db, id: &str) -> Result<bool> {
    let n = db.execute("DELETE FROM connections WHERE id = $1", &[id.into()]).await?;
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
    let mut values: Vec<Value> = vec![except_id.unwrap_or("").into()];
    values.extend(domains.iter().map(Value::from));
    db.fetch_all(&sql, &values).await
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
    let values: Vec<Value> = args.into_iter().map(Value::from).collect();
    store::page(db, COLUMNS, &format!("connections {filter}"), "lower(name), id", values, query.page, query.per_page).await
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
    let mut values: Vec<Value> = args.into_iter().map(Value::from).collect();
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    db.fetch_all(&sql, &values).await
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
    let values: Vec<Value> = connection_ids.iter().map(Value::from).collect();
    let rows: Vec<(String, String)> = db.fetch_all(&sql, &values).await?;
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
    let done = db.execute(sql, &[connection_id.into(), client_id.into()]).await;
    match done {
        Err(e) if is_foreign_key_violation(&e) => Err(Error::not_found(Resource::Connection, "The connection or the application does not exist.")),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(()),
    }
}
