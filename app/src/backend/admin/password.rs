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

/// How many password hashes run at once. Each argon2id run takes about 19 MiB and a core for a
/// moment; more at once only queues on the two cores while memory grows. Process-wide on
/// purpose: it bounds this process's memory, whatever database or test it serves.
pub const MAX_CONCURRENT_HASHES: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_HASHES);
/// How long a sign-in waits for a hashing slot before it is told to try again.
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Waits for one of the hashing slots (a flood of sign-ins queues here, bounded).
async fn hashing_slot() -> Result<tokio::sync::SemaphorePermit<'static>> {
    match tokio::time::timeout(HASHING_WAIT, HASHING.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::TooManyRequests("Tessera is busy checking passwords. Try again in a moment.".into())),
    }
}

/// All hashing slots, held until dropped (tests show that further hashing waits).
#[cfg(test)]
pub async fn take_all_hashing_slots() -> tokio::sync::SemaphorePermit<'static> {
    HASHING.acquire_many(MAX_CONCURRENT_HASHES as u32).await.unwrap_or_else(|e| panic!("{e}"))
}

pub async fn hash_password(password: SecretString) -> Result<String> {
    let _slot = hashing_slot().await?;
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
    let _slot = hashing_slot().await?;
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
    async fn with_every_hashing_slot_taken_a_password_check_waits_for_one() -> Result<()> {
        let all = take_all_hashing_slots().await;
        let waiting = tokio::spawn(verify_password(SecretString::new("anything at all"), None));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "a check ran although every slot was taken");
        drop(all);
        assert!(!waiting.await.map_err(Error::internal)??);
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
