//! Self-service setup links: an admin hands an organization a link, and the organization's IT
//! admin sets up their own connection without a Tessera account. A link is single use (bound to
//! the first browser that opens it, finished once), expires (7 days unless chosen), can be
//! revoked, and is logged when created, opened and finished. Only its token's SHA-256 is kept.
//!
//! Everything a link reaches goes through a [`Scope`]: the link's organization and the one
//! connection the link created. No function here takes a connection or organization id from the
//! browser, so a link cannot read or change anything else.

use crate::backend::error::Resource;
use crate::backend::connections;
use crate::backend::cookies::Cookie;
use crate::backend::crypto::{random_alphanumeric, sha256_hex};
use crate::backend::flows::{self, Started};
use crate::backend::{applications, logs, AppState, Error, Result};
use crate::connections::options::{Channel, OptionsInput, TokenEndpointAuthMethod};
use crate::connections::validate::{discovery_target, okta_issuer, Rules};
use crate::connections::{CreateConnection, UpdateConnection};
use crate::error::FieldError;
use crate::organizations::{Organization, SetupConnection, SetupLink, SetupLinkStatus, SetupProvider, SetupView, SETUP_LINK_DAYS};

/// Reads a cookie of the request by name.
pub type Cookies<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);
pub use crate::backend::logs::{SETUP_LINK_COMPLETED as LINK_COMPLETED, SETUP_LINK_CREATED as LINK_CREATED, SETUP_LINK_OPENED as LINK_OPENED, SETUP_LINK_REFUSED as LINK_REFUSED};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A link just made: the only time its URL exists outside the admin's clipboard.
pub struct CreatedLink {
    pub link: SetupLink,
    pub url: String,
}

type LinkRow = (String, String, String, i64, i64, Option<String>, Option<i64>, Option<i64>, Option<i64>, String);
const LINK_COLUMNS: &str = "id, organization_id, created_by, created_at, expires_at, connection_id, opened_at, finished_at, revoked_at, client_ids";

fn status(now: i64, expires_at: i64, opened: Option<i64>, finished: Option<i64>, revoked: Option<i64>) -> SetupLinkStatus {
    if revoked.is_some() {
        SetupLinkStatus::Revoked
    } else if finished.is_some() {
        SetupLinkStatus::Completed
    } else if expires_at <= now {
        SetupLinkStatus::Expired
    } else if opened.is_some() {
        SetupLinkStatus::Opened
    } else {
        SetupLinkStatus::Sent
    }
}

fn link_from(now: i64, r: LinkRow) -> SetupLink {
    let (id, _org, created_by, created_at, expires_at, connection_id, opened, finished, revoked, client_ids) = r;
    SetupLink {
        status: status(now, expires_at, opened, finished, revoked),
        client_ids: serde_json::from_str(&client_ids).unwrap_or_default(),
        id,
        created_by,
        created_at,
        expires_at,
        connection_id,
    }
}

/// "Invite IT admin": a link for `organization_id` living `days` (one of [`SETUP_LINK_DAYS`]),
/// whose connection will be enabled for `client_ids`.
pub async fn create(state: &AppState, organization_id: &str, days: u32, client_ids: Vec<String>, created_by: &str) -> Result<CreatedLink> {
    let org = super::get(state, organization_id).await?;
    if !SETUP_LINK_DAYS.contains(&days) {
        let choices = SETUP_LINK_DAYS.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        return Err(Error::invalid("expires_in_days", format!("must be one of {choices}")));
    }
    let mut unknown = Vec::new();
    for (i, c) in client_ids.iter().enumerate() {
        if matches!(applications::get_application(state, c).await, Err(Error::NotFound(_))) {
            unknown.push(FieldError::new(format!("client_ids[{i}]"), "is not an application"));
        }
    }
    if !unknown.is_empty() {
        return Err(Error::Invalid { fields: unknown });
    }
    let token = random_alphanumeric(43);
    let id = format!("sul_{}", random_alphanumeric(16));
    let now = state.clock.now_ms();
    let expires_at = now + i64::from(days) * DAY_MS;
    state.db.execute(
        "INSERT INTO setup_links (id, organization_id, token_hash, client_ids, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[(&id).into(), (&org.id).into(), (sha256_hex(&token)).into(), (serde_json::to_string(&client_ids).map_err(Error::internal)?).into(), created_by.into(), now.into(), expires_at.into()],
    ).await?;
    logs::record(state, LINK_CREATED, &format!("Setup link {id} created for {} by {created_by} (expires in {days} days)", org.label()), None, None, None).await;
    let url = format!("{}/setup/{token}", state.env.public_base());
    let link = SetupLink { id, status: SetupLinkStatus::Sent, created_by: created_by.to_string(), created_at: now, expires_at, connection_id: None, client_ids };
    Ok(CreatedLink { link, url })
}

