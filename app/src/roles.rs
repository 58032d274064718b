//! Roles (Auth0's `/api/v2/roles`) and a connection's "Groups and role assignments": the
//! identity provider's group ids mapped to roles, and a default role. "Group members without an
//! explicit role will receive the default role." The rules are here, isomorphic, so the page
//! checks as the server does; `backend::roles` stores them and computes users' roles.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 64;
pub const DESCRIPTION_MAX: usize = 140;
/// At most this many group rows per connection.
pub const MAX_GROUP_ROWS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Role {
    /// `rol_…`.
    pub id: String,
    pub name: String,
    pub description: String,
}

/// `POST /api/v2/roles` and `PATCH /api/v2/roles/{id}`: a create needs `name`.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// 1 to 64 characters (after trimming), no control characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 64))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 140))]
    pub description: Option<String>,
}

/// A role's name: 1 to 64 characters, no control characters.
pub fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(FieldError::new("name", format!("is required: 1 to {NAME_MAX} characters")));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new("name", "may not contain control characters"));
    }
    Ok(name.to_string())
}

pub fn check_description(description: &str) -> Result<String, FieldError> {
    let d = description.trim();
    if d.chars().count() > DESCRIPTION_MAX {
        return Err(FieldError::new("description", format!("may be at most {DESCRIPTION_MAX} characters")));
    }
    Ok(d.to_string())
}

/// One row of "Groups and role assignments".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupRole {
    /// "IdP Group ID": as the IdP's `groups` claim (or SCIM) names the group.
    pub group_id: String,
    /// Optional, for people.
    #[serde(default)]
    pub name: String,
    /// The role members of the group get (`rol_…`).
    pub role_id: String,
}

/// A connection's "Groups and role assignments".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleAssignments {
    #[serde(default)]
    pub groups: Vec<GroupRole>,
    /// "Group members without an explicit role will receive the default role."
    #[serde(default)]
    pub default_role_id: Option<String>,
}

/// Checks the rows: each has a group id (at most 256 characters) and a role, no group twice.
pub fn check_assignments(a: &RoleAssignments) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if a.groups.len() > MAX_GROUP_ROWS {
        errors.push(FieldError::new("groups", format!("may list at most {MAX_GROUP_ROWS} groups")));
    }
    for (i, g) in a.groups.iter().enumerate() {
        let field = format!("groups[{i}].group_id");
        let id = g.group_id.trim();
        if id.is_empty() || id.len() > 256 {
            errors.push(FieldError::new(field, "IdP Group ID is required (at most 256 characters)"));
        } else if a.groups[..i].iter().any(|o| o.group_id.trim() == id) {
            errors.push(FieldError::new(field, format!("{id:?} is listed twice")));
        }
        if g.role_id.trim().is_empty() {
            errors.push(FieldError::new(format!("groups[{i}].role_id"), "choose a role"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The role ids a member of `groups` gets: every mapped group's role; with none, the default.
pub fn role_ids_for(groups: &[String], a: &RoleAssignments) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in &a.groups {
        if groups.iter().any(|x| *x == g.group_id) && !out.contains(&g.role_id) {
            out.push(g.role_id.clone());
        }
    }
    if out.is_empty() {
        out.extend(a.default_role_id.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(group: &str, role: &str) -> GroupRole {
        GroupRole { group_id: group.into(), name: String::new(), role_id: role.into() }
    }

    #[test]
    fn members_get_their_groups_roles_and_everyone_else_the_default_role() {
        let a = RoleAssignments { groups: vec![row("engineering", "rol_dev"), row("sso-admins", "rol_admin"), row("eng-2", "rol_dev")], default_role_id: Some("rol_member".into()) };
        assert_eq!(role_ids_for(&["engineering".into(), "sso-admins".into(), "eng-2".into()], &a), vec!["rol_dev", "rol_admin"]);
        assert_eq!(role_ids_for(&["sales".into()], &a), vec!["rol_member"], "group members without an explicit role receive the default role");
        assert_eq!(role_ids_for(&[], &a), vec!["rol_member"]);
        assert!(role_ids_for(&["sales".into()], &RoleAssignments::default()).is_empty());
    }

    #[test]
    fn assignments_name_the_row_and_the_rule() {
        let bad = RoleAssignments { groups: vec![row(" ", "rol_a"), row("x", ""), row("x", "rol_b")], default_role_id: None };
        let fields: Vec<String> = check_assignments(&bad).err().unwrap_or_default().iter().map(ToString::to_string).collect();
        assert_eq!(fields, [
            "groups[0].group_id: IdP Group ID is required (at most 256 characters)",
            "groups[1].role_id: choose a role",
            "groups[2].group_id: \"x\" is listed twice",
        ]);
        assert_eq!(check_name(" ").map_err(|e| e.to_string()), Err("name: is required: 1 to 64 characters".into()));
        assert_eq!(check_name(" Admin "), Ok("Admin".into()));
    }
}
