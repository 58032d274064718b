//! A connection as the Management API and the dashboard see it, and the bodies that create and
//! change one. Field names follow Auth0's Management API.

use super::options::{OptionsInput, OptionsView};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// A generic OpenID Provider.
    Oidc,
    /// Okta Workforce.
    Okta,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Oidc => "oidc",
            Strategy::Okta => "okta",
        }
    }

    pub fn parse(value: &str) -> Option<Strategy> {
        match value {
            "oidc" => Some(Strategy::Oidc),
            "okta" => Some(Strategy::Okta),
            _ => None,
        }
    }

    /// The name the dashboard shows.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Oidc => "OpenID Connect",
            Strategy::Okta => "Okta Workforce",
        }
    }
}

/// The last issuer check of a connection, for the status dot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Found,
    NotFound,
    Invalid,
    /// Set up from explicit issuer settings; nothing was fetched.
    NotChecked,
}

/// A connection as every read returns it. Never carries a client secret or private key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Connection {
    /// `con_` and 16 letters and digits.
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub strategy: Strategy,
    pub options: OptionsView,
    pub enabled_clients: Vec<String>,
    pub is_domain_connection: bool,
    pub show_as_button: bool,
    pub realms: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    /// The outcome of the last issuer check (Tessera extension).
    pub status: CheckStatus,
    /// Set while the connection cannot sign anyone in: what is missing, naming the field
    /// (Tessera extension; absent when the connection is ready).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_ready: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /api/v2/connections`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateConnection {
    pub name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Strategy))]
    pub strategy: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub options: OptionsInput,
    #[serde(default)]
    pub enabled_clients: Option<Vec<String>>,
    #[serde(default)]
    pub is_domain_connection: Option<bool>,
    #[serde(default)]
    pub show_as_button: Option<bool>,
    #[serde(default)]
    pub realms: Option<Vec<String>>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// `PATCH /api/v2/connections/{id}`. `options`, when given, replaces the options whole (an
/// omitted `client_secret` keeps the stored one). `name` and `strategy` cannot change: they are
/// accepted only when equal to the current values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateConnection {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub strategy: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub options: Option<OptionsInput>,
    #[serde(default)]
    pub enabled_clients: Option<Vec<String>>,
    #[serde(default)]
    pub is_domain_connection: Option<bool>,
    #[serde(default)]
    pub show_as_button: Option<bool>,
    #[serde(default)]
    pub realms: Option<Vec<String>>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// Read-only fields, accepted when unchanged so that what a GET (or an export) answered can
    /// be sent back whole.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// Computed from the options, so whatever is sent back is ignored.
    #[serde(default)]
    pub not_ready: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// What to list: the API's filters and paging, plus the dashboard's search box.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Any of these strategies (none: all).
    pub strategies: Vec<Strategy>,
    /// Exactly this name.
    pub name: Option<String>,
    /// Names containing this text, case-insensitively (dashboard search).
    pub search: Option<String>,
    /// Only the connection that has this home realm discovery domain (Auth0's `domain_alias`).
    pub domain_alias: Option<String>,
    /// Zero-based page number.
    pub page: u64,
    pub per_page: u64,
}

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 100;
/// The highest page number accepted: page × per_page stays far from any overflow.
pub const MAX_PAGE: u64 = 100_000;

/// Where a checkpoint page (`from`/`take`) starts: after this connection in list order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The connection's name, lower-cased (the list is ordered by it, then by id).
    pub name: String,
    pub id: String,
}

/// The top-level fields of a connection, for `fields` / `include_fields`.
pub const CONNECTION_FIELDS: &[&str] = &[
    "id", "name", "display_name", "strategy", "options", "enabled_clients", "is_domain_connection", "show_as_button", "realms",
    "metadata", "status", "not_ready", "created_at", "updated_at",
];
