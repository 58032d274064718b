//! Server functions for the Users pages: who signed in through the connections, one user's
//! profile and sessions, revoking a session and deleting a user. Thin: they check the admin,
//! call `backend::users`, and shape rows for the tables.

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
    /// False once SCIM provisioning deactivated the user.
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserListing {
    pub items: Vec<UserRow>,
    pub total: u64,
    pub page: u64,
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
            last_login: u.last_login_at.map(crate::text::format_time).unwrap_or_default(),
            id: u.id,
            email: u.email,
            email_verified: u.email_verified,
            name: u.name,
            logins_count: u.logins_count,
            active: u.active,
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
    pub active: bool,
    /// Live single sign-on sessions, newest first.
    pub sessions: Vec<SessionRow>,
    /// Third-party applications the user allowed (their consents), oldest first.
    pub authorized_applications: Vec<GrantRow>,
    /// Connected accounts (the token vault): never their tokens.
    pub connected_accounts: Vec<ConnectedAccountRow>,
}

/// A connected account on the user's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectedAccountRow {
    pub connection_id: String,
    pub connection: String,
    pub scope: String,
    pub connected: String,
    pub last_used: String,
}

/// A consent on the user's page: the application and the scopes allowed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrantRow {
    pub id: String,
    pub application: String,
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub started: String,
    pub last_seen: String,
    pub expires: String,
}

#[server(prefix = "/rpc", endpoint = "users/get")]
pub async fn get_user(id: String) -> Result<UserDetails, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let u = crate::backend::users::get_user(&state, &id).await.map_err(fail)?;
    let sessions = crate::backend::provider::sessions::list_for_user(&state, &id).await.map_err(fail)?;
    let sessions = sessions
        .into_iter()
        .map(|s| SessionRow { id: s.id, started: crate::text::format_time(s.created_at), last_seen: crate::text::format_time(s.last_seen_at), expires: crate::text::format_time(s.expires_at) })
        .collect();
    let issuer = crate::backend::provider::issuer(&state);
    let mut authorized_applications = Vec::new();
    for g in crate::backend::users::grants::list(&state, Some(&id), None, &issuer).await.map_err(fail)? {
        let application = crate::backend::applications::get_application(&state, &g.client_id).await.map(|a| a.name).unwrap_or(g.client_id);
        authorized_applications.push(GrantRow { id: g.id, application, scopes: g.scope });
    }
    let connected_accounts = crate::backend::vault::list_for_user(&state, &id)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|a| ConnectedAccountRow {
            connection_id: a.connection_id,
            connection: a.connection,
            scope: a.scope,
            connected: crate::text::format_time(a.created_at),
            last_used: a.last_used_at.map(crate::text::format_time).unwrap_or_else(|| "Never".into()),
        })
        .collect();
    Ok(UserDetails {
        sessions,
        authorized_applications,
        connected_accounts,
        connection: u.id.split('|').nth(1).unwrap_or_default().to_string(),
        profile: serde_json::to_string_pretty(&u.profile).unwrap_or_default(),
        last_login: u.last_login_at.map(crate::text::format_time).unwrap_or_default(),
        created: crate::text::format_time(u.created_at),
        id: u.id,
        email: u.email,
        email_verified: u.email_verified,
        name: u.name,
        connection_id: u.connection_id,
        subject: u.subject,
        groups: u.groups,
        logins_count: u.logins_count,
        active: u.active,
    })
}

/// "Delete user": the admin types the user's email (or id, when there is none) to confirm. Their
/// access tokens stop working; a later sign-in creates them afresh.
#[server(prefix = "/rpc", endpoint = "users/delete")]
pub async fn delete_user(id: String, confirm_name: String) -> Result<(), AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let deleted = async {
        let user = crate::backend::users::get_user(&state, &id).await.map_err(fail)?;
        let name = user.email.unwrap_or(user.id);
        require_typed_name(&name, &confirm_name)?;
        crate::backend::users::delete::delete_user(&state, &id).await.map_err(fail)?;
        Ok(name)
    }
    .await;
    answer_plain_form::<DeleteUser, _>(&deleted, &user_page(&id), |name| (user_deleted(name), "/users".into()));
    deleted.map(|_| ())
}

/// A user's page: where its plain forms come back to.
#[cfg(feature = "ssr")]
fn user_page(id: &str) -> String {
    format!("/users/{}", crate::text::encode_path_segment(id))
}

/// The toast after "Delete user".
pub fn user_deleted(name: &str) -> String {
    format!("User {name} deleted")
}

/// The toast after a session's "Revoke".
pub const SESSION_REVOKED: &str = "Session revoked";
/// The toast after an authorized application's "Revoke".
pub const GRANT_REVOKED: &str = "Consent revoked: the application asks again at the next sign-in";
/// The toast after a connected account's "Disconnect".
pub const ACCOUNT_DISCONNECTED: &str = "Account disconnected: its tokens are forgotten";

/// "Revoke" on a session of the user's page: the browser that holds it must sign in again.
/// Answers the revoked session's id.
#[server(prefix = "/rpc", endpoint = "users/sessions/revoke")]
pub async fn revoke_session(user_id: String, session_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    use crate::backend::provider::{end_sessions, sessions::Ending};
    let revoked = match end_sessions(&state, Ending::One { user_id: &user_id, id: &session_id }).await.map_err(fail) {
        Ok(ended) if ended.is_empty() => Err(fail(crate::backend::Error::not_found(crate::backend::error::Resource::Session, "The session has already ended."))),
        Ok(_) => Ok(session_id),
        Err(e) => Err(e),
    };
    let page = user_page(&user_id);
    answer_plain_form::<RevokeSession, _>(&revoked, &page, |_| (SESSION_REVOKED.into(), page.clone()));
    revoked
}

/// "Revoke" on an authorized application of the user's page: it asks for consent again at the
/// next sign-in. Answers the revoked grant's id.
#[server(prefix = "/rpc", endpoint = "users/grants/revoke")]
pub async fn revoke_grant(user_id: String, grant_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    let state = state()?;
    let issuer = crate::backend::provider::issuer(&state);
    let revoked = async {
        let mine = crate::backend::users::grants::list(&state, Some(&user_id), None, &issuer).await.map_err(fail)?;
        if !mine.iter().any(|g| g.id == grant_id) {
            return Err(fail(crate::backend::Error::not_found(crate::backend::error::Resource::Grant, "The user has no such grant.")));
        }
        crate::backend::users::grants::revoke(&state, &grant_id).await.map_err(fail)?;
        Ok(grant_id)
    }
    .await;
    let page = user_page(&user_id);
    answer_plain_form::<RevokeGrant, _>(&revoked, &page, |_| (GRANT_REVOKED.into(), page.clone()));
    revoked
}

/// "Disconnect" on a connected account of the user's page: its IdP tokens are forgotten (and
/// revoked at the IdP where it can). Answers the connection's id.
#[server(prefix = "/rpc", endpoint = "users/connected_accounts/disconnect")]
pub async fn disconnect_account(user_id: String, connection_id: String) -> Result<String, AppError> {
    use super::ssr::*;
    require_admin()?;
    let gone = crate::backend::vault::disconnect(&state()?, &user_id, &connection_id).await.map_err(fail).map(|()| connection_id);
    let page = user_page(&user_id);
    answer_plain_form::<DisconnectAccount, _>(&gone, &page, |_| (ACCOUNT_DISCONNECTED.into(), page.clone()));
    gone
}
