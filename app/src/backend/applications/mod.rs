//! The applications service: create, read, list, update, delete applications, rotate their
//! secrets, and check a secret at the token endpoint. The Management API (`/api/v2/clients`),
//! the dashboard's server functions and the login flow call these and nothing else; every rule
//! lives in `crate::applications`.

pub mod grants;
pub mod registration;
pub mod store;

use crate::backend::error::Resource;
use crate::applications::{
    validate, AppType, Application, ApplicationSettings, ApplicationWithSecret, ClientAuthMethod, CreateApplication, GrantType,
    IdTokenAlg, UpdateApplication,
};
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::{from_json, rfc3339, to_json};
use crate::backend::{AppState, Error, Result};
use crate::connections::MAX_PER_PAGE;
use crate::error::FieldError;
use store::ApplicationRow;

fn not_found() -> Error {
    Error::not_found(Resource::Client, "The application does not exist.")
}

fn settings_of(row: &ApplicationRow) -> Result<ApplicationSettings> {
    Ok(ApplicationSettings {
        name: row.name.clone(),
        description: row.description.clone(),
        app_type: AppType::parse(&row.app_type).ok_or_else(|| Error::internal("unknown stored app_type"))?,
        callbacks: from_json(&row.callbacks, "application callbacks")?,
        allowed_logout_urls: from_json(&row.allowed_logout_urls, "application logout URLs")?,
        web_origins: from_json(&row.web_origins, "application web origins")?,
        allowed_origins: from_json(&row.allowed_origins, "application allowed origins")?,
        grant_types: from_json(&row.grant_types, "application grant types")?,
        token_endpoint_auth_method: ClientAuthMethod::parse(&row.token_endpoint_auth_method)
            .ok_or_else(|| Error::internal("unknown stored token_endpoint_auth_method"))?,
        id_token_signed_response_alg: IdTokenAlg::parse(&row.id_token_signed_response_alg).unwrap_or(IdTokenAlg::RS256),
        backchannel_logout_uri: row.backchannel_logout_uri.clone(),
        jwks: row.jwks.as_deref().map(|j| from_json(j, "application jwks")).transpose()?,
    })
}

fn to_view(row: &ApplicationRow) -> Result<Application> {
    let s = settings_of(row)?;
    Ok(Application {
        client_id: row.client_id.clone(),
        name: s.name,
        description: s.description,
        app_type: s.app_type,
        is_first_party: row.is_first_party,
        callbacks: s.callbacks,
        allowed_logout_urls: s.allowed_logout_urls,
        web_origins: s.web_origins,
        allowed_origins: s.allowed_origins,
        grant_types: s.grant_types,
        token_endpoint_auth_method: s.token_endpoint_auth_method,
        id_token_signed_response_alg: s.id_token_signed_response_alg,
        backchannel_logout_uri: s.backchannel_logout_uri,
        jwks: s.jwks,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    })
}

fn apply(row: &mut ApplicationRow, s: &ApplicationSettings) -> Result<()> {
    row.name = s.name.clone();
    row.description = s.description.clone();
    row.app_type = s.app_type.as_str().into();
    row.callbacks = to_json(&s.callbacks)?;
    row.allowed_logout_urls = to_json(&s.allowed_logout_urls)?;
    row.web_origins = to_json(&s.web_origins)?;
    row.allowed_origins = to_json(&s.allowed_origins)?;
    row.grant_types = to_json(&s.grant_types)?;
    row.token_endpoint_auth_method = s.token_endpoint_auth_method.as_str().into();
    row.id_token_signed_response_alg = s.id_token_signed_response_alg.as_str().into();
    row.backchannel_logout_uri = s.backchannel_logout_uri.clone();
    row.jwks = s.jwks.as_ref().map(to_json).transpose()?;
    Ok(())
}

/// A new client secret: 48 letters and digits (about 285 bits), so a plain SHA-256 is a safe way
/// to keep it.
fn new_secret() -> String {
    random_alphanumeric(48)
}

