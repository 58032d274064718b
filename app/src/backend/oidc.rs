//! OpenID Connect types both sides of Tessera share: the ID token that keeps every claim (what
//! the login flow verifies from an IdP and what the provider signs for an application), and PKCE's
//! S256 challenge (sent upstream and checked at Tessera's token endpoint).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm};
use openidconnect::{AdditionalClaims, IdToken};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Every claim beyond the standard ones (`groups`, `tid`, `department`, …). The crate's core
/// ID-token type drops them; the mapping modes and Tessera's own tokens need them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub claims: Map<String, Value>,
}
impl AdditionalClaims for OtherClaims {}

/// An ID token that keeps every claim.
pub type FullIdToken = IdToken<OtherClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// BASE64URL(SHA-256(verifier)), RFC 7636.
pub fn pkce_s256(verifier: &str) -> String {
    use sha2::{Digest, Sha256};
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}
