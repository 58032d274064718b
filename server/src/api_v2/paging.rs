//! The plain list query of `/api/v2/clients`, `/users` and `/logs`: `page`, `per_page`,
//! `include_totals` and the named filters, parsed strictly (anything else is a 400 naming it).
//! Connections have their own parser: they also take Auth0's checkpoint paging and `fields`.

use super::error::ApiError;
use app::connections::{DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE};

pub struct PageQuery {
    pub page: u64,
    pub per_page: u64,
    pub include_totals: bool,
    filters: Vec<(String, String)>,
}

impl PageQuery {
    /// The value of a named filter, if sent.
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Where this page starts, for `include_totals` answers.
    pub fn start(&self) -> u64 {
        self.page.saturating_mul(self.per_page)
    }

    /// This page of `all` (every item, in order), as Auth0 answers it: the bare array, or with
    /// `include_totals` an object holding it under `key` with `start`, `limit` and `total`.
    pub fn respond<T: serde::Serialize>(&self, key: &str, all: Vec<T>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let total = all.len();
        let start = usize::try_from(self.start()).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.per_page).unwrap_or(50);
        let page: Vec<T> = all.into_iter().skip(start).take(limit).collect();
        if self.include_totals {
            let mut body = serde_json::json!({ "start": self.start(), "limit": self.per_page, "total": total });
            body[key] = serde_json::to_value(page).unwrap_or_default();
            axum::Json(body).into_response()
        } else {
            axum::Json(page).into_response()
        }
    }
}

pub fn parse(raw: Option<&str>, filters: &[&str]) -> Result<PageQuery, ApiError> {
    let mut q = PageQuery { page: 0, per_page: DEFAULT_PER_PAGE, include_totals: false, filters: Vec::new() };
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let number = || value.parse::<u64>().map_err(|_| ApiError::bad_query(format!("Query validation error: {key} must be a whole number (got {value:?})")));
        match key.as_ref() {
            "page" => {
                q.page = number()?;
                if q.page > MAX_PAGE {
                    return Err(ApiError::bad_query(format!("Query validation error: page must be at most {MAX_PAGE} (got {})", q.page)));
                }
            }
            "per_page" => {
                q.per_page = number()?;
                if !(1..=MAX_PER_PAGE).contains(&q.per_page) {
                    return Err(ApiError::bad_query(format!("Query validation error: per_page must be between 1 and {MAX_PER_PAGE} (got {})", q.per_page)));
                }
            }
            "include_totals" => {
                q.include_totals = match value.as_ref() {
                    "true" => true,
                    "false" => false,
                    other => return Err(ApiError::bad_query(format!("Query validation error: include_totals must be true or false (got {other:?})"))),
                }
            }
            k if filters.contains(&k) => q.filters.push((k.to_string(), value.into_owned())),
            other => return Err(ApiError::bad_query(format!("Query validation error: unknown parameter {other:?}"))),
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_named_filters_are_parsed_strictly() {
        let q = parse(Some("page=2&per_page=10&include_totals=true&q=acme"), &["q"]).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!((q.page, q.per_page, q.include_totals, q.filter("q"), q.start()), (2, 10, true, Some("acme"), 20));
        for (bad, expected) in [
            ("per_page=0", "per_page must be between 1 and 100"),
            ("page=100001", "page must be at most 100000"),
            ("page=x", "page must be a whole number"),
            ("include_totals=1", "include_totals must be true or false"),
            ("colour=red", "unknown parameter \"colour\""),
        ] {
            let message = parse(Some(bad), &["q"]).err().map(|e| e.message).unwrap_or_default();
            assert!(message.contains(expected), "{bad}: {message}");
        }
    }
}
