//! The sign-in throttle. Every attempt is counted *before* the password is checked, atomically,
//! so parallel requests cannot all slip through between a check and a later count. Two keys are
//! counted per attempt:
//!
//! - `account:<email>|<address>`: 5 attempts per 15 minutes from one client address. Keying on
//!   the pair (not the account alone) means nobody elsewhere can lock the admin out by guessing.
//! - `address:<address>`: 20 attempts per 15 minutes from one address, over all accounts.
//!
//! A key that runs out is locked for 15 minutes, then 30, 60, … up to a day for each new lock
//! within a day of the last one (backoff). Rows live in the database, so every replica sees the
//! same counts; each change is a compare-and-swap on the whole row.

use crate::backend::store::inline_row;
use crate::backend::store::Db;
use crate::backend::{Clock, Error, Result};
use std::net::IpAddr;

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Attempts allowed per (account, address) in a window.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Attempts allowed per client address in a window, over all accounts.
pub const MAX_PER_ADDRESS: i64 = 20;
/// The longest lock, and how long a lock is remembered for the backoff.
pub const MAX_LOCK_MS: i64 = 24 * 60 * 60 * 1000;

/// The key for attempts at one account from one client address.
pub fn account_key(email: &str, address: &str) -> String {
    format!("account:{}|{}", email.trim().to_lowercase(), address_group(address))
}

/// The key for all attempts from one client address.
pub fn address_key(address: &str) -> String {
    format!("address:{}", address_group(address))
}

/// The unit an address is counted in: an IPv4 address, or an IPv6 /64 (one customer's network:
/// counting single IPv6 addresses would give an attacker 2^64 fresh counters).
pub fn address_group(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.to_string(),
    }
}

/// One key's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Counter {
    pub failures: i64,
    pub window_started_at: i64,
    pub locked_until: i64,
    pub strikes: i64,
}
inline_row!(Counter { failures, window_started_at, locked_until, strikes });


#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    LockedUntil(i64),
}

/// How long the lock after `strikes` earlier locks lasts: 15 min × 2^strikes, at most a day.
pub fn lock_duration(strikes: i64) -> i64 {
    let factor = 1i64.checked_shl(u32::try_from(strikes.clamp(0, 20)).unwrap_or(20)).unwrap_or(i64::MAX);
    WINDOW_MS.saturating_mul(factor).min(MAX_LOCK_MS)
}

/// The next state of a key after one more attempt at `now`. Pure, so the rules are tested
/// without a database.
pub fn next(old: Option<Counter>, now: i64, max: i64) -> (Counter, Verdict) {
    let Some(old) = old else {
        let fresh = Counter { failures: 1, window_started_at: now, locked_until: 0, strikes: 0 };
        return (fresh, Verdict::Allowed);
    };
    if old.locked_until > now {
        return (old, Verdict::LockedUntil(old.locked_until));
    }
    let strikes = if old.locked_until > 0 && now.saturating_sub(old.locked_until) > MAX_LOCK_MS { 0 } else { old.strikes };
    let (failures, window_started_at) =
        if now.saturating_sub(old.window_started_at) >= WINDOW_MS { (1, now) } else { (old.failures.saturating_add(1), old.window_started_at) };
    if failures > max {
        let locked_until = now.saturating_add(lock_duration(strikes));
        let locked = Counter { failures: 0, window_started_at: now, locked_until, strikes: strikes.saturating_add(1) };
        return (locked, Verdict::LockedUntil(locked_until));
    }
    (Counter { failures, window_started_at, locked_until: old.locked_until, strikes }, Verdict::Allowed)
}

fn refusal(until: i64, now: i64) -> Error {
    let minutes = (until.saturating_sub(now) + 59_999) / 60_000;
    Error::TooManyRequests(format!("Too many failed sign-in attempts. Try again in {minutes} minute{}.", if minutes == 1 { "" } else { "s" }))
}

