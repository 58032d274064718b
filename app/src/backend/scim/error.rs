//! SCIM's error response (RFC 7644 section 3.12): every 4xx names the problem in `detail` and,
//! where the RFC has one, a `scimType`.

use serde_json::{json, Value};

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError { status, scim_type, detail: detail.into() }
    }
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidFilter"), detail)
    }
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidSyntax"), detail)
    }
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidValue"), detail)
    }
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(400, Some("invalidPath"), detail)
    }
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::new(400, Some("noTarget"), detail)
    }
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::new(400, Some("mutability"), detail)
    }
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(409, Some("uniqueness"), detail)
    }
    pub fn too_many(detail: impl Into<String>) -> Self {
        Self::new(400, Some("tooMany"), detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, None, detail)
    }
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        Self::new(412, None, detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(401, None, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(403, None, detail)
    }
    pub fn not_implemented(detail: impl Into<String>) -> Self {
        Self::new(501, None, detail)
    }
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(413, None, detail)
    }
    /// A failure on Tessera's side: the details are logged by the caller, never sent.
    pub fn internal() -> Self {
        Self::new(500, None, "Something went wrong on Tessera's side; the details are in its log.")
    }

    pub fn body(&self) -> Value {
        let mut body = json!({ "schemas": [ERROR_SCHEMA], "status": self.status.to_string(), "detail": self.detail });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        body
    }
}

impl From<crate::backend::Error> for ScimError {
    fn from(e: crate::backend::Error) -> Self {
        use crate::backend::Error as E;
        e.log_if_internal();
        match e {
            E::Invalid { fields } => ScimError::invalid_value(fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
            E::NotFound(m) => ScimError::not_found(m.message),
            E::Conflict(c) => ScimError::uniqueness(c.error.message),
            E::Unauthorized => ScimError::unauthorized("A SCIM bearer token is required."),
            E::Forbidden(m) => ScimError::forbidden(m),
            E::TooManyRequests(m) => ScimError::new(429, None, m),
            E::Unavailable(outage, _) => ScimError::new(503, None, outage.message()),
            E::Database(_) | E::Migrate(_) | E::Internal(_) => ScimError::internal(),
        }
    }
}

pub type ScimResult<T> = std::result::Result<T, ScimError>;

impl From<sqlx::Error> for ScimError {
    fn from(e: sqlx::Error) -> Self {
        crate::backend::Error::from(e).into()
    }
}
