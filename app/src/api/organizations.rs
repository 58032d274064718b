//! Server functions for the Organizations pages. Thin: each checks the admin and calls
//! `backend::organizations` (the same functions `/api/v2/organizations` calls).

use crate::error::AppError;
use crate::organizations::{EnabledConnection, Organization, OrganizationDomain, SetupLink};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A row of the Organizations list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRow {
    pub organization: Organization,
    pub connections: usize,
    pub domains: Vec<String>,
}

/// Everything an organization's page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    pub organization: Organization,
    pub connections: Vec<EnabledConnection>,
    pub domains: Vec<OrganizationDomain>,
    pub setup_links: Vec<SetupLink>,
    /// Applications a setup link can enable the new connection for: (client_id, name).
    pub applications: Vec<(String, String)>,
    /// Connections no organization owns yet: (id, name).
    pub unowned_connections: Vec<(String, String)>,
    /// Whether a mail server is configured: "Invite IT admin" can then email the link.
    pub email_invitations: bool,
}

/// A new setup link: its URL is shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewSetupLink {
    pub link: SetupLink,
    pub url: String,
    /// The address the link was emailed to.
    pub emailed_to: Option<String>,
    /// Why the email asked for was not sent (the link exists anyway).
    pub email_error: Option<String>,
}

/// What "Verify" found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DomainCheck {
    Verified(OrganizationDomain),
    NotYet(String),
}

#[server(prefix = "/rpc", endpoint = "organizations/list")]
pub async fn list_organizations(q: Option<String>) -> Result<Vec<OrganizationRow>, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let mut rows = Vec::new();
    for organization in crate::backend::organizations::list(&state, q.as_deref()).await.map_err(fail)? {
        let connections = crate::backend::organizations::connection_ids(&state, &organization.id).await.map_err(fail)?.len();
        let domains = crate::backend::organizations::domains::list(&state, &organization.id).await.map_err(fail)?.into_iter().map(|d| d.domain).collect();
        rows.push(OrganizationRow { organization, connections, domains });
    }
    Ok(rows)
}

/// After Create Organization, with or without wasm: the toast, and the organization's page.
pub fn organization_created(org: &Organization) -> (String, String) {
    (format!("Organization {} created", org.label()), format!("/organizations/{}", crate::text::encode_path_segment(&org.id)))
}

#[server(prefix = "/rpc", endpoint = "organizations/create")]
pub async fn create_organization(name: String, display_name: Option<String>) -> Result<Organization, AppError> {
    use super::ssr::*;
    require_admin()?;
    let input = crate::organizations::OrganizationInput { name: Some(name), display_name, metadata: None };
    let created = crate::backend::organizations::create(&state()?, input).await.map_err(fail);
    answer_plain_form::<CreateOrganization, _>(&created, "/organizations/new", organization_created);
    created
}

#[server(prefix = "/rpc", endpoint = "organizations/details")]
pub async fn load_organization(id: String) -> Result<OrganizationDetails, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    use crate::backend::organizations as orgs;
    let organization = orgs::get(&state, &id).await.map_err(fail)?;
    let connections = orgs::enabled_connections(&state, &id).await.map_err(fail)?;
    let domains = orgs::domains::list(&state, &id).await.map_err(fail)?;
    let setup_links = orgs::setup::list(&state, &id).await.map_err(fail)?;
    let (apps, _) = crate::backend::applications::list_applications(&state, None, 0, 100).await.map_err(fail)?;
    let applications = apps.into_iter().map(|a| (a.client_id, a.name)).collect();
    let query = crate::connections::ListQuery { per_page: 100, ..Default::default() };
    let (all, _) = crate::backend::connections::list_connections(&state, query).await.map_err(fail)?;
    let owned = orgs::owned_connection_ids(&state).await.map_err(fail)?;
    let unowned_connections = all.into_iter().filter(|c| !owned.contains(&c.id)).map(|c| (c.id, c.name)).collect();
    let email_invitations = crate::backend::mail::configured(&state.env.operations);
    Ok(OrganizationDetails { organization, connections, domains, setup_links, applications, unowned_connections, email_invitations })
}

