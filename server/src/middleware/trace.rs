//! Structured request logs. Only the method, the path (never the query string, which can carry
//! codes and states), the status and the latency are logged; never headers, cookies or bodies.
//! A path that is itself a secret (a setup link's `/setup/{token}`) is logged with the secret
//! replaced.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = redact(req.uri().path());
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    if path.starts_with("/pkg/") {
        tracing::debug!(%method, %path, status, latency_ms, "request");
    } else if status >= 500 {
        tracing::error!(%method, %path, status, latency_ms, "request");
    } else {
        tracing::info!(%method, %path, status, latency_ms, "request");
    }
    response
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
