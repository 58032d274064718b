//! SQL for applications (`clients`), the same text on both dialects.

use crate::backend::store::inline::inline_row;
use crate::backend::store::{contains_pattern, on_db, Db};
use crate::backend::{Error, Result};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicationRow {
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub app_type: String,
    pub callbacks: String,
    pub allowed_logout_urls: String,
    pub grant_types: String,
    pub token_endpoint_auth_method: String,
    pub client_secret_hash: String,
    pub id_token_signed_response_alg: String,
    pub backchannel_logout_uri: Option<String>,
    pub jwks: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

inline_row!(ApplicationRow {
    client_id, name, description, app_type, callbacks, allowed_logout_urls, grant_types, token_endpoint_auth_method,
    client_secret_hash, id_token_signed_response_alg, backchannel_logout_uri, jwks, created_at, updated_at,
});

const COLUMNS: &str = "client_id, name, description, app_type, callbacks, allowed_logout_urls, grant_types, \
                       token_endpoint_auth_method, client_secret_hash, created_at, updated_at, \
                       id_token_signed_response_alg, backchannel_logout_uri, jwks";

pub async fn insert(db: &Db, row: &ApplicationRow) -> Result<()> {
    on_db!(db, |pool| sqlx::query(&format!("INSERT INTO clients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"))
        .bind(&row.client_id)
        .bind(&row.name)
        .bind(&row.description)
        .bind(&row.app_type)
        .bind(&row.callbacks)
        .bind(&row.allowed_logout_urls)
        .bind(&row.grant_types)
        .bind(&row.token_endpoint_auth_method)
        .bind(&row.client_secret_hash)
        .bind(row.created_at)
        .bind(row.updated_at)
        .bind(&row.id_token_signed_response_alg)
        .bind(&row.backchannel_logout_uri)
        .bind(&row.jwks)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn update(db: &Db, row: &ApplicationRow) -> Result<()> {
    let n = on_db!(db, |pool| sqlx::query(
        "UPDATE clients SET name = $2, description = $3, app_type = $4, callbacks = $5, allowed_logout_urls = $6,
           grant_types = $7, token_endpoint_auth_method = $8, client_secret_hash = $9, updated_at = $10,
           id_token_signed_response_alg = $11, backchannel_logout_uri = $12, jwks = $13
         WHERE client_id = $1"
    )
    .bind(&row.client_id)
    .bind(&row.name)
    .bind(&row.description)
    .bind(&row.app_type)
    .bind(&row.callbacks)
    .bind(&row.allowed_logout_urls)
    .bind(&row.grant_types)
    .bind(&row.token_endpoint_auth_method)
    .bind(&row.client_secret_hash)
    .bind(row.updated_at)
    .bind(&row.id_token_signed_response_alg)
    .bind(&row.backchannel_logout_uri)
    .bind(&row.jwks)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(Error::NotFound("The application does not exist.".into()));
    }
    Ok(())
}

pub async fn find(db: &Db, client_id: &str) -> Result<Option<ApplicationRow>> {
    db.fetch_optional(&format!("SELECT {COLUMNS} FROM clients WHERE client_id = $1"), &[client_id.into()]).await
}

pub async fn delete(db: &Db, client_id: &str) -> Result<bool> {
    let n = on_db!(db, |pool| sqlx::query("DELETE FROM clients WHERE client_id = $1").bind(client_id).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// A page of applications by name (optionally those whose name contains `search`), and the total.
pub async fn list(db: &Db, search: Option<&str>, page: u64, per_page: u64) -> Result<(Vec<ApplicationRow>, u64)> {
    let (filter, args): (&str, Vec<String>) = match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => ("WHERE lower(name) LIKE $1 ESCAPE '\\'", vec![contains_pattern(s)]),
        None => ("", Vec::new()),
    };
    let n = args.len();
    let page_sql = format!("SELECT {COLUMNS} FROM clients {filter} ORDER BY lower(name), client_id LIMIT ${} OFFSET ${}", n + 1, n + 2);
    let count_sql = format!("SELECT COUNT(*) FROM clients {filter}");
    let limit = i64::try_from(per_page).unwrap_or(i64::MAX);
    let offset = i64::try_from(page.saturating_mul(per_page)).unwrap_or(i64::MAX);
    let rows = on_db!(db, |pool| {
        let mut q = sqlx::query_as::<_, ApplicationRow>(&page_sql);
        for a in &args {
            q = q.bind(a);
        }
        q.bind(limit).bind(offset).fetch_all(pool).await
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

/// The ids of the connections an application may sign users in with.
pub async fn enabled_connections(db: &Db, client_id: &str) -> Result<Vec<String>> {
    Ok(on_db!(db, |pool| sqlx::query_scalar("SELECT connection_id FROM connection_clients WHERE client_id = $1 ORDER BY connection_id")
        .bind(client_id)
        .fetch_all(pool)
        .await)?)
}
