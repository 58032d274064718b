//! Finishing a login at `/login/callback`: the state taken back, the ID token got and verified,
//! the user upserted, the outcome logged and, for an application, Tessera's code issued.

use super::answer::{error_answer, signed_in, ToApplication};
use super::start::{pending_context, Pending, SetupTest};
use crate::backend::upstream;
use super::verify;
use crate::backend::connections::{self, ForSignIn};
use crate::backend::crypto::sha256_hex;
use crate::backend::provider;
use crate::backend::store::Batch;
use crate::backend::users::{self, User};
use crate::backend::{logs, AppState, Error, Result};
use crate::connections::options::Channel;
use crate::connections::Connection;
use serde::Deserialize;
use serde_json::{Map, Value};

/// What the IdP sent back to `/login/callback` (query or form).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CallbackParams {
    pub state: Option<String>,
    pub code: Option<String>,
    pub id_token: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// A finished login.
pub enum Finished {
    /// Send the browser back to the application with Tessera's code or ID token; `session` is
    /// the secret of the single sign-on session the login opened (the cookie's value), which
    /// lives `session_max_age_s`.
    ToApplication { answer: ToApplication, session: String, session_max_age_s: i64 },
    /// "Try": show the profile and the raw claims. For a setup link's test, `setup` says which
    /// link and the way back (the caller records the test on the link).
    Tried { connection: Connection, user: User, claims: Map<String, Value>, setup: Option<SetupTest>, notes: Vec<String> },
    /// Signed in to Tessera, but a third-party application needs the user's consent first: show
    /// the consent screen (and set the single sign-on session, which exists already).
    Consent { prompt: super::consent::ConsentPrompt, session: String, session_max_age_s: i64 },
}

/// A failed login: the named reason, and where the application hears of it (when there is one).
#[derive(Debug)]
pub struct Failed {
    pub reason: String,
    pub to_application: Option<ToApplication>,
    pub connection_name: Option<String>,
    /// A setup link's test: the screens to go back to.
    pub setup_return: Option<String>,
}

/// A login taken back from the database by its state: what it was for and where it went.
struct Taken {
    pending: Pending,
    client_id: Option<String>,
    browser_hash: String,
    expires_at: i64,
    found: ForSignIn,
}

impl Taken {
    /// A refusal: logged with the connection, and told to the application when there is one.
    async fn refuse(&self, state: &AppState, reason: String) -> Failed {
        let connection = &self.found.connection;
        logs::record(state, logs::FAILURE, &reason, Some(&connection.id), self.client_id.as_deref(), None).await;
        let to_application = self.pending.app.as_ref().map(|a| error_answer(a, "access_denied", &reason));
        failed(reason, to_application, Some(connection.name.clone()), self.setup_return())
    }

    fn setup_return(&self) -> Option<String> {
        self.pending.setup.as_ref().map(|s| s.return_to.clone())
    }
}

fn failed(reason: String, to_application: Option<ToApplication>, connection_name: Option<String>, setup_return: Option<String>) -> Failed {
    Failed { reason, to_application, connection_name, setup_return }
}

/// Finishes a login at `/login/callback`. `browser_token` is the binding cookie, if the browser
/// sent it. The steps: take the login back by its state, check the IdP's answer belongs to this
/// browser and came in time, get the ID token (posted, or from the token endpoint), verify it,
/// complete the profile from `/userinfo` when needed, store the user, and sign them in.
pub async fn finish_login(state: &AppState, params: &CallbackParams, browser_token: Option<&str>) -> Result<std::result::Result<Finished, Failed>> {
    let taken = match take(state, params).await? {
        Ok(taken) => taken,
        Err(refused) => return Ok(Err(refused)),
    };
    match finish_taken(state, &taken, params, browser_token).await? {
        Ok(finished) => Ok(Ok(finished)),
        Err(reason) => Ok(Err(taken.refuse(state, reason).await)),
    }
}

