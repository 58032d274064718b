//! The rules of a connection, written once. The Management API and the dashboard's server
//! functions both go through [`validate_create`] / [`validate_options`]; the dashboard also calls
//! the small field rules (`check_name`, `check_url`, …) in the browser for instant feedback.
//! Every error names its field with the API's dotted path.

use super::options::*;
use super::Strategy;
use crate::error::FieldError;
use std::collections::BTreeMap;
use crate::web_url::ParsedUrl;

/// What validation needs to know about the deployment.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// `TESSERA_ALLOW_PRIVATE_NETWORK`: plain `http://` (and Okta domains with a scheme and port)
    /// are accepted.
    pub allow_private_network: bool,
}

/// How the issuer settings are to be completed once the pure rules pass. The backend runs it
/// with the one issuer check.
#[derive(Clone, Debug, PartialEq)]
pub enum DiscoveryPlan {
    /// Validate this discovery document (`options.oidc_metadata`) without fetching anything.
    Document(serde_json::Value),
    /// Fetch and check this URL; problems are reported against `field`.
    Fetch { url: String, field: &'static str },
    /// Explicit issuer settings. The settings named in `missing` (`jwks_uri`, and
    /// `token_endpoint` for back channel) are taken from the issuer's discovery document, when
    /// it publishes one.
    Explicit { missing: Vec<&'static str> },
}

/// Options that passed every rule that needs no network.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Normalized options. Issuer settings may still be empty until the plan has run.
    pub options: OptionsView,
    /// A new client secret, if one was sent.
    pub client_secret: Option<String>,
    pub plan: DiscoveryPlan,
}

pub const NAME_MAX: usize = 128;

/// "Connection name": 1–128 letters, digits and hyphens, not starting or ending with a hyphen.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is required".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!("must be at most {NAME_MAX} characters"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("may contain only letters, digits and hyphens".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("must not start or end with a hyphen".into());
    }
    Ok(())
}

/// A URL an admin typed: absolute, `https://` (or `http://` when private networks are allowed),
/// without credentials or a fragment.
pub fn check_url(value: &str, rules: Rules) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("is required".into());
    }
    let url = ParsedUrl::parse(value).ok_or_else(|| format!("must be an absolute URL like https://idp.example.com (got {value:?})"))?;
    match url.scheme() {
        "https" => {}
        "http" if rules.allow_private_network => {}
        "http" => return Err("must use https://".into()),
        _ => return Err("must be an https:// URL".into()),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must have a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("must not contain a #fragment".into());
    }
    // The same address rule as the guarded client, for hosts typed as IP literals; names are
    // checked by the client each time they are resolved.
    if let Some(refusal) = url.host_str().and_then(|h| super::address::literal_refusal(h, rules.allow_private_network)) {
        return Err(refusal);
    }
    Ok(())
}

/// Scopes from `scope` and/or `scopes`: space- or comma-separated, must include `openid`.
/// Returns them as one space-separated string without duplicates.
pub fn normalize_scope(scope: Option<&str>, scopes: Option<&str>) -> Result<String, FieldError> {
    let split = |s: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for token in s.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
            if !out.iter().any(|t| t == token) {
                out.push(token.to_string());
            }
        }
        out
    };
    let (field, tokens) = match (scope, scopes) {
        (Some(a), Some(b)) if split(a) != split(b) => {
            return Err(FieldError::new("options.scope", "and options.scopes are both given and differ; send one of them"));
        }
        (Some(a), _) => ("options.scope", split(a)),
        (None, Some(b)) => ("options.scopes", split(b)),
        (None, None) => return Ok("openid profile email".into()),
    };
    if let Some(bad) = tokens.iter().find(|t| !t.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')) {
        return Err(FieldError::new(field, format!("contains an invalid scope {bad:?}")));
    }
    if !tokens.iter().any(|t| t == "openid") {
        return Err(FieldError::new(field, "must include the openid scope"));
    }
    Ok(tokens.join(" "))
}

/// A DNS domain name such as `example.com` (lower-cased): at least two labels of letters,
/// digits and hyphens. Used for home realm discovery domains and the tenant domain.
pub fn normalize_domain(value: &str) -> Result<String, String> {
    let domain = value.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if domain.is_empty() {
        Err("is required".into())
    } else if domain.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) || labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        Err(format!("{value:?} is not a domain name like example.com"))
    } else {
        Ok(domain)
    }
}

