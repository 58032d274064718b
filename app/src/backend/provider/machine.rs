//! Machine-to-machine tokens: the `client_credentials` grant for `non_interactive` applications,
//! and the check the Management API makes of such a token (beside its own CLI tokens). The
//! scopes are the application's client grant for the audience, narrowed by `scope` if sent.

use super::keys::{sign_jwt, SigningKeys};
use super::{issuer, jwt, OAuthError, TOKEN_TTL_S};
use crate::applications::{Application, GrantType};
use crate::backend::admin::tokens::ApiToken;
use crate::backend::applications::grants::{self, management_audience};
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::{AppState, Result};
use serde::Serialize;
use serde_json::json;

/// The token endpoint's answer to `client_credentials`.
#[derive(Debug, Serialize)]
pub struct MachineToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
}

/// `grant_type=client_credentials`: an access token for `audience` with the granted scopes.
pub async fn client_credentials(
    state: &AppState,
    app: &Application,
    audience: Option<&str>,
    scope: Option<&str>,
) -> Result<std::result::Result<MachineToken, OAuthError>> {
    if !app.grant_types.contains(&GrantType::ClientCredentials) {
        return Ok(Err(OAuthError::new("unauthorized_client", "The application may not use the client_credentials grant (machine-to-machine applications only).")));
    }
    let Some(audience) = audience.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(Err(OAuthError::new("invalid_request", format!("audience is required: {}", management_audience(state)))));
    };
    let Some(grant) = grants::find(state, &app.client_id, audience).await? else {
        return Ok(Err(OAuthError::new(
            "access_denied",
            format!("Client is not authorized to access {audience:?}. You need to create a client grant associated to this API."),
        )));
    };
    let granted: Vec<&str> = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) => asked.split_whitespace().filter(|s| grant.scope.iter().any(|g| g == s)).collect(),
        None => grant.scope.iter().map(String::as_str).collect(),
    };
    let scope = granted.join(" ");
    let keys = state.signing_keys.load(&state.db, &state.clock, &state.env.master_key).await?;
    let now = state.clock.now();
    let expires = now + chrono::Duration::seconds(TOKEN_TTL_S);
    let subject = format!("{}@clients", app.client_id);
    let claims = json!({
        "iss": issuer(state), "sub": subject, "aud": audience, "azp": app.client_id, "client_id": app.client_id,
        "scope": scope, "gty": "client-credentials", "iat": now.timestamp(), "exp": expires.timestamp(),
        "jti": random_alphanumeric(24),
    });
    let access_token = sign_jwt(&keys.rs256, "at+jwt", &claims)?;
    state.db.execute(
        "INSERT INTO access_tokens (token_hash, client_id, user_id, scope, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[(sha256_hex(&access_token)).into(), (&app.client_id).into(), (&subject).into(), (&scope).into(), (expires.timestamp_millis()).into()],
    ).await?;
    tracing::info!(client_id = %app.client_id, %scope, "client credentials token issued");
    Ok(Ok(MachineToken { access_token, token_type: "Bearer", expires_in: TOKEN_TTL_S, scope }))
}

/// A Management API caller presenting a token Tessera signed for the Management API: `Ok(None)`
/// when it is not one (bad signature, other issuer or audience, expired, revoked).
pub async fn management_caller(state: &AppState, token: &str) -> Result<Option<ApiToken>> {
    let set = SigningKeys::jwks(&state.db, &state.clock).await?;
    let keys = set["keys"].as_array().cloned().unwrap_or_default();
    let Ok(verified) = jwt::verify(token, &keys) else { return Ok(None) };
    let claims = &verified.claims;
    let now = state.clock.now().timestamp();
    let fresh = claims["exp"].as_i64().is_some_and(|exp| exp > now - 30);
    let ours = claims["iss"].as_str() == Some(issuer(state).as_str()) && jwt::audiences(claims).contains(&management_audience(state));
    if !fresh || !ours || claims["gty"].as_str() != Some("client-credentials") {
        return Ok(None);
    }
    let revoked: Option<bool> = state.db.fetch_optional_scalar(
        "SELECT revoked FROM access_tokens WHERE token_hash = $1",
        &[(sha256_hex(token)).into()],
    ).await?;
    if revoked != Some(false) {
        return Ok(None);
    }
    let client_id = claims["client_id"].as_str().unwrap_or_default().to_string();
    // The token says what was granted when it was issued; the grant says what still is. A
    // deleted grant (or application, whose grants go with it) stops the token at once, and a
    // narrowed one narrows it.
    let Some(grant) = grants::find(state, &client_id, &management_audience(state)).await? else {
        return Ok(None);
    };
    let scopes = claims["scope"].as_str().unwrap_or_default().split_whitespace().filter(|s| grant.scope.iter().any(|g| g == s)).map(str::to_string).collect();
    Ok(Some(ApiToken {
        id: client_id.clone(),
        name: format!("{client_id}@clients"),
        scopes,
        created_at: claims["iat"].as_i64().unwrap_or_default() * 1000,
        last_used_at: None,
    }))
}

/// Whether `token` looks like a JWT rather than a `tsr_` CLI token.
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3 && !token.starts_with(crate::backend::admin::tokens::TOKEN_PREFIX)
}
