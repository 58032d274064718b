//! `/oidc/logout`: RP-initiated logout. With an `id_token_hint` Tessera issued it ends the
//! session at once; without one, a browser with a session is asked to confirm first (any page
//! could link here), and the confirmation posts back with a token only a page that knew the
//! session cookie could make.

use super::{cookie, pages, ProtocolError};
use crate::extract::{Params, RefuseParams};
use app::backend::cookies::Cookie;
use app::backend::provider::logout::{self, LoggedOut, LogoutParams};
use app::backend::security_headers::{confirm_logout_policy, HEADER as CSP};
use app::backend::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use http::{header, HeaderValue, StatusCode};

impl RefuseParams for LogoutParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::page(StatusCode::BAD_REQUEST, "This sign-out link is not valid", reason)
    }
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar, params: Params<LogoutParams>) -> Result<Response, ProtocolError> {
    let checked = match logout::check(&state, &params.value).await? {
        Ok(checked) => checked,
        Err(reason) => return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "This sign-out link is not valid", reason)),
    };
    let session = cookie(&state, &jar, Cookie::SingleSignOn);
    if let (false, Some(session)) = (checked.hinted(), session) {
        let confirmation = logout::confirmation(session);
        if params.get("confirm") != Some(confirmation.as_str()) {
            let mut fields: Vec<(String, String)> = params.pairs.iter().filter(|(k, _)| k != "confirm").cloned().collect();
            fields.push(("confirm".into(), confirmation));
            let mut response = Html(pages::confirm_logout_page(&fields)).into_response();
            if let Ok(policy) = HeaderValue::from_str(&confirm_logout_policy(checked.redirect_uri())) {
                response.headers_mut().insert(CSP, policy);
            }
            return Ok(response);
        }
    }
    let clear = Cookie::SingleSignOn.clear(state.env.cookies_secure());
    Ok(match logout::finish(&state, checked, session).await? {
        LoggedOut::Redirect(location) => (StatusCode::FOUND, [(header::LOCATION, location), (header::SET_COOKIE, clear)]).into_response(),
        LoggedOut::Page => ([(header::SET_COOKIE, clear)], Html(pages::signed_out_page())).into_response(),
    })
}

/// The parameters of Auth0's `/v2/logout`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Auth0LogoutParams {
    client_id: Option<String>,
    #[serde(rename = "returnTo")]
    return_to: Option<String>,
}

impl RefuseParams for Auth0LogoutParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::page(StatusCode::BAD_REQUEST, "This sign-out link is not valid", reason)
    }
}

/// `/v2/logout`, as Auth0's SDKs call it (`client_id`, `returnTo`, `federated`): ends the
/// browser's single sign-on session at once, as Auth0 does, and goes back to `returnTo` only if
/// it is one of the application's Allowed Logout URLs. (`/oidc/logout` without an
/// `id_token_hint` asks the user first; this path keeps Auth0's behaviour for its SDKs.)
pub async fn auth0_logout(State(state): State<AppState>, jar: CookieJar, params: Params<Auth0LogoutParams>) -> Result<Response, ProtocolError> {
    let p = &params.value;
    let oidc = LogoutParams { id_token_hint: None, post_logout_redirect_uri: p.return_to.clone(), state: None, client_id: p.client_id.clone() };
    let checked = match logout::check(&state, &oidc).await? {
        Ok(checked) => checked,
        Err(reason) => return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "This sign-out link is not valid", reason.replace("post_logout_redirect_uri", "returnTo"))),
    };
    let session = cookie(&state, &jar, Cookie::SingleSignOn);
    let clear = Cookie::SingleSignOn.clear(state.env.cookies_secure());
    Ok(match logout::finish(&state, checked, session).await? {
        LoggedOut::Redirect(location) => (StatusCode::FOUND, [(header::LOCATION, location), (header::SET_COOKIE, clear)]).into_response(),
        LoggedOut::Page => ([(header::SET_COOKIE, clear)], Html(pages::signed_out_page())).into_response(),
    })
}
