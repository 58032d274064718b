//! Small cryptographic building blocks: random identifiers and tokens, token hashing, and
//! AES-256-GCM encryption of secrets at rest under the master key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::distributions::{Alphanumeric, DistString};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A string that must never be printed: `Debug` redacts it and it has no `Display`/`Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Equality whose time does not depend on where `a` and `b` differ (secrets, hashes).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `len` random ASCII letters and digits, e.g. the tail of a `con_…` id.
pub fn random_alphanumeric(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// 32 random bytes, base64url: session cookies, API tokens, one-time passwords' entropy.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 in hex. Used for high-entropy tokens only (sessions, API tokens), where a slow hash
/// adds nothing; passwords use argon2.
pub fn sha256_hex(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key that encrypts secrets at rest (`TESSERA_MASTER_KEY`).
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("must be 32 bytes written as base64 (44 characters) or hex (64 characters)")]
    BadFormat,
}

const CIPHERTEXT_VERSION: &str = "v1";

impl MasterKey {
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Self(key)
    }

    /// Accepts base64 (standard or url-safe, padded or not) or 64 hex characters.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| KeyError::BadFormat)?
        } else {
            let normalized = text.replace('-', "+").replace('_', "/");
            let unpadded = normalized.trim_end_matches('=');
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(unpadded)
                .map_err(|_| KeyError::BadFormat)?
        };
        let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadFormat)?;
        Ok(Self(key))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Encrypts `plaintext`, binding it to `context` (e.g. `connection:con_…:client_secret`) so a
    /// ciphertext copied to another row or field does not decrypt there.
    pub fn encrypt(&self, context: &str, plaintext: &str) -> Result<String, CryptoError> {
        let cipher = Aes256Gcm::new((&self.0).into());
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext.as_bytes(), aad: context.as_bytes() })
            .map_err(|_| CryptoError)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{CIPHERTEXT_VERSION}:{}", STANDARD.encode(out)))
    }

    pub fn decrypt(&self, context: &str, stored: &str) -> Result<SecretString, CryptoError> {
        let body = stored
            .strip_prefix(CIPHERTEXT_VERSION)
            .and_then(|s| s.strip_prefix(':'))
            .ok_or(CryptoError)?;
        let bytes = STANDARD.decode(body).map_err(|_| CryptoError)?;
        if bytes.len() < 12 + 16 {
            return Err(CryptoError);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let cipher = Aes256Gcm::new((&self.0).into());
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: context.as_bytes() })
            .map_err(|_| CryptoError)?;
        String::from_utf8(plain).map(SecretString).map_err(|_| CryptoError)
    }
}

/// A secret could not be sealed, or a stored one does not open with this master key (wrong key,
/// tampering, or another row's ciphertext). Deliberately carries no detail.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a secret could not be encrypted or decrypted with the configured TESSERA_MASTER_KEY")]
pub struct CryptoError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_and_the_ciphertext_does_not_contain_it() {
        let key = MasterKey::generate();
        let sealed = key.encrypt("connection:con_1:client_secret", "hunter2-very-secret").unwrap_or_default();
        assert!(!sealed.contains("hunter2"));
        let opened = key.decrypt("connection:con_1:client_secret", &sealed).map(|s| s.expose().to_string());
        assert_eq!(opened, Ok("hunter2-very-secret".to_string()));
    }

    #[test]
    fn a_ciphertext_does_not_open_under_another_context_or_key() {
        let key = MasterKey::generate();
        let sealed = key.encrypt("connection:con_1:client_secret", "s3cret").unwrap_or_default();
        assert_eq!(key.decrypt("connection:con_2:client_secret", &sealed), Err(CryptoError));
        assert_eq!(MasterKey::generate().decrypt("connection:con_1:client_secret", &sealed), Err(CryptoError));
    }

    #[test]
    fn the_master_key_parses_from_base64_and_hex_and_refuses_other_lengths() {
        let key = MasterKey::generate();
        let b64 = key.to_base64();
        assert!(MasterKey::parse(&b64).is_ok());
        assert!(MasterKey::parse(&"ab".repeat(32)).is_ok());
        assert_eq!(MasterKey::parse("c2hvcnQ=").err(), Some(KeyError::BadFormat));
        assert_eq!(MasterKey::parse("not base64 at all!").err(), Some(KeyError::BadFormat));
    }

    #[test]
    fn token_hashes_are_stable_hex_and_secrets_do_not_debug_print() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(format!("{:?}", SecretString::new("pw")), "[redacted]");
        assert_ne!(random_token(), random_token());
        assert_eq!(random_alphanumeric(16).len(), 16);
    }
}
