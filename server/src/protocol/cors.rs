//! CORS for the endpoints browser code calls: `/oauth/token`, `/oauth/revoke`, `/userinfo` and
//! `/.well-known/*` (what Auth0's SPA SDK does, from its page or a web worker). An origin some
//! application lists in its Allowed Origins (CORS) or Allowed Web Origins gets
//! `Access-Control-Allow-Origin` for itself (never `*`), and its preflight an answer; any other
//! origin gets neither, so the browser keeps the response from it. The token endpoint then
//! checks the origin is one of the calling application's own.

use app::backend::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};

/// The paths browsers may call across origins.
const PATHS: &[&str] = &["/oauth/token", "/oauth/revoke", "/userinfo", "/.well-known/openid-configuration", "/.well-known/jwks.json"];

pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_string);
    let applies = PATHS.contains(&req.uri().path());
    let Some(origin) = origin.filter(|_| applies) else { return next.run(req).await };
    let allowed = match app::backend::applications::origin_allowed(&state, &origin).await {
        Ok(allowed) => allowed,
        Err(e) => {
            e.log_if_internal();
            false
        }
    };
    let preflight = req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        if allowed {
            let h = r.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization, content-type, auth0-client, dpop"));
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        }
        r
    } else {
        next.run(req).await
    };
    let h = response.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if allowed {
        if let Ok(v) = HeaderValue::from_str(&origin) {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        }
    }
    response
}
