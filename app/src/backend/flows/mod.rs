//! Signing in through a connection: the one service behind `/authorize`, `/login/callback` and
//! the dashboard's "Try". [`authorize`] checks an application's request and [`start_login`]
//! sends the browser to the IdP with a single-use state (10 minutes, bound to the browser by a
//! cookie, kept in the database so any replica can finish the login). [`finish_login`] takes
//! that state back, gets and validates the ID token (front channel: posted by the IdP; back
//! channel: from the token endpoint), upserts the user, records the outcome and, for an
//! application, issues Tessera's authorization code.

pub mod jwk;
pub mod pages;
pub mod upstream;
pub mod verify;

use crate::applications::{Application, ClientAuthMethod, GrantType};
use crate::backend::applications;
use crate::backend::connections;
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::provider::{self, pkce_s256, CodeRequest};
use crate::backend::store::batch::Batch;
use crate::backend::users::{self, User};
use crate::backend::{logs, AppState, Error, Result};
use crate::connections::options::{Channel, TokenEndpointAuthMethod};
use crate::connections::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use upstream::ClientAuth;

/// How long a login may take between `/authorize` and the IdP's answer.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;

/// The parameters of `/authorize`, as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub connection: Option<String>,
    pub login_hint: Option<String>,
    /// `login` forces a trip to the IdP; `none` never shows anything (no session: `login_required`).
    pub prompt: Option<String>,
    /// Seconds: a session older than this sends the user to the IdP again.
    pub max_age: Option<String>,
    /// `query` (the default for `code`) or `form_post` (required for `id_token`).
    pub response_mode: Option<String>,
}

/// What the application asked for (`response_type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseType {
    /// `code`: an authorization code for the token endpoint (back channel).
    #[default]
    Code,
    /// `id_token`: the ID token itself, posted to the redirect_uri (front channel; what another
    /// Tessera or Auth0 sends to an OIDC connection with "Front Channel").
    IdToken,
}

/// How the answer travels back (`response_mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    /// In the redirect_uri's query.
    #[default]
    Query,
    /// An auto-submitted HTML form POSTed to the redirect_uri (OAuth 2.0 Form Post Response Mode).
    FormPost,
}

/// An answer to an application: a code, an ID token or an error, the way it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToApplication {
    /// A 302 to the redirect_uri with the parameters in its query.
    Redirect(String),
    /// A page whose form POSTs `fields` to `action` (the redirect_uri).
    FormPost { action: String, fields: Vec<(String, String)> },
}

/// What `prompt` asks of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Use a session when there is one, else sign in.
    Default,
    /// Sign in at the IdP whatever the session.
    Login,
    /// Use a session or fail with `login_required`; never show a page.
    None,
}

/// A refused `/authorize`.
#[derive(Debug, PartialEq)]
pub enum AuthorizeError {
    /// The redirect_uri cannot be trusted: show this on an error page, never redirect.
    Page(String),
    /// Tell the application: its registered redirect_uri with `error`, `error_description` and `state`.
    ToApplication(ToApplication),
}

/// The application's side of a login, kept with the login until the callback.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub response_type: ResponseType,
    #[serde(default)]
    pub response_mode: ResponseMode,
    /// The application takes back-channel logout: remember that it signed in with the session.
    #[serde(default)]
    pub backchannel_logout: bool,
}

impl AppRequest {
    /// What Tessera's code for this request stands for, once the user is signed in.
    fn code_request(&self, auth_time: i64, session_id: &str) -> CodeRequest {
        CodeRequest {
            redirect_uri: self.redirect_uri.clone(),
            scope: self.scope.clone(),
            nonce: self.nonce.clone(),
            code_challenge: self.code_challenge.clone(),
            auth_time,
            session_id: Some(session_id.to_string()),
            user: None,
        }
    }
}

/// An application's `/authorize`, checked: the application, the connection to use (when named).
pub struct Authorized {
    pub app: Application,
    pub request: AppRequest,
    pub connection: Option<Connection>,
    pub login_hint: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
}

