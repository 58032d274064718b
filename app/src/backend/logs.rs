//! The sign-in log: every success and failure through a connection, with the connection, the
//! application, the user and the reason. Never a token, code or secret. The Logs page and
//! `/api/v2/logs` read it.

use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::inline_row;
use crate::backend::store::batch::Batch;
use crate::backend::{AppState, Result};
use serde::{Deserialize, Serialize};

/// Auth0's log type codes for what Tessera records.
pub const SUCCESS: &str = "s";
pub const FAILURE: &str = "f";
pub const LOGOUT: &str = "slo";
/// A Management API or dashboard change worth an audit line (Auth0's "Success API Operation").
pub const API_OPERATION: &str = "sapi";
/// OpenID Connect Back-Channel Logout to an application: delivered, or given up after retries.
pub const BACKCHANNEL_LOGOUT_OK: &str = "oidc_backchannel_logout_succeeded";
pub const BACKCHANNEL_LOGOUT_FAILED: &str = "oidc_backchannel_logout_failed";
/// A user deactivated or deleted by SCIM provisioning, or signed out everywhere by Global Token
/// Revocation.
pub const DEPROVISIONED: &str = "deprovisioned";
pub const TOKEN_REVOCATION: &str = "global_token_revocation";
pub const TOKEN_REVOCATION_FAILED: &str = "global_token_revocation_failed";
/// A self-service setup link: created by an admin, opened and completed by an IT admin, or
/// refused (expired, revoked, used, tampered with, another browser).
pub const SETUP_LINK_CREATED: &str = "setup_link_created";
pub const SETUP_LINK_OPENED: &str = "setup_link_opened";
pub const SETUP_LINK_COMPLETED: &str = "setup_link_completed";
pub const SETUP_LINK_REFUSED: &str = "setup_link_refused";

/// Every type Tessera records.
pub const KINDS: &[&str] = &[
    SUCCESS, FAILURE, LOGOUT, API_OPERATION, BACKCHANNEL_LOGOUT_OK, BACKCHANNEL_LOGOUT_FAILED, DEPROVISIONED, TOKEN_REVOCATION, TOKEN_REVOCATION_FAILED,
    SETUP_LINK_CREATED, SETUP_LINK_OPENED, SETUP_LINK_COMPLETED, SETUP_LINK_REFUSED,
];

/// Whether an event of this type is a failure (shown in red).
pub fn is_failure(kind: &str) -> bool {
    matches!(kind, FAILURE | BACKCHANNEL_LOGOUT_FAILED | TOKEN_REVOCATION_FAILED | SETUP_LINK_REFUSED)
}

/// Auth0's label for a log type code.
pub fn label(kind: &str) -> &'static str {
    match kind {
        SUCCESS => "Success Login",
        FAILURE => "Failed Login",
        LOGOUT => "Success Logout",
        API_OPERATION => "Success API Operation",
        BACKCHANNEL_LOGOUT_OK => "Back-channel Logout",
        BACKCHANNEL_LOGOUT_FAILED => "Failed Back-channel Logout",
        DEPROVISIONED => "User Deprovisioned",
        TOKEN_REVOCATION => "Global Token Revocation",
        TOKEN_REVOCATION_FAILED => "Failed Global Token Revocation",
        SETUP_LINK_CREATED => "Setup Link Created",
        SETUP_LINK_OPENED => "Setup Link Opened",
        SETUP_LINK_COMPLETED => "Setup Link Completed",
        SETUP_LINK_REFUSED => "Setup Link Refused",
        _ => "Event",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogEvent {
    pub id: String,
    /// `s` (successful login), `f` (failed login) or `slo` (successful logout).
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    pub description: String,
    pub connection_id: Option<String>,
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

inline_row!(LogEvent { id, kind = "type", description, connection_id, client_id, user_id, created_at });

/// Records one event. A failure to record is logged, never allowed to fail the sign-in.
/// A failed sign-in is also counted and written to the process log with its named reason.
pub async fn record(state: &AppState, kind: &str, description: &str, connection_id: Option<&str>, client_id: Option<&str>, user_id: Option<&str>) {
    if kind == FAILURE {
        let reason = crate::failures::classify(description).code;
        tracing::warn!(connection_id = connection_id.unwrap_or(""), client_id = client_id.unwrap_or(""), reason_code = reason, reason = description, "sign-in failed");
        crate::backend::metrics::sign_in_failed(connection_id, reason);
    }
    let mut batch = Batch::default();
    record_into(&mut batch, state, kind, description, connection_id, client_id, user_id);
    if let Err(e) = batch.run(&state.db).await {
        tracing::error!(error = %e, "could not record a log event");
    }
}

/// Records one event with the other writes of `batch` (a sign-in and its log entry are
/// written together or not at all).
pub fn record_into(batch: &mut Batch, state: &AppState, kind: &str, description: &str, connection_id: Option<&str>, client_id: Option<&str>, user_id: Option<&str>) {
    batch.push(
        "INSERT INTO logs (id, type, description, connection_id, client_id, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            format!("log_{}", random_alphanumeric(20)).into(),
            kind.into(),
            description.into(),
            connection_id.into(),
            client_id.into(),
            user_id.into(),
            state.clock.now_ms().into(),
        ],
    );
}

/// The newest events first, optionally of one type and/or one connection.
/// Which events to list: any of these left `None` matches everything.
#[derive(Clone, Debug, Default)]
pub struct LogFilter<'a> {
    /// `s` or `f`.
    pub kind: Option<&'a str>,
    pub connection_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
}

