//! An application (Auth0's "client"): something that sends users to Tessera to sign in and gets
//! Tessera's tokens back. The model the Management API (`/api/v2/clients`) and the dashboard
//! share, and its one set of rules. Isomorphic: the dashboard checks fields in the browser too.

use crate::error::FieldError;
use crate::string_enum;
use serde::{Deserialize, Serialize};

string_enum!(
    /// "Application Type".
    AppType {
        /// "Regular Web Application": a server that can keep a secret.
        RegularWeb = "regular_web",
        /// "Single Page Application": runs in the browser, keeps no secret, uses PKCE.
        Spa = "spa",
        /// "Machine to Machine": no users, client credentials only.
        NonInteractive = "non_interactive",
    }
);

string_enum!(
    /// OAuth 2.0 grant types an application may use at `/oauth/token`.
    GrantType {
        AuthorizationCode = "authorization_code",
        RefreshToken = "refresh_token",
        ClientCredentials = "client_credentials",
        /// `response_type=id_token` with `response_mode=form_post`: the front channel another
        /// Tessera (or any broker) uses with Tessera as its identity provider.
        Implicit = "implicit",
        /// Auth0's Token Vault: a Tessera token exchanged for a connected account's IdP token.
        TokenVault = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token",
    }
);

string_enum!(
    /// "ID Token Signature Algorithm" (`id_token_signed_response_alg`).
    IdTokenAlg {
        /// RS256, which every relying party supports (the default).
        RS256 = "RS256",
        /// ES256: shorter tokens, faster signatures.
        ES256 = "ES256",
    }
);

string_enum!(
    /// How the application authenticates at Tessera's token endpoint.
    ClientAuthMethod {
        ClientSecretBasic = "client_secret_basic",
        ClientSecretPost = "client_secret_post",
        /// A public client (single page application): PKCE instead of a secret.
        None = "none",
        /// A JWT signed with one of the application's registered keys (`jwks`), RFC 7523.
        PrivateKeyJwt = "private_key_jwt",
    }
);

impl GrantType {
    /// Auth0's name for it on the application's Grant Types list.
    pub fn label(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "Authorization Code",
            GrantType::RefreshToken => "Refresh Token",
            GrantType::ClientCredentials => "Client Credentials",
            GrantType::Implicit => "Implicit",
            GrantType::TokenVault => "Token Vault",
        }
    }
}

impl AppType {
    /// The grant types an application of this type may be given.
    pub fn possible_grants(self) -> &'static [GrantType] {
        match self {
            AppType::RegularWeb => &[GrantType::AuthorizationCode, GrantType::RefreshToken, GrantType::Implicit, GrantType::TokenVault],
            AppType::Spa => &[GrantType::AuthorizationCode, GrantType::RefreshToken, GrantType::Implicit],
            AppType::NonInteractive => &[GrantType::ClientCredentials],
        }
    }

    /// The authentication methods the application's page offers for this type.
    pub fn possible_auth_methods(self) -> &'static [ClientAuthMethod] {
        match self {
            AppType::Spa => &[ClientAuthMethod::None],
            _ => &[ClientAuthMethod::ClientSecretPost, ClientAuthMethod::ClientSecretBasic, ClientAuthMethod::PrivateKeyJwt],
        }
    }

    /// The name the dashboard shows.
    pub fn label(self) -> &'static str {
        match self {
            AppType::RegularWeb => "Regular Web Application",
            AppType::Spa => "Single Page Application",
            AppType::NonInteractive => "Machine to Machine",
        }
    }

    fn default_grants(self) -> Vec<GrantType> {
        match self {
            AppType::RegularWeb | AppType::Spa => vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
            AppType::NonInteractive => vec![GrantType::ClientCredentials],
        }
    }

    fn default_auth_method(self) -> ClientAuthMethod {
        match self {
            AppType::Spa => ClientAuthMethod::None,
            _ => ClientAuthMethod::ClientSecretPost,
        }
    }
}

