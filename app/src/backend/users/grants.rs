//! Users' consents to third-party applications (Auth0's user grants, `/api/v2/grants`): the
//! scopes each user allowed each application, kept until revoked from the user's page or the
//! Management API, or the user or application is deleted.

use crate::backend::crypto::random_alphanumeric;
use crate::backend::error::Resource;
use crate::backend::provider::refresh;
use crate::backend::store::Batch;
use crate::backend::{AppState, Error, Result};
use serde::{Deserialize, Serialize};

/// A user's consent to an application (Auth0's user grant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserGrant {
    pub id: String,
    /// Auth0 spells it `clientID`.
    #[serde(rename = "clientID")]
    pub client_id: String,
    pub user_id: String,
    /// Tessera's own issuer: the only audience its tokens have.
    pub audience: String,
    pub scope: Vec<String>,
}

/// The scopes of a space-separated `scope`, each once, in order.
pub fn scopes(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split_whitespace() {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// The scopes `user_id` allowed `client_id` (none: empty).
pub async fn granted(state: &AppState, user_id: &str, client_id: &str) -> Result<Vec<String>> {
    let scope: Option<String> =
        state.db.fetch_optional_scalar("SELECT scope FROM user_grants WHERE user_id = $1 AND client_id = $2", &[user_id.into(), client_id.into()]).await?;
    Ok(scopes(&scope.unwrap_or_default()))
}

/// Records that `user_id` allowed `client_id` the scopes of `scope` (added to any granted before).
pub async fn grant(state: &AppState, user_id: &str, client_id: &str, scope: &str) -> Result<()> {
    let mut all = granted(state, user_id, client_id).await?;
    for s in scopes(scope) {
        if !all.contains(&s) {
            all.push(s);
        }
    }
    state
        .db
        .execute(
            "INSERT INTO user_grants (id, user_id, client_id, scope, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, client_id) DO UPDATE SET scope = $4",
            &[format!("gr_{}", random_alphanumeric(16)).into(), user_id.into(), client_id.into(), all.join(" ").into(), state.clock.now_ms().into()],
        )
        .await?;
    tracing::info!(%user_id, %client_id, "consent granted");
    Ok(())
}

/// Grants, optionally of one user and/or one application, oldest first; `audience` is
/// Tessera's issuer.
pub async fn list(state: &AppState, user_id: Option<&str>, client_id: Option<&str>, audience: &str) -> Result<Vec<UserGrant>> {
    let rows: Vec<(String, String, String, String)> = state
        .db
        .fetch_all(
            "SELECT id, client_id, user_id, scope FROM user_grants
              WHERE ($1 = '' OR user_id = $1) AND ($2 = '' OR client_id = $2) ORDER BY created_at, id",
            &[user_id.unwrap_or_default().into(), client_id.unwrap_or_default().into()],
        )
        .await?;
    Ok(rows.into_iter().map(|(id, client_id, user_id, scope)| UserGrant { id, client_id, user_id, audience: audience.to_string(), scope: scopes(&scope) }).collect())
}

/// Revokes one grant: the application must ask again at the next sign-in, and the tokens issued
/// to it for the user (refresh and access tokens) stop working, as Auth0 revokes what was issued
/// in a grant's context. All of it or none.
pub async fn revoke(state: &AppState, id: &str) -> Result<()> {
    let found: Option<(String, String)> =
        state.db.fetch_optional("SELECT user_id, client_id FROM user_grants WHERE id = $1", &[id.into()]).await?;
    let Some((user_id, client_id)) = found else {
        return Err(Error::not_found(Resource::Grant, "The grant does not exist."));
    };
    let mut batch = Batch::default();
    batch.push("DELETE FROM user_grants WHERE id = $1", vec![id.into()]);
    refresh::revoke_for_grant_into(&mut batch, &user_id, &client_id);
    batch.run(&state.db).await?;
    tracing::info!(grant_id = %id, %user_id, %client_id, "consent revoked");
    Ok(())
}

/// Revokes every grant a user gave (`DELETE /api/v2/grants?user_id=`), and the tokens each
/// application holds for them, as [`revoke`] does for one; the number revoked.
pub async fn revoke_for_user(state: &AppState, user_id: &str) -> Result<u64> {
    let clients: Vec<String> = state.db.fetch_all_scalars("SELECT client_id FROM user_grants WHERE user_id = $1", &[user_id.into()]).await?;
    if clients.is_empty() {
        return Ok(0);
    }
    let mut batch = Batch::default();
    batch.push("DELETE FROM user_grants WHERE user_id = $1", vec![user_id.into()]);
    for client_id in &clients {
        refresh::revoke_for_grant_into(&mut batch, user_id, client_id);
    }
    batch.run(&state.db).await?;
    tracing::info!(%user_id, revoked = clients.len(), "consents revoked");
    Ok(clients.len() as u64)
}
