//! The OpenID Provider endpoints applications and identity providers talk to: discovery and
//! JWKS, `/authorize`, `/login/callback` (query and `form_post`), `/oauth/token` and
//! `/userinfo`. Thin: each parses the request, calls `backend::flows` or `backend::provider`,
//! and shapes the answer the protocol expects.

use app::backend::applications;
use app::backend::crypto::random_alphanumeric;
use app::backend::cookies::Cookie;
use app::backend::flows::{self, pages, AuthorizeError, AuthorizeParams, CallbackParams, Finished, ToApplication};
use app::backend::provider::logout::{self, LoggedOut, LogoutParams};
use app::backend::provider::{self, OAuthError};
use app::backend::security_headers::{content_security_policy, HEADER as CSP};
use app::backend::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use base64::Engine;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(openid_configuration))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/authorize", get(authorize))
        .route("/login/callback", get(callback_get).post(callback_post))
        .route("/oauth/token", axum::routing::post(token))
        .route("/oauth/revoke", axum::routing::post(revoke))
        .route("/oidc/logout", get(logout_get).post(logout_post))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/connections/enterprise/{id}/try", get(try_connection))
        .route("/global-token-revocation/{id}", axum::routing::post(global_token_revocation))
}

/// "Try" on a connection page: a real login through the connection, for the signed-in admin,
/// ending on "It works!" with the claims (or the named failure). The page guard already
/// requires a session; this checks it again.
async fn try_connection(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    admin: Option<axum::Extension<app::backend::admin::CurrentAdmin>>,
) -> Response {
    if admin.is_none_or(|a| a.must_change_password) {
        return Redirect::to("/signin").into_response();
    }
    let connection = match app::backend::connections::get_connection(&state, &id).await {
        Ok(c) => c,
        Err(app::backend::Error::NotFound(m)) => return (StatusCode::NOT_FOUND, Html(pages::error_page("Nothing to try", &m))).into_response(),
        Err(e) => return internal(e),
    };
    to_identity_provider(&state, flows::start_login(&state, &connection, None, None, &[]).await)
}

/// Global Token Revocation (Okta Universal Logout): 204, or the reason with its status.
async fn global_token_revocation(State(state): State<AppState>, axum::extract::Path(id): axum::extract::Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.split_once(' ')).filter(|(s, _)| s.eq_ignore_ascii_case("bearer")).map(|(_, t)| t.to_string());
    match app::backend::revocation::revoke(&state, &id, bearer.as_deref(), &body).await {
        Ok(Ok(_)) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(refusal)) => {
            let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
            let mut response = (status, [(header::CACHE_CONTROL, "no-store")], Json(serde_json::json!({ "error": refusal.error, "error_description": refusal.description }))).into_response();
            if status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            }
            response
        }
        Err(e) => {
            e.log_if_internal();
            (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({ "error": "server_error" }))).into_response()
        }
    }
}

pub(crate) fn internal(e: app::backend::Error) -> Response {
    let status = e.status();
    if status.is_client_error() {
        return (status, Html(pages::error_page("This request is not valid", &e.to_string()))).into_response();
    }
    e.log_if_internal();
    (StatusCode::INTERNAL_SERVER_ERROR, Html(pages::error_page("Something went wrong", "The details are in the server log."))).into_response()
}

async fn openid_configuration(State(state): State<AppState>) -> Response {
    Json(provider::discovery_document(&state)).into_response()
}

async fn jwks(State(state): State<AppState>) -> Response {
    match provider::jwks(&state).await {
        Ok(set) => ([(header::CACHE_CONTROL, "public, max-age=300")], Json(set)).into_response(),
        Err(e) => internal(e),
    }
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
    };
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}

/// Tessera's login page for an application's `/authorize` without a connection.
fn login_page(app_name: &str, pairs: &[(String, String)], candidates: &[app::connections::Connection], email: Option<&str>) -> Response {
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
    if let Ok(policy) = HeaderValue::from_str(&app::backend::security_headers::login_page_policy()) {
        response.headers_mut().insert(CSP, policy);
    }
    response
}

/// A started login: off to the identity provider, with the cookie that binds it to this browser.
pub(crate) fn to_identity_provider(state: &AppState, started: app::backend::Result<flows::Started>) -> Response {
    match started {
        Ok(started) => {
            // Lax is enough for the back channel's top-level GET; a cross-site form_post arrives
            // without it and is re-posted from Tessera's own page (see `callback_post`).
            let cookie = Cookie::Login.set(&started.browser_token, flows::LOGIN_TTL_MS / 1000, state.settings.cookies_secure());
            (StatusCode::FOUND, [(header::LOCATION, started.location), (header::SET_COOKIE, cookie)]).into_response()
        }
        Err(e) => internal(e),
    }
}

