//! Talking to a connection's identity provider: the authorization URL (front channel:
//! `response_type=id_token` with `form_post`; back channel: `response_type=code` with PKCE per
//! the Connection Profile), the token request authenticated as the connection says
//! (`client_secret_post`, `client_secret_basic`, `private_key_jwt` with the connection's own key,
//! or none), and `/userinfo`. Every request goes through the guarded client.

use crate::backend::crypto::random_alphanumeric;
use crate::backend::discovery::guard::GuardedClient;
use crate::backend::Clock;
use crate::connections::options::{Channel, Pkce, SigningAlg, TokenEndpointAuthMethod};
use crate::connections::Connection;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};

/// What goes to the IdP's authorization endpoint.
pub struct AuthorizationRequest<'a> {
    pub state: &'a str,
    pub nonce: &'a str,
    pub redirect_uri: &'a str,
    /// The PKCE challenge and its method (`S256` or `plain`), back channel only.
    pub code_challenge: Option<(&'a str, Pkce)>,
    pub login_hint: Option<&'a str>,
    /// The application's own `/authorize` parameters, for `upstream_params` aliases.
    pub app_params: &'a [(String, String)],
}

/// The PKCE method this connection uses towards its IdP (Connection Profile's PKCE), if any:
/// `S256` or `plain` as set, none when disabled, and for `auto` what the discovery document
/// lists (S256 first; a public client uses S256 even when the document lists nothing).
pub fn pkce_method(connection: &Connection) -> Option<Pkce> {
    let o = &connection.options;
    if o.channel != Channel::BackChannel {
        return None;
    }
    match o.connection_settings.pkce.unwrap_or(Pkce::Auto) {
        Pkce::Disabled => None,
        Pkce::S256 => Some(Pkce::S256),
        Pkce::Plain => Some(Pkce::Plain),
        Pkce::Auto => {
            let listed = |m: &str| o.oidc_metadata.as_ref().and_then(|d| d["code_challenge_methods_supported"].as_array()).is_some_and(|l| l.iter().any(|v| v == m));
            if listed("S256") || o.token_endpoint_auth_method == TokenEndpointAuthMethod::None {
                Some(Pkce::S256)
            } else if listed("plain") {
                Some(Pkce::Plain)
            } else {
                None
            }
        }
    }
}

/// The connection's scope plus the application's `connection_scope` (Auth0: more scopes to ask
/// the IdP for, e.g. for a connected account's API), each once; odd tokens are left out.
fn with_connection_scope(scope: &str, app_params: &[(String, String)]) -> String {
    let mut out: Vec<&str> = scope.split_whitespace().collect();
    let extra = app_params.iter().find(|(k, _)| k == "connection_scope").map(|(_, v)| v.as_str()).unwrap_or_default();
    for s in extra.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).take(20) {
        if s.len() <= 200 && s.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\') && !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

pub fn authorization_url(connection: &Connection, req: &AuthorizationRequest<'_>) -> Result<String, String> {
    let o = &connection.options;
    let mut url = url::Url::parse(&o.authorization_endpoint).map_err(|e| format!("the connection's authorization endpoint is not a URL: {e}"))?;
    {
        let mut q = url.query_pairs_mut();
        match o.channel {
            Channel::FrontChannel => {
                q.append_pair("response_type", "id_token");
                q.append_pair("response_mode", "form_post");
            }
            Channel::BackChannel => {
                q.append_pair("response_type", "code");
            }
        }
        q.append_pair("client_id", &o.client_id);
        q.append_pair("redirect_uri", req.redirect_uri);
        q.append_pair("scope", &with_connection_scope(&o.scope, req.app_params));
        q.append_pair("state", req.state);
        q.append_pair("nonce", req.nonce);
        if let Some((challenge, method)) = req.code_challenge {
            q.append_pair("code_challenge", challenge);
            q.append_pair("code_challenge_method", method.as_str());
        }
        if let Some(hint) = req.login_hint {
            q.append_pair("login_hint", hint);
        }
        for (name, param) in &o.upstream_params {
            let value = match (&param.value, &param.alias) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(alias)) => req.app_params.iter().find(|(k, _)| k == alias).map(|(_, v)| v.clone()),
                _ => None,
            };
            if let Some(v) = value {
                q.append_pair(name, &v);
            }
        }
    }
    Ok(url.to_string())
}

