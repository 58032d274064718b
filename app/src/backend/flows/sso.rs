//! Single sign-on: an `/authorize` answered from the browser's Tessera session, without a trip
//! to the identity provider, when the session may be used.

use crate::backend::applications;
use crate::backend::provider::{self};
use crate::backend::store::Batch;
use crate::backend::users::{self};
use crate::backend::{logs, AppState, Error, Result};
use super::answer::{error_answer, signed_in, ToApplication};
use super::request::{Authorized, Prompt};

/// What a single sign-on session does for an authorization request.
pub enum SingleSignOn {
    /// Signed in by the session: back to the application with a code or an ID token.
    Done(ToApplication),
    /// `prompt=none` and no usable session: back to the application with `login_required`.
    LoginRequired(ToApplication),
    /// Sign in at an identity provider.
    SignIn,
    /// Signed in by the session, but a third-party application needs the user's consent first.
    Consent(super::consent::ConsentPrompt),
}

/// Uses the browser's Tessera session for `authorized`, when it may: no `prompt=login`, the
/// session's connection is enabled for the application (and is the one asked for, if any), and
/// the session is younger than `max_age`.
pub async fn single_sign_on(state: &AppState, authorized: &Authorized, session_cookie: Option<&str>) -> Result<SingleSignOn> {
    if authorized.prompt == Prompt::Login {
        return Ok(SingleSignOn::SignIn);
    }
    let app = &authorized.request;
    let usable = match provider::sessions::current(state, session_cookie).await? {
        Some(session) => {
            let now_s = state.clock.now().timestamp();
            let fresh = authorized.max_age.is_none_or(|max| now_s - session.auth_time <= max);
            let wanted = authorized.connection.as_ref().is_none_or(|c| c.id == session.connection_id);
            let enabled = fresh && wanted && applications::enabled_connections(state, &app.client_id).await?.contains(&session.connection_id);
            enabled.then_some(session)
        }
        None => None,
    };
    let Some(session) = usable else {
        return Ok(match authorized.prompt {
            Prompt::None => SingleSignOn::LoginRequired(error_answer(app, "login_required", "The user is not signed in (prompt=none needs a session).")),
            _ => SingleSignOn::SignIn,
        });
    };
    let user = match users::get_user(state, &session.user_id).await {
        Ok(user) => user,
        Err(Error::NotFound(_)) => return Ok(SingleSignOn::SignIn),
        Err(e) => return Err(e),
    };
    if super::consent::needed(state, &authorized.app, &user.id, &app.scope).await? {
        if authorized.prompt == Prompt::None {
            return Ok(SingleSignOn::LoginRequired(error_answer(app, "consent_required", "The user has not yet allowed this application (prompt=none shows no consent screen).")));
        }
        let waiting = super::consent::Waiting { app: app.clone(), user_id: user.id.clone(), auth_time: session.auth_time, session_id: session.id.clone() };
        return Ok(SingleSignOn::Consent(super::consent::ask(state, &authorized.app, &waiting).await?));
    }
    let mut batch = Batch::default();
    let answer = signed_in(state, &mut batch, app, &user, session.auth_time, &session.id).await?;
    logs::record_into(&mut batch, state, logs::SUCCESS, "Successful login (single sign-on session)", Some(&session.connection_id), Some(&app.client_id), Some(&user.id));
    batch.run(&state.db).await?;
    Ok(SingleSignOn::Done(answer))
}