/// Okta Workforce: `acme.okta.com` or `acme.okta.com/oauth2/<authorization server id>`. With
/// private networks allowed, a scheme and port are accepted too (a local stand-in for Okta).
/// Returns the normalized domain and the issuer derived from it.
pub fn okta_issuer(domain: &str, rules: Rules) -> Result<(String, String), String> {
    let raw = domain.trim().trim_end_matches('/');
    // Okta's docs name the document as `…/.well-known/` or `…/.well-known/openid-configuration`.
    let raw = raw.strip_suffix("/.well-known/openid-configuration").or_else(|| raw.strip_suffix("/.well-known")).unwrap_or(raw);
    if raw.is_empty() {
        return Err("is required".into());
    }
    let has_scheme = raw.contains("://");
    if has_scheme && !rules.allow_private_network {
        return Err("must be a domain name like acme.okta.com, without https://".into());
    }
    let with_scheme = if has_scheme { raw.to_string() } else { format!("https://{raw}") };
    let url = ParsedUrl::parse(&with_scheme).ok_or_else(|| format!("{raw:?} is not an Okta domain like acme.okta.com"))?;
    let host = url.host_str().unwrap_or_default().to_string();
    if !has_scheme {
        if url.port().is_some() {
            return Err("must not contain a port".into());
        }
        normalize_domain(&host).map_err(|_| format!("{raw:?} is not an Okta domain like acme.okta.com"))?;
    } else if !matches!(url.scheme(), "http" | "https") {
        return Err("must use https:// or http://".into());
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err("must be a domain name with an optional /oauth2/<id> path".into());
    }
    let path = url.path().trim_end_matches('/');
    let server_ok = match path.strip_prefix("/oauth2/") {
        Some(id) => !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        None => path.is_empty(),
    };
    if !server_ok {
        return Err("may only have a custom authorization server path like /oauth2/aus123 or /oauth2/default".into());
    }
    let normalized = if has_scheme { raw.to_string() } else { raw.to_ascii_lowercase() };
    let issuer = format!("{}://{}{}{}", url.scheme(), host, url.port().map(|p| format!(":{p}")).unwrap_or_default(), path);
    Ok((normalized, issuer))
}

/// The discovery document URL for an issuer, and the issuer for a URL an admin typed (a base
/// URL, a base with a path, or the full `/.well-known/openid-configuration` URL).
/// Okta's docs also give `https://{okta}/oauth2/{id}/.well-known/`, which names the same document.
pub fn discovery_target(url: &str) -> (String, String) {
    const WELL_KNOWN: &str = "/.well-known/openid-configuration";
    let url = url.trim();
    let without_slash = url.trim_end_matches('/');
    if let Some(issuer) = without_slash.strip_suffix(WELL_KNOWN).or_else(|| without_slash.strip_suffix("/.well-known")) {
        return (issuer.to_string(), format!("{issuer}{WELL_KNOWN}"));
    }
    let issuer = if without_slash.matches('/').count() <= 2 { url.to_string() } else { without_slash.to_string() };
    (issuer.clone(), format!("{}{WELL_KNOWN}", issuer.trim_end_matches('/')))
}

const PROTOCOL_PARAMS: &[&str] = &[
    "client_id", "client_secret", "redirect_uri", "response_type", "response_mode", "scope", "state", "nonce",
    "code_challenge", "code_challenge_method", "request", "request_uri",
];

fn push(errors: &mut Vec<FieldError>, field: &str, result: Result<(), String>) {
    if let Err(message) = result {
        errors.push(FieldError::new(field, message));
    }
}

/// The issuer settings a discovery document supplies: `issuer`, `authorization_endpoint`,
/// `token_endpoint`, `userinfo_endpoint`, `jwks_uri`. A new discovery URL or an uploaded document
/// replaces them.
pub fn issuer_settings(input: &mut OptionsInput) -> [&mut Option<String>; 5] {
    [&mut input.issuer, &mut input.authorization_endpoint, &mut input.token_endpoint, &mut input.userinfo_endpoint, &mut input.jwks_uri]
}

