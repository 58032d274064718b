//! Single sign-on sessions: after an upstream login for an application, the browser gets a
//! Tessera session cookie, and a later `/authorize` (the same application or another) signs in
//! without a trip to the IdP while the session lives. The cookie holds a random secret; only its
//! hash is stored. The session's public `id` is the `sid` of ID tokens.
//!
//! Lifetimes come from the Settings page's Login Session Management (Auth0's defaults: 3 days
//! idle, 7 days absolute), fixed for each session when it starts. Every way a session ends goes
//! through `provider::end_sessions`, which tells the applications that take back-channel logout.

use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::{inline_row, Batch, Value};
use crate::backend::{AppState, Result};
use serde::{Deserialize, Serialize};

/// `last_seen_at` is written at most this often, so SSO does not write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Session {
    /// Public: the `sid` claim.
    pub id: String,
    pub user_id: String,
    pub connection_id: String,
    /// Seconds: when the user authenticated at the identity provider.
    pub auth_time: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The absolute end ("Require log in after").
    pub expires_at: i64,
    /// The inactivity timeout this session started with.
    pub idle_ms: i64,
}
inline_row!(Session { id, user_id, connection_id, auth_time, created_at, last_seen_at, expires_at, idle_ms });


const COLUMNS: &str = "id, user_id, connection_id, auth_time, created_at, last_seen_at, expires_at, idle_ms";
/// Live: not revoked, within both lifetimes (`$2` is now).
const LIVE: &str = "revoked_at IS NULL AND expires_at > $2 AND last_seen_at + idle_ms > $2";

/// A new session for `user_id`, written with the other writes of `batch`; returns it and the
/// secret for the cookie (shown nowhere else).
pub async fn create_into(batch: &mut Batch, state: &AppState, user_id: &str, connection_id: &str, auth_time: i64) -> Result<(Session, String)> {
    let secret = random_alphanumeric(43);
    let now = state.clock.now_ms();
    let lifetimes = crate::backend::tenant::session_lifetimes(state).await?;
    let session = Session {
        id: random_alphanumeric(24),
        user_id: user_id.to_string(),
        connection_id: connection_id.to_string(),
        auth_time,
        created_at: now,
        last_seen_at: now,
        expires_at: now + lifetimes.absolute_ms(),
        idle_ms: lifetimes.idle_ms(),
    };
    batch.push(
        "INSERT INTO sso_sessions (id, cookie_hash, user_id, connection_id, auth_time, created_at, last_seen_at, expires_at, idle_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        vec![
            session.id.clone().into(),
            sha256_hex(&secret).into(),
            session.user_id.clone().into(),
            session.connection_id.clone().into(),
            session.auth_time.into(),
            session.created_at.into(),
            session.last_seen_at.into(),
            session.expires_at.into(),
            session.idle_ms.into(),
        ],
    );
    Ok((session, secret))
}

/// The live session the cookie names: not revoked, within both lifetimes. Using it counts as
/// activity for the idle lifetime.
pub async fn current(state: &AppState, cookie: Option<&str>) -> Result<Option<Session>> {
    let Some(secret) = cookie.filter(|c| !c.is_empty()) else { return Ok(None) };
    let now = state.clock.now_ms();
    let found: Option<Session> = state.db.fetch_optional(&format!(
        "SELECT {COLUMNS} FROM sso_sessions WHERE cookie_hash = $1 AND {LIVE}"
    ), &[(sha256_hex(secret)).into(), now.into()]).await?;
    if let Some(s) = &found {
        if now - s.last_seen_at > TOUCH_EVERY_MS {
            state.db.execute("UPDATE sso_sessions SET last_seen_at = $2 WHERE id = $1", &[(&s.id).into(), now.into()]).await?;
        }
    }
    Ok(found)
}

/// Whether the session `id` is still live (not logged out, revoked or expired).
pub async fn is_live(state: &AppState, id: &str) -> Result<bool> {
    let found: Option<String> = state.db.fetch_optional_scalar(&format!("SELECT id FROM sso_sessions WHERE id = $1 AND {LIVE}"), &[id.into(), state.clock.now_ms().into()]).await?;
    Ok(found.is_some())
}

/// Which sessions to end.
pub enum Ending<'a> {
    /// One of a user's sessions, by id (logout by `sid`, or an admin on the user's page).
    One { user_id: &'a str, id: &'a str },
    /// The session a browser's cookie names (RP-initiated logout).
    Cookie(&'a str),
    /// Every session of a user (deleted, deprovisioned).
    User(&'a str),
}

/// Ends sessions; returns the ones that were live. [`super::end_sessions`] also tells the
/// applications that signed in with them.
pub(super) async fn revoke(state: &AppState, which: Ending<'_>) -> Result<Vec<Session>> {
    let now = state.clock.now_ms();
    let (filter, mut values): (&str, Vec<Value>) = match which {
        Ending::One { user_id, id } => ("id = $3 AND user_id = $4", vec![id.into(), user_id.into()]),
        Ending::Cookie(cookie) => ("cookie_hash = $3", vec![sha256_hex(cookie).into()]),
        Ending::User(user_id) => ("user_id = $3", vec![user_id.into()]),
    };
    values.splice(0..0, [now.into(), now.into()]);
    let sql = format!("UPDATE sso_sessions SET revoked_at = $1 WHERE {filter} AND {LIVE} RETURNING {COLUMNS}");
    state.db.fetch_all(&sql, &values).await
}

/// A user's live sessions, newest first.
pub async fn list_for_user(state: &AppState, user_id: &str) -> Result<Vec<Session>> {
    let now = state.clock.now_ms();
    Ok(state.db.fetch_all(&format!(
        "SELECT {COLUMNS} FROM sso_sessions WHERE user_id = $1 AND {LIVE} ORDER BY created_at DESC LIMIT 100"
    ), &[user_id.into(), now.into()]).await?)
}

/// Removes sessions that ended more than a day ago (run periodically by the server).
pub async fn prune(state: &AppState) -> Result<u64> {
    let cutoff = state.clock.now_ms() - 24 * 3600 * 1000;
    Ok(state.db.execute(
        "DELETE FROM sso_sessions WHERE expires_at <= $1 OR revoked_at <= $1 OR last_seen_at + idle_ms <= $1",
        &[cutoff.into()],
    ).await?)
}
