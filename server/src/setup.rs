//! The door of a self-service setup link: `GET /setup/{token}` binds the link to the first
//! browser that opens it (a cookie per link) and goes on to its screens; any other browser, an
//! expired, revoked, used or altered link gets a page saying which and what to do.
//! `GET /setup/{token}/test` is the "Test sign-in": a real login through the link's connection.
//! `GET /setup/{token}/steps` renders the screens (`app::setup_screens`: server-rendered, no
//! wasm), `POST` to it is each screen's form (save, add or verify a domain, finish), and
//! `POST /setup/{token}/issuer` is the configuration screen's live issuer check. Each checks the
//! link and the cookie of the browser that opened it, and reaches only that link's organization
//! and connection.

use crate::protocol::{pages, ProtocolError};
use app::backend::cookies::Cookie;
use app::backend::crypto::random_alphanumeric;
use app::backend::organizations::setup::{self, Refusal, Scope, SetupInput};
use app::backend::security_headers::{content_security_policy, HEADER as CSP};
use app::backend::AppState;
use app::error::AppError;
use app::organizations::SetupProvider;
use app::setup_screens::{issuer_status, issuer_status_failed, page, provider_from, Refused, Screen, Step};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

/// What a setup screen's form may send: a few short fields.
const MAX_FORM_BYTES: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup/{token}", get(open))
        .route("/setup/{token}/steps", get(steps).post(submit))
        .route("/setup/{token}/issuer", post(check_issuer))
        .route("/setup/{token}/test", get(test_sign_in))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StepQuery {
    step: Option<String>,
    provider: Option<String>,
}

/// The screens' forms; each sends its `intent` and the fields it has.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StepForm {
    intent: String,
    provider: Option<String>,
    client_id: String,
    client_secret: String,
    address: String,
    domain: String,
    domain_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CheckForm {
    provider: Option<String>,
    address: String,
}

/// The link's scope for this browser, or the page saying why not.
async fn scope_of(state: &AppState, jar: &CookieJar, token: &str) -> Result<Result<Scope, Response>, ProtocolError> {
    let cookies = |name: &str| jar.get(name).map(|c| c.value().to_string());
    Ok(setup::scope(state, token, &cookies).await?.map_err(refused))
}

/// A screen as a page, its inline script allowed by this response's nonce alone.
fn render(status: StatusCode, screen: Screen) -> Response {
    let nonce = random_alphanumeric(22);
    let mut response = (status, [(header::CACHE_CONTROL, "no-store")], Html(page(screen, &nonce))).into_response();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
        response.headers_mut().insert(CSP, policy);
    }
    response
}

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location), (header::CACHE_CONTROL, "no-store".to_string())]).into_response()
}

/// The screens, complete on the server: they read and work without JavaScript.
async fn steps(State(state): State<AppState>, jar: CookieJar, Path(token): Path<String>, Query(query): Query<StepQuery>) -> Result<Response, ProtocolError> {
    let scope = match scope_of(&state, &jar, &token).await? {
        Ok(scope) => scope,
        Err(page) => return Ok(page),
    };
    let view = setup::view(&state, &scope).await?;
    let provider = provider_from(query.provider.as_deref()).or(view.connection.as_ref().map(|c| c.provider)).unwrap_or(SetupProvider::Okta);
    let step = Step::resolve(query.step.as_deref(), &view);
    Ok(render(StatusCode::OK, Screen { token, view, step, provider, refused: Refused::default(), verify_reason: None, finish_error: None }))
}

