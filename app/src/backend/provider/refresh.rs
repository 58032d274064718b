//! Rotating refresh tokens. Each use of a refresh token retires it and issues the next one of
//! its family; presenting a retired token again means it was stolen or replayed, so the whole
//! family and the access tokens it produced are revoked. Lifetimes follow Auth0's defaults for
//! rotating tokens: 15 days idle (a token must be used within it), 30 days absolute (the family).
//!
//! A family is a row of its own (`refresh_families`), revoked as one. The tokens of a family
//! are written by [`issue_into`] inside the batch that writes the access token: it first writes
//! the family's row (on PostgreSQL a row lock, held until the commit, that a revocation waits
//! for) and then inserts the tokens only if the family is not revoked and its user is active.
//! So a refresh that races a reuse, a revocation or a deactivation ends either before it (and
//! is revoked with the family) or after it (and inserts nothing): never a live token.

use super::OAuthError;
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::{Batch, Value};
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

/// A refresh token for `user_id` and `client_id`, in `family` (a new family when `None`),
/// written with the other writes of `batch`. The token is inserted only while the family is
/// not revoked and the user is active; the caller's access token insert of the family says the
/// same (`provider::ACCESS_TOKEN_OF_FAMILY`).
pub fn issue_into(batch: &mut Batch, state: &AppState, client_id: &str, user_id: &str, session_id: Option<&str>, scope: &str, auth_time: i64, family: Option<&Family>) -> (String, Family) {
    let now = state.clock.now_ms();
    let family = match family {
        Some(f) => {
            // The row lock a revocation of this family waits for (PostgreSQL), and the last use.
            batch.push("UPDATE refresh_families SET last_used_at = $2 WHERE id = $1", vec![f.id.clone().into(), now.into()]);
            f.clone()
        }
        None => {
            let f = Family { id: random_alphanumeric(24), expires_at: now + ABSOLUTE_MS };
            batch.push(
                "INSERT INTO refresh_families (id, client_id, user_id, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
                vec![f.id.clone().into(), client_id.into(), user_id.into(), now.into(), f.expires_at.into()],
            );
            f
        }
    };
    let token = random_alphanumeric(48);
    batch.push(
        "INSERT INTO refresh_tokens (token_hash, family_id, client_id, user_id, session_id, scope, auth_time, created_at, expires_at, family_expires_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE EXISTS (SELECT 1 FROM refresh_families f JOIN users u ON u.id = f.user_id WHERE f.id = $2 AND NOT f.revoked AND u.active)",
        vec![
            sha256_hex(&token).into(),
            family.id.clone().into(),
            client_id.into(),
            user_id.into(),
            session_id.into(),
            scope.into(),
            auth_time.into(),
            now.into(),
            (now + IDLE_MS).min(family.expires_at).into(),
            family.expires_at.into(),
        ],
    );
    (token, family)
}

fn invalid(description: &str) -> OAuthError {
    OAuthError::new("invalid_grant", description)
}

