//! The sign-in throttle: failed attempts are counted per account and per client address in a
//! fixed window, in the database so every replica sees the same counts.

use crate::backend::store::{on_db, Db};
use crate::backend::{Clock, Error, Result};

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures allowed per account in a window (whether or not the account exists).
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Failures allowed per client address in a window (many accounts from one place).
pub const MAX_PER_ADDRESS: i64 = 20;

pub fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// Refuses with 429 when either key has used up its failures in the current window.
pub async fn check(db: &Db, clock: &Clock, keys: &[(String, i64)]) -> Result<()> {
    let now = clock.now_ms();
    for (key, limit) in keys {
        let row: Option<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(
            "SELECT failures, window_started_at FROM signin_failures WHERE throttle_key = $1"
        )
        .bind(key)
        .fetch_optional(pool)
        .await)?;
        if let Some((failures, started)) = row {
            let window_ends = started + WINDOW_MS;
            if failures >= *limit && window_ends > now {
                let minutes = ((window_ends - now) as f64 / 60_000.0).ceil() as i64;
                return Err(Error::TooManyRequests(format!(
                    "Too many failed sign-in attempts. Try again in {minutes} minute{}.",
                    if minutes == 1 { "" } else { "s" }
                )));
            }
        }
    }
    Ok(())
}

/// Counts one failure against each key, starting a new window when the old one is over.
pub async fn record_failure(db: &Db, clock: &Clock, keys: &[String]) -> Result<()> {
    let now = clock.now_ms();
    for key in keys {
        on_db!(db, |pool| sqlx::query(
            "INSERT INTO signin_failures (throttle_key, failures, window_started_at) VALUES ($1, 1, $2)
             ON CONFLICT (throttle_key) DO UPDATE SET
               failures = CASE WHEN signin_failures.window_started_at <= $3 THEN 1 ELSE signin_failures.failures + 1 END,
               window_started_at = CASE WHEN signin_failures.window_started_at <= $3 THEN $2 ELSE signin_failures.window_started_at END"
        )
        .bind(key)
        .bind(now)
        .bind(now - WINDOW_MS)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A successful sign-in forgives the account's failures (not the address's).
pub async fn clear(db: &Db, key: &str) -> Result<()> {
    on_db!(db, |pool| sqlx::query("DELETE FROM signin_failures WHERE throttle_key = $1")
        .bind(key)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::store::testing::fresh_database;

    #[tokio::test]
    async fn an_account_is_refused_after_five_failures_until_the_window_ends() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        let keys = [(account_key("a@example.com"), MAX_PER_ACCOUNT)];
        for _ in 0..MAX_PER_ACCOUNT {
            check(&db, &clock, &keys).await?;
            record_failure(&db, &clock, &[account_key("a@example.com")]).await?;
        }
        let refused = check(&db, &clock, &keys).await;
        assert!(matches!(refused, Err(Error::TooManyRequests(ref m)) if m.contains("15 minutes")), "{refused:?}");
        clock.advance(chrono::Duration::minutes(15));
        check(&db, &clock, &keys).await?;
        record_failure(&db, &clock, &[account_key("a@example.com")]).await?;
        check(&db, &clock, &keys).await?; // a new window started with one failure
        Ok(())
    }

    #[tokio::test]
    async fn clearing_an_account_forgives_its_failures_only() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        let keys = vec![account_key("b@example.com"), address_key("10.0.0.1")];
        for _ in 0..MAX_PER_ACCOUNT {
            record_failure(&db, &clock, &keys).await?;
        }
        clear(&db, &account_key("b@example.com")).await?;
        check(&db, &clock, &[(account_key("b@example.com"), MAX_PER_ACCOUNT)]).await?;
        assert!(check(&db, &clock, &[(address_key("10.0.0.1"), MAX_PER_ACCOUNT)]).await.is_err());
        Ok(())
    }
}
