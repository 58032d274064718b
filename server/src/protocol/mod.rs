//! The OpenID Provider endpoints applications and identity providers talk to, one file per job:
//! discovery and JWKS, `/authorize` (with Tessera's login page and "Try"), `/login/callback`,
//! `/oauth/token` and `/oauth/revoke`, `/oidc/logout`, `/userinfo`, and Global Token
//! Revocation. Each handler reads its parameters with [`crate::extract::Params`], calls
//! `backend::flows` or `backend::provider`, and answers with a [`ProtocolError`] when it must.

mod authorize;
mod callback;
mod consent;
mod cors;
mod discovery;
mod error;
mod logo;
mod logout;
mod register;
pub mod pages;
mod revocation;
mod token;
mod userinfo;

pub use error::ProtocolError;

use app::backend::cookies::Cookie;
use app::backend::crypto::random_alphanumeric;
use app::backend::flows::{self, ToApplication};
use app::backend::security_headers::HEADER as CSP;
use app::backend::AppState;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use http::{header, HeaderValue, StatusCode};

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route("/authorize", get(authorize::authorize))
        .route("/authorize/consent", post(consent::decide))
        .route("/connections/enterprise/{id}/try", get(authorize::try_connection))
        .route("/connections/logo-preview", get(logo::preview))
        .route("/login/callback", get(callback::callback_get).post(callback::callback_post))
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(token::revoke))
        .route("/oidc/logout", get(logout::logout).post(logout::logout))
        .route("/oidc/register", post(register::register).layer(register::body_limit()))
        .route("/userinfo", get(userinfo::userinfo).post(userinfo::userinfo))
        .route("/global-token-revocation/{id}", post(revocation::by_id))
        .route("/oauth/global-token-revocation/connection/{name}", post(revocation::by_name))
        .route("/v2/logout", get(logout::auth0_logout))
        .layer(axum::middleware::from_fn_with_state(state, cors::cors))
}

/// The value of one of Tessera's cookies in this request.
fn cookie<'a>(state: &AppState, jar: &'a CookieJar, which: Cookie<'_>) -> Option<&'a str> {
    jar.get(&which.name(state.env.cookies_secure())).map(|c| c.value()).filter(|v| !v.is_empty())
}

/// The answer to an application, with `cookies` set: a 302 to its redirect_uri, or the form
/// post page (`response_mode=form_post`).
fn to_application(answer: ToApplication, cookies: &[String]) -> Response {
    let mut response = match answer {
        ToApplication::Redirect(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        ToApplication::FormPost { action, fields } => {
            let nonce = random_alphanumeric(22);
            let mut response = Html(pages::form_post_page(&action, &fields, &nonce, "Signing you in…")).into_response();
            if let Ok(policy) = HeaderValue::from_str(&app::backend::security_headers::form_post_policy(&nonce, &action)) {
                response.headers_mut().insert(CSP, policy);
            }
            response
        }
        ToApplication::WebMessage { origin, fields } => {
            let nonce = random_alphanumeric(22);
            let mut response = Html(pages::web_message_page(&origin, &fields, &nonce)).into_response();
            if let Ok(policy) = HeaderValue::from_str(&app::backend::security_headers::web_message_policy(&nonce, &origin)) {
                response.headers_mut().insert(CSP, policy);
            }
            response
        }
    };
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A started login: off to the identity provider, with the cookie that binds it to this browser.
/// (Lax is enough for the back channel's top-level GET; a cross-site form_post arrives without
/// it and is re-posted from Tessera's own page, see `callback`.)
pub(crate) fn to_identity_provider(state: &AppState, started: flows::Started) -> Response {
    let cookie = Cookie::Login.set(&started.browser_token, flows::LOGIN_TTL_MS / 1000, state.env.cookies_secure());
    (StatusCode::FOUND, [(header::LOCATION, started.location), (header::SET_COOKIE, cookie)]).into_response()
}
