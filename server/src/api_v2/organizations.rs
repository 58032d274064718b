//! `/api/v2/organizations` in Auth0's shape (`id`, `name`, `display_name`, `metadata`), its
//! `enabled_connections` (an organization owns its connections: one organization each) and its
//! email domains (`discovery-domains`, as Auth0's organization discovery domains: `pending` until
//! a DNS TXT record proves them, or added `verified` by the admin). Thin handlers over
//! `backend::organizations`.

use super::error::{ApiError, ErrorBody};
use super::extract::{Caller, JsonBody};
use app::backend::organizations::{self as service, domains};
use app::backend::AppState;
use app::organizations::{EnabledConnection, EnabledConnectionInput, Organization, OrganizationDomain, OrganizationInput};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

super::paging::list_schemas!(OrganizationList, OrganizationPage, OrganizationCheckpoint, organizations, Organization);

pub const PAGED: super::paging::ListSpec = super::paging::ListSpec { filters: &[], checkpoint: true };

#[utoipa::path(
    get, path = "/api/v2/organizations", tag = "organizations", summary = "List organizations",
    params(super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "Organizations by name", body = OrganizationList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organizations", body = ErrorBody),
    ),
    security(("bearer" = ["read:organizations"]))
)]
pub async fn list_organizations(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:organizations")?;
    let q = super::paging::parse(raw.as_deref(), &PAGED)?;
    q.respond_all("organizations", service::list(&state, None).await?)
}

#[utoipa::path(
    post, path = "/api/v2/organizations", tag = "organizations", summary = "Create an organization",
    request_body = OrganizationInput,
    responses(
        (status = 201, description = "Created", body = Organization),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:organizations", body = ErrorBody),
        (status = 409, description = "An organization with this name exists", body = ErrorBody),
    ),
    security(("bearer" = ["create:organizations"]))
)]
pub async fn create_organization(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody<OrganizationInput>) -> Result<Response, ApiError> {
    caller.require("create:organizations")?;
    let org = service::create(&state, body).await?;
    let location = format!("/api/v2/organizations/{}", org.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(org)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}", tag = "organizations", summary = "Get an organization",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    responses(
        (status = 200, description = "The organization", body = Organization),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organizations", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organizations"]))
)]
pub async fn get_organization(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Organization>, ApiError> {
    caller.require("read:organizations")?;
    Ok(Json(service::get(&state, &id).await?))
}

#[utoipa::path(
    get, path = "/api/v2/organizations/name/{name}", tag = "organizations", summary = "Get an organization by its name",
    params(("name" = String, Path, description = "The organization's name")),
    responses(
        (status = 200, description = "The organization", body = Organization),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organizations", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organizations"]))
)]
pub async fn get_organization_by_name(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> Result<Json<Organization>, ApiError> {
    caller.require("read:organizations")?;
    Ok(Json(service::get_by_name(&state, &name).await?))
}

#[utoipa::path(
    patch, path = "/api/v2/organizations/{id}", tag = "organizations", summary = "Change an organization",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    request_body = OrganizationInput,
    responses(
        (status = 200, description = "The organization", body = Organization),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:organizations", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
        (status = 409, description = "An organization with this name exists", body = ErrorBody),
    ),
    security(("bearer" = ["update:organizations"]))
)]
pub async fn update_organization(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<OrganizationInput>) -> Result<Json<Organization>, ApiError> {
    caller.require("update:organizations")?;
    Ok(Json(service::update(&state, &id, body).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/organizations/{id}", tag = "organizations", summary = "Delete an organization",
    description = "Its domains and setup links go; its connections stay, owned by no organization.",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:organizations", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["delete:organizations"]))
)]
pub async fn delete_organization(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    caller.require("delete:organizations")?;
    service::delete(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

super::paging::list_schemas!(EnabledConnectionList, EnabledConnectionPage, EnabledConnectionCheckpoint, enabled_connections, EnabledConnection);

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/enabled_connections", tag = "organizations", summary = "The organization's connections",
    params(("id" = String, Path, description = "The organization's id (org_…)"), super::paging::OffsetParams, super::paging::CheckpointParams),
    responses(
        (status = 200, description = "Its connections", body = EnabledConnectionList),
        (status = 400, description = "Unknown or bad query parameter", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organization_connections", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organization_connections"]))
)]
pub async fn list_enabled_connections(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    caller.require("read:organization_connections")?;
    let q = super::paging::parse(raw.as_deref(), &PAGED)?;
    q.respond_all("enabled_connections", service::enabled_connections(&state, &id).await?)
}

