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
    }
);

string_enum!(
    /// How the application authenticates at Tessera's token endpoint.
    ClientAuthMethod {
        ClientSecretBasic = "client_secret_basic",
        ClientSecretPost = "client_secret_post",
        /// A public client (single page application): PKCE instead of a secret.
        None = "none",
    }
);

impl AppType {
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
    /// "Allowed Callback URLs": where `/authorize` may send the user back (exact match).
    pub callbacks: Vec<String>,
    /// "Allowed Logout URLs".
    pub allowed_logout_urls: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub token_endpoint_auth_method: ClientAuthMethod,
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
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<AppType>))]
    pub app_type: Option<String>,
    #[serde(default)]
    pub callbacks: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_logout_urls: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<GrantType>>))]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<ClientAuthMethod>))]
    pub token_endpoint_auth_method: Option<String>,
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
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<GrantType>>))]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<ClientAuthMethod>))]
    pub token_endpoint_auth_method: Option<String>,
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
            grant_types: c.grant_types,
            token_endpoint_auth_method: c.token_endpoint_auth_method,
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
    pub grant_types: Vec<GrantType>,
    pub token_endpoint_auth_method: ClientAuthMethod,
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
    let url = url::Url::parse(value.trim()).map_err(|_| format!("{value:?} is not an absolute URL like https://app.example.com/callback"))?;
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
    let grant_types = match grant_types {
        Some(list) => {
            let mut out = Vec::new();
            for g in list {
                match GrantType::parse(g) {
                    Some(g) if !out.contains(&g) => out.push(g),
                    Some(_) => {}
                    None => errors.push(FieldError::new(
                        "grant_types",
                        format!("{g:?} is not a grant type Tessera supports (authorization_code, refresh_token, client_credentials)"),
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
                format!("must be client_secret_basic, client_secret_post or none (got {m:?})"),
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
    if errors.is_empty() {
        Ok(ApplicationSettings { name, description, app_type, callbacks, allowed_logout_urls, grant_types, token_endpoint_auth_method: method })
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
    fn rules_name_the_field() {
        assert!(fields(create(Some("native"), None, None))[0].starts_with("app_type: must be regular_web, spa or non_interactive"));
        assert!(fields(create(Some("spa"), Some("client_secret_basic"), None))[0].starts_with("token_endpoint_auth_method: must be none"));
        assert!(fields(create(None, Some("none"), None))[0].starts_with("token_endpoint_auth_method: none is for single page"));
        assert!(fields(create(None, None, Some(&["implicit".to_string()])))[0].contains("\"implicit\" is not a grant type"));
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
