//! Roles and each connection's "Groups and role assignments", stored; and the roles a user gets,
//! recomputed at each sign-in from their groups (the IdP's `groups` claim and their SCIM groups)
//! and kept with the user for the `roles` claim of Tessera's tokens. The Management API
//! (`/api/v2/roles`), the Roles page and the connection's Provisioning tab call these.

use crate::backend::error::Resource;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::batch::Batch;
use crate::backend::store::is_unique_violation;
use crate::backend::{AppState, Error, Result};
use crate::roles::{check_assignments, check_description, check_name, role_ids_for, GroupRole, Role, RoleAssignments, RoleInput};

fn not_found() -> Error {
    Error::not_found(Resource::Role, "The role does not exist.")
}

fn taken(e: Error) -> Error {
    if is_unique_violation(&e) {
        Error::conflict(Resource::Role, "name", "a role with this name exists")
    } else {
        e
    }
}

pub async fn list(state: &AppState) -> Result<Vec<Role>> {
    let rows: Vec<(String, String, String)> = state.db.fetch_all("SELECT id, name, description FROM roles ORDER BY lower(name), id", &[]).await?;
    Ok(rows.into_iter().map(|(id, name, description)| Role { id, name, description }).collect())
}

pub async fn get(state: &AppState, id: &str) -> Result<Role> {
    let row: Option<(String, String, String)> = state.db.fetch_optional("SELECT id, name, description FROM roles WHERE id = $1", &[id.into()]).await?;
    row.map(|(id, name, description)| Role { id, name, description }).ok_or_else(not_found)
}

pub async fn create(state: &AppState, input: RoleInput) -> Result<Role> {
    let name = check_name(input.name.as_deref().unwrap_or_default()).map_err(|f| Error::Invalid { fields: vec![f] })?;
    let description = check_description(input.description.as_deref().unwrap_or_default()).map_err(|f| Error::Invalid { fields: vec![f] })?;
    let role = Role { id: format!("rol_{}", random_alphanumeric(16)), name, description };
    let now = state.clock.now_ms();
    state.db.execute(
        "INSERT INTO roles (id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        &[(&role.id).into(), (&role.name).into(), (&role.description).into(), now.into()],
    ).await
    .map_err(taken)?;
    tracing::info!(role_id = %role.id, "role created");
    Ok(role)
}

pub async fn update(state: &AppState, id: &str, input: RoleInput) -> Result<Role> {
    let current = get(state, id).await?;
    let name = match &input.name {
        Some(n) => check_name(n).map_err(|f| Error::Invalid { fields: vec![f] })?,
        None => current.name,
    };
    let description = match &input.description {
        Some(d) => check_description(d).map_err(|f| Error::Invalid { fields: vec![f] })?,
        None => current.description,
    };
    state.db.execute(
        "UPDATE roles SET name = $2, description = $3, updated_at = $4 WHERE id = $1",
        &[id.into(), (&name).into(), (&description).into(), (state.clock.now_ms()).into()],
    ).await
    .map_err(taken)?;
    Ok(Role { id: id.to_string(), name, description })
}

/// Deletes a role and the assignments that name it. Users keep it in their tokens until their
/// next sign-in recomputes their roles.
pub async fn delete(state: &AppState, id: &str) -> Result<()> {
    let n = state.db.execute("DELETE FROM roles WHERE id = $1", &[id.into()]).await?;
    if n == 0 {
        return Err(not_found());
    }
    tracing::info!(role_id = %id, "role deleted");
    Ok(())
}

/// A connection's "Groups and role assignments" (404 for an unknown connection).
pub async fn assignments(state: &AppState, connection_id: &str) -> Result<RoleAssignments> {
    crate::backend::connections::get_connection(state, connection_id).await?;
    let rows: Vec<(String, String, String)> = state.db.fetch_all(
        "SELECT group_id, name, role_id FROM connection_group_roles WHERE connection_id = $1 ORDER BY lower(group_id)",
        &[connection_id.into()],
    ).await?;
    let default_role_id: Option<String> = state.db.fetch_optional_scalar(
        "SELECT role_id FROM connection_default_roles WHERE connection_id = $1",
        &[connection_id.into()],
    ).await?;
    Ok(RoleAssignments { groups: rows.into_iter().map(|(group_id, name, role_id)| GroupRole { group_id, name, role_id }).collect(), default_role_id })
}

