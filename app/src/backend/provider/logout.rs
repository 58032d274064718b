//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at `/oidc/logout`: ends the
//! browser's Tessera session (and the one `id_token_hint`'s `sid` names), then goes back to the
//! application only through one of its Allowed Logout URLs. A request without an
//! `id_token_hint` may come from any page on the web, so the user confirms it first
//! ([`CheckedLogout::hinted`], [`confirmation`]); the server shows the confirmation.

use super::{issuer, jwks};
use crate::backend::oidc::FullIdToken;
use crate::backend::{applications, logs, AppState, Error, Result};
use openidconnect::core::{CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{ClientId, IssuerUrl, Nonce};
use serde_json::Value;
use std::str::FromStr;

/// The parameters of `/oidc/logout`, as sent.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct LogoutParams {
    pub id_token_hint: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub client_id: Option<String>,
}

/// Where the browser goes once signed out.
#[derive(Debug, PartialEq)]
pub enum LoggedOut {
    /// The application's post-logout redirect URI (with `state`).
    Redirect(String),
    /// Tessera's own "You are signed out" page.
    Page,
}

/// The claims of an ID token Tessera signed, checked against its own keys and issuer; its
/// expiry is not checked (an `id_token_hint` is usually an old token). `None` when it is not one.
pub async fn own_id_token_claims(state: &AppState, token: &str) -> Result<Option<serde_json::Map<String, Value>>> {
    let Ok(parsed) = FullIdToken::from_str(token) else { return Ok(None) };
    let keys: CoreJsonWebKeySet = serde_json::from_value(jwks(state).await?).map_err(Error::internal)?;
    let issuer = IssuerUrl::new(issuer(state)).map_err(Error::internal)?;
    let verifier = CoreIdTokenVerifier::new_public_client(ClientId::new(String::new()), issuer, keys)
        .require_audience_match(false)
        .set_allowed_algs([CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, CoreJwsSigningAlgorithm::EcdsaP256Sha256])
        .set_time_fn(|| chrono::DateTime::UNIX_EPOCH);
    let no_nonce = |_: Option<&Nonce>| Ok(());
    Ok(parsed.claims(&verifier, no_nonce).ok().and_then(|c| serde_json::to_value(c).ok()).and_then(|v| v.as_object().cloned()))
}

/// A logout request whose parameters passed every check, not yet carried out.
#[derive(Debug)]
pub struct CheckedLogout {
    hint: Option<serde_json::Map<String, Value>>,
    client_id: Option<String>,
    redirect: Option<String>,
    state: Option<String>,
}

impl CheckedLogout {
    /// Whether the request carried an `id_token_hint` Tessera issued: a request an application
    /// made for its user. Without one, anyone could have linked here, and the user confirms.
    pub fn hinted(&self) -> bool {
        self.hint.is_some()
    }

    /// Where the browser goes once signed out, if the request said (an Allowed Logout URL).
    pub fn redirect_uri(&self) -> Option<&str> {
        self.redirect.as_deref()
    }
}

/// The token a confirmation form carries: only a page that knew the browser's single sign-on
/// cookie can make it, so a cross-site form cannot confirm for the user.
pub fn confirmation(session_cookie: &str) -> String {
    crate::backend::crypto::sha256_hex(&format!("logout:{session_cookie}"))
}

/// Ends the session and says where to go. `Err` is the reason shown on an error page (nothing
/// is redirected to a URI that is not an Allowed Logout URL).
pub async fn logout(state: &AppState, p: &LogoutParams, session_cookie: Option<&str>) -> Result<std::result::Result<LoggedOut, String>> {
    match check(state, p).await? {
        Ok(checked) => Ok(Ok(finish(state, checked, session_cookie).await?)),
        Err(reason) => Ok(Err(reason)),
    }
}

/// Checks a logout request's parameters. `Err` is the reason shown on an error page.
pub async fn check(state: &AppState, p: &LogoutParams) -> Result<std::result::Result<CheckedLogout, String>> {
    let hint = match p.id_token_hint.as_deref().filter(|h| !h.is_empty()) {
        Some(h) => match own_id_token_claims(state, h).await? {
            Some(claims) => Some(claims),
            None => return Ok(Err("id_token_hint is not an ID token Tessera issued.".into())),
        },
        None => None,
    };
    let hinted_client = hint.as_ref().and_then(|c| match c.get("aud") {
        Some(Value::String(a)) => Some(a.clone()),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    });
    let client_id = match (hinted_client, p.client_id.clone().filter(|c| !c.is_empty())) {
        (Some(h), Some(c)) if h != c => return Ok(Err("client_id is not the audience of id_token_hint.".into())),
        (h, c) => h.or(c),
    };
    let app = match &client_id {
        Some(id) => match applications::get_application(state, id).await {
            Ok(app) => Some(app),
            Err(Error::NotFound(_)) => return Ok(Err(format!("There is no application with client_id {id:?}."))),
            Err(e) => return Err(e),
        },
        None => None,
    };
    let redirect = match (p.post_logout_redirect_uri.as_deref().filter(|u| !u.is_empty()), &app) {
        (None, _) => None,
        (Some(_), None) => return Ok(Err("post_logout_redirect_uri needs id_token_hint or client_id to know the application.".into())),
        (Some(uri), Some(app)) if app.allowed_logout_urls.iter().any(|u| u == uri) => Some(uri.to_string()),
        (Some(uri), Some(_)) => {
            return Ok(Err(format!("post_logout_redirect_uri {uri:?} is not one of the application's Allowed Logout URLs.")));
        }
    };

    Ok(Ok(CheckedLogout { hint, client_id, redirect, state: p.state.clone() }))
}

/// Carries out a checked logout: ends the browser's session (and the one the hint's `sid`
/// names), logs it, and says where to go.
pub async fn finish(state: &AppState, checked: CheckedLogout, session_cookie: Option<&str>) -> Result<LoggedOut> {
    let CheckedLogout { hint, client_id, redirect, state: app_state } = checked;
    use super::{end_sessions, sessions::Ending};
    let mut ended = None;
    if let Some(cookie) = session_cookie {
        ended = end_sessions(state, Ending::Cookie(cookie)).await?.into_iter().next();
    }
    let claim = |name: &str| hint.as_ref().and_then(|c| c.get(name)).and_then(Value::as_str);
    if let (Some(sub), Some(sid)) = (claim("sub"), claim("sid")) {
        end_sessions(state, Ending::One { user_id: sub, id: sid }).await?;
    }
    let user_id = ended.as_ref().map(|s| s.user_id.clone()).or_else(|| claim("sub").map(str::to_string));
    let connection_id = ended.as_ref().map(|s| s.connection_id.clone());
    // A visit with neither a session nor a hint signed nobody out: nothing to log.
    if user_id.is_some() {
        logs::record(state, logs::LOGOUT, "Successful logout", connection_id.as_deref(), client_id.as_deref(), user_id.as_deref()).await;
    }

    Ok(match redirect {
        Some(uri) => {
            let mut url = url::Url::parse(&uri).map_err(Error::internal)?;
            if let Some(s) = app_state.as_deref() {
                url.query_pairs_mut().append_pair("state", s);
            }
            LoggedOut::Redirect(url.to_string())
        }
        None => LoggedOut::Page,
    })
}
