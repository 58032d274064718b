//! The door of a self-service setup link: `GET /setup/{token}` binds the link to the first
//! browser that opens it (a cookie per link) and goes on to its screens; any other browser, an
//! expired, revoked, used or altered link gets a page saying which and what to do.
//! `GET /setup/{token}/test` is the "Test sign-in": a real login through the link's connection.
//! `GET /setup/{token}/steps` renders the screens: a Leptos page of their own (`app::setup_shell`,
//! hydrated by the setup module, not the dashboard's), whose server functions check the same link
//! and cookie.

use crate::protocol::{pages, ProtocolError};
use app::backend::cookies::Cookie;
use app::backend::organizations::setup::{self, Refusal};
use app::backend::AppState;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::CookieJar;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup/{token}", get(open))
        .route("/setup/{token}/steps", get(steps))
        .route("/setup/{token}/test", get(test_sign_in))
}

/// The screens, rendered once their data is loaded (as the dashboard's pages are), so they read
/// complete without JavaScript.
async fn steps(State(state): State<AppState>, request: Request<Body>) -> Response {
    let options = (*state.leptos_options).clone();
    let render = leptos_axum::render_app_async_with_context(move || leptos::prelude::provide_context(state.clone()), move || app::setup_shell(options.clone()));
    render(request).await
}

/// Where the screens are for a link.
pub fn steps_path(token: &str) -> String {
    format!("/setup/{}/steps", app::text::encode_path_segment(token))
}

fn refused(r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::FORBIDDEN);
    (status, [(header::CACHE_CONTROL, "no-store")], Html(pages::error_page(r.title(), r.message()))).into_response()
}

async fn open(State(state): State<AppState>, jar: CookieJar, Path(token): Path<String>) -> Response {
    let cookies = |name: &str| jar.get(name).map(|c| c.value().to_string());
    match setup::open(&state, &token, &cookies).await {
        Ok(Ok((scope, new_browser))) => {
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, steps_path(&token)), (header::CACHE_CONTROL, "no-store".to_string())]).into_response();
            if let Some(value) = new_browser {
                let max_age = (scope.expires_at - state.clock.now_ms()) / 1000;
                let cookie = Cookie::Setup(&scope.link_id).set(&value, max_age, state.env.cookies_secure());
                if let Ok(v) = header::HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Ok(Err(r)) => refused(r),
        Err(e) => ProtocolError::from(e).into_response(),
    }
}

async fn test_sign_in(State(state): State<AppState>, jar: CookieJar, Path(token): Path<String>) -> Result<Response, ProtocolError> {
    let cookies = |name: &str| jar.get(name).map(|c| c.value().to_string());
    let scope = match setup::scope(&state, &token, &cookies).await? {
        Ok(scope) => scope,
        Err(r) => return Ok(refused(r)),
    };
    if scope.connection_id.is_none() {
        return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "Nothing to test yet", "Save the configuration first, then test the sign-in."));
    }
    let back = format!("{}?step=test", steps_path(&token));
    let started = setup::start_test(&state, &scope, &back).await?;
    Ok(crate::protocol::to_identity_provider(&state, started))
}
