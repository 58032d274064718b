//! ID-token validation, by the `openidconnect` crate (no hand-written JWT parsing). Each failure
//! is a named reason. The IdP's JWKS comes through the guarded client and is cached; a token
//! signed with a `kid` the cache does not know triggers one refetch (at most one per 30 s per
//! JWKS URL), so key rotation at the IdP does not break logins.

use crate::backend::discovery::document::same_issuer;
use crate::backend::discovery::guard::GuardedClient;
use crate::backend::Clock;
use crate::connections::Connection;
use super::jwk::{IdpJsonWebKey, IdpJsonWebKeySet};
use openidconnect::core::CoreJwsSigningAlgorithm;
use openidconnect::{ClaimsVerificationError, ClientId, ClientSecret, IdTokenVerifier, IssuerUrl, Nonce, SignatureVerificationError};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

pub use crate::backend::oidc::{FullIdToken, OtherClaims};

/// How long a fetched JWKS is used before it is fetched again.
pub const JWKS_TTL_MS: i64 = 10 * 60 * 1000;
/// The least time between two refetches of one JWKS for an unknown `kid`.
pub const REFETCH_EVERY_MS: i64 = 30_000;
/// Clock skew allowed on `exp` and `iat`.
pub const LEEWAY_S: i64 = 60;

/// One JWKS: when it was fetched, when an unknown `kid` last forced a fetch, and the keys.
struct Entry {
    fetched_at: i64,
    forced_at: i64,
    set: IdpJsonWebKeySet,
}

#[derive(Default)]
pub struct JwksCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl JwksCache {
    /// The JWKS at `url`; `force` (an unknown `kid`) fetches it again unless that was done in
    /// the last 30 s, so a flood of made-up kids cannot turn into a flood of fetches.
    async fn get(&self, client: &GuardedClient, clock: &Clock, url: &str, force: bool) -> Result<IdpJsonWebKeySet, String> {
        let now = clock.now_ms();
        let mut forced_at = 0;
        if let Ok(entries) = self.entries.lock() {
            if let Some(e) = entries.get(url) {
                let fresh = now - e.fetched_at < JWKS_TTL_MS;
                let forced_recently = now - e.forced_at < REFETCH_EVERY_MS;
                if (fresh && !force) || (force && forced_recently) {
                    return Ok(e.set.clone());
                }
                forced_at = e.forced_at;
            }
        }
        let started = std::time::Instant::now();
        let doc = client.get_json(url).await;
        crate::backend::metrics::upstream_request("jwks", started, doc.is_ok());
        let doc = doc.map_err(|e| format!("the IdP's JWKS ({url}) could not be fetched: {e}"))?;
        let set: IdpJsonWebKeySet = serde_json::from_value(doc).map_err(|e| format!("the IdP's JWKS ({url}) is not a JWK Set: {e}"))?;
        if let Ok(mut entries) = self.entries.lock() {
            let forced_at = if force { now } else { forced_at };
            entries.insert(url.to_string(), Entry { fetched_at: now, forced_at, set: set.clone() });
        }
        Ok(set)
    }
}

/// What validation needs about the login.
pub struct Expected<'a> {
    pub connection: &'a Connection,
    /// The client secret, when the connection has one (HS256 is accepted only with it, on back channel).
    pub client_secret: Option<&'a str>,
    pub nonce: &'a str,
    /// The access token from the token endpoint, to check `at_hash`.
    pub access_token: Option<&'a str>,
    /// The authorization code exchanged (back channel), to check `c_hash`.
    pub code: Option<&'a str>,
    pub back_channel: bool,
}

fn allowed_algs(hmac: bool) -> Vec<CoreJwsSigningAlgorithm> {
    use CoreJwsSigningAlgorithm as A;
    let mut algs = vec![
        A::RsaSsaPkcs1V15Sha256, A::RsaSsaPkcs1V15Sha384, A::RsaSsaPkcs1V15Sha512, A::RsaSsaPssSha256, A::RsaSsaPssSha384,
        A::RsaSsaPssSha512, A::EcdsaP256Sha256, A::EcdsaP384Sha384, A::EdDsa,
    ];
    if hmac {
        algs.push(A::HmacSha256);
    }
    algs
}

/// The configured issuer accepts the token's `iss`: equal up to one trailing slash, and with an
/// Azure-style `{tenantid}` placeholder standing for the token's `tid`.
pub fn issuer_matches(configured: &str, token_iss: &str, tid: Option<&str>) -> bool {
    let configured = match (configured.contains("{tenantid}"), tid) {
        (true, Some(tid)) => configured.replace("{tenantid}", tid),
        _ => configured.to_string(),
    };
    same_issuer(&configured, token_iss)
}