/// The login the IdP's `state` names, taken (not read: a state works once, whatever happens
/// next), with its connection.
async fn take(state: &AppState, params: &CallbackParams) -> Result<std::result::Result<Taken, Failed>> {
    let Some(upstream_state) = params.state.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(Err(failed("the identity provider's answer has no state".into(), None, None, None)));
    };
    let state_hash = sha256_hex(upstream_state);
    // One connection for the reads before the IdP is asked (another for the writes after).
    let pinned = state.pinned().await?;
    let taken: Option<(String, String, Option<String>, String, i64)> = pinned
        .db
        .fetch_optional(
            "DELETE FROM login_transactions WHERE state_hash = $1 RETURNING browser_hash, connection_id, client_id, request, expires_at",
            &[state_hash.as_str().into()],
        )
        .await?;
    let Some((browser_hash, connection_id, client_id, sealed, expires_at)) = taken else {
        let reason = "the state is unknown or was already used (start the sign-in again)".to_string();
        logs::record(state, logs::FAILURE, &reason, None, None, None).await;
        return Ok(Err(failed(reason, None, None, None)));
    };
    let pending: Pending = {
        let plain = state.env.master_key.decrypt(&pending_context(&state_hash), &sealed)?;
        serde_json::from_str(plain.expose()).map_err(Error::internal)?
    };
    match connections::for_sign_in(&pinned, &connection_id).await {
        Ok(found) => Ok(Ok(Taken { pending, client_id, browser_hash, expires_at, found })),
        Err(Error::NotFound(_)) => {
            let reason = "the connection was deleted during the sign-in".to_string();
            let to_application = pending.app.as_ref().map(|a| error_answer(a, "access_denied", &reason));
            let setup_return = pending.setup.as_ref().map(|s| s.return_to.clone());
            logs::record(state, logs::FAILURE, &reason, Some(&connection_id), pending.app.as_ref().map(|a| a.client_id.as_str()), None).await;
            Ok(Err(failed(reason, to_application, None, setup_return)))
        }
        Err(e) => Err(e),
    }
}

/// Every step after the state was taken; `Err` is the refusal's reason.
async fn finish_taken(state: &AppState, taken: &Taken, params: &CallbackParams, browser_token: Option<&str>) -> Result<std::result::Result<Finished, String>> {
    if let Err(reason) = check_answer(state, taken, params, browser_token) {
        return Ok(Err(reason));
    }
    let secret = client_secret(state, &taken.found)?;
    let tokens = match receive_id_token(state, taken, params).await? {
        Ok(tokens) => tokens,
        Err(reason) => return Ok(Err(reason)),
    };
    let (id_token, access_token) = (tokens.id_token.clone(), tokens.access_token.clone());
    let connection = &taken.found.connection;
    let back_channel = connection.options.channel == Channel::BackChannel;
    let expected = verify::Expected {
        connection,
        client_secret: secret.as_deref(),
        nonce: &taken.pending.nonce,
        access_token: access_token.as_deref(),
        code: params.code.as_deref().filter(|_| back_channel),
        back_channel,
    };
    let client = state.discovery.client();
    let claims = match verify::verify_id_token(&state.jwks_cache, client, &state.clock, &id_token, &expected).await {
        Ok(c) => c,
        Err(reason) => return Ok(Err(reason)),
    };
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or_default().to_string();
    let userinfo = match userinfo_if_needed(state, connection, &claims, access_token.as_deref(), &sub).await {
        Ok(u) => u,
        Err(reason) => return Ok(Err(reason)),
    };
    let profile = users::map_profile(connection, &claims, userinfo.as_ref());
    let user = match store_user(state, &taken.found, &sub, claims.get("oid").and_then(Value::as_str), profile).await? {
        Ok(user) => user,
        Err(reason) => return Ok(Err(reason)),
    };
    sign_in(state, taken, user, claims, &tokens).await.map(Ok)
}

