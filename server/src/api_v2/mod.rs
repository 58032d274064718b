//! The Auth0-compatible Management API under `/api/v2`: bearer-token authentication, Auth0's
//! error shape, strict JSON bodies (at most 1 MiB, unknown fields refused), and an OpenAPI 3
//! document generated from the handlers' own annotations.

pub mod client_grants;
pub mod clients;
pub mod connection_clients;
pub mod connection_roles;
pub mod connections;
pub mod error;
pub mod grants;
pub mod extract;
mod openapi;
pub mod organization_connections;
pub mod organizations;
pub mod paging;
pub mod roles;
pub mod scim_configuration;
pub mod users;

use app::backend::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tessera Management API",
        description = "Auth0-compatible management of enterprise OpenID Connect connections. Authenticate with a bearer token from `tessera token create`, or with an access token a machine-to-machine application gets from `/oauth/token` (client_credentials, audience `{public}/api/v2/`).",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "connections", description = "Enterprise connections: OpenID Connect and Okta Workforce"),
        (name = "clients", description = "Applications that sign users in through Tessera"),
        (name = "client-grants", description = "Management API scopes machine-to-machine applications may ask for"),
        (name = "users", description = "People signed in through connections"),
        (name = "organizations", description = "Customers who own their connections and email domains"),
        (name = "roles", description = "Roles, given to users by their connection's group role assignments"),
        (name = "logs", description = "Sign-in successes and failures"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("A token from `tessera token create`, or a client-credentials access token")).build()),
        );
    }
}

/// Every `/api/v2` operation, with the OpenAPI document generated from their annotations.
fn operations() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(utoipa_axum::routes!(connections::list_connections, connections::create_connection))
        .routes(utoipa_axum::routes!(connections::get_connection, connections::update_connection, connections::delete_connection))
        .routes(utoipa_axum::routes!(clients::list_clients, clients::create_client))
        .routes(utoipa_axum::routes!(clients::get_client, clients::update_client, clients::delete_client))
        .routes(utoipa_axum::routes!(clients::rotate_client_secret))
        .routes(utoipa_axum::routes!(client_grants::list_client_grants, client_grants::create_client_grant))
        .routes(utoipa_axum::routes!(client_grants::get_client_grant, client_grants::update_client_grant, client_grants::delete_client_grant))
        .routes(utoipa_axum::routes!(connection_clients::list, connection_clients::update))
        .routes(utoipa_axum::routes!(connection_roles::get, connection_roles::put))
        .routes(utoipa_axum::routes!(scim_configuration::get, scim_configuration::create, scim_configuration::update, scim_configuration::delete))
        .routes(utoipa_axum::routes!(scim_configuration::default_mapping))
        .routes(utoipa_axum::routes!(scim_configuration::list_tokens, scim_configuration::create_token))
        .routes(utoipa_axum::routes!(scim_configuration::delete_token))
        .routes(utoipa_axum::routes!(organization_connections::list, organization_connections::add))
        .routes(utoipa_axum::routes!(organization_connections::get, organization_connections::update, organization_connections::delete))
        .routes(utoipa_axum::routes!(organization_connections::client_grants))
        .routes(utoipa_axum::routes!(organization_connections::clients))
        .routes(utoipa_axum::routes!(roles::list_permissions, roles::add_permissions, roles::remove_permissions))
        .routes(utoipa_axum::routes!(organizations::list_organizations, organizations::create_organization))
        .routes(utoipa_axum::routes!(organizations::get_organization, organizations::update_organization, organizations::delete_organization))
        .routes(utoipa_axum::routes!(organizations::get_organization_by_name))
        .routes(utoipa_axum::routes!(organizations::list_enabled_connections, organizations::add_enabled_connection))
        .routes(utoipa_axum::routes!(organizations::get_enabled_connection, organizations::update_enabled_connection, organizations::delete_enabled_connection))
        .routes(utoipa_axum::routes!(organizations::list_domains, organizations::add_domain))
        .routes(utoipa_axum::routes!(organizations::verify_domain))
        .routes(utoipa_axum::routes!(organizations::delete_domain))
        .routes(utoipa_axum::routes!(roles::list_roles, roles::create_role))
        .routes(utoipa_axum::routes!(roles::get_role, roles::update_role, roles::delete_role))
        .routes(utoipa_axum::routes!(users::list_users))
        .routes(utoipa_axum::routes!(grants::list, grants::delete_by_user))
        .routes(utoipa_axum::routes!(grants::delete))
        .routes(utoipa_axum::routes!(users::get_user, users::delete_user))
        .routes(utoipa_axum::routes!(users::list_logs))
}

/// The `/api/v2` routes and the OpenAPI document that describes exactly them.
pub fn router() -> Router<AppState> {
    let (router, mut api) = operations().split_for_parts();
    openapi::complete(&mut api);
    let document = std::sync::Arc::new(openapi::to_json(&api));
    let served = move |State(state): State<AppState>| {
        let document = document.clone();
        async move { Json(openapi::for_instance(&document, &app::backend::applications::grants::management_audience(&state))) }
    };
    router.route("/api/v2/openapi.json", get(served))
        .route("/api/v2/{*rest}", axum::routing::any(|| async { error::ApiError::not_found("Not Found", "not_found") }))
}

/// The OpenAPI document, for tests and tooling.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut api = operations().into_openapi();
    openapi::complete(&mut api);
    api
}
