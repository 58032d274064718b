//! Organizations, stored: CRUD in Auth0's shape, the connections each owns (`enabled_connections`;
//! a connection belongs to at most one organization), and — in [`domains`] and [`setup`] — their
//! email domains and the self-service setup links. The Management API
//! (`/api/v2/organizations`), the Organizations pages and the login page's home realm discovery
//! call these.

pub mod domains;
pub mod invite;
pub mod manual;
pub mod setup;

use crate::backend::error::Resource;
use crate::backend::connections;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::is_unique_violation;
use crate::backend::{AppState, Error, Result};
use crate::organizations::{
    check_display_name, check_metadata, check_name, ConnectionSummary, EnabledConnection, EnabledConnectionInput, Organization, OrganizationInput,
};
use std::collections::BTreeMap;

/// Creates a connection the organization owns (a setup link's, or "Configure manually"): the
/// connection, then its ownership; when the ownership cannot be written the connection goes too.
pub async fn create_owned_connection(state: &AppState, organization_id: &str, body: crate::connections::CreateConnection) -> Result<crate::connections::Connection> {
    let created = connections::create_connection(state, body).await?;
    let owned = state.db.execute(
        "INSERT INTO organization_connections (connection_id, organization_id, created_at) VALUES ($1, $2, $3)",
        &[(&created.id).into(), organization_id.into(), (state.clock.now_ms()).into()],
    ).await;
    if let Err(e) = owned {
        connections::delete_connection(state, &created.id).await?;
        return Err(e);
    }
    Ok(created)
}

fn not_found() -> Error {
    Error::not_found(Resource::Organization, "The organization does not exist.")
}

fn taken(e: Error) -> Error {
    if is_unique_violation(&e) {
        Error::conflict(Resource::Organization, "name", "an organization with this name exists")
    } else {
        e
    }
}

fn invalid(f: crate::error::FieldError) -> Error {
    Error::Invalid { fields: vec![f] }
}

type Row = (String, String, String, String);

fn from_row((id, name, display_name, metadata): Row) -> Result<Organization> {
    let metadata: BTreeMap<String, String> = serde_json::from_str(&metadata).map_err(Error::internal)?;
    Ok(Organization { id, name, display_name, metadata })
}

/// Every organization by name, optionally those whose name or display name contains `q`.
pub async fn list(state: &AppState, q: Option<&str>) -> Result<Vec<Organization>> {
    let pattern = q.map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("%{}%", q.to_lowercase()));
    let rows: Vec<Row> = state.db.fetch_all("SELECT id, name, display_name, metadata FROM organizations
         WHERE CAST($1 AS TEXT) IS NULL OR name LIKE $1 OR lower(display_name) LIKE $1 ORDER BY name", &[(&pattern).into()]).await?;
    rows.into_iter().map(from_row).collect()
}

pub async fn get(state: &AppState, id: &str) -> Result<Organization> {
    let row: Option<Row> = state.db.fetch_optional("SELECT id, name, display_name, metadata FROM organizations WHERE id = $1", &[id.into()]).await?;
    row.map(from_row).transpose()?.ok_or_else(not_found)
}

/// `GET /api/v2/organizations/name/{name}`.
pub async fn get_by_name(state: &AppState, name: &str) -> Result<Organization> {
    let row: Option<Row> = state.db.fetch_optional(
        "SELECT id, name, display_name, metadata FROM organizations WHERE name = $1",
        &[(name.trim().to_lowercase()).into()],
    ).await?;
    row.map(from_row).transpose()?.ok_or_else(not_found)
}

pub async fn create(state: &AppState, input: OrganizationInput) -> Result<Organization> {
    let name = check_name(input.name.as_deref().unwrap_or_default()).map_err(invalid)?;
    let display_name = check_display_name(input.display_name.as_deref().unwrap_or_default()).map_err(invalid)?;
    let metadata = input.metadata.unwrap_or_default();
    check_metadata(&metadata).map_err(invalid)?;
    let org = Organization { id: format!("org_{}", random_alphanumeric(16)), name, display_name, metadata };
    let now = state.clock.now_ms();
    state.db.execute(
        "INSERT INTO organizations (id, name, display_name, metadata, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        &[(&org.id).into(), (&org.name).into(), (&org.display_name).into(), (serde_json::to_string(&org.metadata).map_err(Error::internal)?).into(), now.into()],
    ).await
    .map_err(taken)?;
    tracing::info!(organization_id = %org.id, "organization created");
    Ok(org)
}

pub async fn update(state: &AppState, id: &str, input: OrganizationInput) -> Result<Organization> {
    let mut org = get(state, id).await?;
    if let Some(n) = &input.name {
        org.name = check_name(n).map_err(invalid)?;
    }
    if let Some(d) = &input.display_name {
        org.display_name = check_display_name(d).map_err(invalid)?;
    }
    if let Some(m) = input.metadata {
        check_metadata(&m).map_err(invalid)?;
        org.metadata = m;
    }
    state.db.execute(
        "UPDATE organizations SET name = $2, display_name = $3, metadata = $4, updated_at = $5 WHERE id = $1",
        &[(&org.id).into(), (&org.name).into(), (&org.display_name).into(), (serde_json::to_string(&org.metadata).map_err(Error::internal)?).into(), (state.clock.now_ms()).into()],
    ).await
    .map_err(taken)?;
    Ok(org)
}

/// Deletes the organization, its domains and setup links. Its connections stay, unowned.
pub async fn delete(state: &AppState, id: &str) -> Result<()> {
    let n = state.db.execute("DELETE FROM organizations WHERE id = $1", &[id.into()]).await?;
    if n == 0 {
        return Err(not_found());
    }
    tracing::info!(organization_id = %id, "organization deleted");
    Ok(())
}