/// The value of one of Tessera's cookies in this request.
fn cookie<'a>(state: &AppState, jar: &'a CookieJar, which: Cookie<'_>) -> Option<&'a str> {
    jar.get(&which.name(state.settings.cookies_secure())).map(|c| c.value()).filter(|v| !v.is_empty())
}

async fn authorize(State(state): State<AppState>, jar: CookieJar, RawQuery(raw): RawQuery) -> Response {
    // Only database work until the redirect: one connection for all of it.
    let state = match state.pinned().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let pairs = query_pairs(raw.as_deref());
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let params = AuthorizeParams {
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        response_type: get("response_type"),
        scope: get("scope"),
        state: get("state"),
        nonce: get("nonce"),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        connection: get("connection"),
        login_hint: get("login_hint"),
        prompt: get("prompt"),
        max_age: get("max_age"),
        response_mode: get("response_mode"),
    };
    let authorized = match flows::authorize(&state, &params).await {
        Ok(Ok(a)) => a,
        Ok(Err(AuthorizeError::Page(reason))) => {
            return (StatusCode::BAD_REQUEST, Html(pages::error_page("This sign-in link is not valid", &reason))).into_response()
        }
        Ok(Err(AuthorizeError::ToApplication(answer))) => return to_application(answer, &[]),
        Err(e) => return internal(e),
    };
    match flows::single_sign_on(&state, &authorized, cookie(&state, &jar, Cookie::SingleSignOn)).await {
        Ok(flows::SingleSignOn::Done(answer) | flows::SingleSignOn::LoginRequired(answer)) => return to_application(answer, &[]),
        Ok(flows::SingleSignOn::SignIn) => {}
        Err(e) => return internal(e),
    }
    let connection = match authorized.connection {
        Some(c) => c,
        None => {
            let candidates = match flows::enabled_connections(&state, &authorized.app.client_id).await {
                Ok(c) => c,
                Err(e) => return internal(e),
            };
            let email = authorized.login_hint.as_deref().filter(|h| h.contains('@'));
            let found = match email {
                Some(e) => flows::discover(&state, &candidates, e).await,
                None => Ok(None),
            };
            match found {
                Ok(Some(c)) => c,
                Ok(None) => return login_page(&authorized.app.name, &pairs, &candidates, email),
                Err(e) => return internal(e),
            }
        }
    };
    to_identity_provider(&state, flows::start_login(&state, &connection, Some(authorized.request), authorized.login_hint.as_deref(), &pairs).await)
}

async fn callback_get(State(state): State<AppState>, jar: CookieJar, RawQuery(raw): RawQuery) -> Response {
    let pairs = query_pairs(raw.as_deref());
    finish(&state, &jar, &pairs).await
}

async fn callback_post(State(state): State<AppState>, jar: CookieJar, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let resubmitted = pairs.iter().any(|(k, v)| k == "resubmitted" && v == "1");
    if cookie(&state, &jar, Cookie::Login).is_none() && !resubmitted {
        // A cross-site POST from the IdP does not carry the SameSite=Lax login cookie: post the
        // same fields again from this origin, which does.
        let nonce = random_alphanumeric(22);
        let mut response = Html(pages::repost_page(&pairs, &nonce)).into_response();
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
            response.headers_mut().insert(CSP, policy);
        }
        return response;
    }
    let pairs: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "resubmitted").collect();
    finish(&state, &jar, &pairs).await
}