/// A page of the events matching `filter`, newest first.
pub async fn list(state: &AppState, filter: &LogFilter<'_>, page: u64, per_page: u64) -> Result<Vec<LogEvent>> {
    let per_page = per_page.clamp(1, 100);
    window(state, filter, page.saturating_mul(per_page), per_page).await
}

const MATCHING: &str = "(CAST($1 AS TEXT) IS NULL OR type = $1) AND (CAST($2 AS TEXT) IS NULL OR connection_id = $2)
           AND (CAST($3 AS TEXT) IS NULL OR client_id = $3)";

/// `limit` events matching `filter` from the `offset`th, newest first.
pub async fn window(state: &AppState, filter: &LogFilter<'_>, offset: u64, limit: u64) -> Result<Vec<LogEvent>> {
    let (offset, limit) = (i64::try_from(offset).unwrap_or(i64::MAX), i64::try_from(limit).unwrap_or(i64::MAX));
    let sql = format!("SELECT id, type, description, connection_id, client_id, user_id, created_at FROM logs WHERE {MATCHING} ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5");
    state.db.fetch_all(&sql, &[filter.kind.into(), filter.connection_id.into(), filter.client_id.into(), limit.into(), offset.into()]).await
}

/// How many events match `filter`.
pub async fn count(state: &AppState, filter: &LogFilter<'_>) -> Result<u64> {
    let n: i64 = state.db.fetch_scalar(&format!("SELECT COUNT(*) FROM logs WHERE {MATCHING}"), &[filter.kind.into(), filter.connection_id.into(), filter.client_id.into()]).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Hours in a connection's sign-in chart.
pub const ACTIVITY_HOURS: i64 = 24;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// A connection's sign-ins and failed sign-ins per hour over the last [`ACTIVITY_HOURS`], oldest
/// hour first; the last hour ends at `now`.
pub async fn activity(state: &AppState, connection_id: &str) -> Result<Vec<crate::logs_activity::HourCount>> {
    let now = state.clock.now_ms();
    let since = now - ACTIVITY_HOURS * HOUR_MS;
    let rows: Vec<(i64, String, i64)> = state
        .db
        .fetch_all(
            "SELECT (created_at - $2) / $3 AS hour, type, COUNT(*) FROM logs
             WHERE connection_id = $1 AND created_at > $2 AND type IN ('s', 'f') GROUP BY 1, 2",
            &[connection_id.into(), since.into(), HOUR_MS.into()],
        )
        .await?;
    let mut hours: Vec<crate::logs_activity::HourCount> =
        (0..ACTIVITY_HOURS).map(|h| crate::logs_activity::HourCount { start_ms: since + h * HOUR_MS, succeeded: 0, failed: 0 }).collect();
    for (hour, kind, n) in rows {
        let Some(slot) = usize::try_from(hour).ok().and_then(|h| hours.get_mut(h)) else { continue };
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if kind == SUCCESS {
            slot.succeeded = n;
        } else {
            slot.failed = n;
        }
    }
    Ok(hours)
}
