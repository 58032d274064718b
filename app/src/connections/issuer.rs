//! The outcome of the one issuer check, as the dashboard draws it: a green checkmark (found), a
//! red mark with the reason (not found), or the list of what the document lacks (invalid).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IssuerCheck {
    /// Fetched, parsed and valid.
    Found {
        issuer: String,
        /// Where the document was fetched from.
        discovery_url: String,
        authorization_endpoint: String,
        token_endpoint: Option<String>,
        userinfo_endpoint: Option<String>,
        jwks_uri: String,
        /// The whole document, stored with the connection as `oidc_metadata`.
        #[cfg_attr(feature = "ssr", schema(value_type = Object))]
        document: serde_json::Value,
    },
    /// Nothing usable there: DNS, connection, TLS, timeout, HTTP status, not JSON, refused address.
    NotFound { discovery_url: String, reason: String },
    /// A document is there, but required information is missing or wrong; one entry each.
    Invalid { discovery_url: String, problems: Vec<String> },
}

impl IssuerCheck {
    /// A document found at no particular address, naming `issuer` (for tests of what shows it).
    #[cfg(test)]
    pub fn found_naming(issuer: &str) -> IssuerCheck {
        IssuerCheck::Found {
            issuer: issuer.into(),
            discovery_url: String::new(),
            authorization_endpoint: String::new(),
            token_endpoint: None,
            userinfo_endpoint: None,
            jwks_uri: String::new(),
            document: serde_json::Value::Null,
        }
    }

    pub fn is_found(&self) -> bool {
        matches!(self, IssuerCheck::Found { .. })
    }

    /// One sentence for an error message or a log line.
    pub fn summary(&self) -> String {
        match self {
            IssuerCheck::Found { issuer, .. } => format!("Found: {issuer}"),
            IssuerCheck::NotFound { discovery_url, reason } => {
                format!("no OpenID Connect discovery document at {discovery_url}: {reason}")
            }
            IssuerCheck::Invalid { problems, .. } => {
                format!("the discovery document is not usable: {}", problems.join("; "))
            }
        }
    }
}
