//! Users signed in through connections: one per (connection, the IdP's `sub`), with a stable id
//! `{strategy}|{connection name}|{sub}`. The login flow upserts them (honouring the connection's
//! "Sync user profile attributes at each login"); the Users page and `/api/v2/users` read them;
//! SCIM provisioning (`backend::scim::users`) creates, updates and deactivates the same rows.
//!
//! A sign-in and SCIM meet by these rules:
//! - A user SCIM created is found at their first sign-in by the IdP's `sub` (or Azure's `oid`)
//!   equal to their `externalId`, else by the sign-in's email equal to their `userName` or
//!   email, but only when the IdP says the email is verified and the connection's issuer is one
//!   tenant's (never a `{tenantid}` issuer, which any tenant may sign in through); from then on
//!   they are that `sub`'s user. A user deactivated by SCIM cannot sign in.
//! - Tessera says `email_verified: true` only when the IdP said so and the email's domain is one
//!   the connection may speak for: one of its Identity provider domains, or a verified domain of
//!   the organization that owns it (never through a `{tenantid}` issuer).
//! - SCIM's attributes stand: a sign-in overwrites the profile only when "Sync user profile
//!   attributes at each login" is on and SCIM last wrote the user longer ago than the
//!   connection's Sync Frequency (an hour, a day or a week). The IdP's `groups` always follow
//!   the sign-in; SCIM groups are kept apart, and tokens carry both.

pub mod delete;
pub mod grants;

use crate::backend::error::Resource;
use crate::backend::store::Value as Param;
use crate::backend::store::{inline_row, InlineRow};
use crate::backend::store::contains_pattern;
use crate::backend::{AppState, Error, Result};
use crate::connections::options::{MappingMode, SetUserRootAttributes};
use crate::connections::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    /// `{strategy}|{connection name}|{sub}`.
    pub id: String,
    pub connection_id: String,
    /// The IdP's `sub`.
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The mapped profile.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub profile: Value,
    /// The IdP's `groups` claim and the SCIM groups the user is in.
    pub groups: Vec<String>,
    /// False once SCIM deactivated the user: sign-ins are refused.
    pub active: bool,
    /// The role names their last sign-in gave them (the connection's group role assignments).
    pub roles: Vec<String>,
    pub logins_count: i64,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    connection_id: String,
    subject: String,
    email: Option<String>,
    email_verified: bool,
    name: Option<String>,
    profile: String,
    groups: String,
    scim_groups: String,
    active: bool,
    roles: String,
    logins_count: i64,
    last_login_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

inline_row!(Row { id, connection_id, subject, email, email_verified, name, profile, groups, scim_groups, active, roles, logins_count, last_login_at, created_at, updated_at });

const COLUMNS: &str =
    "id, connection_id, subject, email, email_verified, name, profile, groups, scim_groups, active, roles, logins_count, last_login_at, created_at, updated_at";

