//! A connection's `options`: what an admin sends (`OptionsInput`, every field optional, unknown
//! fields refused) and what every read returns (`OptionsView`, normalized, secrets left out).
//! One struct serves both strategies; the rules in `validate` say which fields each accepts.

use crate::string_enum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

string_enum!(
    /// "Communication Channel": how the IdP's answer reaches Tessera.
    Channel {
        /// `response_mode=form_post` and `response_type=id_token`.
        FrontChannel = "front_channel",
        /// `response_type=code`, exchanged at the token endpoint.
        BackChannel = "back_channel",
    }
);

string_enum!(
    /// How Tessera authenticates to the IdP's token endpoint.
    TokenEndpointAuthMethod {
        ClientSecretPost = "client_secret_post",
        ClientSecretBasic = "client_secret_basic",
        /// A JWT signed with a key Tessera generates for the connection.
        PrivateKeyJwt = "private_key_jwt",
        /// A public client: no secret, PKCE protects the code.
        None = "none",
    }
);

string_enum!(
    /// Signing algorithm of `private_key_jwt` client assertions.
    SigningAlg { RS256 = "RS256", PS256 = "PS256", ES256 = "ES256" }
);

string_enum!(
    /// Connection Profile: PKCE use towards the IdP.
    Pkce { Auto = "auto", S256 = "S256", Plain = "plain", Disabled = "disabled" }
);

string_enum!(
    /// User Mapping mode.
    MappingMode { BasicProfile = "basic_profile", UseMap = "use_map", BindAll = "bind_all" }
);

string_enum!(
    /// "Determines how you intend to use the connection".
    Purpose { Authentication = "authentication", ConnectedAccounts = "connected_accounts", Both = "both" }
);

string_enum!(
    /// "Sync user profile attributes at each login".
    SetUserRootAttributes { OnEachLogin = "on_each_login", OnFirstLogin = "on_first_login", NeverOnLogin = "never_on_login" }
);

string_enum!(
    /// How often provisioned profiles are synchronised (used once SCIM arrives).
    SyncFrequency { Hourly = "hourly", Daily = "daily", Weekly = "weekly" }
);

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectionSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkce: Option<Pkce>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttributeMap {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping_mode: Option<MappingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_scope: Option<String>,
    /// User attribute → template, e.g. `"name": "${context.tokenset.id_token_claims.name}"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// An extra authorization-request parameter: a fixed `value`, or an `alias` of a parameter the
/// application sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpstreamParam {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

/// `options` as sent. `scopes` (the seeds' spelling) and `scope` (Auth0's) are both accepted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionsInput {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// Okta Workforce: `acme.okta.com` or `acme.okta.com/oauth2/aus123`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Write-only: stored encrypted, never returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<TokenEndpointAuthMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_signing_alg: Option<SigningAlg>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_domain: Option<String>,
    /// Home realm discovery: email domains that belong to this connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_aliases: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_persistent_attrs: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_settings: Option<ConnectionSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_map: Option<AttributeMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_params: Option<BTreeMap<String, UpstreamParam>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_user_root_attributes: Option<SetUserRootAttributes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
    /// A discovery document; replaces the issuer settings (validated like a fetched one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub oidc_metadata: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_frequency: Option<SyncFrequency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_enabled: Option<bool>,
    /// Read-only, accepted so that options read with GET can be sent back with PATCH: ignored
    /// when it matches what is stored (send `client_secret` to set a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_set: Option<bool>,
    /// Read-only, like `client_secret_set`: Tessera generates the key pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub client_public_jwks: Option<serde_json::Value>,
}

/// `options` as every read returns them: defaults filled in, `scope` normalized to one
/// space-separated string, `client_secret` replaced by `client_secret_set`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptionsView {
    #[serde(rename = "type")]
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery_url: Option<String>,
    pub issuer: String,
    pub authorization_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub client_id: String,
    /// Whether a client secret is stored. The secret itself is never returned.
    pub client_secret_set: bool,
    pub scope: String,
    pub token_endpoint_auth_method: TokenEndpointAuthMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_signing_alg: Option<SigningAlg>,
    /// With `private_key_jwt`: the public key to register at the IdP, as a JWK Set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub client_public_jwks: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_domain: Option<String>,
    pub domain_aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    pub non_persistent_attrs: Vec<String>,
    pub connection_settings: ConnectionSettings,
    pub attribute_map: AttributeMap,
    pub upstream_params: BTreeMap<String, UpstreamParam>,
    pub set_user_root_attributes: SetUserRootAttributes,
    pub purpose: Purpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub oidc_metadata: Option<serde_json::Value>,
    pub sync_frequency: SyncFrequency,
    pub scim_enabled: bool,
}

impl OptionsView {
    /// The input that would produce these options again (the dashboard's forms start from it).
    /// The secret is not known here and stays `None`, which keeps the stored one on update.
    /// For Okta the issuer settings are derived from the domain, so they are left out.
    pub fn to_input(&self, strategy: super::Strategy) -> OptionsInput {
        let input = OptionsInput {
            channel: Some(self.channel),
            discovery_url: self.discovery_url.clone(),
            issuer: Some(self.issuer.clone()),
            authorization_endpoint: Some(self.authorization_endpoint.clone()),
            token_endpoint: self.token_endpoint.clone(),
            userinfo_endpoint: self.userinfo_endpoint.clone(),
            jwks_uri: Some(self.jwks_uri.clone()),
            domain: self.domain.clone(),
            client_id: Some(self.client_id.clone()),
            client_secret: None,
            scope: Some(self.scope.clone()),
            scopes: None,
            token_endpoint_auth_method: Some(self.token_endpoint_auth_method),
            token_endpoint_auth_signing_alg: self.token_endpoint_auth_signing_alg,
            tenant_domain: self.tenant_domain.clone(),
            domain_aliases: Some(self.domain_aliases.clone()),
            icon_url: self.icon_url.clone(),
            non_persistent_attrs: Some(self.non_persistent_attrs.clone()),
            connection_settings: Some(self.connection_settings.clone()),
            attribute_map: Some(self.attribute_map.clone()),
            upstream_params: Some(self.upstream_params.clone()),
            set_user_root_attributes: Some(self.set_user_root_attributes),
            purpose: Some(self.purpose),
            oidc_metadata: self.oidc_metadata.clone(),
            sync_frequency: Some(self.sync_frequency),
            scim_enabled: Some(self.scim_enabled),
            client_secret_set: None,
            client_public_jwks: None,
        };
        match strategy {
            super::Strategy::Oidc => input,
            super::Strategy::Okta => OptionsInput {
                channel: None,
                discovery_url: None,
                issuer: None,
                authorization_endpoint: None,
                token_endpoint: None,
                userinfo_endpoint: None,
                jwks_uri: None,
                tenant_domain: None,
                oidc_metadata: None,
                ..input
            },
        }
    }
}
