//! `/authorize`: an application's sign-in request, checked, answered from the single sign-on
//! session when it may be, sent to the connection it named or its email's (home realm
//! discovery), or shown Tessera's login page. And "Try" on a connection page, which starts the
//! same login for the signed-in admin.

use super::{cookie, pages, to_application, to_identity_provider, ProtocolError};
use crate::extract::{Params, RefuseParams};
use app::backend::admin::CurrentAdmin;
use app::backend::cookies::Cookie;
use app::backend::flows::{self, AuthorizeError, AuthorizeParams, SingleSignOn};
use app::backend::security_headers::{login_page_policy, HEADER as CSP};
use app::backend::AppState;
use app::connections::Connection;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::CookieJar;
use http::{HeaderValue, StatusCode};

impl RefuseParams for AuthorizeParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::page(StatusCode::BAD_REQUEST, "This sign-in link is not valid", reason)
    }
}

pub async fn authorize(State(state): State<AppState>, jar: CookieJar, params: Params<AuthorizeParams>) -> Result<Response, ProtocolError> {
    // Only database work until the redirect: one connection for all of it.
    let state = state.pinned().await?;
    let authorized = match flows::authorize(&state, &params.value).await? {
        Ok(a) => a,
        Err(AuthorizeError::Page(reason)) => return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "This sign-in link is not valid", reason)),
        Err(AuthorizeError::ToApplication(answer)) => return Ok(to_application(answer, &[])),
    };
    match flows::single_sign_on(&state, &authorized, cookie(&state, &jar, Cookie::SingleSignOn)).await? {
        SingleSignOn::Done(answer) | SingleSignOn::LoginRequired(answer) => return Ok(to_application(answer, &[])),
        SingleSignOn::SignIn => {}
        SingleSignOn::Consent(prompt) => return Ok(super::consent::screen(&state, &prompt, &[])),
    }
    let connection = match authorized.connection {
        Some(c) => c,
        None => {
            let candidates = flows::enabled_connections(&state, &authorized.app.client_id).await?;
            let email = authorized.login_hint.as_deref().filter(|h| h.contains('@'));
            let found = match email {
                Some(e) => flows::discover(&state, &candidates, e).await?,
                None => None,
            };
            match found {
                Some(c) => c,
                None => return Ok(login_page(&authorized.app.name, &params.pairs, &candidates, email)),
            }
        }
    };
    let started = flows::start_login(&state, &connection, Some(authorized.request), authorized.login_hint.as_deref(), &params.pairs).await?;
    Ok(to_identity_provider(&state, started))
}

/// Tessera's login page for an application's `/authorize` without a connection.
fn login_page(app_name: &str, pairs: &[(String, String)], candidates: &[Connection], email: Option<&str>) -> Response {
    let hidden: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "connection" && k != "login_hint").cloned().collect();
    let buttons: Vec<pages::LoginButton> = candidates
        .iter()
        .filter(|c| c.show_as_button)
        .map(|c| {
            let mut with = hidden.clone();
            with.push(("connection".into(), c.name.clone()));
            let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(with).finish();
            pages::LoginButton {
                label: app::text::button_label(c.display_name.as_deref().unwrap_or_default(), &c.name),
                icon_url: c.options.icon_url.clone(),
                href: format!("/authorize?{query}"),
            }
        })
        .collect();
    let error = email.map(|e| {
        let domain = e.rsplit_once('@').map(|(_, d)| d).unwrap_or(e);
        format!("No sign-in is set up for {domain}. Use your organization's button, or ask your administrator.")
    });
    let mut response = Html(pages::login_page(app_name, &hidden, email, error.as_deref(), &buttons)).into_response();
    if let Ok(policy) = HeaderValue::from_str(&login_page_policy(buttons.iter().filter_map(|b| b.icon_url.as_deref()))) {
        response.headers_mut().insert(CSP, policy);
    }
    response
}

/// "Try" on a connection page: a real login through the connection, for the signed-in admin,
/// ending on "It works!" with the claims (or the named failure). The page guard already
/// requires a session; this checks it again.
pub async fn try_connection(State(state): State<AppState>, Path(id): Path<String>, admin: Option<Extension<CurrentAdmin>>) -> Result<Response, ProtocolError> {
    if admin.is_none_or(|a| a.must_change_password) {
        return Ok(Redirect::to("/signin").into_response());
    }
    let connection = match app::backend::connections::get_connection(&state, &id).await {
        Ok(c) => c,
        Err(app::backend::Error::NotFound(m)) => return Err(ProtocolError::page(StatusCode::NOT_FOUND, "Nothing to try", m.message)),
        Err(e) => return Err(e.into()),
    };
    let started = flows::start_login(&state, &connection, None, None, &[]).await?;
    Ok(to_identity_provider(&state, started))
}