/// How Tessera authenticates to the token endpoint.
pub enum ClientAuth {
    Secret(String),
    /// PKCS#8 PEM of the connection's key.
    PrivateKey(String),
    None,
}

/// What the token endpoint answered.
#[derive(Clone, Debug, Default)]
pub struct TokenAnswer {
    /// Empty when a refresh answered without one.
    pub id_token: String,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    /// Seconds.
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
}

/// How Tessera authenticates to `found`'s token endpoint: the connection's secret or key, opened.
pub fn client_auth(state: &crate::backend::AppState, found: &crate::backend::connections::ForSignIn) -> crate::backend::Result<ClientAuth> {
    let key = &state.env.master_key;
    let id = &found.connection.id;
    Ok(match (found.connection.options.token_endpoint_auth_method, &found.row.client_secret_enc, &found.row.private_key_enc) {
        (TokenEndpointAuthMethod::PrivateKeyJwt, _, Some(enc)) => ClientAuth::PrivateKey(key.decrypt(&format!("connection:{id}:private_key"), enc)?.expose().to_string()),
        (TokenEndpointAuthMethod::None, _, _) => ClientAuth::None,
        (_, Some(enc), _) => ClientAuth::Secret(key.decrypt(&format!("connection:{id}:client_secret"), enc)?.expose().to_string()),
        _ => ClientAuth::None,
    })
}

/// A `private_key_jwt` client assertion (RFC 7523): iss = sub = client id, aud = token endpoint.
fn client_assertion(connection: &Connection, pem: &str, clock: &Clock) -> Result<String, String> {
    let o = &connection.options;
    let alg = o.token_endpoint_auth_signing_alg.unwrap_or(SigningAlg::RS256);
    let kid = o.client_public_jwks.as_ref().and_then(|j| j["keys"][0]["kid"].as_str()).unwrap_or_default();
    let now = clock.now().timestamp();
    let header = json!({ "alg": alg.as_str(), "typ": "JWT", "kid": kid });
    let token_endpoint = o.token_endpoint.clone().unwrap_or_default();
    let claims = json!({ "iss": o.client_id, "sub": o.client_id, "aud": token_endpoint, "jti": random_alphanumeric(24), "iat": now, "exp": now + 60 });
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = sign(alg, pem, input.as_bytes())?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

fn sign(alg: SigningAlg, pem: &str, message: &[u8]) -> Result<Vec<u8>, String> {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    let bad_key = |e: &dyn std::fmt::Display| format!("the connection's private key is unreadable: {e}");
    match alg {
        SigningAlg::RS256 => {
            let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| bad_key(&e))?;
            Ok(rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key).sign(message).to_vec())
        }
        SigningAlg::PS256 => {
            let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| bad_key(&e))?;
            let signer = rsa::pss::BlindedSigningKey::<sha2::Sha256>::new(key);
            Ok(signer.sign_with_rng(&mut rand::thread_rng(), message).to_vec())
        }
        SigningAlg::ES256 => {
            let key = p256::ecdsa::SigningKey::from_pkcs8_pem(pem).map_err(|e| bad_key(&e))?;
            let signature: p256::ecdsa::Signature = key.sign(message);
            Ok(signature.to_bytes().to_vec())
        }
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

/// Exchanges the IdP's code at its token endpoint.
pub async fn exchange_code(
    client: &GuardedClient,
    clock: &Clock,
    connection: &Connection,
    auth: &ClientAuth,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
) -> Result<TokenAnswer, String> {
    let mut form: Vec<(&str, String)> = vec![("grant_type", "authorization_code".into()), ("code", code.into()), ("redirect_uri", redirect_uri.into())];
    if let Some(v) = code_verifier {
        form.push(("code_verifier", v.into()));
    }
    let answer = token_request(client, clock, connection, auth, None, form).await?;
    if answer.id_token.is_empty() {
        return Err("the IdP's token endpoint answered without an id_token".into());
    }
    Ok(answer)
}

/// A new access token for a connected account, with the IdP's refresh token (the token vault).
pub async fn refresh(client: &GuardedClient, clock: &Clock, connection: &Connection, auth: &ClientAuth, refresh_token: &str) -> Result<TokenAnswer, String> {
    let form: Vec<(&str, String)> = vec![("grant_type", "refresh_token".into()), ("refresh_token", refresh_token.into())];
    let answer = token_request(client, clock, connection, auth, None, form).await?;
    if answer.access_token.is_none() {
        return Err("the IdP's token endpoint answered the refresh without an access_token".into());
    }
    Ok(answer)
}

