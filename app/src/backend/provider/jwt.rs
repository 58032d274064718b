//! Verifying compact JWS tokens against a JWK Set: Tessera's own tokens presented to the
//! Management API, and `private_key_jwt` client assertions against an application's keys.
//! RS256 and ES256 only (what Tessera signs and what it accepts), verified by AWS-LC.

use crate::backend::crypto::sha256_hex;
use crate::backend::{AppState, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// A JWT whose signature verified: its header and claims (nothing else is checked here).
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: Value,
    pub claims: Value,
}

fn part(segment: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| "a JWT segment is not base64url".to_string())?;
    serde_json::from_slice(&bytes).map_err(|_| "a JWT segment is not JSON".to_string())
}

/// The claims of a JWT, not verified: only to find out who claims to have signed it.
pub fn unverified_claims(token: &str) -> Result<Value, String> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(claims), Some(_), None) => part(claims),
        _ => Err("not a compact JWS (three dot-separated parts)".into()),
    }
}

fn b64_field(key: &Value, name: &str) -> Option<Vec<u8>> {
    key.get(name).and_then(Value::as_str).and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
}

/// Verifies `token`'s signature with the key of `keys` its header names (`kid`; or the only key
/// of the right type when there is no `kid`).
pub fn verify(token: &str, keys: &[Value]) -> Result<Verified, String> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("not a compact JWS (three dot-separated parts)".into());
    };
    let header = part(h)?;
    let claims = part(c)?;
    let signature = URL_SAFE_NO_PAD.decode(s).map_err(|_| "the signature is not base64url".to_string())?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or_default();
    let kty = match alg {
        "RS256" => "RSA",
        "ES256" => "EC",
        other => return Err(format!("alg {other:?} is not accepted (RS256 or ES256)")),
    };
    let candidates: Vec<&Value> = keys.iter().filter(|k| k.get("kty").and_then(Value::as_str) == Some(kty)).collect();
    let key = match header.get("kid").and_then(Value::as_str) {
        Some(kid) => candidates.iter().find(|k| k.get("kid").and_then(Value::as_str) == Some(kid)).copied(),
        None if candidates.len() == 1 => candidates.first().copied(),
        None => None,
    }
    .ok_or_else(|| "no registered key matches the token's kid".to_string())?;
    let message = format!("{h}.{c}");
    let ok = match alg {
        "RS256" => match (b64_field(key, "n"), b64_field(key, "e")) {
            (Some(n), Some(e)) => aws_lc_rs::signature::RsaPublicKeyComponents { n, e }
                .verify(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &signature)
                .is_ok(),
            _ => false,
        },
        _ => match (b64_field(key, "x"), b64_field(key, "y")) {
            (Some(x), Some(y)) => {
                let mut point = vec![4u8];
                point.extend(x);
                point.extend(y);
                aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message.as_bytes(), &signature)
                    .is_ok()
            }
            _ => false,
        },
    };
    if ok {
        Ok(Verified { header, claims })
    } else {
        Err("the signature does not verify".into())
    }
}

/// `aud` as a list, whether the token has a string or an array.
pub fn audiences(claims: &Value) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(list)) => list.iter().filter_map(|a| a.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Records the `jti` of a one-shot JWT (a client assertion, a revocation request) under
/// `namespace` until `expires_at_ms`; true the first time it is seen, false on a replay. Any
/// replica sees what another recorded: the database keeps them.
pub async fn first_use(state: &AppState, namespace: &str, jti: &str, expires_at_ms: i64) -> Result<bool> {
    let inserted = state.db.execute(
        "INSERT INTO client_assertions (jti_hash, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[(sha256_hex(&format!("{namespace}:{jti}"))).into(), expires_at_ms.into()],
    ).await?;
    Ok(inserted > 0)
}
