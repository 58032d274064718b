//! A connection's SCIM configuration in Auth0's shape (`/api/v2/connections/{id}/scim-configuration`):
//! whether the connection takes SCIM provisioning, which SCIM attribute identifies a user, and the
//! attribute mapping. Tessera's mapping is fixed (the one its SCIM endpoint applies); scripts
//! that turn SCIM on read it, and may send it back unchanged.

use crate::backend::connections;
use crate::backend::error::Resource;
use crate::backend::{AppState, Error, Result};
use serde::{Deserialize, Serialize};

/// One mapping entry: a Tessera (Auth0) user attribute and the SCIM attribute it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub auth0: String,
    pub scim: String,
}

/// The mapping Tessera's SCIM endpoint applies.
pub fn default_mapping() -> Vec<Mapping> {
    [
        ("preferred_username", "userName"),
        ("email", "emails[primary eq true].value"),
        ("app_metadata.external_id", "externalId"),
        ("blocked", "active"),
        ("name", "displayName"),
        ("given_name", "name.givenName"),
        ("family_name", "name.familyName"),
        ("middle_name", "name.middleName"),
        ("nickname", "nickName"),
        ("locale", "locale"),
        ("zoneinfo", "timezone"),
        ("department", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
    ]
    .into_iter()
    .map(|(auth0, scim)| Mapping { auth0: auth0.into(), scim: scim.into() })
    .collect()
}

/// The SCIM attribute that identifies a user to Tessera.
pub const USER_ID_ATTRIBUTE: &str = "externalId";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScimConfiguration {
    pub connection_id: String,
    pub connection_name: String,
    pub strategy: String,
    pub tenant_name: String,
    pub user_id_attribute: String,
    pub mapping: Vec<Mapping>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_on: String,
}

/// `POST` and `PATCH`: both fields optional; the mapping, when sent, must be Tessera's own.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScimConfigurationInput {
    #[serde(default)]
    pub user_id_attribute: Option<String>,
    #[serde(default)]
    pub mapping: Option<Vec<Mapping>>,
}

fn check(input: &ScimConfigurationInput) -> Result<()> {
    if input.user_id_attribute.as_deref().is_some_and(|a| a != USER_ID_ATTRIBUTE) {
        return Err(Error::invalid("user_id_attribute", format!("must be {USER_ID_ATTRIBUTE}: Tessera identifies provisioned users by it")));
    }
    if input.mapping.as_ref().is_some_and(|m| *m != default_mapping()) {
        return Err(Error::invalid("mapping", "must be Tessera's mapping (GET …/scim-configuration/default-mapping): it is fixed"));
    }
    Ok(())
}

fn missing() -> Error {
    Error::not_found(Resource::Connection, "SCIM is not configured for this connection.")
}

/// The configuration, when the connection takes SCIM.
pub async fn get(state: &AppState, connection_id: &str) -> Result<ScimConfiguration> {
    let c = connections::get_connection(state, connection_id).await?;
    if !c.options.scim_enabled {
        return Err(missing());
    }
    Ok(ScimConfiguration {
        connection_name: c.name.clone(),
        strategy: c.strategy.as_str().to_string(),
        tenant_name: state.env.public_url.host_str().unwrap_or("tessera").to_string(),
        user_id_attribute: USER_ID_ATTRIBUTE.into(),
        mapping: default_mapping(),
        created_at: c.created_at.clone(),
        updated_on: c.updated_at.clone(),
        connection_id: c.id,
    })
}

/// Turns SCIM on (`POST`): a connection that has it already is a 409.
pub async fn create(state: &AppState, connection_id: &str, input: ScimConfigurationInput) -> Result<ScimConfiguration> {
    check(&input)?;
    let c = connections::get_connection(state, connection_id).await?;
    if c.options.scim_enabled {
        return Err(Error::conflict(Resource::Connection, "scim_configuration", "already exists for this connection"));
    }
    connections::set_scim_enabled(state, connection_id, true).await?;
    get(state, connection_id).await
}

/// `PATCH`: only what Tessera already has may be sent.
pub async fn update(state: &AppState, connection_id: &str, input: ScimConfigurationInput) -> Result<ScimConfiguration> {
    check(&input)?;
    get(state, connection_id).await
}

/// Turns SCIM off; its tokens stay (and work again when it is turned back on).
pub async fn delete(state: &AppState, connection_id: &str) -> Result<()> {
    get(state, connection_id).await?;
    connections::set_scim_enabled(state, connection_id, false).await?;
    Ok(())
}
