//! A small OpenID Provider of the tests' own that signs real RS256 ID tokens and can be told to
//! misbehave in one way at a time (`Twist`), so every validation rule can be shown to hold. Its
//! `/authorize` signs nobody in: it answers at once, as if the user had.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One way to misbehave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Twist {
    None,
    WrongIssuer,
    IssuerWithTrailingSlash,
    WrongAudience,
    Expired,
    ExpiredWithinLeeway,
    NoIat,
    FutureIat,
    WrongNonce,
    AlgNone,
    BadSignature,
    BadAtHash,
    BadCHash,
    /// `aud` is [client, another] with `azp` = client: accepted.
    ExtraAudienceWithAzp,
    /// `aud` is [client, another] and no `azp`.
    ExtraAudienceNoAzp,
    /// `azp` names another client.
    WrongAzp,
    NoSub,
    Hs256,
    /// No email in the ID token: it is only in /userinfo.
    ThinIdToken,
    ErrorResponse,
    TokenEndpointRefuses,
}

struct Key {
    kid: String,
    signer: rsa::pkcs1v15::SigningKey<Sha256>,
    jwk: Value,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn new_key(kid: &str) -> Key {
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap_or_else(|e| panic!("{e}"));
    let jwk = json!({ "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64(&private.n().to_bytes_be()), "e": b64(&private.e().to_bytes_be()) });
    Key { kid: kid.into(), signer: rsa::pkcs1v15::SigningKey::<Sha256>::new(private), jwk }
}

struct Inner {
    base: String,
    twist: Twist,
    keys: Vec<Key>,
    /// The key that signs; `RotatedKey` adds one that is not published until first asked for.
    signing: usize,
    published: usize,
    nonces: HashMap<String, String>,
    client_id: String,
    client_secret: String,
    jwks_fetches: usize,
    /// Claims that replace the ID token's own (an unverified email, another tenant's `tid`).
    overrides: serde_json::Map<String, Value>,
    /// The PKCE method `/authorize` accepts (`S256`, `plain`, or `none` for no PKCE); any when unset.
    pkce_only: Option<String>,
    /// Each `/authorize`'s `code_challenge_method` (`none` when it sent no challenge).
    pkce_seen: Vec<String>,
    /// The challenge and method each code was issued with, checked at the token endpoint.
    challenges: HashMap<String, (String, String)>,
    /// Refresh tokens issued (token → sub), and how many refreshes were answered.
    refresh_tokens: HashMap<String, String>,
    refreshes: usize,
}

#[derive(Clone)]
pub struct OidcIdp {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(message.iter().copied()).collect();
    let inner_hash = Sha256::digest(&inner);
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner_hash.iter().copied()).collect();
    Sha256::digest(&outer).to_vec()
}

impl OidcIdp {
    pub async fn start(client_id: &str, client_secret: &str) -> OidcIdp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        let keys = tokio::task::spawn_blocking(|| vec![new_key("key-1")]).await.unwrap_or_else(|e| panic!("{e}"));
        let inner = Arc::new(Mutex::new(Inner {
            base: base.clone(),
            twist: Twist::None,
            keys,
            signing: 0,
            published: 1,
            nonces: HashMap::new(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            jwks_fetches: 0,
            overrides: serde_json::Map::new(),
            pkce_only: None,
            pkce_seen: Vec::new(),
            challenges: HashMap::new(),
            refresh_tokens: HashMap::new(),
            refreshes: 0,
        }));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/.well-known/jwks.json", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/oauth/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        OidcIdp { base, inner }
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.base)
    }

    pub fn set_twist(&self, twist: Twist) {
        if let Ok(mut i) = self.inner.lock() {
            i.twist = twist;
        }
    }

    /// Adds a signing key that is published only when the JWKS is fetched next.
    pub async fn rotate(&self) {
        let key = tokio::task::spawn_blocking(|| new_key("key-2")).await.unwrap_or_else(|e| panic!("{e}"));
        if let Ok(mut i) = self.inner.lock() {
            i.keys.push(key);
            i.signing = i.keys.len() - 1;
            i.published = i.keys.len();
        }
    }

    /// A JWT of `claims` signed RS256 with the IdP's current key (what it sends Tessera beside
    /// ID tokens, such as a Global Token Revocation request).
    pub fn sign(&self, claims: &Value) -> String {
        use rsa::signature::{SignatureEncoding, Signer};
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let key = &inner.keys[inner.signing];
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": key.kid });
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
        format!("{input}.{}", b64(&key.signer.sign(input.as_bytes()).to_vec()))
    }

    /// From now on, the ID tokens' claims are replaced by these (an empty object: none).
    pub fn set_claims(&self, claims: Value) {
        if let Ok(mut i) = self.inner.lock() {
            i.overrides = claims.as_object().cloned().unwrap_or_default();
        }
    }

    /// Accept only this PKCE method at `/authorize` (`S256`, `plain` or `none`).
    pub fn accept_only_pkce(&self, method: &str) {
        if let Ok(mut i) = self.inner.lock() {
            i.pkce_only = Some(method.into());
        }
    }

    /// The `code_challenge_method` of every `/authorize` so far (`none` when it had none).
    pub fn pkce_seen(&self) -> Vec<String> {
        self.inner.lock().map(|i| i.pkce_seen.clone()).unwrap_or_default()
    }

    /// How many refresh-token grants the token endpoint answered.
    pub fn refreshes(&self) -> usize {
        self.inner.lock().map(|i| i.refreshes).unwrap_or(0)
    }

    pub fn jwks_fetches(&self) -> usize {
        self.inner.lock().map(|i| i.jwks_fetches).unwrap_or(0)
    }

    /// The ID token for `nonce`, as the current twist makes it. `access_token` gets an at_hash.
    fn id_token(inner: &Inner, sub: &str, nonce: &str, access_token: Option<&str>, code: Option<&str>) -> String {
        let now = chrono::Utc::now().timestamp();
        let twist = inner.twist;
        let key = &inner.keys[inner.signing];
        let mut claims = json!({
            "iss": inner.base, "sub": sub, "aud": inner.client_id, "exp": now + 300, "iat": now, "nonce": nonce,
            "email": format!("{sub}@example.test"), "email_verified": true, "name": format!("User {sub}"),
            "groups": ["engineering", "sso-admins"], "department": "R&D",
        });
        match twist {
            Twist::WrongIssuer => claims["iss"] = json!("https://evil.example"),
            Twist::IssuerWithTrailingSlash => claims["iss"] = json!(format!("{}/", inner.base)),
            Twist::WrongAudience => claims["aud"] = json!("someone-else"),
            Twist::ExtraAudienceWithAzp => {
                claims["aud"] = json!([inner.client_id, "https://api.example.test"]);
                claims["azp"] = json!(inner.client_id);
            }
            Twist::ExtraAudienceNoAzp => claims["aud"] = json!([inner.client_id, "https://api.example.test"]),
            Twist::WrongAzp => claims["azp"] = json!("someone-else"),
            Twist::Expired => claims["exp"] = json!(now - 600),
            Twist::ExpiredWithinLeeway => claims["exp"] = json!(now - 30),
            Twist::NoIat => {
                claims.as_object_mut().map(|c| c.remove("iat"));
            }
            Twist::FutureIat => claims["iat"] = json!(now + 600),
            Twist::WrongNonce => claims["nonce"] = json!("not-the-nonce"),
            Twist::NoSub => {
                claims.as_object_mut().map(|c| c.remove("sub"));
            }
            Twist::ThinIdToken => {
                claims.as_object_mut().map(|c| {
                    c.remove("email");
                    c.remove("email_verified");
                    c.remove("name");
                });
            }
            _ => {}
        }
        for (k, v) in &inner.overrides {
            claims[k] = v.clone();
        }
        if let Some(at) = access_token {
            let digest = Sha256::digest(at.as_bytes());
            claims["at_hash"] = json!(b64(&digest[..16]));
            if twist == Twist::BadAtHash {
                claims["at_hash"] = json!("AAAAAAAAAAAAAAAAAAAAAA");
            }
        }
        if let Some(code) = code {
            let digest = Sha256::digest(code.as_bytes());
            claims["c_hash"] = json!(b64(&digest[..16]));
            if twist == Twist::BadCHash {
                claims["c_hash"] = json!("AAAAAAAAAAAAAAAAAAAAAA");
            }
        }
        let alg = match twist {
            Twist::AlgNone => "none",
            Twist::Hs256 => "HS256",
            _ => "RS256",
        };
        let header = json!({ "alg": alg, "typ": "JWT", "kid": key.kid });
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
        let signature = match twist {
            Twist::AlgNone => Vec::new(),
            Twist::Hs256 => hmac_sha256(inner.client_secret.as_bytes(), input.as_bytes()),
            _ => {
                use rsa::signature::{SignatureEncoding, Signer};
                let mut s = key.signer.sign(input.as_bytes()).to_vec();
                if twist == Twist::BadSignature {
                    s[10] ^= 0xff;
                }
                s
            }
        };
        format!("{input}.{}", b64(&signature))
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn discovery(State(inner): Shared) -> Json<Value> {
    let base = inner.lock().map(|i| i.base.clone()).unwrap_or_default();
    Json(json!({
        "issuer": base, "authorization_endpoint": format!("{base}/authorize"), "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"), "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code", "id_token"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(inner): Shared) -> Json<Value> {
    let mut i = inner.lock().unwrap_or_else(|e| e.into_inner());
    i.jwks_fetches += 1;
    let keys: Vec<Value> = i.keys.iter().take(i.published).map(|k| k.jwk.clone()).collect();
    Json(json!({ "keys": keys }))
}

/// Answers at once: back channel with a code, front channel with the ID token as JSON (the test
/// posts it to Tessera, as the browser would post the form).
async fn authorize(State(inner): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut i = inner.lock().unwrap_or_else(|e| e.into_inner());
    let state = q.get("state").cloned().unwrap_or_default();
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    let nonce = q.get("nonce").cloned().unwrap_or_default();
    let sub = q.get("login_hint").cloned().unwrap_or_else(|| "alice".into());
    if i.twist == Twist::ErrorResponse {
        return Redirect::to(&format!("{redirect}?error=access_denied&error_description=The+user+said+no&state={state}")).into_response();
    }
    let method = match (q.get("code_challenge"), q.get("code_challenge_method")) {
        (None, _) => "none".to_string(),
        (Some(_), m) => m.cloned().unwrap_or_else(|| "plain".into()),
    };
    i.pkce_seen.push(method.clone());
    if i.pkce_only.as_ref().is_some_and(|only| *only != method) {
        return Redirect::to(&format!("{redirect}?error=invalid_request&error_description=code_challenge_method+{method}+is+not+accepted&state={state}")).into_response();
    }
    if q.get("response_type").map(String::as_str) == Some("id_token") {
        let token = OidcIdp::id_token(&i, &sub, &nonce, None, None);
        return Json(json!({ "state": state, "id_token": token })).into_response();
    }
    let code = format!("code-{}", i.nonces.len());
    i.nonces.insert(code.clone(), format!("{sub} {nonce}"));
    if let Some(challenge) = q.get("code_challenge") {
        i.challenges.insert(code.clone(), (challenge.clone(), method));
    }
    Redirect::to(&format!("{redirect}?code={code}&state={state}")).into_response()
}

async fn token(State(inner): Shared, body: String) -> Response {
    let mut i = inner.lock().unwrap_or_else(|e| e.into_inner());
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let secret_ok = form.get("client_secret") == Some(&i.client_secret) || form.contains_key("client_assertion");
    if i.twist == Twist::TokenEndpointRefuses || !secret_ok {
        return (axum::http::StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_client", "error_description": "Client authentication failed" }))).into_response();
    }
    if form.get("grant_type").map(String::as_str) == Some("refresh_token") {
        let Some(sub) = form.get("refresh_token").and_then(|t| i.refresh_tokens.get(t)).cloned() else {
            return (axum::http::StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant" }))).into_response();
        };
        i.refreshes += 1;
        return Json(json!({ "access_token": format!("at-{sub}~r{}", i.refreshes), "token_type": "Bearer", "expires_in": 3600, "scope": "openid email profile" })).into_response();
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some((sub, nonce)) = i.nonces.get(&code).and_then(|v| v.split_once(' ')) else {
        return (axum::http::StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant" }))).into_response();
    };
    if let Some((challenge, method)) = i.challenges.get(&code) {
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        let computed = if method == "S256" { b64(&Sha256::digest(verifier.as_bytes())) } else { verifier };
        if computed != *challenge {
            return (axum::http::StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant", "error_description": "PKCE verification failed" }))).into_response();
        }
    }
    let access_token = format!("at-{sub}");
    let id_token = OidcIdp::id_token(&i, sub, nonce, Some(&access_token), Some(&code));
    let refresh_token = format!("rt-{sub}-{}", i.refresh_tokens.len());
    let sub = sub.to_string();
    i.refresh_tokens.insert(refresh_token.clone(), sub);
    Json(json!({ "access_token": access_token, "token_type": "Bearer", "id_token": id_token, "refresh_token": refresh_token, "expires_in": 3600 })).into_response()
}

async fn userinfo(headers: axum::http::HeaderMap) -> Response {
    let sub = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer at-")).unwrap_or_default().to_string();
    Json(json!({ "sub": sub, "email": format!("{sub}@userinfo.example.test"), "email_verified": true, "name": format!("User {sub}") })).into_response()
}
