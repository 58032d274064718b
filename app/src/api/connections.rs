//! Server functions of the Enterprise connections screens. Each checks the admin session, turns
//! the form into the same `CreateConnection` / `UpdateConnection` the Management API accepts,
//! and calls the same service (`backend::connections`): no rule is written here.

use crate::connections::options::*;
use crate::connections::{CheckStatus, Connection, IssuerCheck, Strategy};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of the connections table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    pub id: String,
    pub name: String,
    pub strategy: Strategy,
    /// The issuer URL, or the Okta domain.
    pub issuer_or_domain: String,
    pub channel: Channel,
    pub applications: usize,
    pub status: CheckStatus,
    /// What the connection still lacks before it can sign anyone in.
    pub not_ready: Option<String>,
}

impl From<&Connection> for ConnectionSummary {
    fn from(c: &Connection) -> Self {
        ConnectionSummary {
            id: c.id.clone(),
            name: c.name.clone(),
            strategy: c.strategy,
            issuer_or_domain: c.options.domain.clone().unwrap_or_else(|| c.options.issuer.clone()),
            channel: c.options.channel,
            applications: c.enabled_clients.len(),
            status: c.status,
            not_ready: c.not_ready.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectionListing {
    pub items: Vec<ConnectionSummary>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Facts of this deployment the forms show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeploymentInfo {
    /// `{public}/login/callback`: "Ensure that this value is configured for the app you
    /// registered with the OIDC Identity Provider."
    pub callback_url: String,
    pub public_base: String,
    /// `TESSERA_ALLOW_PRIVATE_NETWORK`: the forms apply the same URL rules as the server.
    pub allow_private_network: bool,
}

impl DeploymentInfo {
    pub fn rules(&self) -> crate::connections::validate::Rules {
        crate::connections::validate::Rules { allow_private_network: self.allow_private_network }
    }

    /// Where an identity provider sends Global Token Revocation requests for a connection.
    pub fn revocation_url(&self, connection_id: &str) -> String {
        format!("{}/global-token-revocation/{connection_id}", self.public_base)
    }
}

/// A signing key made for the create form: its public half to show, its id to send back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedSigningKey {
    pub id: String,
    /// The public JWK Set, pretty-printed.
    pub public_jwks: String,
}

/// The live connection-name check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NameCheck {
    Available,
    Taken,
    Invalid(String),
}

pub const PAGE_SIZE: u64 = 25;

#[server(prefix = "/rpc", endpoint = "connections/list")]
pub async fn list_connections(q: Option<String>, page: Option<u64>) -> Result<ConnectionListing, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let query = crate::connections::ListQuery {
        search: q.filter(|s| !s.trim().is_empty()),
        // A page past any real list renders as an empty page, never an overflow.
        page: page.unwrap_or(0).min(crate::connections::MAX_PAGE),
        per_page: PAGE_SIZE,
        ..Default::default()
    };
    let (page, per_page) = (query.page, query.per_page);
    let (connections, total) = crate::backend::connections::list_connections(&state, query).await.map_err(fail)?;
    Ok(ConnectionListing { items: connections.iter().map(ConnectionSummary::from).collect(), total, page, per_page })
}

#[server(prefix = "/rpc", endpoint = "connections/get")]
pub async fn get_connection(id: String) -> Result<Connection, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::connections::get_connection(&state()?, &id).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "connections/info")]
pub async fn get_deployment_info() -> Result<DeploymentInfo, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    Ok(DeploymentInfo {
        callback_url: state.env.callback_url(),
        public_base: state.env.public_base(),
        allow_private_network: state.env.allow_private_network,
    })
}

/// The live issuer checkmark: the same check the Management API runs on create.
#[server(prefix = "/rpc", endpoint = "connections/check_issuer")]
pub async fn check_issuer(url: String, channel: Channel) -> Result<IssuerCheck, AppError> {
    use super::ssr::*;
    require_admin()?;
    Ok(crate::backend::connections::check_issuer(&state()?, &url, channel).await)
}

