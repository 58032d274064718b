//! Tessera as the OpenID Provider applications talk to: its discovery document and JWKS,
//! authorization codes (single use, 60 s, bound to the application, the redirect_uri and the
//! PKCE challenge; a second use revokes what the first issued), the tokens it signs, and
//! `/userinfo`. The protocol endpoints in the server call these; the login flow issues codes.

pub mod backchannel;
pub mod jwt;
pub mod keys;
pub mod logout;
pub mod machine;
pub mod refresh;
pub mod sessions;

use crate::applications::{Application, ClientAuthMethod};
use crate::backend::crypto::{random_alphanumeric, random_token, sha256_hex};
use crate::backend::store::{Batch, Value as Param};
use crate::backend::users::{self, User};
use crate::backend::{AppState, Error, Result};
use crate::backend::oidc::{FullIdToken, OtherClaims};
pub use crate::backend::oidc::pkce_s256;
use openidconnect::{
    AccessToken, Audience, EndUserEmail, EndUserName, IdTokenClaims, IssuerUrl, LocalizedClaim, Nonce, StandardClaims,
    SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const CODE_TTL_MS: i64 = 60_000;

/// Ends single sign-on sessions and tells the applications that signed in with them and take
/// back-channel logout. Every way a session ends comes here. Returns the sessions that were live.
pub async fn end_sessions(state: &AppState, which: sessions::Ending<'_>) -> Result<Vec<sessions::Session>> {
    let ended = sessions::revoke(state, which).await?;
    backchannel::sessions_ended(state, &ended).await?;
    Ok(ended)
}

/// Claims Tessera sets itself, which a mapping may not override.
const RESERVED: &[&str] = &[
    "iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "auth_time", "at_hash", "c_hash", "azp", "jti", "acr", "amr", "sid",
    "email", "email_verified", "name", "roles", "groups",
];

/// The extra claims for `user`: the mapped profile (with the `profile` scope) and `groups`.
/// A first-party application gets `groups` and `roles` whatever the scope; a third-party one
/// only what the granted scopes allow (with `profile`).
fn mapped_claims(user: &User, scope: &str, first_party: bool) -> OtherClaims {
    let mut claims = serde_json::Map::new();
    let groups_and_roles = first_party || has_scope(scope, "profile");
    if has_scope(scope, "profile") {
        for (k, v) in user.profile.as_object().into_iter().flatten() {
            if !RESERVED.contains(&k.as_str()) && !v.is_null() {
                claims.insert(k.clone(), v.clone());
            }
        }
    }
    if groups_and_roles && !user.groups.is_empty() {
        claims.insert("groups".into(), json!(user.groups));
    }
    if groups_and_roles && !user.roles.is_empty() {
        claims.insert("roles".into(), json!(user.roles));
    }
    OtherClaims { claims }
}
pub const TOKEN_TTL_S: i64 = 3600;

/// `{public}/`: Tessera's issuer, with the trailing slash Auth0 uses.
pub fn issuer(state: &AppState) -> String {
    format!("{}/", state.env.public_base())
}

/// `/.well-known/openid-configuration`.
pub fn discovery_document(state: &AppState) -> Value {
    let base = state.env.public_base();
    json!({
        "issuer": issuer(state),
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "response_types_supported": ["code", "id_token"],
        "response_modes_supported": ["query", "form_post"],
        "end_session_endpoint": format!("{base}/oidc/logout"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "implicit"],
        "prompt_values_supported": ["none", "login"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "email", "email_verified", "name", "groups", "roles"],
    })
}

/// `/.well-known/jwks.json`: every published key's public half, read fresh so a rotation on
/// any replica shows at once (the keys are made first if the database has none yet).
pub async fn jwks(state: &AppState) -> Result<Value> {
    state.signing_keys.load(&state.db, &state.clock, &state.env.master_key).await?;
    keys::SigningKeys::jwks(&state.db, &state.clock).await
}

/// What an authorization code stands for.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CodeRequest {
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    /// S256 challenge; required for public clients.
    pub code_challenge: Option<String>,
    /// When the user authenticated at the IdP (seconds).
    pub auth_time: i64,
    /// The single sign-on session the code was issued in: the ID token's `sid`.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The user as the sign-in left them, for the tokens the code is redeemed for (so
    /// `/oauth/token` need not read them again; it still checks they exist and are active).
    #[serde(default)]
    pub user: Option<User>,
}

