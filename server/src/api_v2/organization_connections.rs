//! `/api/v2/organizations/{id}/connections`: Auth0's newer path for an organization's connections
//! (the Deploy CLI uses it), over the same service as `enabled_connections`, each with
//! `is_enabled` (always true: a connection Tessera gives an organization is enabled). And the
//! organization lists Tessera has nothing for, answered empty: its client grants and its clients.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use super::organizations::PAGED;
use app::backend::organizations as service;
use app::backend::AppState;
use app::organizations::{ConnectionSummary, EnabledConnection, EnabledConnectionInput};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// One of an organization's connections, as `/organizations/{id}/connections` shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganizationConnection {
    pub connection_id: String,
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    pub is_enabled: bool,
    pub connection: ConnectionSummary,
}

impl From<EnabledConnection> for OrganizationConnection {
    fn from(e: EnabledConnection) -> Self {
        OrganizationConnection { connection_id: e.connection_id, assign_membership_on_login: e.assign_membership_on_login, show_as_button: e.show_as_button, is_enabled: true, connection: e.connection }
    }
}

super::paging::list_schemas!(OrganizationConnectionList, OrganizationConnectionPage, OrganizationConnectionCheckpoint, connections, OrganizationConnection);

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/connections", tag = "organizations", summary = "The organization's connections (Auth0's newer path)",
    params(("id" = String, Path, description = "The organization's id (org_…)"), super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "Its connections", body = OrganizationConnectionList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organization_connections", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organization_connections"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:organization_connections")?;
    let q = super::paging::parse(raw.as_deref(), &PAGED)?;
    let all: Vec<OrganizationConnection> = service::enabled_connections(&state, &id).await?.into_iter().map(Into::into).collect();
    q.respond_all("connections", all)
}

#[utoipa::path(
    post, path = "/api/v2/organizations/{id}/connections", tag = "organizations", summary = "Give a connection to the organization (Auth0's newer path)",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    request_body = EnabledConnectionInput,
    responses(
        (status = 201, description = "Enabled", body = OrganizationConnection),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:organization_connections", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
        (status = 409, description = "The connection belongs to another organization", body = ErrorBody),
    ),
    security(("bearer" = ["create:organization_connections"]))
)]
pub async fn add(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<EnabledConnectionInput>) -> Result<Response, ApiError> {
    caller.require("create:organization_connections")?;
    let enabled: OrganizationConnection = service::enable_connection(&state, &id, body).await?.into();
    Ok((StatusCode::CREATED, Json(enabled)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/connections/{connection_id}", tag = "organizations", summary = "One of the organization's connections (Auth0's newer path)",
    params(("id" = String, Path, description = "The organization's id"), ("connection_id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The connection", body = OrganizationConnection),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organization_connections", body = ErrorBody),
        (status = 404, description = "Not enabled for this organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organization_connections"]))
)]
pub async fn get(State(state): State<AppState>, caller: Caller, Path((id, connection_id)): Path<(String, String)>) -> Result<Json<OrganizationConnection>, ApiError> {
    caller.require("read:organization_connections")?;
    Ok(Json(service::enabled_connection(&state, &id, &connection_id).await?.into()))
}

#[utoipa::path(
    patch, path = "/api/v2/organizations/{id}/connections/{connection_id}", tag = "organizations", summary = "Change how the organization uses a connection (Auth0's newer path)",
    params(("id" = String, Path, description = "The organization's id"), ("connection_id" = String, Path, description = "The connection's id (con_…)")),
    request_body = EnabledConnectionInput,
    responses(
        (status = 200, description = "The connection", body = OrganizationConnection),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:organization_connections", body = ErrorBody),
        (status = 404, description = "Not enabled for this organization", body = ErrorBody),
    ),
    security(("bearer" = ["update:organization_connections"]))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, connection_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<EnabledConnectionInput>,
) -> Result<Json<OrganizationConnection>, ApiError> {
    caller.require("update:organization_connections")?;
    Ok(Json(service::update_enabled_connection(&state, &id, &connection_id, body).await?.into()))
}

#[utoipa::path(
    delete, path = "/api/v2/organizations/{id}/connections/{connection_id}", tag = "organizations", summary = "Take a connection from the organization (Auth0's newer path)",
    params(("id" = String, Path, description = "The organization's id"), ("connection_id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:organization_connections", body = ErrorBody),
        (status = 404, description = "Not enabled for this organization", body = ErrorBody),
    ),
    security(("bearer" = ["delete:organization_connections"]))
)]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path((id, connection_id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    caller.require("delete:organization_connections")?;
    service::disable_connection(&state, &id, &connection_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An organization-scoped grant: Tessera has none (its client grants are the tenant's).
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganizationClientGrant {
    pub id: String,
    pub client_id: String,
    pub audience: String,
    pub scope: Vec<String>,
}

/// An application an organization may sign users in to: Tessera has no per-organization list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganizationClient {
    pub client_id: String,
}

super::paging::list_schemas!(OrganizationClientGrantList, OrganizationClientGrantPage, OrganizationClientGrantCheckpoint, client_grants, OrganizationClientGrant);
super::paging::list_schemas!(OrganizationClientList, OrganizationClientPage, OrganizationClientCheckpoint, clients, OrganizationClient);

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/client-grants", tag = "organizations", summary = "The organization's client grants (always none)",
    description = "Tessera's client grants belong to the tenant, never to an organization: the list is empty.",
    params(("id" = String, Path, description = "The organization's id (org_…)"), super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "No grants", body = OrganizationClientGrantList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organization_client_grants", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organization_client_grants"]))
)]
pub async fn client_grants(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:organization_client_grants")?;
    let q = super::paging::parse(raw.as_deref(), &PAGED)?;
    service::get(&state, &id).await?;
    q.respond_all("client_grants", Vec::<OrganizationClientGrant>::new())
}

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/clients", tag = "organizations", summary = "The organization's applications (always none)",
    description = "Tessera does not tie applications to organizations: the list is empty.",
    params(("id" = String, Path, description = "The organization's id (org_…)"), super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "No applications", body = OrganizationClientList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organizations", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organizations"]))
)]
pub async fn clients(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:organizations")?;
    let q = super::paging::parse(raw.as_deref(), &PAGED)?;
    service::get(&state, &id).await?;
    q.respond_all("clients", Vec::<OrganizationClient>::new())
}
