//! Every Management API list, paged and answered the way Auth0 answers it:
//! - offset paging, `page` and `per_page`: a bare array, or with `include_totals=true` the object
//!   `{<resource>: […], start, limit, length, total}`; a page past the end is empty;
//! - checkpoint paging, `take` and `from` (sent together with `include_totals=true` by Auth0's
//!   SDKs): `{<resource>: […], next}`, where `next` is absent on the last page.
//!
//! plus `fields`/`include_fields`, each resource's own filters, and the filters Auth0 documents
//! that cannot apply to Tessera, accepted and named. Anything else is a 400 naming it.

use super::error::ApiError;
use app::connections::{DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

/// What one list accepts.
pub struct ListSpec {
    /// Its own filters (a filter may be repeated).
    pub filters: &'static [&'static str],
    /// Whether it offers checkpoint paging (`take`, `from`).
    pub checkpoint: bool,
}

/// How a list is paged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    Offset { page: u64, per_page: u64, include_totals: bool },
    /// `from` as sent (opaque: its list decodes it).
    Checkpoint { from: Option<String>, take: u64 },
}

/// `fields` / `include_fields`: which top-level fields of each item to return.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldSelection {
    pub fields: Vec<String>,
    pub include: bool,
}

impl FieldSelection {
    /// `item` as JSON with only the selected fields.
    pub fn apply<T: Serialize>(&self, item: &T) -> Value {
        let mut value = serde_json::to_value(item).unwrap_or_default();
        if !self.fields.is_empty() {
            if let Some(object) = value.as_object_mut() {
                object.retain(|key, _| self.fields.iter().any(|f| f == key) == self.include);
            }
        }
        value
    }
}

/// A parsed list request.
#[derive(Debug)]
pub struct ListRequest {
    pub paging: Paging,
    pub fields: FieldSelection,
    filters: Vec<(String, String)>,
}

fn boolean(name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(ApiError::bad_query(format!("Query validation error: {name} must be true or false (got {other:?})"))),
    }
}

/// Parses a list query strictly against `spec`.
pub fn parse(raw: Option<&str>, spec: &ListSpec) -> Result<ListRequest, ApiError> {
    let (mut page, mut per_page, mut include_totals, mut offset_given) = (0, DEFAULT_PER_PAGE, false, false);
    let (mut from, mut take) = (None, None);
    let mut fields = FieldSelection { fields: Vec::new(), include: true };
    let mut filters = Vec::new();
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let number = |what: &str| value.parse::<u64>().map_err(|_| ApiError::bad_query(format!("Query validation error: {what} must be a whole number (got {value:?})")));
        match key.as_ref() {
            "page" => {
                page = number("page")?;
                if page > MAX_PAGE {
                    return Err(ApiError::bad_query(format!("Query validation error: page must be at most {MAX_PAGE} (got {page})")));
                }
                offset_given = true;
            }
            "per_page" | "take" => {
                let n = number(&key)?;
                if !(1..=MAX_PER_PAGE).contains(&n) {
                    return Err(ApiError::bad_query(format!("Query validation error: {key} must be between 1 and {MAX_PER_PAGE} (got {n})")));
                }
                if key == "take" {
                    take = Some(n);
                } else {
                    per_page = n;
                    offset_given = true;
                }
            }
            "from" => from = Some(value.into_owned()).filter(|f| !f.is_empty()),
            "include_totals" => include_totals = boolean("include_totals", &value)?,
            "fields" => fields.fields = value.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect(),
            "include_fields" => fields.include = boolean("include_fields", &value)?,
            k if spec.filters.contains(&k) => filters.push((k.to_string(), value.into_owned())),
            other => return Err(ApiError::bad_query(format!("Query validation error: unknown parameter {other:?}"))),
        }
    }
    let checkpoint = from.is_some() || take.is_some();
    if checkpoint && !spec.checkpoint {
        return Err(ApiError::bad_query("Query validation error: this list pages with page and per_page, not from and take"));
    }
    if checkpoint && offset_given {
        return Err(ApiError::bad_query("Query validation error: use page/per_page or from/take, not both"));
    }
    let paging = if checkpoint { Paging::Checkpoint { from, take: take.unwrap_or(DEFAULT_PER_PAGE) } } else { Paging::Offset { page, per_page, include_totals } };
    Ok(ListRequest { paging, fields, filters })
}

/// A checkpoint of an ordered list Tessera reads whole: the position of the next item, opaque.
fn encode_position(n: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("p{n}"))
}

fn decode_position(from: &str) -> Result<u64, ApiError> {
    let bad = || ApiError::bad_query("Query validation error: from must be the next value of a previous answer");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(from).map_err(|_| bad())?;
    String::from_utf8(bytes).ok().and_then(|t| t.strip_prefix('p').and_then(|n| n.parse().ok())).ok_or_else(bad)
}

