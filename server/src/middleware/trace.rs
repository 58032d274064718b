//! Structured request logs, request ids and the per-route request counts. Only the method, the
//! path (never the query string, which can carry codes and states), the status and the latency
//! are logged; never headers, cookies or bodies. A path that is itself a secret (a setup link's
//! `/setup/{token}`) is logged with the secret replaced.
//!
//! Every request gets an id (a proxy's `X-Request-Id` when it is a short plain token, otherwise
//! a new one): every log line written while serving it carries it (the `request` span), and the
//! answer returns it in `X-Request-Id`, so a user's report can be found in the log.

use app::backend::crypto::random_alphanumeric;
use app::backend::metrics;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use std::time::Instant;
use tracing::Instrument as _;

pub const REQUEST_ID: &str = "x-request-id";

pub async fn log_request(mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = redact(req.uri().path());
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(str::to_string)
        .unwrap_or_else(|| random_alphanumeric(16));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        req.headers_mut().insert(REQUEST_ID, v);
    }
    let span = tracing::info_span!("request", request_id = %request_id);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    if path.starts_with("/pkg/") {
        tracing::debug!(%method, %path, status, latency_ms, "request");
    } else if status >= 500 {
        tracing::error!(%method, %path, status, latency_ms, "request");
    } else {
        tracing::info!(%method, %path, status, latency_ms, "request");
    }
    count(method.as_str(), route, status);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}

/// SCIM and Management API requests, by route template (never the path: ids are unbounded).
fn count(method: &str, route: Option<String>, status: u16) {
    let Some(route) = route else { return };
    if let Some(rest) = route.strip_prefix("/scim/v2/{cid}") {
        metrics::scim_request(format!("{method} {}", if rest.is_empty() { "/" } else { rest }), status);
    } else if route.starts_with("/api/v2/") {
        metrics::management_api_request(method, route, status);
    }
}

/// `path` as it may be logged: a setup link's token becomes `[token]`.
pub fn redact(path: &str) -> String {
    match path.strip_prefix("/setup/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/setup/[token]/{tail}"),
            None => "/setup/[token]".to_string(),
        },
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_setup_links_token_is_not_logged() {
        assert_eq!(super::redact("/setup/s3cr3t"), "/setup/[token]");
        assert_eq!(super::redact("/setup/s3cr3t/steps"), "/setup/[token]/steps");
        assert_eq!(super::redact("/api/v2/connections"), "/api/v2/connections");
    }
}