/// Checks an application's authorization request. Until the redirect_uri is known to be one
/// the application registered, problems are shown on a page; after, they go back to it.
pub async fn authorize(state: &AppState, p: &AuthorizeParams) -> Result<std::result::Result<Authorized, AuthorizeError>> {
    use AuthorizeError::*;
    let Some(client_id) = p.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(Err(Page("client_id is required.".into())));
    };
    let app = match applications::get_application(state, client_id).await {
        Ok(app) => app,
        Err(Error::NotFound(_)) => return Ok(Err(Page(format!("There is no application with client_id {client_id:?}.")))),
        Err(e) => return Err(e),
    };
    let Some(redirect_uri) = p.redirect_uri.as_deref() else {
        return Ok(Err(Page("redirect_uri is required.".into())));
    };
    if !app.callbacks.iter().any(|c| c == redirect_uri) {
        return Ok(Err(Page(format!(
            "redirect_uri {redirect_uri:?} is not one of the application's Allowed Callback URLs. Add it in the application's settings."
        ))));
    }
    let asked_mode = match p.response_mode.as_deref().filter(|m| !m.is_empty()) {
        None => None,
        Some("query") => Some(ResponseMode::Query),
        Some("form_post") => Some(ResponseMode::FormPost),
        Some(_) => None,
    };
    let mode = asked_mode.unwrap_or_default();
    let back = |error: &'static str, description: String| {
        let params = [("error", error), ("error_description", description.as_str())];
        Ok(Err(ToApplication(answer(redirect_uri, mode, &params, p.state.as_deref()))))
    };
    if asked_mode.is_none() && p.response_mode.as_deref().is_some_and(|m| !m.is_empty()) {
        return back("invalid_request", "response_mode must be query or form_post.".into());
    }
    let (response_type, grant) = match p.response_type.as_deref() {
        Some("code") => (ResponseType::Code, GrantType::AuthorizationCode),
        Some("id_token") => (ResponseType::IdToken, GrantType::Implicit),
        _ => return back("unsupported_response_type", "response_type must be code or id_token.".into()),
    };
    if !app.grant_types.contains(&grant) {
        let which = if grant == GrantType::Implicit { "implicit grant (response_type=id_token)" } else { "authorization code grant" };
        return back("unauthorized_client", format!("The application may not use the {which}."));
    }
    if response_type == ResponseType::IdToken {
        if mode != ResponseMode::FormPost {
            return back("invalid_request", "response_type=id_token needs response_mode=form_post (Tessera never puts tokens in a URL).".into());
        }
        if p.nonce.as_deref().is_none_or(str::is_empty) {
            return back("invalid_request", "nonce is required with response_type=id_token.".into());
        }
    }
    let scope = p.scope.clone().unwrap_or_default();
    if !scope.split_whitespace().any(|s| s == "openid") {
        return back("invalid_scope", "scope must include openid.".into());
    }
    match (p.code_challenge.as_deref(), p.code_challenge_method.as_deref()) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => {}
        (Some(_), Some("S256")) => return back("invalid_request", "code_challenge must be 43 to 128 characters.".into()),
        (Some(_), _) => return back("invalid_request", "code_challenge_method must be S256.".into()),
        (None, _) if app.token_endpoint_auth_method == ClientAuthMethod::None && response_type == ResponseType::Code => {
            return back("invalid_request", "A single page application must use PKCE (code_challenge with S256).".into())
        }
        (None, _) => {}
    }
    let prompts: Vec<&str> = p.prompt.as_deref().unwrap_or_default().split_whitespace().collect();
    let prompt = match (prompts.contains(&"none"), prompts.contains(&"login")) {
        (true, _) if prompts.len() > 1 => return back("invalid_request", "prompt=none cannot be combined with other values.".into()),
        (true, _) => Prompt::None,
        (false, true) => Prompt::Login,
        _ => Prompt::Default,
    };
    let max_age = match p.max_age.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(m) => match m.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => return back("invalid_request", "max_age must be a whole number of seconds, 0 or more.".into()),
        },
    };
    let connection = match p.connection.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(name) => {
            let found = connections::find_by_name(state, name).await?;
            match found {
                Some(c) if c.enabled_clients.contains(&app.client_id) => Some(c),
                Some(_) => return back("invalid_request", format!("The connection {name:?} is not enabled for this application.")),
                None => return back("invalid_request", format!("There is no connection named {name:?}.")),
            }
        }
    };
    let request = AppRequest {
        client_id: app.client_id.clone(),
        redirect_uri: redirect_uri.to_string(),
        state: p.state.clone(),
        nonce: p.nonce.clone(),
        scope,
        code_challenge: p.code_challenge.clone(),
        response_type,
        response_mode: mode,
        backchannel_logout: app.backchannel_logout_uri.is_some(),
    };
    Ok(Ok(Authorized { app, request, connection, login_hint: p.login_hint.clone(), prompt, max_age }))
}

