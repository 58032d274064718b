//! Server functions for the Roles pages and a connection's "Groups and role assignments". Thin:
//! each checks the admin and calls `backend::roles`.

use crate::error::AppError;
use crate::roles::{Role, RoleAssignments};
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "roles/list")]
pub async fn list_roles() -> Result<Vec<Role>, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::roles::list(&state()?).await.map_err(fail)
}

/// One role, for its page.
#[server(prefix = "/rpc", endpoint = "roles/get")]
pub async fn get_role(id: String) -> Result<Role, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::roles::get(&state()?, &id).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "roles/create")]
pub async fn create_role(name: String, description: Option<String>) -> Result<Role, AppError> {
    use super::ssr::*;
    require_admin()?;
    let created = crate::backend::roles::create(&state()?, crate::roles::RoleInput { name: Some(name), description }).await.map_err(fail);
    answer_plain_form::<CreateRole, _>(&created, "/roles/new", role_created);
    created
}

#[server(prefix = "/rpc", endpoint = "roles/update")]
pub async fn update_role(id: String, name: String, description: Option<String>) -> Result<Role, AppError> {
    use super::ssr::*;
    require_admin()?;
    let saved = crate::backend::roles::update(&state()?, &id, crate::roles::RoleInput { name: Some(name), description: Some(description.unwrap_or_default()) }).await.map_err(fail);
    answer_plain_form::<UpdateRole, _>(&saved, &role_page(&id), |role| (role_saved(&role.name), role_page(&role.id)));
    saved
}

/// "Delete role": the admin types the role's name to confirm, as for an application.
#[server(prefix = "/rpc", endpoint = "roles/delete")]
pub async fn delete_role(id: String, confirm_name: String) -> Result<(), AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let deleted = async {
        let current = crate::backend::roles::get(&state, &id).await.map_err(fail)?;
        require_typed_name(&current.name, &confirm_name)?;
        crate::backend::roles::delete(&state, &id).await.map_err(fail)?;
        Ok(current.name)
    }
    .await;
    answer_plain_form::<DeleteRole, _>(&deleted, &role_page(&id), |name| (role_deleted(name), "/roles".to_string()));
    deleted.map(|_| ())
}

/// A role's page (where its plain forms come back to).
pub fn role_page(id: &str) -> String {
    format!("/roles/{}", crate::text::encode_path_segment(id))
}

/// After Create Role, with or without wasm: the toast, and the new role's page.
pub fn role_created(role: &Role) -> (String, String) {
    (format!("Role {} created", role.name), role_page(&role.id))
}

/// The toast after a role's Save.
pub fn role_saved(name: &str) -> String {
    format!("Role {name} saved")
}

/// The toast after "Delete role".
pub fn role_deleted(name: &str) -> String {
    format!("Role {name} deleted")
}

/// The connection's assignments and the roles to choose from.
#[server(prefix = "/rpc", endpoint = "connections/role_assignments")]
pub async fn load_role_assignments(connection_id: String) -> Result<(Vec<Role>, RoleAssignments), AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let roles = crate::backend::roles::list(&state).await.map_err(fail)?;
    let assignments = crate::backend::roles::assignments(&state, &connection_id).await.map_err(fail)?;
    Ok((roles, assignments))
}

#[server(prefix = "/rpc", endpoint = "connections/save_role_assignments")]
pub async fn save_role_assignments(connection_id: String, assignments: RoleAssignments) -> Result<RoleAssignments, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    crate::backend::connections::get_connection(&state, &connection_id).await.map_err(fail)?;
    crate::backend::roles::set_assignments(&state, &connection_id, assignments).await.map_err(fail)
}