/// Validates an ID token and returns its claims. `Err` is the named reason.
pub async fn verify_id_token(
    cache: &JwksCache,
    client: &GuardedClient,
    clock: &Clock,
    id_token: &str,
    expected: &Expected<'_>,
) -> Result<Map<String, Value>, String> {
    let token = FullIdToken::from_str(id_token).map_err(|e| {
        let text = e.to_string();
        // The crate names a missing required claim while parsing: say which.
        match text.split("missing field `").nth(1).and_then(|rest| rest.split('`').next()) {
            Some(claim) => format!("the ID token has no {claim}"),
            None => format!("the ID token is not a signed JWT: {text}"),
        }
    })?;
    let options = &expected.connection.options;
    let mut jwks = cache.get(client, clock, &options.jwks_uri, false).await?;
    let mut refetched = false;
    loop {
        match check(&token, jwks.clone(), clock, expected) {
            Err(Failure::UnknownKey) if !refetched => {
                refetched = true;
                jwks = cache.get(client, clock, &options.jwks_uri, true).await?;
            }
            Err(Failure::UnknownKey) => return Err("no key in the IdP's JWKS matches the ID token's kid (even after fetching it again)".into()),
            Err(Failure::Reason(r)) => return Err(r),
            Ok(claims) => return Ok(claims),
        }
    }
}

enum Failure {
    UnknownKey,
    Reason(String),
}

fn check(token: &FullIdToken, jwks: IdpJsonWebKeySet, clock: &Clock, expected: &Expected<'_>) -> Result<Map<String, Value>, Failure> {
    let options = &expected.connection.options;
    let client_id = ClientId::new(options.client_id.clone());
    let issuer = IssuerUrl::new(options.issuer.clone()).map_err(|e| Failure::Reason(format!("the connection's issuer is not a URL: {e}")))?;
    let hmac = expected.back_channel && expected.client_secret.is_some();
    let verifier = match expected.client_secret {
        Some(secret) if hmac => IdTokenVerifier::<IdpJsonWebKey>::new_confidential_client(client_id, ClientSecret::new(secret.to_string()), issuer, jwks),
        _ => IdTokenVerifier::<IdpJsonWebKey>::new_public_client(client_id, issuer, jwks),
    };
    let now = clock.now();
    // exp gets the leeway by judging it against a clock 60 s behind; iat is checked below.
    let behind = now - chrono::Duration::seconds(LEEWAY_S);
    let verifier = verifier
        .set_allowed_algs(allowed_algs(hmac))
        .require_issuer_match(false)
        // Other audiences beside ours are judged by `azp` below (OpenID Connect Core 3.1.3.7,
        // steps 3 to 5), not refused outright as the crate does by default.
        .set_other_audience_verifier_fn(|_| true)
        .set_time_fn(move || behind);
    let nonce = Nonce::new(expected.nonce.to_string());
    let claims = token.claims(&verifier, &nonce).map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey) => Failure::UnknownKey,
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::DisallowedAlg(alg)) => {
            Failure::Reason(format!("the ID token's signing algorithm is not allowed: {}", alg.replace("algorithm ", "")))
        }
        ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoSignature) => Failure::Reason("the ID token is unsigned (alg none), which is refused".into()),
        ClaimsVerificationError::SignatureVerification(e) => Failure::Reason(format!("the ID token's signature does not verify: {e}")),
        ClaimsVerificationError::Expired(m) => Failure::Reason(format!("the ID token has expired (exp): {m}")),
        ClaimsVerificationError::InvalidAudience(m) => Failure::Reason(format!("the ID token's aud does not contain the client id: {m}")),
        ClaimsVerificationError::InvalidNonce(m) => Failure::Reason(format!("the ID token's nonce does not match the login: {m}")),
        other => Failure::Reason(format!("the ID token is invalid: {other}")),
    })?;
    let value = serde_json::to_value(claims).map_err(|e| Failure::Reason(format!("the ID token's claims are unreadable: {e}")))?;
    let map = value.as_object().cloned().unwrap_or_default();

    let iss = map.get("iss").and_then(Value::as_str).unwrap_or_default();
    if !issuer_matches(&options.issuer, iss, map.get("tid").and_then(Value::as_str)) {
        return Err(Failure::Reason(format!("the ID token's iss {iss:?} is not the connection's issuer {:?}", options.issuer)));
    }
    match map.get("iat").and_then(Value::as_i64) {
        None => return Err(Failure::Reason("the ID token has no iat".into())),
        Some(iat) if iat > now.timestamp() + LEEWAY_S => return Err(Failure::Reason("the ID token's iat is in the future".into())),
        Some(_) => {}
    }
    if map.get("sub").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(Failure::Reason("the ID token has no sub".into()));
    }
    let audiences = match map.get("aud") {
        Some(Value::Array(a)) => a.len(),
        _ => 1,
    };
    match map.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != options.client_id => return Err(Failure::Reason(format!("the ID token's azp {azp:?} is not the client id"))),
        None if audiences > 1 => return Err(Failure::Reason("the ID token has several audiences but no azp".into())),
        _ => {}
    }
    for (claim, value, what) in [("at_hash", expected.access_token, "access token"), ("c_hash", expected.code, "authorization code")] {
        if let (Some(hash), Some(value)) = (map.get(claim).and_then(Value::as_str), value) {
            let alg = token.signing_alg().map_err(|e| Failure::Reason(format!("the ID token's alg is unreadable: {e}")))?;
            if left_half_hash(alg.clone(), value).as_deref() != Some(hash) {
                return Err(Failure::Reason(format!("the ID token's {claim} does not match the {what}")));
            }
        }
    }
    Ok(map)
}