/// Issues a code for `user`, signed in, written with the other writes of `batch`; the
/// application redeems it at `/oauth/token`.
pub fn issue_code_into(batch: &mut Batch, state: &AppState, client_id: &str, user: &User, mut request: CodeRequest) -> Result<String> {
    let code = random_alphanumeric(43);
    let now = state.clock.now_ms();
    request.user = Some(user.clone());
    batch.push(
        "INSERT INTO authorization_codes (code_hash, client_id, user_id, request, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            sha256_hex(&code).into(),
            client_id.into(),
            user.id.clone().into(),
            serde_json::to_string(&request).map_err(Error::internal)?.into(),
            now.into(),
            (now + CODE_TTL_MS).into(),
        ],
    );
    Ok(code)
}

/// An OAuth 2.0 error from the token or userinfo endpoint (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        OAuthError { error, description: description.into() }
    }
}

/// The token endpoint's answer.
#[derive(Debug, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub id_token: String,
    /// With the `offline_access` scope, for an application allowed the refresh_token grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
}

/// What tokens are issued for, whichever grant it came from.
struct TokenGrant<'a> {
    scope: &'a str,
    nonce: Option<&'a str>,
    auth_time: i64,
    session_id: Option<&'a str>,
    /// The authorization code redeemed: taken by the same transaction that writes these tokens,
    /// and kept with them (so its second use can revoke them).
    code_hash: Option<&'a str>,
    /// The refresh-token family continued (refresh grant).
    family: Option<&'a refresh::Family>,
}

/// Redeems an authorization code. Every check failing is an `invalid_grant` naming the rule; a
/// code presented a second time also revokes the tokens its first use issued.
pub async fn redeem_code(
    state: &AppState,
    app: &Application,
    code: &str,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
) -> Result<std::result::Result<Tokens, OAuthError>> {
    let code_hash = sha256_hex(code);
    let now = state.clock.now_ms();
    // Read, with whether its user is still there and active (NULL: deleted); taken below, with
    // the tokens' writes, or at once when a check refuses it.
    let found: Option<(String, String, String, i64, bool, Option<bool>)> = state
        .db
        .fetch_optional(
            "SELECT client_id, user_id, request, expires_at, used_at IS NOT NULL, (SELECT active FROM users WHERE users.id = authorization_codes.user_id)
             FROM authorization_codes WHERE code_hash = $1",
            &[code_hash.as_str().into()],
        )
        .await?;
    let Some((client_id, user_id, request, expires_at, false, user_active)) = found else {
        return Ok(Err(used_again(state, app, &code_hash).await?));
    };
    let request: CodeRequest = serde_json::from_str(&request).map_err(Error::internal)?;
    let refusal = if client_id != app.client_id {
        Some("The authorization code was issued to another application.")
    } else if expires_at <= now {
        Some("The authorization code is invalid, expired or already used.")
    } else if redirect_uri != Some(request.redirect_uri.as_str()) {
        Some("redirect_uri must be the one sent to /authorize.")
    } else {
        match (&request.code_challenge, code_verifier) {
            (Some(challenge), Some(verifier)) if pkce_s256(verifier) == *challenge => None,
            (Some(_), Some(_)) => Some("code_verifier does not match the code_challenge."),
            (Some(_), None) => Some("code_verifier is required: the authorization request had a code_challenge."),
            (None, Some(_)) => Some("code_verifier was sent but the authorization request had no code_challenge."),
            (None, None) if app.token_endpoint_auth_method == ClientAuthMethod::None => Some("A public client must use PKCE."),
            (None, None) => None,
        }
    };
    let refusal = refusal.or(match user_active {
        None => Some("The user no longer exists."),
        Some(false) => Some("The user was deactivated."),
        Some(true) => None,
    });
    if let Some(reason) = refusal {
        // A code is used once, whether or not its use succeeds.
        state.db.execute(TAKE_CODE, &[code_hash.as_str().into(), now.into()]).await?;
        return Ok(Err(OAuthError::new("invalid_grant", reason)));
    }
    let user = match request.user.clone() {
        Some(user) if user.id == user_id => user,
        _ => users::get_user(state, &user_id).await?,
    };
    let grant = TokenGrant {
        scope: &request.scope,
        nonce: request.nonce.as_deref(),
        auth_time: request.auth_time,
        session_id: request.session_id.as_deref(),
        code_hash: Some(&code_hash),
        family: None,
    };
    match issue_tokens(state, app, &user, &grant).await? {
        Some(tokens) => Ok(Ok(tokens)),
        // Redeemed by another request since it was read: as a second use.
        None => Ok(Err(used_again(state, app, &code_hash).await?)),
    }
}

