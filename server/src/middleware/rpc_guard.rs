//! The door in front of every server function (`/rpc/…`): a signed-out request is refused with
//! 401 before its body is read (a plain form post is sent to sign in), unless the function is one
//! of the few that sign in or out; and
//! no body may be larger than 2 MiB (413), so nothing is parsed from an unbounded upload. Each
//! server function still checks the admin itself; this only stops work before it starts.

use app::backend::admin::CurrentAdmin;
use app::error::{AppError, FieldError};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

pub const MAX_RPC_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Server functions a signed-out browser may call.
const OPEN_TO_SIGNED_OUT: &[&str] = &["/rpc/sign_in", "/rpc/sign_out", "/rpc/current_admin"];

fn answer(status: StatusCode, error: AppError) -> Response {
    let body = serde_json::to_string(&error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn too_large() -> Response {
    let error = AppError::Invalid(vec![FieldError::new("body", format!("must be at most {} MiB", MAX_RPC_BODY_BYTES / (1024 * 1024)))]);
    answer(StatusCode::PAYLOAD_TOO_LARGE, error)
}

pub async fn guard_server_functions(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/rpc/") {
        return next.run(req).await;
    }
    if !OPEN_TO_SIGNED_OUT.contains(&path) && req.extensions().get::<CurrentAdmin>().is_none() {
        // A page served with no wasm posts its forms here: a browser whose session ended is
        // sent to sign in, rather than shown a JSON body.
        if app::flash::is_plain_form_post(req.headers()) {
            return axum::response::Redirect::to("/signin").into_response();
        }
        return answer(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_RPC_BODY_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_RPC_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => too_large(),
    }
}
