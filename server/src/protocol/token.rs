//! `/oauth/token` (authorization code with PKCE, refresh token, client credentials, Auth0's
//! Token Vault exchange) and
//! `/oauth/revoke` (RFC 7009), with the client authenticated by HTTP Basic, a secret in the
//! body, or a `private_key_jwt` client assertion. The body may be a form or, as Auth0's SDKs
//! send it, JSON.

use super::ProtocolError;
use crate::extract::{Params, RefuseParams};
use app::applications::Application;
use app::backend::applications::{self, ClientCredential};
use app::backend::provider::{self, OAuthError};
use app::backend::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use http::{header, HeaderMap, StatusCode};
use serde::Deserialize;

/// The parameters of `/oauth/token` and `/oauth/revoke`.
#[derive(Debug, Default, Deserialize)]
pub struct TokenParams {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    audience: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_assertion: Option<String>,
    client_assertion_type: Option<String>,
    /// `/oauth/revoke`: the token to revoke.
    token: Option<String>,
    /// Token Vault (RFC 8693 parameters, as Auth0 names them).
    subject_token: Option<String>,
    subject_token_type: Option<String>,
    requested_token_type: Option<String>,
    connection: Option<String>,
    /// Accepted as Auth0 documents it; Tessera keeps one account per user and connection.
    #[allow(dead_code)]
    login_hint: Option<String>,
}

impl RefuseParams for TokenParams {
    type Refusal = ProtocolError;
    fn refuse(reason: String) -> ProtocolError {
        ProtocolError::oauth(StatusCode::BAD_REQUEST, "invalid_request", reason)
    }
}

fn required(value: &Option<String>, name: &str) -> Result<String, ProtocolError> {
    value.clone().ok_or_else(|| ProtocolError::oauth(StatusCode::BAD_REQUEST, "invalid_request", format!("{name} is required.")))
}

/// The JWT bearer client assertion type (RFC 7523 section 2.2).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Who the client says it is and its proof: HTTP Basic, `client_id`/`client_secret` in the
/// body, or a `client_assertion` (whose `sub` names the client when `client_id` is absent).
fn client_credentials(headers: &HeaderMap, p: &TokenParams) -> Result<(String, Option<String>, Option<String>), OAuthError> {
    let basic = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.split_once(' ')).filter(|(s, _)| s.eq_ignore_ascii_case("basic"));
    if let Some((_, basic)) = basic {
        let bad = || OAuthError::new("invalid_client", "The Authorization header is not valid HTTP Basic.");
        let decoded = base64::engine::general_purpose::STANDARD.decode(basic.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(decoded).map_err(|_| bad())?;
        let (id, secret) = text.split_once(':').ok_or_else(bad)?;
        let decode = |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
        return Ok((decode(id), Some(decode(secret)), None));
    }
    if let Some(assertion) = &p.client_assertion {
        if p.client_assertion_type.as_deref() != Some(JWT_BEARER) {
            return Err(OAuthError::new("invalid_client", format!("client_assertion_type must be {JWT_BEARER}.")));
        }
        let claimed = provider::jwt::unverified_claims(assertion).ok().and_then(|c| c.get("sub").and_then(|s| s.as_str()).map(str::to_string));
        let id = p.client_id.clone().or(claimed).ok_or_else(|| OAuthError::new("invalid_client", "client_id is required."))?;
        return Ok((id, None, Some(assertion.clone())));
    }
    let id = p.client_id.clone().ok_or_else(|| OAuthError::new("invalid_client", "client_id is required."))?;
    Ok((id, p.client_secret.clone(), None))
}

/// The application calling `/oauth/token` or `/oauth/revoke` (`endpoint`, the path).
async fn authenticated_client(state: &AppState, headers: &HeaderMap, p: &TokenParams, endpoint: &str) -> Result<Application, ProtocolError> {
    let (client_id, secret, assertion) = client_credentials(headers, p).map_err(|e| ProtocolError::OAuth(StatusCode::UNAUTHORIZED, e))?;
    let credential = match (&secret, &assertion) {
        (_, Some(jwt)) => ClientCredential::Assertion(jwt),
        (Some(secret), None) => ClientCredential::Secret(secret),
        (None, None) => ClientCredential::None,
    };
    let audiences = [provider::issuer(state), state.env.public_base().to_string(), format!("{}{endpoint}", state.env.public_base())];
    match applications::authenticate(state, &client_id, credential, &audiences).await.map_err(ProtocolError::json)? {
        Ok(app) => Ok(app),
        Err(reason) => Err(ProtocolError::oauth(StatusCode::UNAUTHORIZED, "invalid_client", reason)),
    }
}

