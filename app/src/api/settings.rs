//! Server functions for the Settings page: Login Session Management and the signing keys. Thin:
//! each checks the admin, calls `backend::tenant` or the provider's keys, and maps the error.

use crate::error::AppError;
use crate::tenant::SessionLifetimes;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the Settings page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenantSettings {
    pub lifetimes: SessionLifetimes,
    pub keys: Vec<KeyRow>,
    /// "OIDC Dynamic Application Registration".
    pub dynamic_registration: bool,
    /// Where clients register, for the admin to hand out.
    pub registration_endpoint: String,
}

/// A signing key as the page lists it, dates already written out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyRow {
    pub kid: String,
    pub alg: String,
    pub created: String,
    /// When a rotated-out key leaves the JWKS.
    pub leaves: Option<String>,
    pub signing: bool,
}

#[cfg(feature = "ssr")]
async fn key_rows(state: &crate::backend::AppState) -> Result<Vec<KeyRow>, AppError> {
    use crate::backend::clock::format_utc;
    let keys = crate::backend::provider::keys::SigningKeys::list(&state.db, &state.clock).await.map_err(super::ssr::fail)?;
    Ok(keys
        .into_iter()
        .map(|k| KeyRow { kid: k.kid, alg: k.alg, created: format_utc(k.created_at), leaves: k.retire_at.map(format_utc), signing: k.signing })
        .collect())
}

#[server(prefix = "/rpc", endpoint = "settings/get")]
pub async fn get_tenant_settings() -> Result<TenantSettings, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let lifetimes = crate::backend::tenant::session_lifetimes(&state).await.map_err(fail)?;
    let dynamic_registration = crate::backend::tenant::dynamic_registration(&state).await.map_err(fail)?;
    let registration_endpoint = format!("{}/oidc/register", state.env.public_base());
    Ok(TenantSettings { lifetimes, keys: key_rows(&state).await?, dynamic_registration, registration_endpoint })
}

/// "Save Changes" under Login Session Management. New sessions get these lifetimes; sessions
/// already started keep theirs.
#[server(prefix = "/rpc", endpoint = "settings/session_lifetimes")]
pub async fn save_session_lifetimes(idle_session_lifetime_minutes: String, session_lifetime_minutes: String) -> Result<SessionLifetimes, AppError> {
    use super::ssr::*;
    require_admin()?;
    let saved = async {
        let lifetimes = crate::tenant::parse_lifetimes(&idle_session_lifetime_minutes, &session_lifetime_minutes).map_err(|errors| {
            set_status(http::StatusCode::BAD_REQUEST);
            AppError::Invalid(errors)
        })?;
        crate::backend::tenant::set_session_lifetimes(&state()?, lifetimes).await.map_err(fail)?;
        Ok(lifetimes)
    }
    .await;
    answer_plain_form::<SaveSessionLifetimes, _>(&saved, SETTINGS, |_| (SESSION_LIFETIMES_SAVED.into(), SETTINGS.into()));
    saved
}

/// The Settings page, where its plain forms come back to.
#[cfg(feature = "ssr")]
const SETTINGS: &str = "/settings";

/// The toast after "Save Changes" under Login Session Management.
pub const SESSION_LIFETIMES_SAVED: &str = "Changes saved: new sessions get these lifetimes";

/// The toast after "Rotate now".
pub const SIGNING_KEYS_ROTATED: &str = "Signing keys rotated: the new keys sign from now on";

/// The toast after Dynamic Client Registration is saved on or off.
pub fn dynamic_registration_saved(on: bool) -> &'static str {
    if on { "Dynamic Client Registration is on" } else { "Dynamic Client Registration is off" }
}

/// "Rotate signing keys": a new key per algorithm signs from now on; the replaced keys stay in
/// the JWKS for a day, so tokens signed before still verify. Answers the keys afterwards.
#[server(prefix = "/rpc", endpoint = "settings/rotate_keys")]
pub async fn rotate_signing_keys() -> Result<Vec<KeyRow>, AppError> {
    use super::ssr::*;
    use crate::backend::provider::keys::DEFAULT_OVERLAP_MS;
    let admin = require_admin()?;
    let state = state()?;
    let rotated = async {
        state.signing_keys.rotate(&state.db, &state.clock, &state.env.master_key, DEFAULT_OVERLAP_MS).await.map_err(fail)?;
        tracing::info!(admin = %admin.email, "signing keys rotated from the dashboard");
        key_rows(&state).await
    }
    .await;
    answer_plain_form::<RotateSigningKeys, _>(&rotated, "/settings?confirm=rotate", |_| (SIGNING_KEYS_ROTATED.into(), SETTINGS.into()));
    rotated
}

/// Settings › "OIDC Dynamic Application Registration" on or off. Answers the new value.
#[server(prefix = "/rpc", endpoint = "settings/dynamic_registration")]
pub async fn save_dynamic_registration(enabled: Option<String>) -> Result<bool, AppError> {
    use super::ssr::*;
    let admin = require_admin()?;
    let on = enabled.is_some();
    let saved = async {
        crate::backend::tenant::set_dynamic_registration(&state()?, on).await.map_err(fail)?;
        tracing::info!(admin = %admin.email, on, "dynamic client registration changed from the dashboard");
        Ok(on)
    }
    .await;
    answer_plain_form::<SaveDynamicRegistration, _>(&saved, SETTINGS, |on| (dynamic_registration_saved(*on).into(), SETTINGS.into()));
    saved
}
