//! Server functions for the Applications screens and for enabling connections per application
//! from either side. Thin: each checks the admin, calls `backend::applications` or
//! `backend::connections`, and maps the error.

use crate::applications::{Application, ApplicationWithSecret};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: u64 = 25;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationListing {
    pub items: Vec<Application>,
    pub total: u64,
    pub page: u64,
}

/// One row of an "enable for" list: the other side's id and name, and whether it is enabled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Toggle {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub enabled: bool,
}

/// URLs typed one per line or separated by commas.
pub fn split_urls(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '\n').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[server(prefix = "/rpc", endpoint = "applications/list")]
pub async fn list_applications(q: Option<String>, page: Option<u64>) -> Result<ApplicationListing, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let page = page.unwrap_or(0).min(crate::connections::MAX_PAGE);
    let (items, total) = crate::backend::applications::list_applications(&state, q.as_deref(), page, PAGE_SIZE).await.map_err(fail)?;
    Ok(ApplicationListing { items, total, page })
}

#[server(prefix = "/rpc", endpoint = "applications/get")]
pub async fn get_application(id: String) -> Result<Application, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::applications::get_application(&state()?, &id).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "applications/create")]
pub async fn create_application(name: String, app_type: String, callbacks: Option<String>, third_party: Option<String>) -> Result<ApplicationWithSecret, AppError> {
    use super::ssr::*;
    require_admin()?;
    let body = crate::applications::CreateApplication {
        name,
        app_type: Some(app_type),
        is_first_party: Some(third_party.is_none()),
        callbacks: Some(split_urls(&callbacks.unwrap_or_default())),
        ..Default::default()
    };
    let created = crate::backend::applications::create_application(&state()?, body).await.map_err(fail);
    answer_plain_form_with::<CreateApplication, _>(&created, NEW_APPLICATION, |app| {
        (crate::flash::Flash { shown_once: Some(application_created(app)), ..Default::default() }, NEW_APPLICATION.to_string())
    });
    created
}

/// The Create Application page, where a new application's secret is shown once (with or without wasm).
pub const NEW_APPLICATION: &str = "/applications/new";

/// What Create Application shows once, with or without wasm: the Client ID and the Client Secret.
pub fn application_created(created: &ApplicationWithSecret) -> crate::flash::ShownOnce {
    crate::flash::ShownOnce {
        of: created.application.client_id.clone(),
        title: format!("{} was created", created.application.name),
        secret: created.client_secret.clone().unwrap_or_default(),
    }
}

#[server(prefix = "/rpc", endpoint = "applications/save")]
pub async fn save_application(
    id: String,
    name: String,
    description: Option<String>,
    callbacks: Option<String>,
    allowed_logout_urls: Option<String>,
    web_origins: Option<String>,
    allowed_origins: Option<String>,
    token_endpoint_auth_method: String,
    /// Grant Types: each ticked box sends its grant type's name with "on".
    grant_authorization_code: Option<String>,
    grant_refresh_token: Option<String>,
    grant_implicit: Option<String>,
    grant_client_credentials: Option<String>,
    id_token_signed_response_alg: Option<String>,
    backchannel_logout_uri: Option<String>,
    /// The public keys for private_key_jwt, as JSON text (empty: none).
    jwks: Option<String>,
) -> Result<Application, AppError> {
    use super::ssr::*;
    use crate::applications::GrantType;
    let admin = require_admin()?;
    let ticked = [
        (grant_authorization_code, GrantType::AuthorizationCode),
        (grant_refresh_token, GrantType::RefreshToken),
        (grant_implicit, GrantType::Implicit),
        (grant_client_credentials, GrantType::ClientCredentials),
    ];
    let grant_types = ticked.into_iter().filter(|(on, _)| on.is_some()).map(|(_, g)| g.as_str().to_string()).collect();
    let jwks = match jwks.as_deref().map(str::trim).filter(|j| !j.is_empty()) {
        None => Some(serde_json::Value::Null),
        Some(text) => Some(serde_json::from_str(text).map_err(|e| {
            set_status(http::StatusCode::BAD_REQUEST);
            AppError::Invalid(vec![crate::error::FieldError::new("jwks", format!("is not JSON: {e}"))])
        })?),
    };
    let body = crate::applications::UpdateApplication {
        name: Some(name),
        description: Some(description.unwrap_or_default()),
        // A field the page did not show (a machine-to-machine application has no URIs) keeps
        // its value; an emptied one is cleared.
        callbacks: callbacks.map(|c| split_urls(&c)),
        allowed_logout_urls: allowed_logout_urls.map(|u| split_urls(&u)),
        web_origins: web_origins.map(|u| split_urls(&u)),
        allowed_origins: allowed_origins.map(|u| split_urls(&u)),
        token_endpoint_auth_method: Some(token_endpoint_auth_method),
        grant_types: Some(grant_types),
        id_token_signed_response_alg,
        backchannel_logout_uri,
        jwks,
        ..Default::default()
    };
    let editor = crate::backend::applications::Editor { name: &admin.email, may_change_keys: true };
    crate::backend::applications::update_application_by(&state()?, &id, body, editor).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "applications/rotate_secret")]
