//! The tenant's settings row (the Settings page): Login Session Management. Absent means
//! Auth0's defaults. Read through a short cache per replica, so a sign-in does not read it every
//! time; a change made on one replica reaches the others' new sessions within `CACHE_MS`.

use crate::backend::{AppState, Result};
use crate::tenant::SessionLifetimes;
use std::sync::RwLock;

const CACHE_MS: i64 = 10_000;

#[derive(Default)]
pub struct TenantCache {
    lifetimes: RwLock<Option<(i64, SessionLifetimes)>>,
}

/// The session lifetimes new sessions get.
pub async fn session_lifetimes(state: &AppState) -> Result<SessionLifetimes> {
    let now = state.clock.now_ms();
    if let Ok(cache) = state.tenant.lifetimes.read() {
        if let Some((at, lifetimes)) = *cache {
            if (0..CACHE_MS).contains(&(now - at)) {
                return Ok(lifetimes);
            }
        }
    }
    let row: Option<(i64, i64)> = state.db.fetch_optional(
        "SELECT idle_session_lifetime_minutes, session_lifetime_minutes FROM tenant_settings WHERE id = 1",
        &[],
    ).await?;
    let lifetimes = row
        .map(|(idle, absolute)| SessionLifetimes { idle_session_lifetime_minutes: idle, session_lifetime_minutes: absolute })
        .unwrap_or_default();
    if let Ok(mut cache) = state.tenant.lifetimes.write() {
        *cache = Some((now, lifetimes));
    }
    Ok(lifetimes)
}

/// Saves the lifetimes (already checked by `tenant::parse_lifetimes`). Sessions started before
/// keep the lifetimes they started with.
pub async fn set_session_lifetimes(state: &AppState, lifetimes: SessionLifetimes) -> Result<()> {
    let now = state.clock.now_ms();
    state.db.execute("INSERT INTO tenant_settings (id, idle_session_lifetime_minutes, session_lifetime_minutes, updated_at) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET idle_session_lifetime_minutes = $1, session_lifetime_minutes = $2, updated_at = $3", &[lifetimes.idle_session_lifetime_minutes.into(), lifetimes.session_lifetime_minutes.into(), now.into()]).await?;
    if let Ok(mut cache) = state.tenant.lifetimes.write() {
        *cache = Some((now, lifetimes));
    }
    tracing::info!(idle_minutes = lifetimes.idle_session_lifetime_minutes, minutes = lifetimes.session_lifetime_minutes, "session lifetimes changed");
    Ok(())
}

/// Settings › "OIDC Dynamic Application Registration": whether `/oidc/register` takes new
/// applications (off unless an admin switched it on).
pub async fn dynamic_registration(state: &AppState) -> Result<bool> {
    let on: Option<bool> = state.db.fetch_optional_scalar("SELECT enable_dynamic_client_registration FROM tenant_settings WHERE id = 1", &[]).await?;
    Ok(on.unwrap_or(false))
}

/// Switches Dynamic Client Registration on or off (the row is created with the default
/// session lifetimes when there is none yet).
pub async fn set_dynamic_registration(state: &AppState, on: bool) -> Result<()> {
    let now = state.clock.now_ms();
    let d = SessionLifetimes::default();
    state
        .db
        .execute(
            "INSERT INTO tenant_settings (id, idle_session_lifetime_minutes, session_lifetime_minutes, updated_at, enable_dynamic_client_registration)
             VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET enable_dynamic_client_registration = $4, updated_at = $3",
            &[d.idle_session_lifetime_minutes.into(), d.session_lifetime_minutes.into(), now.into(), on.into()],
        )
        .await?;
    tracing::info!(on, "dynamic client registration switched");
    Ok(())
}
