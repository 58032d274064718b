//! The server-only backend: one module per capability. The dashboard's server functions, the
//! Management API (`/api/v2`) and the protocol endpoints are three doors into these functions.

pub mod admin;
pub mod applications;
pub mod clock;
pub mod connections;
pub mod cookies;
pub mod crypto;
pub mod discovery;
pub mod dns;
pub mod error;
pub mod flows;
pub mod logs;
pub mod mail;
pub mod metrics;
pub mod oidc;
pub mod organizations;
pub mod provider;
pub mod proxies;
pub mod revocation;
pub mod roles;
pub mod scim;
pub mod security_headers;
pub mod environment;
pub mod state;
pub mod store;
pub mod tenant;
pub mod upstream;
pub mod vault;
pub mod users;

pub use clock::Clock;
pub use error::{Error, Result};
pub use environment::Environment;
pub use state::AppState;