impl TryFrom<Row> for User {
    type Error = Error;
    fn try_from(r: Row) -> Result<User> {
        let mut groups: Vec<String> = serde_json::from_str(&r.groups).map_err(Error::internal)?;
        let scim: Vec<Value> = serde_json::from_str(&r.scim_groups).map_err(Error::internal)?;
        for name in scim.iter().filter_map(|g| g["display"].as_str()) {
            if !groups.iter().any(|g| g == name) {
                groups.push(name.to_string());
            }
        }
        Ok(User {
            profile: serde_json::from_str(&r.profile).map_err(Error::internal)?,
            groups,
            active: r.active,
            roles: serde_json::from_str(&r.roles).map_err(Error::internal)?,
            id: r.id,
            connection_id: r.connection_id,
            subject: r.subject,
            email: r.email,
            email_verified: r.email_verified,
            name: r.name,
            logins_count: r.logins_count,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The profile a login brings, from the ID token's claims and (when fetched) `/userinfo`.
pub fn map_profile(connection: &Connection, id_token_claims: &Map<String, Value>, userinfo: Option<&Map<String, Value>>) -> Map<String, Value> {
    let mut merged = id_token_claims.clone();
    for (k, v) in userinfo.into_iter().flatten() {
        merged.entry(k.clone()).or_insert_with(|| v.clone());
    }
    const PROTOCOL: &[&str] = &["iss", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "c_hash", "azp", "auth_time", "sid", "jti", "acr", "amr"];
    const BASIC: &[&str] = &["email", "email_verified", "name", "given_name", "family_name", "nickname", "picture", "locale", "groups"];
    let attribute_map = &connection.options.attribute_map;
    let mut profile = Map::new();
    match attribute_map.mapping_mode.unwrap_or(MappingMode::BasicProfile) {
        MappingMode::BasicProfile | MappingMode::UseMap => {
            for key in BASIC {
                if let Some(v) = merged.get(*key) {
                    profile.insert((*key).to_string(), v.clone());
                }
            }
        }
        MappingMode::BindAll => {
            for (k, v) in &merged {
                if !PROTOCOL.contains(&k.as_str()) {
                    profile.insert(k.clone(), v.clone());
                }
            }
        }
    }
    if attribute_map.mapping_mode == Some(MappingMode::UseMap) {
        for (attribute, template) in attribute_map.attributes.iter().flatten() {
            let value = resolve_template(template, id_token_claims, userinfo);
            if !value.is_null() {
                profile.insert(attribute.clone(), value);
            }
        }
    }
    for attr in &connection.options.non_persistent_attrs {
        profile.remove(attr);
    }
    profile
}

/// `${context.tokenset.id_token_claims.X}` or `${context.userinfo.X}`; anything else is kept
/// as a literal string.
fn resolve_template(template: &str, id_token: &Map<String, Value>, userinfo: Option<&Map<String, Value>>) -> Value {
    let inner = template.trim().strip_prefix("${").and_then(|t| t.strip_suffix('}'));
    match inner {
        Some(path) => match (path.strip_prefix("context.tokenset.id_token_claims."), path.strip_prefix("context.userinfo.")) {
            (Some(claim), _) => id_token.get(claim).cloned().unwrap_or(Value::Null),
            (_, Some(claim)) => userinfo.and_then(|u| u.get(claim)).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        None => Value::String(template.to_string()),
    }
}

/// The connection's Sync Frequency: how long a profile stands before a sign-in refreshes it, and
/// how long SCIM's attributes stand against a sign-in's.
fn sync_window_ms(connection: &Connection) -> i64 {
    use crate::connections::options::SyncFrequency;
    3_600_000 * match connection.options.sync_frequency {
        SyncFrequency::Hourly => 1,
        SyncFrequency::Daily => 24,
        SyncFrequency::Weekly => 24 * 7,
    }
}

/// How far a sign-in's email is trusted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmailTrust {
    /// The IdP said the email is verified and the connection's issuer is one tenant's: the
    /// email may link the sign-in to a user SCIM provisioned.
    pub links: bool,
    /// …and its domain is one the connection may speak for: Tessera says `email_verified`.
    pub verified: bool,
}

/// Whether the IdP said the email is verified: `true` or `"true"`. An IdP that sends no
/// `email_verified` has not verified it (treated as false, never a failed login).
fn idp_says_verified(profile: &Map<String, Value>) -> bool {
    profile.get("email_verified").is_some_and(|v| v.as_bool().unwrap_or_else(|| v.as_str() == Some("true")))
}

/// How far the email a sign-in through `connection` brings (in `profile`) is trusted: see the
/// module's rules. `organization_domains` are the domains the connection's organization verified
/// (read with the connection, so this asks the database nothing).
pub fn email_trust(connection: &Connection, organization_domains: &[String], profile: &Map<String, Value>) -> EmailTrust {
    let Some(email) = profile.get("email").and_then(Value::as_str) else { return EmailTrust::default() };
    let one_tenant = !connection.options.issuer.contains("{tenantid}");
    let links = one_tenant && idp_says_verified(profile);
    if !links {
        return EmailTrust { links, verified: false };
    }
    let Some((_, domain)) = email.rsplit_once('@') else { return EmailTrust { links, verified: false } };
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let verified = connection.options.domain_aliases.iter().chain(organization_domains).any(|d| *d == domain);
    EmailTrust { links, verified }
}

/// A user SCIM provisioned who has not signed in yet and is this sign-in's person: by
/// `externalId` equal to the `sub` (or Azure's `oid`), else by `email` (given only when
/// [`EmailTrust::links`]). They become the `sub`'s.
async fn link_provisioned(state: &AppState, connection: &Connection, subject: &str, oid: Option<&str>, email: Option<&str>) -> Result<()> {
    let exists: Option<String> = state.db.fetch_optional_scalar(
        "SELECT id FROM users WHERE connection_id = $1 AND subject = $2",
        &[(&connection.id).into(), subject.into()],
    ).await?;
    if exists.is_some() {
        return Ok(());
    }
    // One index each, in order of trust: externalId, then userName, then email.
    let unlinked = "scim_resource IS NOT NULL AND logins_count = 0";
    let lookups = [
        (format!("SELECT id FROM users WHERE connection_id = $1 AND external_id = $2 AND {unlinked} LIMIT 1"), Some(subject)),
        (format!("SELECT id FROM users WHERE connection_id = $1 AND external_id = $2 AND {unlinked} LIMIT 1"), oid),
        (format!("SELECT id FROM users WHERE connection_id = $1 AND lower(user_name) = lower($2) AND {unlinked} LIMIT 1"), email),
        (format!("SELECT id FROM users WHERE connection_id = $1 AND lower(email) = lower($2) AND {unlinked} LIMIT 1"), email),
    ];
    let mut candidate: Option<String> = None;
    for (sql, value) in lookups {
        let Some(value) = value.filter(|v| !v.is_empty()) else { continue };
        candidate = state.db.fetch_optional_scalar(&sql, &[(&connection.id).into(), value.into()]).await?;
        if candidate.is_some() {
            break;
        }
    }
    if let Some(id) = candidate {
        state.db.execute("UPDATE users SET subject = $2 WHERE id = $1", &[(&id).into(), subject.into()]).await?;
        tracing::info!(user_id = %id, "a SCIM-provisioned user signed in for the first time");
    }
    Ok(())
}

/// Whether SCIM deleted this person from the connection (by IdP subject or email): their
/// sign-in is refused until SCIM provisions them again.
pub async fn deleted_by_scim(state: &AppState, connection: &Connection, subject: &str, email: Option<&str>) -> Result<bool> {
    if !connection.options.scim_enabled {
        return Ok(false);
    }
    let found: Option<i64> = state.db.fetch_optional_scalar(
        "SELECT deleted_at FROM scim_tombstones WHERE connection_id = $1 AND (subject = $2 OR lower(email) = lower($3)) LIMIT 1",
        &[(&connection.id).into(), subject.into(), (email.unwrap_or("")).into()],
    ).await?;
    Ok(found.is_some())
}

/// Creates or updates the user a login brings, counts the login, and returns the user. A user
/// SCIM deactivated is returned unchanged (`active` false): the caller refuses the sign-in.
/// `oid` is Azure's object id claim, which SCIM clients of Microsoft Entra send as `externalId`.
/// `trust` is what [`email_trust`] found: the stored `email_verified` is what Tessera vouches
/// for, not what the IdP said.
pub async fn upsert_on_login(state: &AppState, connection: &Connection, subject: &str, oid: Option<&str>, mut profile: Map<String, Value>, trust: EmailTrust) -> Result<User> {
    let id = format!("{}|{}|{}", connection.strategy.as_str(), connection.name, subject);
    let now = state.clock.now_ms();
    let email = profile.get("email").and_then(Value::as_str).map(str::to_string);
    if connection.options.scim_enabled {
        link_provisioned(state, connection, subject, oid, email.as_deref().filter(|_| trust.links)).await?;
    }
    let email_verified = trust.verified;
    if profile.contains_key("email_verified") {
        profile.insert("email_verified".into(), Value::Bool(email_verified));
    }
    let name = profile.get("name").and_then(Value::as_str).map(str::to_string);
    let groups: Vec<String> = match profile.get("groups") {
        Some(Value::Array(list)) => list.iter().filter_map(|g| g.as_str().map(str::to_string)).collect(),
        Some(Value::String(g)) => vec![g.clone()],
        _ => Vec::new(),
    };
    let profile_json = Value::Object(profile).to_string();
    let groups_json = serde_json::to_string(&groups).map_err(Error::internal)?;
    // Groups always follow the IdP. The profile (email, name, the mapped attributes) follows it
    // when {REFRESH} holds ($10 is now minus the connection's Sync Frequency):
    // - "Sync user profile attributes at each login" on: at every sign-in;
    // - off (`on_first_login`): once the last refresh is older than the Sync Frequency;
    // - `never_on_login`: never after the first sign-in;
    // and in every case not while SCIM's last write is younger than the Sync Frequency.
    // email_verified also follows the IdP whenever the email is the one it vouches for.
    let refresh = match connection.options.set_user_root_attributes {
        SetUserRootAttributes::OnEachLogin => "(users.provisioned_at IS NULL OR users.provisioned_at < $10)",
        SetUserRootAttributes::OnFirstLogin => {
            "(COALESCE(users.profile_synced_at, users.created_at) < $10 AND (users.provisioned_at IS NULL OR users.provisioned_at < $10))"
        }
        SetUserRootAttributes::NeverOnLogin => "(users.created_at < $10 AND 1 = 0)",
    };
    let values: Vec<Param> = vec![
        id.into(), connection.id.as_str().into(), subject.into(), email.into(), email_verified.into(), name.into(), profile_json.into(), groups_json.into(), now.into(),
        (now - sync_window_ms(connection)).into(),
    ];
    // A returning user whose profile is already what the upsert below would write (most
    // sign-ins): counted without naming the profile's columns, so none of the email indexes
    // is rewritten (SQLite rewrites an index whenever its column is assigned, even to the same
    // value). The same result as the upsert, or no row and the upsert decides.
    // Its placeholders are the upsert's less the id (the row is found by connection and `sub`,
    // which a user SCIM created keeps under its own id).
    let unchanged = format!(
        "UPDATE users SET groups = $7, logins_count = users.logins_count + 1, last_login_at = $8, updated_at = $8, version = users.version + 1,
           profile_synced_at = CASE WHEN {} THEN $8 ELSE users.profile_synced_at END
         WHERE users.connection_id = $1 AND users.subject = $2 AND users.active
           AND users.email IS NOT DISTINCT FROM $3 AND users.email_verified = $4 AND users.name IS NOT DISTINCT FROM $5 AND users.profile = $6
         RETURNING {COLUMNS}",
        refresh.replace("$10", "$9")
    );
    if let Some(row) = state.db.fetch_optional::<Row>(&unchanged, &values[1..]).await? {
        return row.try_into();
    }
    let sql = "INSERT INTO users (id, connection_id, subject, email, email_verified, name, profile, groups, logins_count, last_login_at, created_at, updated_at, profile_synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9, $9, $9)
         ON CONFLICT (connection_id, subject) DO UPDATE SET
           email = CASE WHEN {REFRESH} THEN $4 ELSE users.email END,
           email_verified = CASE WHEN {REFRESH} OR lower(users.email) = lower($4) THEN $5 ELSE users.email_verified END,
           name = CASE WHEN {REFRESH} THEN $6 ELSE users.name END,
           profile = CASE WHEN {REFRESH} THEN $7 ELSE users.profile END,
           profile_synced_at = CASE WHEN {REFRESH} THEN $9 ELSE users.profile_synced_at END,
           groups = $8, logins_count = users.logins_count + 1, last_login_at = $9, updated_at = $9, version = users.version + 1
         WHERE users.active
         RETURNING {COLUMNS}";
    let sql = sql.replace("{REFRESH}", refresh).replace("{COLUMNS}", COLUMNS);
    // The row as written, in the same statement; none when the user is deactivated (not
    // updated), who is then read as they are.
    let written: Option<Row> = state.db.fetch_optional(&sql, &values).await?;
    if let Some(row) = written {
        return row.try_into();
    }
    let found: Row = state.db.fetch_one(
        &format!("SELECT {COLUMNS} FROM users WHERE connection_id = $1 AND subject = $2"),
        &[(&connection.id).into(), subject.into()],
    ).await?;
    found.try_into()
}

/// The user an access token was issued to, with the token's `scope`, `expires_at` and
/// `revoked`, and whether its application is first-party, in one query (`/userinfo`); none when
/// the token is unknown or its user is gone.
pub async fn for_access_token(state: &AppState, token_hash: &str) -> Result<Option<TokenHolder>> {
    #[derive(sqlx::FromRow)]
    struct TokenUser {
        scope: String,
        expires_at: i64,
        revoked: bool,
        is_first_party: bool,
        #[sqlx(flatten)]
        user: Row,
    }
    impl InlineRow for TokenUser {
        fn from_inline(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
            Ok(TokenUser {
                scope: row.get("scope")?,
                expires_at: row.get("expires_at")?,
                revoked: row.get("revoked")?,
                is_first_party: row.get("is_first_party")?,
                user: Row::from_inline(row)?,
            })
        }
    }
    let user_columns: Vec<String> = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
    let sql = format!(
        "SELECT t.scope, t.expires_at, t.revoked, COALESCE(c.is_first_party, TRUE) AS is_first_party, {} FROM access_tokens t
           JOIN users u ON u.id = t.user_id LEFT JOIN clients c ON c.client_id = t.client_id WHERE t.token_hash = $1",
        user_columns.join(", ")
    );
    let found: Option<TokenUser> = state.db.fetch_optional(&sql, &[token_hash.into()]).await?;
    found
        .map(|t| Ok(TokenHolder { scope: t.scope, expires_at: t.expires_at, revoked: t.revoked, first_party: t.is_first_party, user: t.user.try_into()? }))
        .transpose()
}

/// An access token's user, as `/userinfo` needs it.
pub struct TokenHolder {
    pub scope: String,
    pub expires_at: i64,
    pub revoked: bool,
    /// The token's application is first-party (a third party sees groups and roles only with `profile`).
    pub first_party: bool,
    pub user: User,
}

pub async fn get_user(state: &AppState, id: &str) -> Result<User> {
    let row: Option<Row> = state.db.fetch_optional(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"), &[id.into()]).await?;
    row.ok_or_else(|| Error::not_found(Resource::User, "The user does not exist."))?.try_into()
}

/// A page of users, newest login first, optionally those whose email contains `search`.
pub async fn list_users(state: &AppState, search: Option<&str>, page: u64, per_page: u64) -> Result<(Vec<User>, u64)> {
    let (from, values): (&str, Vec<Param>) = match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => ("users WHERE lower(email) LIKE $1 ESCAPE '\\'", vec![contains_pattern(s).into()]),
        None => ("users", Vec::new()),
    };
    let (rows, total) = crate::backend::store::page::<Row>(&state.db, COLUMNS, from, "last_login_at DESC, id", values, page, per_page.clamp(1, 100)).await?;
    Ok((rows.into_iter().map(User::try_from).collect::<Result<Vec<_>>>()?, total))
}