/// An application as every read returns it. The client secret is never part of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Application {
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub app_type: AppType,
    /// `false`: "This application is owned by a third party". It signs users in only through
    /// connections promoted to domain level, after they consent. Fixed at creation.
    pub is_first_party: bool,
    /// "Allowed Callback URLs": where `/authorize` may send the user back (exact match).
    pub callbacks: Vec<String>,
    /// "Allowed Logout URLs".
    pub allowed_logout_urls: Vec<String>,
    /// "Allowed Web Origins": pages that may run silent authentication (`prompt=none` with
    /// `response_mode=web_message` in an iframe) and receive its answer.
    pub web_origins: Vec<String>,
    /// "Allowed Origins (CORS)": browser origins that may call the token, revocation and
    /// userinfo endpoints.
    pub allowed_origins: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub token_endpoint_auth_method: ClientAuthMethod,
    pub id_token_signed_response_alg: IdTokenAlg,
    /// OpenID Connect Back-Channel Logout: where Tessera POSTs a logout token when a session
    /// the application signed in with ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_logout_uri: Option<String>,
    /// The public keys of a `private_key_jwt` application (a JWK Set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub jwks: Option<serde_json::Value>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// An application with its client secret: only the answers to create and rotate-secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationWithSecret {
    #[serde(flatten)]
    pub application: Application,
    /// Shown once. Only a hash is stored; rotate the secret if it is lost.
    pub client_secret: Option<String>,
}

/// `POST /api/v2/clients`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApplication {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Default `true`; `false` makes a third-party application (fixed once created).
    #[serde(default)]
    pub is_first_party: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<AppType>))]
    pub app_type: Option<String>,
    #[serde(default)]
    pub callbacks: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_logout_urls: Option<Vec<String>>,
    #[serde(default)]
    pub web_origins: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<GrantType>>))]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<ClientAuthMethod>))]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<IdTokenAlg>))]
    pub id_token_signed_response_alg: Option<String>,
    /// An empty string removes it.
    #[serde(default)]
    pub backchannel_logout_uri: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub jwks: Option<serde_json::Value>,
}

/// `PATCH /api/v2/clients/{id}`: fields sent replace the stored ones. Read-only fields an
/// application read with GET carries (`client_id`, `created_at`, `updated_at`) are accepted when
/// unchanged, so a read-modify-write works.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateApplication {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<AppType>))]
    pub app_type: Option<String>,
    #[serde(default)]
    pub callbacks: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_logout_urls: Option<Vec<String>>,
    #[serde(default)]
    pub web_origins: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<GrantType>>))]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<ClientAuthMethod>))]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<IdTokenAlg>))]
    pub id_token_signed_response_alg: Option<String>,
    /// An empty string removes it.
    #[serde(default)]
    pub backchannel_logout_uri: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub jwks: Option<serde_json::Value>,
    /// Read-only: accepted when unchanged.
    #[serde(default)]
    pub is_first_party: Option<bool>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl From<CreateApplication> for UpdateApplication {
    fn from(c: CreateApplication) -> Self {
        UpdateApplication {
            name: Some(c.name),
            description: c.description,
            app_type: c.app_type,
            callbacks: c.callbacks,
            allowed_logout_urls: c.allowed_logout_urls,
            web_origins: c.web_origins,
            allowed_origins: c.allowed_origins,
            grant_types: c.grant_types,
            token_endpoint_auth_method: c.token_endpoint_auth_method,
            id_token_signed_response_alg: c.id_token_signed_response_alg,
            backchannel_logout_uri: c.backchannel_logout_uri,
            jwks: c.jwks,
            ..Default::default()
        }
    }
}

/// The settings that passed every rule.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplicationSettings {
    pub name: String,
    pub description: String,
    pub app_type: AppType,
    pub callbacks: Vec<String>,
    pub allowed_logout_urls: Vec<String>,
    pub web_origins: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub token_endpoint_auth_method: ClientAuthMethod,
    pub id_token_signed_response_alg: IdTokenAlg,
    pub backchannel_logout_uri: Option<String>,
    pub jwks: Option<serde_json::Value>,
}

pub const NAME_MAX: usize = 128;
pub const DESCRIPTION_MAX: usize = 140;
pub const MAX_URLS: usize = 100;

/// "Name": 1–128 characters, no control characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("is required".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!("must be at most {NAME_MAX} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(name.to_string())
}

