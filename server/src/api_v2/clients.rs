//! `/api/v2/clients`: applications, in Auth0's shape. Thin handlers over the applications
//! service; the client secret appears only in the answers to create and rotate-secret.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::applications::{Application, ApplicationWithSecret, CreateApplication, UpdateApplication};
use app::backend::applications as service;
use app::backend::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Query parameters of `GET /api/v2/clients`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsed by `paging::parse`
pub struct ListParams {
    /// Auth0's global client: Tessera has none, so `true` matches nothing and `false` everything.
    is_global: Option<bool>,
    /// First-party applications only (`true`) or third-party ones (`false`).
    is_first_party: Option<bool>,
    /// Only these application types (comma-separated: `spa,regular_web`).
    app_type: Option<String>,
    /// Only applications whose name contains this text (Tessera extension).
    q: Option<String>,
}

super::paging::list_schemas!(ClientList, ClientPage, ClientCheckpoint, clients, Application);

#[utoipa::path(
    get, path = "/api/v2/clients", tag = "clients", summary = "List applications",
    params(ListParams, super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "Applications, ordered by name", body = ClientList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:clients", body = ErrorBody),
    ),
    security(("bearer" = ["read:clients"]))
)]
pub async fn list_clients(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:clients")?;
    let spec = super::paging::ListSpec { filters: &["q", "is_global", "is_first_party", "app_type"], checkpoint: true };
    let q = super::paging::parse(raw.as_deref(), &spec)?;
    let flag = |name: &str| match q.filter(name) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(ApiError::bad_query(format!("Query validation error: {name} must be true or false (got {other:?})"))),
    };
    let (global, first_party) = (flag("is_global")?, flag("is_first_party")?);
    let types: Vec<&str> = q.filter_all("app_type").into_iter().flat_map(|t| t.split(',')).map(str::trim).filter(|t| !t.is_empty()).collect();
    let clients: Vec<Application> = service::all_applications(&state, q.filter("q"))
        .await?
        .into_iter()
        .filter(|_| global != Some(true) && first_party != Some(false))
        .filter(|a| types.is_empty() || types.contains(&a.app_type.as_str()))
        .collect();
    q.respond_all("clients", clients)
}

#[utoipa::path(
    post, path = "/api/v2/clients", tag = "clients", summary = "Create an application",
    description = "Answers with `client_secret`, shown this once: only a hash is kept.",
    request_body = CreateApplication,
    responses(
        (status = 201, description = "Created", body = ApplicationWithSecret),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:clients", body = ErrorBody),
    ),
    security(("bearer" = ["create:clients"]))
)]
pub async fn create_client(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody<CreateApplication>) -> Result<Response, ApiError> {
    caller.require("create:clients")?;
    let created = service::create_application(&state, body).await?;
    let location = format!("/api/v2/clients/{}", created.application.client_id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(created)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/clients/{id}", tag = "clients", summary = "Get an application",
    params(("id" = String, Path, description = "The client_id")),
    responses(
        (status = 200, description = "The application (never its secret)", body = Application),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:clients", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
    ),
    security(("bearer" = ["read:clients"]))
)]
pub async fn get_client(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Application>, ApiError> {
    caller.require("read:clients")?;
    Ok(Json(service::get_application(&state, &id).await?))
}

#[utoipa::path(
    patch, path = "/api/v2/clients/{id}", tag = "clients", summary = "Update an application",
    description = "Fields sent replace the stored ones. `client_id`, `created_at` and `updated_at` are read-only: accepted only unchanged. Changing how the application authenticates (`token_endpoint_auth_method`, `jwks`, or an `app_type` that changes them) also needs `update:client_keys`, and is logged.",
    params(("id" = String, Path, description = "The client_id")),
    request_body = UpdateApplication,
    responses(
        (status = 200, description = "The updated application", body = Application),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:clients, or update:client_keys for a change of `token_endpoint_auth_method` or `jwks`", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
    ),
    security(("bearer" = ["update:clients"]))
)]
pub async fn update_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateApplication>,
) -> Result<Json<Application>, ApiError> {
    caller.require("update:clients")?;
    let editor = service::Editor { name: &caller.0.name, may_change_keys: caller.0.has_scope("update:client_keys") };
    Ok(Json(service::update_application_by(&state, &id, body, editor).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/clients/{id}", tag = "clients", summary = "Delete an application",
    params(("id" = String, Path, description = "The client_id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:clients", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
    ),
    security(("bearer" = ["delete:clients"]))
)]
pub async fn delete_client(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:clients")?;
    service::delete_application(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post, path = "/api/v2/clients/{id}/rotate-secret", tag = "clients", summary = "Rotate an application's client secret",
    description = "The old secret stops working at once; the new one is in this answer only.",
    params(("id" = String, Path, description = "The client_id")),
    responses(
        (status = 200, description = "The application with its new secret", body = ApplicationWithSecret),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:client_keys", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
    ),
    security(("bearer" = ["update:client_keys"]))
)]
pub async fn rotate_client_secret(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<ApplicationWithSecret>, ApiError> {
    caller.require("update:client_keys")?;
    Ok(Json(service::rotate_secret(&state, &id).await?))
}
