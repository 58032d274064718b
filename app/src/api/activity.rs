//! Server functions for the Users and Logs pages: read-only views of who signed in and how
//! sign-ins went. Thin: they check the admin, call `backend::users` / `backend::logs`, and shape
//! rows for the tables.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: u64 = 25;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// From the user id: `{strategy}|{connection}|{sub}`.
    pub connection: String,
    pub logins_count: i64,
    pub last_login: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserListing {
    pub items: Vec<UserRow>,
    pub total: u64,
    pub page: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub id: String,
    pub success: bool,
    pub description: String,
    pub connection: Option<String>,
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub time: String,
}

/// A reason as a sentence: its first letter capitalized ("the IdP's…" → "The IdP's…").
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "2026-11-25 01:10:46 UTC" for Unix milliseconds.
pub fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default()
}

#[server(prefix = "/rpc", endpoint = "users/list")]
pub async fn list_users(q: Option<String>, page: Option<u64>) -> Result<UserListing, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let page = page.unwrap_or(0).min(crate::connections::MAX_PAGE);
    let (users, total) = crate::backend::users::list_users(&state, q.as_deref(), page, PAGE_SIZE).await.map_err(fail)?;
    let items = users
        .into_iter()
        .map(|u| UserRow {
            connection: u.id.split('|').nth(1).unwrap_or_default().to_string(),
            last_login: u.last_login_at.map(format_time).unwrap_or_default(),
            id: u.id,
            email: u.email,
            email_verified: u.email_verified,
            name: u.name,
            logins_count: u.logins_count,
        })
        .collect();
    Ok(UserListing { items, total, page })
}

/// One user's page: identity, profile and logins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserDetails {
    pub id: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    pub connection: String,
    pub connection_id: String,
    pub subject: String,
    /// The mapped profile, pretty-printed JSON.
    pub profile: String,
    pub groups: Vec<String>,
    pub logins_count: i64,
    pub last_login: String,
    pub created: String,
}

#[server(prefix = "/rpc", endpoint = "users/get")]
pub async fn get_user(id: String) -> Result<UserDetails, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let u = crate::backend::users::get_user(&state, &id).await.map_err(fail)?;
    Ok(UserDetails {
        connection: u.id.split('|').nth(1).unwrap_or_default().to_string(),
        profile: serde_json::to_string_pretty(&u.profile).unwrap_or_default(),
        last_login: u.last_login_at.map(format_time).unwrap_or_default(),
        created: format_time(u.created_at),
        id: u.id,
        email: u.email,
        email_verified: u.email_verified,
        name: u.name,
        connection_id: u.connection_id,
        subject: u.subject,
        groups: u.groups,
        logins_count: u.logins_count,
    })
}

#[server(prefix = "/rpc", endpoint = "logs/list")]
pub async fn list_logs(kind: Option<String>, page: Option<u64>) -> Result<Vec<LogRow>, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let kind = kind.filter(|k| k == "s" || k == "f");
    let page = page.unwrap_or(0).min(crate::connections::MAX_PAGE);
    let events = crate::backend::logs::list(&state, kind.as_deref(), None, page, PAGE_SIZE).await.map_err(fail)?;
    let mut names = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for e in events {
        let connection = match &e.connection_id {
            Some(id) => {
                if !names.contains_key(id) {
                    let name = crate::backend::connections::get_connection(&state, id).await.map(|c| c.name).unwrap_or_else(|_| format!("{id} (deleted)"));
                    names.insert(id.clone(), name);
                }
                names.get(id).cloned()
            }
            None => None,
        };
        rows.push(LogRow { success: e.kind == "s", time: format_time(e.created_at), description: e.description, connection, client_id: e.client_id, user_id: e.user_id, id: e.id });
    }
    Ok(rows)
}