/// The organization's links, newest first.
pub async fn list(state: &AppState, organization_id: &str) -> Result<Vec<SetupLink>> {
    super::get(state, organization_id).await?;
    let rows: Vec<LinkRow> = state.db.fetch_all(&format!(
        "SELECT {LINK_COLUMNS} FROM setup_links WHERE organization_id = $1 ORDER BY created_at DESC, id"
    ), &[organization_id.into()]).await?;
    let now = state.clock.now_ms();
    Ok(rows.into_iter().map(|r| link_from(now, r)).collect())
}

/// Revokes a link that is still usable; the IT admin's next step is refused.
pub async fn revoke(state: &AppState, organization_id: &str, id: &str) -> Result<()> {
    let now = state.clock.now_ms();
    let n = state.db.execute(
        "UPDATE setup_links SET revoked_at = $3 WHERE id = $1 AND organization_id = $2 AND revoked_at IS NULL AND finished_at IS NULL",
        &[id.into(), organization_id.into(), now.into()],
    ).await?;
    if n == 0 {
        return Err(Error::not_found(Resource::SetupLink, "There is no usable setup link with this id."));
    }
    tracing::info!(organization_id, setup_link_id = id, "setup link revoked");
    Ok(())
}

/// Why a link does not open, in words for an IT admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No link has this token (mistyped, cut short or tampered with).
    Invalid,
    Expired,
    Revoked,
    /// The setup was finished with this link already.
    Used,
    /// The link was opened in another browser first.
    OtherBrowser,
    /// The screens were reached without opening the link itself first.
    NotOpened,
}

impl Refusal {
    pub fn title(self) -> &'static str {
        match self {
            Refusal::Invalid => "This setup link is not valid",
            Refusal::Expired => "This setup link has expired",
            Refusal::Revoked => "This setup link was revoked",
            Refusal::Used | Refusal::OtherBrowser => "This setup link was already used",
            Refusal::NotOpened => "Open your setup link first",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::Invalid => "Check that you copied the whole link. If it still does not open, ask the person who sent it for a new one.",
            Refusal::Expired => "Setup links work for a limited time. Ask the person who sent it for a new one.",
            Refusal::Revoked => "The person who sent it turned it off. Ask them for a new one if you still need to set up sign-in.",
            Refusal::Used => "The connection was set up with it already. Each setup link works once; ask for a new one to change the configuration.",
            Refusal::OtherBrowser => "It was opened in another browser, and each setup link works in one browser only. Continue there, or ask for a new link.",
            Refusal::NotOpened => "Open the link exactly as you received it (without /steps at the end) to begin.",
        }
    }

    /// The HTTP status the refusal is served with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::Invalid => 404,
            Refusal::Expired | Refusal::Revoked | Refusal::Used => 410,
            Refusal::OtherBrowser | Refusal::NotOpened => 403,
        }
    }
}

/// What a link opens to: its organization and the one connection it set up.
#[derive(Debug, Clone)]
pub struct Scope {
    pub link_id: String,
    pub organization: Organization,
    pub connection_id: Option<String>,
    pub client_ids: Vec<String>,
    pub expires_at: i64,
    pub tested: bool,
}

type ScopeRow = (String, String, i64, Option<String>, Option<i64>, Option<i64>, Option<String>, Option<i64>, Option<i64>, String);

async fn find(state: &AppState, token: &str) -> Result<Option<ScopeRow>> {
    Ok(state.db.fetch_optional(
        "SELECT id, organization_id, expires_at, browser_hash, finished_at, revoked_at, connection_id, tested_at, opened_at, client_ids FROM setup_links WHERE token_hash = $1",
        &[(sha256_hex(token)).into()],
    ).await?)
}

/// Logs a refusal and hands it back.
async fn refused(state: &AppState, refusal: Refusal, link_id: Option<&str>) -> Refusal {
    let which = link_id.map(|id| format!("Setup link {id}")).unwrap_or_else(|| "A setup link".into());
    logs::record(state, LINK_REFUSED, &format!("{which} was refused: {}", refusal.title().to_lowercase()), None, None, None).await;
    refusal
}

