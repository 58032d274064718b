//! `POST /oidc/register`: OpenID Connect Dynamic Client Registration (RFC 7591), when Settings
//! switch it on. A JSON body of at most 64 KiB; the answer is RFC 7591's client information
//! response (201) or its error (`invalid_redirect_uri`, `invalid_client_metadata`).

use app::backend::applications::registration;
use app::backend::state::ClientAddress;
use app::backend::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::{header, StatusCode};
use serde_json::json;

/// The largest registration request read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

pub async fn register(State(state): State<AppState>, address: Option<Extension<ClientAddress>>, body: Bytes) -> Response {
    let address = address.map(|a| a.0 .0).unwrap_or_default();
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    match registration::register(&state, &address, &body).await {
        Ok(Ok(client)) => (StatusCode::CREATED, no_store, Json(client)).into_response(),
        Ok(Err(r)) => {
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
            (status, no_store, Json(json!({ "error": r.error, "error_description": r.description }))).into_response()
        }
        Err(e) => {
            e.log_if_internal();
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "server_error", "error_description": "The details are in the server log." }))).into_response()
        }
    }
}
