//! `GET /metrics`: the Prometheus text exposition of what `app::backend::metrics` counts.
//! On the public port it answers only a request bearing `TESSERA_METRICS_TOKEN` (404 for anyone
//! else, so its existence is not advertised); `TESSERA_METRICS_LISTEN` serves it alone on its own
//! address (a private interface a scraper reaches), token or not.

use app::backend::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, HeaderMap, StatusCode};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

/// Latency buckets for the identity providers' endpoints, in seconds.
const UPSTREAM_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's recorder, installed the first time it is asked for (once per process, however
/// many servers a test starts in it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Refused only for an empty bucket list (the constant is not): then summaries, not a panic.
        let recorder = match PrometheusBuilder::new().set_buckets_for_metric(Matcher::Full(app::backend::metrics::UPSTREAM_DURATION.into()), UPSTREAM_BUCKETS) {
            Ok(builder) => builder.build_recorder(),
            Err(_) => PrometheusBuilder::new().build_recorder(),
        };
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics will be empty");
        }
        handle
    })
}

/// The exposition now, with the gauges read at scrape time.
fn render(state: &AppState) -> String {
    let (idle, in_use) = state.db.connections();
    app::backend::metrics::db_connections(idle, in_use);
    handle().render()
}

fn exposition(state: &AppState) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], render(state)).into_response()
}

/// `/metrics` on the public port: the token, or 404.
async fn public_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.env.operations.metrics_token.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    if !app::backend::crypto::constant_time_eq(given.as_bytes(), token.expose().as_bytes()) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")]).into_response();
    }
    exposition(&state)
}

/// The route on the public router.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(public_metrics))
}

/// The router for `TESSERA_METRICS_LISTEN`: only `/metrics`, no token (the address is the guard).
pub fn private_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(|State(state): State<AppState>| async move { exposition(&state) })).with_state(state)
}
