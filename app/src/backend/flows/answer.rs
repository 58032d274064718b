//! The one way a sign-in goes back to an application: a code, an ID token or an error, in the
//! response mode it asked for.

use crate::backend::applications;
use crate::backend::provider::{self, CodeRequest};
use serde::{Deserialize, Serialize};
use crate::backend::store::Batch;
use crate::backend::users::User;
use crate::backend::{AppState, Result};

/// An answer to an application: a code, an ID token or an error, the way it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToApplication {
    /// A 302 to the redirect_uri with the parameters in its query.
    Redirect(String),
    /// A page whose form POSTs `fields` to `action` (the redirect_uri).
    FormPost { action: String, fields: Vec<(String, String)> },
    /// A page that posts `fields` as a message to the window that framed or opened it, for
    /// `origin` only (`response_mode=web_message`: silent authentication in an iframe, popups).
    WebMessage { origin: String, fields: Vec<(String, String)> },
}

/// The answer to an application at `redirect_uri` with `params` and its `state`, in the mode it
/// asked for: the one way a sign-in goes back to an application, with a code, an ID token or an
/// error.
pub(super) fn answer(redirect_uri: &str, mode: ResponseMode, params: &[(&str, &str)], state: Option<&str>) -> ToApplication {
    let mut fields: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if let Some(s) = state {
        fields.push(("state".into(), s.to_string()));
    }
    match mode {
        ResponseMode::FormPost => ToApplication::FormPost { action: redirect_uri.to_string(), fields },
        ResponseMode::WebMessage => {
            let origin = url::Url::parse(redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            ToApplication::WebMessage { origin, fields }
        }
        ResponseMode::Query => {
            let Ok(mut url) = url::Url::parse(redirect_uri) else { return ToApplication::Redirect(redirect_uri.to_string()) };
            url.query_pairs_mut().extend_pairs(&fields);
            ToApplication::Redirect(url.to_string())
        }
    }
}

pub(super) fn error_answer(app: &AppRequest, error: &str, description: &str) -> ToApplication {
    answer(&app.redirect_uri, app.response_mode, &[("error", error), ("error_description", description)], app.state.as_deref())
}

/// `user` is signed in for `app` in the session `session_id`: Tessera's code, or its ID token
/// (`response_type=id_token`), on the way back to the application. The code (and the note that a
/// back-channel-logout application signed in) is written with the other writes of `batch`.
pub(super) async fn signed_in(state: &AppState, batch: &mut Batch, app: &AppRequest, user: &User, auth_time: i64, session_id: &str) -> Result<ToApplication> {
    let request = app.code_request(auth_time, session_id);
    if app.backchannel_logout {
        provider::backchannel::remember_client_into(batch, session_id, &app.client_id);
    }
    let (name, value) = match app.response_type {
        ResponseType::Code => ("code", provider::issue_code_into(batch, state, &app.client_id, user, request)?),
        ResponseType::IdToken => {
            let application = applications::get_application(state, &app.client_id).await?;
            ("id_token", provider::implicit_id_token(state, &application, user, &request).await?)
        }
    };
    Ok(answer(&app.redirect_uri, app.response_mode, &[(name, &value)], app.state.as_deref()))
}

/// What the application asked for (`response_type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseType {
    /// `code`: an authorization code for the token endpoint (back channel).
    #[default]
    Code,
    /// `id_token`: the ID token itself, posted to the redirect_uri (front channel; what another
    /// Tessera or Auth0 sends to an OIDC connection with "Front Channel").
    IdToken,
}

/// How the answer travels back (`response_mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    /// In the redirect_uri's query.
    #[default]
    Query,
    /// An auto-submitted HTML form POSTed to the redirect_uri (OAuth 2.0 Form Post Response Mode).
    FormPost,
    /// Posted as a message to the window that framed or opened the sign-in (Auth0's
    /// `web_message`, for silent authentication in an iframe and for popups).
    WebMessage,
}

/// The application's side of a login, kept with the login until the callback.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub response_type: ResponseType,
    #[serde(default)]
    pub response_mode: ResponseMode,
    /// The application takes back-channel logout: remember that it signed in with the session.
    #[serde(default)]
    pub backchannel_logout: bool,
    /// The application is first party (fixed when it is created), so it never asks the user's
    /// consent and finishing the login need not read it again. A login kept from before this
    /// field reads `false`, and the application is read as before.
    #[serde(default)]
    pub first_party: bool,
}

impl AppRequest {
    /// What Tessera's code for this request stands for, once the user is signed in.
    pub(super) fn code_request(&self, auth_time: i64, session_id: &str) -> CodeRequest {
        CodeRequest {
            redirect_uri: self.redirect_uri.clone(),
            scope: self.scope.clone(),
            nonce: self.nonce.clone(),
            code_challenge: self.code_challenge.clone(),
            auth_time,
            session_id: Some(session_id.to_string()),
            user: None,
        }
    }
}
