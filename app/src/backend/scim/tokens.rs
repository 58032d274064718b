//! A connection's SCIM bearer tokens (the Provisioning tab): generated with a name, shown once,
//! only the SHA-256 kept; several may exist, each revocable, with its last use.

use crate::backend::error::Resource;
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::inline_row;
use crate::backend::store::is_unique_violation;
use crate::backend::{AppState, Error, Result};
use serde::{Deserialize, Serialize};

/// SCIM tokens start with this, so secret scanners recognise them.
pub const PREFIX: &str = "tsc_";
/// `last_used_at` is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ScimToken {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}
inline_row!(ScimToken { id, name, created_at, last_used_at });


pub async fn create(state: &AppState, connection_id: &str, name: &str) -> Result<(ScimToken, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(Error::invalid("name", "is required: 1 to 64 characters, to tell tokens apart"));
    }
    let secret = format!("{PREFIX}{}", random_alphanumeric(40));
    let token = ScimToken { id: format!("stk_{}", random_alphanumeric(16)), name: name.to_string(), created_at: state.clock.now_ms(), last_used_at: None };
    let inserted = state.db.execute(
        "INSERT INTO scim_tokens (id, connection_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[(&token.id).into(), connection_id.into(), (&token.name).into(), (sha256_hex(&secret)).into(), token.created_at.into()],
    ).await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(Error::conflict(Resource::Token, "name", "a token with this name exists; choose another name")),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(%connection_id, token_id = %token.id, "SCIM token created");
    Ok((token, secret))
}

pub async fn list(state: &AppState, connection_id: &str) -> Result<Vec<ScimToken>> {
    Ok(state.db.fetch_all(
        "SELECT id, name, created_at, last_used_at FROM scim_tokens WHERE connection_id = $1 ORDER BY created_at DESC, id",
        &[connection_id.into()],
    ).await?)
}

pub async fn revoke(state: &AppState, connection_id: &str, id: &str) -> Result<()> {
    let n = state.db.execute("DELETE FROM scim_tokens WHERE id = $1 AND connection_id = $2", &[id.into(), connection_id.into()]).await?;
    if n == 0 {
        return Err(Error::not_found(Resource::Token, "The token does not exist (it may have been revoked already)."));
    }
    tracing::info!(%connection_id, token_id = %id, "SCIM token revoked");
    Ok(())
}

/// Whether `secret` is one of the connection's tokens (and notes its use).
pub async fn authenticate(state: &AppState, connection_id: &str, secret: &str) -> Result<bool> {
    let found: Option<(String, Option<i64>)> = state.db.fetch_optional(
        "SELECT id, last_used_at FROM scim_tokens WHERE token_hash = $1 AND connection_id = $2",
        &[(sha256_hex(secret)).into(), connection_id.into()],
    ).await?;
    let Some((id, last_used)) = found else { return Ok(false) };
    let now = state.clock.now_ms();
    if last_used.is_none_or(|at| now - at > TOUCH_EVERY_MS) {
        state.db.execute("UPDATE scim_tokens SET last_used_at = $2 WHERE id = $1", &[(&id).into(), now.into()]).await?;
    }
    Ok(true)
}
