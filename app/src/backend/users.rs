//! Users signed in through connections: one per (connection, the IdP's `sub`), with a stable id
//! `{strategy}|{connection name}|{sub}`. The login flow upserts them (honouring the connection's
//! "Sync user profile attributes at each login"); the Users page and `/api/v2/users` read them.

use crate::backend::store::{contains_pattern, on_db};
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
    pub groups: Vec<String>,
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
    logins_count: i64,
    last_login_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, connection_id, subject, email, email_verified, name, profile, groups, logins_count, last_login_at, created_at, updated_at";

impl TryFrom<Row> for User {
    type Error = Error;
    fn try_from(r: Row) -> Result<User> {
        Ok(User {
            profile: serde_json::from_str(&r.profile).map_err(Error::internal)?,
            groups: serde_json::from_str(&r.groups).map_err(Error::internal)?,
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

/// Creates or updates the user a login brings, counts the login, and returns the user.
pub async fn upsert_on_login(state: &AppState, connection: &Connection, subject: &str, profile: Map<String, Value>) -> Result<User> {
    let id = format!("{}|{}|{}", connection.strategy.as_str(), connection.name, subject);
    let now = state.clock.now_ms();
    let email = profile.get("email").and_then(Value::as_str).map(str::to_string);
    // An IdP that sends no email_verified has not verified the email (a known pain point: treat
    // it as false, never fail the login over it).
    let email_verified = profile.get("email_verified").map(|v| v.as_bool().unwrap_or_else(|| v.as_str() == Some("true"))).unwrap_or(false);
    let name = profile.get("name").and_then(Value::as_str).map(str::to_string);
    let groups: Vec<String> = match profile.get("groups") {
        Some(Value::Array(list)) => list.iter().filter_map(|g| g.as_str().map(str::to_string)).collect(),
        Some(Value::String(g)) => vec![g.clone()],
        _ => Vec::new(),
    };
    let overwrite = connection.options.set_user_root_attributes == SetUserRootAttributes::OnEachLogin;
    let profile_json = Value::Object(profile).to_string();
    let groups_json = serde_json::to_string(&groups).map_err(Error::internal)?;
    // Groups always follow the IdP; the profile only when the connection says so.
    let sql = if overwrite {
        "INSERT INTO users (id, connection_id, subject, email, email_verified, name, profile, groups, logins_count, last_login_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9, $9)
         ON CONFLICT (connection_id, subject) DO UPDATE SET email = $4, email_verified = $5, name = $6, profile = $7, groups = $8,
           logins_count = users.logins_count + 1, last_login_at = $9, updated_at = $9"
    } else {
        "INSERT INTO users (id, connection_id, subject, email, email_verified, name, profile, groups, logins_count, last_login_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9, $9)
         ON CONFLICT (connection_id, subject) DO UPDATE SET groups = $8,
           logins_count = users.logins_count + 1, last_login_at = $9, updated_at = $9"
    };
    on_db!(&state.db, |pool| sqlx::query(sql)
        .bind(&id)
        .bind(&connection.id)
        .bind(subject)
        .bind(&email)
        .bind(email_verified)
        .bind(&name)
        .bind(&profile_json)
        .bind(&groups_json)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    let found: Row = on_db!(&state.db, |pool| sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE connection_id = $1 AND subject = $2"))
        .bind(&connection.id)
        .bind(subject)
        .fetch_one(pool)
        .await)?;
    found.try_into()
}

pub async fn get_user(state: &AppState, id: &str) -> Result<User> {
    let row: Option<Row> = on_db!(&state.db, |pool| sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.ok_or_else(|| Error::NotFound("The user does not exist.".into()))?.try_into()
}

/// A page of users, newest login first, optionally those whose email contains `search`.
pub async fn list_users(state: &AppState, search: Option<&str>, page: u64, per_page: u64) -> Result<(Vec<User>, u64)> {
    let (filter, args): (&str, Vec<String>) = match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => ("WHERE lower(email) LIKE $1 ESCAPE '\\'", vec![contains_pattern(s)]),
        None => ("", Vec::new()),
    };
    let n = args.len();
    let page_sql = format!(
        "SELECT {COLUMNS} FROM users {filter} ORDER BY last_login_at DESC, id LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let count_sql = format!("SELECT COUNT(*) FROM users {filter}");
    let limit = i64::try_from(per_page.clamp(1, 100)).unwrap_or(100);
    let offset = i64::try_from(page.saturating_mul(per_page)).unwrap_or(i64::MAX);
    let (rows, total): (Vec<Row>, i64) = on_db!(&state.db, |pool| {
        let mut q = sqlx::query_as::<_, Row>(&page_sql);
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for a in &args {
            q = q.bind(a);
            count = count.bind(a);
        }
        let rows = q.bind(limit).bind(offset).fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((rows, count.fetch_one(pool).await?))
    })?;
    Ok((rows.into_iter().map(User::try_from).collect::<Result<Vec<_>>>()?, u64::try_from(total).unwrap_or(0)))
}

pub async fn delete_user(state: &AppState, id: &str) -> Result<()> {
    // Their sessions end and their tokens stop working with them.
    use crate::backend::provider::sessions::{end, Ending};
    end(state, Ending::User(id)).await?;
    crate::backend::provider::refresh::revoke_for_user(state, id).await?;
    let n = on_db!(&state.db, |pool| sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(Error::NotFound("The user does not exist.".into()));
    }
    Ok(())
}