type EnabledRow = (String, bool, bool);

/// The connections the organization owns, by name.
pub async fn enabled_connections(state: &AppState, organization_id: &str) -> Result<Vec<EnabledConnection>> {
    get(state, organization_id).await?;
    let rows: Vec<EnabledRow> = state.db.fetch_all(
        "SELECT connection_id, assign_membership_on_login, show_as_button FROM organization_connections WHERE organization_id = $1",
        &[organization_id.into()],
    ).await?;
    let mut out = Vec::new();
    for (connection_id, assign_membership_on_login, show_as_button) in rows {
        match connections::get_connection(state, &connection_id).await {
            Ok(c) => out.push(EnabledConnection {
                connection_id,
                assign_membership_on_login,
                show_as_button,
                connection: ConnectionSummary { name: c.name, strategy: c.strategy.as_str().to_string() },
            }),
            Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by(|a, b| a.connection.name.cmp(&b.connection.name));
    Ok(out)
}

/// The ids of the connections `organization_id` owns (no existence check: for sign-in).
pub async fn connection_ids(state: &AppState, organization_id: &str) -> Result<Vec<String>> {
    Ok(state.db.fetch_all_scalars("SELECT connection_id FROM organization_connections WHERE organization_id = $1", &[organization_id.into()]).await?)
}

/// Every connection some organization owns.
pub async fn owned_connection_ids(state: &AppState) -> Result<Vec<String>> {
    Ok(state.db.fetch_all_scalars("SELECT connection_id FROM organization_connections", &[]).await?)
}

/// The organization that owns `connection_id`, if any.
pub async fn owner_of_connection(state: &AppState, connection_id: &str) -> Result<Option<String>> {
    Ok(state.db.fetch_optional_scalar(
        "SELECT organization_id FROM organization_connections WHERE connection_id = $1",
        &[connection_id.into()],
    ).await?)
}

/// Gives `connection_id` to the organization. A connection another organization owns is a 409.
pub async fn enable_connection(state: &AppState, organization_id: &str, input: EnabledConnectionInput) -> Result<EnabledConnection> {
    get(state, organization_id).await?;
    let unsupported = input.unsupported();
    if !unsupported.is_empty() {
        return Err(Error::Invalid { fields: unsupported });
    }
    let Some(connection_id) = input.connection_id.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(Error::invalid("connection_id", "is required"));
    };
    let connection = match connections::get_connection(state, connection_id).await {
        Ok(c) => c,
        Err(Error::NotFound(_)) => return Err(Error::invalid("connection_id", "is not a connection")),
        Err(e) => return Err(e),
    };
    match owner_of_connection(state, &connection.id).await? {
        Some(owner) if owner != organization_id => {
            return Err(Error::conflict(Resource::Organization, "connection_id", "belongs to another organization (a connection belongs to one organization)"))
        }
        Some(_) => return update_enabled_connection(state, organization_id, &connection.id, input).await,
        None => {}
    }
    state.db.execute(
        "INSERT INTO organization_connections (connection_id, organization_id, assign_membership_on_login, show_as_button, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[(&connection.id).into(), organization_id.into(), (input.assign_membership_on_login.unwrap_or(false)).into(), (input.show_as_button.unwrap_or(true)).into(), (state.clock.now_ms()).into()],
    ).await
    .map_err(|e| if is_unique_violation(&e) { Error::conflict(Resource::Organization, "connection_id", "belongs to another organization") } else { e.into() })?;
    tracing::info!(organization_id, connection_id = %connection.id, "connection enabled for organization");
    enabled_connection(state, organization_id, &connection.id).await
}

pub async fn enabled_connection(state: &AppState, organization_id: &str, connection_id: &str) -> Result<EnabledConnection> {
    enabled_connections(state, organization_id)
        .await?
        .into_iter()
        .find(|c| c.connection_id == connection_id)
        .ok_or_else(|| Error::not_found(Resource::Connection, "The connection is not enabled for this organization."))
}

pub async fn update_enabled_connection(state: &AppState, organization_id: &str, connection_id: &str, input: EnabledConnectionInput) -> Result<EnabledConnection> {
    let current = enabled_connection(state, organization_id, connection_id).await?;
    if input.connection_id.as_deref().is_some_and(|c| c != connection_id) {
        return Err(Error::invalid("connection_id", "cannot change; it is in the path"));
    }
    let unsupported = input.unsupported();
    if !unsupported.is_empty() {
        return Err(Error::Invalid { fields: unsupported });
    }
    state.db.execute(
        "UPDATE organization_connections SET assign_membership_on_login = $3, show_as_button = $4 WHERE connection_id = $1 AND organization_id = $2",
        &[connection_id.into(), organization_id.into(), (input.assign_membership_on_login.unwrap_or(current.assign_membership_on_login)).into(), (input.show_as_button.unwrap_or(current.show_as_button)).into()],
    ).await?;
    enabled_connection(state, organization_id, connection_id).await
}

/// The connection stays; it no longer belongs to the organization.
pub async fn disable_connection(state: &AppState, organization_id: &str, connection_id: &str) -> Result<()> {
    let n = state.db.execute(
        "DELETE FROM organization_connections WHERE connection_id = $1 AND organization_id = $2",
        &[connection_id.into(), organization_id.into()],
    ).await?;
    if n == 0 {
        return Err(Error::not_found(Resource::Connection, "The connection is not enabled for this organization."));
    }
    Ok(())
}