/// The live name check: the format rule, then uniqueness.
#[server(prefix = "/rpc", endpoint = "connections/check_name")]
pub async fn check_connection_name(name: String) -> Result<NameCheck, AppError> {
    use super::ssr::*;
    require_admin()?;
    if let Err(m) = crate::connections::validate::check_name(name.trim()) {
        return Ok(NameCheck::Invalid(m));
    }
    let free = crate::backend::connections::name_available(&state()?, &name).await.map_err(fail)?;
    Ok(if free { NameCheck::Available } else { NameCheck::Taken })
}

/// Private Key JWT on the create form: a key pair made now, so the admin can register its public
/// key at the identity provider before creating the connection.
#[server(prefix = "/rpc", endpoint = "connections/prepare_signing_key")]
pub async fn prepare_signing_key(alg: SigningAlg) -> Result<PreparedSigningKey, AppError> {
    use super::ssr::*;
    require_admin()?;
    let key = crate::backend::connections::keys::prepare_pending(&state()?, alg).await.map_err(fail)?;
    Ok(PreparedSigningKey { id: key.id, public_jwks: serde_json::to_string_pretty(&key.public_jwks).unwrap_or_default() })
}

/// "Create" on the OpenID Connect form. Works as a plain form post too.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/rpc", endpoint = "connections/create_oidc")]
pub async fn create_oidc_connection(
    name: String,
    purpose: Option<String>,
    discovery_url: String,
    client_id: String,
    channel: Option<String>,
    auth_method: Option<String>,
    client_secret: Option<String>,
    signing_alg: Option<String>,
    pending_key: Option<String>,
    sync_attributes: Option<String>,
    domain_level: Option<String>,
) -> Result<Connection, AppError> {
    use super::ssr::*;
    require_admin()?;
    let channel = channel.as_deref().and_then(Channel::parse).unwrap_or(Channel::BackChannel);
    let method = auth_method.as_deref().and_then(TokenEndpointAuthMethod::parse);
    let private_key_jwt = channel == Channel::BackChannel && method == Some(TokenEndpointAuthMethod::PrivateKeyJwt);
    let options = OptionsInput {
        channel: Some(channel),
        discovery_url: ssr::non_empty(Some(discovery_url)),
        client_id: Some(client_id),
        client_secret: if channel == Channel::BackChannel { ssr::non_empty(client_secret) } else { None },
        token_endpoint_auth_method: if channel == Channel::BackChannel { method } else { None },
        token_endpoint_auth_signing_alg: if private_key_jwt { signing_alg.as_deref().and_then(SigningAlg::parse) } else { None },
        purpose: purpose.as_deref().and_then(Purpose::parse),
        set_user_root_attributes: Some(if ssr::checked(&sync_attributes) { SetUserRootAttributes::OnEachLogin } else { SetUserRootAttributes::OnFirstLogin }),
        ..Default::default()
    };
    let pending_key = if private_key_jwt { ssr::non_empty(pending_key) } else { None };
    ssr::create(name, Strategy::Oidc, options, ssr::checked(&domain_level), pending_key).await
}

/// "Create" on the Okta Workforce form.
#[server(prefix = "/rpc", endpoint = "connections/create_okta")]
pub async fn create_okta_connection(
    name: String,
    domain: String,
    client_id: String,
    client_secret: String,
) -> Result<Connection, AppError> {
    use super::ssr::*;
    require_admin()?;
    let options = OptionsInput {
        domain: ssr::non_empty(Some(domain)),
        client_id: Some(client_id),
        client_secret: ssr::non_empty(Some(client_secret)),
        ..Default::default()
    };
    ssr::create(name, Strategy::Okta, options, false, None).await
}