async fn check(state: &AppState, token: &str, cookies: Cookies<'_>, may_bind: bool) -> Result<std::result::Result<(Scope, Option<String>), Refusal>> {
    let Some((id, organization_id, expires_at, browser_hash, finished, revoked, connection_id, tested_at, _opened, client_ids)) = find(state, token).await? else {
        return Ok(Err(refused(state, Refusal::Invalid, None).await));
    };
    // One cookie per link, so an IT admin with links from two companies can use both.
    let browser = cookies(&Cookie::Setup(&id).name(state.env.cookies_secure()));
    let browser = browser.as_deref();
    let refusal = if revoked.is_some() {
        Some(Refusal::Revoked)
    } else if finished.is_some() {
        Some(Refusal::Used)
    } else if expires_at <= state.clock.now_ms() {
        Some(Refusal::Expired)
    } else {
        match (&browser_hash, browser) {
            (Some(bound), Some(b)) if *bound == sha256_hex(b) => None,
            (Some(_), _) => Some(Refusal::OtherBrowser),
            (None, _) if may_bind => None,
            (None, _) => Some(Refusal::NotOpened),
        }
    };
    if let Some(r) = refusal {
        return Ok(Err(refused(state, r, Some(&id)).await));
    }
    let mut new_browser = None;
    if browser_hash.is_none() {
        // The first browser to open the link owns it; a race is settled by the database.
        let fresh = random_alphanumeric(32);
        let n = state.db.execute(
            "UPDATE setup_links SET browser_hash = $2, opened_at = $3 WHERE id = $1 AND browser_hash IS NULL",
            &[(&id).into(), (sha256_hex(&fresh)).into(), (state.clock.now_ms()).into()],
        ).await?;
        if n == 0 {
            return Ok(Err(refused(state, Refusal::OtherBrowser, Some(&id)).await));
        }
        new_browser = Some(fresh);
    }
    let organization = super::get(state, &organization_id).await?;
    if new_browser.is_some() {
        logs::record(state, LINK_OPENED, &format!("Setup link {id} for {} opened", organization.label()), None, None, None).await;
    }
    let scope = Scope {
        link_id: id,
        organization,
        connection_id,
        client_ids: serde_json::from_str(&client_ids).unwrap_or_default(),
        expires_at,
        tested: tested_at.is_some(),
    };
    Ok(Ok((scope, new_browser)))
}

/// Opening the link (`GET /setup/{token}`): the first browser is bound to it and gets the
/// value of its [`Cookie::Setup`] cookie returned; any other is refused.
pub async fn open(state: &AppState, token: &str, cookies: Cookies<'_>) -> Result<std::result::Result<(Scope, Option<String>), Refusal>> {
    check(state, token, cookies, true).await
}

/// Every later step: the link must be usable and this the browser that opened it.
pub async fn scope(state: &AppState, token: &str, cookies: Cookies<'_>) -> Result<std::result::Result<Scope, Refusal>> {
    Ok(check(state, token, cookies, false).await?.map(|(s, _)| s))
}