#[utoipa::path(
    post, path = "/api/v2/organizations/{id}/enabled_connections", tag = "organizations", summary = "Give a connection to the organization",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    request_body = EnabledConnectionInput,
    responses(
        (status = 201, description = "Enabled", body = EnabledConnection),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:organization_connections", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
        (status = 409, description = "The connection belongs to another organization", body = ErrorBody),
    ),
    security(("bearer" = ["create:organization_connections"]))
)]
pub async fn add_enabled_connection(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<EnabledConnectionInput>) -> Result<Response, ApiError> {
    caller.require("create:organization_connections")?;
    Ok((StatusCode::CREATED, Json(service::enable_connection(&state, &id, body).await?)).into_response())
}

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/enabled_connections/{connection_id}", tag = "organizations", summary = "One of the organization's connections",
    params(("id" = String, Path, description = "The organization's id"), ("connection_id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 200, description = "The connection", body = EnabledConnection),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organization_connections", body = ErrorBody),
        (status = 404, description = "Not enabled for this organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organization_connections"]))
)]
pub async fn get_enabled_connection(State(state): State<AppState>, caller: Caller, Path((id, connection_id)): Path<(String, String)>) -> Result<Json<EnabledConnection>, ApiError> {
    caller.require("read:organization_connections")?;
    Ok(Json(service::enabled_connection(&state, &id, &connection_id).await?))
}

#[utoipa::path(
    patch, path = "/api/v2/organizations/{id}/enabled_connections/{connection_id}", tag = "organizations", summary = "Change how the organization uses a connection",
    params(("id" = String, Path, description = "The organization's id"), ("connection_id" = String, Path, description = "The connection's id (con_…)")),
    request_body = EnabledConnectionInput,
    responses(
        (status = 200, description = "The connection", body = EnabledConnection),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:organization_connections", body = ErrorBody),
        (status = 404, description = "Not enabled for this organization", body = ErrorBody),
    ),
    security(("bearer" = ["update:organization_connections"]))
)]
pub async fn update_enabled_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, connection_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<EnabledConnectionInput>,
) -> Result<Json<EnabledConnection>, ApiError> {
    caller.require("update:organization_connections")?;
    Ok(Json(service::update_enabled_connection(&state, &id, &connection_id, body).await?))
}

