//! SCIM Users: the rows the sign-in flow upserts (`backend::users`), seen as SCIM User
//! resources. A user who signed in before SCIM knew them answers to their email as `userName`,
//! and a SCIM create whose `userName` (or `externalId`, when it is their IdP `sub`) is theirs
//! claims that row instead of making a second user. Deactivating (`active: false`) or deleting
//! a user ends their sessions (with back-channel logout) and revokes their tokens at once.
//!
//! What a resource is lives in `scim_resource` (the normalized body); the columns the rest of
//! Tessera reads (`user_name`, `external_id`, `active`, `email`, `name`, profile claims) are
//! derived from it at every write, and `version` (the ETag) is bumped.

use super::error::{ScimError, ScimResult};
use super::filter::{get_ci, Filter};
use super::resource::{normalize, schemas_of};
use super::schema::{ENTERPRISE_SCHEMA, USER};
use super::Scope;
use crate::backend::store::inline_row;
use crate::backend::store::{is_unique_violation, rfc3339};
use crate::backend::{logs, provider, AppState, Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

/// The SCIM id of a Tessera user: its id, base64url-encoded (URL-safe, no storage needed).
pub fn scim_id(user_id: &str) -> String {
    format!("usr_{}", URL_SAFE_NO_PAD.encode(user_id))
}

/// The Tessera user id a SCIM id stands for.
pub fn user_id_of(scim_id: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(scim_id.strip_prefix("usr_")?).ok()?;
    String::from_utf8(bytes).ok()
}

#[derive(sqlx::FromRow, Clone)]
pub(super) struct Row {
    pub id: String,
    subject: String,
    email: Option<String>,
    name: Option<String>,
    profile: String,
    user_name: Option<String>,
    external_id: Option<String>,
    pub active: bool,
    scim_resource: Option<String>,
    scim_groups: String,
    pub version: i64,
    created_at: i64,
    updated_at: i64,
}
inline_row!(Row { id, subject, email, name, profile, user_name, external_id, active, scim_resource, scim_groups, version, created_at, updated_at });


const COLS: &str = "id, subject, email, name, profile, user_name, external_id, active, scim_resource, scim_groups, version, created_at, updated_at";

/// The profile claims SCIM sets (and removes when SCIM removes the attribute).
const MANAGED_CLAIMS: &[&str] = &["preferred_username", "email", "name", "given_name", "family_name", "middle_name", "nickname", "locale", "zoneinfo", "department"];

pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

fn text<'a>(m: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let mut cur = m;
    for (i, key) in path.iter().enumerate() {
        let v = get_ci(cur, key)?;
        if i + 1 == path.len() {
            return v.as_str();
        }
        cur = v.as_object()?;
    }
    None
}

/// The email a resource's user has: the primary one, or the first.
fn email_of(m: &Map<String, Value>) -> Option<String> {
    let emails = get_ci(m, "emails")?.as_array()?;
    let primary = emails.iter().find(|e| e.get("primary") == Some(&Value::Bool(true))).or_else(|| emails.first());
    primary.and_then(|e| e.get("value")).and_then(Value::as_str).map(str::to_string)
}

