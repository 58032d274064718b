//! Server functions for the Provisioning tab's SCIM section: the connection's SCIM endpoint and
//! its bearer tokens (generate, shown once; list; revoke). Thin: each checks the admin and calls
//! `backend::scim::tokens`.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A SCIM token as the tab lists it (never the token itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScimTokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScimView {
    pub endpoint: String,
    pub tokens: Vec<ScimTokenRow>,
}

/// A token just generated: the one time its secret is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewScimToken {
    pub token: ScimTokenRow,
    pub secret: String,
}

#[cfg(feature = "ssr")]
fn row(t: crate::backend::scim::tokens::ScimToken) -> ScimTokenRow {
    use crate::backend::clock::format_utc;
    ScimTokenRow { id: t.id, name: t.name, created: format_utc(t.created_at), last_used: t.last_used_at.map(format_utc) }
}

#[server(prefix = "/rpc", endpoint = "connections/scim")]
pub async fn scim_settings(connection_id: String) -> Result<ScimView, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let connection = crate::backend::connections::get_connection(&state, &connection_id).await.map_err(fail)?;
    let tokens = crate::backend::scim::tokens::list(&state, &connection.id).await.map_err(fail)?;
    Ok(ScimView { endpoint: crate::backend::scim::endpoint(&state, &connection.id), tokens: tokens.into_iter().map(row).collect() })
}

#[server(prefix = "/rpc", endpoint = "connections/scim/create_token")]
pub async fn create_scim_token(connection_id: String, name: String) -> Result<NewScimToken, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let connection = crate::backend::connections::get_connection(&state, &connection_id).await.map_err(fail)?;
    let (token, secret) = crate::backend::scim::tokens::create(&state, &connection.id, &name).await.map_err(fail)?;
    Ok(NewScimToken { token: row(token), secret })
}

#[server(prefix = "/rpc", endpoint = "connections/scim/revoke_token")]
pub async fn revoke_scim_token(connection_id: String, token_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::scim::tokens::revoke(&state()?, &connection_id, &token_id).await.map_err(fail)?;
    Ok(token_id)
}