/// The IdP's answer is for this browser, in time, and not an error.
fn check_answer(state: &AppState, taken: &Taken, params: &CallbackParams, browser_token: Option<&str>) -> std::result::Result<(), String> {
    if taken.expires_at <= state.clock.now_ms() {
        return Err("the sign-in took longer than 10 minutes (the state expired)".into());
    }
    if browser_token.map(sha256_hex).as_deref() != Some(taken.browser_hash.as_str()) {
        return Err("the sign-in was started in another browser (the login cookie is missing or different)".into());
    }
    if let Some(error) = &params.error {
        let description = params.error_description.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
        return Err(format!("the identity provider answered error={error}{description}"));
    }
    Ok(())
}

/// The connection's client secret, opened.
fn client_secret(state: &AppState, found: &ForSignIn) -> Result<Option<String>> {
    let key = &state.env.master_key;
    Ok(match &found.row.client_secret_enc {
        Some(enc) => Some(key.decrypt(&format!("connection:{}:client_secret", found.connection.id), enc)?.expose().to_string()),
        None => None,
    })
}

/// The ID token (and, on the back channel, the access and refresh tokens): posted by the IdP on
/// the front channel, or got for the code at its token endpoint, authenticating as the
/// connection says.
async fn receive_id_token(state: &AppState, taken: &Taken, params: &CallbackParams) -> Result<std::result::Result<upstream::TokenAnswer, String>> {
    let connection = &taken.found.connection;
    if connection.options.channel != Channel::BackChannel {
        return Ok(match params.id_token.as_deref() {
            Some(t) => Ok(upstream::TokenAnswer { id_token: t.to_string(), ..Default::default() }),
            None => Err("the identity provider's answer has no id_token (front channel)".into()),
        });
    }
    let Some(code) = params.code.as_deref() else {
        return Ok(Err("the identity provider's answer has no code (back channel)".into()));
    };
    let auth = upstream::client_auth(state, &taken.found)?;
    let client = state.discovery.client();
    Ok(upstream::exchange_code(client, &state.clock, connection, &auth, code, &state.env.callback_url(), taken.pending.code_verifier.as_deref()).await)
}

/// The IdP's `/userinfo`, for a thin ID token (no email) or a mapping that reads it.
async fn userinfo_if_needed(state: &AppState, connection: &Connection, claims: &Map<String, Value>, access_token: Option<&str>, sub: &str) -> std::result::Result<Option<Map<String, Value>>, String> {
    let wants = !claims.contains_key("email")
        || connection.options.attribute_map.userinfo_scope.is_some()
        || connection.options.attribute_map.attributes.iter().flatten().any(|(_, t)| t.contains("context.userinfo."));
    match (access_token, wants && connection.options.userinfo_endpoint.is_some()) {
        (Some(at), true) => upstream::userinfo(state.discovery.client(), connection, at, sub).await.map(Some),
        _ => Ok(None),
    }
}

/// Creates or updates the user, unless SCIM deleted or deactivated them (the refusal's reason).
async fn store_user(state: &AppState, found: &ForSignIn, sub: &str, oid: Option<&str>, profile: Map<String, Value>) -> Result<std::result::Result<User, String>> {
    // Back to back on one connection, given back before a refusal is logged on another (so a
    // full pool cannot wait on itself).
    let pinned = state.pinned().await?;
    let connection = &found.connection;
    if users::deleted_by_scim(&pinned, connection, sub, profile.get("email").and_then(Value::as_str)).await? {
        return Ok(Err("the user was deleted by the identity provider's SCIM provisioning".into()));
    }
    let trust = users::email_trust(connection, &found.verified_domains, &profile);
    let user = users::upsert_on_login(&pinned, connection, sub, oid, profile, trust).await?;
    if !user.active {
        return Ok(Err("the user is deactivated: the identity provider's SCIM provisioning turned them off".into()));
    }
    Ok(Ok(user))
}