/// Replaces a connection's assignments (every role named must exist), all at once: a failed
/// write leaves the previous assignments whole.
pub async fn set_assignments(state: &AppState, connection_id: &str, a: RoleAssignments) -> Result<RoleAssignments> {
    crate::backend::connections::get_connection(state, connection_id).await?;
    check_assignments(&a).map_err(|fields| Error::Invalid { fields })?;
    let known: Vec<String> = list(state).await?.into_iter().map(|r| r.id).collect();
    let mut unknown = Vec::new();
    for (i, g) in a.groups.iter().enumerate() {
        if !known.contains(&g.role_id) {
            unknown.push(crate::error::FieldError::new(format!("groups[{i}].role_id"), "is not a role"));
        }
    }
    if a.default_role_id.as_ref().is_some_and(|d| !known.contains(d)) {
        unknown.push(crate::error::FieldError::new("default_role_id", "is not a role"));
    }
    if !unknown.is_empty() {
        return Err(Error::Invalid { fields: unknown });
    }
    let mut batch = Batch::default();
    batch.push("DELETE FROM connection_group_roles WHERE connection_id = $1", vec![connection_id.into()]);
    for g in &a.groups {
        batch.push(
            "INSERT INTO connection_group_roles (connection_id, group_id, name, role_id) VALUES ($1, $2, $3, $4)",
            vec![connection_id.into(), (g.group_id.trim()).into(), (g.name.trim()).into(), (&g.role_id).into()],
        );
    }
    batch.push("DELETE FROM connection_default_roles WHERE connection_id = $1", vec![connection_id.into()]);
    if let Some(role_id) = &a.default_role_id {
        batch.push("INSERT INTO connection_default_roles (connection_id, role_id) VALUES ($1, $2)", vec![connection_id.into(), role_id.into()]);
    }
    batch.run(&state.db).await?;
    tracing::info!(%connection_id, groups = a.groups.len(), "role assignments saved");
    assignments(state, connection_id).await
}

/// Recomputes `user_id`'s roles from `groups` and the connection's assignments and returns
/// their names, sorted; when they differ from `stored` (the user's roles as just read), their
/// write goes into `batch`. With `assigns` false (the connection's read said it maps no group
/// and has no default role) the assignments are not read: the user has no roles.
pub async fn assign(state: &AppState, batch: &mut Batch, connection_id: &str, user_id: &str, groups: &[String], stored: &[String], assigns: bool) -> Result<Vec<String>> {
    // One read: every mapping row and the default (group_id NULL), with the role's name.
    let rows: Vec<(Option<String>, String, String)> = if !assigns { Vec::new() } else { state.db.fetch_all("SELECT m.group_id, m.role_id, r.name FROM connection_group_roles m JOIN roles r ON r.id = m.role_id WHERE m.connection_id = $1
         UNION ALL
         SELECT NULL, d.role_id, r.name FROM connection_default_roles d JOIN roles r ON r.id = d.role_id WHERE d.connection_id = $1", &[connection_id.into()]).await? };
    let mut a = RoleAssignments::default();
    let mut names = std::collections::HashMap::new();
    for (group, role_id, name) in rows {
        names.insert(role_id.clone(), name);
        match group {
            Some(group_id) => a.groups.push(GroupRole { group_id, name: String::new(), role_id }),
            None => a.default_role_id = Some(role_id),
        }
    }
    let mut roles: Vec<String> = role_ids_for(groups, &a).into_iter().filter_map(|id| names.get(&id).cloned()).collect();
    // By name, so the claim does not change with the order the IdP lists groups in.
    roles.sort_by_key(|n| n.to_lowercase());
    if roles == stored {
        return Ok(roles);
    }
    let json = serde_json::to_string(&roles).map_err(Error::internal)?;
    batch.push("UPDATE users SET roles = $2 WHERE id = $1 AND roles <> $2", vec![user_id.into(), json.into()]);
    Ok(roles)
}
