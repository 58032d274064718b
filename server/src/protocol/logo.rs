//! `/connections/logo-preview?url=…`: the image at a Button logo URL, for the Login Experience
//! preview of a signed-in admin (the dashboard's policy loads images from Tessera only). The
//! answer is an image, marked so a browser never runs it (SVG included).

use super::ProtocolError;
use crate::extract::{Params, RefuseParams};
use app::backend::admin::CurrentAdmin;
use app::backend::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::{header, StatusCode};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogoParams {
    url: String,
}

impl RefuseParams for LogoParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::page(StatusCode::BAD_REQUEST, "No logo", reason)
    }
}

pub async fn preview(State(state): State<AppState>, admin: Option<Extension<CurrentAdmin>>, params: Params<LogoParams>) -> Result<Response, ProtocolError> {
    if admin.is_none_or(|a| a.must_change_password) {
        return Err(ProtocolError::page(StatusCode::UNAUTHORIZED, "Sign in first", "The logo preview is for signed-in admins."));
    }
    let logo = app::backend::connections::logo::fetch(&state, &params.value.url).await?;
    Ok((
        [
            (header::CONTENT_TYPE, logo.content_type),
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_string()),
        ],
        logo.bytes,
    )
        .into_response())
}
