//! `/api/v2/connections/{id}/scim-configuration`, its `tokens` and `default-mapping`, in Auth0's
//! shape: a script can turn SCIM on for a connection and get a token for its identity provider
//! without the dashboard.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody, OptionalJson};
use app::backend::scim::configuration::{self as service, Mapping, ScimConfiguration, ScimConfigurationInput};
use app::backend::scim::tokens;
use app::backend::store::rfc3339;
use app::backend::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

/// What a SCIM token may do: everything Tessera's SCIM endpoint offers.
const TOKEN_SCOPES: &[&str] = &["get:users", "post:users", "put:users", "patch:users", "delete:users", "get:groups", "post:groups", "put:groups", "patch:groups", "delete:groups"];

#[utoipa::path(
    get, path = "/api/v2/connections/{id}/scim-configuration", tag = "connections", summary = "A connection's SCIM configuration",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The configuration", body = ScimConfiguration),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:scim_config", body = ErrorBody),
        (status = 404, description = "No such connection, or SCIM is not configured for it", body = ErrorBody),
    ),
    security(("bearer" = ["read:scim_config"]))
)]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<ScimConfiguration>, ApiError> {
    caller.require("read:scim_config")?;
    Ok(Json(service::get(&state, &id).await?))
}

#[utoipa::path(
    post, path = "/api/v2/connections/{id}/scim-configuration", tag = "connections", summary = "Turn SCIM on for a connection",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    request_body = ScimConfigurationInput,
    responses(
        (status = 201, description = "SCIM is on", body = ScimConfiguration),
        (status = 400, description = "A mapping or user id attribute Tessera does not have", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:scim_config", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
        (status = 409, description = "SCIM is already on", body = ErrorBody),
    ),
    security(("bearer" = ["create:scim_config"]))
)]
pub async fn create(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, OptionalJson(input): OptionalJson<ScimConfigurationInput>) -> Result<Response, ApiError> {
    caller.require("create:scim_config")?;
    Ok((StatusCode::CREATED, Json(service::create(&state, &id, input).await?)).into_response())
}

#[utoipa::path(
    patch, path = "/api/v2/connections/{id}/scim-configuration", tag = "connections", summary = "Change a connection's SCIM configuration",
    description = "Tessera's mapping and user id attribute are fixed: they may be sent only as they are.",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    request_body = ScimConfigurationInput,
    responses(
        (status = 200, description = "The configuration", body = ScimConfiguration),
        (status = 400, description = "A mapping or user id attribute Tessera does not have", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:scim_config", body = ErrorBody),
        (status = 404, description = "No such connection, or SCIM is not configured for it", body = ErrorBody),
    ),
    security(("bearer" = ["update:scim_config"]))
)]
pub async fn update(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(input): JsonBody<ScimConfigurationInput>) -> Result<Json<ScimConfiguration>, ApiError> {
    caller.require("update:scim_config")?;
    Ok(Json(service::update(&state, &id, input).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/connections/{id}/scim-configuration", tag = "connections", summary = "Turn SCIM off for a connection",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 204, description = "SCIM is off"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:scim_config", body = ErrorBody),
        (status = 404, description = "No such connection, or SCIM is not configured for it", body = ErrorBody),
    ),
    security(("bearer" = ["delete:scim_config"]))
)]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:scim_config")?;
    service::delete(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The mapping Tessera applies.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DefaultMapping {
    pub mapping: Vec<Mapping>,
}

#[utoipa::path(
    get, path = "/api/v2/connections/{id}/scim-configuration/default-mapping", tag = "connections", summary = "The SCIM attribute mapping",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The mapping", body = DefaultMapping),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:scim_config", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["read:scim_config"]))
)]
pub async fn default_mapping(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<DefaultMapping>, ApiError> {
    caller.require("read:scim_config")?;
    app::backend::connections::get_connection(&state, &id).await?;
    Ok(Json(DefaultMapping { mapping: service::default_mapping() }))
}

/// A SCIM token as listed (never its value).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScimTokenView {
    pub token_id: String,
    /// Tessera's own name for it.
    pub name: String,
    pub scopes: Vec<String>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601; absent until first used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// A new SCIM token: its value, shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewScimToken {
    pub token_id: String,
    pub token: String,
    pub scopes: Vec<String>,
    /// ISO 8601.
    pub created_at: String,
}