fn display_name_of(m: &Map<String, Value>) -> Option<String> {
    text(m, &["displayName"]).or_else(|| text(m, &["name", "formatted"])).map(str::to_string).or_else(|| {
        let parts: Vec<&str> = [text(m, &["name", "givenName"]), text(m, &["name", "familyName"])].into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

impl Row {
    fn user_name(&self) -> String {
        self.user_name.clone().or_else(|| self.email.clone()).unwrap_or_else(|| self.subject.clone())
    }

    /// The stored resource, or one made from what sign-ins brought (a user SCIM never wrote).
    fn body(&self) -> Map<String, Value> {
        if let Some(m) = self.scim_resource.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok()).and_then(|v| v.as_object().cloned()) {
            return m;
        }
        let profile: Map<String, Value> = serde_json::from_str(&self.profile).unwrap_or_default();
        let mut m = Map::new();
        m.insert("userName".into(), json!(self.user_name()));
        let mut name = Map::new();
        for (claim, attr) in [("given_name", "givenName"), ("family_name", "familyName")] {
            if let Some(v) = profile.get(claim).and_then(Value::as_str) {
                name.insert(attr.into(), json!(v));
            }
        }
        if let Some(n) = &self.name {
            name.insert("formatted".into(), json!(n));
            m.insert("displayName".into(), json!(n));
        }
        if !name.is_empty() {
            m.insert("name".into(), Value::Object(name));
        }
        if let Some(e) = &self.email {
            m.insert("emails".into(), json!([{ "value": e, "type": "work", "primary": true }]));
        }
        m
    }

    /// The resource without `meta` and `groups`: what most filters read.
    fn identity(&self) -> Map<String, Value> {
        let mut m = self.body();
        m.insert("id".into(), json!(scim_id(&self.id)));
        match &self.external_id {
            Some(x) => m.insert("externalId".into(), json!(x)),
            None => m.remove("externalId"),
        };
        m.insert("userName".into(), json!(self.user_name()));
        if self.scim_resource.is_none() || !self.active {
            m.insert("active".into(), json!(self.active));
        }
        m
    }

    /// The SCIM User resource, as every read answers.
    pub fn resource(&self, scope: &Scope<'_>) -> Map<String, Value> {
        let mut m = self.identity();
        let id = scim_id(&self.id);
        let groups: Vec<Value> = serde_json::from_str::<Vec<Value>>(&self.scim_groups)
            .unwrap_or_default()
            .into_iter()
            .map(|g| {
                let gid = g["value"].as_str().unwrap_or_default().to_string();
                json!({ "value": gid, "display": g["display"], "$ref": format!("{}/Groups/{gid}", scope.base), "type": "direct" })
            })
            .collect();
        if !groups.is_empty() {
            m.insert("groups".into(), Value::Array(groups));
        }
        m.insert("schemas".into(), schemas_of(&USER, &m));
        m.insert(
            "meta".into(),
            json!({ "resourceType": "User", "created": rfc3339(self.created_at), "lastModified": rfc3339(self.updated_at),
                "version": etag(self.version), "location": format!("{}/Users/{id}", scope.base) }),
        );
        m
    }
}

async fn find_row(scope: &Scope<'_>, user_id: &str) -> Result<Option<Row>> {
    Ok(scope.state.db.fetch_optional(
        &format!("SELECT {COLS} FROM users WHERE id = $1 AND connection_id = $2"),
        &[user_id.into(), (&scope.connection.id).into()],
    ).await?)
}

/// The user with SCIM id `id` in this connection.
pub(super) async fn row(scope: &Scope<'_>, id: &str) -> ScimResult<Row> {
    let not_found = || ScimError::not_found(format!("There is no user {id:?} in this connection."));
    let user_id = user_id_of(id).ok_or_else(not_found)?;
    find_row(scope, &user_id).await?.ok_or_else(not_found)
}

pub async fn get(scope: &Scope<'_>, id: &str) -> ScimResult<Map<String, Value>> {
    Ok(row(scope, id).await?.resource(scope))
}

/// `GET /Users`: the users matching `filter`, from `start_index` (1-based), at most `count`.
pub async fn list(scope: &Scope<'_>, filter: Option<&Filter>, start_index: u64, count: u64) -> ScimResult<(Vec<Map<String, Value>>, u64)> {
    let offset = i64::try_from(start_index.saturating_sub(1)).unwrap_or(i64::MAX);
    let limit = i64::try_from(count).unwrap_or(i64::MAX);
    let state = scope.state;
    let Some(filter) = filter else {
        let rows: Vec<Row> = state.db.fetch_all(
            &format!("SELECT {COLS} FROM users WHERE connection_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"),
            &[(&scope.connection.id).into(), limit.into(), offset.into()],
        ).await?;
        let total: i64 = state.db.fetch_scalar("SELECT COUNT(*) FROM users WHERE connection_id = $1", &[(&scope.connection.id).into()]).await?;
        return Ok((rows.iter().map(|r| r.resource(scope)).collect(), u64::try_from(total).unwrap_or(0)));
    };
    // An equality the filter requires narrows the rows by index; the filter then decides.
    // (userName is the email of a user SCIM never named, or their subject when they have
    // neither: two indexed lookups.)
    let narrowing = filter.required_equalities().into_iter().find_map(|(attr, value)| {
        let sql = match attr.to_ascii_lowercase().as_str() {
            "username" => format!(
                "SELECT {COLS} FROM users WHERE connection_id = $1 AND lower(coalesce(user_name, email)) = lower($2)
                 UNION ALL SELECT {COLS} FROM users WHERE connection_id = $1 AND subject = $2 AND user_name IS NULL AND email IS NULL"
            ),
            "externalid" => format!("SELECT {COLS} FROM users WHERE connection_id = $1 AND external_id = $2"),
            "id" => format!("SELECT {COLS} FROM users WHERE connection_id = $1 AND id = $2"),
            // Any of a provisioned user's emails, or the one email of a user SCIM never wrote.
            "emails.value" => format!(
                "SELECT {COLS} FROM (SELECT DISTINCT user_id FROM scim_user_emails WHERE connection_id = $1 AND value = $2) AS found
                 JOIN users ON users.id = found.user_id
                 UNION ALL SELECT {COLS} FROM users WHERE connection_id = $1 AND scim_resource IS NULL AND lower(email) = lower($2)"
            ),
            // A provisioned user's familyName, or any user SCIM never wrote (their name is in
            // their profile; they are few where SCIM provisions).
            "name.familyname" => format!(
                "SELECT {COLS} FROM users WHERE connection_id = $1 AND scim_family_name = $2
                 UNION ALL SELECT {COLS} FROM users WHERE connection_id = $1 AND scim_resource IS NULL"
            ),
            _ => return None,
        };
        let value = match attr.to_ascii_lowercase().as_str() {
            "id" => user_id_of(&value).unwrap_or_default(),
            "emails.value" | "name.familyname" => value.to_lowercase(),
            _ => value,
        };
        Some((sql, value))
    });
    let rows: Vec<Row> = match &narrowing {
        Some((sql, value)) => {
            let mut rows: Vec<Row> = state.db.fetch_all(sql, &[(&scope.connection.id).into(), value.into()]).await.map_err(Error::from)?;
            rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            rows
        }
        None => state.db.fetch_all(
            &format!("SELECT {COLS} FROM users WHERE connection_id = $1 ORDER BY created_at, id"),
            &[(&scope.connection.id).into()],
        ).await
        .map_err(Error::from)?,
    };
    // Matching reads each row's resource; only the page's are built in full (meta, groups), unless
    // the filter asks about those.
    let full = { let f = format!("{filter:?}").to_ascii_lowercase(); f.contains("meta") || f.contains("groups") || f.contains("schemas") };
    let (skip, take) = (usize::try_from(offset).unwrap_or(usize::MAX), usize::try_from(limit).unwrap_or(usize::MAX));
    let mut total = 0usize;
    let mut page = Vec::new();
    for r in &rows {
        let candidate = if full { r.resource(scope) } else { r.identity() };
        if filter.matches(&USER, &candidate) {
            if total >= skip && page.len() < take {
                page.push(if full { candidate } else { r.resource(scope) });
            }
            total += 1;
        }
    }
    Ok((page, total as u64))
}

/// The columns a resource decides.
struct Derived {
    user_name: String,
    external_id: Option<String>,
    active: bool,
    email: Option<String>,
    name: Option<String>,
    /// Lowercased, for the `name.familyName eq` index.
    family_name: Option<String>,
    /// Every email value, lowercased, for the `emails[…].value eq` index.
    emails: Vec<String>,
}

fn derive(m: &Map<String, Value>) -> Derived {
    Derived {
        user_name: text(m, &["userName"]).unwrap_or_default().trim().to_string(),
        external_id: text(m, &["externalId"]).map(str::to_string),
        active: get_ci(m, "active").and_then(Value::as_bool).unwrap_or(true),
        email: email_of(m),
        name: display_name_of(m),
        family_name: text(m, &["name", "familyName"]).map(str::to_lowercase),
        emails: get_ci(m, "emails")
            .and_then(Value::as_array)
            .map(|all| all.iter().filter_map(|e| e.get("value").and_then(Value::as_str)).map(str::to_lowercase).collect())
            .unwrap_or_default(),
    }
}

/// The user's email values as the `emails[…].value eq` lookup finds them: replaced whole.
async fn index_emails(scope: &Scope<'_>, user_id: &str, emails: &[String]) -> Result<()> {
    let mut batch = crate::backend::store::Batch::default();
    batch.push("DELETE FROM scim_user_emails WHERE user_id = $1", vec![user_id.into()]);
    for value in emails {
        batch.push("INSERT INTO scim_user_emails (user_id, connection_id, value) VALUES ($1, $2, $3)", vec![user_id.into(), scope.connection.id.as_str().into(), value.as_str().into()]);
    }
    batch.run(&scope.state.db).await
}

/// The profile with the claims SCIM manages set from the resource (or removed).
fn profile_with(existing: &str, m: &Map<String, Value>, d: &Derived) -> String {
    let mut profile: Map<String, Value> = serde_json::from_str(existing).unwrap_or_default();
    for claim in MANAGED_CLAIMS {
        profile.remove(*claim);
    }
    let ext = get_ci(m, ENTERPRISE_SCHEMA).and_then(Value::as_object);
    let values = [
        ("preferred_username", Some(d.user_name.as_str())),
        ("email", d.email.as_deref()),
        ("name", d.name.as_deref()),
        ("given_name", text(m, &["name", "givenName"])),
        ("family_name", text(m, &["name", "familyName"])),
        ("middle_name", text(m, &["name", "middleName"])),
        ("nickname", text(m, &["nickName"])),
        ("locale", text(m, &["locale"])),
        ("zoneinfo", text(m, &["timezone"])),
        ("department", ext.and_then(|e| get_ci(e, "department")).and_then(Value::as_str)),
    ];
    for (claim, v) in values {
        if let Some(v) = v {
            profile.insert(claim.into(), json!(v));
        }
    }
    Value::Object(profile).to_string()
}

/// Writes `m` (normalized) over `existing` (or a new user), then applies what `active` says.
async fn save(scope: &Scope<'_>, existing: Option<&Row>, m: Map<String, Value>) -> ScimResult<Row> {
    let state = scope.state;
    let d = derive(&m);
    let now = state.clock.now_ms();
    let resource_json = Value::Object(m.clone()).to_string();
    let written = match existing {
        Some(row) => {
            let profile = profile_with(&row.profile, &m, &d);
            state.db.execute(// A new email is one nobody vouched for yet (SCIM says nothing of verification):
                // the next sign-in decides.
                "UPDATE users SET email = $2, name = $3, profile = $4, user_name = $5, external_id = $6, active = $7, scim_resource = $8,
                   email_verified = CASE WHEN lower(coalesce(email, '')) = lower(coalesce($2, '')) THEN email_verified ELSE FALSE END,
                   scim_family_name = $11, version = version + 1, provisioned_at = $9, updated_at = $9 WHERE id = $1 AND version = $10", &[(&row.id).into(), (&d.email).into(), (&d.name).into(), (&profile).into(), (&d.user_name).into(), (&d.external_id).into(), d.active.into(), (&resource_json).into(), now.into(), row.version.into(), (&d.family_name).into()]).await
            .map(|n| (n, row.id.clone()))
        }
        None => {
            let subject = d.external_id.clone().unwrap_or_else(|| format!("scim:{}", d.user_name.to_lowercase()));
            let id = format!("{}|{}|{}", scope.connection.strategy.as_str(), scope.connection.name, subject);
            let profile = profile_with("{}", &m, &d);
            state.db.execute("INSERT INTO users (id, connection_id, subject, email, email_verified, name, profile, groups, logins_count, created_at, updated_at,
                   user_name, external_id, active, scim_resource, version, provisioned_at, scim_family_name)
                 VALUES ($1, $2, $3, $4, FALSE, $5, $6, '[]', 0, $7, $7, $8, $9, $10, $11, 1, $7, $12)", &[(&id).into(), (&scope.connection.id).into(), (&subject).into(), (&d.email).into(), (&d.name).into(), (&profile).into(), now.into(), (&d.user_name).into(), (&d.external_id).into(), d.active.into(), (&resource_json).into(), (&d.family_name).into()]).await
            .map(|n| (n, id))
        }
    };
    let (n, user_id) = match written {
        Ok(done) => done,
        Err(e) if is_unique_violation(&e) => {
            return Err(ScimError::uniqueness(format!("userName {:?} (or the user's id) is already taken in this connection", d.user_name)))
        }
        Err(e) => return Err(Error::from(e).into()),
    };
    if n == 0 {
        return Err(ScimError::precondition_failed("The user changed while this request was being handled; read it again and retry."));
    }
    index_emails(scope, &user_id, &d.emails).await?;
    let was_active = existing.is_none_or(|r| r.active);
    if was_active && !d.active {
        deprovision(state, &user_id, "User deactivated by SCIM provisioning").await?;
    }
    find_row(scope, &user_id).await?.ok_or_else(|| ScimError::not_found("The user was deleted meanwhile."))
}

/// Ends a user's sessions (applications that take back-channel logout are told) and revokes
/// their refresh and access tokens.
pub async fn deprovision(state: &AppState, user_id: &str, why: &str) -> Result<()> {
    use provider::{end_sessions, sessions::Ending};
    end_sessions(state, Ending::User(user_id)).await?;
    provider::refresh::revoke_for_user(state, user_id).await?;
    let connection_id = user_id_of_connection(state, user_id).await?;
    logs::record(state, logs::DEPROVISIONED, why, connection_id.as_deref(), None, Some(user_id)).await;
    tracing::info!(%user_id, "{why}");
    Ok(())
}

async fn user_id_of_connection(state: &AppState, user_id: &str) -> Result<Option<String>> {
    Ok(state.db.fetch_optional_scalar("SELECT connection_id FROM users WHERE id = $1", &[user_id.into()]).await?)
}

/// Fails unless `if_match` (an `If-Match` header) names the current version.
pub fn check_version(if_match: Option<&str>, version: i64) -> ScimResult<()> {
    match if_match.map(str::trim) {
        None | Some("*") => Ok(()),
        Some(tags) if tags.split(',').any(|t| t.trim() == etag(version) || t.trim().trim_start_matches("W/") == format!("\"{version}\"")) => Ok(()),
        Some(_) => Err(ScimError::precondition_failed(format!("If-Match does not name the current version ({}).", etag(version)))),
    }
}

/// `POST /Users`.
pub async fn create(scope: &Scope<'_>, body: &Map<String, Value>) -> ScimResult<Map<String, Value>> {
    let m = normalize(&USER, body)?;
    let d = derive(&m);
    // A user who signed in before SCIM knew them: claimed, not duplicated. (Each lookup is one
    // index: the IdP subject, then the email.)
    let unclaimed = "scim_resource IS NULL AND user_name IS NULL";
    let mut claimable: Option<Row> = None;
    if let Some(external_id) = &d.external_id {
        claimable = scope.state.db.fetch_optional(
            &format!("SELECT {COLS} FROM users WHERE connection_id = $1 AND subject = $2 AND {unclaimed}"),
            &[(&scope.connection.id).into(), external_id.into()],
        ).await?;
    }
    for email in [Some(d.user_name.as_str()), d.email.as_deref()].into_iter().flatten() {
        if claimable.is_some() {
            break;
        }
        claimable = scope.state.db.fetch_optional(&format!(
            "SELECT {COLS} FROM users WHERE connection_id = $1 AND lower(email) = lower($2) AND {unclaimed} LIMIT 1"
        ), &[(&scope.connection.id).into(), email.into()]).await?;
    }
    let saved = save(scope, claimable.as_ref(), m).await?;
    // Provisioned again: a former deletion no longer stands.
    scope.state.db.execute(
        "DELETE FROM scim_tombstones WHERE connection_id = $1 AND (subject = $2 OR subject = $3 OR lower(email) = lower($4) OR lower(email) = lower($5))",
        &[(&scope.connection.id).into(), (&saved.subject).into(), (d.external_id.as_deref().unwrap_or("")).into(), (&d.user_name).into(), (d.email.as_deref().unwrap_or("")).into()],
    ).await?;
    tracing::info!(connection_id = %scope.connection.id, user_id = %saved.id, "user provisioned by SCIM");
    Ok(saved.resource(scope))
}

/// `PUT /Users/{id}`.
pub async fn replace(scope: &Scope<'_>, id: &str, body: &Map<String, Value>, if_match: Option<&str>) -> ScimResult<Map<String, Value>> {
    let current = row(scope, id).await?;
    check_version(if_match, current.version)?;
    let m = normalize(&USER, body)?;
    Ok(save(scope, Some(&current), m).await?.resource(scope))
}

/// `PATCH /Users/{id}`.
pub async fn patch(scope: &Scope<'_>, id: &str, body: &Value, if_match: Option<&str>) -> ScimResult<Map<String, Value>> {
    let current = row(scope, id).await?;
    check_version(if_match, current.version)?;
    let mut m = current.body();
    // The resource as the client sees it, so paths like externalId and active address it.
    if let Some(x) = &current.external_id {
        m.insert("externalId".into(), json!(x));
    }
    if current.scim_resource.is_none() || !current.active {
        m.insert("active".into(), json!(current.active));
    }
    m.insert("userName".into(), json!(current.user_name()));
    for (op, path, value) in super::patch::operations(body)? {
        super::patch::apply(&USER, &mut m, op, path.as_deref(), value.as_ref())?;
    }
    let m = normalize(&USER, &m)?;
    Ok(save(scope, Some(&current), m).await?.resource(scope))
}

/// `DELETE /Users/{id}`: the user is gone, with their sessions, tokens and memberships.
pub async fn delete(scope: &Scope<'_>, id: &str, if_match: Option<&str>) -> ScimResult<()> {
    let current = row(scope, id).await?;
    check_version(if_match, current.version)?;
    crate::backend::users::delete::delete_user(scope.state, &current.id).await?;
    // The IdP may still say who they are: remember, so their next sign-in is refused.
    scope.state.db.execute("INSERT INTO scim_tombstones (connection_id, subject, email, deleted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, subject) DO UPDATE SET email = $3, deleted_at = $4", &[(&scope.connection.id).into(), (&current.subject).into(), (&current.email).into(), (scope.state.clock.now_ms()).into()]).await?;
    logs::record(scope.state, logs::DEPROVISIONED, "User deleted by SCIM provisioning", Some(&scope.connection.id), None, Some(&current.id)).await;
    tracing::info!(connection_id = %scope.connection.id, user_id = %current.id, "user deleted by SCIM");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scim_ids_round_trip_any_user_id() {
        for id in ["oidc|acme|00u1", "okta|x|a+b/c=d", "oidc|é|ü"] {
            let s = scim_id(id);
            assert!(s.starts_with("usr_") && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "{s}");
            assert_eq!(user_id_of(&s).as_deref(), Some(id));
        }
        assert_eq!(user_id_of("grp_1"), None);
        assert_eq!(user_id_of("usr_!!"), None);
    }

    #[test]
    fn if_match_takes_the_current_weak_etag_or_a_star() {
        assert!(check_version(None, 3).is_ok());
        assert!(check_version(Some("*"), 3).is_ok());
        assert!(check_version(Some("W/\"3\""), 3).is_ok());
        assert!(check_version(Some("\"3\""), 3).is_ok());
        assert_eq!(check_version(Some("W/\"2\""), 3).map_err(|e| e.status), Err(412));
    }
}
