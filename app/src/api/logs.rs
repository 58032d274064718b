//! Server functions for the Logs page: how every sign-in (and sign-out, back-channel logout,
//! deprovisioning, setup link) went, filtered by type, connection and application.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::users::PAGE_SIZE;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub id: String,
    pub success: bool,
    /// "Success Login", "Failed Login", "Success Logout".
    pub label: String,
    pub description: String,
    /// For a failed sign-in: what the admin should check (the named reason's fix).
    pub check: Option<String>,
    pub connection: Option<String>,
    pub client_id: Option<String>,
    /// The application's name (or its client id when it was deleted).
    pub application: Option<String>,
    pub user_id: Option<String>,
    pub time: String,
}

/// A page of events and what the filters can choose from: (id, name) of connections and of
/// applications, by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogListing {
    pub rows: Vec<LogRow>,
    pub connections: Vec<(String, String)>,
    pub applications: Vec<(String, String)>,
}

#[server(prefix = "/rpc", endpoint = "logs/list")]
pub async fn list_logs(kind: Option<String>, connection_id: Option<String>, client_id: Option<String>, page: Option<u64>) -> Result<LogListing, AppError> {
    use super::ssr::*;
    use std::collections::HashMap;
    require_admin()?;
    let state = state()?;
    let filter = crate::backend::logs::LogFilter {
        kind: kind.as_deref().filter(|k| crate::backend::logs::KINDS.contains(k)),
        connection_id: connection_id.as_deref().filter(|c| !c.is_empty()),
        client_id: client_id.as_deref().filter(|c| !c.is_empty()),
    };
    let page = page.unwrap_or(0).min(crate::connections::MAX_PAGE);
    let events = crate::backend::logs::list(&state, &filter, page, PAGE_SIZE).await.map_err(fail)?;
    let query = crate::connections::ListQuery { per_page: crate::connections::MAX_PER_PAGE, ..Default::default() };
    let (connections, _) = crate::backend::connections::list_connections(&state, query).await.map_err(fail)?;
    let (applications, _) = crate::backend::applications::list_applications(&state, None, 0, crate::connections::MAX_PER_PAGE).await.map_err(fail)?;
    let connections: Vec<(String, String)> = connections.into_iter().map(|c| (c.id, c.name)).collect();
    let applications: Vec<(String, String)> = applications.into_iter().map(|a| (a.client_id, a.name)).collect();
    let mut names: HashMap<String, String> = connections.iter().chain(applications.iter()).cloned().collect();
    let mut rows = Vec::new();
    for e in events {
        let connection = match &e.connection_id {
            // Beyond the first hundred, or deleted: one lookup per id.
            Some(id) if !names.contains_key(id) => {
                let name = crate::backend::connections::get_connection(&state, id).await.map(|c| c.name).unwrap_or_else(|_| format!("{id} (deleted)"));
                names.insert(id.clone(), name.clone());
                Some(name)
            }
            Some(id) => names.get(id).cloned(),
            None => None,
        };
        let application = e.client_id.as_ref().map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()));
        let check = (e.kind == crate::backend::logs::FAILURE).then(|| crate::failures::classify(&e.description).check.to_string());
        rows.push(LogRow { check, success: !crate::backend::logs::is_failure(&e.kind), label: crate::backend::logs::label(&e.kind).to_string(), time: crate::text::format_time(e.created_at), description: e.description, connection, application, client_id: e.client_id, user_id: e.user_id, id: e.id });
    }
    Ok(LogListing { rows, connections, applications })
}

/// A connection's sign-ins per hour over the last 24 hours, oldest first.
#[server(prefix = "/rpc", endpoint = "logs/activity")]
pub async fn connection_activity(connection_id: String) -> Result<Vec<crate::logs_activity::HourCount>, AppError> {
    use super::ssr::*;
    require_admin()?;
    crate::backend::logs::activity(&state()?, &connection_id).await.map_err(fail)
}