/// Counts one attempt against each key and refuses with 429 if any key is locked or has just
/// run out. Called before the password is checked.
pub async fn take_attempt(db: &Db, clock: &Clock, keys: &[(String, i64)]) -> Result<()> {
    let now = clock.now_ms();
    let mut refused = None;
    for (key, max) in keys {
        if let Verdict::LockedUntil(until) = count(db, key, *max, now).await? {
            refused = Some(refused.map_or(until, |u: i64| u.max(until)));
        }
    }
    match refused {
        Some(until) => Err(refusal(until, now)),
        None => Ok(()),
    }
}

/// [`take_attempt`] for a bound that is not about passwords (a setup link's fetches, invitation
/// emails): past it, 429 with `refusal` instead of the sign-in's wording.
pub async fn take_bounded(db: &Db, clock: &Clock, keys: &[(String, i64)], refusal: &str) -> Result<()> {
    match take_attempt(db, clock, keys).await {
        Err(Error::TooManyRequests(_)) => Err(Error::TooManyRequests(refusal.into())),
        other => other,
    }
}

/// One compare-and-swap on a key's row, retried when another request changed it in between.
async fn count(db: &Db, key: &str, max: i64, now: i64) -> Result<Verdict> {
    const ATTEMPTS: usize = 50;
    for _ in 0..ATTEMPTS {
        let old: Option<Counter> = db.fetch_optional(
            "SELECT failures, window_started_at, locked_until, strikes FROM signin_failures WHERE throttle_key = $1",
            &[key.into()],
        ).await?;
        let (new, verdict) = next(old, now, max);
        if Some(new) == old {
            return Ok(verdict);
        }
        let written = match old {
            None => db.execute("INSERT INTO signin_failures (throttle_key, failures, window_started_at, locked_until, strikes)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (throttle_key) DO NOTHING", &[key.into(), new.failures.into(), new.window_started_at.into(), new.locked_until.into(), new.strikes.into()]).await?,
            Some(old) => db.execute("UPDATE signin_failures SET failures = $2, window_started_at = $3, locked_until = $4, strikes = $5
                 WHERE throttle_key = $1 AND failures = $6 AND window_started_at = $7 AND locked_until = $8 AND strikes = $9", &[key.into(), new.failures.into(), new.window_started_at.into(), new.locked_until.into(), new.strikes.into(), old.failures.into(), old.window_started_at.into(), old.locked_until.into(), old.strikes.into()]).await?,
        };
        if written == 1 {
            return Ok(verdict);
        }
    }
    // Fifty lost races in a row: this key is under a flood. Refuse rather than let it through.
    Err(Error::TooManyRequests("Too many sign-in attempts right now. Try again in a minute.".into()))
}

/// A successful sign-in: the (account, address) key starts over, and the attempt is given back
/// to the address key.
pub async fn succeeded(db: &Db, account_key: &str, address_key: &str) -> Result<()> {
    db.execute("DELETE FROM signin_failures WHERE throttle_key = $1", &[account_key.into()]).await?;
    db.execute("UPDATE signin_failures SET failures = failures - 1 WHERE throttle_key = $1 AND failures > 0", &[address_key.into()]).await?;
    Ok(())
}

/// Removes rows whose window and lock are long over (run periodically by the server).
pub async fn prune(db: &Db, clock: &Clock) -> Result<u64> {
    let cutoff = clock.now_ms() - MAX_LOCK_MS - WINDOW_MS;
    Ok(db.execute("DELETE FROM signin_failures WHERE window_started_at < $1 AND locked_until < $1", &[cutoff.into()]).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::store::testing::fresh_database;

    const MIN: i64 = 60_000;

    #[test]
    fn a_key_allows_its_attempts_then_locks_for_longer_each_time() {
        let mut state = None;
        let mut now = 0;
        for _ in 0..MAX_PER_ACCOUNT {
            let (s, v) = next(state, now, MAX_PER_ACCOUNT);
            assert_eq!(v, Verdict::Allowed);
            state = Some(s);
        }
        let (s, v) = next(state, now, MAX_PER_ACCOUNT);
        assert_eq!(v, Verdict::LockedUntil(15 * MIN));
        state = Some(s);
        now += 14 * MIN;
        assert_eq!(next(state, now, MAX_PER_ACCOUNT).1, Verdict::LockedUntil(15 * MIN), "still locked");
        now = 15 * MIN;
        for _ in 0..MAX_PER_ACCOUNT {
            let (s, v) = next(state, now, MAX_PER_ACCOUNT);
            assert_eq!(v, Verdict::Allowed);
            state = Some(s);
        }
        assert_eq!(next(state, now, MAX_PER_ACCOUNT).1, Verdict::LockedUntil(now + 30 * MIN), "the second lock is twice as long");
        assert_eq!(lock_duration(3), 120 * MIN);
        assert_eq!(lock_duration(10), MAX_LOCK_MS);
        assert_eq!(lock_duration(i64::MAX), MAX_LOCK_MS);
    }

    #[test]
    fn a_window_that_ended_starts_again_and_old_locks_are_forgotten_after_a_day() {
        let old = Counter { failures: 4, window_started_at: 0, locked_until: 0, strikes: 0 };
        assert_eq!(next(Some(old), WINDOW_MS, 5).0.failures, 1);
        let remembered = Counter { failures: 0, window_started_at: 0, locked_until: 10 * MIN, strikes: 3 };
        assert_eq!(next(Some(remembered), 10 * MIN + MAX_LOCK_MS + 1, 5).0.strikes, 0);
        assert_eq!(next(Some(remembered), 11 * MIN, 5).0.strikes, 3);
    }

    #[test]
    fn ipv6_addresses_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(address_group("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address_group("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(address_group("::ffff:10.0.0.1"), "10.0.0.1");
        assert_eq!(address_key("203.0.113.9"), "address:203.0.113.9");
        assert_eq!(account_key("A@Example.com", "2001:db8::1"), "account:a@example.com|2001:db8:0:0::/64");
    }

    #[tokio::test]
    async fn parallel_attempts_cannot_exceed_the_limit() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        let keys = vec![(account_key("race@example.com", "10.9.9.9"), MAX_PER_ACCOUNT)];
        let attempts = (0..30).map(|_| {
            let (db, clock, keys) = (db.clone(), clock.clone(), keys.clone());
            tokio::spawn(async move { take_attempt(&db, &clock, &keys).await.is_ok() })
        });
        let mut allowed = 0;
        for attempt in attempts {
            allowed += i64::from(attempt.await.unwrap_or(false));
        }
        assert_eq!(allowed, MAX_PER_ACCOUNT, "exactly the limit got through");
        Ok(())
    }

    #[tokio::test]
    async fn a_success_starts_the_pair_over_and_gives_the_address_its_attempt_back() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        let (account, address) = (account_key("b@example.com", "10.0.0.1"), address_key("10.0.0.1"));
        for _ in 0..MAX_PER_ACCOUNT {
            take_attempt(&db, &clock, &[(account.clone(), MAX_PER_ACCOUNT), (address.clone(), 6)]).await?;
        }
        succeeded(&db, &account, &address).await?;
        take_attempt(&db, &clock, &[(account.clone(), MAX_PER_ACCOUNT), (address.clone(), 6)]).await?;
        take_attempt(&db, &clock, &[(account.clone(), MAX_PER_ACCOUNT), (address.clone(), 6)]).await?;
        let refused = take_attempt(&db, &clock, &[(address.clone(), 6)]).await;
        assert!(matches!(refused, Err(Error::TooManyRequests(ref m)) if m.contains("15 minutes")), "{refused:?}");
        clock.advance(chrono::Duration::minutes(16));
        assert_eq!(prune(&db, &clock).await?, 0, "recent rows are kept");
        clock.advance(chrono::Duration::days(2));
        assert!(prune(&db, &clock).await? >= 2, "old rows are pruned");
        Ok(())
    }
}
