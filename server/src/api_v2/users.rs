//! `/api/v2/users` and `/api/v2/logs`: the people signed in through connections and the sign-in
//! log, read-only apart from deleting a user. Thin handlers over `backend::users` and
//! `backend::logs`.

use super::error::{ApiError, ErrorBody};
use super::extract::Caller;
use app::backend::logs::{self, LogEvent};
use app::backend::users::{self, User};
use app::backend::AppState;
use app::backend::store::rfc3339;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Serialize;

/// A user as Auth0 shows one (`user_id`, `identities`, ISO 8601 times), with Tessera's own
/// fields beside (`id`, `connection_id`, `subject`, `profile`, `groups`, `roles`, `active`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub user_id: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
    /// ISO 8601; absent until the first sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_login: Option<String>,
    pub logins_count: i64,
    pub identities: Vec<Identity>,
    /// Auth0's name for a user who may not sign in (SCIM deactivated them).
    pub blocked: bool,
    pub id: String,
    pub connection_id: String,
    pub subject: String,
    #[schema(value_type = Object)]
    pub profile: serde_json::Value,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub active: bool,
}

/// The identity provider account behind a user, as Auth0 lists it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Identity {
    /// The connection's name.
    pub connection: String,
    /// The connection's strategy (`oidc`, `okta`).
    pub provider: String,
    /// The identity provider's `sub`.
    pub user_id: String,
    #[serde(rename = "isSocial")]
    pub is_social: bool,
}

impl From<User> for UserView {
    fn from(u: User) -> UserView {
        let mut parts = u.id.splitn(3, '|');
        let (provider, connection) = (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
        UserView {
            user_id: u.id.clone(),
            email: u.email,
            email_verified: u.email_verified,
            name: u.name,
            created_at: rfc3339(u.created_at),
            updated_at: rfc3339(u.updated_at),
            last_login: u.last_login_at.map(rfc3339),
            logins_count: u.logins_count,
            identities: vec![Identity { connection, provider, user_id: u.subject.clone(), is_social: false }],
            blocked: !u.active,
            id: u.id,
            connection_id: u.connection_id,
            subject: u.subject,
            profile: u.profile,
            groups: u.groups,
            roles: u.roles,
            active: u.active,
        }
    }
}

super::paging::list_schemas!(UserList, UserPage, UserCheckpoint, users, UserView);

/// Query parameters of `GET /api/v2/users`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsed by `paging::parse`
pub struct UserListParams {
    /// Only users whose email contains this text (also `email:"…"`, the one Lucene field Tessera reads).
    q: Option<String>,
    /// Auth0's search engine version: accepted, Tessera has one.
    search_engine: Option<String>,
    /// Accepted; users come newest sign-in first.
    sort: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v2/users", tag = "users", summary = "List users",
    params(UserListParams, super::paging::OffsetParams),
    responses(
        (status = 200, description = "Users, newest sign-in first", body = UserList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:users", body = ErrorBody),
    ),
    security(("bearer" = ["read:users"]))
)]
pub async fn list_users(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:users")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &["q", "search_engine", "sort"], checkpoint: false })?;
    let search = q.filter("q").map(|s| s.trim().trim_start_matches("email:").trim_matches('"'));
    let (offset, limit) = q.window()?;
    let page = if limit == 0 { 0 } else { offset / limit };
    let (found, total) = users::list_users(&state, search, page, limit).await?;
    q.respond("users", found.into_iter().map(UserView::from).collect(), total)
}

#[utoipa::path(
    get, path = "/api/v2/users/{id}", tag = "users", summary = "Get a user",
    params(("id" = String, Path, description = "{strategy}|{connection}|{sub}")),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:users", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
    security(("bearer" = ["read:users"]))
)]
pub async fn get_user(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<UserView>, ApiError> {
    caller.require("read:users")?;
    Ok(Json(users::get_user(&state, &id).await?.into()))
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

/// A log event as Auth0 shows one (`log_id`, `date`, `type`), with Tessera's own fields beside.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LogView {
    pub log_id: String,
    /// ISO 8601.
    pub date: String,
    /// Auth0's type code: `s`, `f`, `slo`, `sapi`, … (see the `type` filter).
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub connection_id: Option<String>,
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub id: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl From<LogEvent> for LogView {
    fn from(e: LogEvent) -> LogView {
        LogView {
            log_id: e.id.clone(),
            date: rfc3339(e.created_at),
            kind: e.kind,
            description: e.description,
            connection_id: e.connection_id,
            client_id: e.client_id,
            user_id: e.user_id,
            id: e.id,
            created_at: e.created_at,
        }
    }
}

super::paging::list_schemas!(LogList, LogPage, LogCheckpoint, logs, LogView);

/// Query parameters of `GET /api/v2/logs`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsed by `paging::parse`
pub struct LogListParams {
    /// Only events of this type: s, f, slo, sapi, oidc_backchannel_logout_succeeded or _failed, deprovisioned, global_token_revocation or _failed, setup_link_created, _opened, _completed or _refused.
    #[param(rename = "type")]
    kind: Option<String>,
    /// Only this connection's events.
    connection_id: Option<String>,
    /// Only this application's events.
    client_id: Option<String>,
    /// Accepted; events come newest first.
    sort: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v2/logs", tag = "logs", summary = "List log events",
    params(LogListParams, super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "Events, newest first", body = LogList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:logs", body = ErrorBody),
    ),
    security(("bearer" = ["read:logs"]))
)]
pub async fn list_logs(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:logs")?;
    let q = super::paging::parse(raw.as_deref(), &super::paging::ListSpec { filters: &["type", "connection_id", "client_id", "sort"], checkpoint: true })?;
    let filter = logs::LogFilter { kind: q.filter("type"), connection_id: q.filter("connection_id"), client_id: q.filter("client_id") };
    let (offset, limit) = q.window()?;
    let events = logs::window(&state, &filter, offset, limit).await?;
    let total = match q.paging {
        super::paging::Paging::Offset { include_totals: true, .. } => logs::count(&state, &filter).await?,
        _ => 0,
    };
    q.respond("logs", events.into_iter().map(LogView::from).collect(), total)
}
