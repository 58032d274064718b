//! `/api/v2/users` and `/api/v2/logs`: the people signed in through connections and the sign-in
//! log, read-only apart from deleting a user. Thin handlers over `backend::users` and
//! `backend::logs`.

use super::error::{ApiError, ErrorBody};
use super::extract::Caller;
use app::backend::logs::{self, LogEvent};
use app::backend::users::{self, User};
use app::backend::AppState;
use app::connections::{DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;

/// `page`, `per_page` and the named filters, strictly: anything else is a 400.
fn parse(raw: Option<&str>, filters: &[&str]) -> Result<(u64, u64, Vec<(String, String)>), ApiError> {
    let (mut page, mut per_page, mut found) = (0, DEFAULT_PER_PAGE, Vec::new());
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let number = || value.parse::<u64>().map_err(|_| ApiError::bad_query(format!("Query validation error: {key} must be a whole number (got {value:?})")));
        match key.as_ref() {
            "page" => page = number()?.min(MAX_PAGE),
            "per_page" => {
                per_page = number()?;
                if !(1..=MAX_PER_PAGE).contains(&per_page) {
                    return Err(ApiError::bad_query(format!("Query validation error: per_page must be between 1 and {MAX_PER_PAGE}")));
                }
            }
            k if filters.contains(&k) => found.push((k.to_string(), value.into_owned())),
            other => return Err(ApiError::bad_query(format!("Query validation error: unknown parameter {other:?}"))),
        }
    }
    Ok((page, per_page, found))
}

fn filter<'a>(found: &'a [(String, String)], name: &str) -> Option<&'a str> {
    found.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

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
    let (page, per_page, found) = parse(raw.as_deref(), &["q"])?;
    Ok(Json(users::list_users(&state, filter(&found, "q"), page, per_page).await?.0))
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
    users::delete_user(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get, path = "/api/v2/logs", tag = "logs", summary = "List sign-in log events",
    params(
        ("type" = Option<String>, Query, description = "s (successful login) or f (failed login)"),
        ("connection_id" = Option<String>, Query, description = "Only this connection's events"),
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
    let (page, per_page, found) = parse(raw.as_deref(), &["type", "connection_id"])?;
    Ok(Json(logs::list(&state, filter(&found, "type"), filter(&found, "connection_id"), page, per_page).await?))
}