/// The sign-in's writes, together: the user's roles (when they changed), the log entry, and for
/// an application the single sign-on session and Tessera's code (or ID token), and the IdP's
/// tokens for a connected account.
async fn sign_in(state: &AppState, taken: &Taken, mut user: User, claims: Map<String, Value>, tokens: &upstream::TokenAnswer) -> Result<Finished> {
    let state = &state.pinned().await?;
    let connection = &taken.found.connection;
    let mut batch = Batch::default();
    // A connection for connected accounts keeps the IdP's tokens in the vault.
    crate::backend::vault::keep_into(&mut batch, state, connection, &user.id, tokens)?;
    user.roles = crate::backend::roles::assign(state, &mut batch, &connection.id, &user.id, &user.groups, &user.roles, taken.found.assigns_roles).await?;
    logs::record_into(&mut batch, state, logs::SUCCESS, "Successful login", Some(&connection.id), taken.client_id.as_deref(), Some(&user.id));
    let finished = match &taken.pending.app {
        None => {
            batch.run(&state.db).await?;
            let notes = try_notes(connection, taken.found.assigns_roles, &claims);
            Finished::Tried { connection: connection.clone(), user: user.clone(), claims, setup: taken.pending.setup.clone(), notes }
        }
        Some(app) => {
            let auth_time = state.clock.now().timestamp();
            let (session, secret) = provider::sessions::create_into(&mut batch, state, &user.id, &connection.id, auth_time).await?;
            let session_max_age_s = (session.expires_at - state.clock.now_ms()) / 1000;
            // A first-party application (fixed when created) never asks for consent, so only a
            // third-party one is read again.
            let asks_consent = match app.first_party {
                true => None,
                false => {
                    let application = crate::backend::applications::get_application(state, &app.client_id).await?;
                    super::consent::needed(state, &application, &user.id, &app.scope).await?.then_some(application)
                }
            };
            if let Some(application) = asks_consent {
                batch.run(&state.db).await?;
                let waiting = super::consent::Waiting { app: app.clone(), user_id: user.id.clone(), auth_time, session_id: session.id.clone() };
                let prompt = super::consent::ask(state, &application, &waiting).await?;
                return Ok(Finished::Consent { prompt, session: secret, session_max_age_s });
            }
            let answer = signed_in(state, &mut batch, app, &user, auth_time, &session.id).await?;
            batch.run(&state.db).await?;
            Finished::ToApplication { answer, session: secret, session_max_age_s }
        }
    };
    tracing::info!(connection_id = %connection.id, user_id = %user.id, "signed in");
    crate::backend::metrics::sign_in_succeeded(&connection.id);
    Ok(finished)
}

/// Removes logins nobody finished (run periodically by the server).
pub async fn prune(state: &AppState) -> Result<u64> {
    let now = state.clock.now_ms();
    let logins = state.db.execute("DELETE FROM login_transactions WHERE expires_at <= $1", &[now.into()]).await?;
    Ok(logins + super::consent::prune(state).await?)
}

/// What "Try" should say besides "It works!": a connection that gives roles from groups but
/// received no `groups` claim assigns none of them (Okta sends it only with a Groups claim filter).
fn try_notes(connection: &Connection, assigns_roles: bool, claims: &Map<String, Value>) -> Vec<String> {
    let mut notes = Vec::new();
    if assigns_roles && claims.get("groups").is_none_or(Value::is_null) {
        let how = match connection.strategy {
            crate::connections::Strategy::Okta => crate::text::OKTA_GROUPS_CLAIM,
            crate::connections::Strategy::Oidc => "Ask the identity provider to send the user's groups in a groups claim of the ID token (for Okta: the app integration's Groups claim filter, named groups).",
        };
        notes.push(format!("No groups claim arrived, so no group was matched to a role: members get only the default role, if one is set. {how}"));
    }
    notes
}
