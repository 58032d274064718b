//! Loads the signed-in admin from the session cookie into the request's extensions, where the
//! page guard, the server functions and the pages find it; and the client's address (behind
//! `TESSERA_TRUSTED_PROXIES`, from `X-Forwarded-For`) for the sign-in throttle.

use app::backend::admin::sessions;
use app::backend::cookies::Cookie;
use app::backend::state::ClientAddress;
use app::backend::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use http::StatusCode;
use std::net::SocketAddr;

/// Requests that never act for an admin, so the cookie is not looked up: the Management API and
/// SCIM (bearer tokens only, never the cookie), and the site's files, which a hydrating page asks
/// for by the dozen (25 files under `/pkg` for a cold Roles page, each a session lookup before).
const NO_SESSION: &[&str] = &["/api/v2/", "/scim/v2/", "/pkg/", "/logos/", "/favicon"];

pub async fn load_session(State(state): State<AppState>, jar: CookieJar, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let address = match peer {
        Some(peer) => state.env.trusted_proxies.client_address(peer, forwarded).to_string(),
        None => "unknown".into(),
    };
    req.extensions_mut().insert(ClientAddress(address));

    if !NO_SESSION.iter().any(|p| req.uri().path().starts_with(p)) {
        if let Some(cookie) = jar.get(&Cookie::Admin.name(state.env.cookies_secure())).filter(|c| !c.value().is_empty()) {
            match sessions::load_session(&state.db, &state.clock, cookie.value()).await {
                Ok(Some(admin)) => {
                    req.extensions_mut().insert(admin);
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "could not load the admin session");
                    return (StatusCode::SERVICE_UNAVAILABLE, "Tessera cannot reach its database right now.").into_response();
                }
            }
        }
    }
    next.run(req).await
}