/// What a single sign-on session does for an authorization request.
pub enum SingleSignOn {
    /// Signed in by the session: back to the application with a code or an ID token.
    Done(ToApplication),
    /// `prompt=none` and no usable session: back to the application with `login_required`.
    LoginRequired(ToApplication),
    /// Sign in at an identity provider.
    SignIn,
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
    let mut batch = Batch::default();
    let answer = signed_in(state, &mut batch, app, &user, session.auth_time, &session.id).await?;
    logs::record_into(&mut batch, state, logs::SUCCESS, "Successful login (single sign-on session)", Some(&session.connection_id), Some(&app.client_id), Some(&user.id));
    batch.run(&state.db).await?;
    Ok(SingleSignOn::Done(answer))
}

/// The connections an application may sign users in with, by name.
pub async fn enabled_connections(state: &AppState, client_id: &str) -> Result<Vec<Connection>> {
    let mut out = Vec::new();
    for id in applications::enabled_connections(state, client_id).await? {
        match connections::get_connection(state, &id).await {
            Ok(c) => out.push(c),
            Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by_key(|c| c.name.to_lowercase());
    Ok(out)
}

/// Home realm discovery: the connection (among `candidates`) whose Identity provider domains
/// include the email's domain.
pub fn home_realm<'a>(candidates: &'a [Connection], email: &str) -> Option<&'a Connection> {
    let domain = email.rsplit_once('@')?.1.trim().trim_end_matches('.').to_ascii_lowercase();
    candidates.iter().find(|c| c.options.domain_aliases.iter().any(|d| *d == domain))
}

/// Home realm discovery on the login page: a connection's own Identity provider domains first,
/// then the verified domains of the organization that owns one of `candidates`.
pub async fn discover(state: &AppState, candidates: &[Connection], email: &str) -> Result<Option<Connection>> {
    if let Some(c) = home_realm(candidates, email) {
        return Ok(Some(c.clone()));
    }
    let Some(organization_id) = crate::backend::organizations::domains::organization_for_email(state, email).await? else {
        return Ok(None);
    };
    let owned = crate::backend::organizations::connection_ids(state, &organization_id).await?;
    Ok(candidates.iter().find(|c| owned.contains(&c.id)).cloned())
}

/// What a login keeps between Tessera and the IdP (encrypted in the database).
#[derive(Serialize, Deserialize)]
struct Pending {
    app: Option<AppRequest>,
    nonce: String,
    code_verifier: Option<String>,
    /// A setup link's "Test sign-in" (the link, and the page to come back to).
    #[serde(default)]
    setup: Option<SetupTest>,
}

/// A setup link's test sign-in: which link, and where its screens are.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SetupTest {
    pub link_id: String,
    pub return_to: String,
}

/// Where to send the browser, and the cookie that binds the login to it.
pub struct Started {
    pub location: String,
    pub browser_token: String,
}

fn pending_context(state_hash: &str) -> String {
    format!("login:{state_hash}")
}

/// Starts a login at `connection` for an application (`app`), or for "Try" (`None`).
pub async fn start_login(state: &AppState, connection: &Connection, app: Option<AppRequest>, login_hint: Option<&str>, app_params: &[(String, String)]) -> Result<Started> {
    start(state, connection, app, None, login_hint, app_params).await
}