/// A callback or logout URL: absolute, no fragment, no credentials; `https://`, or `http://` on
/// localhost (and anywhere when private networks are allowed, for tests and development).
pub fn check_redirect_url(value: &str, allow_http: bool) -> Result<String, String> {
    let url = crate::web_url::ParsedUrl::parse(value.trim()).ok_or_else(|| format!("{value:?} is not an absolute URL like https://app.example.com/callback"))?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if local || allow_http => {}
        "http" => return Err(format!("{value:?} must use https:// (http:// is allowed on localhost only)")),
        other => return Err(format!("{value:?} must be an https:// URL (not {other}:)")),
    }
    if url.fragment().is_some() {
        return Err(format!("{value:?} must not contain a #fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{value:?} must not contain a user name or password"));
    }
    Ok(value.trim().to_string())
}

/// A JWK Set of public keys: `{"keys":[…]}`, 1–10 keys, each RSA (`n`, `e`) or EC P-256
/// (`x`, `y`), with no private members.
pub fn check_jwks(set: &serde_json::Value) -> Result<(), String> {
    let keys = set.get("keys").and_then(|k| k.as_array()).ok_or("must be a JWK Set: {\"keys\": [ … ]}")?;
    if keys.is_empty() || keys.len() > 10 {
        return Err("must hold 1 to 10 keys".into());
    }
    for (i, key) in keys.iter().enumerate() {
        let has = |m: &str| key.get(m).and_then(|v| v.as_str()).is_some_and(|v| !v.is_empty());
        let ok = match key.get("kty").and_then(|k| k.as_str()) {
            Some("RSA") => has("n") && has("e"),
            Some("EC") => key.get("crv").and_then(|c| c.as_str()) == Some("P-256") && has("x") && has("y"),
            _ => false,
        };
        if !ok {
            return Err(format!("key {}: must be an RSA key (n, e) or an EC P-256 key (x, y)", i + 1));
        }
        if ["d", "p", "q", "dp", "dq", "qi", "k"].iter().any(|m| key.get(m).is_some()) {
            return Err(format!("key {}: holds a private key; register only the public half", i + 1));
        }
    }
    Ok(())
}

fn urls(field: &str, values: &[String], allow_http: bool, errors: &mut Vec<FieldError>) -> Vec<String> {
    if values.len() > MAX_URLS {
        errors.push(FieldError::new(field, format!("may list at most {MAX_URLS} URLs")));
    }
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match check_redirect_url(v, allow_http) {
            Ok(u) if !out.contains(&u) => out.push(u),
            Ok(_) => {}
            Err(m) => errors.push(FieldError::new(field, format!("entry {}: {m}", i + 1))),
        }
    }
    out
}

/// An origin as a browser sends it: `https://host[:port]`, no path, query or fragment (`http`
/// only on loopback, or with private networks allowed). Returned without a trailing slash.
pub fn check_origin(value: &str, allow_http: bool) -> Result<String, String> {
    let v = value.trim().trim_end_matches('/');
    let url = crate::web_url::ParsedUrl::parse(v).ok_or_else(|| format!("{v:?} is not an origin like https://app.example.com"))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if allow_http || loopback => {}
        _ => return Err(format!("{v:?} must be an https origin")),
    }
    if url.host_str().is_none() || url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{v:?} must be an origin only: scheme, host and port, no path"));
    }
    Ok(url.origin().to_string())
}

fn origins(field: &str, values: &[String], allow_http: bool, errors: &mut Vec<FieldError>) -> Vec<String> {
    if values.len() > MAX_URLS {
        errors.push(FieldError::new(field, format!("may list at most {MAX_URLS} origins")));
    }
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match check_origin(v, allow_http) {
            Ok(o) if !out.contains(&o) => out.push(o),
            Ok(_) => {}
            Err(m) => errors.push(FieldError::new(field, format!("entry {}: {m}", i + 1))),
        }
    }
    out
}

