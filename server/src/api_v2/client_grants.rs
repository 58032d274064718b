//! `/api/v2/client-grants`: which Management API scopes a machine-to-machine application may
//! ask for with `client_credentials`, in Auth0's shape. Thin handlers over the grants service.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::applications::grants::{self as service, ClientGrant, CreateClientGrant, UpdateClientGrant};
use app::backend::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Query parameters of `GET /api/v2/client-grants`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsed by `paging::parse`
pub struct ListParams {
    /// Only the grants of this application.
    client_id: Option<String>,
    /// Only the grants for this API (the Management API is `{public}/api/v2/`).
    audience: Option<String>,
}

super::paging::list_schemas!(ClientGrantList, ClientGrantPage, ClientGrantCheckpoint, client_grants, ClientGrant);

#[utoipa::path(
    get, path = "/api/v2/client-grants", tag = "client-grants", summary = "List client grants",
    params(ListParams, super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "The grants, oldest first", body = ClientGrantList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:client_grants", body = ErrorBody),
    ),
    security(("bearer" = ["read:client_grants"]))
)]
pub async fn list_client_grants(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:client_grants")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &["client_id", "audience"], checkpoint: true })?;
    let all = service::list(&state, q.filter("client_id"), q.filter("audience")).await?;
    q.respond_all("client_grants", all)
}

#[utoipa::path(
    post, path = "/api/v2/client-grants", tag = "client-grants", summary = "Create a client grant",
    description = "Lets a machine-to-machine application (with the client_credentials grant) ask for these scopes of the Management API.",
    request_body = CreateClientGrant,
    responses(
        (status = 201, description = "Created", body = ClientGrant),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:client_grants", body = ErrorBody),
        (status = 409, description = "The application already has a grant for this audience", body = ErrorBody),
    ),
    security(("bearer" = ["create:client_grants"]))
)]
pub async fn create_client_grant(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody<CreateClientGrant>) -> Result<Response, ApiError> {
    caller.require("create:client_grants")?;
    let grant = service::create(&state, body).await?;
    let location = format!("/api/v2/client-grants/{}", grant.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(grant)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/client-grants/{id}", tag = "client-grants", summary = "Get a client grant",
    params(("id" = String, Path, description = "The grant's id (cgr_…)")),
    responses(
        (status = 200, description = "The grant", body = ClientGrant),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:client_grants", body = ErrorBody),
        (status = 404, description = "No such grant", body = ErrorBody),
    ),
    security(("bearer" = ["read:client_grants"]))
)]
pub async fn get_client_grant(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<ClientGrant>, ApiError> {
    caller.require("read:client_grants")?;
    Ok(Json(service::get(&state, &id).await?))
}

#[utoipa::path(
    patch, path = "/api/v2/client-grants/{id}", tag = "client-grants", summary = "Change a client grant's scopes",
    params(("id" = String, Path, description = "The grant's id (cgr_…)")),
    request_body = UpdateClientGrant,
    responses(
        (status = 200, description = "The grant", body = ClientGrant),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:client_grants", body = ErrorBody),
        (status = 404, description = "No such grant", body = ErrorBody),
    ),
    security(("bearer" = ["update:client_grants"]))
)]
pub async fn update_client_grant(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<UpdateClientGrant>) -> Result<Json<ClientGrant>, ApiError> {
    caller.require("update:client_grants")?;
    Ok(Json(service::update(&state, &id, body).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/client-grants/{id}", tag = "client-grants", summary = "Delete a client grant",
    description = "The application can no longer get Management API tokens, and the tokens it already has stop working at once.",
    params(("id" = String, Path, description = "The grant's id (cgr_…)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:client_grants", body = ErrorBody),
        (status = 404, description = "No such grant", body = ErrorBody),
    ),
    security(("bearer" = ["delete:client_grants"]))
)]
pub async fn delete_client_grant(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:client_grants")?;
    service::delete(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
