//! `/api/v2/grants`: users' consents to third-party applications, in Auth0's shape (`id`,
//! `clientID`, `user_id`, `audience`, `scope`). Revoking one makes the application ask again at
//! the user's next sign-in.

use super::error::{ApiError, ErrorBody};
use super::extract::Caller;
use app::backend::users::grants::{self as service, UserGrant};
use app::backend::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

super::paging::list_schemas!(GrantList, GrantPage, GrantCheckpoint, grants, UserGrant);

/// Query parameters of `GET /api/v2/grants`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsed by `paging::parse`
pub struct ListParams {
    /// Only this user's grants.
    user_id: Option<String>,
    /// Only grants to this application.
    client_id: Option<String>,
    /// Only grants for this audience (Tessera's issuer is the only one).
    audience: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v2/grants", tag = "grants", summary = "List user grants (consents to third-party applications)",
    params(ListParams, super::paging::OffsetParams),
    responses(
        (status = 200, description = "Grants, oldest first", body = GrantList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:grants", body = ErrorBody),
    ),
    security(("bearer" = ["read:grants"]))
)]
pub async fn list(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:grants")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &["user_id", "client_id", "audience"], checkpoint: false })?;
    let audience = app::backend::provider::issuer(&state);
    let grants = match q.filter("audience") {
        Some(a) if a != audience => Vec::new(),
        _ => service::list(&state, q.filter("user_id"), q.filter("client_id"), &audience).await?,
    };
    q.respond_all("grants", grants)
}

#[utoipa::path(
    delete, path = "/api/v2/grants/{id}", tag = "grants", summary = "Revoke a user grant",
    params(("id" = String, Path, description = "The grant's id (gr_…)")),
    responses(
        (status = 204, description = "Revoked: the application asks again at the next sign-in"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:grants", body = ErrorBody),
        (status = 404, description = "No such grant", body = ErrorBody),
    ),
    security(("bearer" = ["delete:grants"]))
)]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:grants")?;
    service::revoke(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query parameters of `DELETE /api/v2/grants`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameter; parsed by `paging::parse`
pub struct DeleteByUserParams {
    /// The user whose grants are revoked.
    user_id: String,
}

#[utoipa::path(
    delete, path = "/api/v2/grants", tag = "grants", summary = "Revoke every grant a user gave",
    params(DeleteByUserParams),
    responses(
        (status = 204, description = "Revoked (also when the user had none): each application asks again at the user's next sign-in"),
        (status = 400, description = "user_id is missing, or an unknown query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:grants", body = ErrorBody),
    ),
    security(("bearer" = ["delete:grants"]))
)]
pub async fn delete_by_user(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<StatusCode, ApiError> {
    caller.require("delete:grants")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &["user_id"], checkpoint: false })?;
    let Some(user_id) = q.filter("user_id").filter(|u| !u.is_empty()) else {
        return Err(ApiError::bad_query("Query validation error: Missing required property: user_id"));
    };
    service::revoke_for_user(&state, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
