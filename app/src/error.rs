//! The error every server function returns. It crosses the wire, so the UI can tell a missing
//! session from a validation problem and put each field's message under its field.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one input field: `field` uses the API's dotted names (`options.client_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No signed-in admin (or the session expired).
    #[error("Your session has ended. Sign in again to continue.")]
    Unauthorized,
    /// Signed in, but not allowed to do this (yet): e.g. the one-time password must be changed.
    #[error("{0}")]
    Forbidden(String),
    /// The input broke one or more rules; each entry names its field.
    #[error("{}", join_fields(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    /// A unique value is already taken (a connection name, a home realm discovery domain).
    #[error("{}", .0.message)]
    Conflict(FieldError),
    #[error("{0}")]
    TooManyRequests(String),
    /// The database is away, full or read-only (the sentence says which).
    #[error("{0}")]
    Unavailable(String),
    /// Details are logged on the server, never sent.
    #[error("Something went wrong on our side. The details are in the server log.")]
    Internal,
    /// Transport-level failures from the server function machinery.
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

fn join_fields(fields: &[FieldError]) -> String {
    fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl AppError {
    /// The message for one field, if the error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(fields) => {
                fields.iter().find(|f| f.field == field).map(|f| f.message.clone())
            }
            AppError::Conflict(f) if f.field == field => Some(f.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_error_names_every_field_in_its_message() {
        let e = AppError::Invalid(vec![
            FieldError::new("name", "is required"),
            FieldError::new("options.client_id", "is required"),
        ]);
        assert_eq!(e.to_string(), "name: is required; options.client_id: is required");
        assert_eq!(e.field_message("options.client_id").as_deref(), Some("is required"));
        assert_eq!(e.field_message("options.scope"), None);
    }
}
