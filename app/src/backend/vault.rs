//! The token vault (Auth0's Token Vault): a connection whose Purpose is "connected accounts" or
//! "both" keeps each signed-in user's access and refresh tokens from the IdP, sealed with the
//! master key, one row per user and connection. An application with the Token Vault grant
//! exchanges its Tessera refresh or access token for the IdP's access token at `/oauth/token`
//! ([`exchange`]); an expired one is refreshed at the IdP first. The user's page lists connected
//! accounts with Disconnect; deleting the user, SCIM deactivation and Global Token Revocation
//! forget them (with the user's refresh tokens, in `provider::refresh`). The tokens never leave
//! this module except to the application that exchanges for them.

use crate::applications::{Application, GrantType};
use crate::backend::crypto::sha256_hex;
use crate::backend::provider::OAuthError;
use crate::backend::store::Batch;
use crate::backend::upstream::{self, TokenAnswer};
use crate::backend::{connections, logs, AppState, Error, Result};
use crate::connections::options::Purpose;
use crate::connections::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Auth0's grant type for the exchange.
pub const GRANT_TYPE: &str = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";
/// Auth0's `issued_token_type` and `requested_token_type`.
pub const ISSUED_TOKEN_TYPE: &str = "http://auth0.com/oauth/token-type/federated-connection-access-token";
pub const REFRESH_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:refresh_token";
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
/// An access token this close to its end is refreshed before it is handed out.
pub const LEEWAY_MS: i64 = 5_000;

#[derive(Serialize, Deserialize)]
struct Sealed {
    access_token: Option<String>,
    refresh_token: Option<String>,
}

fn context(user_id: &str, connection_id: &str) -> String {
    format!("vault:{user_id}:{connection_id}")
}

/// Whether `connection` keeps connected accounts (Purpose "connected accounts" or "both").
pub fn keeps_accounts(connection: &Connection) -> bool {
    matches!(connection.options.purpose, Purpose::ConnectedAccounts | Purpose::Both)
}

/// Keeps a sign-in's IdP tokens for `user_id`, with the sign-in's other writes, when the
/// connection is for connected accounts and the IdP gave an access or refresh token.
pub fn keep_into(batch: &mut Batch, state: &AppState, connection: &Connection, user_id: &str, tokens: &TokenAnswer) -> Result<()> {
    if !keeps_accounts(connection) || (tokens.access_token.is_none() && tokens.refresh_token.is_none()) {
        return Ok(());
    }
    let now = state.clock.now_ms();
    let sealed = Sealed { access_token: tokens.access_token.clone(), refresh_token: tokens.refresh_token.clone() };
    let sealed = state.env.master_key.encrypt(&context(user_id, &connection.id), &serde_json::to_string(&sealed).map_err(Error::internal)?)?;
    let scope = tokens.scope.clone().unwrap_or_else(|| connection.options.scope.clone());
    let expires_at = tokens.expires_in.map(|s| now + s.saturating_mul(1000)).unwrap_or(0);
    // A sign-in without a new refresh token keeps the one stored before.
    batch.push(
        "INSERT INTO connected_accounts (user_id, connection_id, tokens, scope, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, connection_id) DO UPDATE SET tokens = $3, scope = $4, expires_at = $5",
        vec![user_id.into(), connection.id.as_str().into(), sealed.into(), scope.into(), expires_at.into(), now.into()],
    );
    Ok(())
}

/// A connected account as the user's page lists it (never its tokens).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedAccount {
    pub connection_id: String,
    pub connection: String,
    pub scope: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub async fn list_for_user(state: &AppState, user_id: &str) -> Result<Vec<ConnectedAccount>> {
    let rows: Vec<(String, String, String, i64, Option<i64>)> = state
        .db
        .fetch_all(
            "SELECT a.connection_id, c.name, a.scope, a.created_at, a.last_used_at FROM connected_accounts a JOIN connections c ON c.id = a.connection_id
              WHERE a.user_id = $1 ORDER BY lower(c.name)",
            &[user_id.into()],
        )
        .await?;
    Ok(rows.into_iter().map(|(connection_id, connection, scope, created_at, last_used_at)| ConnectedAccount { connection_id, connection, scope, created_at, last_used_at }).collect())
}

/// "Disconnect": forgets the stored tokens, and revokes them at the IdP when it publishes a
/// revocation endpoint (best effort: the tokens are forgotten either way).
pub async fn disconnect(state: &AppState, user_id: &str, connection_id: &str) -> Result<()> {
    let row: Option<(String,)> = state
        .db
        .fetch_optional("DELETE FROM connected_accounts WHERE user_id = $1 AND connection_id = $2 RETURNING tokens", &[user_id.into(), connection_id.into()])
        .await?;
    let Some((sealed,)) = row else { return Err(Error::not_found(crate::backend::error::Resource::User, "The user has no connected account there.")) };
    logs::record(state, logs::API_OPERATION, "Connected account disconnected", Some(connection_id), None, Some(user_id)).await;
    let found = connections::for_sign_in(state, connection_id).await?;
    let endpoint = found.connection.options.oidc_metadata.as_ref().and_then(|d| d["revocation_endpoint"].as_str()).map(str::to_string);
    if let Some(endpoint) = endpoint {
        let opened = state.env.master_key.decrypt(&context(user_id, connection_id), &sealed)?;
        let tokens: Sealed = serde_json::from_str(opened.expose()).map_err(Error::internal)?;
        if let Some(token) = tokens.refresh_token.or(tokens.access_token) {
            let auth = upstream::client_auth(state, &found)?;
            if let Err(e) = upstream::revoke(state.discovery.client(), &state.clock, &found.connection, &auth, &endpoint, &token).await {
                tracing::warn!(%connection_id, error = %e, "revoking a disconnected account's token at the IdP failed");
            }
        }
    }
    Ok(())
}

