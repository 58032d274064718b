//! OpenID Connect Dynamic Client Registration (RFC 7591) at `/oidc/register`, as Auth0 offers it
//! ("OIDC Dynamic Application Registration", off by default): partner and agent clients (MCP
//! clients among them) register themselves. What they register is always a third-party
//! application: it signs users in only through connections promoted to domain level, after each
//! user consents. `regular_web` with a client secret, or `spa` (`token_endpoint_auth_method`
//! `none`); `redirect_uris` pass the same rules as any Allowed Callback URL. Registrations are
//! rate-limited per client address and logged.

use super::{create_application, AppState};
use crate::applications::CreateApplication;
use crate::backend::admin::throttle::{address_group, take_attempt};
use crate::backend::{logs, Error, Result};
use serde::Deserialize;
use serde_json::{json, Value};

/// Registrations one address (an IPv4 address, an IPv6 /64) may make per 15 minutes.
pub const MAX_PER_ADDRESS: i64 = 10;

/// The metadata Tessera reads; other registered metadata is ignored, as RFC 7591 allows.
#[derive(Debug, Default, Deserialize)]
pub struct RegistrationRequest {
    pub client_name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub token_endpoint_auth_method: Option<String>,
    pub grant_types: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
}

/// A refusal in RFC 7591's words: `invalid_redirect_uri`, `invalid_client_metadata`, or the
/// registration being off or too frequent.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

fn refuse(error: &'static str, description: impl Into<String>) -> Refused {
    Refused { status: 400, error, description: description.into() }
}

/// Registers an application for `address`; the answer is RFC 7591's client information response.
pub async fn register(state: &AppState, address: &str, body: &[u8]) -> Result<std::result::Result<Value, Refused>> {
    if !crate::backend::tenant::dynamic_registration(state).await? {
        return Ok(Err(Refused { status: 403, error: "access_denied", description: "Dynamic Client Registration is off: an admin switches it on in Settings (OIDC Dynamic Application Registration).".into() }));
    }
    match take_attempt(&state.db, &state.clock, &[(format!("register:{}", address_group(address)), MAX_PER_ADDRESS)]).await {
        Ok(()) => {}
        Err(Error::TooManyRequests(_)) => {
            return Ok(Err(Refused { status: 429, error: "too_many_requests", description: "Too many registrations from this address; try again later.".into() }))
        }
        Err(e) => return Err(e),
    }
    let request: RegistrationRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return Ok(Err(refuse("invalid_client_metadata", format!("The body must be a JSON object of client metadata: {e}")))),
    };
    let redirect_uris = request.redirect_uris.clone().unwrap_or_default();
    if redirect_uris.is_empty() {
        return Ok(Err(refuse("invalid_redirect_uri", "redirect_uris is required: at least one.")));
    }
    let method = request.token_endpoint_auth_method.clone().unwrap_or_else(|| "client_secret_basic".into());
    let app_type = match method.as_str() {
        "none" => "spa",
        "client_secret_basic" | "client_secret_post" => "regular_web",
        other => return Ok(Err(refuse("invalid_client_metadata", format!("token_endpoint_auth_method {other:?} is not offered: use client_secret_basic, client_secret_post or none.")))),
    };
    let grant_types = request.grant_types.clone().unwrap_or_else(|| vec!["authorization_code".into()]);
    if let Some(other) = grant_types.iter().find(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token")) {
        return Ok(Err(refuse("invalid_client_metadata", format!("grant_types {other:?} is not offered: use authorization_code and refresh_token."))));
    }
    if let Some(other) = request.response_types.iter().flatten().find(|r| r.as_str() != "code") {
        return Ok(Err(refuse("invalid_client_metadata", format!("response_types {other:?} is not offered: use code."))));
    }
    let name = request.client_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "Dynamically registered application".into());
    let body = CreateApplication {
        name,
        app_type: Some(app_type.into()),
        is_first_party: Some(false),
        callbacks: Some(redirect_uris),
        token_endpoint_auth_method: Some(method.clone()),
        grant_types: Some(grant_types),
        ..Default::default()
    };
    let created = match create_application(state, body).await {
        Ok(c) => c,
        Err(Error::Invalid { fields }) => {
            let error = if fields.iter().any(|f| f.field.starts_with("callbacks")) { "invalid_redirect_uri" } else { "invalid_client_metadata" };
            let description = fields.iter().map(|f| f.to_string().replace("callbacks", "redirect_uris")).collect::<Vec<_>>().join("; ");
            return Ok(Err(refuse(error, description)));
        }
        Err(e) => return Err(e),
    };
    let app = &created.application;
    let description = format!("Application {} registered itself (Dynamic Client Registration) from {}", app.name, address_group(address));
    logs::record(state, logs::API_OPERATION, &description, None, Some(&app.client_id), None).await;
    let mut answer = json!({
        "client_id": app.client_id,
        "client_id_issued_at": state.clock.now().timestamp(),
        "client_name": app.name,
        "redirect_uris": app.callbacks,
        "grant_types": app.grant_types,
        "response_types": ["code"],
        "token_endpoint_auth_method": method,
        "application_type": "web",
    });
    if method != "none" {
        answer["client_secret"] = json!(created.client_secret);
        answer["client_secret_expires_at"] = json!(0);
    }
    Ok(Ok(answer))
}
