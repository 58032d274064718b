//! Tessera's own signing keys (RS256, which every relying party supports). The first start
//! generates one; the private half is stored encrypted, every key is published in the JWKS with
//! its `kid`, and the newest one signs. Parsed keys are cached for a minute: the database is the
//! truth, so replicas agree, and a key added by one replica reaches the others within a minute.

use crate::backend::connections::keys::generate;
use crate::backend::crypto::MasterKey;
use crate::backend::store::{on_db, Db};
use crate::backend::{Clock, Error, Result};
use crate::connections::options::SigningAlg;
use openidconnect::core::CoreRsaPrivateSigningKey;
use openidconnect::JsonWebKeyId;
use serde_json::{json, Value};
use std::sync::{Arc, RwLock};

const CACHE_MS: i64 = 60_000;

/// The key that signs, and the JWK Set that publishes every key.
pub struct LoadedKeys {
    pub kid: String,
    pub signing_key: CoreRsaPrivateSigningKey,
    pub jwks: Value,
}

#[derive(Default)]
pub struct SigningKeys {
    cache: RwLock<Option<(i64, Arc<LoadedKeys>)>>,
}

fn context(kid: &str) -> String {
    format!("signing-key:{kid}")
}

impl SigningKeys {
    /// Makes the first key when there is none (at start). Two replicas starting at once may
    /// both make one; both are published and the newest signs.
    pub async fn ensure(db: &Db, clock: &Clock, master_key: &MasterKey) -> Result<()> {
        let count: i64 = on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys").fetch_one(pool).await)?;
        if count == 0 {
            Self::add(db, clock, master_key).await?;
        }
        Ok(())
    }

    /// Generates and stores a new key, which signs from now on (rotation adds one this way).
    pub async fn add(db: &Db, clock: &Clock, master_key: &MasterKey) -> Result<String> {
        let key = generate(SigningAlg::RS256).await?;
        let jwk = key.public_jwks["keys"][0].clone();
        let kid = jwk["kid"].as_str().unwrap_or_default().to_string();
        let sealed = master_key.encrypt(&context(&kid), &key.private_pem)?;
        on_db!(db, |pool| sqlx::query(
            "INSERT INTO signing_keys (kid, alg, private_key_enc, public_jwk, created_at) VALUES ($1, 'RS256', $2, $3, $4)"
        )
        .bind(&kid)
        .bind(&sealed)
        .bind(jwk.to_string())
        .bind(clock.now_ms())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        tracing::info!(%kid, "generated a signing key");
        Ok(kid)
    }

    /// The keys, from the cache when it is fresh.
    pub async fn load(&self, db: &Db, clock: &Clock, master_key: &MasterKey) -> Result<Arc<LoadedKeys>> {
        let now = clock.now_ms();
        if let Ok(cache) = self.cache.read() {
            if let Some((at, keys)) = cache.as_ref() {
                if now - at < CACHE_MS {
                    return Ok(keys.clone());
                }
            }
        }
        let rows: Vec<(String, String, String)> = on_db!(db, |pool| sqlx::query_as(
            "SELECT kid, private_key_enc, public_jwk FROM signing_keys ORDER BY created_at DESC, kid"
        )
        .fetch_all(pool)
        .await)?;
        let Some((kid, sealed, _)) = rows.first().cloned() else {
            // None yet (a database the server did not start on): make the first one now.
            Self::add(db, clock, master_key).await?;
            return Box::pin(self.load(db, clock, master_key)).await;
        };
        let pem = master_key.decrypt(&context(&kid), &sealed)?;
        let signing_key = tokio::task::spawn_blocking(move || pkcs1(pem.expose())).await.map_err(Error::internal)??;
        let keys: Vec<Value> = rows.iter().filter_map(|(_, _, jwk)| serde_json::from_str(jwk).ok()).collect();
        let loaded = Arc::new(LoadedKeys {
            signing_key: CoreRsaPrivateSigningKey::from_pem(&signing_key, Some(JsonWebKeyId::new(kid.clone()))).map_err(Error::internal)?,
            kid,
            jwks: json!({ "keys": keys }),
        });
        if let Ok(mut cache) = self.cache.write() {
            *cache = Some((now, loaded.clone()));
        }
        Ok(loaded)
    }
}

/// openidconnect reads PKCS#1; keys are kept as PKCS#8.
fn pkcs1(pkcs8_pem: &str) -> Result<String> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pkcs8_pem).map_err(Error::internal)?;
    Ok(key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).map_err(Error::internal)?.to_string())
}
