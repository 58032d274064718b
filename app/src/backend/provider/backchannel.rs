//! OpenID Connect Back-Channel Logout 1.0. When a single sign-on session ends (RP-initiated
//! logout, an admin's Revoke, a deleted or deprovisioned user), every application that signed
//! in with it and registered a `backchannel_logout_uri` is sent a logout token: a JWT Tessera
//! signs with `sub`, `sid` and the back-channel logout event, POSTed as `logout_token`.
//!
//! Deliveries are rows in the database, tried at once and then retried with backoff; any
//! replica may deliver one (it claims the row with a lease first), and every outcome is
//! recorded in Logs. The URI is one an admin typed, so it is reached only through the guarded
//! client.

use super::keys::sign_jwt;
use super::sessions::Session;
use super::issuer;
use crate::applications::Application;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::inline_row;
use crate::backend::store::batch::Batch;
use crate::backend::{applications, logs, AppState, Error, Result};
use serde_json::json;

/// The event a logout token carries (section 2.4).
pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// Seconds to wait before each retry; after the last one the delivery is given up.
const RETRY_AFTER_S: [i64; 5] = [10, 60, 300, 1800, 3600];
/// A claimed delivery is not taken by another replica for this long.
const LEASE_MS: i64 = 30_000;
/// How long a logout token is valid: long enough to arrive, short enough not to be replayed.
const TOKEN_TTL_S: i64 = 120;

/// Remembers that `client_id`, which takes back-channel logout, signed in with the session
/// `session_id` (the login flow asks only for such applications).
pub fn remember_client_into(batch: &mut Batch, session_id: &str, client_id: &str) {
    batch.push("INSERT INTO session_clients (session_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", vec![session_id.into(), client_id.into()]);
}

/// Queues a logout token for each application that signed in with `ended`, then delivers what
/// is due in the background (the caller does not wait for applications to answer).
pub async fn sessions_ended(state: &AppState, ended: &[Session]) -> Result<()> {
    let now = state.clock.now_ms();
    let mut queued = 0;
    for session in ended {
        let clients: Vec<String> = state.db.fetch_all_scalars(
            "DELETE FROM session_clients WHERE session_id = $1 RETURNING client_id",
            &[(&session.id).into()],
        ).await?;
        for client_id in clients {
            state.db.execute(
                "INSERT INTO logout_deliveries (id, client_id, user_id, session_id, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 0, $5, $5)",
                &[(format!("bcl_{}", random_alphanumeric(20))).into(), (&client_id).into(), (&session.user_id).into(), (&session.id).into(), now.into()],
            ).await?;
            queued += 1;
        }
    }
    if queued > 0 {
        let state = state.unpinned();
        tokio::spawn(async move {
            if let Err(e) = deliver_due(&state).await {
                tracing::error!(error = %e, "back-channel logout delivery failed");
            }
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Delivery {
    id: String,
    client_id: String,
    user_id: String,
    session_id: Option<String>,
    attempts: i64,
}
inline_row!(Delivery { id, client_id, user_id, session_id, attempts });


/// Takes the next due delivery, leasing it so no other replica sends it at the same time.
async fn claim(state: &AppState) -> Result<Option<Delivery>> {
    let now = state.clock.now_ms();
    Ok(state.db.fetch_optional("UPDATE logout_deliveries SET next_attempt_at = $2, attempts = attempts + 1
         WHERE id = (SELECT id FROM logout_deliveries WHERE next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 1) AND next_attempt_at <= $1
         RETURNING id, client_id, user_id, session_id, attempts", &[now.into(), (now + LEASE_MS).into()]).await?)
}

/// Delivers every due logout token; returns how many were delivered. Run when sessions end and
/// periodically by the server.
pub async fn deliver_due(state: &AppState) -> Result<u64> {
    let mut delivered = 0;
    while let Some(delivery) = claim(state).await? {
        let app = match applications::get_application(state, &delivery.client_id).await {
            Ok(app) => app,
            Err(Error::NotFound(_)) => {
                forget(state, &delivery.id).await?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(uri) = app.backchannel_logout_uri.clone() else {
            forget(state, &delivery.id).await?;
            continue;
        };
        match send(state, &app, &uri, &delivery).await {
            Ok(()) => {
                forget(state, &delivery.id).await?;
                delivered += 1;
                tracing::info!(client_id = %app.client_id, "back-channel logout delivered");
                crate::backend::metrics::backchannel_delivery("delivered");
                logs::record(state, logs::BACKCHANNEL_LOGOUT_OK, "Back-channel logout delivered", None, Some(&app.client_id), Some(&delivery.user_id)).await;
            }
            Err(reason) => {
                let attempt = usize::try_from(delivery.attempts).unwrap_or(usize::MAX);
                match RETRY_AFTER_S.get(attempt.saturating_sub(1)) {
                    Some(wait) => {
                        state.db.execute(
                            "UPDATE logout_deliveries SET next_attempt_at = $2, last_error = $3 WHERE id = $1",
                            &[(&delivery.id).into(), (state.clock.now_ms() + wait * 1000).into(), (&reason).into()],
                        ).await?;
                        tracing::warn!(client_id = %app.client_id, attempt, %reason, "back-channel logout failed; will retry");
                        crate::backend::metrics::backchannel_delivery("retry");
                    }
                    None => {
                        forget(state, &delivery.id).await?;
                        let description = format!("Back-channel logout failed after {attempt} attempts: {reason}");
                        tracing::warn!(client_id = %app.client_id, %description);
                        crate::backend::metrics::backchannel_delivery("given_up");
                        logs::record(state, logs::BACKCHANNEL_LOGOUT_FAILED, &description, None, Some(&app.client_id), Some(&delivery.user_id)).await;
                    }
                }
            }
        }
    }
    Ok(delivered)
}

async fn forget(state: &AppState, id: &str) -> Result<()> {
    state.db.execute("DELETE FROM logout_deliveries WHERE id = $1", &[id.into()]).await?;
    Ok(())
}

/// Signs the logout token and POSTs it; `Err` is the reason the application did not take it.
async fn send(state: &AppState, app: &Application, uri: &str, delivery: &Delivery) -> std::result::Result<(), String> {
    let token = logout_token(state, app, &delivery.user_id, delivery.session_id.as_deref()).await.map_err(|e| {
        e.log_if_internal();
        "the logout token could not be signed".to_string()
    })?;
    let body = url::form_urlencoded::Serializer::new(String::new()).append_pair("logout_token", &token).finish();
    let request = http::Request::post(uri)
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .map_err(|_| format!("{uri} is not a URL"))?;
    let response = state.discovery.client().execute(request).await.map_err(|e| e.0)?;
    // Section 2.8: 200 OK on success (some answer 204); anything else is a failure to retry.
    match response.status().as_u16() {
        200 | 204 => Ok(()),
        status => Err(format!("the application answered HTTP {status}")),
    }
}

/// A logout token (section 2.4) for `app` about `user_id`'s session `sid`.
pub async fn logout_token(state: &AppState, app: &Application, user_id: &str, sid: Option<&str>) -> Result<String> {
    let keys = state.signing_keys.load(&state.db, &state.clock, &state.env.master_key).await?;
    let signer = keys.for_application(app);
    let now = state.clock.now().timestamp();
    let mut claims = json!({
        "iss": issuer(state), "aud": app.client_id, "iat": now, "exp": now + TOKEN_TTL_S, "jti": random_alphanumeric(24),
        "sub": user_id, "events": { EVENT: {} },
    });
    if let Some(sid) = sid {
        claims["sid"] = json!(sid);
    }
    sign_jwt(signer, "logout+jwt", &claims)
}
