//! An IdP's JSON Web Key as `openidconnect` reads it, whose RSA PKCS#1 signatures (RS256,
//! RS384, RS512 with a key of 2048 bits or more) and ES256 signatures (P-256) AWS-LC verifies:
//! the pure-Rust `rsa` behind the crate's own key type took about 0.3 ms per ID token, and its
//! `p256` about 0.7 ms, a third of a sign-in's CPU. Everything else (parsing, key selection,
//! PSS, ES384, EdDSA, HMAC, smaller keys) is the crate's own `CoreJsonWebKey`, so the rules do
//! not change.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{CoreJsonWebKey, CoreJsonWebKeyType, CoreJsonWebKeyUse, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, JsonWebKeyAlgorithm, JsonWebKeyId, JsonWebKeySet, JsonWebKeyUse, SignatureVerificationError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// An IdP's JWK Set.
pub type IdpJsonWebKeySet = JsonWebKeySet<IdpJsonWebKey>;

#[derive(Clone, Debug)]
pub struct IdpJsonWebKey {
    core: CoreJsonWebKey,
    /// The RSA modulus and exponent (big-endian), when the key has them.
    rsa: Option<(Vec<u8>, Vec<u8>)>,
    /// A P-256 key's point, uncompressed (0x04 ‖ x ‖ y), when the key is one.
    p256: Option<Vec<u8>>,
}

impl<'de> Deserialize<'de> for IdpJsonWebKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let field = |name: &str| value.get(name).and_then(Value::as_str).and_then(|v| URL_SAFE_NO_PAD.decode(v.trim_end_matches('=')).ok());
        let rsa = field("n").zip(field("e"));
        let p256 = match (value.get("crv").and_then(Value::as_str), field("x"), field("y")) {
            (Some("P-256"), Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => Some([&[4u8][..], &x, &y].concat()),
            _ => None,
        };
        let core = CoreJsonWebKey::deserialize(value).map_err(serde::de::Error::custom)?;
        Ok(IdpJsonWebKey { core, rsa, p256 })
    }
}

impl Serialize for IdpJsonWebKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.core.serialize(serializer)
    }
}

impl IdpJsonWebKey {
    /// The crate's own compatibility rules: a signing key of `kty` whose `alg`, if any, is `alg`.
    fn compatible(&self, alg: &CoreJwsSigningAlgorithm, kty: CoreJsonWebKeyType, what: &str) -> Result<(), SignatureVerificationError> {
        if self.core.key_use().is_some_and(|u| !u.allows_signature()) {
            return Err(SignatureVerificationError::InvalidKey("the key is not for signatures (use)".into()));
        }
        if *self.core.key_type() != kty {
            return Err(SignatureVerificationError::InvalidKey(format!("the key is not {what}")));
        }
        if let JsonWebKeyAlgorithm::Algorithm(key_alg) = self.core.signing_alg() {
            if key_alg != alg {
                return Err(SignatureVerificationError::InvalidKey(format!("the key is for {key_alg:?}, not {alg:?}")));
            }
        }
        Ok(())
    }
}

/// Leading zero bytes do not count towards the modulus size.
fn modulus_bits(n: &[u8]) -> usize {
    let n = &n[n.iter().take_while(|b| **b == 0).count()..];
    n.first().map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize)
}

impl JsonWebKey for IdpJsonWebKey {
    type KeyUse = CoreJsonWebKeyUse;
    type SigningAlgorithm = CoreJwsSigningAlgorithm;

    fn key_id(&self) -> Option<&JsonWebKeyId> {
        self.core.key_id()
    }

    fn key_type(&self) -> &CoreJsonWebKeyType {
        self.core.key_type()
    }

    fn key_use(&self) -> Option<&CoreJsonWebKeyUse> {
        self.core.key_use()
    }

    fn signing_alg(&self) -> JsonWebKeyAlgorithm<&CoreJwsSigningAlgorithm> {
        self.core.signing_alg()
    }

    fn new_symmetric(key: Vec<u8>) -> Self {
        IdpJsonWebKey { core: CoreJsonWebKey::new_symmetric(key), rsa: None, p256: None }
    }

