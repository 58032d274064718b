//! Auth0's error shape: `{"statusCode":400,"error":"Bad Request","message":"…","errorCode":"invalid_body"}`.
//! Internal details are logged, never sent.

use app::backend::error::Resource;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[schema(example = 400)]
    pub status_code: u16,
    #[schema(example = "Bad Request")]
    pub error: String,
    #[schema(example = "Payload validation error: options.client_id is required")]
    pub message: String,
    #[schema(example = "invalid_body")]
    pub error_code: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub code: &'static str,
    pub www_authenticate: Option<String>,
}

pub const REALM: &str = "Tessera Management API";

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>, code: &'static str) -> Self {
        Self { status, message: message.into(), code, www_authenticate: None }
    }

    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, "invalid_body")
    }

    pub fn bad_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, "invalid_query_string")
    }

    pub fn not_found(message: impl Into<String>, code: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, message, code)
    }

    /// 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750).
    pub fn unauthorized(message: impl Into<String>, error: Option<&str>) -> Self {
        let challenge = match error {
            Some(e) => format!("Bearer realm=\"{REALM}\", error=\"{e}\""),
            None => format!("Bearer realm=\"{REALM}\""),
        };
        Self { www_authenticate: Some(challenge), ..Self::new(StatusCode::UNAUTHORIZED, message, "invalid_token") }
    }

    pub fn insufficient_scope(scope: &str) -> Self {
        Self {
            www_authenticate: Some(format!("Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\"")),
            ..Self::new(StatusCode::FORBIDDEN, format!("Insufficient scope, expected: {scope}"), "insufficient_scope")
        }
    }
}

/// Auth0's 404 code for a resource: `inexistent_client`, `inexistent_connection`, …
fn inexistent(resource: Resource) -> &'static str {
    match resource {
        Resource::Connection => "inexistent_connection",
        Resource::Client => "inexistent_client",
        Resource::ClientGrant => "inexistent_grant",
        Resource::Role => "inexistent_role",
        Resource::Organization => "inexistent_organization",
        Resource::User => "inexistent_user",
        Resource::Domain => "inexistent_domain",
        Resource::SetupLink => "inexistent_setup_link",
        Resource::Token => "inexistent_token",
        Resource::Session => "inexistent_session",
        Resource::Admin => "inexistent_admin",
        Resource::Grant => "inexistent_user_grant",
    }
}

/// The 409 code for a resource: `connection_conflict`, `client_grant_conflict`, …
fn conflict(resource: Resource) -> &'static str {
    match resource {
        Resource::Connection => "connection_conflict",
        Resource::Client => "client_conflict",
        Resource::ClientGrant => "client_grant_conflict",
        Resource::Role => "role_conflict",
        Resource::Organization => "organization_conflict",
        Resource::User => "user_conflict",
        Resource::Domain => "domain_conflict",
        Resource::SetupLink => "setup_link_conflict",
        Resource::Token => "token_conflict",
        Resource::Session => "session_conflict",
        Resource::Admin => "admin_conflict",
        Resource::Grant => "user_grant_conflict",
    }
}

/// A conflict as a sentence: "name: a role with this name exists" reads as "A role with this
/// name exists."; a message that is the rest of a sentence about its field keeps the field
/// ("connection_id belongs to another organization").
fn conflict_message(f: &app::error::FieldError) -> String {
    let continues = ["is ", "belongs ", "already ", "has ", "must "].iter().any(|w| f.message.starts_with(w));
    let sentence = if continues { format!("{} {}", f.field, f.message) } else { app::text::sentence(&f.message) };
    if sentence.ends_with('.') || sentence.ends_with(')') { sentence } else { format!("{sentence}.") }
}

impl From<app::backend::Error> for ApiError {
    fn from(e: app::backend::Error) -> Self {
        use app::backend::Error as E;
        e.log_if_internal();
        let status = e.status();
        match e {
            E::Invalid { fields } => {
                let parts: Vec<String> = fields.iter().map(|f| format!("{} {}", f.field, f.message)).collect();
                ApiError::bad_body(format!("Payload validation error: {}", parts.join("; ")))
            }
            E::NotFound(m) => ApiError::not_found(m.message, inexistent(m.resource)),
            E::Conflict(c) => ApiError::new(status, conflict_message(&c.error), conflict(c.resource)),
            E::Forbidden(m) => ApiError::new(status, m, "insufficient_scope"),
            E::Unauthorized => ApiError::unauthorized("Invalid token", Some("invalid_token")),
            E::TooManyRequests(m) => ApiError::new(status, m, "too_many_requests"),
            E::Unavailable(outage, _) => ApiError::new(status, outage.message(), outage.code()),
            E::Database(_) | E::Migrate(_) | E::Internal(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error; the details are in the server log.", "internal_error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            status_code: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error").to_string(),
            message: self.message,
            error_code: self.code.to_string(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.www_authenticate.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}
