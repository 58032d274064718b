//! The connections service: create, read, list, update and delete enterprise connections. The
//! Management API handlers and the dashboard's server functions call these functions and
//! nothing else; every rule lives in `crate::connections::validate` and every issuer check in
//! `backend::discovery`.

pub mod keys;
pub mod logo;
pub mod store;

use crate::backend::error::Resource;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::{from_json, rfc3339, to_json};
use crate::backend::discovery::document::{same_issuer, validate_document};
use crate::backend::{AppState, Error, Result};
use crate::connections::options::{Channel, SigningAlg, TokenEndpointAuthMethod};
use crate::connections::validate::{check_name, reconcile_read_only, validate_common, validate_options, DiscoveryPlan, Draft};
use crate::connections::{
    CheckStatus, Checkpoint, Connection, CreateConnection, IssuerCheck, ListQuery, OptionsView, Strategy, UpdateConnection, MAX_PER_PAGE,
};
use crate::error::FieldError;
use store::ConnectionRow;

fn invalid(fields: Vec<FieldError>) -> Error {
    Error::Invalid { fields }
}

fn not_found() -> Error {
    Error::not_found(Resource::Connection, "The connection does not exist.")
}

fn status_str(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Found => "found",
        CheckStatus::NotFound => "not_found",
        CheckStatus::Invalid => "invalid",
        CheckStatus::NotChecked => "not_checked",
    }
}

fn status_from(text: &str) -> CheckStatus {
    match text {
        "found" => CheckStatus::Found,
        "not_found" => CheckStatus::NotFound,
        "invalid" => CheckStatus::Invalid,
        _ => CheckStatus::NotChecked,
    }
}

/// The view every read returns: never a secret or a private key.
fn to_view(row: &ConnectionRow, enabled_clients: Vec<String>) -> Result<Connection> {
    let mut options: OptionsView = from_json(&row.options, "connection options")?;
    options.client_secret_set = row.client_secret_enc.is_some();
    let strategy = Strategy::parse(&row.strategy).ok_or_else(|| Error::internal(format!("unknown stored strategy {}", row.strategy)))?;
    Ok(Connection {
        not_ready: crate::connections::readiness::not_ready(strategy, &options),
        id: row.id.clone(),
        name: row.name.clone(),
        display_name: row.display_name.clone(),
        strategy,
        options,
        enabled_clients,
        is_domain_connection: row.is_domain_connection,
        show_as_button: row.show_as_button,
        realms: from_json(&row.realms, "realms")?,
        metadata: from_json(&row.metadata, "metadata")?,
        status: status_from(&row.check_status),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    })
}

/// Fills the issuer settings a draft still lacks by running its discovery plan through the one
/// issuer check. Explicitly given settings win over discovered ones.
async fn resolve_issuer(state: &AppState, draft: &mut Draft) -> Result<CheckStatus> {
    let channel = draft.options.channel;
    let rules = state.rules();
    let (check, field, status) = match draft.plan.clone() {
        DiscoveryPlan::Document(doc) => {
            let expected = Some(draft.options.issuer.as_str()).filter(|i| !i.is_empty());
            let source = draft.options.discovery_url.clone().unwrap_or_else(|| "options.oidc_metadata".into());
            (validate_document(&doc, &source, expected, channel, rules), "options.oidc_metadata", CheckStatus::NotChecked)
        }
        DiscoveryPlan::Fetch { url, field } => {
            (state.discovery.check_issuer(&state.clock, &url, channel).await, field, CheckStatus::Found)
        }
        DiscoveryPlan::Explicit { missing } if missing.is_empty() => return Ok(CheckStatus::NotChecked),
        DiscoveryPlan::Explicit { missing } => {
            // What the admin left out comes from the issuer's own discovery document.
            let check = state.discovery.check_issuer(&state.clock, &draft.options.issuer, channel).await;
            let o = &mut draft.options;
            return match check {
                IssuerCheck::Found { issuer, token_endpoint, jwks_uri, .. } if same_issuer(&issuer, &o.issuer) => {
                    if missing.contains(&"jwks_uri") {
                        o.jwks_uri = jwks_uri;
                    }
                    if missing.contains(&"token_endpoint") {
                        o.token_endpoint = Some(token_endpoint.ok_or_else(|| {
                            invalid(vec![FieldError::new("options.token_endpoint", "is required for back channel, and the issuer's discovery document does not provide it")])
                        })?);
                    }
                    Ok(CheckStatus::Found)
                }
                IssuerCheck::Found { issuer, .. } => Err(invalid(
                    missing.iter().map(|f| FieldError::new(format!("options.{f}"), format!("is required: the discovery document found for {} names another issuer ({issuer})", o.issuer))).collect(),
                )),
                other => Err(invalid(
                    missing
                        .iter()
                        .map(|f| {
                            let why = if *f == "token_endpoint" { "is required for back channel" } else { "is required" };
                            FieldError::new(format!("options.{f}"), format!("{why}, and the issuer publishes no usable discovery document to take it from ({})", other.summary()))
                        })
                        .collect(),
                )),
            };
        }
    };
    match check {
        IssuerCheck::Found { issuer, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri, document, .. } => {
            let o = &mut draft.options;
            if !o.issuer.is_empty() && !same_issuer(&o.issuer, &issuer) {
                return Err(invalid(vec![FieldError::new(
                    "options.issuer",
                    format!("{} does not match the issuer in the discovery document ({issuer})", o.issuer),
                )]));
            }
            if o.issuer.is_empty() {
                o.issuer = issuer;
            }
            if o.authorization_endpoint.is_empty() {
                o.authorization_endpoint = authorization_endpoint;
            }
            if o.jwks_uri.is_empty() {
                o.jwks_uri = jwks_uri;
            }
            o.token_endpoint = o.token_endpoint.take().or(token_endpoint);
            o.userinfo_endpoint = o.userinfo_endpoint.take().or(userinfo_endpoint);
            o.oidc_metadata = Some(document);
            Ok(status)
        }
        other => Err(invalid(vec![FieldError::new(field, other.summary())])),
    }
}

