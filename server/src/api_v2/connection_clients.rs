//! `/api/v2/connections/{id}/clients`: Auth0's endpoints for the applications a connection is
//! enabled for (the Deploy CLI and the SDKs use them; `enabled_clients` on the connection is
//! Auth0's deprecated way, still accepted).

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::connections as service;
use app::backend::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// One application a connection is enabled for.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EnabledClient {
    pub client_id: String,
}

super::paging::list_schemas!(EnabledClientList, EnabledClientPage, EnabledClientCheckpoint, clients, EnabledClient);

#[utoipa::path(
    get, path = "/api/v2/connections/{id}/clients", tag = "connections", summary = "The applications a connection is enabled for",
    params(("id" = String, Path, description = "The connection's id (con_…)"), super::paging::CheckpointParams),
    responses(
        (status = 200, description = "`{clients: [{client_id}], next?}`", body = EnabledClientCheckpoint),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:connections", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["read:connections"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:connections")?;
    let mut q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &[], checkpoint: true })?;
    // Auth0 answers this list only in checkpoint pages.
    if let super::paging::Paging::Offset { .. } = q.paging {
        q.paging = super::paging::Paging::Checkpoint { from: None, take: app::connections::DEFAULT_PER_PAGE };
    }
    let connection = service::get_connection(&state, &id).await?;
    let clients: Vec<EnabledClient> = connection.enabled_clients.into_iter().map(|client_id| EnabledClient { client_id }).collect();
    q.respond_all("clients", clients)
}

/// One change: enable (`status: true`) or disable the connection for an application.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientStatus {
    pub client_id: String,
    pub status: bool,
}

/// At most this many changes in one PATCH (Auth0's limit).
const MAX_CHANGES: usize = 50;

#[utoipa::path(
    patch, path = "/api/v2/connections/{id}/clients", tag = "connections", summary = "Enable or disable a connection for applications",
    description = "A JSON array of at most 50 `{client_id, status}`: `status: true` enables the connection for the application, `false` disables it.",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    request_body = Vec<ClientStatus>,
    responses(
        (status = 204, description = "Done"),
        (status = 400, description = "Not an array of {client_id, status}, more than 50, or an application that does not exist", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:connections", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["update:connections"]))
)]
pub async fn update(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(changes): JsonBody<Vec<ClientStatus>>) -> Result<StatusCode, ApiError> {
    caller.require("update:connections")?;
    if changes.len() > MAX_CHANGES {
        return Err(ApiError::bad_body(format!("Payload validation error: at most {MAX_CHANGES} changes at once (got {})", changes.len())));
    }
    service::get_connection(&state, &id).await?;
    for (i, change) in changes.iter().enumerate() {
        if matches!(app::backend::applications::get_application(&state, &change.client_id).await, Err(app::backend::Error::NotFound(_))) {
            return Err(ApiError::bad_body(format!("Payload validation error: [{i}].client_id {:?} is not an application", change.client_id)));
        }
    }
    for change in &changes {
        service::set_enabled_for_application(&state, &id, &change.client_id, change.status).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