/// Takes a refresh token for `client_id`: single use. A second use revokes the family.
pub async fn take(state: &AppState, client_id: &str, token: &str) -> Result<std::result::Result<Grant, OAuthError>> {
    let hash = sha256_hex(token);
    let now = state.clock.now_ms();
    let taken: Option<(String, String, String, Option<String>, String, i64, i64, i64)> = state.db.fetch_optional("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND revoked = FALSE
         RETURNING family_id, client_id, user_id, session_id, scope, auth_time, expires_at, family_expires_at", &[(&hash).into(), now.into()]).await?;
    let Some((family_id, owner, user_id, session_id, scope, auth_time, expires_at, family_expires_at)) = taken else {
        let known: Option<(String, String)> = state.db.fetch_optional(
            "SELECT family_id, client_id FROM refresh_tokens WHERE token_hash = $1",
            &[(&hash).into()],
        ).await?;
        return Ok(Err(match known {
            Some((family_id, owner)) if owner == client_id => {
                revoke_family(state, &family_id).await?;
                tracing::warn!(%client_id, "a refresh token was used twice: its family is revoked");
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

/// Revokes families, their refresh tokens and the access tokens they produced, in one
/// transaction: the families first (waiting for a refresh that holds one, so its tokens are
/// there to be revoked), then the tokens. `which` is the column families are chosen by.
async fn revoke_families(state: &AppState, which: Which, value: &str) -> Result<()> {
    let (families, tokens, access) = match which {
        Which::Family => (
            "UPDATE refresh_families SET revoked = TRUE WHERE id = $1",
            "UPDATE refresh_tokens SET revoked = TRUE WHERE family_id = $1",
            "UPDATE access_tokens SET revoked = TRUE WHERE family_id = $1",
        ),
        Which::User => (
            "UPDATE refresh_families SET revoked = TRUE WHERE user_id = $1",
            "UPDATE refresh_tokens SET revoked = TRUE WHERE user_id = $1",
            "UPDATE access_tokens SET revoked = TRUE WHERE user_id = $1",
        ),
        Which::Client => (
            "UPDATE refresh_families SET revoked = TRUE WHERE client_id = $1",
            "UPDATE refresh_tokens SET revoked = TRUE WHERE client_id = $1",
            "UPDATE access_tokens SET revoked = TRUE WHERE client_id = $1",
        ),
    };
    let mut batch = Batch::default();
    for sql in [families, tokens, access] {
        batch.push(sql, vec![Value::from(value)]);
    }
    if let Which::User = which {
        // Everything that ends a user's access (deletion, SCIM deactivation, Global Token
        // Revocation) forgets their connected accounts' IdP tokens too (the token vault).
        batch.push("DELETE FROM connected_accounts WHERE user_id = $1", vec![Value::from(value)]);
    }
    batch.run(&state.db).await
}

#[derive(Clone, Copy)]
enum Which {
    Family,
    User,
    Client,
}

/// Revokes every refresh token of a family and the access tokens it produced.
pub async fn revoke_family(state: &AppState, family_id: &str) -> Result<()> {
    revoke_families(state, Which::Family, family_id).await
}

/// Revokes the families of refresh tokens an authorization code's first redemption issued
/// (the code was presented again: whoever did may hold them).
pub async fn revoke_for_code(state: &AppState, code_hash: &str) -> Result<u64> {
    let families: Vec<String> = state.db.fetch_all_scalars(
        "SELECT DISTINCT family_id FROM access_tokens WHERE code_hash = $1 AND family_id IS NOT NULL",
        &[code_hash.into()],
    ).await?;
    for family in &families {
        revoke_family(state, family).await?;
    }
    Ok(families.len() as u64)
}

/// Revokes one refresh token's family, if `token` is one of `client_id`'s (RFC 7009: unknown
/// tokens are not an error).
pub async fn revoke_token(state: &AppState, client_id: &str, token: &str) -> Result<bool> {
    let found: Option<String> = state.db.fetch_optional_scalar(
        "SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND client_id = $2",
        &[(sha256_hex(token)).into(), client_id.into()],
    ).await?;
    match found {
        Some(family) => {
            revoke_family(state, &family).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Revokes every refresh token of a user, and their access tokens, and forgets their connected
/// accounts (deprovisioning, deletion, Global Token Revocation).
pub async fn revoke_for_user(state: &AppState, user_id: &str) -> Result<()> {
    revoke_families(state, Which::User, user_id).await
}

/// Adds to `batch` the revocation of every token issued to `client_id` for `user_id`: refresh
/// families, refresh tokens and access tokens (the user's consent to the application was
/// revoked, and Auth0 revokes what was issued in the context of a grant with it).
pub fn revoke_for_grant_into(batch: &mut Batch, user_id: &str, client_id: &str) {
    for table in ["refresh_families", "refresh_tokens", "access_tokens"] {
        batch.push(format!("UPDATE {table} SET revoked = TRUE WHERE user_id = $1 AND client_id = $2"), vec![Value::from(user_id), Value::from(client_id)]);
    }
}

/// Revokes every token an application holds (it was deleted).
pub async fn revoke_for_client(state: &AppState, client_id: &str) -> Result<()> {
    revoke_families(state, Which::Client, client_id).await
}

/// Removes refresh tokens and families past their family's end (run periodically by the server).
pub async fn prune(state: &AppState) -> Result<u64> {
    let now = state.clock.now_ms();
    let tokens = state.db.execute("DELETE FROM refresh_tokens WHERE family_expires_at <= $1", &[now.into()]).await?;
    let families = state.db.execute("DELETE FROM refresh_families WHERE expires_at <= $1", &[now.into()]).await?;
    Ok(tokens + families)
}
