//! "Configure manually" on an organization's page: the admin creates the organization's
//! connection there (WorkOS's Okta OIDC guide: identity provider, a descriptive name, the Redirect
//! URI to paste, Client ID, Client secret and Discovery endpoint, Save Configuration). The same
//! options as a setup link's, through the same connections service.

use super::setup::{free_name_from, provider_options};
use crate::backend::{connections, AppState, Error, Result};
use crate::connections::{Connection, CreateConnection};
use crate::error::FieldError;
use crate::organizations::{connection_name_from, ManualConnection};

/// The form's field for a connection option's error, so the form can show it by its input.
fn form_field(option: &str) -> &str {
    match option {
        "options.client_id" => "client_id",
        "options.client_secret" => "client_secret",
        "options.discovery_url" | "options.domain" | "options.issuer" => "discovery_endpoint",
        "display_name" => "display_name",
        other => other,
    }
}

pub async fn configure(state: &AppState, organization_id: &str, input: ManualConnection) -> Result<Connection> {
    let organization = super::get(state, organization_id).await?;
    let mut fields = Vec::new();
    let display_name = input.display_name.trim().to_string();
    if input.provider.is_none() {
        fields.push(FieldError::new("provider", "Choose the identity provider"));
    }
    if display_name.is_empty() {
        fields.push(FieldError::new("display_name", "Name is required"));
    } else if display_name.chars().count() > 128 {
        fields.push(FieldError::new("display_name", "Name may be at most 128 characters"));
    }
    for (field, value, label) in [
        ("client_id", &input.client_id, "Client ID"),
        ("client_secret", &input.client_secret, "Client secret"),
        ("discovery_endpoint", &input.discovery_endpoint, "Discovery endpoint"),
    ] {
        if value.trim().is_empty() {
            fields.push(FieldError::new(field, format!("{label} is required")));
        }
    }
    let Some(provider) = input.provider.filter(|_| fields.is_empty()) else {
        return Err(Error::Invalid { fields });
    };
    let derived = connection_name_from(&display_name);
    let base = if derived.is_empty() { format!("{}-{}", organization.name, provider.strategy()) } else { derived };
    let body = CreateConnection {
        name: free_name_from(state, &base).await?,
        strategy: provider.strategy().to_string(),
        display_name: Some(display_name),
        options: provider_options(provider, &input.client_id, &input.client_secret, &input.discovery_endpoint),
        // Like a setup link's before Finish: enabled for applications on its Applications tab.
        enabled_clients: Some(Vec::new()),
        ..Default::default()
    };
    let created = super::create_owned_connection(state, &organization.id, body).await.map_err(|e| match e {
        Error::Invalid { fields } => Error::Invalid { fields: fields.into_iter().map(|f| FieldError::new(form_field(&f.field), f.message)).collect() },
        other => other,
    })?;
    tracing::info!(organization_id = %organization.id, connection_id = %created.id, "connection configured manually");
    connections::get_connection(state, &created.id).await
}