/// Takes an authorization code: it counts as used from then on.
const TAKE_CODE: &str = "UPDATE authorization_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL";

/// A code presented again (or never issued): whoever did may hold what its first use issued.
/// Its refresh-token families go (with every access token they produced), then its own access
/// tokens.
async fn used_again(state: &AppState, app: &Application, code_hash: &str) -> Result<OAuthError> {
    let families = refresh::revoke_for_code(state, code_hash).await?;
    let revoked = state.db.execute("UPDATE access_tokens SET revoked = TRUE WHERE code_hash = $1", &[code_hash.into()]).await?;
    if revoked > 0 || families > 0 {
        tracing::warn!(client_id = %app.client_id, revoked, families, "an authorization code was used twice: its tokens are revoked");
    }
    Ok(OAuthError::new("invalid_grant", "The authorization code is invalid, expired or already used."))
}

/// The refresh_token grant: takes the token (rotation), and issues new tokens in its family.
/// `scope`, when sent, may only narrow what was granted.
pub async fn refresh(state: &AppState, app: &Application, token: &str, scope: Option<&str>) -> Result<std::result::Result<Tokens, OAuthError>> {
    if !app.grant_types.contains(&crate::applications::GrantType::RefreshToken) {
        return Ok(Err(OAuthError::new("unauthorized_client", "The application may not use the refresh_token grant.")));
    }
    let grant = match refresh::take(state, &app.client_id, token).await? {
        Ok(g) => g,
        Err(e) => return Ok(Err(e)),
    };
    let scope = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) if asked.split_whitespace().all(|s| has_scope(&grant.scope, s)) => asked.to_string(),
        Some(_) => return Ok(Err(OAuthError::new("invalid_scope", "scope may only name scopes the refresh token was granted."))),
        None => grant.scope.clone(),
    };
    let user = match users::get_user(state, &grant.user_id).await {
        Ok(u) if u.active => u,
        Ok(_) => return Ok(Err(OAuthError::new("invalid_grant", "The user was deactivated."))),
        Err(Error::NotFound(_)) => return Ok(Err(OAuthError::new("invalid_grant", "The user no longer exists."))),
        Err(e) => return Err(e),
    };
    let tokens = TokenGrant {
        scope: &scope,
        nonce: None,
        auth_time: grant.auth_time,
        session_id: grant.session_id.as_deref(),
        code_hash: None,
        family: Some(&grant.family),
    };
    let issued = issue_tokens(state, app, &user, &tokens).await?;
    Ok(Ok(issued.ok_or_else(|| Error::internal("tokens redeeming no code are always written"))?))
}

fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split_whitespace().any(|s| s == wanted)
}

/// The ID token's claims and signature for `user` signing in to `app`: the standard claims the
/// scope allows, the mapped profile, `groups`, `sid`, `auth_time` and `nonce`; `at_hash` when an
/// access token goes with it.
fn sign_id_token(state: &AppState, keys: &keys::LoadedKeys, app: &Application, user: &User, grant: &TokenGrant<'_>, access_token: Option<&str>) -> Result<String> {
    let signer = keys.for_application(app);
    let now = state.clock.now();
    let expires = now + chrono::Duration::seconds(TOKEN_TTL_S);
    let mut standard = StandardClaims::new(SubjectIdentifier::new(user.id.clone()));
    if has_scope(grant.scope, "email") {
        standard = standard.set_email(user.email.clone().map(EndUserEmail::new)).set_email_verified(Some(user.email_verified));
    }
    if has_scope(grant.scope, "profile") {
        standard = standard.set_name(user.name.clone().map(|n| LocalizedClaim::from(EndUserName::new(n))));
    }
    let issuer_url = IssuerUrl::new(issuer(state)).map_err(Error::internal)?;
    let mut extra = mapped_claims(user, grant.scope, app.is_first_party);
    if let Some(sid) = grant.session_id {
        extra.claims.insert("sid".into(), json!(sid));
    }
    let mut id_claims = IdTokenClaims::new(issuer_url, vec![Audience::new(app.client_id.clone())], expires, now, standard, extra)
        .set_auth_time(chrono::DateTime::from_timestamp(grant.auth_time, 0));
    if let Some(nonce) = grant.nonce {
        id_claims = id_claims.set_nonce(Some(Nonce::new(nonce.to_string())));
    }
    let access_token = access_token.map(|t| AccessToken::new(t.to_string()));
    let id_token = FullIdToken::new(id_claims, &signer.key, signer.key.jws_alg(), access_token.as_ref(), None).map_err(Error::internal)?;
    Ok(id_token.to_string())
}

