//! Signing in to the dashboard and replacing a password: the services the sign-in pages' server
//! functions call. The throttle, the password check and the session are one step here.

use super::accounts::{find_by_email, normalize_email, set_password, Admin};
use super::password::verify_password;
use super::sessions::{create_session, end_other_sessions, CurrentAdmin};
use super::throttle::{self, MAX_PER_ACCOUNT, MAX_PER_ADDRESS};
use crate::backend::crypto::SecretString;
use crate::backend::store::Db;
use crate::backend::{Clock, Error, Result};

/// The form-level field the UI shows a failed sign-in under.
pub const CREDENTIALS_FIELD: &str = "credentials";
pub const WRONG_CREDENTIALS: &str = "Wrong email or password.";

pub struct SignedIn {
    /// The session cookie's value.
    pub session_token: String,
    pub admin: Admin,
}

/// Counts the attempt against the throttle, then checks the password; on success starts a
/// session. An unknown email and a wrong password get the same message and take the same time.
pub async fn sign_in(
    db: &Db,
    clock: &Clock,
    email: &str,
    password: SecretString,
    client_address: &str,
) -> Result<SignedIn> {
    let email = normalize_email("email", email)?;
    if password.expose().is_empty() {
        return Err(Error::invalid("password", "is required"));
    }
    let account_key = throttle::account_key(&email, client_address);
    let address_key = throttle::address_key(client_address);
    // Counted before the password is checked: parallel guesses cannot outrun the count.
    throttle::take_attempt(db, clock, &[(account_key.clone(), MAX_PER_ACCOUNT), (address_key.clone(), MAX_PER_ADDRESS)]).await?;

    let found = find_by_email(db, &email).await?;
    let (admin, hash) = match found {
        Some((admin, hash)) => (Some(admin), Some(hash)),
        None => (None, None),
    };
    let verified = verify_password(password, hash).await?;
    match admin {
        Some(admin) if verified => {
            throttle::succeeded(db, &account_key, &address_key).await?;
            let session_token = create_session(db, clock, &admin.id).await?;
            tracing::info!(admin_id = %admin.id, "admin signed in");
            Ok(SignedIn { session_token, admin })
        }
        _ => {
            tracing::warn!("failed admin sign-in");
            Err(Error::invalid(CREDENTIALS_FIELD, WRONG_CREDENTIALS))
        }
    }
}

/// Replaces the signed-in admin's password and ends their other sessions. The current password
/// is required, except right after signing in with a generated one-time password.
pub async fn change_password(
    db: &Db,
    clock: &Clock,
    current: &CurrentAdmin,
    current_password: Option<SecretString>,
    new_password: SecretString,
    confirm_password: SecretString,
) -> Result<()> {
    if !current.must_change_password {
        let given = current_password.ok_or_else(|| Error::invalid("current_password", "is required"))?;
        let hash = find_by_email(db, &current.email).await?.map(|(_, h)| h);
        if !verify_password(given, hash).await? {
            return Err(Error::invalid("current_password", "is not your current password"));
        }
    }
    if new_password != confirm_password {
        return Err(Error::invalid("confirm_password", "does not match the new password"));
    }
    set_password(db, clock, &current.admin_id, "new_password", new_password, false).await?;
    end_other_sessions(db, current).await?;
    tracing::info!(admin_id = %current.admin_id, "admin changed password");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::admin::accounts::create_admin;
    use crate::backend::admin::sessions::load_session;
    use crate::backend::store::testing::fresh_database;

    #[tokio::test]
    async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::System;
        create_admin(&db, &clock, "a@example.com", SecretString::new("right password 1"), false).await?;
        let wrong = sign_in(&db, &clock, "a@example.com", SecretString::new("wrong password 1"), "127.0.0.1").await;
        let unknown = sign_in(&db, &clock, "z@example.com", SecretString::new("right password 1"), "127.0.0.1").await;
        assert_eq!(wrong.err().map(|e| e.to_string()), unknown.err().map(|e| e.to_string()));
        let ok = sign_in(&db, &clock, "A@Example.com", SecretString::new("right password 1"), "127.0.0.1").await?;
        assert!(load_session(&db, &clock, &ok.session_token).await?.is_some());
        Ok(())
    }

    #[tokio::test]
    async fn guesses_from_one_address_lock_that_address_out_but_not_the_admin_elsewhere() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        create_admin(&db, &clock, "a@example.com", SecretString::new("right password 1"), false).await?;
        for _ in 0..MAX_PER_ACCOUNT {
            let _ = sign_in(&db, &clock, "a@example.com", SecretString::new("guess guess guess"), "203.0.113.7").await;
        }
        let locked = sign_in(&db, &clock, "a@example.com", SecretString::new("right password 1"), "203.0.113.7").await;
        assert!(matches!(locked, Err(Error::TooManyRequests(_))), "the guessing address is locked even with the right password");
        sign_in(&db, &clock, "a@example.com", SecretString::new("right password 1"), "198.51.100.4").await?;
        Ok(())
    }

    #[tokio::test]
    async fn parallel_wrong_passwords_reach_the_password_check_at_most_five_times() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::fixed(chrono::Utc::now());
        create_admin(&db, &clock, "p@example.com", SecretString::new("right password 1"), false).await?;
        let tries = (0..20).map(|_| {
            let (db, clock) = (db.clone(), clock.clone());
            tokio::spawn(async move { sign_in(&db, &clock, "p@example.com", SecretString::new("wrong password 1"), "192.0.2.44").await })
        });
        let mut checked = 0;
        for t in tries {
            match t.await.map_err(Error::internal)? {
                Err(Error::Invalid { .. }) => checked += 1,
                Err(Error::TooManyRequests(_)) => {}
                other => panic!("unexpected answer {:?}", other.map(|_| ())),
            }
        }
        assert_eq!(checked, MAX_PER_ACCOUNT);
        Ok(())
    }

    #[tokio::test]
    async fn a_one_time_password_is_replaced_without_asking_for_it_again_and_other_sessions_end() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::System;
        create_admin(&db, &clock, "a@example.com", SecretString::new("one-time-pass-1"), true).await?;
        let first = sign_in(&db, &clock, "a@example.com", SecretString::new("one-time-pass-1"), "127.0.0.1").await?;
        let second = sign_in(&db, &clock, "a@example.com", SecretString::new("one-time-pass-1"), "127.0.0.1").await?;
        let current = load_session(&db, &clock, &second.session_token).await?.ok_or(Error::Unauthorized)?;
        assert!(current.must_change_password);
        let mismatch = change_password(&db, &clock, &current, None, SecretString::new("new password 123"), SecretString::new("new password 124")).await;
        assert!(matches!(mismatch, Err(Error::Invalid { ref fields }) if fields[0].field == "confirm_password"));
        change_password(&db, &clock, &current, None, SecretString::new("new password 123"), SecretString::new("new password 123")).await?;
        assert!(load_session(&db, &clock, &first.session_token).await?.is_none(), "the other session ended");
        let now = load_session(&db, &clock, &second.session_token).await?.ok_or(Error::Unauthorized)?;
        assert!(!now.must_change_password);
        assert!(sign_in(&db, &clock, "a@example.com", SecretString::new("one-time-pass-1"), "127.0.0.1").await.is_err(), "the one-time password no longer works");
        Ok(())
    }
}