pub async fn create_application(state: &AppState, body: CreateApplication) -> Result<ApplicationWithSecret> {
    let is_first_party = body.is_first_party.unwrap_or(true);
    let settings = validate(None, &body.into(), state.env.allow_private_network).map_err(|fields| Error::Invalid { fields })?;
    let secret = new_secret();
    let now = state.clock.now_ms();
    let mut row = ApplicationRow {
        client_id: random_alphanumeric(32),
        name: String::new(),
        description: String::new(),
        app_type: String::new(),
        callbacks: String::new(),
        allowed_logout_urls: String::new(),
        web_origins: String::new(),
        allowed_origins: String::new(),
        grant_types: String::new(),
        token_endpoint_auth_method: String::new(),
        client_secret_hash: sha256_hex(&secret),
        id_token_signed_response_alg: String::new(),
        backchannel_logout_uri: None,
        jwks: None,
        is_first_party,
        created_at: now,
        updated_at: now,
    };
    apply(&mut row, &settings)?;
    store::insert(&state.db, &row).await?;
    tracing::info!(client_id = %row.client_id, app_type = %row.app_type, is_first_party, "application created");
    Ok(ApplicationWithSecret { application: to_view(&row)?, client_secret: Some(secret) })
}

pub async fn get_application(state: &AppState, client_id: &str) -> Result<Application> {
    to_view(&store::find(&state.db, client_id).await?.ok_or_else(not_found)?)
}

/// A page of applications by name, and the total that match.
pub async fn list_applications(state: &AppState, search: Option<&str>, page: u64, per_page: u64) -> Result<(Vec<Application>, u64)> {
    let (rows, total) = store::list(&state.db, search, page, per_page.clamp(1, MAX_PER_PAGE)).await?;
    Ok((rows.iter().map(to_view).collect::<Result<Vec<_>>>()?, total))
}

/// Who changes an application: named in the log, and whether they may change how it
/// authenticates (the Management API's `update:client_keys`; an admin of the dashboard may).
#[derive(Clone, Copy, Debug)]
pub struct Editor<'a> {
    pub name: &'a str,
    pub may_change_keys: bool,
}

impl Editor<'_> {
    /// A caller trusted with everything (the command line, tests).
    pub const TRUSTED: Editor<'static> = Editor { name: "tessera", may_change_keys: true };
}

/// Every application by name, optionally those whose name contains `search` (the Management
/// API's list reads them whole: there are tens, not thousands).
pub async fn all_applications(state: &AppState, search: Option<&str>) -> Result<Vec<Application>> {
    let (rows, _) = store::list(&state.db, search, 0, i64::MAX as u64).await?;
    rows.iter().map(to_view).collect()
}

/// Changes the fields sent, as a trusted caller ([`Editor::TRUSTED`]).
pub async fn update_application(state: &AppState, client_id: &str, body: UpdateApplication) -> Result<Application> {
    update_application_by(state, client_id, body, Editor::TRUSTED).await
}

/// What changes how an application proves who it is, in words for the log; empty when nothing
/// does. Switching the Authentication Method or replacing the keys hands the application's
/// tokens to whoever holds the new credential, so it needs more than `update:clients`.
fn authentication_change(before: &ApplicationSettings, after: &ApplicationSettings) -> Vec<String> {
    let mut changes = Vec::new();
    if before.token_endpoint_auth_method != after.token_endpoint_auth_method {
        changes.push(format!(
            "token_endpoint_auth_method {} → {}",
            before.token_endpoint_auth_method.as_str(),
            after.token_endpoint_auth_method.as_str()
        ));
    }
    if before.jwks != after.jwks {
        changes.push(if after.jwks.is_some() { "jwks replaced".to_string() } else { "jwks removed".to_string() });
    }
    changes
}