/// Home realm discovery domains must be unique across connections: names the ones taken.
async fn check_domains_free(state: &AppState, domains: &[String], except_id: Option<&str>) -> Result<()> {
    let taken = store::domain_owners(&state.db, domains, except_id).await?;
    if taken.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = taken.iter().map(|(d, c)| format!("{d} (connection {c})")).collect();
    Err(Error::conflict(Resource::Connection, "options.domain_aliases", format!("already used by another connection: {}", list.join(", "))))
}

/// Secret and key columns for a validated draft. `current` is the stored row on update;
/// `prepared` a key made earlier for the create form.
async fn credentials(
    state: &AppState,
    id: &str,
    draft: &mut Draft,
    current: Option<&ConnectionRow>,
    prepared: Option<keys::GeneratedKey>,
) -> Result<(Option<String>, Option<String>)> {
    let key = &state.env.master_key;
    let secret_context = format!("connection:{id}:client_secret");
    let key_context = format!("connection:{id}:private_key");
    let method = draft.options.token_endpoint_auth_method;
    let uses_secret = matches!(method, TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic);
    let secret = match (&draft.client_secret, current.and_then(|c| c.client_secret_enc.clone())) {
        _ if !uses_secret && draft.options.channel == Channel::BackChannel => None,
        // The same secret sent again keeps its ciphertext, so an unchanged import changes nothing.
        (Some(new), Some(kept)) if key.decrypt(&secret_context, &kept).is_ok_and(|old| old.expose() == new.as_str()) => Some(kept),
        (Some(new), _) => Some(key.encrypt(&secret_context, new)?),
        (None, kept) => kept,
    };
    let private_key = if method == TokenEndpointAuthMethod::PrivateKeyJwt {
        let alg = draft.options.token_endpoint_auth_signing_alg.unwrap_or(SigningAlg::RS256);
        let reuse = current.and_then(|c| {
            let old: OptionsView = serde_json::from_str(&c.options).ok()?;
            let old_alg = old.token_endpoint_auth_signing_alg?;
            (keys::same_key_type(old_alg, alg) && c.private_key_enc.is_some()).then(|| (c.private_key_enc.clone(), old.client_public_jwks))
        });
        match reuse {
            Some((enc, jwks)) => {
                // Same key, possibly used with the other RSA algorithm: relabel the public JWK.
                draft.options.client_public_jwks = jwks.map(|mut j| {
                    if let Some(k) = j["keys"].get_mut(0) {
                        k["alg"] = serde_json::json!(alg.as_str());
                    }
                    j
                });
                enc
            }
            None => {
                let generated = match prepared {
                    Some(key) => key,
                    None => keys::generate(alg).await?,
                };
                draft.options.client_public_jwks = Some(generated.public_jwks);
                Some(key.encrypt(&key_context, &generated.private_pem)?)
            }
        }
    } else {
        None
    };
    Ok((secret, private_key))
}

