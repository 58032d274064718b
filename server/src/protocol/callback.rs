//! `/login/callback`: where identity providers send users back, by query (back channel) or by
//! `form_post` (front channel). A cross-site POST that arrives without the login cookie is
//! posted again from Tessera's own page, which carries it.

use super::{cookie, pages, to_application, ProtocolError};
use crate::extract::{Params, RefuseParams};
use app::backend::cookies::Cookie;
use app::backend::crypto::random_alphanumeric;
use app::backend::flows::{self, CallbackParams, Finished};
use app::backend::organizations::setup;
use app::backend::security_headers::{content_security_policy, HEADER as CSP};
use app::backend::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use http::{header, HeaderValue, StatusCode};

impl RefuseParams for CallbackParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::page(StatusCode::BAD_REQUEST, "Signing in failed", reason)
    }
}

pub async fn callback_get(State(state): State<AppState>, jar: CookieJar, params: Params<CallbackParams>) -> Result<Response, ProtocolError> {
    finish(&state, &jar, &params.value).await
}

pub async fn callback_post(State(state): State<AppState>, jar: CookieJar, params: Params<CallbackParams>) -> Result<Response, ProtocolError> {
    if cookie(&state, &jar, Cookie::Login).is_none() && params.get("resubmitted") != Some("1") {
        // A cross-site POST from the IdP does not carry the SameSite=Lax login cookie: post the
        // same fields again from this origin, which does.
        let nonce = random_alphanumeric(22);
        let mut response = Html(pages::repost_page(&params.pairs, &nonce)).into_response();
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
            response.headers_mut().insert(CSP, policy);
        }
        return Ok(response);
    }
    finish(&state, &jar, &params.value).await
}

async fn finish(state: &AppState, jar: &CookieJar, params: &CallbackParams) -> Result<Response, ProtocolError> {
    let browser = cookie(state, jar, Cookie::Login);
    let secure = state.env.cookies_secure();
    let clear = Cookie::Login.clear(secure);
    Ok(match flows::finish_login(state, params, browser).await? {
        Ok(Finished::ToApplication { answer, session, session_max_age_s }) => {
            to_application(answer, &[clear, Cookie::SingleSignOn.set(&session, session_max_age_s, secure)])
        }
        Ok(Finished::Consent { prompt, session, session_max_age_s }) => {
            super::consent::screen(state, &prompt, &[clear, Cookie::SingleSignOn.set(&session, session_max_age_s, secure)])
        }
        Ok(Finished::Tried { connection, user, claims, setup, notes }) => {
            // A setup link's test sign-in worked: the link may now be finished.
            if let Some(test) = &setup {
                setup::record_test(state, &test.link_id, &connection.id).await?;
            }
            let continue_to = setup.as_ref().map(|s| s.return_to.as_str());
            ([(header::SET_COOKIE, clear)], Html(pages::tried_page(&connection, &user, &claims, &notes, continue_to))).into_response()
        }
        Err(failed) => match failed.to_application {
            Some(answer) => to_application(answer, &[clear]),
            None => {
                let title = match &failed.connection_name {
                    Some(name) => format!("Signing in through {name} failed"),
                    None => "Signing in failed".to_string(),
                };
                let page = pages::error_page_back(&title, &failed.reason, failed.setup_return.as_deref());
                (StatusCode::BAD_REQUEST, [(header::SET_COOKIE, clear)], Html(page)).into_response()
            }
        },
    })
}