/// Changes the fields sent; read-only fields are accepted only when unchanged. A change of how
/// the application authenticates is refused unless `editor` may make it, and is logged.
pub async fn update_application_by(state: &AppState, client_id: &str, body: UpdateApplication, editor: Editor<'_>) -> Result<Application> {
    let mut row = store::find(&state.db, client_id).await?.ok_or_else(not_found)?;
    let current = to_view(&row)?;
    let mut errors = Vec::new();
    for (field, sent, stored) in [
        ("client_id", &body.client_id, &current.client_id),
        ("created_at", &body.created_at, &current.created_at),
        ("updated_at", &body.updated_at, &current.updated_at),
    ] {
        if sent.as_ref().is_some_and(|s| s != stored) {
            errors.push(FieldError::new(field, "is read-only"));
        }
    }
    if body.is_first_party.is_some_and(|f| f != row.is_first_party) {
        errors.push(FieldError::new("is_first_party", "is fixed when the application is created"));
    }
    let before = settings_of(&row)?;
    let settings = validate(Some(&before), &body, state.env.allow_private_network);
    let settings = match settings {
        Ok(s) if errors.is_empty() => s,
        Ok(_) => return Err(Error::Invalid { fields: errors }),
        Err(more) => {
            errors.extend(more);
            return Err(Error::Invalid { fields: errors });
        }
    };
    let changed = authentication_change(&before, &settings);
    if !changed.is_empty() && !editor.may_change_keys {
        return Err(Error::Forbidden(format!(
            "Insufficient scope, expected: update:client_keys (to change how the application authenticates: {})",
            changed.join("; ")
        )));
    }
    let stored = row.clone();
    apply(&mut row, &settings)?;
    if row == stored {
        // Nothing changed: nothing is written and `updated_at` stays (a re-applied import).
        return to_view(&row);
    }
    row.updated_at = state.clock.now_ms();
    store::update(&state.db, &row).await?;
    tracing::info!(%client_id, "application updated");
    if !changed.is_empty() {
        let description = format!("Application {client_id}: authentication changed by {}: {}", editor.name, changed.join("; "));
        crate::backend::logs::record(state, crate::backend::logs::API_OPERATION, &description, None, Some(client_id), None).await;
    }
    to_view(&row)
}

/// Deletes an application; the connections it was enabled for stay, without it.
pub async fn delete_application(state: &AppState, client_id: &str) -> Result<()> {
    if !store::delete(&state.db, client_id).await? {
        return Err(not_found());
    }
    // Its tokens die with it: access tokens (including machine-to-machine ones the Management
    // API accepts) and refresh tokens.
    crate::backend::provider::refresh::revoke_for_client(state, client_id).await?;
    tracing::info!(%client_id, "application deleted");
    Ok(())
}

/// Replaces the client secret; the old one stops working at once. The new one is shown once.
pub async fn rotate_secret(state: &AppState, client_id: &str) -> Result<ApplicationWithSecret> {
    let mut row = store::find(&state.db, client_id).await?.ok_or_else(not_found)?;
    let secret = new_secret();
    row.client_secret_hash = sha256_hex(&secret);
    row.updated_at = state.clock.now_ms();
    store::update(&state.db, &row).await?;
    tracing::info!(%client_id, "application secret rotated");
    Ok(ApplicationWithSecret { application: to_view(&row)?, client_secret: Some(secret) })
}