/// A setup link's "Test sign-in": "Try" for the IT admin, coming back to `return_to`.
pub async fn start_setup_test(state: &AppState, connection: &Connection, link_id: &str, return_to: &str) -> Result<Started> {
    let setup = SetupTest { link_id: link_id.to_string(), return_to: return_to.to_string() };
    start(state, connection, None, Some(setup), None, &[]).await
}

async fn start(state: &AppState, connection: &Connection, app: Option<AppRequest>, setup: Option<SetupTest>, login_hint: Option<&str>, app_params: &[(String, String)]) -> Result<Started> {
    let upstream_state = random_alphanumeric(32);
    let nonce = random_alphanumeric(32);
    let browser_token = random_alphanumeric(32);
    let code_verifier = upstream::uses_pkce(connection).then(|| random_alphanumeric(64));
    let challenge = code_verifier.as_deref().map(pkce_s256);
    let location = upstream::authorization_url(
        connection,
        &upstream::AuthorizationRequest {
            state: &upstream_state,
            nonce: &nonce,
            redirect_uri: &state.settings.callback_url(),
            code_challenge: challenge.as_deref(),
            login_hint,
            app_params,
        },
    )
    .map_err(Error::internal)?;
    let state_hash = sha256_hex(&upstream_state);
    let client_id = app.as_ref().map(|a| a.client_id.clone());
    let pending = serde_json::to_string(&Pending { app, nonce, code_verifier, setup }).map_err(Error::internal)?;
    let sealed = state.settings.master_key.encrypt(&pending_context(&state_hash), &pending)?;
    let now = state.clock.now_ms();
    state
        .db
        .execute(
            "INSERT INTO login_transactions (state_hash, browser_hash, connection_id, client_id, request, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[state_hash.into(), sha256_hex(&browser_token).into(), connection.id.as_str().into(), client_id.into(), sealed.into(), now.into(), (now + LOGIN_TTL_MS).into()],
        )
        .await?;
    Ok(Started { location, browser_token })
}

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
    /// "Try": show the profile and the raw claims (and, for a setup link's test, the way back).
    Tried { connection: Connection, user: User, claims: Map<String, Value>, setup: Option<SetupTest> },
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

/// The answer to an application at `redirect_uri` with `params` and its `state`, in the mode it
/// asked for: the one way a sign-in goes back to an application, with a code, an ID token or an
/// error.
fn answer(redirect_uri: &str, mode: ResponseMode, params: &[(&str, &str)], state: Option<&str>) -> ToApplication {
    let mut fields: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if let Some(s) = state {
        fields.push(("state".into(), s.to_string()));
    }
    match mode {
        ResponseMode::FormPost => ToApplication::FormPost { action: redirect_uri.to_string(), fields },
        ResponseMode::Query => {
            let Ok(mut url) = url::Url::parse(redirect_uri) else { return ToApplication::Redirect(redirect_uri.to_string()) };
            url.query_pairs_mut().extend_pairs(&fields);
            ToApplication::Redirect(url.to_string())
        }
    }
}

fn error_answer(app: &AppRequest, error: &str, description: &str) -> ToApplication {
    answer(&app.redirect_uri, app.response_mode, &[("error", error), ("error_description", description)], app.state.as_deref())
}

/// `user` is signed in for `app` in the session `session_id`: Tessera's code, or its ID token
/// (`response_type=id_token`), on the way back to the application. The code (and the note that a
/// back-channel-logout application signed in) is written with the other writes of `batch`.
async fn signed_in(state: &AppState, batch: &mut Batch, app: &AppRequest, user: &User, auth_time: i64, session_id: &str) -> Result<ToApplication> {
    let request = app.code_request(auth_time, session_id);
    if app.backchannel_logout {
        provider::backchannel::remember_client_into(batch, session_id, &app.client_id);
    }
    let (name, value) = match app.response_type {
        ResponseType::Code => ("code", provider::issue_code_into(batch, state, &app.client_id, user, request)?),
        ResponseType::IdToken => {
            let application = applications::get_application(state, &app.client_id).await?;
            ("id_token", provider::implicit_id_token(state, &application, user, &request).await?)
        }
    };
    Ok(answer(&app.redirect_uri, app.response_mode, &[(name, &value)], app.state.as_deref()))
}

