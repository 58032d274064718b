//! The backend's one error type. Its HTTP mapping (in `status`) and its conversion to the
//! server functions' [`AppError`] both log internal details and never send them.

use crate::error::{AppError, FieldError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid { fields: Vec<FieldError> },
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{}", .0.message)]
    Conflict(FieldError),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { fields: vec![FieldError::new(field, message)] }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Conflict(FieldError::new(field, message))
    }

    pub fn internal(what: impl std::fmt::Display) -> Self {
        Error::Internal(what.to_string())
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Error::Invalid { .. } => S::BAD_REQUEST,
            Error::Unauthorized => S::UNAUTHORIZED,
            Error::Forbidden(_) => S::FORBIDDEN,
            Error::NotFound(_) => S::NOT_FOUND,
            Error::Conflict(_) => S::CONFLICT,
            Error::TooManyRequests(_) => S::TOO_MANY_REQUESTS,
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs what the client will not see. Called by every mapping to a response.
    pub fn log_if_internal(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        // PostgreSQL refuses text holding NUL (U+0000), which SQLite keeps: the caller sent it,
        // so it is their 400, not a 500.
        if let sqlx::Error::Database(db) = &e {
            if db.code().as_deref() == Some("22021") {
                return Error::invalid("input", "text may not contain the NUL character (U+0000)");
            }
        }
        Error::Database(e)
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        e.log_if_internal();
        match e {
            Error::Invalid { fields } => AppError::Invalid(fields),
            Error::Unauthorized => AppError::Unauthorized,
            Error::Forbidden(m) => AppError::Forbidden(m),
            Error::NotFound(m) => AppError::NotFound(m),
            Error::Conflict(f) => AppError::Conflict(f),
            Error::TooManyRequests(m) => AppError::TooManyRequests(m),
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => AppError::Internal,
        }
    }
}

impl From<crate::backend::crypto::CryptoError> for Error {
    fn from(e: crate::backend::crypto::CryptoError) -> Self {
        Error::internal(e)
    }
}
