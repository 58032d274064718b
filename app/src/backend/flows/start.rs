//! Starting a login at an identity provider: a single-use state (10 minutes, bound to the
//! browser by a cookie, kept encrypted in the database so any replica can finish the login).

use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use super::answer::AppRequest;
use crate::backend::upstream;
use crate::backend::oidc::pkce_s256;
use crate::backend::{AppState, Error, Result};
use crate::connections::options::Pkce;
use crate::connections::Connection;
use serde::{Deserialize, Serialize};

/// How long a login may take between `/authorize` and the IdP's answer.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;

/// What a login keeps between Tessera and the IdP (encrypted in the database).
#[derive(Serialize, Deserialize)]
pub(super) struct Pending {
    pub(super) app: Option<AppRequest>,
    pub(super) nonce: String,
    pub(super) code_verifier: Option<String>,
    /// A setup link's "Test sign-in" (the link, and the page to come back to).
    #[serde(default)]
    pub(super) setup: Option<SetupTest>,
}

/// A setup link's test sign-in: which link, and where its screens are.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SetupTest {
    pub link_id: String,
    pub return_to: String,
}

/// Where to send the browser, and the cookie that binds the login to it.
pub struct Started {
    pub location: String,
    pub browser_token: String,
}

pub(super) fn pending_context(state_hash: &str) -> String {
    format!("login:{state_hash}")
}

/// Starts a login at `connection` for an application (`app`), or for "Try" (`None`).
pub async fn start_login(state: &AppState, connection: &Connection, app: Option<AppRequest>, login_hint: Option<&str>, app_params: &[(String, String)]) -> Result<Started> {
    start(state, connection, app, None, login_hint, app_params).await
}

/// A setup link's "Test sign-in": "Try" for the IT admin, coming back to `return_to`.
pub async fn start_setup_test(state: &AppState, connection: &Connection, link_id: &str, return_to: &str) -> Result<Started> {
    let setup = SetupTest { link_id: link_id.to_string(), return_to: return_to.to_string() };
    start(state, connection, None, Some(setup), None, &[]).await
}

async fn start(state: &AppState, connection: &Connection, app: Option<AppRequest>, setup: Option<SetupTest>, login_hint: Option<&str>, app_params: &[(String, String)]) -> Result<Started> {
    if let Some(reason) = &connection.not_ready {
        return Err(Error::Forbidden(format!("The connection {} is not ready, so it cannot sign anyone in yet. {reason}.", connection.name)));
    }
    let upstream_state = random_alphanumeric(32);
    let nonce = random_alphanumeric(32);
    let browser_token = random_alphanumeric(32);
    let method = upstream::pkce_method(connection);
    let code_verifier = method.map(|_| random_alphanumeric(64));
    let challenge = match (method, code_verifier.as_deref()) {
        (Some(Pkce::Plain), Some(verifier)) => Some((verifier.to_string(), Pkce::Plain)),
        (Some(m), Some(verifier)) => Some((pkce_s256(verifier), m)),
        _ => None,
    };
    let location = upstream::authorization_url(
        connection,
        &upstream::AuthorizationRequest {
            state: &upstream_state,
            nonce: &nonce,
            redirect_uri: &state.env.callback_url(),
            code_challenge: challenge.as_ref().map(|(c, m)| (c.as_str(), *m)),
            login_hint,
            app_params,
        },
    )
    .map_err(Error::internal)?;
    let state_hash = sha256_hex(&upstream_state);
    let client_id = app.as_ref().map(|a| a.client_id.clone());
    let pending = serde_json::to_string(&Pending { app, nonce, code_verifier, setup }).map_err(Error::internal)?;
    let sealed = state.env.master_key.encrypt(&pending_context(&state_hash), &pending)?;
    let now = state.clock.now_ms();
    state
        .db
        .execute(
            "INSERT INTO login_transactions (state_hash, browser_hash, connection_id, client_id, request, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[state_hash.into(), sha256_hex(&browser_token).into(), connection.id.as_str().into(), client_id.into(), sealed.into(), now.into(), (now + LOGIN_TTL_MS).into()],
        )
        .await?;
    crate::backend::metrics::sign_in_started(&connection.id);
    Ok(Started { location, browser_token })
}