/// The scheme, host and port of a URL, for comparing where requests go.
fn origin(url: &str) -> Option<String> {
    url::Url::parse(url).ok().map(|u| u.origin().ascii_serialization())
}

/// Whether an update would send the stored client secret somewhere new: the token endpoint
/// (where the secret is sent), the discovery URL or the issuer moves to another origin. A token
/// that may only update connections must not be able to point the stored secret at its own
/// host; the secret has to be given again.
fn secret_would_move(old: &OptionsView, new: &OptionsView) -> Option<String> {
    let uses_secret = matches!(new.token_endpoint_auth_method, TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic);
    if !uses_secret {
        return None;
    }
    let old_token = old.token_endpoint.as_deref().unwrap_or(&old.issuer);
    let pairs = [
        ("the token endpoint", Some(old_token), new.token_endpoint.as_deref()),
        ("the discovery URL", old.discovery_url.as_deref().or(Some(&old.issuer)), new.discovery_url.as_deref()),
        ("the issuer", Some(old.issuer.as_str()), Some(new.issuer.as_str())),
    ];
    pairs.into_iter().find_map(|(what, before, after)| {
        let (before, after) = (origin(before?)?, origin(after?)?);
        (before != after).then(|| format!("{what} moves from {before} to {after}"))
    })
}

/// Creates a connection. Runs the issuer check when the body asks for discovery.
pub async fn create_connection(state: &AppState, body: CreateConnection) -> Result<Connection> {
    create_connection_with_key(state, body, None).await
}

/// Creates a connection whose `private_key_jwt` key was prepared for the create form
/// (`keys::prepare_pending`), so the public key the admin already registered stays valid.
pub async fn create_connection_with_key(state: &AppState, body: CreateConnection, pending_key: Option<&str>) -> Result<Connection> {
    let rules = state.rules();
    let mut errors = Vec::new();
    let name = body.name.trim().to_string();
    if let Err(m) = check_name(&name) {
        errors.push(FieldError::new("name", m));
    }
    let strategy = Strategy::parse(&body.strategy);
    if strategy.is_none() {
        errors.push(FieldError::new("strategy", format!("must be oidc or okta (got {:?})", body.strategy)));
    }
    errors.extend(validate_common(body.display_name.as_deref(), body.realms.as_deref(), body.metadata.as_ref(), body.enabled_clients.as_deref()));
    let checked = strategy.map(|s| {
        let options = reconcile_read_only(s, body.options.clone(), None);
        (options.and_then(|o| validate_options(s, &o, false, rules)), s)
    });
    let (mut draft, strategy) = match (checked, errors.is_empty()) {
        (Some((Ok(draft), s)), true) => (draft, s),
        (Some((Err(e), _)), _) => {
            errors.extend(e);
            return Err(invalid(errors));
        }
        _ => return Err(invalid(errors)),
    };
    if store::name_exists(&state.db, &name).await? {
        return Err(Error::conflict(Resource::Connection, "name", format!("a connection named {name:?} already exists")));
    }
    check_domains_free(state, &draft.options.domain_aliases, None).await?;
    let status = resolve_issuer(state, &mut draft).await?;

    let id = format!("con_{}", random_alphanumeric(16));
    let prepared = match (pending_key, draft.options.token_endpoint_auth_method) {
        (Some(key_id), TokenEndpointAuthMethod::PrivateKeyJwt) => {
            let alg = draft.options.token_endpoint_auth_signing_alg.unwrap_or(SigningAlg::RS256);
            Some(keys::load_pending(state, key_id, alg).await?)
        }
        _ => None,
    };
    let (client_secret_enc, private_key_enc) = credentials(state, &id, &mut draft, None, prepared).await?;
    let now = state.clock.now_ms();
    let row = ConnectionRow {
        id: id.clone(),
        name: name.clone(),
        strategy: strategy.as_str().into(),
        display_name: body.display_name.filter(|d| !d.trim().is_empty()),
        options: to_json(&draft.options)?,
        client_secret_enc,
        private_key_enc,
        is_domain_connection: body.is_domain_connection.unwrap_or(false),
        // Auth0's documented default: the login page shows a button only when asked to.
        show_as_button: body.show_as_button.unwrap_or(false),
        realms: to_json(&body.realms.unwrap_or_else(|| vec![name.clone()]))?,
        metadata: to_json(&body.metadata.unwrap_or_default())?,
        check_status: status_str(status).into(),
        created_at: now,
        updated_at: now,
    };
    let enabled_clients = dedup(body.enabled_clients.unwrap_or_default());
    store::insert(&state.db, &row, &draft.options.domain_aliases, &enabled_clients).await?;
    if let Some(key_id) = pending_key {
        keys::forget_pending(&state.db, key_id).await?;
    }
    tracing::info!(connection_id = %id, strategy = %strategy.as_str(), "connection created");
    to_view(&row, sorted(enabled_clients))
}

