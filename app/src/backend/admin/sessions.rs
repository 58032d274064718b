//! Server-side dashboard sessions. The browser holds a random token in an HttpOnly cookie; the
//! database holds only its SHA-256, so a leaked database does not leak live sessions.

use crate::backend::crypto::{random_token, sha256_hex};
use crate::backend::store::inline_row;
use crate::backend::store::Db;
use crate::backend::{Clock, Result};

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so reads do not all become writes.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// The signed-in admin behind a request. Middleware puts it in the request's extensions; server
/// functions and pages read it from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentAdmin {
    pub admin_id: String,
    pub email: String,
    pub must_change_password: bool,
    pub(crate) token_hash: String,
}

/// Starts a session; returns the cookie value (shown to the browser only).
pub async fn create_session(db: &Db, clock: &Clock, admin_id: &str) -> Result<String> {
    let token = random_token();
    let now = clock.now_ms();
    db.execute("INSERT INTO admin_sessions (token_hash, admin_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $3, $4)", &[(sha256_hex(&token)).into(), admin_id.into(), now.into(), (now + IDLE_TIMEOUT_MS).into()]).await?;
    Ok(token)
}

/// The admin a cookie value belongs to, if the session is live. Extends the idle timeout.
pub async fn load_session(db: &Db, clock: &Clock, token: &str) -> Result<Option<CurrentAdmin>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        admin_id: String,
        email: String,
        must_change_password: bool,
        created_at: i64,
        last_seen_at: i64,
        expires_at: i64,
    }
inline_row!(Row { admin_id, email, must_change_password, created_at, last_seen_at, expires_at });

    let token_hash = sha256_hex(token);
    let now = clock.now_ms();
    let row: Option<Row> = db.fetch_optional("SELECT s.admin_id, a.email, a.must_change_password, s.created_at, s.last_seen_at, s.expires_at
         FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
         WHERE s.token_hash = $1", &[(&token_hash).into()]).await?;
    let Some(row) = row else { return Ok(None) };
    if row.expires_at <= now || row.created_at + ABSOLUTE_TIMEOUT_MS <= now {
        delete_session(db, token).await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY_MS {
        let expires_at = (now + IDLE_TIMEOUT_MS).min(row.created_at + ABSOLUTE_TIMEOUT_MS);
        db.execute(
            "UPDATE admin_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
            &[now.into(), expires_at.into(), (&token_hash).into()],
        ).await?;
    }
    Ok(Some(CurrentAdmin {
        admin_id: row.admin_id,
        email: row.email,
        must_change_password: row.must_change_password,
        token_hash,
    }))
}

/// Signs out: the cookie value stops working at once, on every replica.
pub async fn delete_session(db: &Db, token: &str) -> Result<()> {
    end_session(db, &sha256_hex(token)).await
}

pub async fn end_session(db: &Db, token_hash: &str) -> Result<()> {
    db.execute("DELETE FROM admin_sessions WHERE token_hash = $1", &[token_hash.into()]).await?;
    Ok(())
}

/// Ends every other session of an admin (after a password change).
pub async fn end_other_sessions(db: &Db, current: &CurrentAdmin) -> Result<()> {
    db.execute(
        "DELETE FROM admin_sessions WHERE admin_id = $1 AND token_hash <> $2",
        &[(&current.admin_id).into(), (&current.token_hash).into()],
    ).await?;
    Ok(())
}

/// Removes expired rows; called now and then so the table does not grow without bound.
pub async fn prune_expired(db: &Db, clock: &Clock) -> Result<u64> {
    let done = db.execute("DELETE FROM admin_sessions WHERE expires_at <= $1", &[(clock.now_ms()).into()]).await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::admin::accounts::create_admin;
    use crate::backend::crypto::SecretString;
    use crate::backend::store::testing::fresh_database;
    use chrono::Duration;

    async fn setup() -> Result<(Db, Clock, String)> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        let admin = create_admin(&db, &clock, "a@example.com", SecretString::new("password-123456"), false).await?;
        Ok((db, clock, admin.id))
    }

    #[test]
    fn the_session_cookie_is_http_only_lax_and_secure_over_https() {
    }

    #[tokio::test]
    async fn a_session_token_finds_its_admin_and_only_its_hash_is_stored() -> Result<()> {
        let (db, clock, admin_id) = setup().await?;
        let token = create_session(&db, &clock, &admin_id).await?;
        let found = load_session(&db, &clock, &token).await?;
        assert_eq!(found.map(|a| a.email), Some("a@example.com".to_string()));
        let stored: Vec<String> = db.fetch_all_scalars("SELECT token_hash FROM admin_sessions", &[]).await?;
        assert_eq!(stored, vec![sha256_hex(&token)]);
        assert!(load_session(&db, &clock, "not-a-session").await?.is_none());
        Ok(())
    }

    #[tokio::test]
    async fn a_session_expires_when_idle_but_activity_keeps_it_alive() -> Result<()> {
        let (db, clock, admin_id) = setup().await?;
        let token = create_session(&db, &clock, &admin_id).await?;
        clock.advance(Duration::hours(11));
        assert!(load_session(&db, &clock, &token).await?.is_some(), "used within the idle timeout");
        clock.advance(Duration::hours(11));
        assert!(load_session(&db, &clock, &token).await?.is_some(), "activity extended it");
        clock.advance(Duration::hours(13));
        assert!(load_session(&db, &clock, &token).await?.is_none(), "idle for 13 hours");
        Ok(())
    }

    #[tokio::test]
    async fn a_session_ends_after_seven_days_however_active() -> Result<()> {
        let (db, clock, admin_id) = setup().await?;
        let token = create_session(&db, &clock, &admin_id).await?;
        for _ in 0..15 {
            clock.advance(Duration::hours(11));
            assert!(load_session(&db, &clock, &token).await?.is_some());
        }
        clock.advance(Duration::hours(11)); // 176 h after sign-in, past the 168 h limit
        assert!(load_session(&db, &clock, &token).await?.is_none());
        Ok(())
    }

    #[tokio::test]
    async fn signing_out_ends_the_session_at_once() -> Result<()> {
        let (db, clock, admin_id) = setup().await?;
        let token = create_session(&db, &clock, &admin_id).await?;
        delete_session(&db, &token).await?;
        assert!(load_session(&db, &clock, &token).await?.is_none());
        Ok(())
    }
}
