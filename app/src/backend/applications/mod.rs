//! The applications service: create, read, list, update, delete applications, rotate their
//! secrets, and check a secret at the token endpoint. The Management API (`/api/v2/clients`),
//! the dashboard's server functions and the login flow call these and nothing else; every rule
//! lives in `crate::applications`.

pub mod store;

use crate::applications::{
    validate, AppType, Application, ApplicationSettings, ApplicationWithSecret, ClientAuthMethod, CreateApplication, GrantType,
    UpdateApplication,
};
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::store::{from_json, rfc3339, to_json};
use crate::backend::{AppState, Error, Result};
use crate::connections::MAX_PER_PAGE;
use crate::error::FieldError;
use store::ApplicationRow;

fn not_found() -> Error {
    Error::NotFound("The application does not exist.".into())
}

fn settings_of(row: &ApplicationRow) -> Result<ApplicationSettings> {
    Ok(ApplicationSettings {
        name: row.name.clone(),
        description: row.description.clone(),
        app_type: AppType::parse(&row.app_type).ok_or_else(|| Error::internal("unknown stored app_type"))?,
        callbacks: from_json(&row.callbacks, "application callbacks")?,
        allowed_logout_urls: from_json(&row.allowed_logout_urls, "application logout URLs")?,
        grant_types: from_json(&row.grant_types, "application grant types")?,
        token_endpoint_auth_method: ClientAuthMethod::parse(&row.token_endpoint_auth_method)
            .ok_or_else(|| Error::internal("unknown stored token_endpoint_auth_method"))?,
    })
}

fn to_view(row: &ApplicationRow) -> Result<Application> {
    let s = settings_of(row)?;
    Ok(Application {
        client_id: row.client_id.clone(),
        name: s.name,
        description: s.description,
        app_type: s.app_type,
        callbacks: s.callbacks,
        allowed_logout_urls: s.allowed_logout_urls,
        grant_types: s.grant_types,
        token_endpoint_auth_method: s.token_endpoint_auth_method,
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
    row.grant_types = to_json(&s.grant_types)?;
    row.token_endpoint_auth_method = s.token_endpoint_auth_method.as_str().into();
    Ok(())
}

/// A new client secret: 48 letters and digits (about 285 bits), so a plain SHA-256 is a safe way
/// to keep it.
fn new_secret() -> String {
    random_alphanumeric(48)
}

pub async fn create_application(state: &AppState, body: CreateApplication) -> Result<ApplicationWithSecret> {
    let settings = validate(None, &body.into(), state.settings.allow_private_network).map_err(|fields| Error::Invalid { fields })?;
    let secret = new_secret();
    let now = state.clock.now_ms();
    let mut row = ApplicationRow {
        client_id: random_alphanumeric(32),
        name: String::new(),
        description: String::new(),
        app_type: String::new(),
        callbacks: String::new(),
        allowed_logout_urls: String::new(),
        grant_types: String::new(),
        token_endpoint_auth_method: String::new(),
        client_secret_hash: sha256_hex(&secret),
        created_at: now,
        updated_at: now,
    };
    apply(&mut row, &settings)?;
    store::insert(&state.db, &row).await?;
    tracing::info!(client_id = %row.client_id, app_type = %row.app_type, "application created");
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

/// Changes the fields sent; read-only fields are accepted only when unchanged.
pub async fn update_application(state: &AppState, client_id: &str, body: UpdateApplication) -> Result<Application> {
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
    let settings = validate(Some(&settings_of(&row)?), &body, state.settings.allow_private_network);
    let settings = match settings {
        Ok(s) if errors.is_empty() => s,
        Ok(_) => return Err(Error::Invalid { fields: errors }),
        Err(more) => {
            errors.extend(more);
            return Err(Error::Invalid { fields: errors });
        }
    };
    apply(&mut row, &settings)?;
    row.updated_at = state.clock.now_ms();
    store::update(&state.db, &row).await?;
    tracing::info!(%client_id, "application updated");
    to_view(&row)
}

/// Deletes an application; the connections it was enabled for stay, without it.
pub async fn delete_application(state: &AppState, client_id: &str) -> Result<()> {
    if !store::delete(&state.db, client_id).await? {
        return Err(not_found());
    }
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

/// Checks an application's credentials at the token endpoint: `Some(application)` when the id
/// exists and, for a confidential client, the secret matches.
pub async fn authenticate(state: &AppState, client_id: &str, secret: Option<&str>) -> Result<Option<Application>> {
    let Some(row) = store::find(&state.db, client_id).await? else { return Ok(None) };
    let app = to_view(&row)?;
    let ok = match (app.token_endpoint_auth_method, secret) {
        (ClientAuthMethod::None, None) => true,
        (ClientAuthMethod::None, Some(_)) => false,
        (_, Some(given)) => constant_time_eq(sha256_hex(given).as_bytes(), row.client_secret_hash.as_bytes()),
        (_, None) => false,
    };
    Ok(ok.then_some(app))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The ids of the connections an application may sign users in with.
pub async fn enabled_connections(state: &AppState, client_id: &str) -> Result<Vec<String>> {
    store::enabled_connections(&state.db, client_id).await
}

/// Whether an application may use a grant type.
pub fn allows_grant(app: &Application, grant: GrantType) -> bool {
    app.grant_types.contains(&grant)
}
