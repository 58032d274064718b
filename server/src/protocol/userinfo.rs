//! `/userinfo`: the claims an access token's scopes allow.

use super::ProtocolError;
use crate::extract::Bearer;
use app::backend::provider;
use app::backend::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, StatusCode};

pub async fn userinfo(State(state): State<AppState>, bearer: Bearer) -> Result<Response, ProtocolError> {
    let Some(token) = bearer.token() else {
        return Err(ProtocolError::oauth(StatusCode::UNAUTHORIZED, "invalid_token", "A bearer access token is required."));
    };
    match provider::userinfo(&state, token).await.map_err(ProtocolError::json)? {
        Ok(claims) => Ok(([(header::CACHE_CONTROL, "no-store")], Json(claims)).into_response()),
        Err(e) => Err(ProtocolError::OAuth(StatusCode::UNAUTHORIZED, e)),
    }
}