/// Everything an application may be, checked once for create and update: the stored settings
/// (on update) with the sent fields laid over them. A create is an update of nothing.
pub fn validate(base: Option<&ApplicationSettings>, sent: &UpdateApplication, allow_http: bool) -> Result<ApplicationSettings, Vec<FieldError>> {
    let name = sent.name.as_deref();
    let description = sent.description.as_deref();
    let app_type = sent.app_type.as_deref();
    let callbacks = sent.callbacks.as_deref();
    let allowed_logout_urls = sent.allowed_logout_urls.as_deref();
    let grant_types = sent.grant_types.as_deref();
    let token_endpoint_auth_method = sent.token_endpoint_auth_method.as_deref();
    let mut errors = Vec::new();
    let name = match name.map(check_name) {
        Some(Ok(n)) => n,
        Some(Err(m)) => {
            errors.push(FieldError::new("name", m));
            String::new()
        }
        None => base.map(|b| b.name.clone()).unwrap_or_default(),
    };
    let description = description.map(|d| d.trim().to_string()).or_else(|| base.map(|b| b.description.clone())).unwrap_or_default();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.push(FieldError::new("description", format!("must be at most {DESCRIPTION_MAX} characters")));
    }
    let type_changed = app_type.is_some();
    let app_type = match app_type {
        Some(t) => AppType::parse(t).unwrap_or_else(|| {
            errors.push(FieldError::new("app_type", format!("must be regular_web, spa or non_interactive (got {t:?})")));
            AppType::RegularWeb
        }),
        None => base.map(|b| b.app_type).unwrap_or(AppType::RegularWeb),
    };
    let callbacks = match callbacks {
        Some(c) => urls("callbacks", c, allow_http, &mut errors),
        None => base.map(|b| b.callbacks.clone()).unwrap_or_default(),
    };
    let allowed_logout_urls = match allowed_logout_urls {
        Some(c) => urls("allowed_logout_urls", c, allow_http, &mut errors),
        None => base.map(|b| b.allowed_logout_urls.clone()).unwrap_or_default(),
    };
    let web_origins = match sent.web_origins.as_deref() {
        Some(o) => origins("web_origins", o, allow_http, &mut errors),
        None => base.map(|b| b.web_origins.clone()).unwrap_or_default(),
    };
    let allowed_origins = match sent.allowed_origins.as_deref() {
        Some(o) => origins("allowed_origins", o, allow_http, &mut errors),
        None => base.map(|b| b.allowed_origins.clone()).unwrap_or_default(),
    };
    let grant_types = match grant_types {
        Some(list) => {
            let mut out = Vec::new();
            for g in list {
                match GrantType::parse(g) {
                    Some(g) if !out.contains(&g) => out.push(g),
                    Some(_) => {}
                    None => errors.push(FieldError::new(
                        "grant_types",
                        format!("{g:?} is not a grant type Tessera supports (authorization_code, refresh_token, implicit, client_credentials)"),
                    )),
                }
            }
            out
        }
        None if type_changed || base.is_none() => app_type.default_grants(),
        None => base.map(|b| b.grant_types.clone()).unwrap_or_default(),
    };
    let method = match token_endpoint_auth_method {
        Some(m) => ClientAuthMethod::parse(m).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "token_endpoint_auth_method",
                format!("must be client_secret_basic, client_secret_post, private_key_jwt or none (got {m:?})"),
            ));
            app_type.default_auth_method()
        }),
        None if type_changed || base.is_none() => app_type.default_auth_method(),
        None => base.map(|b| b.token_endpoint_auth_method).unwrap_or(app_type.default_auth_method()),
    };
    match (app_type, method) {
        (AppType::Spa, ClientAuthMethod::None) => {}
        (AppType::Spa, _) => errors.push(FieldError::new(
            "token_endpoint_auth_method",
            "must be none for a single page application: code in a browser cannot keep a secret (PKCE protects it instead)",
        )),
        (_, ClientAuthMethod::None) => errors.push(FieldError::new(
            "token_endpoint_auth_method",
            "none is for single page applications; this application type authenticates with its client secret",
        )),
        _ => {}
    }
    if app_type == AppType::NonInteractive && grant_types.iter().any(|g| *g != GrantType::ClientCredentials) {
        errors.push(FieldError::new("grant_types", "a machine-to-machine application has no users: only client_credentials"));
    }
    if app_type != AppType::NonInteractive && grant_types.contains(&GrantType::ClientCredentials) {
        errors.push(FieldError::new("grant_types", "client_credentials is for machine-to-machine applications (app_type non_interactive)"));
    }
    let id_token_signed_response_alg = match sent.id_token_signed_response_alg.as_deref() {
        Some(a) => IdTokenAlg::parse(a).unwrap_or_else(|| {
            errors.push(FieldError::new("id_token_signed_response_alg", format!("must be RS256 or ES256 (got {a:?})")));
            IdTokenAlg::RS256
        }),
        None => base.map(|b| b.id_token_signed_response_alg).unwrap_or(IdTokenAlg::RS256),
    };
    let backchannel_logout_uri = match sent.backchannel_logout_uri.as_deref().map(str::trim) {
        Some("") => None,
        Some(u) => match check_redirect_url(u, allow_http) {
            Ok(u) => Some(u),
            Err(m) => {
                errors.push(FieldError::new("backchannel_logout_uri", m));
                None
            }
        },
        None => base.and_then(|b| b.backchannel_logout_uri.clone()),
    };
    let jwks = match &sent.jwks {
        Some(serde_json::Value::Null) => None,
        Some(set) => match check_jwks(set) {
            Ok(()) => Some(set.clone()),
            Err(m) => {
                errors.push(FieldError::new("jwks", m));
                None
            }
        },
        None => base.and_then(|b| b.jwks.clone()),
    };
    if method == ClientAuthMethod::PrivateKeyJwt && jwks.is_none() && !errors.iter().any(|e| e.field == "jwks") {
        errors.push(FieldError::new("jwks", "is required with private_key_jwt: the public keys the application signs its client assertions with"));
    }
    if grant_types.contains(&GrantType::Implicit) && app_type == AppType::NonInteractive {
        errors.push(FieldError::new("grant_types", "implicit signs users in: not for machine-to-machine applications"));
    }
    if errors.is_empty() {
        Ok(ApplicationSettings {
            name,
            description,
            app_type,
            callbacks,
            allowed_logout_urls,
            web_origins,
            allowed_origins,
            grant_types,
            token_endpoint_auth_method: method,
            id_token_signed_response_alg,
            backchannel_logout_uri,
            jwks,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(name: &str, app_type: Option<&str>, method: Option<&str>, grants: Option<&[String]>, callbacks: &[&str]) -> UpdateApplication {
        UpdateApplication {
            name: Some(name.into()),
            app_type: app_type.map(str::to_string),
            token_endpoint_auth_method: method.map(str::to_string),
            grant_types: grants.map(|g| g.to_vec()),
            callbacks: Some(callbacks.iter().map(|c| c.to_string()).collect()),
            ..Default::default()
        }
    }

    fn create(app_type: Option<&str>, method: Option<&str>, grants: Option<&[String]>) -> Result<ApplicationSettings, Vec<FieldError>> {
        validate(None, &sent("My App", app_type, method, grants, &["https://app.example/callback"]), false)
    }

    fn fields(r: Result<ApplicationSettings, Vec<FieldError>>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn each_application_type_gets_its_defaults() {
        let web = create(None, None, None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((web.app_type, web.token_endpoint_auth_method), (AppType::RegularWeb, ClientAuthMethod::ClientSecretPost));
        assert_eq!(web.grant_types, vec![GrantType::AuthorizationCode, GrantType::RefreshToken]);
        let spa = create(Some("spa"), None, None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(spa.token_endpoint_auth_method, ClientAuthMethod::None);
        let m2m = create(Some("non_interactive"), None, None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((m2m.grant_types, m2m.token_endpoint_auth_method), (vec![GrantType::ClientCredentials], ClientAuthMethod::ClientSecretPost));
    }

    #[test]
    fn private_key_jwt_needs_public_keys_and_logout_uris_and_id_token_algs_are_checked() {
        let rsa = serde_json::json!({ "keys": [{ "kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB" }] });
        let with = |m: UpdateApplication| validate(None, &UpdateApplication { name: Some("My App".into()), ..m }, false);
        assert_eq!(fields(with(UpdateApplication { token_endpoint_auth_method: Some("private_key_jwt".into()), ..Default::default() })), [
            "jwks: is required with private_key_jwt: the public keys the application signs its client assertions with"
        ]);
        let ok = with(UpdateApplication { token_endpoint_auth_method: Some("private_key_jwt".into()), jwks: Some(rsa.clone()), ..Default::default() });
        assert_eq!(ok.map(|s| (s.token_endpoint_auth_method, s.jwks.is_some())), Ok((ClientAuthMethod::PrivateKeyJwt, true)));
        let private = serde_json::json!({ "keys": [{ "kty": "RSA", "n": "AQAB", "e": "AQAB", "d": "secret" }] });
        assert_eq!(fields(with(UpdateApplication { jwks: Some(private), ..Default::default() })), ["jwks: key 1: holds a private key; register only the public half"]);
        assert_eq!(fields(with(UpdateApplication { jwks: Some(serde_json::json!([])), ..Default::default() })), ["jwks: must be a JWK Set: {\"keys\": [ … ]}"]);
        assert_eq!(fields(with(UpdateApplication { id_token_signed_response_alg: Some("HS256".into()), ..Default::default() })), ["id_token_signed_response_alg: must be RS256 or ES256 (got \"HS256\")"]);
        assert_eq!(fields(with(UpdateApplication { backchannel_logout_uri: Some("http://app.example/bcl".into()), ..Default::default() })), [
            "backchannel_logout_uri: \"http://app.example/bcl\" must use https:// (http:// is allowed on localhost only)"
        ]);
        let set = with(UpdateApplication { backchannel_logout_uri: Some("https://app.example/bcl".into()), id_token_signed_response_alg: Some("ES256".into()), ..Default::default() });
        assert_eq!(set.map(|s| (s.backchannel_logout_uri, s.id_token_signed_response_alg)), Ok((Some("https://app.example/bcl".into()), IdTokenAlg::ES256)));
    }

    #[test]
    fn rules_name_the_field() {
        assert!(fields(create(Some("native"), None, None))[0].starts_with("app_type: must be regular_web, spa or non_interactive"));
        assert!(fields(create(Some("spa"), Some("client_secret_basic"), None))[0].starts_with("token_endpoint_auth_method: must be none"));
        assert!(fields(create(None, Some("none"), None))[0].starts_with("token_endpoint_auth_method: none is for single page"));
        assert!(fields(create(None, None, Some(&["password".to_string()])))[0].contains("\"password\" is not a grant type"));
        assert!(fields(create(Some("non_interactive"), None, Some(&["implicit".to_string()]))).iter().any(|f| f.contains("not for machine-to-machine")));
        assert!(fields(create(None, None, Some(&["client_credentials".to_string()])))[0].contains("machine-to-machine"));
        let bad = validate(None, &sent(" ", None, None, None, &["http://app.example/cb", "https://a.example/#x", "/relative"]), false);
        assert_eq!(
            fields(bad),
            [
                "name: is required",
                "callbacks: entry 1: \"http://app.example/cb\" must use https:// (http:// is allowed on localhost only)",
                "callbacks: entry 2: \"https://a.example/#x\" must not contain a #fragment",
                "callbacks: entry 3: \"/relative\" is not an absolute URL like https://app.example.com/callback",
            ]
        );
        assert!(check_redirect_url("http://localhost:8080/cb", false).is_ok());
        assert!(check_redirect_url("http://10.0.0.1/cb", true).is_ok());
    }

    #[test]
    fn an_update_keeps_what_it_does_not_send() {
        let base = create(None, Some("client_secret_basic"), None).unwrap_or_else(|e| panic!("{e:?}"));
        let renamed = validate(Some(&base), &UpdateApplication { name: Some("Renamed".into()), ..Default::default() }, false).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((renamed.name.as_str(), renamed.token_endpoint_auth_method), ("Renamed", ClientAuthMethod::ClientSecretBasic));
        assert_eq!(renamed.callbacks, base.callbacks);
        let spa = validate(Some(&base), &UpdateApplication { app_type: Some("spa".into()), ..Default::default() }, false).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(spa.token_endpoint_auth_method, ClientAuthMethod::None, "a new type brings its own default method");
    }
}
