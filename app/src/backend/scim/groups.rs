//! SCIM Groups of a connection, with their members (users of the same connection). Every
//! membership change rewrites the members' `scim_groups`, so Tessera's tokens carry the SCIM
//! groups beside the IdP's `groups` claim without another query at sign-in.

use super::error::{ScimError, ScimResult};
use super::filter::{get_ci, Filter};
use super::resource::{normalize, schemas_of};
use super::schema::GROUP;
use super::users::{check_version, etag, scim_id, user_id_of};
use super::Scope;
use crate::backend::crypto::random_alphanumeric;
use crate::backend::store::inline_row;
use crate::backend::store::{is_unique_violation, rfc3339};
use crate::backend::{Error, Result};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

#[derive(sqlx::FromRow, Clone)]
struct Row {
    id: String,
    display_name: String,
    external_id: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}
inline_row!(Row { id, display_name, external_id, version, created_at, updated_at });


const COLS: &str = "id, display_name, external_id, version, created_at, updated_at";

async fn members(scope: &Scope<'_>, group_id: &str) -> Result<Vec<String>> {
    Ok(scope.state.db.fetch_all_scalars("SELECT user_id FROM scim_group_members WHERE group_id = $1 ORDER BY user_id", &[group_id.into()]).await?)
}

impl Row {
    fn resource(&self, scope: &Scope<'_>, member_ids: Option<&[String]>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        if let Some(x) = &self.external_id {
            m.insert("externalId".into(), json!(x));
        }
        m.insert("displayName".into(), json!(self.display_name));
        if let Some(ids) = member_ids.filter(|ids| !ids.is_empty()) {
            let list: Vec<Value> = ids
                .iter()
                .map(|u| {
                    let sid = scim_id(u);
                    json!({ "value": sid, "$ref": format!("{}/Users/{sid}", scope.base), "type": "User" })
                })
                .collect();
            m.insert("members".into(), Value::Array(list));
        }
        m.insert("schemas".into(), schemas_of(&GROUP, &m));
        m.insert(
            "meta".into(),
            json!({ "resourceType": "Group", "created": rfc3339(self.created_at), "lastModified": rfc3339(self.updated_at),
                "version": etag(self.version), "location": format!("{}/Groups/{}", scope.base, self.id) }),
        );
        m
    }
}

async fn row(scope: &Scope<'_>, id: &str) -> ScimResult<Row> {
    let found: Option<Row> = scope.state.db.fetch_optional(
        &format!("SELECT {COLS} FROM scim_groups WHERE id = $1 AND connection_id = $2"),
        &[id.into(), (&scope.connection.id).into()],
    ).await
    .map_err(Error::from)?;
    found.ok_or_else(|| ScimError::not_found(format!("There is no group {id:?} in this connection.")))
}

pub async fn get(scope: &Scope<'_>, id: &str, with_members: bool) -> ScimResult<Map<String, Value>> {
    let g = row(scope, id).await?;
    let ids = if with_members { Some(members(scope, &g.id).await?) } else { None };
    Ok(g.resource(scope, ids.as_deref()))
}

/// `GET /Groups`. `with_members` false (the client excluded `members`) skips reading them.
pub async fn list(scope: &Scope<'_>, filter: Option<&Filter>, start_index: u64, count: u64, with_members: bool) -> ScimResult<(Vec<Map<String, Value>>, u64)> {
    let narrowing = filter.and_then(|f| {
        f.required_equalities().into_iter().find_map(|(attr, v)| match attr.to_ascii_lowercase().as_str() {
            "displayname" => Some(("lower(display_name) = lower($2)", v)),
            "externalid" => Some(("external_id = $2", v)),
            "id" => Some(("id = $2", v)),
            _ => None,
        })
    });
    let rows: Vec<Row> = match &narrowing {
        Some((sql, v)) => scope.state.db.fetch_all(
            &format!("SELECT {COLS} FROM scim_groups WHERE connection_id = $1 AND {sql} ORDER BY created_at, id"),
            &[(&scope.connection.id).into(), v.into()],
        ).await,
        None => scope.state.db.fetch_all(
            &format!("SELECT {COLS} FROM scim_groups WHERE connection_id = $1 ORDER BY created_at, id"),
            &[(&scope.connection.id).into()],
        ).await,
    }
    .map_err(Error::from)?;
    // Members are needed to match a filter on them, and to answer.
    let needs_members = with_members || filter.is_some_and(|f| format!("{f:?}").to_ascii_lowercase().contains("members"));
    let mut matching = Vec::new();
    for g in &rows {
        let ids = if needs_members { Some(members(scope, &g.id).await?) } else { None };
        let full = g.resource(scope, ids.as_deref());
        if filter.is_none_or(|f| f.matches(&GROUP, &full)) {
            matching.push(if with_members { full } else { g.resource(scope, None) });
        }
    }
    let total = matching.len() as u64;
    let page = matching.into_iter().skip(usize::try_from(start_index.saturating_sub(1)).unwrap_or(usize::MAX)).take(usize::try_from(count).unwrap_or(usize::MAX)).collect();
    Ok((page, total))
}

/// The Tessera user ids the normalized `members` name; each must be a user of this connection.
async fn member_ids(scope: &Scope<'_>, m: &Map<String, Value>) -> ScimResult<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for member in get_ci(m, "members").and_then(Value::as_array).into_iter().flatten() {
        let value = member.get("value").and_then(Value::as_str).unwrap_or_default();
        let unknown = || ScimError::invalid_value(format!("members: {value:?} is not a user of this connection"));
        let user_id = user_id_of(value).ok_or_else(unknown)?;
        let found: Option<String> = scope.state.db.fetch_optional_scalar(
            "SELECT id FROM users WHERE id = $1 AND connection_id = $2",
            &[(&user_id).into(), (&scope.connection.id).into()],
        ).await
        .map_err(Error::from)?;
        out.insert(found.ok_or_else(unknown)?);
    }
    Ok(out)
}