/// Revokes a connected account's token at the IdP's revocation endpoint (RFC 7009).
pub async fn revoke(client: &GuardedClient, clock: &Clock, connection: &Connection, auth: &ClientAuth, endpoint: &str, token: &str) -> Result<(), String> {
    token_request(client, clock, connection, auth, Some(endpoint), vec![("token", token.into())]).await.map(|_| ())
}

/// A request to the connection's token endpoint (or `endpoint`), authenticated as the
/// connection says.
async fn token_request(client: &GuardedClient, clock: &Clock, connection: &Connection, auth: &ClientAuth, endpoint: Option<&str>, mut form: Vec<(&str, String)>) -> Result<TokenAnswer, String> {
    let o = &connection.options;
    let token_endpoint = match endpoint {
        Some(e) => e,
        None => o.token_endpoint.as_deref().ok_or("the connection has no token endpoint")?,
    };
    let mut request = http::Request::post(token_endpoint)
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(http::header::ACCEPT, "application/json");
    match (o.token_endpoint_auth_method, auth) {
        (TokenEndpointAuthMethod::ClientSecretBasic, ClientAuth::Secret(secret)) => {
            let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let basic = STANDARD.encode(format!("{}:{}", enc(&o.client_id), enc(secret)));
            request = request.header(http::header::AUTHORIZATION, format!("Basic {basic}"));
        }
        (TokenEndpointAuthMethod::ClientSecretPost, ClientAuth::Secret(secret)) => {
            form.push(("client_id", o.client_id.clone()));
            form.push(("client_secret", secret.clone()));
        }
        (TokenEndpointAuthMethod::PrivateKeyJwt, ClientAuth::PrivateKey(pem)) => {
            form.push(("client_id", o.client_id.clone()));
            form.push(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into()));
            form.push(("client_assertion", client_assertion(connection, pem, clock)?));
        }
        (TokenEndpointAuthMethod::None, _) => form.push(("client_id", o.client_id.clone())),
        _ => return Err("the connection's client credentials are missing (set the client secret again)".into()),
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let request = request.body(form_encode(&pairs)).map_err(|e| format!("the token request could not be built: {e}"))?;
    let started = std::time::Instant::now();
    let response = client.execute(request).await;
    crate::backend::metrics::upstream_request("token", started, response.as_ref().is_ok_and(|r| r.status().is_success()));
    let response = response.map_err(|e| format!("the IdP's token endpoint could not be reached: {e}"))?;
    let status = response.status();
    let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    if !status.is_success() {
        let error = body["error"].as_str().unwrap_or("no error code");
        let description = body["error_description"].as_str().map(|d| format!(": {d}")).unwrap_or_default();
        return Err(format!("the IdP's token endpoint answered {} {error}{description}", status.as_u16()));
    }
    let text = |k: &str| body[k].as_str().map(str::to_string);
    Ok(TokenAnswer {
        id_token: text("id_token").unwrap_or_default(),
        access_token: text("access_token"),
        refresh_token: text("refresh_token"),
        expires_in: body["expires_in"].as_i64(),
        scope: text("scope"),
    })
}

/// The IdP's `/userinfo` for an access token; its `sub` must be the ID token's.
pub async fn userinfo(client: &GuardedClient, connection: &Connection, access_token: &str, sub: &str) -> Result<Map<String, Value>, String> {
    let url = connection.options.userinfo_endpoint.as_deref().ok_or("the connection has no userinfo endpoint")?;
    let request = http::Request::get(url)
        .header(http::header::AUTHORIZATION, format!("Bearer {access_token}"))
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| format!("the userinfo request could not be built: {e}"))?;
    let started = std::time::Instant::now();
    let response = client.execute(request).await;
    crate::backend::metrics::upstream_request("userinfo", started, response.as_ref().is_ok_and(|r| r.status().is_success()));
    let response = response.map_err(|e| format!("the IdP's userinfo endpoint could not be reached: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("the IdP's userinfo endpoint answered {}", response.status().as_u16()));
    }
    let claims: Map<String, Value> = serde_json::from_slice(response.body()).map_err(|_| "the IdP's userinfo answer is not a JSON object".to_string())?;
    if claims.get("sub").and_then(Value::as_str) != Some(sub) {
        return Err("the IdP's userinfo sub is not the ID token's sub".into());
    }
    Ok(claims)
}
