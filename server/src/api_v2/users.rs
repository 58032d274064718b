//! `/api/v2/users` and `/api/v2/logs`: the people signed in through connections and the sign-in
//! log, read-only apart from deleting a user. Thin handlers over `backend::users` and
//! `backend::logs`.

use super::error::{ApiError, ErrorBody};
use super::extract::Caller;
use app::backend::logs::{self, LogEvent};
use app::backend::users::{self, User};
use app::backend::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;

#[utoipa::path(
    get, path = "/api/v2/users", tag = "users", summary = "List users",
    params(
        ("q" = Option<String>, Query, description = "Only users whose email contains this text"),
        ("page" = Option<u64>, Query, description = "Page index, from 0"),
        ("per_page" = Option<u64>, Query, description = "1 to 100 (default 50)"),
    ),
    responses(
        (status = 200, description = "Users, the latest login first", body = Vec<User>),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:users", body = ErrorBody),
    ),
    security(("bearer" = ["read:users"]))
)]
pub async fn list_users(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Json<Vec<User>>, ApiError> {
    caller.require("read:users")?;
    let q = super::paging::parse(raw.as_deref(), &["q"])?;
    Ok(Json(users::list_users(&state, q.filter("q"), q.page, q.per_page).await?.0))
}

#[utoipa::path(
    get, path = "/api/v2/users/{id}", tag = "users", summary = "Get a user",
    params(("id" = String, Path, description = "{strategy}|{connection}|{sub}")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:users", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
    security(("bearer" = ["read:users"]))
)]
pub async fn get_user(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<User>, ApiError> {
    caller.require("read:users")?;
    Ok(Json(users::get_user(&state, &id).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/users/{id}", tag = "users", summary = "Delete a user",
    params(("id" = String, Path, description = "{strategy}|{connection}|{sub}")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:users", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
    security(("bearer" = ["delete:users"]))
)]
pub async fn delete_user(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:users")?;
    users::delete::delete_user(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get, path = "/api/v2/logs", tag = "logs", summary = "List sign-in log events",
    params(
        ("type" = Option<String>, Query, description = "s (successful login), f (failed login), slo (logout), oidc_backchannel_logout_succeeded or _failed, deprovisioned (SCIM), global_token_revocation or global_token_revocation_failed"),
        ("connection_id" = Option<String>, Query, description = "Only this connection's events"),
        ("client_id" = Option<String>, Query, description = "Only this application's events"),
        ("page" = Option<u64>, Query, description = "Page index, from 0"),
        ("per_page" = Option<u64>, Query, description = "1 to 100 (default 50)"),
    ),
    responses(
        (status = 200, description = "Events, newest first", body = Vec<LogEvent>),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:logs", body = ErrorBody),
    ),
    security(("bearer" = ["read:logs"]))
)]
pub async fn list_logs(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Json<Vec<LogEvent>>, ApiError> {
    caller.require("read:logs")?;
    let q = super::paging::parse(raw.as_deref(), &["type", "connection_id", "client_id"])?;
    let filter = logs::LogFilter { kind: q.filter("type"), connection_id: q.filter("connection_id"), client_id: q.filter("client_id") };
    Ok(Json(logs::list(&state, &filter, q.page, q.per_page).await?))
}
