//! Home realm discovery: which connection an email belongs to, among those an application may use.

use crate::backend::applications;
use crate::backend::connections;
use crate::backend::{AppState, Error, Result};
use crate::connections::Connection;

/// The connections an application may sign users in with, by name.
pub async fn enabled_connections(state: &AppState, client_id: &str) -> Result<Vec<Connection>> {
    let mut out = Vec::new();
    for id in applications::enabled_connections(state, client_id).await? {
        match connections::get_connection(state, &id).await {
            Ok(c) => out.push(c),
            Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by_key(|c| c.name.to_lowercase());
    Ok(out)
}

/// Home realm discovery: the connection (among `candidates`) whose Identity provider domains
/// include the email's domain.
pub fn home_realm<'a>(candidates: &'a [Connection], email: &str) -> Option<&'a Connection> {
    let domain = email.rsplit_once('@')?.1.trim().trim_end_matches('.').to_ascii_lowercase();
    candidates.iter().find(|c| c.options.domain_aliases.iter().any(|d| *d == domain))
}

/// Home realm discovery on the login page: a connection's own Identity provider domains first,
/// then the verified domains of the organization that owns one of `candidates`.
pub async fn discover(state: &AppState, candidates: &[Connection], email: &str) -> Result<Option<Connection>> {
    if let Some(c) = home_realm(candidates, email) {
        return Ok(Some(c.clone()));
    }
    let Some(organization_id) = crate::backend::organizations::domains::organization_for_email(state, email).await? else {
        return Ok(None);
    };
    let owned = crate::backend::organizations::connection_ids(state, &organization_id).await?;
    Ok(candidates.iter().find(|c| owned.contains(&c.id)).cloned())
}
