//! Admin accounts: creation (including the first admin at first start), lookup and passwords.

use crate::backend::error::Resource;
use super::password::{check_password_rules, generate_one_time_password, hash_password};
use crate::backend::crypto::{random_alphanumeric, SecretString};
use crate::backend::store::inline_row;
use crate::backend::store::{is_unique_violation, Db};
use crate::backend::{Clock, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Admin {
    pub id: String,
    pub email: String,
    pub must_change_password: bool,
}
inline_row!(Admin { id, email, must_change_password });


/// The email an admin signs in with, trimmed and lower-cased, or an error naming `field`.
pub fn normalize_email(field: &str, raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if email.is_empty() {
        Err(Error::invalid(field, "is required"))
    } else if !valid {
        Err(Error::invalid(field, "must be an email address like admin@example.com"))
    } else {
        Ok(email)
    }
}

pub async fn create_admin(
    db: &Db,
    clock: &Clock,
    email: &str,
    password: SecretString,
    must_change_password: bool,
) -> Result<Admin> {
    let email = normalize_email("email", email)?;
    check_password_rules("password", password.expose())?;
    let hash = hash_password(password).await?;
    let id = format!("adm_{}", random_alphanumeric(16));
    let now = clock.now_ms();
    let inserted = db.execute("INSERT INTO admins (id, email, password_hash, must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)", &[(&id).into(), (&email).into(), (&hash).into(), must_change_password.into(), now.into()]).await;
    match inserted {
        Ok(_) => Ok(Admin { id, email, must_change_password }),
        Err(e) if is_unique_violation(&e) => Err(Error::conflict(Resource::Admin, "email", "an admin with this email already exists")),
        Err(e) => Err(e.into()),
    }
}

/// The admin and their password hash, for sign-in.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<(Admin, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: String,
        email: String,
        must_change_password: bool,
        password_hash: String,
    }
inline_row!(Row { id, email, must_change_password, password_hash });

    let row: Option<Row> = db.fetch_optional(
        "SELECT id, email, must_change_password, password_hash FROM admins WHERE email = $1",
        &[email.into()],
    ).await?;
    Ok(row.map(|r| {
        (Admin { id: r.id, email: r.email, must_change_password: r.must_change_password }, r.password_hash)
    }))
}

pub async fn count_admins(db: &Db) -> Result<i64> {
    Ok(db.fetch_scalar("SELECT COUNT(*) FROM admins", &[]).await?)
}

/// Replaces an admin's password. A chosen password clears `must_change_password`.
pub async fn set_password(
    db: &Db,
    clock: &Clock,
    admin_id: &str,
    field: &str,
    password: SecretString,
    must_change_password: bool,
) -> Result<()> {
    check_password_rules(field, password.expose())?;
    let hash = hash_password(password).await?;
    let done = db.execute(
        "UPDATE admins SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
        &[(&hash).into(), must_change_password.into(), (clock.now_ms()).into(), admin_id.into()],
    ).await?;
    if done == 0 {
        return Err(Error::not_found(Resource::Admin, "no such admin"));
    }
    Ok(())
}

/// What first start did about the admin account.
#[derive(Debug)]
pub enum Bootstrap {
    /// At least one admin already existed; nothing was created.
    AlreadySetUp,
    /// The first admin was created. `one_time_password` is set when Tessera generated it; it
    /// is shown once and must be replaced at the first sign-in.
    Created { email: String, one_time_password: Option<SecretString> },
}

pub const DEFAULT_ADMIN_EMAIL: &str = "admin@tessera.local";

/// Creates the first admin when there is none: `TESSERA_ADMIN_EMAIL` / `TESSERA_ADMIN_PASSWORD`
/// when given, otherwise a default email and a generated one-time password. Safe when several
/// replicas start at once: only the one whose insert wins reports `Created`.
pub async fn bootstrap_first_admin(
    db: &Db,
    clock: &Clock,
    email: Option<&str>,
    password: Option<SecretString>,
) -> Result<Bootstrap> {
    if count_admins(db).await? > 0 {
        return Ok(Bootstrap::AlreadySetUp);
    }
    let email = email.unwrap_or(DEFAULT_ADMIN_EMAIL);
    let (password, one_time) = match password {
        Some(p) => (p, false),
        None => (generate_one_time_password(), true),
    };
    match create_admin(db, clock, email, password.clone(), one_time).await {
        Ok(admin) => Ok(Bootstrap::Created { email: admin.email, one_time_password: one_time.then_some(password) }),
        Err(Error::Conflict(_)) => Ok(Bootstrap::AlreadySetUp),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::store::testing::fresh_database;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(normalize_email("email", "  Admin@Example.COM ").ok().as_deref(), Some("admin@example.com"));
        for bad in ["", "admin", "admin@", "@example.com", "a b@example.com", "admin@localhost"] {
            assert!(normalize_email("email", bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[tokio::test]
    async fn the_first_start_creates_one_admin_with_a_one_time_password_and_later_starts_do_not() -> Result<()> {
        let db = fresh_database().await?;
        let clock = Clock::System;
        let first = bootstrap_first_admin(&db, &clock, None, None).await?;
        let Bootstrap::Created { email, one_time_password: Some(otp) } = first else {
            panic!("expected a created admin with a one-time password, got {first:?}");
        };
        assert_eq!(email, DEFAULT_ADMIN_EMAIL);
        let (admin, hash) = find_by_email(&db, &email).await?.ok_or(Error::not_found(Resource::Admin, "admin"))?;
        assert!(admin.must_change_password);
        assert!(super::super::password::verify_password(otp, Some(hash)).await?);
        assert!(matches!(bootstrap_first_admin(&db, &clock, None, None).await?, Bootstrap::AlreadySetUp));
        assert_eq!(count_admins(&db).await?, 1);
        Ok(())
    }

    #[tokio::test]
    async fn configured_admin_credentials_are_used_as_given_and_not_marked_one_time() -> Result<()> {
        let db = fresh_database().await?;
        let created = bootstrap_first_admin(&db, &Clock::System, Some("Ops@Example.com"), Some(SecretString::new("a long enough password"))).await?;
        assert!(matches!(created, Bootstrap::Created { ref email, one_time_password: None } if email == "ops@example.com"));
        let (admin, _) = find_by_email(&db, "ops@example.com").await?.ok_or(Error::not_found(Resource::Admin, "admin"))?;
        assert!(!admin.must_change_password);
        Ok(())
    }

    #[tokio::test]
    async fn a_second_admin_with_the_same_email_is_a_conflict_on_email() -> Result<()> {
        let db = fresh_database().await?;
        create_admin(&db, &Clock::System, "a@example.com", SecretString::new("password-one-123"), false).await?;
        let again = create_admin(&db, &Clock::System, "A@example.com", SecretString::new("password-two-123"), false).await;
        assert!(matches!(again, Err(Error::Conflict(ref f)) if f.field == "email"));
        Ok(())
    }
}
