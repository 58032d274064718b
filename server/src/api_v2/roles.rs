//! `/api/v2/roles`: roles in Auth0's shape (`id`, `name`, `description`). Thin handlers over
//! the roles service; which groups get which role is set per connection.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::{roles as service, AppState};
use app::roles::{Role, RoleInput};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

super::paging::list_schemas!(RoleList, RolePage, RoleCheckpoint, roles, Role);

/// Query parameters of `GET /api/v2/roles`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsed by `paging::parse`
pub struct ListParams {
    /// Only roles whose name contains this text (case-insensitive).
    name_filter: Option<String>,
    /// Auth0's role type: Tessera's roles are all `tenant` roles (another type matches nothing).
    #[param(rename = "type")]
    kind: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v2/roles", tag = "roles", summary = "List roles",
    params(ListParams, super::paging::OffsetParams),
    responses(
        (status = 200, description = "Roles by name", body = RoleList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:roles", body = ErrorBody),
    ),
    security(("bearer" = ["read:roles"]))
)]
pub async fn list_roles(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:roles")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &["name_filter", "type"], checkpoint: false })?;
    let needle = q.filter("name_filter").map(str::to_lowercase).unwrap_or_default();
    let tenant = q.filter("type").is_none_or(|t| t == "tenant");
    let roles: Vec<Role> = service::list(&state).await?.into_iter().filter(|r| tenant && r.name.to_lowercase().contains(&needle)).collect();
    q.respond_all("roles", roles)
}

#[utoipa::path(
    post, path = "/api/v2/roles", tag = "roles", summary = "Create a role",
    request_body = RoleInput,
    responses(
        (status = 200, description = "Created (Auth0 answers 200 here)", body = Role),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:roles", body = ErrorBody),
        (status = 409, description = "A role with this name exists", body = ErrorBody),
    ),
    security(("bearer" = ["create:roles"]))
)]
pub async fn create_role(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody<RoleInput>) -> Result<Response, ApiError> {
    caller.require("create:roles")?;
    let role = service::create(&state, body).await?;
    let location = format!("/api/v2/roles/{}", role.id);
    Ok((StatusCode::OK, [(header::LOCATION, location)], Json(role)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/roles/{id}", tag = "roles", summary = "Get a role",
    params(("id" = String, Path, description = "The role's id (rol_…)")),
    responses(
        (status = 200, description = "The role", body = Role),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:roles", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
    ),
    security(("bearer" = ["read:roles"]))
)]
pub async fn get_role(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Role>, ApiError> {
    caller.require("read:roles")?;
    Ok(Json(service::get(&state, &id).await?))
}

#[utoipa::path(
    patch, path = "/api/v2/roles/{id}", tag = "roles", summary = "Change a role's name or description",
    params(("id" = String, Path, description = "The role's id (rol_…)")),
    request_body = RoleInput,
    responses(
        (status = 200, description = "The role", body = Role),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:roles", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
        (status = 409, description = "A role with this name exists", body = ErrorBody),
    ),
    security(("bearer" = ["update:roles"]))
)]
pub async fn update_role(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<RoleInput>) -> Result<Json<Role>, ApiError> {
    caller.require("update:roles")?;
    Ok(Json(service::update(&state, &id, body).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/roles/{id}", tag = "roles", summary = "Delete a role",
    description = "The groups mapped to it lose it; users keep it in their tokens until their next sign-in.",
    params(("id" = String, Path, description = "The role's id (rol_…)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:roles", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
    ),
    security(("bearer" = ["delete:roles"]))
)]
pub async fn delete_role(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:roles")?;
    service::delete(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A permission a role holds: a scope of an API (`resource_server_identifier`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Permission {
    pub permission_name: String,
    pub resource_server_identifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_server_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `POST` and `DELETE /api/v2/roles/{id}/permissions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionsInput {
    pub permissions: Vec<Permission>,
}

super::paging::list_schemas!(PermissionList, PermissionPage, PermissionCheckpoint, permissions, Permission);

/// Tessera's roles hold no API permissions: the one API Tessera serves is its Management API,
/// whose access is given by client grants and tokens, not by users' roles. So the list is
/// empty, and an empty list may be added or removed (what a tool that copies roles sends).
fn refuse_permissions(input: &PermissionsInput) -> Result<(), ApiError> {
    match input.permissions.first() {
        None => Ok(()),
        Some(p) => Err(ApiError::bad_body(format!(
            "Payload validation error: permissions[0]: Tessera's roles hold no API permissions ({:?} of {:?}); a role is given to users by their connection's group role assignments and carried in tokens' roles claim",
            p.permission_name, p.resource_server_identifier
        ))),
    }
}

#[utoipa::path(
    get, path = "/api/v2/roles/{id}/permissions", tag = "roles", summary = "A role's permissions (always none)",
    description = "Tessera's roles hold no API permissions: the list is empty.",
    params(("id" = String, Path, description = "The role's id (rol_…)"), super::paging::OffsetParams),
    responses(
        (status = 200, description = "No permissions", body = PermissionList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:roles", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
    ),
    security(("bearer" = ["read:roles"]))
)]
pub async fn list_permissions(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:roles")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &[], checkpoint: false })?;
    service::get(&state, &id).await?;
    q.respond_all("permissions", Vec::<Permission>::new())
}

#[utoipa::path(
    post, path = "/api/v2/roles/{id}/permissions", tag = "roles", summary = "Add permissions to a role (none may be added)",
    params(("id" = String, Path, description = "The role's id (rol_…)")),
    request_body = PermissionsInput,
    responses(
        (status = 201, description = "Nothing to add"),
        (status = 400, description = "A permission: Tessera's roles hold none", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:roles", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
    ),
    security(("bearer" = ["update:roles"]))
)]
pub async fn add_permissions(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(input): JsonBody<PermissionsInput>) -> Result<StatusCode, ApiError> {
    caller.require("update:roles")?;
    service::get(&state, &id).await?;
    refuse_permissions(&input)?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(
    delete, path = "/api/v2/roles/{id}/permissions", tag = "roles", summary = "Remove permissions from a role (it holds none)",
    params(("id" = String, Path, description = "The role's id (rol_…)")),
    request_body = PermissionsInput,
    responses(
        (status = 204, description = "Nothing to remove"),
        (status = 400, description = "A permission: Tessera's roles hold none", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:roles", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
    ),
    security(("bearer" = ["update:roles"]))
)]
pub async fn remove_permissions(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(input): JsonBody<PermissionsInput>) -> Result<StatusCode, ApiError> {
    caller.require("update:roles")?;
    service::get(&state, &id).await?;
    refuse_permissions(&input)?;
    Ok(StatusCode::NO_CONTENT)
}
