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

#[utoipa::path(
    get, path = "/api/v2/roles", tag = "roles", summary = "List roles",
    responses(
        (status = 200, description = "Every role, by name (page/per_page/include_totals as for connections)", body = Vec<Role>),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:roles", body = ErrorBody),
    ),
    security(("bearer" = ["read:roles"]))
)]
pub async fn list_roles(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:roles")?;
    let q = super::paging::parse(raw.as_deref(), &[])?;
    Ok(q.respond("roles", service::list(&state).await?))
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