#[utoipa::path(
    delete, path = "/api/v2/organizations/{id}/enabled_connections/{connection_id}", tag = "organizations", summary = "Take a connection from the organization",
    description = "The connection stays; no organization owns it any more.",
    params(("id" = String, Path, description = "The organization's id"), ("connection_id" = String, Path, description = "The connection's id (con_…)")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:organization_connections", body = ErrorBody),
        (status = 404, description = "Not enabled for this organization", body = ErrorBody),
    ),
    security(("bearer" = ["delete:organization_connections"]))
)]
pub async fn delete_enabled_connection(State(state): State<AppState>, caller: Caller, Path((id, connection_id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    caller.require("delete:organization_connections")?;
    service::disable_connection(&state, &id, &connection_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v2/organizations/{id}/discovery-domains`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainInput {
    /// The email domain, e.g. `acme.com`.
    #[serde(default)]
    #[schema(pattern = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", max_length = 253)]
    pub domain: Option<String>,
    /// `verified` (the admin vouches for it) or `pending` (the default: verified by DNS TXT record).
    #[serde(default)]
    pub status: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v2/organizations/{id}/discovery-domains", tag = "organizations", summary = "The organization's email domains",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    responses(
        (status = 200, description = "Its domains", body = Vec<OrganizationDomain>),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks read:organization_discovery_domains", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
    ),
    security(("bearer" = ["read:organization_discovery_domains"]))
)]
pub async fn list_domains(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Vec<OrganizationDomain>>, ApiError> {
    caller.require("read:organization_discovery_domains")?;
    Ok(Json(domains::list(&state, &id).await?))
}

#[utoipa::path(
    post, path = "/api/v2/organizations/{id}/discovery-domains", tag = "organizations", summary = "Add an email domain",
    description = "Pending domains hold a `verification_txt` to publish as a TXT record at `verification_host`, then `POST …/verify`.",
    params(("id" = String, Path, description = "The organization's id (org_…)")),
    request_body = DomainInput,
    responses(
        (status = 201, description = "Added", body = OrganizationDomain),
        (status = 400, description = "Invalid or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks create:organization_discovery_domains", body = ErrorBody),
        (status = 404, description = "No such organization", body = ErrorBody),
        (status = 409, description = "The domain belongs to an organization", body = ErrorBody),
    ),
    security(("bearer" = ["create:organization_discovery_domains"]))
)]
pub async fn add_domain(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(body): JsonBody<DomainInput>) -> Result<Response, ApiError> {
    caller.require("create:organization_discovery_domains")?;
    let verified = match body.status.as_deref() {
        None | Some("pending") => false,
        Some("verified") => true,
        Some(_) => return Err(app::backend::Error::invalid("status", "must be pending or verified").into()),
    };
    let added = domains::add(&state, &id, body.domain.as_deref().unwrap_or_default(), verified).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

#[utoipa::path(
    post, path = "/api/v2/organizations/{id}/discovery-domains/{domain_id}/verify", tag = "organizations", summary = "Look the domain's TXT record up",
    params(("id" = String, Path, description = "The organization's id"), ("domain_id" = String, Path, description = "The domain's id (dom_…)")),
    responses(
        (status = 200, description = "Verified", body = OrganizationDomain),
        (status = 400, description = "Not verified: the message says what DNS answered", body = ErrorBody),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks update:organization_discovery_domains", body = ErrorBody),
        (status = 404, description = "No such domain", body = ErrorBody),
    ),
    security(("bearer" = ["update:organization_discovery_domains"]))
)]
pub async fn verify_domain(State(state): State<AppState>, caller: Caller, Path((id, domain_id)): Path<(String, String)>) -> Result<Json<OrganizationDomain>, ApiError> {
    caller.require("update:organization_discovery_domains")?;
    match domains::verify(&state, &id, &domain_id).await? {
        domains::Verification::Verified(d) => Ok(Json(d)),
        domains::Verification::NotYet(reason) => Err(app::backend::Error::invalid("verification_txt", reason).into()),
    }
}

#[utoipa::path(
    delete, path = "/api/v2/organizations/{id}/discovery-domains/{domain_id}", tag = "organizations", summary = "Remove an email domain",
    params(("id" = String, Path, description = "The organization's id"), ("domain_id" = String, Path, description = "The domain's id (dom_…)")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Missing or bad token", body = ErrorBody),
        (status = 403, description = "The token lacks delete:organization_discovery_domains", body = ErrorBody),
        (status = 404, description = "No such domain", body = ErrorBody),
    ),
    security(("bearer" = ["delete:organization_discovery_domains"]))
)]
pub async fn delete_domain(State(state): State<AppState>, caller: Caller, Path((id, domain_id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    caller.require("delete:organization_discovery_domains")?;
    domains::remove(&state, &id, &domain_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
