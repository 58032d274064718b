//! The one state every handler and server function shares. Nothing in it is needed by another
//! replica: the database holds the truth, the rest is configuration and caches.

use crate::backend::discovery::Discovery;
use crate::backend::flows::verify::JwksCache;
use crate::backend::provider::keys::SigningKeys;
use crate::backend::tenant::TenantCache;
use crate::backend::{store::Db, Clock, Environment};
use crate::connections::validate::Rules;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    /// Shared, not copied: every request clones the state.
    #[from_ref(skip)]
    pub leptos_options: Arc<LeptosOptions>,
    pub db: Db,
    pub env: Arc<Environment>,
    pub clock: Clock,
    /// The one issuer check, with its guarded HTTP client and short-lived cache.
    pub discovery: Arc<Discovery>,
    /// Tessera's own signing keys (a short-lived cache over the database).
    pub signing_keys: Arc<SigningKeys>,
    /// The identity providers' JWK Sets, fetched through the guarded client.
    pub jwks_cache: Arc<JwksCache>,
    /// The tenant's settings (a short-lived cache over the database).
    pub tenant: Arc<TenantCache>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        (*state.leptos_options).clone()
    }
}

impl AppState {
    /// The deployment facts validation needs.
    pub fn rules(&self) -> Rules {
        Rules { allow_private_network: self.env.allow_private_network }
    }

    /// This state on one database connection for the statements that follow, back to back (an
    /// endpoint's): see [`Db::pinned`]. Not across a call to another server.
    pub async fn pinned(&self) -> crate::backend::Result<AppState> {
        Ok(AppState { db: self.db.pinned().await?, ..self.clone() })
    }

    /// This state on the pool again (for a spawned task: it must not keep a pinned connection).
    pub fn unpinned(&self) -> AppState {
        AppState { db: self.db.pool(), ..self.clone() }
    }
}

/// The client's IP address, put in each request's extensions by the server's middleware (for
/// the sign-in throttle).
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);