/// What the screens show.
pub async fn view(state: &AppState, scope: &Scope) -> Result<SetupView> {
    let connection = match &scope.connection_id {
        Some(id) => match connections::get_connection(state, id).await {
            Ok(c) => Some(SetupConnection {
                provider: if c.strategy == crate::connections::Strategy::Okta { SetupProvider::Okta } else { SetupProvider::Oidc },
                client_id: c.options.client_id.clone(),
                address: c.options.domain.clone().or(c.options.discovery_url.clone()).unwrap_or_default(),
                issuer: c.options.issuer.clone(),
            }),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let mut names = Vec::new();
    for c in &scope.client_ids {
        if let Ok(app) = applications::get_application(state, c).await {
            names.push(app.name);
        }
    }
    Ok(SetupView {
        organization: scope.organization.label().to_string(),
        redirect_uri: state.env.callback_url(),
        expires_at: scope.expires_at,
        tested: scope.tested && connection.is_some(),
        connection,
        finished: false,
        applications: names,
        allow_private_network: state.env.allow_private_network,
        domains: super::domains::list(state, &scope.organization.id).await?,
    })
}

/// The IT admin's answers on the configuration screen.
#[derive(Debug, Clone)]
pub struct SetupInput {
    pub provider: SetupProvider,
    pub client_id: String,
    /// Blank keeps the saved secret (once there is one).
    pub client_secret: String,
    /// Okta: the Okta domain; OpenID Connect: the discovery endpoint.
    pub address: String,
}

/// A free connection name for the organization: `{name}-{strategy}`, then `-2`, `-3`…
async fn free_name(state: &AppState, org: &Organization, provider: SetupProvider) -> Result<String> {
    free_name_from(state, &format!("{}-{}", org.name, provider.strategy())).await
}

/// `base` (cut to a valid connection name) if free, else `base-2`, `base-3`…
pub(super) async fn free_name_from(state: &AppState, base: &str) -> Result<String> {
    let base: String = base.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(120).collect();
    for n in 1..100 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        if connections::name_available(state, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(Error::conflict(Resource::Connection, "name", "no free connection name for this organization"))
}

fn options(input: &SetupInput) -> OptionsInput {
    provider_options(input.provider, &input.client_id, &input.client_secret, &input.address)
}

/// A connection's options from what the setup screens (and "Configure manually") ask: Okta by
/// its domain (`address` may be Okta's discovery endpoint: the scheme and the `/.well-known/…`
/// are dropped), any other provider back channel by its discovery endpoint.
pub(super) fn provider_options(provider: SetupProvider, client_id: &str, client_secret: &str, address: &str) -> OptionsInput {
    let secret = Some(client_secret.trim().to_string()).filter(|s| !s.is_empty());
    let address = address.trim();
    match provider {
        SetupProvider::Okta => OptionsInput {
            domain: Some(address.strip_prefix("https://").unwrap_or(address).to_string()),
            client_id: Some(client_id.trim().to_string()),
            client_secret: secret,
            ..Default::default()
        },
        SetupProvider::Oidc => OptionsInput {
            channel: Some(Channel::BackChannel),
            discovery_url: Some(address.to_string()),
            client_id: Some(client_id.trim().to_string()),
            client_secret: secret,
            token_endpoint_auth_method: Some(TokenEndpointAuthMethod::ClientSecretPost),
            ..Default::default()
        },
    }
}

/// What one link may make Tessera fetch (live checks and saves) per 15 minutes: many times what
/// an IT admin typing a URL needs (a check per pause in typing), few enough that a link cannot
/// drive Tessera to fetch URLs without end.
pub const FETCHES_PER_WINDOW: i64 = 120;

/// Counts one fetch the link causes; 429 when it has had its share (locks back off as the
/// sign-in throttle's do, and every replica counts in the database).
async fn take_fetch(state: &AppState, scope: &Scope) -> Result<()> {
    let key = format!("setup-fetch:{}", scope.link_id);
    let refusal = "Too many checks from this setup link in a short time. Wait a few minutes, then try again.";
    crate::backend::admin::throttle::take_bounded(&state.db, &state.clock, &[(key, FETCHES_PER_WINDOW)], refusal).await
}

/// The configuration screen's live check of what the IT admin typed (as they type, before
/// saving): the Okta domain's issuer or the discovery endpoint, fetched through the guarded client
/// as the dashboard's check is. `None` for a blank field. Counted against the link's fetches.
pub async fn check_address(state: &AppState, scope: &Scope, provider: SetupProvider, address: &str) -> Result<Option<crate::connections::IssuerCheck>> {
    take_fetch(state, scope).await?;
    let typed = address.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let url = match provider {
        SetupProvider::Oidc => typed.to_string(),
        SetupProvider::Okta => match okta_issuer(typed, Rules { allow_private_network: state.env.allow_private_network }) {
            Ok((_, issuer)) => discovery_target(&issuer).1,
            Err(m) => return Ok(Some(crate::connections::IssuerCheck::NotFound { discovery_url: String::new(), reason: format!("the Okta domain {m}") })),
        },
    };
    Ok(Some(connections::check_issuer(state, &url, Channel::BackChannel).await))
}

/// "Save configuration": creates the organization's connection (enabled for no application
/// until Finish) or changes the one this link created. A new configuration must be tested again.
pub async fn save(state: &AppState, scope: &Scope, input: SetupInput) -> Result<SetupView> {
    take_fetch(state, scope).await?;
    let mut fields = Vec::new();
    if input.client_id.trim().is_empty() {
        fields.push(FieldError::new("client_id", "Client ID is required"));
    }
    if input.address.trim().is_empty() {
        let what = if input.provider == SetupProvider::Okta { "Okta domain" } else { "Discovery endpoint" };
        fields.push(FieldError::new("address", format!("{what} is required")));
    }
    let existing = match &scope.connection_id {
        Some(id) => match connections::get_connection(state, id).await {
            Ok(c) => Some(c),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let same_provider = existing.as_ref().is_some_and(|c| c.strategy.as_str() == input.provider.strategy());
    if input.client_secret.trim().is_empty() && !same_provider {
        fields.push(FieldError::new("client_secret", "Client secret is required"));
    }
    if !fields.is_empty() {
        return Err(Error::Invalid { fields });
    }
    let connection_id = match existing {
        Some(c) if same_provider => {
            let body = UpdateConnection { options: Some(options(&input)), ..Default::default() };
            connections::update_connection(state, &c.id, body).await?.id
        }
        other => {
            let body = CreateConnection {
                name: free_name(state, &scope.organization, input.provider).await?,
                strategy: input.provider.strategy().to_string(),
                display_name: Some(scope.organization.label().to_string()),
                options: options(&input),
                // Enabled for the link's applications only at Finish, after a test sign-in
                // worked: until then it signs nobody in to anything.
                enabled_clients: Some(Vec::new()),
                ..Default::default()
            };
            let created = super::create_owned_connection(state, &scope.organization.id, body).await?;
            if let Some(old) = other {
                // The IT admin switched identity provider: the link's earlier connection goes.
                connections::delete_connection(state, &old.id).await?;
            }
            tracing::info!(organization_id = %scope.organization.id, connection_id = %created.id, "connection created through a setup link");
            created.id
        }
    };
    state.db.execute(
        "UPDATE setup_links SET connection_id = $2, tested_at = NULL WHERE id = $1",
        &[(&scope.link_id).into(), (&connection_id).into()],
    ).await?;
    let scope = Scope { connection_id: Some(connection_id), tested: false, ..scope.clone() };
    view(state, &scope).await
}

/// "Test sign-in": a real login through the link's connection, coming back to `return_to`.
pub async fn start_test(state: &AppState, scope: &Scope, return_to: &str) -> Result<Started> {
    let Some(id) = &scope.connection_id else {
        return Err(Error::invalid("connection", "save the configuration first"));
    };
    let connection = connections::get_connection(state, id).await?;
    flows::start_setup_test(state, &connection, &scope.link_id, return_to).await
}

/// A test sign-in through the link's connection succeeded.
pub async fn record_test(state: &AppState, link_id: &str, connection_id: &str) -> Result<()> {
    state.db.execute(
        "UPDATE setup_links SET tested_at = $3 WHERE id = $1 AND connection_id = $2 AND finished_at IS NULL",
        &[link_id.into(), connection_id.into(), (state.clock.now_ms()).into()],
    ).await?;
    Ok(())
}

/// "Finish": the link is used up and its connection enabled for the link's applications. Only
/// after a successful test sign-in.
pub async fn finish(state: &AppState, scope: &Scope) -> Result<SetupView> {
    let mut view = view(state, scope).await?;
    if !view.tested {
        return Err(Error::invalid("test", "sign in once with \"Test sign-in\" before finishing"));
    }
    let now = state.clock.now_ms();
    let finished = state.db.execute(
        "UPDATE setup_links SET finished_at = $2 WHERE id = $1 AND finished_at IS NULL",
        &[(&scope.link_id).into(), now.into()],
    ).await?;
    // Tested and finished: now the connection may sign users in to the link's applications
    // (those still there).
    if let (1, Some(connection_id)) = (finished, &scope.connection_id) {
        for client_id in &scope.client_ids {
            match connections::set_enabled_for_application(state, connection_id, client_id, true).await {
                Ok(()) | Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let description = format!("Setup link {} for {} completed: connection ready", scope.link_id, scope.organization.label());
    logs::record(state, LINK_COMPLETED, &description, scope.connection_id.as_deref(), None, None).await;
    view.finished = true;
    Ok(view)
}

/// The IT admin adds one of their organization's email domains: always pending, until its TXT
/// record is found.
pub async fn add_domain(state: &AppState, scope: &Scope, domain: &str) -> Result<SetupView> {
    super::domains::add(state, &scope.organization.id, domain, false).await?;
    view(state, scope).await
}

/// The IT admin's "Verify": the link's organization's domain only. The reason when not verified.
pub async fn verify_domain(state: &AppState, scope: &Scope, domain_id: &str) -> Result<(SetupView, Option<String>)> {
    let outcome = super::domains::verify(state, &scope.organization.id, domain_id).await?;
    let reason = match outcome {
        super::domains::Verification::Verified(_) => None,
        super::domains::Verification::NotYet(reason) => Some(reason),
    };
    Ok((view(state, scope).await?, reason))
}
