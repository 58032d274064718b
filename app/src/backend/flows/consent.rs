//! Consent for third-party applications (Auth0's `is_first_party: false`): the first time a user
//! signs in to one, they see its name and the scopes it asks for, and Allow or Deny. An Allow is
//! kept as a user grant ([`users::grants`]). While the screen is shown, the signed-in request
//! waits here: sealed with the master key, single use, ten minutes, bound to the browser by a
//! cookie, so any replica can take the answer. Allow sends the application its code (or ID
//! token) for that sign-in; Deny sends it `access_denied`.

use super::answer::{error_answer, signed_in, AppRequest, ToApplication};
use crate::applications::Application;
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::Batch;
use crate::backend::users::{self, grants};
use crate::backend::{logs, AppState, Error, Result};
use serde::{Deserialize, Serialize};

/// How long the consent screen may stay open.
pub const CONSENT_TTL_MS: i64 = 10 * 60 * 1000;

/// What the consent screen shows, and the token its form sends back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentPrompt {
    pub token: String,
    /// Set as a cookie: the answer must come from the browser that signed in.
    pub browser_token: String,
    pub application: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
}

/// The signed-in request a consent screen holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Waiting {
    pub app: AppRequest,
    pub user_id: String,
    pub auth_time: i64,
    pub session_id: String,
}

fn context(token_hash: &str) -> String {
    format!("consent:{token_hash}")
}

/// Whether `user_id` must consent before `application` gets what `scope` asks for: a
/// third-party application without a grant that covers every scope asked for.
pub async fn needed(state: &AppState, application: &Application, user_id: &str, scope: &str) -> Result<bool> {
    if application.is_first_party {
        return Ok(false);
    }
    let granted = grants::granted(state, user_id, &application.client_id).await?;
    Ok(!grants::scopes(scope).iter().all(|s| granted.contains(s)))
}

/// Holds `waiting` for the consent screen of `application`.
pub async fn ask(state: &AppState, application: &Application, waiting: &Waiting) -> Result<ConsentPrompt> {
    let token = random_alphanumeric(32);
    let browser_token = random_alphanumeric(32);
    let token_hash = sha256_hex(&token);
    let sealed = state.env.master_key.encrypt(&context(&token_hash), &serde_json::to_string(waiting).map_err(Error::internal)?)?;
    let now = state.clock.now_ms();
    state
        .db
        .execute(
            "INSERT INTO consent_requests (token_hash, browser_hash, request, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[token_hash.into(), sha256_hex(&browser_token).into(), sealed.into(), now.into(), (now + CONSENT_TTL_MS).into()],
        )
        .await?;
    Ok(ConsentPrompt { token, browser_token, application: application.name.clone(), scopes: grants::scopes(&waiting.app.scope), redirect_uri: waiting.app.redirect_uri.clone() })
}

/// Takes back the request a consent screen held: once, from the browser it was shown in, within
/// ten minutes. `None` when any of that fails.
pub async fn take(state: &AppState, token: &str, browser_token: Option<&str>) -> Result<Option<Waiting>> {
    let token_hash = sha256_hex(token);
    let row: Option<(String, String, i64)> = state
        .db
        .fetch_optional("DELETE FROM consent_requests WHERE token_hash = $1 RETURNING browser_hash, request, expires_at", &[token_hash.as_str().into()])
        .await?;
    let Some((browser_hash, sealed, expires_at)) = row else { return Ok(None) };
    if browser_token.is_none_or(|b| sha256_hex(b) != browser_hash) || expires_at <= state.clock.now_ms() {
        return Ok(None);
    }
    let plain = state.env.master_key.decrypt(&context(&token_hash), &sealed)?;
    Ok(Some(serde_json::from_str(plain.expose()).map_err(Error::internal)?))
}

/// The answer to a consent screen. `None` when its token is unknown, used, expired or from
/// another browser.
pub async fn answer_consent(state: &AppState, token: &str, browser_token: Option<&str>, allow: bool) -> Result<Option<ToApplication>> {
    let Some(waiting) = take(state, token, browser_token).await? else { return Ok(None) };
    let app = &waiting.app;
    if !allow {
        logs::record(state, logs::FAILURE, "The user did not allow the application (consent denied)", None, Some(&app.client_id), Some(&waiting.user_id)).await;
        return Ok(Some(error_answer(app, "access_denied", "The user did not allow the application.")));
    }
    let user = match users::get_user(state, &waiting.user_id).await {
        Ok(u) if u.active => u,
        Ok(_) | Err(Error::NotFound(_)) => return Ok(Some(error_answer(app, "access_denied", "The user can no longer sign in."))),
        Err(e) => return Err(e),
    };
    // The session the consent screen was shown for may have ended meanwhile (the user logged
    // out, an admin or SCIM revoked it): no code for a session that is gone.
    if !crate::backend::provider::sessions::is_live(state, &waiting.session_id).await? {
        return Ok(Some(error_answer(app, "access_denied", "The sign-in session ended before consent was given: sign in again.")));
    }
    grants::grant(state, &user.id, &app.client_id, &app.scope).await?;
    let mut batch = Batch::default();
    let answer = signed_in(state, &mut batch, app, &user, waiting.auth_time, &waiting.session_id).await?;
    logs::record_into(&mut batch, state, logs::SUCCESS, "Consent given to a third-party application", None, Some(&app.client_id), Some(&user.id));
    batch.run(&state.db).await?;
    Ok(Some(answer))
}

/// Forgets consent screens that were never answered.
pub async fn prune(state: &AppState) -> Result<u64> {
    state.db.execute("DELETE FROM consent_requests WHERE expires_at <= $1", &[state.clock.now_ms().into()]).await
}
