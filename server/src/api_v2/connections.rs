//! `/api/v2/connections`: thin handlers over the connections service. Each authenticates the
//! caller, checks the scope, parses input, calls one service function and maps the error.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::connections as service;
use app::backend::AppState;
use app::connections::{Checkpoint, Connection, CreateConnection, ListQuery, Strategy, UpdateConnection, CONNECTION_FIELDS, DEFAULT_PER_PAGE};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

super::paging::list_schemas!(ConnectionList, ConnectionsPage, CheckpointPage, connections, Connection);

/// Query parameters of `GET /api/v2/connections` (parsed by [`parse_list_query`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; parsing is done by hand for repeated `strategy`
pub struct ListParams {
    /// Only connections of these strategies (repeatable: `strategy=oidc&strategy=okta`). A
    /// strategy Tessera does not offer (e.g. `samlp`) matches nothing.
    strategy: Option<Vec<String>>,
    /// Only the connection with exactly this name.
    name: Option<String>,
    /// Only the connection with this home realm discovery domain.
    domain_alias: Option<String>,
    /// Comma-separated top-level fields to include (or, with `include_fields=false`, to leave out).
    fields: Option<String>,
    /// Whether `fields` lists the fields to include (true, the default) or to leave out.
    include_fields: Option<bool>,
}

/// How the list answer is shaped and paged.
#[derive(Debug, PartialEq)]
pub enum Paging {
    Offset { include_totals: bool },
    Checkpoint { from: Option<Checkpoint>, take: u64 },
}

/// A parsed list request.
#[derive(Debug)]
pub struct ListRequest {
    pub query: ListQuery,
    pub paging: Paging,
    /// A strategy filter was given but names no strategy Tessera has: nothing can match.
    pub matches_nothing: bool,
    pub fields: FieldSelection,
}

pub use super::paging::FieldSelection;

/// Checks `fields` names connection fields only.
fn connection_fields(selection: FieldSelection) -> Result<FieldSelection, ApiError> {
    if let Some(field) = selection.fields.iter().find(|f| !CONNECTION_FIELDS.contains(&f.as_str())) {
        return Err(ApiError::bad_query(format!(
            "Query validation error: fields lists {field:?}, which is not a connection field (one of {})",
            CONNECTION_FIELDS.join(", ")
        )));
    }
    Ok(selection)
}

fn boolean(name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(ApiError::bad_query(format!("Query validation error: {name} must be true or false (got {other:?})"))),
    }
}

/// A checkpoint travels as an opaque string: base64url of `name`, a NUL, and `id`.
pub fn encode_checkpoint(c: &Checkpoint) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}\0{}", c.name, c.id))
}

fn decode_checkpoint(value: &str) -> Result<Checkpoint, ApiError> {
    use base64::Engine;
    let bad = || ApiError::bad_query("Query validation error: from must be the next value of a previous answer");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (name, id) = text.split_once('\0').ok_or_else(bad)?;
    Ok(Checkpoint { name: name.to_string(), id: id.to_string() })
}

/// Parses the list query strictly: unknown parameters and bad values are a 400 naming them.
pub fn parse_list_query(raw: Option<&str>) -> Result<ListRequest, ApiError> {
    let spec = super::paging::ListSpec { filters: &["strategy", "name", "domain_alias"], checkpoint: true };
    let request = super::paging::parse(raw, &spec)?;
    let mut query = ListQuery { per_page: DEFAULT_PER_PAGE, ..Default::default() };
    let strategies = request.filter_all("strategy");
    for part in strategies.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|p| !p.is_empty()) {
        // Auth0 has dozens of strategies; one Tessera does not offer matches nothing.
        if let Some(s) = Strategy::parse(part) {
            if !query.strategies.contains(&s) {
                query.strategies.push(s);
            }
        }
    }
    query.name = request.filter("name").map(str::to_string);
    query.domain_alias = request.filter("domain_alias").map(str::to_string);
    let paging = match &request.paging {
        super::paging::Paging::Offset { page, per_page, include_totals } => {
            query.page = *page;
            query.per_page = *per_page;
            Paging::Offset { include_totals: *include_totals }
        }
        super::paging::Paging::Checkpoint { from, take } => Paging::Checkpoint { from: from.as_deref().map(decode_checkpoint).transpose()?, take: *take },
    };
    let matches_nothing = !strategies.is_empty() && query.strategies.is_empty();
    Ok(ListRequest { query, paging, matches_nothing, fields: connection_fields(request.fields)? })
}

/// Parses the query of `GET /api/v2/connections/{id}`: only `fields` and `include_fields`.
pub fn parse_get_query(raw: Option<&str>) -> Result<FieldSelection, ApiError> {
    let (mut fields, mut include_fields) = (None, None);
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "fields" => fields = Some(value.into_owned()),
            "include_fields" => include_fields = Some(boolean("include_fields", &value)?),
            other => return Err(ApiError::bad_query(format!("Query validation error: unknown parameter {other:?}"))),
        }
    }
    let selection = FieldSelection { fields: fields.unwrap_or_default().split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect(), include: include_fields.unwrap_or(true) };
    connection_fields(selection)
}

