//! `/.well-known/openid-configuration` and `/.well-known/jwks.json`.

use super::ProtocolError;
use app::backend::provider;
use app::backend::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::header;

/// The provider's metadata; `registration_endpoint` only while Dynamic Client Registration is on.
pub async fn openid_configuration(State(state): State<AppState>) -> Result<Response, ProtocolError> {
    let mut document = provider::discovery_document(&state);
    if app::backend::tenant::dynamic_registration(&state).await.map_err(ProtocolError::json)? {
        document["registration_endpoint"] = serde_json::json!(format!("{}/oidc/register", state.env.public_base()));
    }
    Ok(Json(document).into_response())
}

pub async fn jwks(State(state): State<AppState>) -> Result<Response, ProtocolError> {
    let set = provider::jwks(&state).await.map_err(ProtocolError::json)?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=300")], Json(set)).into_response())
}