/// Browser code may call for an application only from one of its origins (a request from a
/// browser carries `Origin`; one from a server does not).
fn check_origin(headers: &HeaderMap, app: &Application) -> Result<(), ProtocolError> {
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) if !applications::allows_origin(app, origin) => Err(ProtocolError::oauth(
            StatusCode::FORBIDDEN,
            "access_denied",
            format!("The origin {origin} is not one of the application's Allowed Origins (CORS) or Allowed Web Origins."),
        )),
        _ => Ok(()),
    }
}

/// A token answer: never cached.
fn tokens(body: serde_json::Value) -> Response {
    ([(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], Json(body)).into_response()
}

/// `POST /oauth/token`, counted by grant type and outcome.
pub async fn token(state: State<AppState>, headers: HeaderMap, params: Params<TokenParams>) -> Result<Response, ProtocolError> {
    let grant_type = params.value.grant_type.clone().unwrap_or_default();
    let answer = answer_token(state, headers, params).await;
    let outcome = match &answer {
        Ok(_) => "success",
        Err(ProtocolError::OAuth(_, e)) => e.error,
        Err(_) => "server_error",
    };
    app::backend::metrics::token_request(&grant_type, outcome);
    answer
}

async fn answer_token(State(state): State<AppState>, headers: HeaderMap, params: Params<TokenParams>) -> Result<Response, ProtocolError> {
    // Only database work and signing: one connection for all of it.
    let state = state.pinned().await.map_err(ProtocolError::json)?;
    let p = &params.value;
    let app = authenticated_client(&state, &headers, p, "/oauth/token").await?;
    check_origin(&headers, &app)?;
    let answer = match p.grant_type.as_deref() {
        Some("authorization_code") => {
            let code = required(&p.code, "code")?;
            provider::redeem_code(&state, &app, &code, p.redirect_uri.as_deref(), p.code_verifier.as_deref()).await
        }
        Some("refresh_token") => {
            let refresh_token = required(&p.refresh_token, "refresh_token")?;
            provider::refresh(&state, &app, &refresh_token, p.scope.as_deref()).await
        }
        Some("client_credentials") => {
            return match provider::machine::client_credentials(&state, &app, p.audience.as_deref(), p.scope.as_deref()).await.map_err(ProtocolError::json)? {
                Ok(token) => Ok(tokens(serde_json::json!(token))),
                Err(e) if e.error == "access_denied" => Err(ProtocolError::OAuth(StatusCode::FORBIDDEN, e)),
                Err(e) => Err(ProtocolError::OAuth(StatusCode::BAD_REQUEST, e)),
            };
        }
        Some(app::backend::vault::GRANT_TYPE) => {
            let subject_token = required(&p.subject_token, "subject_token")?;
            let connection = required(&p.connection, "connection")?;
            if p.requested_token_type.as_deref().is_some_and(|t| t != app::backend::vault::ISSUED_TOKEN_TYPE) {
                return Err(ProtocolError::oauth(StatusCode::BAD_REQUEST, "invalid_request", format!("requested_token_type must be {}.", app::backend::vault::ISSUED_TOKEN_TYPE)));
            }
            return match app::backend::vault::exchange(&state, &app, &subject_token, p.subject_token_type.as_deref(), &connection).await.map_err(ProtocolError::json)? {
                Ok(token) => Ok(tokens(token)),
                Err((status, e)) => Err(ProtocolError::OAuth(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), e)),
            };
        }
        Some(other) => return Err(ProtocolError::oauth(StatusCode::BAD_REQUEST, "unsupported_grant_type", format!("grant_type {other} is not supported."))),
        None => return Err(ProtocolError::oauth(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required.")),
    };
    match answer.map_err(ProtocolError::json)? {
        Ok(issued) => Ok(tokens(serde_json::json!(issued))),
        Err(e) => Err(ProtocolError::OAuth(StatusCode::BAD_REQUEST, e)),
    }
}

/// `POST /oauth/revoke` (RFC 7009): a refresh token revokes its family, an access token itself.
/// Unknown tokens are not an error.
pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, params: Params<TokenParams>) -> Result<Response, ProtocolError> {
    let app = authenticated_client(&state, &headers, &params.value, "/oauth/revoke").await?;
    check_origin(&headers, &app)?;
    let token = required(&params.value.token, "token")?;
    provider::revoke(&state, &app.client_id, &token).await.map_err(ProtocolError::json)?;
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response())
}
