//! Global Token Revocation (Okta Universal Logout): 204, or the reason with its status.

use super::ProtocolError;
use crate::extract::Bearer;
use app::backend::revocation::Door;
use app::backend::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue, StatusCode};

pub async fn by_id(State(state): State<AppState>, Path(id): Path<String>, bearer: Bearer, body: Bytes) -> Result<Response, ProtocolError> {
    answer(app::backend::revocation::revoke(&state, Door::Id(&id), bearer.token(), &body).await.map_err(ProtocolError::json)?)
}

/// Auth0's path for the same, by connection name.
pub async fn by_name(State(state): State<AppState>, Path(name): Path<String>, bearer: Bearer, body: Bytes) -> Result<Response, ProtocolError> {
    answer(app::backend::revocation::revoke(&state, Door::Name(&name), bearer.token(), &body).await.map_err(ProtocolError::json)?)
}

fn answer(outcome: Result<Vec<String>, app::backend::revocation::Refusal>) -> Result<Response, ProtocolError> {
    match outcome {
        Ok(_) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(refusal) => {
            let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
            let body = Json(serde_json::json!({ "error": refusal.error, "error_description": refusal.description }));
            let mut response = (status, [(header::CACHE_CONTROL, "no-store")], body).into_response();
            if status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            }
            Ok(response)
        }
    }
}
