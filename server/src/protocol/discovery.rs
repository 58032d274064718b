//! `/.well-known/openid-configuration` and `/.well-known/jwks.json`.

use super::ProtocolError;
use app::backend::provider;
use app::backend::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::header;

pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    Json(provider::discovery_document(&state)).into_response()
}

pub async fn jwks(State(state): State<AppState>) -> Result<Response, ProtocolError> {
    let set = provider::jwks(&state).await.map_err(ProtocolError::json)?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=300")], Json(set)).into_response())
}