/// Turns the connection's SCIM provisioning on or off, leaving every other option as it is.
pub async fn set_scim_enabled(state: &AppState, id: &str, enabled: bool) -> Result<Connection> {
    let current = get_connection(state, id).await?;
    let mut options = current.options.to_input(current.strategy);
    options.scim_enabled = Some(enabled);
    update_connection(state, id, crate::connections::UpdateConnection { options: Some(options), ..Default::default() }).await
}

pub async fn get_connection(state: &AppState, id: &str) -> Result<Connection> {
    Ok(for_sign_in(state, id).await?.connection)
}

/// A connection as a sign-in needs it, in one read.
pub struct ForSignIn {
    pub connection: Connection,
    /// The stored row, whose sealed credentials the callback opens.
    pub row: ConnectionRow,
    /// Whether it assigns roles (mapped groups or a default role).
    pub assigns_roles: bool,
    /// The email domains its organization verified.
    pub verified_domains: Vec<String>,
}

pub async fn for_sign_in(state: &AppState, id: &str) -> Result<ForSignIn> {
    let found = store::find_with_clients(&state.db, store::Key::Id(id)).await?.ok_or_else(not_found)?;
    let connection = to_view(&found.row, found.enabled_clients)?;
    Ok(ForSignIn { connection, row: found.row, assigns_roles: found.assigns_roles, verified_domains: found.verified_domains })
}

/// The connection with this name (names are unique regardless of case), if any.
pub async fn find_by_name(state: &AppState, name: &str) -> Result<Option<Connection>> {
    match store::find_with_clients(&state.db, store::Key::Name(name)).await? {
        Some(found) => Ok(Some(to_view(&found.row, found.enabled_clients)?)),
        None => Ok(None),
    }
}

/// Views of stored rows, with the applications each is enabled for (one query for all).
async fn views(state: &AppState, rows: &[ConnectionRow]) -> Result<Vec<Connection>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut clients = store::enabled_clients(&state.db, &ids).await?;
    rows.iter().map(|r| to_view(r, clients.remove(&r.id).unwrap_or_default())).collect()
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// A page of connections and the total that match. `per_page` is capped at 100.
pub async fn list_connections(state: &AppState, mut query: ListQuery) -> Result<(Vec<Connection>, u64)> {
    query.per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    let (rows, total) = store::list(&state.db, &query).await?;
    Ok((views(state, &rows).await?, total))
}

/// Up to `take` connections after `from` in list order (Auth0's checkpoint paging), and the
/// checkpoint to continue from when there are more.
pub async fn list_connections_after(state: &AppState, query: ListQuery, from: Option<Checkpoint>, take: u64) -> Result<(Vec<Connection>, Option<Checkpoint>)> {
    let take = take.clamp(1, MAX_PER_PAGE);
    let mut rows = store::list_after(&state.db, &query, from.as_ref(), take + 1).await?;
    let more = rows.len() as u64 > take;
    rows.truncate(usize::try_from(take).unwrap_or(usize::MAX));
    let next = if more { rows.last().map(|r| Checkpoint { name: r.name.to_lowercase(), id: r.id.clone() }) } else { None };
    Ok((views(state, &rows).await?, next))
}

/// Whether a connection name is free (the dashboard's live name check).
pub async fn name_available(state: &AppState, name: &str) -> Result<bool> {
    Ok(!store::name_exists(&state.db, name.trim()).await?)
}