/// `at_hash`/`c_hash`: the left half of the hash the signing algorithm uses, base64url.
fn left_half_hash(alg: CoreJwsSigningAlgorithm, value: &str) -> Option<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256, Sha384, Sha512};
    use CoreJwsSigningAlgorithm as A;
    let digest: Vec<u8> = match alg {
        A::RsaSsaPkcs1V15Sha256 | A::RsaSsaPssSha256 | A::EcdsaP256Sha256 | A::HmacSha256 => Sha256::digest(value).to_vec(),
        A::RsaSsaPkcs1V15Sha384 | A::RsaSsaPssSha384 | A::EcdsaP384Sha384 | A::HmacSha384 => Sha384::digest(value).to_vec(),
        A::RsaSsaPkcs1V15Sha512 | A::RsaSsaPssSha512 | A::HmacSha512 | A::EdDsa => Sha512::digest(value).to_vec(),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_match_up_to_a_trailing_slash_and_azure_tenant_placeholders() {
        assert!(issuer_matches("https://idp.example/", "https://idp.example", None));
        assert!(issuer_matches("https://idp.example", "https://idp.example/", None));
        assert!(!issuer_matches("https://idp.example", "https://evil.example", None));
        let azure = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert!(issuer_matches(azure, "https://login.microsoftonline.com/abc-123/v2.0", Some("abc-123")));
        assert!(!issuer_matches(azure, "https://login.microsoftonline.com/abc-123/v2.0", Some("other")));
        assert!(!issuer_matches(azure, "https://login.microsoftonline.com/abc-123/v2.0", None));
    }

    #[test]
    fn at_hash_is_the_left_half_of_the_algorithms_hash() {
        // RFC 7515-style check value from the OpenID Connect spec examples is SHA-256 based.
        let h = left_half_hash(CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y");
        assert_eq!(h.as_deref(), Some("77QmUPtjPfzWtF2AnpK9RQ"));
    }
}

/// A JWT (not an ID token) the connection's identity provider signed, such as a Global Token
/// Revocation request: its claims once the signature verifies against the IdP's JWKS (through
/// the same cache, refetched once on an unknown `kid`), with the ID tokens' algorithm allow-list
/// and no HMAC. The caller checks the claims. `Err` is the named reason.
pub async fn verify_idp_jwt(cache: &JwksCache, client: &GuardedClient, clock: &Clock, connection: &Connection, jwt: &str) -> Result<Map<String, Value>, String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use openidconnect::JsonWebKey;
    let parts: Vec<&str> = jwt.split('.').collect();
    let [h, c, s] = parts.as_slice() else { return Err("the token is not a signed JWT (three dot-separated parts)".into()) };
    let decode = |p: &str| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).map_err(|_| "the token is not base64url".to_string());
    let header: Map<String, Value> = serde_json::from_slice(&decode(h)?).map_err(|_| "the token's header is not JSON".to_string())?;
    let claims: Map<String, Value> = serde_json::from_slice(&decode(c)?).map_err(|_| "the token's claims are not JSON".to_string())?;
    let signature = decode(s)?;
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or_default();
    let alg: CoreJwsSigningAlgorithm = serde_json::from_value(Value::from(alg_name)).map_err(|_| format!("the token's alg {alg_name:?} is not allowed"))?;
    if !allowed_algs(false).contains(&alg) {
        return Err(format!("the token's alg {alg_name:?} is not allowed (none and HMAC are refused)"));
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let message = format!("{h}.{c}");
    let mut refetched = false;
    let mut jwks = cache.get(client, clock, &connection.options.jwks_uri, false).await?;
    loop {
        // With a kid, that key; without, whichever key of the JWKS verifies.
        let chosen = match kid {
            Some(kid) => jwks.keys().iter().find(|k| k.key_id().is_some_and(|id| id.as_str() == kid)),
            None => jwks.keys().iter().find(|k| k.verify_signature(&alg, message.as_bytes(), &signature).is_ok()),
        };
        match chosen {
            Some(key) => {
                return match key.verify_signature(&alg, message.as_bytes(), &signature) {
                    Ok(()) => Ok(claims),
                    Err(e) => Err(format!("the token's signature does not verify: {e}")),
                }
            }
            None if kid.is_some() && !refetched => {
                refetched = true;
                jwks = cache.get(client, clock, &connection.options.jwks_uri, true).await?;
            }
            None if kid.is_some() => return Err("no key in the IdP's JWKS matches the token's kid (even after fetching it again)".into()),
            None => return Err("the token's signature does not verify with any key of the IdP's JWKS".into()),
        }
    }
}