/// Finishes a login at `/login/callback`. `browser_token` is the binding cookie, if the browser
/// sent it.
pub async fn finish_login(state: &AppState, params: &CallbackParams, browser_token: Option<&str>) -> Result<std::result::Result<Finished, Failed>> {
    let fail = |reason: String, app: Option<&AppRequest>, connection_name: Option<String>| Failed {
        to_application: app.map(|a| error_answer(a, "access_denied", &reason)),
        reason,
        connection_name,
        setup_return: None,
    };
    let Some(upstream_state) = params.state.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(Err(fail("the identity provider's answer has no state".into(), None, None)));
    };
    let state_hash = sha256_hex(upstream_state);
    // One connection for the reads before the IdP is asked, another for the writes after.
    let pinned = state.pinned().await?;
    // Taken, not read: a state works once, whatever happens next.
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
        return Ok(Err(fail(reason, None, None)));
    };
    let pending: Pending = {
        let plain = state.settings.master_key.decrypt(&pending_context(&state_hash), &sealed)?;
        serde_json::from_str(plain.expose()).map_err(Error::internal)?
    };
    let app = pending.app.as_ref();
    let setup_return = pending.setup.as_ref().map(|s| s.return_to.clone());
    let fail = |reason: String, app: Option<&AppRequest>, connection_name: Option<String>| Failed { setup_return: setup_return.clone(), ..fail(reason, app, connection_name) };
    let connections::ForSignIn { connection, row, assigns_roles } = match connections::for_sign_in(&pinned, &connection_id).await {
        Ok(found) => found,
        Err(Error::NotFound(_)) => return Ok(Err(fail("the connection was deleted during the sign-in".into(), app, None))),
        Err(e) => return Err(e),
    };
    drop(pinned);
    let record_failure = |reason: String| {
        let connection = &connection;
        let client_id = client_id.clone();
        async move {
            tracing::warn!(connection_id = %connection.id, %reason, "sign-in failed");
            logs::record(state, logs::FAILURE, &reason, Some(&connection.id), client_id.as_deref(), None).await;
            Ok(Err(fail(reason, app, Some(connection.name.clone()))))
        }
    };
    if expires_at <= state.clock.now_ms() {
        return record_failure("the sign-in took longer than 10 minutes (the state expired)".into()).await;
    }
    if browser_token.map(sha256_hex).as_deref() != Some(browser_hash.as_str()) {
        return record_failure("the sign-in was started in another browser (the login cookie is missing or different)".into()).await;
    }
    if let Some(error) = &params.error {
        let description = params.error_description.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
        return record_failure(format!("the identity provider answered error={error}{description}")).await;
    }

    let key = &state.settings.master_key;
    let secret = match &row.client_secret_enc {
        Some(enc) => Some(key.decrypt(&format!("connection:{}:client_secret", connection.id), enc)?.expose().to_string()),
        None => None,
    };
    let client = state.discovery.client();
    let back_channel = connection.options.channel == Channel::BackChannel;
    let (id_token, access_token) = if back_channel {
        let Some(code) = params.code.as_deref() else {
            return record_failure("the identity provider's answer has no code (back channel)".into()).await;
        };
        let auth = match (connection.options.token_endpoint_auth_method, &secret, &row.private_key_enc) {
            (TokenEndpointAuthMethod::PrivateKeyJwt, _, Some(enc)) => {
                ClientAuth::PrivateKey(key.decrypt(&format!("connection:{}:private_key", connection.id), enc)?.expose().to_string())
            }
            (TokenEndpointAuthMethod::None, _, _) => ClientAuth::None,
            (_, Some(s), _) => ClientAuth::Secret(s.clone()),
            _ => ClientAuth::None,
        };
        let answer =
            upstream::exchange_code(client, &state.clock, &connection, &auth, code, &state.settings.callback_url(), pending.code_verifier.as_deref()).await;
        match answer {
            Ok(a) => (a.id_token, a.access_token),
            Err(reason) => return record_failure(reason).await,
        }
    } else {
        match params.id_token.as_deref() {
            Some(t) => (t.to_string(), None),
            None => return record_failure("the identity provider's answer has no id_token (front channel)".into()).await,
        }
    };
    let expected = verify::Expected {
        connection: &connection,
        client_secret: secret.as_deref(),
        nonce: &pending.nonce,
        access_token: access_token.as_deref(),
        code: params.code.as_deref().filter(|_| back_channel),
        back_channel,
    };
    let claims = match verify::verify_id_token(&state.jwks_cache, client, &state.clock, &id_token, &expected).await {
        Ok(c) => c,
        Err(reason) => return record_failure(reason).await,
    };
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or_default().to_string();
    // A thin ID token (no email) or a mapping that reads userinfo: ask the IdP's /userinfo.
    let wants_userinfo = !claims.contains_key("email")
        || connection.options.attribute_map.userinfo_scope.is_some()
        || connection.options.attribute_map.attributes.iter().flatten().any(|(_, t)| t.contains("context.userinfo."));
    let userinfo = match (&access_token, wants_userinfo && connection.options.userinfo_endpoint.is_some()) {
        (Some(at), true) => match upstream::userinfo(client, &connection, at, &sub).await {
            Ok(u) => Some(u),
            Err(reason) => return record_failure(reason).await,
        },
        _ => None,
    };
    let profile = users::map_profile(&connection, &claims, userinfo.as_ref());
    let oid = claims.get("oid").and_then(Value::as_str);
    // The writes, back to back on one connection (given back before a refusal is logged on
    // another, so a full pool cannot wait on itself).
    let pinned = state.pinned().await?;
    if users::deleted_by_scim(&pinned, &connection, &sub, profile.get("email").and_then(Value::as_str)).await? {
        drop(pinned);
        return record_failure("the user was deleted by the identity provider's SCIM provisioning".into()).await;
    }
    let trust = users::email_trust(&pinned, &connection, &profile).await?;
    let mut user = users::upsert_on_login(&pinned, &connection, &sub, oid, profile, trust).await?;
    if !user.active {
        drop(pinned);
        return record_failure("the user is deactivated: the identity provider's SCIM provisioning turned them off".into()).await;
    }
    let state = &pinned;
    // The rest of the sign-in's writes go together: its roles (when they changed), its log
    // entry, and for an application the session and the code.
    let mut batch = Batch::default();
    user.roles = crate::backend::roles::assign(state, &mut batch, &connection.id, &user.id, &user.groups, &user.roles, assigns_roles).await?;
    logs::record_into(&mut batch, state, logs::SUCCESS, "Successful login", Some(&connection.id), client_id.as_deref(), Some(&user.id));

    match pending.app {
        None => {
            batch.run(&state.db).await?;
            if let Some(setup) = &pending.setup {
                crate::backend::organizations::setup::record_test(state, &setup.link_id, &connection.id).await?;
            }
            tracing::info!(connection_id = %connection.id, user_id = %user.id, "signed in");
            Ok(Ok(Finished::Tried { connection, user, claims, setup: pending.setup }))
        }
        Some(app) => {
            let auth_time = state.clock.now().timestamp();
            let (session, secret) = provider::sessions::create_into(&mut batch, state, &user.id, &connection.id, auth_time).await?;
            let answer = signed_in(state, &mut batch, &app, &user, auth_time, &session.id).await?;
            batch.run(&state.db).await?;
            tracing::info!(connection_id = %connection.id, user_id = %user.id, "signed in");
            let session_max_age_s = (session.expires_at - state.clock.now_ms()) / 1000;
            Ok(Ok(Finished::ToApplication { answer, session: secret, session_max_age_s }))
        }
    }
}

/// Removes logins nobody finished (run periodically by the server).
pub async fn prune(state: &AppState) -> Result<u64> {
    let now = state.clock.now_ms();
    Ok(state.db.execute("DELETE FROM login_transactions WHERE expires_at <= $1", &[now.into()]).await?)
}
