//! `/api/v2/connections/{id}/role-assignments` (Tessera's own): a connection's "Groups and role
//! assignments" (IdP group → role, and the default role), so that a migration can script what
//! the Provisioning tab sets. Reading needs `read:roles`; replacing them hands out roles, so it
//! needs `update:roles` (`update:connections` alone is not enough).

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::{roles as service, AppState};
use app::roles::RoleAssignments;
use axum::extract::{Path, State};
use axum::Json;

#[utoipa::path(
    get, path = "/api/v2/connections/{id}/role-assignments", tag = "connections", summary = "Get a connection's group and role assignments",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The assignments, by group id", body = RoleAssignments),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:roles", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["read:roles"]))
)]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<RoleAssignments>, ApiError> {
    caller.require("read:roles")?;
    Ok(Json(service::assignments(&state, &id).await?))
}

#[utoipa::path(
    put, path = "/api/v2/connections/{id}/role-assignments", tag = "connections", summary = "Replace a connection's group and role assignments",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    request_body = RoleAssignments,
    responses(
        (status = 200, description = "The assignments as stored", body = RoleAssignments),
        (status = 400, description = "A group listed twice, a missing group id or an unknown role", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:roles", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["update:roles"]))
)]
pub async fn put(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<RoleAssignments>) -> Result<Json<RoleAssignments>, ApiError> {
    caller.require("update:roles")?;
    Ok(Json(service::set_assignments(&state, &id, body).await?))
}
