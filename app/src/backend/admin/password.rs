//! Password hashing (argon2id), run on the blocking pool so a sign-in never stalls the async
//! threads, plus the generated one-time passwords and the password rules.

use crate::backend::crypto::{random_alphanumeric, SecretString};
use crate::backend::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 256;

/// The rule every chosen password must meet; `field` names the form field in the error.
pub fn check_password_rules(field: &str, password: &str) -> Result<()> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(Error::invalid(field, format!("must be at least {MIN_PASSWORD_LEN} characters")));
    }
    if len > MAX_PASSWORD_LEN {
        return Err(Error::invalid(field, format!("must be at most {MAX_PASSWORD_LEN} characters")));
    }
    Ok(())
}

/// A random password printed once at first start: four groups of five letters and digits
/// (about 119 bits), easy to copy from a terminal.
pub fn generate_one_time_password() -> SecretString {
    let raw = random_alphanumeric(20);
    let groups: Vec<&str> = (0..4).map(|i| &raw[i * 5..i * 5 + 5]).collect();
    SecretString::new(groups.join("-"))
}

pub async fn hash_password(password: SecretString) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(Error::internal)?
}

/// Checks `password` against a stored PHC hash. With no stored hash (unknown account) it checks
/// against a dummy hash so both cases take the same time.
pub async fn verify_password(password: SecretString, stored_hash: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored_hash.is_some();
        let stored = match stored_hash {
            Some(hash) => hash,
            None => dummy_hash()?.to_string(),
        };
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| Error::internal(format!("stored password hash is unreadable: {e}")))?;
        let ok = Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok();
        Ok(ok && known)
    })
    .await
    .map_err(Error::internal)?
}

/// argon2id (default parameters) of a random string nobody knows, made once per process.
fn dummy_hash() -> Result<&'static str> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(random_alphanumeric(32).as_bytes(), &salt)
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))?
        .to_string();
    Ok(DUMMY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() -> Result<()> {
        let hash = hash_password(SecretString::new("correct horse battery")).await?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(verify_password(SecretString::new("correct horse battery"), Some(hash.clone())).await?);
        assert!(!verify_password(SecretString::new("wrong horse battery"), Some(hash)).await?);
        Ok(())
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() -> Result<()> {
        assert!(!verify_password(SecretString::new("anything at all"), None).await?);
        Ok(())
    }

    #[test]
    fn one_time_passwords_are_grouped_and_pass_the_rules() {
        let otp = generate_one_time_password();
        assert_eq!(otp.expose().len(), 23);
        assert_eq!(otp.expose().matches('-').count(), 3);
        assert!(check_password_rules("password", otp.expose()).is_ok());
    }

    #[test]
    fn short_and_overlong_passwords_are_refused_naming_the_field() {
        let short = check_password_rules("new_password", "short").err().map(|e| e.to_string());
        assert_eq!(short.as_deref(), Some("new_password: must be at least 12 characters"));
        assert!(check_password_rules("new_password", &"x".repeat(257)).is_err());
    }
}
