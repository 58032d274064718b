//! The SCIM 2.0 endpoints, `/scim/v2/{connection_id}/…`: thin handlers that authenticate the
//! connection's SCIM client, parse the request, call `backend::scim` and answer
//! `application/scim+json` with SCIM's error shape and weak ETags.

use app::backend::scim::error::{ScimError, ScimResult};
use app::backend::scim::{self, groups, schema, users, ListQuery, Scope};
use app::backend::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde_json::{Map, Value};

const CONTENT_TYPE: &str = "application/scim+json";
const MAX_BODY: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/{cid}/ServiceProviderConfig", get(service_provider_config))
        .route("/scim/v2/{cid}/ResourceTypes", get(resource_types))
        .route("/scim/v2/{cid}/ResourceTypes/{name}", get(resource_type))
        .route("/scim/v2/{cid}/Schemas", get(schemas))
        .route("/scim/v2/{cid}/Schemas/{id}", get(one_schema))
        .route("/scim/v2/{cid}/Users", get(list_users).post(create_user))
        .route("/scim/v2/{cid}/Users/.search", post(search_users))
        .route("/scim/v2/{cid}/Users/{id}", get(get_user).put(replace_user).patch(patch_user).delete(delete_user))
        .route("/scim/v2/{cid}/Groups", get(list_groups).post(create_group))
        .route("/scim/v2/{cid}/Groups/.search", post(search_groups))
        .route("/scim/v2/{cid}/Groups/{id}", get(get_group).put(replace_group).patch(patch_group).delete(delete_group))
        .route("/scim/v2/{cid}/.search", post(search_everything))
        .route("/scim/v2/{cid}/{*rest}", any(|| async { error(&ScimError::not_found("There is no such SCIM endpoint.")) }))
}

fn error(e: &ScimError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], e.body().to_string()).into_response();
    if e.status == 401 {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"Tessera SCIM\""));
    }
    response
}

fn answer(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body.to_string()).into_response();
    if let Some(version) = body.pointer("/meta/version").and_then(Value::as_str) {
        if let Ok(v) = HeaderValue::from_str(version) {
            response.headers_mut().insert(header::ETAG, v);
        }
    }
    if status == StatusCode::CREATED {
        if let Some(location) = body.pointer("/meta/location").and_then(Value::as_str).and_then(|l| HeaderValue::from_str(l).ok()) {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    response
}

fn done(result: ScimResult<Response>) -> Response {
    result.unwrap_or_else(|e| error(&e))
}


async fn scope<'a>(state: &'a AppState, cid: &str, headers: &HeaderMap) -> ScimResult<Scope<'a>> {
    scim::authorize(state, cid, crate::extract::Bearer::of(headers).token()).await
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}

fn json_body(bytes: &Bytes) -> ScimResult<Value> {
    if bytes.len() > MAX_BODY {
        return Err(ScimError::too_large("A SCIM request body may be at most 1 MiB."));
    }
    serde_json::from_slice(bytes).map_err(|e| ScimError::invalid_syntax(format!("The body is not JSON: {e}")))
}

fn object(v: &Value) -> ScimResult<&Map<String, Value>> {
    v.as_object().ok_or_else(|| ScimError::invalid_syntax("The body must be a JSON object."))
}

/// One resource, projected by `attributes` / `excludedAttributes` in the query.
fn one(r: &schema::ResourceSchema, status: StatusCode, mut m: Map<String, Value>, raw: Option<&str>) -> ScimResult<Response> {
    let q = ListQuery::from_pairs(&pairs(raw))?;
    schema::project(&mut m, r, &q.attributes, &q.excluded);
    Ok(answer(status, &Value::Object(m)))
}

async fn service_provider_config(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        Ok(answer(StatusCode::OK, &schema::service_provider_config(&s.base)))
    }
    .await)
}

async fn resource_types(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let list = schema::resource_types(&s.base);
        Ok(answer(StatusCode::OK, &list_of(list)))
    }
    .await)
}

async fn resource_type(State(state): State<AppState>, Path((cid, name)): Path<(String, String)>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let found = schema::resource_types(&s.base).into_iter().find(|t| t["id"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(&name)));
        found.map(|t| answer(StatusCode::OK, &t)).ok_or_else(|| ScimError::not_found(format!("There is no resource type {name:?}.")))
    }
    .await)
}