#[utoipa::path(
    get, path = "/api/v2/connections", tag = "connections",
    summary = "List connections",
    description = "Offset paging (`page`, `per_page`, `include_totals`) or Auth0's checkpoint paging (`from`, `take`: the answer is `{connections, next}`; pass `next` as `from` until it is absent). Ordered by name.",
    params(ListParams, super::paging::OffsetParams, super::paging::CheckpointParams),
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
    let ListRequest { query, paging, matches_nothing, fields } = parse_list_query(raw.as_deref())?;
    let project = |connections: &[Connection]| -> Vec<serde_json::Value> { connections.iter().map(|c| fields.apply(c)).collect() };
    Ok(match paging {
        Paging::Checkpoint { from, take } => {
            let (connections, next) =
                if matches_nothing { (Vec::new(), None) } else { service::list_connections_after(&state, query, from, take).await? };
            let mut body = serde_json::json!({ "connections": project(&connections) });
            if let Some(next) = next {
                body["next"] = serde_json::Value::String(encode_checkpoint(&next));
            }
            Json(body).into_response()
        }
        Paging::Offset { include_totals } => {
            let (page, per_page) = (query.page, query.per_page);
            let (connections, total) = if matches_nothing { (Vec::new(), 0) } else { service::list_connections(&state, query).await? };
            if include_totals {
                let start = page.saturating_mul(per_page);
                let list = project(&connections);
                Json(serde_json::json!({ "start": start, "limit": per_page, "length": list.len(), "total": total, "connections": list })).into_response()
            } else {
                Json(project(&connections)).into_response()
            }
        }
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
    params(
        ("id" = String, Path, description = "The connection's id (con_…)"),
        ("fields" = Option<String>, Query, description = "Comma-separated top-level fields to include (or leave out)"),
        ("include_fields" = Option<bool>, Query, description = "Whether `fields` lists the fields to include (default true)"),
    ),
    responses(
        (status = 200, description = "The connection", body = Connection),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:connections", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
    ),
    security(("bearer" = ["read:connections"]))
)]
pub async fn get_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require("read:connections")?;
    let fields = parse_get_query(raw.as_deref())?;
    Ok(Json(fields.apply(&service::get_connection(&state, &id).await?)))
}

#[utoipa::path(
    patch, path = "/api/v2/connections/{id}", tag = "connections",
    summary = "Update a connection",
    description = "`options`, when given, replaces the options whole; an omitted `client_secret` keeps the stored one. `name` and `strategy` cannot change. As in Auth0, a body without `display_name` sets it to the connection's `name`.",
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
    JsonBody(mut body): JsonBody<UpdateConnection>,
) -> Result<Json<Connection>, ApiError> {
    caller.require("update:connections")?;
    if body.display_name.is_none() {
        // Auth0: "If display_name is not included in the request, the field will be overwritten
        // with the name value." Scripts written against Auth0 expect exactly that.
        body.display_name = Some(service::get_connection(&state, &id).await?.name);
    }
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

    fn parsed(raw: &str) -> ListRequest {
        parse_list_query(Some(raw)).unwrap_or_else(|e| panic!("{raw}: {}", e.message))
    }

    #[test]
    fn the_list_query_is_parsed_strictly() {
        let r = parsed("strategy=oidc&strategy=okta&name=acme&page=2&per_page=10&include_totals=true");
        assert_eq!(r.query.strategies, vec![Strategy::Oidc, Strategy::Okta]);
        assert_eq!((r.query.name.as_deref(), r.query.page, r.query.per_page), (Some("acme"), 2, 10));
        assert_eq!(r.paging, Paging::Offset { include_totals: true });
        for (bad, expected) in [
            ("per_page=101", "per_page must be between 1 and 100"),
            ("per_page=0", "per_page must be between 1 and 100"),
            ("take=0", "take must be between 1 and 100"),
            ("page=-1", "page must be a whole number"),
            ("page=18446744073709551615", "page must be at most 100000"),
            ("page=99999999999999999999999", "page must be a whole number"),
            ("include_totals=yes", "include_totals must be true or false"),
            ("sort=name", "unknown parameter \"sort\""),
            ("from=!!!", "from must be the next value of a previous answer"),
            ("take=5&page=1", "not both"),
            ("fields=name,secret", "fields lists \"secret\""),
        ] {
            let message = parse_list_query(Some(bad)).err().map(|e| e.message).unwrap_or_default();
            assert!(message.contains(expected), "{bad}: {message}");
        }
        assert_eq!(parse_list_query(None).map(|r| r.query.per_page).ok(), Some(50));
    }

    #[test]
    fn unknown_strategies_match_nothing_and_known_ones_are_ored() {
        assert!(parsed("strategy=samlp").matches_nothing);
        let mixed = parsed("strategy=samlp&strategy=okta");
        assert!(!mixed.matches_nothing);
        assert_eq!(mixed.query.strategies, vec![Strategy::Okta]);
        assert!(!parsed("name=x").matches_nothing);
    }

    #[test]
    fn the_auth0_sdk_default_list_query_is_checkpoint_paging() {
        let r = parsed("include_totals=true&take=50");
        assert_eq!(r.paging, Paging::Checkpoint { from: None, take: 50 });
        let next = encode_checkpoint(&Checkpoint { name: "acme".into(), id: "con_1".into() });
        assert_eq!(parsed(&format!("from={next}&take=2")).paging, Paging::Checkpoint { from: Some(Checkpoint { name: "acme".into(), id: "con_1".into() }), take: 2 });
    }
}
