//! How the protocol door answers what went wrong: an OAuth 2.0 error as JSON (RFC 6749 §5.2)
//! for the endpoints applications call, or a page for a browser that cannot go back to an
//! application. A backend error of the caller's making (4xx) is shown with its reason; any
//! other is logged and answered without internals.

use super::pages;
use app::backend::provider::OAuthError;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue, StatusCode};

#[derive(Debug)]
pub enum ProtocolError {
    /// For an application's call (`/oauth/token`, `/oauth/revoke`, `/userinfo`): JSON.
    OAuth(StatusCode, OAuthError),
    /// For a browser: a page with a title and the reason.
    Page(StatusCode, String, String),
    /// The backend failed, answered as a page (`json` false) or as OAuth's `server_error`.
    Backend(app::backend::Error, bool),
}

impl ProtocolError {
    pub fn oauth(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        ProtocolError::OAuth(status, OAuthError::new(error, description))
    }

    pub fn page(status: StatusCode, title: impl Into<String>, reason: impl Into<String>) -> Self {
        ProtocolError::Page(status, title.into(), reason.into())
    }

    /// A backend error for a JSON endpoint.
    pub fn json(e: app::backend::Error) -> Self {
        ProtocolError::Backend(e, true)
    }
}

/// A backend error for a browser endpoint (`?` in a page handler).
impl From<app::backend::Error> for ProtocolError {
    fn from(e: app::backend::Error) -> Self {
        ProtocolError::Backend(e, false)
    }
}

/// An OAuth error's JSON answer, with `WWW-Authenticate` on a 401 (Basic for a client that
/// failed to authenticate, Bearer for a token).
pub fn oauth_response(status: StatusCode, e: &OAuthError) -> Response {
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

impl IntoResponse for ProtocolError {
    fn into_response(self) -> Response {
        match self {
            ProtocolError::OAuth(status, e) => oauth_response(status, &e),
            ProtocolError::Page(status, title, reason) => (status, Html(pages::error_page(&title, &reason))).into_response(),
            ProtocolError::Backend(app::backend::Error::Unavailable(outage, cause), json) => {
                app::backend::Error::Unavailable(outage, cause).log_if_internal();
                let mut response = if json {
                    oauth_response(StatusCode::SERVICE_UNAVAILABLE, &OAuthError::new("temporarily_unavailable", format!("{} ({})", outage.message(), outage.code())))
                } else {
                    (StatusCode::SERVICE_UNAVAILABLE, Html(pages::error_page("Sign-in is unavailable for a moment", outage.message()))).into_response()
                };
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                response
            }
            ProtocolError::Backend(e, json) => {
                let status = e.status();
                match (status.is_client_error(), json) {
                    (true, false) => (status, Html(pages::error_page("This request is not valid", &e.to_string()))).into_response(),
                    (true, true) => oauth_response(status, &OAuthError::new("invalid_request", e.to_string())),
                    (false, false) => {
                        e.log_if_internal();
                        (StatusCode::INTERNAL_SERVER_ERROR, Html(pages::error_page("Something went wrong", "The details are in the server log."))).into_response()
                    }
                    (false, true) => {
                        e.log_if_internal();
                        oauth_response(StatusCode::INTERNAL_SERVER_ERROR, &OAuthError::new("server_error", "The details are in the server log."))
                    }
                }
            }
        }
    }
}
