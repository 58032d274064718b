//! The consent screen of a third-party application, and `POST /authorize/consent`, its answer.
//! The screen is shown after the user signed in (at the IdP or by the single sign-on session);
//! its form carries a single-use token, and a cookie binds it to this browser.

use super::{cookie, pages, to_application, ProtocolError};
use crate::extract::{Params, RefuseParams};
use app::backend::flows::ConsentPrompt;
use app::backend::cookies::Cookie;
use app::backend::security_headers::{confirm_logout_policy, HEADER as CSP};
use app::backend::{flows, AppState};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use http::{header, HeaderValue, StatusCode};
use serde::Deserialize;

/// The consent screen, with the cookie that binds it to this browser and any `cookies` the
/// sign-in sets (the single sign-on session).
pub fn screen(state: &AppState, prompt: &ConsentPrompt, cookies: &[String]) -> Response {
    let secure = state.env.cookies_secure();
    let mut response = Html(pages::consent_page(&prompt.application, &prompt.scopes, &prompt.token)).into_response();
    // The form posts here, and the answer redirects to the application.
    if let Ok(policy) = HeaderValue::from_str(&confirm_logout_policy(Some(&prompt.redirect_uri))) {
        response.headers_mut().insert(CSP, policy);
    }
    let minutes = flows::CONSENT_TTL_MS / 1000;
    for c in cookies.iter().cloned().chain(std::iter::once(Cookie::Consent.set(&prompt.browser_token, minutes, secure))) {
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

#[derive(Deserialize)]
pub struct ConsentParams {
    token: String,
    /// `allow` or `deny`.
    decision: String,
}

impl RefuseParams for ConsentParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::page(StatusCode::BAD_REQUEST, "This consent answer is not valid", reason)
    }
}

pub async fn decide(State(state): State<AppState>, jar: CookieJar, params: Params<ConsentParams>) -> Result<Response, ProtocolError> {
    let allow = match params.value.decision.as_str() {
        "allow" => true,
        "deny" => false,
        _ => return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "This consent answer is not valid", "decision must be allow or deny.")),
    };
    let browser = cookie(&state, &jar, Cookie::Consent);
    let clear = Cookie::Consent.clear(state.env.cookies_secure());
    match flows::answer_consent(&state, &params.value.token, browser, allow).await? {
        Some(answer) => Ok(to_application(answer, &[clear])),
        None => Err(ProtocolError::page(
            StatusCode::BAD_REQUEST,
            "This consent screen has expired",
            "It was already answered, is older than ten minutes, or was opened in another browser. Go back to the application and sign in again.",
        )),
    }
}