async fn finish(state: &AppState, jar: &CookieJar, pairs: &[(String, String)]) -> Response {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let params = CallbackParams { state: get("state"), code: get("code"), id_token: get("id_token"), error: get("error"), error_description: get("error_description") };
    let browser = cookie(state, jar, Cookie::Login).map(str::to_string);
    let secure = state.settings.cookies_secure();
    let clear = Cookie::Login.clear(secure);
    match flows::finish_login(state, &params, browser.as_deref()).await {
        Ok(Ok(Finished::ToApplication { answer, session, session_max_age_s })) => {
            to_application(answer, &[clear, Cookie::SingleSignOn.set(&session, session_max_age_s, secure)])
        }
        Ok(Ok(Finished::Tried { connection, user, claims, setup })) => {
            let continue_to = setup.as_ref().map(|s| s.return_to.as_str());
            ([(header::SET_COOKIE, clear)], Html(pages::tried_page(&connection, &user, &claims, continue_to))).into_response()
        }
        Ok(Err(failed)) => match failed.to_application {
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
        Err(e) => internal(e),
    }
}

fn oauth_error(status: StatusCode, e: &OAuthError) -> Response {
    let body = Json(serde_json::json!({ "error": e.error, "error_description": e.description }));
    let mut response = (status, [(header::CACHE_CONTROL, "no-store")], body).into_response();
    if status == StatusCode::UNAUTHORIZED {
        let challenge = if e.error == "invalid_client" { "Basic realm=\"tessera\"".to_string() } else { format!("Bearer error=\"{}\"", e.error) };
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
    }
    response
}

/// The JWT bearer client assertion type (RFC 7523 section 2.2).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Who the client says it is and its proof: HTTP Basic, `client_id`/`client_secret` in the
/// form, or a `client_assertion` (whose `sub` names the client when `client_id` is absent).
fn client_credentials(headers: &HeaderMap, form: &[(String, String)]) -> Result<(String, Option<String>, Option<String>), OAuthError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if let Some(basic) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Basic ")) {
        let bad = || OAuthError::new("invalid_client", "The Authorization header is not valid HTTP Basic.");
        let decoded = base64::engine::general_purpose::STANDARD.decode(basic.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(decoded).map_err(|_| bad())?;
        let (id, secret) = text.split_once(':').ok_or_else(bad)?;
        let decode = |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
        return Ok((decode(id), Some(decode(secret)), None));
    }
    if let Some(assertion) = field("client_assertion") {
        if field("client_assertion_type").as_deref() != Some(JWT_BEARER) {
            return Err(OAuthError::new("invalid_client", format!("client_assertion_type must be {JWT_BEARER}.")));
        }
        let claimed = app::backend::provider::jwt::unverified_claims(&assertion)
            .ok()
            .and_then(|c| c.get("sub").and_then(|s| s.as_str()).map(str::to_string));
        let id = field("client_id").or(claimed).ok_or_else(|| OAuthError::new("invalid_client", "client_id is required."))?;
        return Ok((id, None, Some(assertion)));
    }
    let id = field("client_id").ok_or_else(|| OAuthError::new("invalid_client", "client_id is required."))?;
    Ok((id, field("client_secret"), None))
}