/// `response_type=id_token`: the ID token alone (no access token, so no `at_hash`), for the
/// application to receive by form post.
pub async fn implicit_id_token(state: &AppState, app: &Application, user: &User, request: &CodeRequest) -> Result<String> {
    let keys = state.signing_keys.load(&state.db, &state.clock, &state.env.master_key).await?;
    let grant = TokenGrant {
        scope: &request.scope,
        nonce: request.nonce.as_deref(),
        auth_time: request.auth_time,
        session_id: request.session_id.as_deref(),
        code_hash: None,
        family: None,
    };
    sign_id_token(state, &keys, app, user, &grant, None)
}

const ACCESS_TOKEN: &str =
    "INSERT INTO access_tokens (token_hash, code_hash, client_id, user_id, scope, expires_at, family_id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
const ACCESS_TOKEN_OF_FAMILY: &str = concat!(
    "INSERT INTO access_tokens (token_hash, code_hash, client_id, user_id, scope, expires_at, family_id) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE ",
    "EXISTS (SELECT 1 FROM refresh_families f JOIN users u ON u.id = f.user_id WHERE f.id = $7 AND NOT f.revoked AND u.active)"
);

/// Signs an ID token (as the application chose) and issues an opaque access token for
/// `/userinfo` (as Auth0 does when no API audience is asked for: the token only works at
/// Tessera, which finds it by its hash, so a JWT would cost a signature and say nothing anyone
/// checks), and a refresh token when `offline_access` was granted to an application allowed to
/// refresh.
async fn issue_tokens(state: &AppState, app: &Application, user: &User, grant: &TokenGrant<'_>) -> Result<Option<Tokens>> {
    let keys = state.signing_keys.load(&state.db, &state.clock, &state.env.master_key).await?;
    let now = state.clock.now();
    let expires = now + chrono::Duration::seconds(TOKEN_TTL_S);
    let access_token = random_token();
    let id_token = sign_id_token(state, &keys, app, user, grant, Some(&access_token))?;

    let offline = has_scope(grant.scope, "offline_access") && app.grant_types.contains(&crate::applications::GrantType::RefreshToken);
    let access_values = |family: Option<&refresh::Family>| -> Vec<Param> {
        vec![
            sha256_hex(&access_token).into(),
            grant.code_hash.into(),
            app.client_id.as_str().into(),
            user.id.as_str().into(),
            grant.scope.into(),
            expires.timestamp_millis().into(),
            family.map(|f| f.id.clone()).into(),
        ]
    };
    // With a refresh token, its writes go with the access token's, each only while the family
    // lives. A code is taken with them: all are written, or none when another request took it.
    let mut batch = Batch::default();
    let refresh = offline.then(|| refresh::issue_into(&mut batch, state, &app.client_id, &user.id, grant.session_id, grant.scope, grant.auth_time, grant.family));
    match &refresh {
        Some((_, family)) => batch.push(ACCESS_TOKEN_OF_FAMILY, access_values(Some(family))),
        None => batch.push(ACCESS_TOKEN, access_values(None)),
    }
    match grant.code_hash {
        Some(code_hash) => {
            if !batch.run_if(&state.db, TAKE_CODE, &[code_hash.into(), state.clock.now_ms().into()]).await? {
                return Ok(None);
            }
        }
        None => batch.run(&state.db).await?,
    }
    Ok(Some(Tokens {
        access_token,
        token_type: "Bearer",
        expires_in: TOKEN_TTL_S,
        id_token,
        refresh_token: refresh.map(|(token, _)| token),
        scope: grant.scope.to_string(),
    }))
}

