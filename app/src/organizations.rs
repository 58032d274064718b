//! Organizations (Auth0's `/api/v2/organizations`): the customers whose IT admins set up their
//! own connection. An organization owns its connections and its email domains; a domain sends
//! its users to the organization's connection on the login page. The rules are here, isomorphic,
//! so the dashboard checks as the server does.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const NAME_MAX: usize = 50;
pub const DISPLAY_NAME_MAX: usize = 255;
pub const METADATA_MAX_KEYS: usize = 25;
pub const METADATA_VALUE_MAX: usize = 255;
/// The DNS name whose TXT record proves a domain: `_tessera-challenge.{domain}`.
pub const VERIFICATION_PREFIX: &str = "_tessera-challenge";
/// Setup links expire after this many days unless the admin chooses otherwise.
pub const SETUP_LINK_DEFAULT_DAYS: u32 = 7;
/// The lifetimes an admin may choose for a setup link, in days.
pub const SETUP_LINK_DAYS: &[u32] = &[1, 3, 7, 14, 30];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Organization {
    /// `org_…`.
    pub id: String,
    /// Lowercase letters, digits, `-` and `_`; unique.
    pub name: String,
    pub display_name: String,
    /// String values only, as Auth0.
    pub metadata: BTreeMap<String, String>,
}

impl Organization {
    /// What people see: the display name, else the name.
    pub fn label(&self) -> &str {
        if self.display_name.is_empty() {
            &self.name
        } else {
            &self.display_name
        }
    }
}

/// `POST /api/v2/organizations` (`name` required) and `PATCH /api/v2/organizations/{id}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = r"^[a-z0-9][a-z0-9_-]*$", min_length = 1, max_length = 50))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*$", max_length = 255))]
    pub display_name: Option<String>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// An organization's name: 1 to 50 of `a-z 0-9 - _`, starting with a letter or digit.
pub fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() || name.len() > NAME_MAX {
        return Err(FieldError::new("name", format!("is required: 1 to {NAME_MAX} characters")));
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if !name.chars().all(ok_char) || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(FieldError::new("name", "may contain only lowercase letters, digits, - and _, and must start with a letter or digit"));
    }
    Ok(name.to_string())
}

pub fn check_display_name(display_name: &str) -> Result<String, FieldError> {
    let d = display_name.trim();
    if d.chars().count() > DISPLAY_NAME_MAX {
        return Err(FieldError::new("display_name", format!("may be at most {DISPLAY_NAME_MAX} characters")));
    }
    if d.chars().any(char::is_control) {
        return Err(FieldError::new("display_name", "may not contain control characters"));
    }
    Ok(d.to_string())
}

pub fn check_metadata(metadata: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if metadata.len() > METADATA_MAX_KEYS {
        return Err(FieldError::new("metadata", format!("may have at most {METADATA_MAX_KEYS} keys")));
    }
    for (k, v) in metadata {
        if k.is_empty() || k.len() > METADATA_VALUE_MAX || v.len() > METADATA_VALUE_MAX {
            return Err(FieldError::new(format!("metadata.{k}"), format!("keys and values are 1 to {METADATA_VALUE_MAX} characters")));
        }
    }
    Ok(())
}

/// Whether a domain is proven (`verified`) or waits for its TXT record (`pending`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DomainStatus {
    Pending,
    Verified,
}

/// One of an organization's email domains (Auth0's organization discovery domains).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationDomain {
    /// `dom_…`.
    pub id: String,
    pub domain: String,
    pub status: DomainStatus,
    /// The TXT record's name: `_tessera-challenge.{domain}`.
    pub verification_host: String,
    /// The TXT record's value.
    pub verification_txt: String,
}

/// An email domain as typed: lowercase, labels of `a-z 0-9 -` (at most 63), at least two labels,
/// no trailing dot, at most 253 characters; never an IP address.
pub fn check_domain(domain: &str) -> Result<String, FieldError> {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let bad = || FieldError::new("domain", "must be a domain name such as acme.com (letters, digits and hyphens, with a dot)");
    if d.is_empty() || d.len() > 253 || !d.contains('.') {
        return Err(bad());
    }
    for label in d.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(bad());
        }
    }
    if d.rsplit('.').next().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        return Err(FieldError::new("domain", "must be a domain name, not an IP address"));
    }
    Ok(d)
}

pub fn verification_host(domain: &str) -> String {
    format!("{VERIFICATION_PREFIX}.{domain}")
}

/// A connection enabled for (owned by) an organization, in Auth0's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnabledConnection {
    pub connection_id: String,
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    pub connection: ConnectionSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConnectionSummary {
    pub name: String,
    pub strategy: String,
}

/// `POST /api/v2/organizations/{id}/enabled_connections` and its PATCH.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnabledConnectionInput {
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub assign_membership_on_login: Option<bool>,
    #[serde(default)]
    pub show_as_button: Option<bool>,
    /// Auth0's newer path sends it; only `true` is possible here (a connection Tessera gives an
    /// organization is enabled: take it away with DELETE).
    #[serde(default)]
    pub is_enabled: Option<bool>,
    /// Auth0's sign-up for database connections; Tessera's connections are enterprise ones, so
    /// only `false` is possible.
    #[serde(default)]
    pub is_signup_enabled: Option<bool>,
}

impl EnabledConnectionInput {
    /// The fields Auth0 has that Tessera cannot honour with the value sent.
    pub fn unsupported(&self) -> Vec<crate::error::FieldError> {
        let mut errors = Vec::new();
        if self.is_enabled == Some(false) {
            errors.push(crate::error::FieldError::new("is_enabled", "must be true: to take a connection from an organization, DELETE it"));
        }
        if self.is_signup_enabled == Some(true) {
            errors.push(crate::error::FieldError::new("is_signup_enabled", "must be false: sign-up applies to database connections, and Tessera's connections are enterprise connections"));
        }
        errors
    }
}

