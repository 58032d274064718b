//! Key pairs for `private_key_jwt`: Tessera signs its token-endpoint client assertions with a
//! key generated per connection. The private key is stored encrypted; the public key is shown
//! to the admin as a JWK Set to register at the identity provider.

use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::Db;
use crate::backend::{AppState, Error, Result};
use crate::connections::options::SigningAlg;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub struct GeneratedKey {
    /// PKCS#8 PEM. Encrypt before storing.
    pub private_pem: String,
    /// `{"keys":[…]}` with the public key only.
    pub public_jwks: Value,
}

/// RS256 and PS256 share an RSA key; ES256 needs a P-256 key.
pub fn same_key_type(a: SigningAlg, b: SigningAlg) -> bool {
    matches!((a, b), (SigningAlg::ES256, SigningAlg::ES256)) || (a != SigningAlg::ES256 && b != SigningAlg::ES256)
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
fn thumbprint(required: &Value) -> String {
    b64(&Sha256::digest(required.to_string().as_bytes()))
}

/// Generates a key for `alg` (RSA 2048 for RS256/PS256, P-256 for ES256). Runs on the blocking
/// pool: RSA generation takes a noticeable moment.
pub async fn generate(alg: SigningAlg) -> Result<GeneratedKey> {
    tokio::task::spawn_blocking(move || generate_now(alg)).await.map_err(Error::internal)?
}

fn generate_now(alg: SigningAlg) -> Result<GeneratedKey> {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    let mut rng = rand::thread_rng();
    let (private_pem, mut jwk) = match alg {
        SigningAlg::ES256 => {
            let secret = p256::SecretKey::random(&mut rng);
            let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&secret.public_key(), false);
            let (x, y) = (point.x().map(|x| b64(x)).unwrap_or_default(), point.y().map(|y| b64(y)).unwrap_or_default());
            let pem = secret.to_pkcs8_pem(LineEnding::LF).map_err(Error::internal)?.to_string();
            (pem, json!({ "crv": "P-256", "kty": "EC", "x": x, "y": y }))
        }
        SigningAlg::RS256 | SigningAlg::PS256 => {
            use rsa::traits::PublicKeyParts;
            let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(Error::internal)?;
            let pem = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, rsa::pkcs8::LineEnding::LF).map_err(Error::internal)?.to_string();
            (pem, json!({ "e": b64(&key.e().to_bytes_be()), "kty": "RSA", "n": b64(&key.n().to_bytes_be()) }))
        }
    };
    let kid = thumbprint(&jwk);
    if let Some(object) = jwk.as_object_mut() {
        object.insert("kid".into(), json!(kid));
        object.insert("use".into(), json!("sig"));
        object.insert("alg".into(), json!(alg.as_str()));
    }
    Ok(GeneratedKey { private_pem, public_jwks: json!({ "keys": [jwk] }) })
}

/// How long a key made for a create form waits for its connection.
pub const PENDING_TTL_MS: i64 = 60 * 60 * 1000;

/// A key made before its connection exists: the form shows `public_jwks` and sends `id` back.
pub struct PendingKey {
    pub id: String,
    pub public_jwks: Value,
}

fn pending_context(id: &str) -> String {
    format!("pending-signing-key:{id}")
}

/// Generates a key for a create form and keeps it (encrypted) until the connection is created.
pub async fn prepare_pending(state: &AppState, alg: SigningAlg) -> Result<PendingKey> {
    let key = generate(alg).await?;
    let id = format!("psk_{}", random_alphanumeric(24));
    let sealed = state.env.master_key.encrypt(&pending_context(&id), &key.private_pem)?;
    let now = state.clock.now_ms();
    state.db.execute(
        "INSERT INTO pending_signing_keys (id, alg, private_key_enc, public_jwks, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[(&id).into(), (alg.as_str()).into(), (&sealed).into(), (key.public_jwks.to_string()).into(), (now + PENDING_TTL_MS).into()],
    ).await?;
    // Forget keys nobody came back for.
    state.db.execute("DELETE FROM pending_signing_keys WHERE expires_at <= $1", &[now.into()]).await?;
    Ok(PendingKey { id, public_jwks: key.public_jwks })
}

/// The pending key `id`, if it is still waiting and made for `alg`.
pub async fn load_pending(state: &AppState, id: &str, alg: SigningAlg) -> Result<GeneratedKey> {
    let row: Option<(String, String, String)> = state.db.fetch_optional(
        "SELECT alg, private_key_enc, public_jwks FROM pending_signing_keys WHERE id = $1 AND expires_at > $2",
        &[id.into(), (state.clock.now_ms()).into()],
    ).await?;
    let gone = || Error::invalid("options.client_public_jwks", "the prepared signing key has expired or was already used; generate a new one");
    let (stored_alg, sealed, jwks) = row.ok_or_else(gone)?;
    if stored_alg != alg.as_str() {
        return Err(Error::invalid("options.token_endpoint_auth_signing_alg", format!("the prepared key is for {stored_alg}, not {}", alg.as_str())));
    }
    let private_pem = state.env.master_key.decrypt(&pending_context(id), &sealed)?.expose().to_string();
    let public_jwks = serde_json::from_str(&jwks).map_err(Error::internal)?;
    Ok(GeneratedKey { private_pem, public_jwks })
}

/// Single use: called once the connection holding the key is stored.
pub async fn forget_pending(db: &Db, id: &str) -> Result<()> {
    db.execute("DELETE FROM pending_signing_keys WHERE id = $1", &[id.into()]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn generated_keys_publish_only_public_members_with_a_thumbprint_kid() -> Result<()> {
        for alg in [SigningAlg::ES256, SigningAlg::RS256] {
            let key = generate(alg).await?;
            assert!(key.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
            let jwk = &key.public_jwks["keys"][0];
            assert_eq!(jwk["alg"], alg.as_str());
            assert!(jwk.get("d").is_none() && jwk.get("p").is_none(), "no private members");
            assert_eq!(jwk["kid"].as_str().map(str::len), Some(43));
        }
        Ok(())
    }

    #[test]
    fn rs256_and_ps256_share_a_key_type_and_es256_does_not() {
        assert!(same_key_type(SigningAlg::RS256, SigningAlg::PS256));
        assert!(!same_key_type(SigningAlg::RS256, SigningAlg::ES256));
        assert!(same_key_type(SigningAlg::ES256, SigningAlg::ES256));
    }
}