/// Whether `input` names another discovery URL than the one stored.
pub fn discovery_changed(input: &OptionsInput, stored: &OptionsView) -> bool {
    input.discovery_url.is_some() && input.discovery_url != stored.discovery_url
}

/// Options sent back as they were read (Auth0's read-modify-write: GET, change a field, PATCH
/// the whole `options`) carry fields Tessera computes. Each is dropped when it matches what is
/// stored (`stored`, `None` on create) and refused as read-only when it does not. When an OpenID
/// Connect connection's `discovery_url` changes, the settings echoed from the old document are
/// dropped too, so the new document supplies them.
pub fn reconcile_read_only(strategy: Strategy, mut input: OptionsInput, stored: Option<&OptionsView>) -> Result<OptionsInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let secret_stored = stored.is_some_and(|s| s.client_secret_set);
    if let Some(claimed) = input.client_secret_set.take() {
        if claimed != secret_stored && input.client_secret.is_none() {
            errors.push(FieldError::new(
                "options.client_secret_set",
                "is read-only (it tells whether a secret is stored); send options.client_secret to set or replace the secret",
            ));
        }
    }
    if let Some(jwks) = input.client_public_jwks.take() {
        if !jwks.is_null() && stored.and_then(|s| s.client_public_jwks.as_ref()) != Some(&jwks) {
            errors.push(FieldError::new(
                "options.client_public_jwks",
                "is read-only: Tessera generates the key pair for private_key_jwt and publishes its public key here",
            ));
        }
    }
    fn drop_if_same<T: PartialEq>(field: &mut Option<T>, stored: Option<&T>) {
        if field.is_some() && field.as_ref() == stored {
            *field = None;
        }
    }
    match (strategy, stored) {
        // Okta derives these from the domain; echoed unchanged they are simply dropped.
        (Strategy::Okta, Some(s)) => {
            drop_if_same(&mut input.channel, Some(&s.channel));
            drop_if_same(&mut input.issuer, Some(&s.issuer));
            drop_if_same(&mut input.authorization_endpoint, Some(&s.authorization_endpoint));
            drop_if_same(&mut input.token_endpoint, s.token_endpoint.as_ref());
            drop_if_same(&mut input.userinfo_endpoint, s.userinfo_endpoint.as_ref());
            drop_if_same(&mut input.jwks_uri, Some(&s.jwks_uri));
            drop_if_same(&mut input.oidc_metadata, s.oidc_metadata.as_ref());
        }
        (Strategy::Oidc, Some(s)) if discovery_changed(&input, s) => {
            drop_if_same(&mut input.oidc_metadata, s.oidc_metadata.as_ref());
            if s.oidc_metadata.is_some() {
                let stored = [Some(&s.issuer), Some(&s.authorization_endpoint), s.token_endpoint.as_ref(), s.userinfo_endpoint.as_ref(), Some(&s.jwks_uri)];
                for (field, stored) in issuer_settings(&mut input).into_iter().zip(stored) {
                    drop_if_same(field, stored);
                }
            }
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

/// Every rule of `options` that needs no network. `existing_secret` tells whether a secret is
/// already stored (an update that omits `client_secret` keeps it).
pub fn validate_options(strategy: Strategy, input: &OptionsInput, existing_secret: bool, rules: Rules) -> Result<Draft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let url_field = |errors: &mut Vec<FieldError>, field: &str, value: &Option<String>| -> Option<String> {
        let v = value.as_deref()?.trim();
        if v.is_empty() {
            return None;
        }
        match check_url(v, rules) {
            // Kept as typed: an issuer is compared byte for byte.
            Ok(_) => Some(v.to_string()),
            Err(m) => {
                errors.push(FieldError::new(format!("options.{field}"), m));
                None
            }
        }
    };

    // Okta derives its issuer settings from the domain; they cannot be sent.
    if strategy == Strategy::Okta {
        let derived: [(&str, bool); 9] = [
            ("type", input.channel.is_some_and(|c| c != Channel::BackChannel)),
            ("discovery_url", input.discovery_url.is_some()),
            ("issuer", input.issuer.is_some()),
            ("authorization_endpoint", input.authorization_endpoint.is_some()),
            ("token_endpoint", input.token_endpoint.is_some()),
            ("userinfo_endpoint", input.userinfo_endpoint.is_some()),
            ("jwks_uri", input.jwks_uri.is_some()),
            ("oidc_metadata", input.oidc_metadata.is_some()),
            ("tenant_domain", input.tenant_domain.is_some()),
        ];
        for (field, present) in derived {
            if present {
                errors.push(FieldError::new(format!("options.{field}"), "is derived from options.domain for Okta Workforce connections and cannot be set"));
            }
        }
    } else if input.domain.is_some() {
        errors.push(FieldError::new("options.domain", "is an Okta Workforce option; OpenID Connect connections use options.discovery_url or options.issuer"));
    }

    let channel = match strategy {
        Strategy::Okta => Channel::BackChannel,
        Strategy::Oidc => input.channel.unwrap_or(Channel::FrontChannel),
    };

    let client_id = input.client_id.as_deref().map(str::trim).unwrap_or_default().to_string();
    if client_id.is_empty() {
        errors.push(FieldError::new("options.client_id", "is required"));
    } else if client_id.len() > 255 || client_id.chars().any(char::is_control) {
        errors.push(FieldError::new("options.client_id", "must be at most 255 printable characters"));
    }

    let client_secret = input.client_secret.clone().filter(|s| !s.is_empty());
    if client_secret.as_ref().is_some_and(|s| s.len() > 1024) {
        errors.push(FieldError::new("options.client_secret", "must be at most 1024 characters"));
    }
    let method = input.token_endpoint_auth_method.unwrap_or(TokenEndpointAuthMethod::ClientSecretPost);
    let pkce = input.connection_settings.as_ref().and_then(|c| c.pkce).unwrap_or(Pkce::Auto);
    let has_secret = client_secret.is_some() || existing_secret;
    match method {
        TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic => {
            // An OpenID Connect back channel without a secret is created "not ready" (see
            // `readiness::not_ready`), as Auth0's seed request does; Okta's form always asks.
            if strategy == Strategy::Okta && !has_secret {
                errors.push(FieldError::new("options.client_secret", "is required"));
            }
        }
        TokenEndpointAuthMethod::PrivateKeyJwt => {
            if strategy == Strategy::Okta {
                errors.push(FieldError::new("options.token_endpoint_auth_method", "must be client_secret_post or client_secret_basic for Okta Workforce"));
            }
            if client_secret.is_some() {
                errors.push(FieldError::new("options.client_secret", "is not used with private_key_jwt; Tessera signs with its own key"));
            }
        }
        TokenEndpointAuthMethod::None => {
            if channel != Channel::BackChannel || strategy == Strategy::Okta {
                errors.push(FieldError::new("options.token_endpoint_auth_method", "none (a public client) applies only to OpenID Connect back channel"));
            }
            if pkce == Pkce::Disabled {
                errors.push(FieldError::new("options.connection_settings.pkce", "cannot be disabled for a public client (token_endpoint_auth_method none)"));
            }
            if client_secret.is_some() {
                errors.push(FieldError::new("options.client_secret", "is not used by a public client (token_endpoint_auth_method none)"));
            }
        }
    }
    let signing_alg = match (method, input.token_endpoint_auth_signing_alg) {
        (TokenEndpointAuthMethod::PrivateKeyJwt, alg) => Some(alg.unwrap_or(SigningAlg::RS256)),
        (_, Some(_)) => {
            errors.push(FieldError::new("options.token_endpoint_auth_signing_alg", "applies only with token_endpoint_auth_method private_key_jwt"));
            None
        }
        (_, None) => None,
    };

    let scope = match normalize_scope(input.scope.as_deref(), input.scopes.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };

    let discovery_url = url_field(&mut errors, "discovery_url", &input.discovery_url);
    let issuer = url_field(&mut errors, "issuer", &input.issuer);
    let authorization_endpoint = url_field(&mut errors, "authorization_endpoint", &input.authorization_endpoint);
    let token_endpoint = url_field(&mut errors, "token_endpoint", &input.token_endpoint);
    let userinfo_endpoint = url_field(&mut errors, "userinfo_endpoint", &input.userinfo_endpoint);
    let jwks_uri = url_field(&mut errors, "jwks_uri", &input.jwks_uri);
    let icon_url = url_field(&mut errors, "icon_url", &input.icon_url);

    let mut domain = None;
    let plan = match strategy {
        Strategy::Okta => match okta_issuer(input.domain.as_deref().unwrap_or_default(), rules) {
            Ok((normalized, issuer)) => {
                domain = Some(normalized);
                let (_, url) = discovery_target(&issuer);
                DiscoveryPlan::Fetch { url, field: "options.domain" }
            }
            Err(m) => {
                errors.push(FieldError::new("options.domain", m));
                DiscoveryPlan::Explicit { missing: Vec::new() }
            }
        },
        Strategy::Oidc => match (&input.oidc_metadata, &discovery_url) {
            (Some(doc), _) if doc.is_object() => DiscoveryPlan::Document(doc.clone()),
            (Some(_), _) => {
                errors.push(FieldError::new("options.oidc_metadata", "must be a JSON object (an OpenID Provider discovery document)"));
                DiscoveryPlan::Explicit { missing: Vec::new() }
            }
            (None, Some(url)) => DiscoveryPlan::Fetch { url: url.clone(), field: "options.discovery_url" },
            (None, None) => {
                if input.discovery_url.is_none() {
                    for (field, value, sent) in [("issuer", &issuer, &input.issuer), ("authorization_endpoint", &authorization_endpoint, &input.authorization_endpoint)] {
                        if value.is_none() && sent.as_deref().is_none_or(|s| s.trim().is_empty()) {
                            errors.push(FieldError::new(format!("options.{field}"), "is required unless options.discovery_url is given"));
                        }
                    }
                }
                let mut missing = Vec::new();
                if jwks_uri.is_none() && input.jwks_uri.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    missing.push("jwks_uri");
                }
                if channel == Channel::BackChannel && token_endpoint.is_none() && input.token_endpoint.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    missing.push("token_endpoint");
                }
                DiscoveryPlan::Explicit { missing }
            }
        },
    };

    let tenant_domain = match input.tenant_domain.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(d) => match normalize_domain(d) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(FieldError::new("options.tenant_domain", m));
                None
            }
        },
        None => None,
    };

    let mut domain_aliases: Vec<String> = Vec::new();
    for (i, alias) in input.domain_aliases.iter().flatten().enumerate() {
        match normalize_domain(alias) {
            Ok(d) if domain_aliases.contains(&d) => errors.push(FieldError::new("options.domain_aliases", format!("lists {d} twice"))),
            Ok(d) => domain_aliases.push(d),
            Err(m) => errors.push(FieldError::new("options.domain_aliases", format!("entry {}: {m}", i + 1))),
        }
    }
    if domain_aliases.len() > 1000 {
        errors.push(FieldError::new("options.domain_aliases", "may list at most 1000 domains"));
    }

    let non_persistent_attrs: Vec<String> = input.non_persistent_attrs.clone().unwrap_or_default();
    if non_persistent_attrs.iter().any(|a| a.trim().is_empty() || a.len() > 100) {
        errors.push(FieldError::new("options.non_persistent_attrs", "entries must be attribute names of 1-100 characters"));
    }

    let mut attribute_map = input.attribute_map.clone().unwrap_or_default();
    attribute_map.mapping_mode = Some(attribute_map.mapping_mode.unwrap_or(MappingMode::BasicProfile));
    if let Some(scope) = attribute_map.userinfo_scope.as_deref() {
        if scope.split_whitespace().any(|t| !t.chars().all(|c| c.is_ascii_graphic())) {
            errors.push(FieldError::new("options.attribute_map.userinfo_scope", "must be space-separated scopes"));
        }
    }
    for key in attribute_map.attributes.iter().flat_map(|a| a.keys()) {
        if key.trim().is_empty() || key.len() > 100 {
            errors.push(FieldError::new("options.attribute_map.attributes", format!("has an invalid attribute name {key:?}")));
        }
    }

    let upstream_params: BTreeMap<String, UpstreamParam> = input.upstream_params.clone().unwrap_or_default();
    for (name, param) in &upstream_params {
        let field = format!("options.upstream_params.{name}");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            errors.push(FieldError::new(field, "must be a parameter name of letters, digits, '_', '-' or '.'"));
        } else if PROTOCOL_PARAMS.contains(&name.as_str()) {
            errors.push(FieldError::new(field, "is set by Tessera itself and cannot be overridden"));
        } else if param.value.is_some() == param.alias.is_some() {
            errors.push(FieldError::new(field, "must have exactly one of value or alias"));
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let options = OptionsView {
        channel,
        discovery_url: if strategy == Strategy::Okta { None } else { discovery_url },
        issuer: issuer.unwrap_or_default(),
        authorization_endpoint: authorization_endpoint.unwrap_or_default(),
        token_endpoint,
        userinfo_endpoint,
        jwks_uri: jwks_uri.unwrap_or_default(),
        domain,
        client_id,
        client_secret_set: has_secret && matches!(method, TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic),
        scope,
        token_endpoint_auth_method: method,
        token_endpoint_auth_signing_alg: signing_alg,
        client_public_jwks: None,
        tenant_domain,
        domain_aliases,
        icon_url,
        non_persistent_attrs,
        connection_settings: ConnectionSettings { pkce: Some(pkce) },
        attribute_map,
        upstream_params,
        set_user_root_attributes: input.set_user_root_attributes.unwrap_or(SetUserRootAttributes::OnEachLogin),
        purpose: input.purpose.unwrap_or(Purpose::Authentication),
        oidc_metadata: None,
        sync_frequency: input.sync_frequency.unwrap_or(SyncFrequency::Daily),
        scim_enabled: input.scim_enabled.unwrap_or(false),
    };
    Ok(Draft { options, client_secret, plan })
}

