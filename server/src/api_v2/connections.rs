//! `/api/v2/connections`: thin handlers over the connections service. Each authenticates the
//! caller, checks the scope, parses input, calls one service function and maps the error.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::connections as service;
use app::backend::AppState;
use app::connections::{Connection, ConnectionPage, CreateConnection, ListQuery, Strategy, UpdateConnection, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// The list answer: a bare array, or with `include_totals=true` a page with totals.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ConnectionList {
    Page(ConnectionPage),
    List(Vec<Connection>),
}

/// Query parameters of `GET /api/v2/connections` (parsed by [`parse_list_query`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsing is done by hand for repeated `strategy`
pub struct ListParams {
    /// Only connections of these strategies (repeatable: `strategy=oidc&strategy=okta`).
    strategy: Option<Vec<Strategy>>,
    /// Only the connection with exactly this name.
    name: Option<String>,
    /// Page index, from 0.
    page: Option<u64>,
    /// Results per page, 1 to 100 (default 50).
    per_page: Option<u64>,
    /// Return `{connections, start, limit, total}` instead of a bare array.
    include_totals: Option<bool>,
}

/// Parses the list query strictly: unknown parameters and bad values are a 400 naming them.
pub fn parse_list_query(raw: Option<&str>) -> Result<(ListQuery, bool), ApiError> {
    let mut query = ListQuery { per_page: DEFAULT_PER_PAGE, ..Default::default() };
    let mut include_totals = false;
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let number = |what: &str| value.parse::<u64>().map_err(|_| ApiError::bad_query(format!("Query validation error: {what} must be a whole number (got {value:?})")));
        match key.as_ref() {
            "strategy" => {
                for part in value.split(',').filter(|p| !p.is_empty()) {
                    let s = Strategy::parse(part).ok_or_else(|| ApiError::bad_query(format!("Query validation error: strategy must be oidc or okta (got {part:?})")))?;
                    if !query.strategies.contains(&s) {
                        query.strategies.push(s);
                    }
                }
            }
            "name" => query.name = Some(value.into_owned()),
            "page" => query.page = number("page")?,
            "per_page" => {
                let n = number("per_page")?;
                if !(1..=MAX_PER_PAGE).contains(&n) {
                    return Err(ApiError::bad_query(format!("Query validation error: per_page must be between 1 and {MAX_PER_PAGE} (got {n})")));
                }
                query.per_page = n;
            }
            "include_totals" => {
                include_totals = match value.as_ref() {
                    "true" => true,
                    "false" => false,
                    other => return Err(ApiError::bad_query(format!("Query validation error: include_totals must be true or false (got {other:?})"))),
                }
            }
            other => return Err(ApiError::bad_query(format!("Query validation error: unknown parameter {other:?}"))),
        }
    }
    Ok((query, include_totals))
}

#[utoipa::path(
    get, path = "/api/v2/connections", tag = "connections",
    summary = "List connections",
    params(ListParams),
    responses(
        (status = 200, description = "A page of connections, ordered by name", body = ConnectionList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:connections", body = ErrorBody),
    ),
    security(("bearer" = ["read:connections"]))
)]
pub async fn list_connections(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:connections")?;
    let (query, include_totals) = parse_list_query(raw.as_deref())?;
    let (page, per_page) = (query.page, query.per_page);
    let (connections, total) = service::list_connections(&state, query).await?;
    Ok(if include_totals {
        Json(ConnectionList::Page(ConnectionPage { connections, start: page * per_page, limit: per_page, total })).into_response()
    } else {
        Json(connections).into_response()
    })
}

#[utoipa::path(
    post, path = "/api/v2/connections", tag = "connections",
    summary = "Create a connection",
    description = "Accepts Auth0's bodies for the `oidc` and `okta` strategies. With `options.discovery_url` (or an Okta `options.domain`) the issuer check runs and the discovery document is stored as `options.oidc_metadata`.",
    request_body = CreateConnection,
    responses(
        (status = 201, description = "Created", body = Connection, headers(("Location" = String, description = "The new connection's URL"))),
        (status = 400, description = "Invalid or unknown field, malformed JSON, or an issuer that cannot be used", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:connections", body = ErrorBody),
        (status = 409, description = "The name or a home realm discovery domain is taken", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
    ),
    security(("bearer" = ["create:connections"]))
)]
pub async fn create_connection(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody<CreateConnection>) -> Result<Response, ApiError> {
    caller.require("create:connections")?;
    let created = service::create_connection(&state, body).await?;
    let location = format!("/api/v2/connections/{}", created.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(created)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/connections/{id}", tag = "connections",
    summary = "Get a connection",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The connection", body = Connection),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:connections", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["read:connections"]))
)]
pub async fn get_connection(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Connection>, ApiError> {
    caller.require("read:connections")?;
    Ok(Json(service::get_connection(&state, &id).await?))
}

#[utoipa::path(
    patch, path = "/api/v2/connections/{id}", tag = "connections",
    summary = "Update a connection",
    description = "`options`, when given, replaces the options whole; an omitted `client_secret` keeps the stored one. `name` and `strategy` cannot change.",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    request_body = UpdateConnection,
    responses(
        (status = 200, description = "The updated connection", body = Connection),
        (status = 400, description = "Invalid or unknown field, or an attempt to change name or strategy", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:connections", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
        (status = 409, description = "A home realm discovery domain is taken", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
    ),
    security(("bearer" = ["update:connections"]))
)]
pub async fn update_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateConnection>,
) -> Result<Json<Connection>, ApiError> {
    caller.require("update:connections")?;
    Ok(Json(service::update_connection(&state, &id, body).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/connections/{id}", tag = "connections",
    summary = "Delete a connection",
    params(("id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:connections", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["delete:connections"]))
)]
pub async fn delete_connection(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:connections")?;
    service::delete_connection(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_query_is_parsed_strictly() {
        let (q, totals) = parse_list_query(Some("strategy=oidc&strategy=okta&name=acme&page=2&per_page=10&include_totals=true"))
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(q.strategies, vec![Strategy::Oidc, Strategy::Okta]);
        assert_eq!((q.name.as_deref(), q.page, q.per_page, totals), (Some("acme"), 2, 10, true));
        for (bad, expected) in [
            ("per_page=101", "per_page must be between 1 and 100"),
            ("per_page=0", "per_page must be between 1 and 100"),
            ("page=-1", "page must be a whole number"),
            ("strategy=saml", "strategy must be oidc or okta"),
            ("include_totals=yes", "include_totals must be true or false"),
            ("sort=name", "unknown parameter \"sort\""),
        ] {
            let message = parse_list_query(Some(bad)).err().map(|e| e.message).unwrap_or_default();
            assert!(message.contains(expected), "{bad}: {message}");
        }
        assert_eq!(parse_list_query(None).map(|(q, _)| q.per_page).ok(), Some(50));
    }
}