/// The application calling `/oauth/token` or `/oauth/revoke` (`endpoint`, the path), or the
/// 401 to answer.
async fn authenticated_client(state: &AppState, headers: &HeaderMap, form: &[(String, String)], endpoint: &str) -> Result<app::applications::Application, Response> {
    use applications::ClientCredential;
    let (client_id, secret, assertion) = client_credentials(headers, form).map_err(|e| oauth_error(StatusCode::UNAUTHORIZED, &e))?;
    let credential = match (&secret, &assertion) {
        (_, Some(jwt)) => ClientCredential::Assertion(jwt),
        (Some(secret), None) => ClientCredential::Secret(secret),
        (None, None) => ClientCredential::None,
    };
    let audiences = [provider::issuer(state), state.settings.public_base().to_string(), format!("{}{endpoint}", state.settings.public_base())];
    match applications::authenticate(state, &client_id, credential, &audiences).await {
        Ok(Ok(app)) => Ok(app),
        Ok(Err(reason)) => Err(oauth_error(StatusCode::UNAUTHORIZED, &OAuthError::new("invalid_client", reason))),
        Err(e) => Err(internal(e)),
    }
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    // Only database work and signing: one connection for all of it.
    let state = match state.pinned().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let app = match authenticated_client(&state, &headers, &form, "/oauth/token").await {
        Ok(app) => app,
        Err(refused) => return refused,
    };
    match field("grant_type").as_deref() {
        Some("authorization_code") => {}
        Some("client_credentials") => {
            return match provider::machine::client_credentials(&state, &app, field("audience").as_deref(), field("scope").as_deref()).await {
                Ok(Ok(token)) => ([(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], Json(serde_json::json!(token))).into_response(),
                Ok(Err(e)) if e.error == "access_denied" => oauth_error(StatusCode::FORBIDDEN, &e),
                Ok(Err(e)) => oauth_error(StatusCode::BAD_REQUEST, &e),
                Err(e) => internal(e),
            };
        }
        Some("refresh_token") => {
            let Some(refresh_token) = field("refresh_token") else {
                return oauth_error(StatusCode::BAD_REQUEST, &OAuthError::new("invalid_request", "refresh_token is required."));
            };
            return token_answer(provider::refresh(&state, &app, &refresh_token, field("scope").as_deref()).await);
        }
        Some(other) => {
            return oauth_error(StatusCode::BAD_REQUEST, &OAuthError::new("unsupported_grant_type", format!("grant_type {other} is not supported.")))
        }
        None => return oauth_error(StatusCode::BAD_REQUEST, &OAuthError::new("invalid_request", "grant_type is required.")),
    }
    let Some(code) = field("code") else {
        return oauth_error(StatusCode::BAD_REQUEST, &OAuthError::new("invalid_request", "code is required."));
    };
    token_answer(provider::redeem_code(&state, &app, &code, field("redirect_uri").as_deref(), field("code_verifier").as_deref()).await)
}

fn token_answer(answer: app::backend::Result<Result<provider::Tokens, OAuthError>>) -> Response {
    match answer {
        Ok(Ok(tokens)) => ([(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], Json(serde_json::json!(tokens))).into_response(),
        Ok(Err(e)) => oauth_error(StatusCode::BAD_REQUEST, &e),
        Err(e) => internal(e),
    }
}

/// `POST /oauth/revoke` (RFC 7009): a refresh token revokes its family, an access token itself.
/// Unknown tokens are not an error.
async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let app = match authenticated_client(&state, &headers, &form, "/oauth/revoke").await {
        Ok(app) => app,
        Err(refused) => return refused,
    };
    let Some(token) = form.iter().find(|(k, _)| k == "token").map(|(_, v)| v.clone()) else {
        return oauth_error(StatusCode::BAD_REQUEST, &OAuthError::new("invalid_request", "token is required."));
    };
    match provider::revoke(&state, &app.client_id, &token).await {
        Ok(_) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response(),
        Err(e) => internal(e),
    }
}

async fn logout_get(State(state): State<AppState>, jar: CookieJar, RawQuery(raw): RawQuery) -> Response {
    logout(&state, &jar, &query_pairs(raw.as_deref())).await
}

async fn logout_post(State(state): State<AppState>, jar: CookieJar, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    logout(&state, &jar, &pairs).await
}

/// `/oidc/logout`: RP-initiated logout. Without an `id_token_hint`, a browser with a session is
/// asked to confirm first (any page could link here); the confirmation posts back with a token
/// only a page that knew the session cookie could make.
async fn logout(state: &AppState, jar: &CookieJar, pairs: &[(String, String)]) -> Response {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let params = LogoutParams {
        id_token_hint: get("id_token_hint"),
        post_logout_redirect_uri: get("post_logout_redirect_uri"),
        state: get("state"),
        client_id: get("client_id"),
    };
    let checked = match logout::check(state, &params).await {
        Ok(Ok(checked)) => checked,
        Ok(Err(reason)) => return (StatusCode::BAD_REQUEST, Html(pages::error_page("This sign-out link is not valid", &reason))).into_response(),
        Err(e) => return internal(e),
    };
    let session = cookie(state, jar, Cookie::SingleSignOn);
    if let (false, Some(session)) = (checked.hinted(), session) {
        let confirmation = logout::confirmation(session);
        if get("confirm").as_deref() != Some(confirmation.as_str()) {
            let mut fields: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "confirm").cloned().collect();
            fields.push(("confirm".into(), confirmation));
            let mut response = Html(pages::confirm_logout_page(&fields)).into_response();
            if let Ok(policy) = HeaderValue::from_str(&app::backend::security_headers::confirm_logout_policy(checked.redirect_uri())) {
                response.headers_mut().insert(CSP, policy);
            }
            return response;
        }
    }
    let clear = Cookie::SingleSignOn.clear(state.settings.cookies_secure());
    match logout::finish(state, checked, session).await {
        Ok(LoggedOut::Redirect(location)) => (StatusCode::FOUND, [(header::LOCATION, location), (header::SET_COOKIE, clear)]).into_response(),
        Ok(LoggedOut::Page) => ([(header::SET_COOKIE, clear)], Html(pages::signed_out_page())).into_response(),
        Err(e) => internal(e),
    }
}

async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    let Some(token) = bearer.filter(|t| !t.is_empty()) else {
        return oauth_error(StatusCode::UNAUTHORIZED, &OAuthError::new("invalid_token", "A bearer access token is required."));
    };
    match provider::userinfo(&state, token).await {
        Ok(Ok(claims)) => ([(header::CACHE_CONTROL, "no-store")], Json(claims)).into_response(),
        Ok(Err(e)) => oauth_error(StatusCode::UNAUTHORIZED, &e),
        Err(e) => internal(e),
    }
}
