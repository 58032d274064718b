//! Client grants (Auth0's `/api/v2/client-grants`): which scopes of an API a machine-to-machine
//! application may ask for with `client_credentials`. The one API Tessera knows is its own
//! Management API, audience `{public}/api/v2/`; its scopes are the Management API's.

use crate::backend::error::Resource;
use crate::backend::admin::tokens::ALL_SCOPES;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::{from_json, is_unique_violation, to_json};
use crate::backend::{AppState, Error, Result};
use serde::{Deserialize, Serialize};

/// A client grant, as every read returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[derive(utoipa::ToSchema)]
pub struct ClientGrant {
    pub id: String,
    pub client_id: String,
    pub audience: String,
    pub scope: Vec<String>,
}

/// `POST /api/v2/client-grants`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClientGrant {
    pub client_id: String,
    pub audience: String,
    #[serde(default)]
    pub scope: Vec<String>,
}

/// `PATCH /api/v2/client-grants/{id}`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClientGrant {
    pub scope: Vec<String>,
}

/// The Management API's audience: what client credentials ask for to call `/api/v2`.
pub fn management_audience(state: &AppState) -> String {
    format!("{}/api/v2/", state.env.public_base())
}

fn check_scopes(scope: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, s) in scope.iter().enumerate() {
        if !ALL_SCOPES.contains(&s.as_str()) {
            return Err(Error::invalid("scope", format!("entry {}: {s:?} is not a Management API scope; known scopes: {}", i + 1, ALL_SCOPES.join(", "))));
        }
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    Ok(out)
}

type Row = (String, String, String, String);

fn to_view((id, client_id, audience, scope): Row) -> Result<ClientGrant> {
    Ok(ClientGrant { id, client_id, audience, scope: from_json(&scope, "client grant scope")? })
}

pub async fn create(state: &AppState, body: CreateClientGrant) -> Result<ClientGrant> {
    let audience = body.audience.trim().to_string();
    if audience != management_audience(state) {
        return Err(Error::invalid("audience", format!("must be {} (the Management API, the one API Tessera serves)", management_audience(state))));
    }
    let scope = check_scopes(&body.scope)?;
    let app = match super::get_application(state, &body.client_id).await {
        Ok(app) => app,
        Err(Error::NotFound(_)) => return Err(Error::invalid("client_id", "is not an application")),
        Err(e) => return Err(e),
    };
    if !app.grant_types.contains(&crate::applications::GrantType::ClientCredentials) {
        return Err(Error::invalid("client_id", "must be a machine-to-machine application (with the client_credentials grant)"));
    }
    let id = format!("cgr_{}", random_alphanumeric(16));
    let now = state.clock.now_ms();
    let inserted = state.db.execute(
        "INSERT INTO client_grants (id, client_id, audience, scope, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        &[(&id).into(), (&app.client_id).into(), (&audience).into(), (to_json(&scope)?).into(), now.into()],
    ).await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(Error::conflict(Resource::ClientGrant, "audience", "this application already has a grant for this audience; update it instead")),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(%id, client_id = %app.client_id, "client grant created");
    Ok(ClientGrant { id, client_id: app.client_id, audience, scope })
}

/// Grants, optionally of one application and/or one audience.
pub async fn list(state: &AppState, client_id: Option<&str>, audience: Option<&str>) -> Result<Vec<ClientGrant>> {
    let rows: Vec<Row> = state.db.fetch_all("SELECT id, client_id, audience, scope FROM client_grants
         WHERE (CAST($1 AS TEXT) IS NULL OR client_id = $1) AND (CAST($2 AS TEXT) IS NULL OR audience = $2) ORDER BY created_at, id", &[client_id.into(), audience.into()]).await?;
    rows.into_iter().map(to_view).collect()
}

pub async fn get(state: &AppState, id: &str) -> Result<ClientGrant> {
    let row: Option<Row> = state.db.fetch_optional("SELECT id, client_id, audience, scope FROM client_grants WHERE id = $1", &[id.into()]).await?;
    to_view(row.ok_or_else(not_found)?)
}

/// The grant `client_id` holds for `audience`, if any (the token endpoint asks).
pub async fn find(state: &AppState, client_id: &str, audience: &str) -> Result<Option<ClientGrant>> {
    Ok(list(state, Some(client_id), Some(audience)).await?.into_iter().next())
}

fn not_found() -> Error {
    Error::not_found(Resource::ClientGrant, "The client grant does not exist.")
}

pub async fn update(state: &AppState, id: &str, body: UpdateClientGrant) -> Result<ClientGrant> {
    let scope = check_scopes(&body.scope)?;
    let row: Option<Row> = state.db.fetch_optional(
        "UPDATE client_grants SET scope = $2, updated_at = $3 WHERE id = $1 RETURNING id, client_id, audience, scope",
        &[id.into(), (to_json(&scope)?).into(), (state.clock.now_ms()).into()],
    ).await?;
    to_view(row.ok_or_else(not_found)?)
}

pub async fn delete(state: &AppState, id: &str) -> Result<()> {
    let n = state.db.execute("DELETE FROM client_grants WHERE id = $1", &[id.into()]).await?;
    if n == 0 {
        return Err(not_found());
    }
    tracing::info!(%id, "client grant deleted");
    Ok(())
}