/// Rewrites the `scim_groups` of `users` from their memberships (and bumps their version).
async fn refresh_users(scope: &Scope<'_>, users: impl IntoIterator<Item = String>) -> Result<()> {
    let now = scope.state.clock.now_ms();
    for user_id in users {
        let groups: Vec<(String, String)> = scope.state.db.fetch_all(
            "SELECT g.id, g.display_name FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.display_name",
            &[(&user_id).into()],
        ).await?;
        let json = Value::Array(groups.into_iter().map(|(id, name)| json!({ "value": id, "display": name })).collect()).to_string();
        scope.state.db.execute(
            "UPDATE users SET scim_groups = $2, version = version + 1, updated_at = $3 WHERE id = $1",
            &[(&user_id).into(), (&json).into(), now.into()],
        ).await?;
        // Their roles follow their groups at once (they are recomputed at sign-in too).
        let user = crate::backend::users::get_user(scope.state, &user_id).await?;
        let mut batch = crate::backend::store::batch::Batch::default();
        crate::backend::roles::assign(scope.state, &mut batch, &scope.connection.id, &user_id, &user.groups, &user.roles, true).await?;
        batch.run(&scope.state.db).await?;
    }
    Ok(())
}

/// Stores the group `id` as `m` says (new when `existing` is none), with exactly `wanted` as
/// members; the users whose memberships changed get their `scim_groups` rewritten.
async fn save(scope: &Scope<'_>, existing: Option<&Row>, m: Map<String, Value>) -> ScimResult<Map<String, Value>> {
    let wanted = member_ids(scope, &m).await?;
    let display_name = get_ci(&m, "displayName").and_then(Value::as_str).unwrap_or_default().trim().to_string();
    let external_id = get_ci(&m, "externalId").and_then(Value::as_str).map(str::to_string);
    let now = scope.state.clock.now_ms();
    let (id, written) = match existing {
        Some(g) => (
            g.id.clone(),
            scope.state.db.execute(
                "UPDATE scim_groups SET display_name = $2, external_id = $3, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $5",
                &[(&g.id).into(), (&display_name).into(), (&external_id).into(), now.into(), g.version.into()],
            ).await,
        ),
        None => {
            let id = format!("grp_{}", random_alphanumeric(20));
            let written = scope.state.db.execute(
                "INSERT INTO scim_groups (id, connection_id, display_name, external_id, version, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5)",
                &[(&id).into(), (&scope.connection.id).into(), (&display_name).into(), (&external_id).into(), now.into()],
            ).await;
            (id, written)
        }
    };
    match written {
        Ok(0) => return Err(ScimError::precondition_failed("The group changed while this request was being handled; read it again and retry.")),
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(ScimError::uniqueness(format!("displayName {display_name:?} is already a group in this connection"))),
        Err(e) => return Err(Error::from(e).into()),
    }
    let before: BTreeSet<String> = members(scope, &id).await?.into_iter().collect();
    for gone in before.difference(&wanted) {
        scope.state.db.execute("DELETE FROM scim_group_members WHERE group_id = $1 AND user_id = $2", &[(&id).into(), gone.into()]).await
        .map_err(Error::from)?;
    }
    for added in wanted.difference(&before) {
        scope.state.db.execute(
            "INSERT INTO scim_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[(&id).into(), added.into()],
        ).await
        .map_err(Error::from)?;
    }
    // A rename changes every member's group name; a membership change the member's list.
    let renamed = existing.is_some_and(|g| g.display_name != display_name);
    let affected: BTreeSet<String> = if renamed { before.union(&wanted).cloned().collect() } else { before.symmetric_difference(&wanted).cloned().collect() };
    refresh_users(scope, affected).await?;
    get(scope, &id, true).await
}

pub async fn create(scope: &Scope<'_>, body: &Map<String, Value>) -> ScimResult<Map<String, Value>> {
    let m = normalize(&GROUP, body)?;
    let created = save(scope, None, m).await?;
    tracing::info!(connection_id = %scope.connection.id, group_id = %created["id"], "group provisioned by SCIM");
    Ok(created)
}

pub async fn replace(scope: &Scope<'_>, id: &str, body: &Map<String, Value>, if_match: Option<&str>) -> ScimResult<Map<String, Value>> {
    let current = row(scope, id).await?;
    check_version(if_match, current.version)?;
    save(scope, Some(&current), normalize(&GROUP, body)?).await
}

pub async fn patch(scope: &Scope<'_>, id: &str, body: &Value, if_match: Option<&str>) -> ScimResult<Map<String, Value>> {
    let current = row(scope, id).await?;
    check_version(if_match, current.version)?;
    let ids = members(scope, &current.id).await?;
    let mut m = current.resource(scope, Some(&ids));
    for (op, path, value) in super::patch::operations(body)? {
        super::patch::apply(&GROUP, &mut m, op, path.as_deref(), value.as_ref())?;
    }
    save(scope, Some(&current), normalize(&GROUP, &m)?).await
}

pub async fn delete(scope: &Scope<'_>, id: &str, if_match: Option<&str>) -> ScimResult<()> {
    let current = row(scope, id).await?;
    check_version(if_match, current.version)?;
    let former = members(scope, &current.id).await?;
    scope.state.db.execute("DELETE FROM scim_groups WHERE id = $1", &[(&current.id).into()]).await
        .map_err(Error::from)?;
    refresh_users(scope, former).await?;
    Ok(())
}