#[server(prefix = "/rpc", endpoint = "organizations/save")]
pub async fn save_organization(id: String, display_name: String) -> Result<Organization, AppError> {
    use super::ssr::*;
    require_admin()?;
    let input = crate::organizations::OrganizationInput { name: None, display_name: Some(display_name), metadata: None };
    crate::backend::organizations::update(&state()?, &id, input).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "organizations/delete")]
pub async fn delete_organization(id: String, confirm_name: String) -> Result<(), AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let org = crate::backend::organizations::get(&state, &id).await.map_err(fail)?;
    require_typed_name(&org.name, &confirm_name)?;
    crate::backend::organizations::delete(&state, &id).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "organizations/enable_connection")]
pub async fn enable_organization_connection(id: String, connection_id: String) -> Result<EnabledConnection, AppError> {
    use super::ssr::*;
    require_admin()?;
    let input = crate::organizations::EnabledConnectionInput { connection_id: Some(connection_id), ..Default::default() };
    crate::backend::organizations::enable_connection(&state()?, &id, input).await.map_err(fail)
}

/// "Configure manually": creates the organization's connection from the form.
#[server(prefix = "/rpc", endpoint = "organizations/configure_connection")]
pub async fn configure_organization_connection(
    id: String,
    provider: String,
    display_name: String,
    client_id: String,
    client_secret: String,
    discovery_endpoint: String,
) -> Result<crate::connections::Connection, AppError> {
    use super::ssr::*;
    use crate::organizations::SetupProvider;
    require_admin()?;
    let provider = match provider.as_str() {
        "okta" => Some(SetupProvider::Okta),
        "oidc" => Some(SetupProvider::Oidc),
        _ => None,
    };
    let input = crate::organizations::ManualConnection { provider, display_name, client_id, client_secret, discovery_endpoint };
    crate::backend::organizations::manual::configure(&state()?, &id, input).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "organizations/disable_connection")]
pub async fn disable_organization_connection(id: String, connection_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::organizations::disable_connection(&state()?, &id, &connection_id).await.map_err(fail)?;
    Ok(connection_id)
}

#[server(prefix = "/rpc", endpoint = "organizations/add_domain")]
pub async fn add_organization_domain(id: String, domain: String, verify_with_dns: Option<String>) -> Result<OrganizationDomain, AppError> {
    use super::ssr::*;
    require_admin()?;
    let verified = verify_with_dns.is_none_or(|v| v.is_empty() || v == "false");
    crate::backend::organizations::domains::add(&state()?, &id, &domain, verified).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "organizations/verify_domain")]
pub async fn verify_organization_domain(id: String, domain_id: String) -> Result<DomainCheck, AppError> {
    use super::ssr::*;
    require_admin()?;
    use crate::backend::organizations::domains::{verify, Verification};
    Ok(match verify(&state()?, &id, &domain_id).await.map_err(fail)? {
        Verification::Verified(d) => DomainCheck::Verified(d),
        Verification::NotYet(reason) => DomainCheck::NotYet(reason),
    })
}

#[server(prefix = "/rpc", endpoint = "organizations/remove_domain")]
pub async fn remove_organization_domain(id: String, domain_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::organizations::domains::remove(&state()?, &id, &domain_id).await.map_err(fail)?;
    Ok(domain_id)
}

/// "Invite IT admin".
#[server(prefix = "/rpc", endpoint = "organizations/create_setup_link")]
pub async fn create_setup_link(id: String, expires_in_days: u32, client_ids: Option<Vec<String>>, email: Option<String>) -> Result<NewSetupLink, AppError> {
    use super::ssr::*;
    let admin = require_admin()?;
    let invited = crate::backend::organizations::invite::invite(&state()?, &id, expires_in_days, client_ids.unwrap_or_default(), &admin.email, email.as_deref())
        .await
        .map_err(fail)?;
    let (emailed_to, email_error) = match invited.email {
        Some(Ok(to)) => (Some(to), None),
        Some(Err(reason)) => (None, Some(reason)),
        None => (None, None),
    };
    Ok(NewSetupLink { link: invited.created.link, url: invited.created.url, emailed_to, email_error })
}

#[server(prefix = "/rpc", endpoint = "organizations/revoke_setup_link")]
pub async fn revoke_setup_link(id: String, link_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::organizations::setup::revoke(&state()?, &id, &link_id).await.map_err(fail)?;
    Ok(link_id)
}
