//! Rotating refresh tokens. Each use of a refresh token retires it and issues the next one of
//! its family; presenting a retired token again means it was stolen or replayed, so the whole
//! family and the access tokens it produced are revoked. Lifetimes follow Auth0's defaults for
//! rotating tokens: 15 days idle (a token must be used within it), 30 days absolute (the family).

use super::OAuthError;
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::on_db;
use crate::backend::{AppState, Result};

pub const IDLE_MS: i64 = 15 * 24 * 3600 * 1000;
pub const ABSOLUTE_MS: i64 = 30 * 24 * 3600 * 1000;

/// The family a new refresh token belongs to.
#[derive(Clone, Debug)]
pub struct Family {
    pub id: String,
    pub expires_at: i64,
}

/// What a refresh token stands for, once taken.
#[derive(Clone, Debug)]
pub struct Grant {
    pub family: Family,
    pub user_id: String,
    pub session_id: Option<String>,
    pub scope: String,
    pub auth_time: i64,
}

/// Issues a refresh token in `family` (a new family when `None`).
pub async fn issue(state: &AppState, client_id: &str, user_id: &str, session_id: Option<&str>, scope: &str, auth_time: i64, family: Option<&Family>) -> Result<(String, Family)> {
    let now = state.clock.now_ms();
    let family = family.cloned().unwrap_or_else(|| Family { id: random_alphanumeric(24), expires_at: now + ABSOLUTE_MS });
    let token = random_alphanumeric(48);
    on_db!(&state.db, |pool| sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, family_id, client_id, user_id, session_id, scope, auth_time, created_at, expires_at, family_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(sha256_hex(&token))
    .bind(&family.id)
    .bind(client_id)
    .bind(user_id)
    .bind(session_id)
    .bind(scope)
    .bind(auth_time)
    .bind(now)
    .bind((now + IDLE_MS).min(family.expires_at))
    .bind(family.expires_at)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok((token, family))
}

fn invalid(description: &str) -> OAuthError {
    OAuthError::new("invalid_grant", description)
}

/// Takes a refresh token for `client_id`: single use. A second use revokes the family.
pub async fn take(state: &AppState, client_id: &str, token: &str) -> Result<std::result::Result<Grant, OAuthError>> {
    let hash = sha256_hex(token);
    let now = state.clock.now_ms();
    let taken: Option<(String, String, String, Option<String>, String, i64, i64, i64)> = on_db!(&state.db, |pool| sqlx::query_as(
        "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND revoked = FALSE
         RETURNING family_id, client_id, user_id, session_id, scope, auth_time, expires_at, family_expires_at"
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    let Some((family_id, owner, user_id, session_id, scope, auth_time, expires_at, family_expires_at)) = taken else {
        let known: Option<(String, String)> = on_db!(&state.db, |pool| sqlx::query_as("SELECT family_id, client_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(pool)
            .await)?;
        return Ok(Err(match known {
            Some((family_id, owner)) if owner == client_id => {
                let revoked = revoke_family(state, &family_id).await?;
                tracing::warn!(%client_id, revoked, "a refresh token was used twice: its family is revoked");
                invalid("The refresh token was already used or revoked: every token of its grant is now revoked.")
            }
            _ => invalid("The refresh token is invalid."),
        }));
    };
    if owner != client_id {
        // Taken by the wrong client: it stays unusable for the right one too (it leaked).
        revoke_family(state, &family_id).await?;
        return Ok(Err(invalid("The refresh token was issued to another application.")));
    }
    if expires_at <= now || family_expires_at <= now {
        return Ok(Err(invalid("The refresh token has expired.")));
    }
    Ok(Ok(Grant { family: Family { id: family_id, expires_at: family_expires_at }, user_id, session_id, scope, auth_time }))
}

/// Revokes every refresh token of a family and the access tokens it produced.
pub async fn revoke_family(state: &AppState, family_id: &str) -> Result<u64> {
    let n = on_db!(&state.db, |pool| sqlx::query("UPDATE refresh_tokens SET revoked = TRUE WHERE family_id = $1")
        .bind(family_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    on_db!(&state.db, |pool| sqlx::query("UPDATE access_tokens SET revoked = TRUE WHERE family_id = $1")
        .bind(family_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Revokes one refresh token's family, if `token` is one of `client_id`'s (RFC 7009: unknown
/// tokens are not an error).
pub async fn revoke_token(state: &AppState, client_id: &str, token: &str) -> Result<bool> {
    let found: Option<String> = on_db!(&state.db, |pool| sqlx::query_scalar("SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND client_id = $2")
        .bind(sha256_hex(token))
        .bind(client_id)
        .fetch_optional(pool)
        .await)?;
    match found {
        Some(family) => Ok(revoke_family(state, &family).await? > 0),
        None => Ok(false),
    }
}

/// Revokes every refresh token of a user, and their access tokens (deprovisioning, deletion).
pub async fn revoke_for_user(state: &AppState, user_id: &str) -> Result<u64> {
    let n = on_db!(&state.db, |pool| sqlx::query("UPDATE refresh_tokens SET revoked = TRUE WHERE user_id = $1 AND revoked = FALSE")
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    on_db!(&state.db, |pool| sqlx::query("UPDATE access_tokens SET revoked = TRUE WHERE user_id = $1")
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Removes refresh tokens past their family's end (run periodically by the server).
pub async fn prune(state: &AppState) -> Result<u64> {
    let now = state.clock.now_ms();
    Ok(on_db!(&state.db, |pool| sqlx::query("DELETE FROM refresh_tokens WHERE family_expires_at <= $1").bind(now).execute(pool).await.map(|r| r.rows_affected()))?)
}
