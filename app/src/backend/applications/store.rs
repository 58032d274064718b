//! SQL for applications (`clients`), the same text on both dialects.

use crate::backend::error::Resource;
use crate::backend::store::inline_row;
use crate::backend::store::{self, contains_pattern, Db, Value};
use crate::backend::{Error, Result};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
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
    pub web_origins: String,
    pub allowed_origins: String,
    pub is_first_party: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

inline_row!(ApplicationRow {
    client_id, name, description, app_type, callbacks, allowed_logout_urls, grant_types, token_endpoint_auth_method,
    client_secret_hash, id_token_signed_response_alg, backchannel_logout_uri, jwks, web_origins, allowed_origins, is_first_party, created_at, updated_at,
});

const COLUMNS: &str = "client_id, name, description, app_type, callbacks, allowed_logout_urls, grant_types, \
                       token_endpoint_auth_method, client_secret_hash, created_at, updated_at, \
                       id_token_signed_response_alg, backchannel_logout_uri, jwks, web_origins, allowed_origins, is_first_party";

pub async fn insert(db: &Db, row: &ApplicationRow) -> Result<()> {
    db.execute(
        &format!("INSERT INTO clients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"),
        &[(&row.client_id).into(), (&row.name).into(), (&row.description).into(), (&row.app_type).into(), (&row.callbacks).into(), (&row.allowed_logout_urls).into(), (&row.grant_types).into(), (&row.token_endpoint_auth_method).into(), (&row.client_secret_hash).into(), row.created_at.into(), row.updated_at.into(), (&row.id_token_signed_response_alg).into(), (&row.backchannel_logout_uri).into(), (&row.jwks).into(), (&row.web_origins).into(), (&row.allowed_origins).into(), row.is_first_party.into()],
    ).await?;
    Ok(())
}

pub async fn update(db: &Db, row: &ApplicationRow) -> Result<()> {
    let n = db.execute("UPDATE clients SET name = $2, description = $3, app_type = $4, callbacks = $5, allowed_logout_urls = $6,
           grant_types = $7, token_endpoint_auth_method = $8, client_secret_hash = $9, updated_at = $10,
           id_token_signed_response_alg = $11, backchannel_logout_uri = $12, jwks = $13, web_origins = $14, allowed_origins = $15
         WHERE client_id = $1", &[(&row.client_id).into(), (&row.name).into(), (&row.description).into(), (&row.app_type).into(), (&row.callbacks).into(), (&row.allowed_logout_urls).into(), (&row.grant_types).into(), (&row.token_endpoint_auth_method).into(), (&row.client_secret_hash).into(), row.updated_at.into(), (&row.id_token_signed_response_alg).into(), (&row.backchannel_logout_uri).into(), (&row.jwks).into(), (&row.web_origins).into(), (&row.allowed_origins).into()]).await?;
    if n == 0 {
        return Err(Error::not_found(Resource::Client, "The application does not exist."));
    }
    Ok(())
}

pub async fn find(db: &Db, client_id: &str) -> Result<Option<ApplicationRow>> {
    db.fetch_optional(&format!("SELECT {COLUMNS} FROM clients WHERE client_id = $1"), &[client_id.into()]).await
}

pub async fn delete(db: &Db, client_id: &str) -> Result<bool> {
    let n = db.execute("DELETE FROM clients WHERE client_id = $1", &[client_id.into()]).await?;
    Ok(n > 0)
}

/// A page of applications by name (optionally those whose name contains `search`), and the total.
pub async fn list(db: &Db, search: Option<&str>, page: u64, per_page: u64) -> Result<(Vec<ApplicationRow>, u64)> {
    let (from, values): (&str, Vec<Value>) = match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => ("clients WHERE lower(name) LIKE $1 ESCAPE '\\'", vec![contains_pattern(s).into()]),
        None => ("clients", Vec::new()),
    };
    store::page(db, COLUMNS, from, "lower(name), client_id", values, page, per_page).await
}

/// The ids of the connections an application may sign users in with: those enabled for it, or
/// for a third-party application those promoted to domain level (whatever `enabled_clients` says).
pub async fn enabled_connections(db: &Db, client_id: &str) -> Result<Vec<String>> {
    Ok(db
        .fetch_all_scalars(
            "SELECT cc.connection_id FROM connection_clients cc JOIN clients c ON c.client_id = cc.client_id
              WHERE cc.client_id = $1 AND c.is_first_party
             UNION
             SELECT x.id FROM connections x JOIN clients c ON c.client_id = $1
              WHERE NOT c.is_first_party AND x.is_domain_connection
             ORDER BY 1",
            &[client_id.into()],
        )
        .await?)
}
