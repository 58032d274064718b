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