/// Changes a connection. `options`, when given, replaces the options whole; an omitted
/// `client_secret` keeps the stored one. `name` and `strategy` cannot change.
pub async fn update_connection(state: &AppState, id: &str, body: UpdateConnection) -> Result<Connection> {
    let current = store::find(&state.db, id).await?.ok_or_else(not_found)?;
    let strategy = Strategy::parse(&current.strategy).ok_or_else(|| Error::internal("unknown stored strategy"))?;
    let mut errors = Vec::new();
    if body.name.as_deref().is_some_and(|n| n != current.name) {
        errors.push(FieldError::new("name", "cannot be changed"));
    }
    if body.strategy.as_deref().is_some_and(|s| s != current.strategy) {
        errors.push(FieldError::new("strategy", "cannot be changed"));
    }
    let status = serde_json::to_value(status_from(&current.check_status)).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    for (field, sent, stored) in [
        ("id", &body.id, &current.id),
        ("status", &body.status, &status),
        ("created_at", &body.created_at, &rfc3339(current.created_at)),
        ("updated_at", &body.updated_at, &rfc3339(current.updated_at)),
    ] {
        if sent.as_ref().is_some_and(|s| s != stored) {
            errors.push(FieldError::new(field, "is read-only"));
        }
    }
    errors.extend(validate_common(body.display_name.as_deref(), body.realms.as_deref(), body.metadata.as_ref(), body.enabled_clients.as_deref()));

    let mut row = current.clone();
    let mut domains = None;
    if let Some(options) = &body.options {
        let mut previous: OptionsView = from_json(&current.options, "connection options")?;
        previous.client_secret_set = current.client_secret_enc.is_some();
        let checked = reconcile_read_only(strategy, options.clone(), Some(&previous))
            .and_then(|o| validate_options(strategy, &o, current.client_secret_enc.is_some(), state.rules()));
        match checked {
            Ok(mut draft) if errors.is_empty() => {
                check_domains_free(state, &draft.options.domain_aliases, Some(id)).await?;
                let unchanged_document = matches!(&draft.plan, DiscoveryPlan::Document(doc) if Some(doc) == previous.oidc_metadata.as_ref());
                let status = resolve_issuer(state, &mut draft).await?;
                if current.client_secret_enc.is_some() && draft.client_secret.is_none() {
                    if let Some(moved) = secret_would_move(&previous, &draft.options) {
                        return Err(invalid(vec![FieldError::new(
                            "options.client_secret",
                            format!("is required again: {moved}, and the stored secret is only ever sent to the origin it was given for"),
                        )]));
                    }
                }
                row.check_status = if unchanged_document { current.check_status.clone() } else { status_str(status).into() };
                let (secret, key) = credentials(state, id, &mut draft, Some(&current), None).await?;
                row.client_secret_enc = secret;
                row.private_key_enc = key;
                row.options = to_json(&draft.options)?;
                domains = Some(draft.options.domain_aliases.clone());
            }
            Ok(_) => {}
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    if let Some(d) = body.display_name {
        row.display_name = Some(d).filter(|d| !d.trim().is_empty());
    }
    if let Some(b) = body.is_domain_connection {
        row.is_domain_connection = b;
    }
    if let Some(b) = body.show_as_button {
        row.show_as_button = b;
    }
    if let Some(r) = body.realms {
        row.realms = to_json(&r)?;
    }
    if let Some(m) = body.metadata {
        row.metadata = to_json(&m)?;
    }
    let clients = body.enabled_clients.map(dedup);
    let same_clients = match &clients {
        None => true,
        Some(sent) => {
            let mut stored = store::enabled_clients(&state.db, &[id.to_string()]).await?.remove(id).unwrap_or_default();
            let mut sent = sent.clone();
            stored.sort();
            sent.sort();
            stored == sent
        }
    };
    // A PATCH that changes nothing writes nothing: `updated_at` stays, and a tool that re-applies
    // its configuration (the Deploy CLI's import) leaves no trace.
    if row == current && same_clients {
        return get_connection(state, id).await;
    }
    row.updated_at = state.clock.now_ms();
    store::update(&state.db, &row, domains.as_deref(), clients.as_deref()).await?;
    tracing::info!(connection_id = %id, "connection updated");
    get_connection(state, id).await
}

pub async fn delete_connection(state: &AppState, id: &str) -> Result<()> {
    if !store::delete(&state.db, id).await? {
        return Err(not_found());
    }
    tracing::info!(connection_id = %id, "connection deleted");
    Ok(())
}

/// Enables or disables a connection for an application: the connection's Applications tab and
/// the application's Connections tab both call this.
pub async fn set_enabled_for_application(state: &AppState, connection_id: &str, client_id: &str, enabled: bool) -> Result<()> {
    store::set_enabled(&state.db, connection_id, client_id, enabled).await?;
    tracing::info!(%connection_id, %client_id, enabled, "connection enabled for application changed");
    Ok(())
}

/// The live issuer check for the dashboard: the same check the API and login flow use.
pub async fn check_issuer(state: &AppState, url: &str, channel: Channel) -> IssuerCheck {
    state.discovery.check_issuer(&state.clock, url, channel).await
}
