//! Inbound SCIM 2.0 (RFC 7643/7644) per connection, at `{public}/scim/v2/{connection_id}`: an
//! identity provider's SCIM client (Okta, Microsoft Entra, …) creates, updates, deactivates
//! and deletes the connection's users and groups with a bearer token from the Provisioning tab.
//! The server's SCIM router authenticates with [`authorize`] and calls the functions here; the
//! users are the same the sign-in flow upserts (`backend::users`).

pub mod configuration;
pub mod error;
pub mod filter;
pub mod groups;
pub mod patch;
pub mod resource;
pub mod schema;
pub mod tokens;
pub mod users;

use crate::backend::{connections, AppState, Error};
use crate::connections::Connection;
use error::{ScimError, ScimResult};
use serde_json::{json, Map, Value};

/// One request's connection and the base URL its resources live under.
pub struct Scope<'a> {
    pub state: &'a AppState,
    pub connection: Connection,
    /// `{public}/scim/v2/{connection_id}`.
    pub base: String,
}

/// The endpoint a connection's SCIM client is given.
pub fn endpoint(state: &AppState, connection_id: &str) -> String {
    format!("{}/scim/v2/{connection_id}", state.env.public_base())
}

/// The caller is the connection's SCIM client: a token of that connection, and SCIM turned on.
/// An unknown connection answers like a wrong token, so ids cannot be probed.
pub async fn authorize<'a>(state: &'a AppState, connection_id: &str, bearer: Option<&str>) -> ScimResult<Scope<'a>> {
    let Some(token) = bearer.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(ScimError::unauthorized("A bearer token from the connection's Provisioning tab is required."));
    };
    let connection = match connections::get_connection(state, connection_id).await {
        Ok(c) => c,
        Err(Error::NotFound(_)) => return Err(ScimError::unauthorized("The bearer token is not valid for this endpoint.")),
        Err(e) => return Err(e.into()),
    };
    if !tokens::authenticate(state, &connection.id, token).await? {
        return Err(ScimError::unauthorized("The bearer token is not valid for this endpoint."));
    }
    if !connection.options.scim_enabled {
        return Err(ScimError::forbidden("SCIM is turned off for this connection: turn on \"Sync user profiles using SCIM\" on its Provisioning tab."));
    }
    let base = endpoint(state, &connection.id);
    Ok(Scope { state, connection, base })
}

/// A list request's parameters (query string of `GET`, or the body of `POST /.search`).
#[derive(Debug, Default)]
pub struct ListQuery {
    pub filter: Option<String>,
    pub start_index: u64,
    pub count: u64,
    pub attributes: Vec<String>,
    pub excluded: Vec<String>,
}

fn names(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl ListQuery {
    /// From query pairs; `startIndex` below 1 is 1 and `count` is capped at the maximum
    /// (RFC 7644 section 3.4.2.4).
    pub fn from_pairs(pairs: &[(String, String)]) -> ScimResult<ListQuery> {
        let mut q = ListQuery { start_index: 1, count: schema::MAX_RESULTS, ..Default::default() };
        for (k, v) in pairs {
            match k.to_ascii_lowercase().as_str() {
                "filter" => q.filter = Some(v.clone()),
                "startindex" => q.start_index = v.trim().parse::<i64>().map_err(|_| ScimError::invalid_value("startIndex must be a whole number"))?.max(1) as u64,
                "count" => q.count = v.trim().parse::<i64>().map_err(|_| ScimError::invalid_value("count must be a whole number"))?.clamp(0, schema::MAX_RESULTS as i64) as u64,
                "attributes" => q.attributes = names(v),
                "excludedattributes" => q.excluded = names(v),
                "sortby" | "sortorder" => {}
                _ => {}
            }
        }
        Ok(q)
    }

    /// From a SearchRequest body.
    pub fn from_search(body: &Value) -> ScimResult<ListQuery> {
        let o = body.as_object().ok_or_else(|| ScimError::invalid_syntax("the body must be a SearchRequest object"))?;
        let mut pairs = Vec::new();
        for (k, v) in o {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Array(list) => list.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
                _ => continue,
            };
            pairs.push((k.clone(), text));
        }
        Self::from_pairs(&pairs)
    }
}

/// A ListResponse of `resources`, projected by the query's attributes.
pub fn list_response(r: &schema::ResourceSchema, mut resources: Vec<Map<String, Value>>, total: u64, q: &ListQuery) -> Value {
    for m in &mut resources {
        schema::project(m, r, &q.attributes, &q.excluded);
    }
    json!({
        "schemas": [schema::LIST_SCHEMA],
        "totalResults": total,
        "startIndex": q.start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// `GET /Users` or `POST /Users/.search`.
pub async fn list_users(scope: &Scope<'_>, q: &ListQuery) -> ScimResult<Value> {
    let filter = q.filter.as_deref().map(|f| filter::parse(&schema::USER, f)).transpose()?;
    let (found, total) = users::list(scope, filter.as_ref(), q.start_index, q.count).await?;
    Ok(list_response(&schema::USER, found, total, q))
}

/// `GET /Groups` or `POST /Groups/.search`.
pub async fn list_groups(scope: &Scope<'_>, q: &ListQuery) -> ScimResult<Value> {
    let filter = q.filter.as_deref().map(|f| filter::parse(&schema::GROUP, f)).transpose()?;
    let with_members = !q.excluded.iter().any(|e| e.eq_ignore_ascii_case("members"))
        && (q.attributes.is_empty() || q.attributes.iter().any(|a| a.to_ascii_lowercase().starts_with("members")));
    let (found, total) = groups::list(scope, filter.as_ref(), q.start_index, q.count, with_members).await?;
    Ok(list_response(&schema::GROUP, found, total, q))
}

/// `POST /.search` at the root: Users, then Groups, matching the filter (RFC 7644 section
/// 3.4.3), paged across both.
pub async fn search_all(scope: &Scope<'_>, q: &ListQuery) -> ScimResult<Value> {
    let user_filter = q.filter.as_deref().map(|f| filter::parse(&schema::USER, f)).transpose()?;
    let group_filter = q.filter.as_deref().map(|f| filter::parse(&schema::GROUP, f)).transpose()?;
    let (mut found, users_total) = users::list(scope, user_filter.as_ref(), q.start_index, q.count).await?;
    for m in &mut found {
        schema::project(m, &schema::USER, &q.attributes, &q.excluded);
    }
    // Groups continue where the users end.
    let group_start = q.start_index.saturating_sub(users_total).max(1);
    let room = q.count.saturating_sub(found.len() as u64);
    let (mut groups_found, groups_total) = groups::list(scope, group_filter.as_ref(), group_start, room, true).await?;
    for m in &mut groups_found {
        schema::project(m, &schema::GROUP, &q.attributes, &q.excluded);
    }
    found.extend(groups_found);
    Ok(json!({
        "schemas": [schema::LIST_SCHEMA],
        "totalResults": users_total + groups_total,
        "startIndex": q.start_index,
        "itemsPerPage": found.len(),
        "Resources": found,
    }))
}
