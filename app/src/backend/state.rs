//! The one state every handler and server function shares. Nothing in it is needed by another
//! replica: the database holds the truth, the rest is configuration and caches.

use crate::backend::{store::Db, Clock, Settings};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Clock,
}

/// The client's IP address, put in each request's extensions by the server's middleware (for
/// the sign-in throttle).
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);