pub async fn rotate_application_secret(id: String) -> Result<ApplicationWithSecret, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::applications::rotate_secret(&state()?, &id).await.map_err(fail)
}

/// "Delete application": the admin types the application's name to confirm.
#[server(prefix = "/rpc", endpoint = "applications/delete")]
pub async fn delete_application(id: String, confirm_name: String) -> Result<(), AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let current = crate::backend::applications::get_application(&state, &id).await.map_err(fail)?;
    require_typed_name(&current.name, &confirm_name)?;
    crate::backend::applications::delete_application(&state, &id).await.map_err(fail)
}

/// The application's Connections tab: every connection, and whether it is enabled for it.
#[server(prefix = "/rpc", endpoint = "applications/connections")]
pub async fn application_connections(id: String) -> Result<Vec<Toggle>, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let query = crate::connections::ListQuery { per_page: crate::connections::MAX_PER_PAGE, ..Default::default() };
    let (connections, _) = crate::backend::connections::list_connections(&state, query).await.map_err(fail)?;
    Ok(connections
        .into_iter()
        .map(|c| Toggle { enabled: c.enabled_clients.contains(&id), kind: c.strategy.label().to_string(), id: c.id, name: c.name })
        .collect())
}

/// The connection's Applications tab: every application, and whether the connection is enabled for it.
#[server(prefix = "/rpc", endpoint = "connections/applications")]
pub async fn connection_applications(connection_id: String) -> Result<Vec<Toggle>, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let connection = crate::backend::connections::get_connection(&state, &connection_id).await.map_err(fail)?;
    let (apps, _) = crate::backend::applications::list_applications(&state, None, 0, crate::connections::MAX_PER_PAGE).await.map_err(fail)?;
    Ok(apps
        .into_iter()
        .map(|a| Toggle { enabled: connection.enabled_clients.contains(&a.client_id), kind: a.app_type.label().to_string(), id: a.client_id, name: a.name })
        .collect())
}

/// Enables or disables a connection for an application (both tabs call this).
#[server(prefix = "/rpc", endpoint = "connections/set_enabled")]
pub async fn set_connection_enabled(connection_id: String, client_id: String, enabled: bool) -> Result<(), AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::connections::set_enabled_for_application(&state()?, &connection_id, &client_id, enabled).await.map_err(fail)
}

/// A machine-to-machine application's access to the Management API: its audience, every scope
/// there is, and the ones granted (`None`: not authorized).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiAccess {
    pub audience: String,
    pub all_scopes: Vec<String>,
    pub granted: Option<Vec<String>>,
}

#[server(prefix = "/rpc", endpoint = "applications/management_api")]
pub async fn management_api_access(client_id: String) -> Result<ApiAccess, AppError> {
    use super::ssr::*;
    use crate::backend::applications::grants;
    require_admin()?;
    let state = state()?;
    let audience = grants::management_audience(&state);
    let granted = grants::find(&state, &client_id, &audience).await.map_err(fail)?.map(|g| g.scope);
    let all_scopes = crate::backend::admin::tokens::ALL_SCOPES.iter().map(|s| s.to_string()).collect();
    Ok(ApiAccess { audience, all_scopes, granted })
}

/// "Authorized" and its permissions: creates, changes or (when not authorized) deletes the
/// application's client grant for the Management API, through the same service as
/// `/api/v2/client-grants`.
#[server(prefix = "/rpc", endpoint = "applications/save_management_api")]
pub async fn save_management_api_access(client_id: String, authorized: bool, scope: Vec<String>) -> Result<ApiAccess, AppError> {
    use super::ssr::*;
    use crate::backend::applications::grants::{self, CreateClientGrant, UpdateClientGrant};
    require_admin()?;
    let state = state()?;
    let audience = grants::management_audience(&state);
    match (grants::find(&state, &client_id, &audience).await.map_err(fail)?, authorized) {
        (Some(g), true) => {
            grants::update(&state, &g.id, UpdateClientGrant { scope }).await.map_err(fail)?;
        }
        (Some(g), false) => grants::delete(&state, &g.id).await.map_err(fail)?,
        (None, true) => {
            grants::create(&state, CreateClientGrant { client_id: client_id.clone(), audience: audience.clone(), scope }).await.map_err(fail)?;
        }
        (None, false) => {}
    }
    management_api_access(client_id).await
}