/// The user and what their Tessera token allows, for the exchange.
async fn subject(state: &AppState, app: &Application, token: &str, kind: &str) -> Result<std::result::Result<String, OAuthError>> {
    let hash = sha256_hex(token);
    let now = state.clock.now_ms();
    let found: Option<(String, String, i64)> = match kind {
        // Token Vault does not rotate: the refresh token is checked, not used up.
        REFRESH_TOKEN_TYPE => {
            state
                .db
                .fetch_optional(
                    "SELECT t.user_id, t.client_id, CASE WHEN t.expires_at < t.family_expires_at THEN t.expires_at ELSE t.family_expires_at END
                       FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
                      WHERE t.token_hash = $1 AND t.used_at IS NULL AND NOT t.revoked AND NOT f.revoked",
                    &[hash.into()],
                )
                .await?
        }
        ACCESS_TOKEN_TYPE => {
            state
                .db
                .fetch_optional("SELECT user_id, client_id, expires_at FROM access_tokens WHERE token_hash = $1 AND NOT revoked AND user_id IS NOT NULL", &[hash.into()])
                .await?
        }
        other => return Ok(Err(OAuthError::new("invalid_request", format!("subject_token_type must be {REFRESH_TOKEN_TYPE} or {ACCESS_TOKEN_TYPE} (got {other}).")))),
    };
    Ok(match found {
        Some((user_id, client_id, expires_at)) if client_id == app.client_id && expires_at > now => Ok(user_id),
        _ => Err(OAuthError::new("invalid_grant", "The subject_token is invalid, expired, revoked or was issued to another application.")),
    })
}

/// Auth0's Token Vault exchange at `/oauth/token`: the IdP's access token of the user whose
/// Tessera token is `subject_token`, for `connection`. Errors are OAuth errors with their status.
pub async fn exchange(
    state: &AppState,
    app: &Application,
    subject_token: &str,
    subject_token_type: Option<&str>,
    connection_name: &str,
) -> Result<std::result::Result<Value, (u16, OAuthError)>> {
    if !app.grant_types.contains(&GrantType::TokenVault) {
        return Ok(Err((400, OAuthError::new("unauthorized_client", "The application may not use the Token Vault grant: enable it on the application's Grant Types."))));
    }
    let user_id = match subject(state, app, subject_token, subject_token_type.unwrap_or(REFRESH_TOKEN_TYPE)).await? {
        Ok(u) => u,
        Err(e) => return Ok(Err((400, e))),
    };
    let not_found = || Ok(Err((401, OAuthError::new("federated_connection_refresh_token_not_found", "Federated connection Refresh Token not found."))));
    let Some(connection) = connections::find_by_name(state, connection_name).await? else { return not_found() };
    let row: Option<(String, String, i64)> = state
        .db
        .fetch_optional("SELECT tokens, scope, expires_at FROM connected_accounts WHERE user_id = $1 AND connection_id = $2", &[user_id.as_str().into(), connection.id.as_str().into()])
        .await?;
    let Some((sealed, mut scope, mut expires_at)) = row else { return not_found() };
    let opened = state.env.master_key.decrypt(&context(&user_id, &connection.id), &sealed)?;
    let mut tokens: Sealed = serde_json::from_str(opened.expose()).map_err(Error::internal)?;
    let now = state.clock.now_ms();
    let expired = expires_at != 0 && expires_at - LEEWAY_MS <= now;
    if expired || tokens.access_token.is_none() {
        let Some(refresh_token) = tokens.refresh_token.clone() else { return not_found() };
        let found = connections::for_sign_in(state, &connection.id).await?;
        let auth = upstream::client_auth(state, &found)?;
        let fresh = match upstream::refresh(state.discovery.client(), &state.clock, &found.connection, &auth, &refresh_token).await {
            Ok(f) => f,
            Err(reason) => {
                logs::record(state, logs::FAILURE, &format!("Token Vault: refreshing the connected account failed: {reason}"), Some(&connection.id), Some(&app.client_id), Some(&user_id)).await;
                return Ok(Err((401, OAuthError::new("federated_connection_refresh_token_not_found", format!("The connected account's refresh failed at the identity provider: {reason}")))));
            }
        };
        tokens = Sealed { access_token: fresh.access_token.clone(), refresh_token: fresh.refresh_token.or(Some(refresh_token)) };
        scope = fresh.scope.unwrap_or(scope);
        expires_at = fresh.expires_in.map(|s| now + s.saturating_mul(1000)).unwrap_or(0);
        let sealed = state.env.master_key.encrypt(&context(&user_id, &connection.id), &serde_json::to_string(&tokens).map_err(Error::internal)?)?;
        state
            .db
            .execute(
                "UPDATE connected_accounts SET tokens = $3, scope = $4, expires_at = $5 WHERE user_id = $1 AND connection_id = $2",
                &[user_id.as_str().into(), connection.id.as_str().into(), sealed.into(), scope.as_str().into(), expires_at.into()],
            )
            .await?;
    }
    state
        .db
        .execute("UPDATE connected_accounts SET last_used_at = $3 WHERE user_id = $1 AND connection_id = $2", &[user_id.as_str().into(), connection.id.as_str().into(), now.into()])
        .await?;
    let access_token = tokens.access_token.unwrap_or_default();
    let expires_in = if expires_at == 0 { 3600 } else { ((expires_at - now) / 1000).max(0) };
    Ok(Ok(json!({
        "access_token": access_token,
        "expires_in": expires_in,
        "scope": scope,
        "issued_token_type": ISSUED_TOKEN_TYPE,
        "token_type": "Bearer",
    })))
}