/// `POST …/tokens`: Auth0's `scopes` and `token_lifetime` are accepted; a Tessera token may do
/// everything its SCIM endpoint offers and lives until revoked.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScimTokenInput {
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub token_lifetime: Option<u64>,
    /// Tessera's name for the token (default "Management API").
    #[serde(default)]
    pub name: Option<String>,
}

fn scopes() -> Vec<String> {
    TOKEN_SCOPES.iter().map(|s| s.to_string()).collect()
}

#[utoipa::path(
    get, path = "/api/v2/connections/{id}/scim-configuration/tokens", tag = "connections", summary = "A connection's SCIM tokens",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The tokens (never their values)", body = Vec<ScimTokenView>),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:scim_token", body = ErrorBody),
        (status = 404, description = "No such connection, or SCIM is not configured for it", body = ErrorBody),
    ),
    security(("bearer" = ["read:scim_token"]))
)]
pub async fn list_tokens(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Vec<ScimTokenView>>, ApiError> {
    caller.require("read:scim_token")?;
    service::get(&state, &id).await?;
    let list = tokens::list(&state, &id).await?;
    Ok(Json(
        list.into_iter()
            .map(|t| ScimTokenView { token_id: t.id, name: t.name, scopes: scopes(), created_at: rfc3339(t.created_at), last_used_at: t.last_used_at.map(rfc3339) })
            .collect(),
    ))
}

#[utoipa::path(
    post, path = "/api/v2/connections/{id}/scim-configuration/tokens", tag = "connections", summary = "Create a SCIM token",
    description = "The token is in this answer only: only its hash is kept.",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    request_body = NewScimTokenInput,
    responses(
        (status = 201, description = "The token", body = NewScimToken),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:scim_token", body = ErrorBody),
        (status = 404, description = "No such connection, or SCIM is not configured for it", body = ErrorBody),
        (status = 409, description = "A token with this name exists", body = ErrorBody),
    ),
    security(("bearer" = ["create:scim_token"]))
)]
pub async fn create_token(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, OptionalJson(input): OptionalJson<NewScimTokenInput>) -> Result<Response, ApiError> {
    caller.require("create:scim_token")?;
    service::get(&state, &id).await?;
    if let Some(unknown) = input.scopes.iter().flatten().find(|s| !TOKEN_SCOPES.contains(&s.as_str())) {
        return Err(ApiError::bad_body(format!("Payload validation error: scopes: {unknown:?} is not a SCIM scope (one of {})", TOKEN_SCOPES.join(", "))));
    }
    let name = input.name.unwrap_or_else(|| format!("Management API {}", app::backend::crypto::random_alphanumeric(6)));
    let (token, secret) = tokens::create(&state, &id, &name).await?;
    Ok((StatusCode::CREATED, Json(NewScimToken { token_id: token.id, token: secret, scopes: scopes(), created_at: rfc3339(token.created_at) })).into_response())
}

#[utoipa::path(
    delete, path = "/api/v2/connections/{id}/scim-configuration/tokens/{token_id}", tag = "connections", summary = "Revoke a SCIM token",
    params(("id" = String, Path, description = "The connection's id (con_…)"), ("token_id" = String, Path, description = "The token's id (stk_…)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:scim_token", body = ErrorBody),
        (status = 404, description = "No such connection or token", body = ErrorBody),
    ),
    security(("bearer" = ["delete:scim_token"]))
)]
pub async fn delete_token(State(state): State<AppState>, caller: Caller, Path((id, token_id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    caller.require("delete:scim_token")?;
    tokens::revoke(&state, &id, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