/// How a client proves who it is at the token and revocation endpoints.
#[derive(Clone, Copy, Debug)]
pub enum ClientCredential<'a> {
    /// A public client (single page application): nothing.
    None,
    /// `client_secret_basic` or `client_secret_post`.
    Secret(&'a str),
    /// `private_key_jwt` (RFC 7523): a JWT signed with one of the application's registered keys.
    Assertion(&'a str),
}

/// How far a client assertion's clock may be off.
const ASSERTION_LEEWAY_S: i64 = 60;
/// An assertion may not live longer than this (it is kept until it expires, to refuse replays).
const ASSERTION_MAX_TTL_S: i64 = 600;

/// Checks an application's credentials at the token endpoint: `Ok(application)` when the id
/// exists and the credential is the kind its "Authentication Method" says and is right; `Err`
/// is why not. `audiences` are the URLs a client assertion may be addressed to (Tessera's
/// issuer and the endpoint called).
pub async fn authenticate(state: &AppState, client_id: &str, credential: ClientCredential<'_>, audiences: &[String]) -> Result<std::result::Result<Application, String>> {
    let wrong = || Ok(Err("The client id or secret is wrong.".to_string()));
    let Some(row) = store::find(&state.db, client_id).await? else { return wrong() };
    let app = to_view(&row)?;
    let method = app.token_endpoint_auth_method;
    match (method, credential) {
        (ClientAuthMethod::None, ClientCredential::None) => Ok(Ok(app)),
        (ClientAuthMethod::ClientSecretBasic | ClientAuthMethod::ClientSecretPost, ClientCredential::Secret(given)) => {
            match crate::backend::crypto::constant_time_eq(sha256_hex(given).as_bytes(), row.client_secret_hash.as_bytes()) {
                true => Ok(Ok(app)),
                false => wrong(),
            }
        }
        (ClientAuthMethod::PrivateKeyJwt, ClientCredential::Assertion(jwt)) => match check_assertion(state, &app, jwt, audiences).await? {
            Ok(()) => Ok(Ok(app)),
            Err(reason) => Ok(Err(format!("The client assertion is not valid: {reason}."))),
        },
        (ClientAuthMethod::PrivateKeyJwt, _) => Ok(Err("The application authenticates with private_key_jwt: send client_assertion.".into())),
        (_, ClientCredential::Assertion(_)) => Ok(Err(format!("The application authenticates with {}, not a client assertion.", method.as_str()))),
        (ClientAuthMethod::None, ClientCredential::Secret(_)) => Ok(Err("A public client has no secret; send only client_id.".into())),
        (_, ClientCredential::None) => Ok(Err("client_secret is required.".into())),
    }
}

/// RFC 7523 section 3: signed by one of the application's keys, `iss` and `sub` the client id,
/// `aud` one of `audiences`, not expired (60 s leeway), at most 10 minutes long, and a `jti`
/// seen only once.
async fn check_assertion(state: &AppState, app: &Application, jwt: &str, audiences: &[String]) -> Result<std::result::Result<(), String>> {
    use crate::backend::provider::jwt;
    let keys = app.jwks.as_ref().and_then(|set| set.get("keys")).and_then(|k| k.as_array()).cloned().unwrap_or_default();
    let verified = match jwt::verify(jwt, &keys) {
        Ok(v) => v,
        Err(reason) => return Ok(Err(reason)),
    };
    let claims = &verified.claims;
    let text = |name: &str| claims.get(name).and_then(|v| v.as_str());
    if text("iss") != Some(app.client_id.as_str()) || text("sub") != Some(app.client_id.as_str()) {
        return Ok(Err("iss and sub must be the client id".into()));
    }
    if !jwt::audiences(claims).iter().any(|a| audiences.contains(a)) {
        return Ok(Err(format!("aud must be one of {}", audiences.join(", "))));
    }
    let now = state.clock.now().timestamp();
    let Some(exp) = claims.get("exp").and_then(|v| v.as_i64()) else { return Ok(Err("exp is required".into())) };
    if exp + ASSERTION_LEEWAY_S <= now {
        return Ok(Err("it has expired".into()));
    }
    let issued = claims.get("iat").and_then(|v| v.as_i64()).unwrap_or(now);
    if exp - issued.min(now) > ASSERTION_MAX_TTL_S || issued > now + ASSERTION_LEEWAY_S {
        return Ok(Err("it may live at most 10 minutes and not be issued in the future".into()));
    }
    let Some(jti) = text("jti").filter(|j| !j.is_empty()) else { return Ok(Err("jti is required".into())) };
    if !jwt::first_use(state, &app.client_id, jti, (exp + ASSERTION_LEEWAY_S) * 1000).await? {
        return Ok(Err("it was already used (jti seen before)".into()));
    }
    Ok(Ok(()))
}

/// Whether some application lists `origin` among its Allowed Origins (CORS) or Allowed Web
/// Origins: browsers on it may call the token, revocation and userinfo endpoints.
pub async fn origin_allowed(state: &AppState, origin: &str) -> Result<bool> {
    // The columns are JSON arrays of origins: look for the origin as a whole JSON string.
    let quoted = serde_json::to_string(origin).map_err(Error::internal)?;
    let pattern = format!("%{}%", quoted.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let found: Option<String> = state
        .db
        .fetch_optional_scalar("SELECT client_id FROM clients WHERE allowed_origins LIKE $1 ESCAPE '\\' OR web_origins LIKE $1 ESCAPE '\\' LIMIT 1", &[pattern.into()])
        .await?;
    Ok(found.is_some())
}

/// Whether `app` lets browser code on `origin` call its endpoints.
pub fn allows_origin(app: &Application, origin: &str) -> bool {
    app.allowed_origins.iter().chain(&app.web_origins).any(|o| o == origin)
}

/// The ids of the connections an application may sign users in with (a third-party
/// application: the connections promoted to domain level).
pub async fn enabled_connections(state: &AppState, client_id: &str) -> Result<Vec<String>> {
    store::enabled_connections(&state.db, client_id).await
}

/// Whether `app` may sign users in through `connection`: enabled for it, or for a third-party
/// application promoted to domain level ("Allows third-party applications to access the
/// connection").
pub fn may_use(app: &Application, connection: &crate::connections::Connection) -> bool {
    match app.is_first_party {
        true => connection.enabled_clients.contains(&app.client_id),
        false => connection.is_domain_connection,
    }
}

/// Whether an application may use a grant type.
pub fn allows_grant(app: &Application, grant: GrantType) -> bool {
    app.grant_types.contains(&grant)
}