impl ListRequest {
    /// The first value of a filter.
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable filter.
    pub fn filter_all(&self, name: &str) -> Vec<&str> {
        self.filters.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Which items to read: the offset of the first and how many (one more than a checkpoint
    /// page holds, to know whether there is a next).
    pub fn window(&self) -> Result<(u64, u64), ApiError> {
        Ok(match &self.paging {
            Paging::Offset { page, per_page, .. } => (page.saturating_mul(*per_page), *per_page),
            Paging::Checkpoint { from, take } => (from.as_deref().map(decode_position).transpose()?.unwrap_or(0), take + 1),
        })
    }

    /// The answer for `items`, read at [`ListRequest::window`], of `total` (offset paging).
    pub fn respond<T: Serialize>(&self, key: &str, items: Vec<T>, total: u64) -> Result<Response, ApiError> {
        let (start, _) = self.window()?;
        Ok(match &self.paging {
            Paging::Offset { per_page, include_totals, .. } => {
                let list: Vec<Value> = items.iter().map(|i| self.fields.apply(i)).collect();
                if *include_totals {
                    let mut body = serde_json::json!({ "start": start, "limit": per_page, "length": list.len(), "total": total });
                    body[key] = Value::Array(list);
                    Json(body).into_response()
                } else {
                    Json(list).into_response()
                }
            }
            Paging::Checkpoint { take, .. } => {
                let more = items.len() as u64 > *take;
                let list: Vec<Value> = items.iter().take(*take as usize).map(|i| self.fields.apply(i)).collect();
                let mut body = serde_json::json!({ key: list });
                if more {
                    body["next"] = Value::String(encode_position(start + take));
                }
                Json(body).into_response()
            }
        })
    }

    /// The answer for a list read whole (`all`, in order): this request's page of it.
    pub fn respond_all<T: Serialize>(&self, key: &str, all: Vec<T>) -> Result<Response, ApiError> {
        let (start, limit) = self.window()?;
        let total = all.len() as u64;
        let page: Vec<T> = all.into_iter().skip(usize::try_from(start).unwrap_or(usize::MAX)).take(usize::try_from(limit).unwrap_or(usize::MAX)).collect();
        self.respond(key, page, total)
    }
}

/// The OpenAPI schemas of a list answer: `$List` (any of the three shapes), `$Page` (offset
/// with totals) and `$Checkpoint`, with the items under `$key`.
/// Offset paging, as every list takes it (documentation only: `parse` reads the query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct OffsetParams {
    /// Page index, from 0 (at most 100000); a page past the end is empty.
    page: Option<u64>,
    /// Results per page, 1 to 100 (default 50).
    per_page: Option<u64>,
    /// Answer `{<list>, start, limit, length, total}` instead of a bare array.
    include_totals: Option<bool>,
}

/// Checkpoint paging, on the lists where Auth0 offers it (documentation only).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CheckpointParams {
    /// The `next` of the previous answer.
    from: Option<String>,
    /// How many, 1 to 100 (default 50). Answers `{<list>, next}`; no `next`, no more.
    take: Option<u64>,
}

macro_rules! list_schemas {
    ($list:ident, $page:ident, $checkpoint:ident, $key:ident, $item:ty) => {
        /// A page with totals (`include_totals=true`). Closed (no other fields), so that no
        /// answer matches two of the list's shapes.
        #[derive(serde::Serialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $page {
            pub $key: Vec<$item>,
            pub start: u64,
            pub limit: u64,
            pub length: u64,
            pub total: u64,
        }

        /// A checkpoint page (`take`, `from`): pass `next` as `from`; no `next`, no more.
        #[derive(serde::Serialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $checkpoint {
            pub $key: Vec<$item>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub next: Option<String>,
        }

        /// The list answer: a bare array, a page with totals, or a checkpoint page.
        #[derive(serde::Serialize, utoipa::ToSchema)]
        #[serde(untagged)]
        pub enum $list {
            Page($page),
            Checkpoint($checkpoint),
            List(Vec<$item>),
        }
    };
}
pub(crate) use list_schemas;

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec { filters: &["q"], checkpoint: true };

    #[test]
    fn pages_checkpoints_and_named_filters_are_parsed_strictly() {
        let q = parse(Some("page=2&per_page=10&include_totals=true&q=acme"), &SPEC).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!((q.paging.clone(), q.filter("q"), q.window().ok()), (Paging::Offset { page: 2, per_page: 10, include_totals: true }, Some("acme"), Some((20, 10))));
        let q = parse(Some("include_totals=true&take=5"), &SPEC).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(q.paging, Paging::Checkpoint { from: None, take: 5 });
        for (bad, expected) in [
            ("per_page=0", "per_page must be between 1 and 100"),
            ("page=100001", "page must be at most 100000"),
            ("page=x", "page must be a whole number"),
            ("include_totals=1", "include_totals must be true or false"),
            ("colour=red", "unknown parameter \"colour\""),
            ("page=1&take=5", "not both"),
        ] {
            let message = parse(Some(bad), &SPEC).err().map(|e| e.message).unwrap_or_default();
            assert!(message.contains(expected), "{bad}: {message}");
        }
        let offset_only = ListSpec { filters: &[], checkpoint: false };
        assert!(parse(Some("take=5"), &offset_only).is_err());
    }

    #[test]
    fn a_checkpoint_walks_a_list_once_and_ends_without_next() {
        let all: Vec<u32> = (0..5).collect();
        let mut from = String::new();
        let mut seen = Vec::new();
        for _ in 0..5 {
            let q = parse(Some(&format!("take=2&from={from}")), &SPEC).unwrap_or_else(|e| panic!("{}", e.message));
            let (start, limit) = q.window().unwrap_or_default();
            let page: Vec<u32> = all.iter().copied().skip(start as usize).take(limit as usize).collect();
            let more = page.len() > 2;
            seen.extend(page.into_iter().take(2));
            if !more {
                break;
            }
            from = encode_position(start + 2);
        }
        assert_eq!(seen, all);
        assert!(decode_position("garbage!").is_err());
    }
}