    fn verify_signature(&self, alg: &CoreJwsSigningAlgorithm, message: &[u8], signature: &[u8]) -> Result<(), SignatureVerificationError> {
        use aws_lc_rs::signature::{RsaPublicKeyComponents, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512};
        use CoreJwsSigningAlgorithm as A;
        let bad = |_| SignatureVerificationError::CryptoError("bad signature".into());
        if *alg == A::EcdsaP256Sha256 {
            let Some(point) = self.p256.as_ref() else {
                return self.core.verify_signature(alg, message, signature);
            };
            self.compatible(alg, CoreJsonWebKeyType::EllipticCurve, "an EC key")?;
            return UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point).verify(message, signature).map_err(bad);
        }
        let params = match alg {
            A::RsaSsaPkcs1V15Sha256 => &RSA_PKCS1_2048_8192_SHA256,
            A::RsaSsaPkcs1V15Sha384 => &RSA_PKCS1_2048_8192_SHA384,
            A::RsaSsaPkcs1V15Sha512 => &RSA_PKCS1_2048_8192_SHA512,
            _ => return self.core.verify_signature(alg, message, signature),
        };
        let Some((n, e)) = self.rsa.as_ref().filter(|(n, _)| modulus_bits(n) >= 2048) else {
            return self.core.verify_signature(alg, message, signature);
        };
        self.compatible(alg, CoreJsonWebKeyType::RSA, "an RSA key")?;
        RsaPublicKeyComponents { n: n.as_slice(), e: e.as_slice() }.verify(params, message, signature).map_err(bad)
    }

    fn hash_bytes(&self, bytes: &[u8], alg: &CoreJwsSigningAlgorithm) -> Result<Vec<u8>, String> {
        self.core.hash_bytes(bytes, alg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::PublicKeyParts;

    fn signed(bits: usize) -> (Value, Vec<u8>, Vec<u8>) {
        use rsa::pkcs8::EncodePrivateKey;
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap_or_else(|e| panic!("{e}"));
        let der = key.to_pkcs8_der().unwrap_or_else(|e| panic!("{e}"));
        let message = b"header.claims".to_vec();
        let signature = if bits >= 2048 {
            let pair = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            let mut sig = vec![0; pair.public_modulus_len()];
            pair.sign(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), &message, &mut sig).unwrap_or_else(|e| panic!("{e}"));
            sig
        } else {
            use rsa::signature::{SignatureEncoding, Signer};
            rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone()).sign(&message).to_vec()
        };
        let jwk = serde_json::json!({ "kty": "RSA", "kid": "k1", "use": "sig", "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()), "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()) });
        (jwk, message, signature)
    }

    #[test]
    fn rs256_verifies_as_the_crate_does_and_refuses_what_it_refuses() {
        let (jwk, message, signature) = signed(2048);
        let ours: IdpJsonWebKey = serde_json::from_value(jwk.clone()).unwrap_or_else(|e| panic!("{e}"));
        let core: CoreJsonWebKey = serde_json::from_value(jwk.clone()).unwrap_or_else(|e| panic!("{e}"));
        let rs256 = CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256;
        assert!(ours.verify_signature(&rs256, &message, &signature).is_ok());
        assert!(core.verify_signature(&rs256, &message, &signature).is_ok());
        let mut forged = signature.clone();
        forged[10] ^= 1;
        assert!(ours.verify_signature(&rs256, &message, &forged).is_err(), "a changed signature is refused");
        assert!(ours.verify_signature(&rs256, b"header.other", &signature).is_err(), "a changed message is refused");
        assert!(ours.verify_signature(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512, &message, &signature).is_err(), "another hash is refused");
        let mut enc = jwk.clone();
        enc["use"] = "enc".into();
        let enc: IdpJsonWebKey = serde_json::from_value(enc).unwrap_or_else(|e| panic!("{e}"));
        assert!(enc.verify_signature(&rs256, &message, &signature).is_err(), "an encryption key does not verify signatures");
        let mut other_alg = jwk;
        other_alg["alg"] = "RS384".into();
        let other_alg: IdpJsonWebKey = serde_json::from_value(other_alg).unwrap_or_else(|e| panic!("{e}"));
        assert!(other_alg.verify_signature(&rs256, &message, &signature).is_err(), "a key for RS384 does not verify RS256");
        assert_eq!(serde_json::to_value(&ours).ok(), serde_json::to_value(&core).ok(), "it serializes as the crate's key");
    }

    #[test]
    fn a_key_under_2048_bits_is_left_to_the_crate() {
        let (jwk, message, signature) = signed(1024);
        let ours: IdpJsonWebKey = serde_json::from_value(jwk).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours.rsa.as_ref().map(|(n, _)| modulus_bits(n)), Some(1024));
        assert!(ours.verify_signature(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, &message, &signature).is_ok());
    }

    #[test]
    fn es256_verifies_as_the_crate_does_and_refuses_what_it_refuses() {
        use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap_or_else(|e| panic!("{e}"));
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let point = pair.public_key().as_ref().to_vec();
        let jwk = serde_json::json!({ "kty": "EC", "crv": "P-256", "kid": "e1", "use": "sig",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]) });
        let message = b"header.claims".to_vec();
        let signature = pair.sign(&rng, &message).unwrap_or_else(|e| panic!("{e}")).as_ref().to_vec();
        let ours: IdpJsonWebKey = serde_json::from_value(jwk.clone()).unwrap_or_else(|e| panic!("{e}"));
        let core: CoreJsonWebKey = serde_json::from_value(jwk.clone()).unwrap_or_else(|e| panic!("{e}"));
        let es256 = CoreJwsSigningAlgorithm::EcdsaP256Sha256;
        assert!(ours.p256.is_some());
        assert!(ours.verify_signature(&es256, &message, &signature).is_ok());
        assert!(core.verify_signature(&es256, &message, &signature).is_ok());
        let mut forged = signature.clone();
        forged[5] ^= 1;
        assert!(ours.verify_signature(&es256, &message, &forged).is_err(), "a changed signature is refused");
        assert!(ours.verify_signature(&es256, b"header.other", &signature).is_err(), "a changed message is refused");
        assert!(ours.verify_signature(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, &message, &signature).is_err(), "not with RS256");
        let mut enc = jwk.clone();
        enc["use"] = "enc".into();
        let enc: IdpJsonWebKey = serde_json::from_value(enc).unwrap_or_else(|e| panic!("{e}"));
        assert!(enc.verify_signature(&es256, &message, &signature).is_err(), "an encryption key does not verify signatures");
        let mut other_alg = jwk;
        other_alg["alg"] = "ES384".into();
        let other_alg: IdpJsonWebKey = serde_json::from_value(other_alg).unwrap_or_else(|e| panic!("{e}"));
        assert!(other_alg.verify_signature(&es256, &message, &signature).is_err(), "a key for ES384 does not verify ES256");
    }
}