/// Settings tab → "Save Changes". Fields the strategy does not have are ignored. A new
/// discovery URL re-runs the issuer check; an uploaded discovery document replaces the issuer
/// details; a blank client secret keeps the stored one.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/rpc", endpoint = "connections/save_settings")]
pub async fn save_connection_settings(
    id: String,
    discovery_url: Option<String>,
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    jwks_uri: Option<String>,
    oidc_metadata: Option<String>,
    domain: Option<String>,
    channel: Option<String>,
    auth_method: Option<String>,
    signing_alg: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Option<String>,
    mapping_mode: Option<String>,
    attributes: Option<String>,
    pkce: Option<String>,
    purpose: Option<String>,
    domain_level: Option<String>,
) -> Result<Connection, AppError> {
    use super::ssr::*;
    use crate::error::FieldError;
    require_admin()?;
    let uploaded = match ssr::non_empty(oidc_metadata) {
        Some(text) => Some(serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
            AppError::Invalid(vec![FieldError::new("options.oidc_metadata", format!("is not valid JSON: {e}"))])
        })?),
        None => None,
    };
    let attributes = match ssr::non_empty(attributes) {
        Some(text) => Some(serde_json::from_str::<std::collections::BTreeMap<String, String>>(&text).map_err(|e| {
            AppError::Invalid(vec![FieldError::new(
                "options.attribute_map.attributes",
                format!("must be a JSON object mapping attribute names to templates: {e}"),
            )])
        })?),
        None => None,
    };
    ssr::update(&id, Some(ssr::checked(&domain_level)), |current, o| {
        if current.strategy == Strategy::Oidc {
            o.discovery_url = ssr::non_empty(discovery_url);
            o.channel = channel.as_deref().and_then(Channel::parse);
            let replaced = o.discovery_url != current.options.discovery_url || uploaded.is_some();
            if replaced {
                // The issuer details come from the new discovery document.
                for field in crate::connections::validate::issuer_settings(o) {
                    *field = None;
                }
                o.oidc_metadata = uploaded;
            } else {
                o.issuer = ssr::non_empty(issuer);
                o.authorization_endpoint = ssr::non_empty(authorization_endpoint);
                o.token_endpoint = ssr::non_empty(token_endpoint);
                o.userinfo_endpoint = ssr::non_empty(userinfo_endpoint);
                o.jwks_uri = ssr::non_empty(jwks_uri);
                if o.issuer.as_deref() != Some(current.options.issuer.as_str()) {
                    o.oidc_metadata = None;
                }
            }
            o.token_endpoint_auth_method = auth_method.as_deref().and_then(TokenEndpointAuthMethod::parse);
            o.token_endpoint_auth_signing_alg = if o.token_endpoint_auth_method == Some(TokenEndpointAuthMethod::PrivateKeyJwt) {
                signing_alg.as_deref().and_then(SigningAlg::parse)
            } else {
                None
            };
        } else {
            o.domain = ssr::non_empty(domain);
        }
        o.client_id = client_id;
        o.client_secret = ssr::non_empty(client_secret);
        o.scope = None;
        o.scopes = scopes;
        let mut map = o.attribute_map.take().unwrap_or_default();
        map.mapping_mode = mapping_mode.as_deref().and_then(MappingMode::parse);
        map.attributes = attributes;
        o.attribute_map = Some(map);
        o.connection_settings = Some(ConnectionSettings { pkce: pkce.as_deref().and_then(Pkce::parse) });
        o.purpose = purpose.as_deref().and_then(Purpose::parse);
    })
    .await
}