/// Where a setup link stands, for the organization's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupLinkStatus {
    /// Not opened yet.
    Sent,
    /// Opened in a browser (it is bound to that browser now).
    Opened,
    /// The IT admin finished: the connection is set up.
    Completed,
    Expired,
    Revoked,
}

impl SetupLinkStatus {
    pub fn label(self) -> &'static str {
        match self {
            SetupLinkStatus::Sent => "Not opened",
            SetupLinkStatus::Opened => "Opened",
            SetupLinkStatus::Completed => "Completed",
            SetupLinkStatus::Expired => "Expired",
            SetupLinkStatus::Revoked => "Revoked",
        }
    }

    /// A link still usable (and so revocable).
    pub fn is_live(self) -> bool {
        matches!(self, SetupLinkStatus::Sent | SetupLinkStatus::Opened)
    }
}

/// A setup link as the organization's page lists it (never the token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupLink {
    /// `sul_…`.
    pub id: String,
    pub status: SetupLinkStatus,
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub expires_at: i64,
    pub connection_id: Option<String>,
    /// The applications the new connection is enabled for.
    pub client_ids: Vec<String>,
}

/// The identity provider an IT admin picks on the first screen of the setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupProvider {
    /// "Okta Workforce": the Okta domain gives the issuer.
    Okta,
    /// "OpenID Connect": any provider, by its discovery endpoint.
    Oidc,
}

impl SetupProvider {
    pub fn label(self) -> &'static str {
        match self {
            SetupProvider::Okta => "Okta Workforce",
            SetupProvider::Oidc => "OpenID Connect",
        }
    }

    pub fn strategy(self) -> &'static str {
        match self {
            SetupProvider::Okta => "okta",
            SetupProvider::Oidc => "oidc",
        }
    }
}

/// What the setup screens show: the organization, the redirect URI, and how far the IT admin got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    pub organization: String,
    /// The Sign-in redirect URI to paste into the identity provider.
    pub redirect_uri: String,
    pub expires_at: i64,
    /// The connection, once saved.
    pub connection: Option<SetupConnection>,
    /// A test sign-in succeeded since the configuration was last saved.
    pub tested: bool,
    pub finished: bool,
    /// Application names the connection is (or will be) enabled for.
    pub applications: Vec<String>,
    /// The deployment lets identity providers live on private addresses (tests, development).
    pub allow_private_network: bool,
    /// The organization's email domains: the IT admin proves pending ones with a TXT record.
    pub domains: Vec<OrganizationDomain>,
}

/// The saved configuration (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupConnection {
    pub provider: SetupProvider,
    pub client_id: String,
    /// Okta: the domain; OpenID Connect: the discovery endpoint.
    pub address: String,
    pub issuer: String,
}

/// "Configure manually" on an organization's page (WorkOS's words): the admin creates the
/// organization's connection there, as the IT admin would through a setup link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualConnection {
    /// "Okta OIDC" or "OpenID Connect".
    pub provider: Option<SetupProvider>,
    /// A descriptive name: the display name, and the connection name is derived from it.
    pub display_name: String,
    pub client_id: String,
    pub client_secret: String,
    /// "Discovery endpoint", e.g. `https://acme.okta.com/.well-known/openid-configuration`.
    pub discovery_endpoint: String,
}

/// The connection name derived from a descriptive name: lower-case letters and digits, other
/// runs as one hyphen, at most 100 characters ("Acme Corp — Okta" → `acme-corp-okta`).
pub fn connection_name_from(display_name: &str) -> String {
    let mut name = String::new();
    for c in display_name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name: String = name.trim_end_matches('-').chars().take(100).collect();
    name.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_descriptive_name_gives_a_valid_connection_name() {
        assert_eq!(connection_name_from("Acme Corp — Okta"), "acme-corp-okta");
        assert_eq!(connection_name_from("  --Beta__SSO!! "), "beta-sso");
        assert_eq!(connection_name_from("Ünïcode ✓"), "n-code");
        assert_eq!(connection_name_from("✓✓"), "");
        assert!(crate::connections::validate::check_name(&connection_name_from(&"x y ".repeat(80))).is_ok());
    }

    #[test]
    fn names_follow_auth0s_rule_and_name_it() {
        assert_eq!(check_name(" acme-corp_1 "), Ok("acme-corp_1".into()));
        for bad in ["", "Acme", "acme corp", "-acme", &"a".repeat(51)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_name("Acme").map_err(|e| e.field), Err("name".into()));
    }

    #[test]
    fn domains_are_normalised_and_ip_addresses_refused() {
        assert_eq!(check_domain(" Acme.COM. "), Ok("acme.com".into()));
        assert_eq!(check_domain("mail.acme.co.uk"), Ok("mail.acme.co.uk".into()));
        for bad in ["acme", "acme..com", "-acme.com", "acme_corp.com", "https://acme.com", "user@acme.com", "10.0.0.1"] {
            assert!(check_domain(bad).is_err(), "{bad:?}");
        }
        assert_eq!(verification_host("acme.com"), "_tessera-challenge.acme.com");
    }

    #[test]
    fn metadata_is_bounded() {
        let many: BTreeMap<String, String> = (0..26).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(check_metadata(&many).is_err());
        assert!(check_metadata(&BTreeMap::from([("tier".into(), "gold".into())])).is_ok());
    }
}