/// The connection-level fields shared by create and update.
pub fn validate_common(
    display_name: Option<&str>,
    realms: Option<&[String]>,
    metadata: Option<&BTreeMap<String, String>>,
    enabled_clients: Option<&[String]>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(d) = display_name {
        if d.chars().count() > 128 {
            errors.push(FieldError::new("display_name", "must be at most 128 characters"));
        }
    }
    for realm in realms.into_iter().flatten() {
        push(&mut errors, "realms", check_name(realm).map_err(|m| format!("entry {realm:?} {m}")));
    }
    if let Some(m) = metadata {
        if m.len() > 10 {
            errors.push(FieldError::new("metadata", "may have at most 10 keys"));
        }
        for (k, v) in m {
            if k.is_empty() || k.len() > 64 {
                errors.push(FieldError::new("metadata", format!("key {k:?} must be 1-64 characters")));
            }
            if v.chars().count() > 255 {
                errors.push(FieldError::new(format!("metadata.{k}"), "must be at most 255 characters"));
            }
        }
    }
    if enabled_clients.is_some_and(|c| c.iter().any(|id| id.trim().is_empty())) {
        errors.push(FieldError::new("enabled_clients", "must list application ids"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: Rules = Rules { allow_private_network: true };
    const STRICT: Rules = Rules { allow_private_network: false };

    fn fields(r: Result<Draft, Vec<FieldError>>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn connection_names_follow_the_rules() {
        assert!(check_name("acme-okta-1").is_ok());
        assert_eq!(check_name("").err().as_deref(), Some("is required"));
        assert!(check_name("-acme").is_err() && check_name("acme-").is_err());
        assert!(check_name("acme okta").is_err() && check_name("acme_okta").is_err());
        assert!(check_name(&"a".repeat(128)).is_ok() && check_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn urls_must_be_https_unless_private_networks_are_allowed() {
        assert!(check_url("https://idp.example.com", STRICT).is_ok());
        assert_eq!(check_url("http://idp.example.com", STRICT).err().as_deref(), Some("must use https://"));
        assert!(check_url("http://127.0.0.1:4444", LOCAL).is_ok());
        assert!(check_url("ftp://idp.example.com", LOCAL).is_err());
        assert!(check_url("https://user:pw@idp.example.com", STRICT).is_err());
        assert!(check_url("idp.example.com", STRICT).is_err());
    }

    #[test]
    fn scopes_accept_both_spellings_and_separators_and_require_openid() {
        assert_eq!(normalize_scope(None, Some("openid profile")).ok().as_deref(), Some("openid profile"));
        assert_eq!(normalize_scope(Some("openid,email, profile"), None).ok().as_deref(), Some("openid email profile"));
        assert_eq!(normalize_scope(Some("openid email"), Some("email,openid")).map(|_| ()).err().map(|e| e.field), Some("options.scope".into()));
        assert_eq!(normalize_scope(Some("openid email"), Some("openid,email")).ok().as_deref(), Some("openid email"));
        assert_eq!(normalize_scope(None, Some("profile")).err().map(|e| e.message).as_deref(), Some("must include the openid scope"));
        assert_eq!(normalize_scope(None, None).ok().as_deref(), Some("openid profile email"));
    }

    #[test]
    fn okta_domains_derive_the_issuer_and_refuse_schemes_unless_local() {
        assert_eq!(okta_issuer("Acme.okta.com", STRICT), Ok(("acme.okta.com".into(), "https://acme.okta.com".into())));
        assert_eq!(
            okta_issuer("acme.okta.com/oauth2/aus123", STRICT),
            Ok(("acme.okta.com/oauth2/aus123".into(), "https://acme.okta.com/oauth2/aus123".into()))
        );
        assert!(okta_issuer("https://acme.okta.com", STRICT).is_err());
        assert!(okta_issuer("acme.okta.com:8443", STRICT).is_err());
        assert!(okta_issuer("acme.okta.com/admin", STRICT).is_err());
        assert_eq!(okta_issuer("acme.okta.com/oauth2/aus123/.well-known/", STRICT).map(|r| r.1), Ok("https://acme.okta.com/oauth2/aus123".into()));
        assert_eq!(okta_issuer("acme.okta.com/.well-known/openid-configuration", STRICT).map(|r| r.1), Ok("https://acme.okta.com".into()));
        assert_eq!(okta_issuer("http://127.0.0.1:4444/oauth2/default", LOCAL).map(|r| r.1), Ok("http://127.0.0.1:4444/oauth2/default".into()));
    }

    #[test]
    fn the_discovery_target_accepts_base_path_and_full_urls() {
        let doc = "/.well-known/openid-configuration";
        assert_eq!(discovery_target("https://idp.example"), ("https://idp.example".into(), format!("https://idp.example{doc}")));
        assert_eq!(discovery_target("https://idp.example/"), ("https://idp.example/".into(), format!("https://idp.example{doc}")));
        assert_eq!(discovery_target("https://acme.okta.com/oauth2/default"), ("https://acme.okta.com/oauth2/default".into(), format!("https://acme.okta.com/oauth2/default{doc}")));
        assert_eq!(discovery_target(&format!("https://idp.example/tenant{doc}")), ("https://idp.example/tenant".into(), format!("https://idp.example/tenant{doc}")));
        // Okta's documented spellings of a custom authorization server's document.
        let okta = "https://acme.okta.com/oauth2/aus123";
        for typed in [format!("{okta}/.well-known/"), format!("{okta}/.well-known"), format!("{okta}{doc}"), format!("{okta}{doc}/")] {
            assert_eq!(discovery_target(&typed), (okta.to_string(), format!("{okta}{doc}")), "{typed}");
        }
    }

    #[test]
    fn domains_are_checked_as_dns_names() {
        assert_eq!(normalize_domain("Example.COM").ok().as_deref(), Some("example.com"));
        for bad in ["example", "-bad.com", "exa mple.com", "example..com", "1.2.3.4", "ex_ample.com"] {
            assert!(normalize_domain(bad).is_err(), "{bad}");
        }
    }

    fn seed_back_channel() -> OptionsInput {
        OptionsInput {
            channel: Some(Channel::BackChannel),
            discovery_url: Some("https://idp.example/.well-known/openid-configuration".into()),
            client_id: Some("IDP_CLIENT_ID".into()),
            client_secret: Some("IDP_CLIENT_SECRET".into()),
            scopes: Some("openid profile".into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_back_channel_seed_body_passes_and_plans_a_fetch() {
        let draft = validate_options(Strategy::Oidc, &seed_back_channel(), false, STRICT).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draft.options.scope, "openid profile");
        assert!(draft.options.client_secret_set);
        assert_eq!(draft.plan, DiscoveryPlan::Fetch { url: "https://idp.example/.well-known/openid-configuration".into(), field: "options.discovery_url" });
    }

    #[test]
    fn back_channel_without_a_secret_is_a_draft_that_is_not_ready() {
        let mut input = seed_back_channel();
        input.client_secret = None;
        let draft = validate_options(Strategy::Oidc, &input, false, STRICT).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(super::super::readiness::not_ready(Strategy::Oidc, &draft.options).is_some_and(|r| r.contains("options.client_secret")));
        let mut draft = validate_options(Strategy::Oidc, &input, true, STRICT).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(draft.options.client_secret_set, "the stored secret is kept");
        draft.options.token_endpoint = Some("https://idp.example/token".into()); // as discovery fills it
        assert_eq!(super::super::readiness::not_ready(Strategy::Oidc, &draft.options), None);
        input.token_endpoint_auth_method = Some(TokenEndpointAuthMethod::None);
        assert!(validate_options(Strategy::Oidc, &input, false, STRICT).is_ok());
        input.connection_settings = Some(ConnectionSettings { pkce: Some(Pkce::Disabled) });
        assert_eq!(fields(validate_options(Strategy::Oidc, &input, false, STRICT)), vec!["options.connection_settings.pkce"]);
    }

    #[test]
    fn explicit_issuer_settings_name_each_missing_field() {
        let input = OptionsInput { client_id: Some("x".into()), ..Default::default() };
        assert_eq!(fields(validate_options(Strategy::Oidc, &input, false, STRICT)), vec!["options.issuer", "options.authorization_endpoint"]);
    }

    #[test]
    fn explicit_settings_leave_jwks_uri_and_the_back_channel_token_endpoint_to_discovery() {
        let mut input = OptionsInput {
            channel: Some(Channel::BackChannel),
            issuer: Some("https://idp.example".into()),
            authorization_endpoint: Some("https://idp.example/authorize".into()),
            client_id: Some("x".into()),
            ..Default::default()
        };
        let plan = |input: &OptionsInput| validate_options(Strategy::Oidc, input, false, STRICT).map(|d| d.plan).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(plan(&input), DiscoveryPlan::Explicit { missing: vec!["jwks_uri", "token_endpoint"] });
        input.channel = Some(Channel::FrontChannel);
        assert_eq!(plan(&input), DiscoveryPlan::Explicit { missing: vec!["jwks_uri"] });
        input.jwks_uri = Some("https://idp.example/jwks".into());
        assert_eq!(plan(&input), DiscoveryPlan::Explicit { missing: vec![] });
    }

    #[test]
    fn okta_refuses_the_settings_it_derives() {
        let input = OptionsInput {
            domain: Some("acme.okta.com".into()),
            issuer: Some("https://acme.okta.com".into()),
            client_id: Some("id".into()),
            client_secret: Some("secret".into()),
            ..Default::default()
        };
        assert_eq!(fields(validate_options(Strategy::Okta, &input, false, STRICT)), vec!["options.issuer"]);
    }

    #[test]
    fn private_key_jwt_takes_no_secret_and_defaults_to_rs256() {
        let mut input = seed_back_channel();
        input.token_endpoint_auth_method = Some(TokenEndpointAuthMethod::PrivateKeyJwt);
        assert_eq!(fields(validate_options(Strategy::Oidc, &input, false, STRICT)), vec!["options.client_secret"]);
        input.client_secret = None;
        let draft = validate_options(Strategy::Oidc, &input, false, STRICT).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draft.options.token_endpoint_auth_signing_alg, Some(SigningAlg::RS256));
        assert!(!draft.options.client_secret_set);
    }

    #[test]
    fn home_realm_domains_and_upstream_params_are_checked() {
        let mut input = seed_back_channel();
        input.domain_aliases = Some(vec!["Example.com".into(), "example.com".into(), "not a domain".into()]);
        input.upstream_params = Some(BTreeMap::from([
            ("login_hint".to_string(), UpstreamParam { alias: Some("login_hint".into()), value: None }),
            ("state".to_string(), UpstreamParam { value: Some("x".into()), alias: None }),
            ("prompt".to_string(), UpstreamParam::default()),
        ]));
        assert_eq!(
            fields(validate_options(Strategy::Oidc, &input, false, STRICT)),
            vec!["options.domain_aliases", "options.domain_aliases", "options.upstream_params.prompt", "options.upstream_params.state"]
        );
    }
}
