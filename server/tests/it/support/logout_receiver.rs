//! An application's back-channel logout endpoint for the tests: it takes the POSTed
//! `logout_token`s (answering 500 while told to fail) and verifies one as an application would
//! (OpenID Connect Back-Channel Logout 1.0, section 2.6): signature against the issuer's JWKS,
//! `iss`, `aud`, `iat`/`exp`, the logout event, `sid` or `sub`, and no `nonce`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

#[derive(Clone)]
struct Inner {
    tokens: mpsc::UnboundedSender<String>,
    failures_left: Arc<Mutex<u32>>,
}

pub struct LogoutReceiver {
    pub base: String,
    received: tokio::sync::Mutex<mpsc::UnboundedReceiver<String>>,
    failures_left: Arc<Mutex<u32>>,
}

async fn take(State(inner): State<Inner>, body: axum::body::Bytes) -> StatusCode {
    {
        let mut left = inner.failures_left.lock().unwrap_or_else(|e| e.into_inner());
        if *left > 0 {
            *left -= 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let token = url::form_urlencoded::parse(&body).find(|(k, _)| k == "logout_token").map(|(_, v)| v.into_owned());
    match token {
        Some(t) => {
            let _ = inner.tokens.send(t);
            StatusCode::OK
        }
        None => StatusCode::BAD_REQUEST,
    }
}

impl LogoutReceiver {
    pub async fn start() -> LogoutReceiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let failures_left = Arc::new(Mutex::new(0));
        let inner = Inner { tokens: tx, failures_left: failures_left.clone() };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        let router = Router::new().route("/backchannel-logout", post(take)).with_state(inner);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        LogoutReceiver { base, received: tokio::sync::Mutex::new(rx), failures_left }
    }

    pub fn url(&self) -> String {
        format!("{}/backchannel-logout", self.base)
    }

    /// The next `n` deliveries answer 500.
    pub fn fail_next(&self, n: u32) {
        *self.failures_left.lock().unwrap_or_else(|e| e.into_inner()) = n;
    }

    /// The next logout token taken, waiting up to 10 s.
    pub async fn next(&self) -> Option<String> {
        let mut rx = self.received.lock().await;
        tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv()).await.ok().flatten()
    }

    /// Whether a token arrives within `ms`.
    pub async fn nothing_within(&self, ms: u64) -> bool {
        let mut rx = self.received.lock().await;
        tokio::time::timeout(std::time::Duration::from_millis(ms), rx.recv()).await.is_err()
    }

    /// Verifies `token` as the application `client_id` of `issuer` must; returns its claims.
    pub async fn verify(&self, token: &str, issuer: &str, client_id: &str) -> Value {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
        use openidconnect::JsonWebKey;
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3, "a compact JWS");
        let part = |i: usize| -> Value { serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[i]).unwrap_or_default()).unwrap_or_default() };
        let (header, claims) = (part(0), part(1));
        assert_eq!(header["typ"], "logout+jwt", "{header}");
        let jwks: CoreJsonWebKeySet = reqwest::get(format!("{issuer}.well-known/jwks.json")).await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_else(|e| panic!("{e}"));
        let key = jwks.keys().iter().find(|k| k.key_id().map(|id| id.as_str()) == header["kid"].as_str()).unwrap_or_else(|| panic!("no key {} in the JWKS", header["kid"]));
        let alg = match header["alg"].as_str() {
            Some("RS256") => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            Some("ES256") => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            other => panic!("unexpected alg {other:?}"),
        };
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap_or_default();
        key.verify_signature(&alg, format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).unwrap_or_else(|e| panic!("the logout token's signature: {e:?}"));
        assert_eq!(claims["iss"], issuer, "{claims}");
        let aud_ok = claims["aud"] == client_id || claims["aud"].as_array().is_some_and(|a| a.iter().any(|x| x == client_id));
        assert!(aud_ok, "aud: {claims}");
        let now = chrono::Utc::now().timestamp();
        assert!(claims["iat"].as_i64().is_some_and(|t| (now - 60..=now + 5).contains(&t)), "iat: {claims}");
        assert!(claims["exp"].as_i64().is_some_and(|t| t > now), "exp: {claims}");
        assert!(claims["events"].get("http://schemas.openid.net/event/backchannel-logout").is_some_and(Value::is_object), "events: {claims}");
        assert!(claims.get("sid").is_some() || claims.get("sub").is_some(), "sid or sub: {claims}");
        assert!(claims.get("nonce").is_none(), "a logout token has no nonce: {claims}");
        assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()), "jti: {claims}");
        claims
    }
}
