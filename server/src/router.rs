//! The HTTP surface: Leptos pages and server functions, `/healthz` and the Management API
//! (`/api/v2`), wrapped in the middleware stack.

use crate::middleware::{csrf, headers, page_guard, rpc_errors, rpc_guard, session, trace};
use app::backend::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Json, Router};
use http::StatusCode;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .route("/", get(|| async { Redirect::to("/connections/enterprise") }))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(crate::metrics::router())
        .merge(crate::api_v2::router())
        .merge(crate::protocol::router(state.clone()))
        .merge(crate::scim::router())
        .merge(crate::setup::router())
        .merge(crate::assets::router(&state.leptos_options))
        .leptos_routes(&state, routes, move || shell((*leptos_options).clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn(rpc_errors::bad_arguments_are_400))
        .layer(from_fn(rpc_guard::guard_server_functions))
        .layer(from_fn(page_guard::require_signed_in_admin))
        .layer(from_fn_with_state(state.clone(), csrf::refuse_cross_site))
        .layer(from_fn_with_state(state.clone(), session::load_session))
        .layer(from_fn_with_state(state.clone(), headers::add_security_headers))
        .layer(from_fn(trace::log_request))
        .with_state(state)
}

/// 200 when the database answers, 503 when it does not.
/// Readiness (for a load balancer or Kubernetes): 200 only when the database answers and every
/// migration this binary carries is applied; otherwise 503 naming what is missing. `/healthz`
/// stays the liveness check.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.migration_versions().await {
        Ok((known, applied)) if applied >= known => (StatusCode::OK, Json(serde_json::json!({ "status": "ready", "migration": applied }))),
        Ok((known, applied)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "not_ready", "reason": format!("migrations are behind: the database has {applied}, this binary needs {known}") })),
        ),
        Err(e) => {
            tracing::error!(error = %e, "readiness check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "not_ready", "reason": "the database does not answer" })))
        }
    }
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" })))
        }
    }
}
