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
    #[error("{}", .0.message)]
    NotFound(Missing),
    #[error("{}", .0.message)]
    Conflict(Clash),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// The database is away, full or read-only: a 503 naming which, the cause kept for the log.
    #[error("{}", .0.message())]
    Unavailable(Outage, String),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { fields: vec![FieldError::new(field, message)] }
    }

    /// `resource` does not exist: a 404 (`inexistent_{resource}` on the Management API).
    pub fn not_found(resource: Resource, message: impl Into<String>) -> Self {
        Error::NotFound(Missing { resource, message: message.into() })
    }

    /// A `resource`'s unique `field` collided: a 409 naming the field.
    pub fn conflict(resource: Resource, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Conflict(Clash { resource, error: FieldError::new(field, message) })
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
            Error::Unavailable(..) => S::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs what the client will not see. Called by every mapping to a response.
    pub fn log_if_internal(&self) {
        if let Error::Unavailable(outage, cause) = self {
            crate::backend::metrics::db_unavailable(outage.code());
            tracing::error!(reason = outage.code(), error = %cause, "request answered 503: the database is unavailable");
        } else if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }
}

/// Why the database cannot serve a request now: each answers 503 with its name and a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// It does not answer (stopped, unreachable, out of connections).
    Down,
    /// Its disk is full.
    Full,
    /// Its file or server is read-only.
    ReadOnly,
    /// Its file cannot be read or written (I/O error, file size limit).
    Io,
    /// Another writer held it for longer than the wait allows.
    Busy,
}

impl Outage {
    /// The named reason (`/metrics`, the JSON log, the Management API's `errorCode`).
    pub fn code(self) -> &'static str {
        match self {
            Outage::Down => "database_unavailable",
            Outage::Full => "database_full",
            Outage::ReadOnly => "database_read_only",
            Outage::Io => "database_io_error",
            Outage::Busy => "database_busy",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Outage::Down => "Tessera cannot reach its database right now. Try again in a few seconds.",
            Outage::Full => "Tessera's database disk is full: nothing can be saved until space is freed.",
            Outage::ReadOnly => "Tessera's database is read-only: nothing can be saved until it is writable again.",
            Outage::Io => "Tessera's database cannot be written (disk full, file size limit or a failing disk).",
            Outage::Busy => "Tessera's database is busy. Try again in a moment.",
        }
    }

    /// A PostgreSQL SQLSTATE that means the server is away or cannot take the write.
    pub fn from_sqlstate(code: &str) -> Option<Outage> {
        match code {
            "53100" => Some(Outage::Full),
            "25006" => Some(Outage::ReadOnly),
            c if c.starts_with("08") || c.starts_with("57P") || c.starts_with("53") => Some(Outage::Down),
            _ => None,
        }
    }
}

/// What a 404 or a 409 is about: the Management API names it in its error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Connection,
    Client,
    ClientGrant,
    Role,
    Organization,
    User,
    Domain,
    SetupLink,
    Token,
    Session,
    Admin,
    /// A user's consent to a third-party application.
    Grant,
}

impl Resource {
    /// Auth0's name for it in error codes (`inexistent_client`, `client_grant_conflict`).
    pub fn code_name(self) -> &'static str {
        match self {
            Resource::Connection => "connection",
            Resource::Client => "client",
            Resource::ClientGrant => "client_grant",
            Resource::Role => "role",
            Resource::Organization => "organization",
            Resource::User => "user",
            Resource::Domain => "domain",
            Resource::SetupLink => "setup_link",
            Resource::Token => "token",
            Resource::Session => "session",
            Resource::Admin => "admin",
            Resource::Grant => "grant",
        }
    }
}

/// A resource that does not exist, and the message that says which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub resource: Resource,
    pub message: String,
}

/// A unique value of a resource that is taken: the field (shown by the forms) and the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub resource: Resource,
    pub error: FieldError,
}

impl std::ops::Deref for Clash {
    type Target = FieldError;
    fn deref(&self) -> &FieldError {
        &self.error
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
            if let Some(outage) = db.code().as_deref().and_then(Outage::from_sqlstate) {
                return Error::Unavailable(outage, e.to_string());
            }
        }
        if matches!(e, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed) {
            return Error::Unavailable(Outage::Down, e.to_string());
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
            Error::NotFound(m) => AppError::NotFound(m.message),
            Error::Conflict(c) => AppError::Conflict(c.error),
            Error::TooManyRequests(m) => AppError::TooManyRequests(m),
            Error::Unavailable(outage, _) => AppError::Unavailable(outage.message().to_string()),
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => AppError::Internal,
        }
    }
}

impl From<crate::backend::crypto::CryptoError> for Error {
    fn from(e: crate::backend::crypto::CryptoError) -> Self {
        Error::internal(e)
    }
}