/// Provisioning tab → "Save Changes".
#[server(prefix = "/rpc", endpoint = "connections/save_provisioning")]
pub async fn save_connection_provisioning(
    id: String,
    sync_attributes: Option<String>,
    sync_frequency: Option<String>,
    scim_enabled: Option<String>,
) -> Result<Connection, AppError> {
    use super::ssr::*;
    require_admin()?;
    ssr::update(&id, None, |_, o| {
        o.set_user_root_attributes =
            Some(if ssr::checked(&sync_attributes) { SetUserRootAttributes::OnEachLogin } else { SetUserRootAttributes::OnFirstLogin });
        o.sync_frequency = sync_frequency.as_deref().and_then(SyncFrequency::parse);
        o.scim_enabled = Some(ssr::checked(&scim_enabled));
    })
    .await
}

/// Login Experience tab → "Save Changes". `domain_aliases` is one domain per line (or comma).
#[server(prefix = "/rpc", endpoint = "connections/save_login_experience")]
pub async fn save_login_experience(
    id: String,
    domain_aliases: Option<String>,
    show_as_button: Option<String>,
    display_name: Option<String>,
    icon_url: Option<String>,
) -> Result<Connection, AppError> {
    use super::ssr::*;
    require_admin()?;
    let domains: Vec<String> = domain_aliases
        .unwrap_or_default()
        .split(|c: char| c == ',' || c == '\n' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    ssr::update_with(&id, |_, o, body| {
        o.domain_aliases = Some(domains);
        o.icon_url = ssr::non_empty(icon_url);
        body.show_as_button = Some(ssr::checked(&show_as_button));
        body.display_name = Some(display_name.unwrap_or_default().trim().to_string());
    })
    .await
}

/// "Delete connection": the admin types the connection's name to confirm.
#[server(prefix = "/rpc", endpoint = "connections/delete")]
pub async fn delete_connection(id: String, confirm_name: String) -> Result<(), AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let current = crate::backend::connections::get_connection(&state, &id).await.map_err(fail)?;
    require_typed_name(&current.name, &confirm_name)?;
    crate::backend::connections::delete_connection(&state, &id).await.map_err(fail)?;
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::ssr::*;
    use crate::connections::{Connection, CreateConnection, OptionsInput, Strategy, UpdateConnection};
    use crate::error::AppError;

    /// A checkbox's value: present and not "false"/"off".
    pub fn checked(value: &Option<String>) -> bool {
        value.as_deref().is_some_and(|v| !v.is_empty() && v != "false" && v != "off")
    }

    pub fn non_empty(value: Option<String>) -> Option<String> {
        value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    pub async fn create(
        name: String,
        strategy: Strategy,
        options: OptionsInput,
        domain_level: bool,
        pending_key: Option<String>,
    ) -> Result<Connection, AppError> {
        let body = CreateConnection {
            name: name.trim().to_string(),
            strategy: strategy.as_str().into(),
            options,
            is_domain_connection: Some(domain_level),
            ..Default::default()
        };
        let created = crate::backend::connections::create_connection_with_key(&state()?, body, pending_key.as_deref())
            .await
            .map_err(fail)?;
        leptos_axum::redirect(&format!("/connections/enterprise/{}/settings", created.id));
        Ok(created)
    }

    /// Starts from the stored options (as input), lets the tab change its fields, and saves them
    /// whole through the same update service the Management API's PATCH uses.
    pub async fn update_with(
        id: &str,
        change: impl FnOnce(&Connection, &mut OptionsInput, &mut UpdateConnection),
    ) -> Result<Connection, AppError> {
        let state = state()?;
        let current = crate::backend::connections::get_connection(&state, id).await.map_err(fail)?;
        let mut options = current.options.to_input(current.strategy);
        let mut body = UpdateConnection::default();
        change(&current, &mut options, &mut body);
        body.options = Some(options);
        crate::backend::connections::update_connection(&state, id, body).await.map_err(fail)
    }

    pub async fn update(
        id: &str,
        domain_level: Option<bool>,
        change: impl FnOnce(&Connection, &mut OptionsInput),
    ) -> Result<Connection, AppError> {
        update_with(id, |current, options, body| {
            change(current, options);
            body.is_domain_connection = domain_level;
        })
        .await
    }
}