async fn schemas(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        Ok(answer(StatusCode::OK, &list_of(schema::schemas(&s.base))))
    }
    .await)
}

async fn one_schema(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let found = schema::schemas(&s.base).into_iter().find(|t| t["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(&id)));
        found.map(|t| answer(StatusCode::OK, &t)).ok_or_else(|| ScimError::not_found(format!("There is no schema {id:?}.")))
    }
    .await)
}

fn list_of(resources: Vec<Value>) -> Value {
    serde_json::json!({ "schemas": [schema::LIST_SCHEMA], "totalResults": resources.len(), "startIndex": 1, "itemsPerPage": resources.len(), "Resources": resources })
}

/// `POST /.search` at the root: every resource type at once.
async fn search_everything(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let q = ListQuery::from_search(&json_body(&body)?)?;
        Ok(answer(StatusCode::OK, &scim::search_all(&s, &q).await?))
    }
    .await)
}

async fn list_users(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let q = ListQuery::from_pairs(&pairs(raw.as_deref()))?;
        Ok(answer(StatusCode::OK, &scim::list_users(&s, &q).await?))
    }
    .await)
}

async fn search_users(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let q = ListQuery::from_search(&json_body(&body)?)?;
        Ok(answer(StatusCode::OK, &scim::list_users(&s, &q).await?))
    }
    .await)
}

async fn create_user(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let body = json_body(&body)?;
        one(&schema::USER, StatusCode::CREATED, users::create(&s, object(&body)?).await?, raw.as_deref())
    }
    .await)
}

async fn get_user(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        one(&schema::USER, StatusCode::OK, users::get(&s, &id).await?, raw.as_deref())
    }
    .await)
}

async fn replace_user(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let body = json_body(&body)?;
        one(&schema::USER, StatusCode::OK, users::replace(&s, &id, object(&body)?, if_match(&headers).as_deref()).await?, raw.as_deref())
    }
    .await)
}

async fn patch_user(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let body = json_body(&body)?;
        one(&schema::USER, StatusCode::OK, users::patch(&s, &id, &body, if_match(&headers).as_deref()).await?, raw.as_deref())
    }
    .await)
}

async fn delete_user(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        users::delete(&s, &id, if_match(&headers).as_deref()).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await)
}

async fn list_groups(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let q = ListQuery::from_pairs(&pairs(raw.as_deref()))?;
        Ok(answer(StatusCode::OK, &scim::list_groups(&s, &q).await?))
    }
    .await)
}

async fn search_groups(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let q = ListQuery::from_search(&json_body(&body)?)?;
        Ok(answer(StatusCode::OK, &scim::list_groups(&s, &q).await?))
    }
    .await)
}

async fn create_group(State(state): State<AppState>, Path(cid): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let body = json_body(&body)?;
        one(&schema::GROUP, StatusCode::CREATED, groups::create(&s, object(&body)?).await?, raw.as_deref())
    }
    .await)
}

async fn get_group(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let q = ListQuery::from_pairs(&pairs(raw.as_deref()))?;
        let with_members = !q.excluded.iter().any(|e| e.eq_ignore_ascii_case("members"));
        one(&schema::GROUP, StatusCode::OK, groups::get(&s, &id, with_members).await?, raw.as_deref())
    }
    .await)
}

async fn replace_group(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let body = json_body(&body)?;
        one(&schema::GROUP, StatusCode::OK, groups::replace(&s, &id, object(&body)?, if_match(&headers).as_deref()).await?, raw.as_deref())
    }
    .await)
}

async fn patch_group(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap, RawQuery(raw): RawQuery, body: Bytes) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        let body = json_body(&body)?;
        one(&schema::GROUP, StatusCode::OK, groups::patch(&s, &id, &body, if_match(&headers).as_deref()).await?, raw.as_deref())
    }
    .await)
}

async fn delete_group(State(state): State<AppState>, Path((cid, id)): Path<(String, String)>, headers: HeaderMap) -> Response {
    done(async {
        let s = scope(&state, &cid, &headers).await?;
        groups::delete(&s, &id, if_match(&headers).as_deref()).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await)
}