/// Removes day-old codes and access tokens, ended single sign-on sessions and expired
/// refresh-token families (run periodically by the server).
pub async fn prune(state: &AppState) -> Result<u64> {
    let day_ago = state.clock.now_ms() - 24 * 3600 * 1000;
    let codes = state.db.execute("DELETE FROM authorization_codes WHERE expires_at <= $1", &[day_ago.into()]).await?;
    let tokens = state.db.execute("DELETE FROM access_tokens WHERE expires_at <= $1", &[day_ago.into()]).await?;
    let assertions = state.db.execute("DELETE FROM client_assertions WHERE expires_at <= $1", &[(state.clock.now_ms()).into()]).await?;
    let keys = keys::SigningKeys::prune(&state.db, &state.clock).await?;
    Ok(codes + tokens + assertions + keys + sessions::prune(state).await? + refresh::prune(state).await?)
}

/// Revokes a token `client_id` holds (RFC 7009): a refresh token with its family, or an access
/// token. True when something was revoked; an unknown token is not an error.
pub async fn revoke(state: &AppState, client_id: &str, token: &str) -> Result<bool> {
    if refresh::revoke_token(state, client_id, token).await? {
        return Ok(true);
    }
    let n = state.db.execute(
        "UPDATE access_tokens SET revoked = TRUE WHERE token_hash = $1 AND client_id = $2",
        &[(sha256_hex(token)).into(), client_id.into()],
    ).await?;
    Ok(n > 0)
}

/// `/userinfo`: the claims an access token may see ([`userinfo_claims`]), or `invalid_token`.
pub async fn userinfo(state: &AppState, access_token: &str) -> Result<std::result::Result<Value, OAuthError>> {
    let token_hash = sha256_hex(access_token);
    // The token with its user in one query; without a user, the token alone says why.
    let (scope, user, first_party) = match users::for_access_token(state, &token_hash).await? {
        Some(t) if !t.revoked && t.expires_at > state.clock.now_ms() && t.user.active => (t.scope, t.user, t.first_party),
        Some(t) if t.revoked => return Ok(Err(OAuthError::new("invalid_token", "The access token was revoked."))),
        // Deactivating a user revokes their tokens; one issued by a redemption racing that
        // deactivation is refused here all the same.
        Some(t) if t.expires_at > state.clock.now_ms() => return Ok(Err(OAuthError::new("invalid_token", "The user was deactivated."))),
        Some(_) => return Ok(Err(OAuthError::new("invalid_token", "The access token expired."))),
        None => {
            let found: Option<(i64, bool)> = state.db.fetch_optional(
                "SELECT expires_at, revoked FROM access_tokens WHERE token_hash = $1",
                &[(&token_hash).into()],
            ).await?;
            let why = match found {
                Some((_, true)) => "The access token was revoked.",
                Some((expires_at, false)) if expires_at <= state.clock.now_ms() => "The access token expired.",
                Some(_) => "The user was deleted.",
                None => "The access token is not one Tessera issued.",
            };
            return Ok(Err(OAuthError::new("invalid_token", why)));
        }
    };
    Ok(Ok(userinfo_claims(&user, &scope, first_party)))
}

/// What `/userinfo` answers for `user` and the token's `scope`: the same user claims the ID
/// token carries for that scope (`email` and `email_verified` only with `email`; the name and
/// the mapped profile only with `profile`; `groups` and `roles` as Tessera merged them).
fn userinfo_claims(user: &User, scope: &str, first_party: bool) -> Value {
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), json!(user.id));
    if has_scope(scope, "email") {
        if let Some(email) = &user.email {
            claims.insert("email".into(), json!(email));
        }
        claims.insert("email_verified".into(), json!(user.email_verified));
    }
    if has_scope(scope, "profile") {
        if let Some(name) = &user.name {
            claims.insert("name".into(), json!(name));
        }
    }
    claims.extend(mapped_claims(user, scope, first_party).claims);
    Value::Object(claims)
}