/// A screen's form: "Save configuration", "Add domain", "Verify", "Finish setup". What the
/// service refuses comes back on the same screen with the reason and what was typed (never the
/// secret); nothing is half-saved.
async fn submit(State(state): State<AppState>, jar: CookieJar, Path(token): Path<String>, Form(form): Form<StepForm>) -> Result<Response, ProtocolError> {
    let scope = match scope_of(&state, &jar, &token).await? {
        Ok(scope) => scope,
        Err(page) => return Ok(page),
    };
    let saved_provider = |view: &app::organizations::SetupView| view.connection.as_ref().map(|c| c.provider).unwrap_or(SetupProvider::Okta);
    let screen = |view, step, provider, refused| Screen { token: token.clone(), view, step, provider, refused, verify_reason: None, finish_error: None };
    match form.intent.as_str() {
        "save" => {
            let Some(provider) = provider_from(form.provider.as_deref()) else {
                return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "Choose your identity provider", "provider must be okta or oidc."));
            };
            let input = SetupInput { provider, client_id: form.client_id.clone(), client_secret: form.client_secret, address: form.address.clone() };
            match setup::save(&state, &scope, input).await {
                Ok(_) => Ok(see_other(steps_path(&token))),
                Err(e) => {
                    let status = e.status();
                    let view = setup::view(&state, &scope).await?;
                    let refused = Refused { client_id: Some(form.client_id), address: Some(form.address), domain: None, error: Some(AppError::from(e)) };
                    Ok(render(status, screen(view, Step::Configuration, provider, refused)))
                }
            }
        }
        "add_domain" => match setup::add_domain(&state, &scope, &form.domain).await {
            Ok(_) => Ok(see_other(steps_path(&token))),
            Err(e) => {
                let status = e.status();
                let view = setup::view(&state, &scope).await?;
                let provider = saved_provider(&view);
                let refused = Refused { domain: Some(form.domain), error: Some(AppError::from(e)), ..Refused::default() };
                Ok(render(status, screen(view, Step::Done, provider, refused)))
            }
        },
        "verify_domain" => {
            let (status, view, reason) = match setup::verify_domain(&state, &scope, &form.domain_id).await {
                Ok((view, reason)) => (StatusCode::OK, view, reason),
                Err(e) => (e.status(), setup::view(&state, &scope).await?, Some(AppError::from(e).to_string())),
            };
            let provider = saved_provider(&view);
            Ok(render(status, Screen { verify_reason: reason, ..screen(view, Step::Done, provider, Refused::default()) }))
        }
        "finish" => {
            let (status, view, error) = match setup::finish(&state, &scope).await {
                Ok(view) => (StatusCode::OK, view, None),
                Err(e) => (e.status(), setup::view(&state, &scope).await?, Some(AppError::from(e).to_string())),
            };
            let provider = saved_provider(&view);
            let step = if view.finished || view.tested { Step::Done } else { Step::resolve(None, &view) };
            Ok(render(status, Screen { finish_error: error, ..screen(view, step, provider, Refused::default()) }))
        }
        _ => Err(ProtocolError::page(StatusCode::BAD_REQUEST, "Unknown action", "intent must be save, add_domain, verify_domain or finish.")),
    }
}

/// The configuration screen's live check of the Okta domain or discovery endpoint, as the IT
/// admin types: whether the issuer was found, and the mark to show.
async fn check_issuer(State(state): State<AppState>, jar: CookieJar, Path(token): Path<String>, Form(form): Form<CheckForm>) -> Response {
    let cookies = |name: &str| jar.get(name).map(|c| c.value().to_string());
    let (status, (found, html)) = match setup::scope(&state, &token, &cookies).await {
        Ok(Ok(scope)) => match provider_from(form.provider.as_deref()) {
            Some(provider) => match setup::check_address(&state, &scope, provider, &form.address).await {
                Ok(check) => (StatusCode::OK, issuer_status(check)),
                Err(e) => (e.status(), issuer_status_failed(AppError::from(e).to_string())),
            },
            None => (StatusCode::BAD_REQUEST, issuer_status_failed("provider must be okta or oidc.".into())),
        },
        Ok(Err(r)) => (StatusCode::from_u16(r.status()).unwrap_or(StatusCode::FORBIDDEN), issuer_status_failed(format!("{}. {}", r.title(), r.message()))),
        Err(e) => (e.status(), issuer_status_failed(AppError::from(e).to_string())),
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(serde_json::json!({ "found": found, "html": html }))).into_response()
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
    let scope = match scope_of(&state, &jar, &token).await? {
        Ok(scope) => scope,
        Err(page) => return Ok(page),
    };
    if scope.connection_id.is_none() {
        return Err(ProtocolError::page(StatusCode::BAD_REQUEST, "Nothing to test yet", "Save the configuration first, then test the sign-in."));
    }
    let back = format!("{}?step=test", steps_path(&token));
    let started = setup::start_test(&state, &scope, &back).await?;
    Ok(crate::protocol::to_identity_provider(&state, started))
}
