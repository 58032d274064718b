//! An application's `/authorize`, checked: which application, which redirect_uri (shown on a
//! page until it is known to be registered), what it asked for, and the connection it named.

use crate::applications::{Application, ClientAuthMethod, GrantType};
use crate::backend::applications;
use crate::backend::connections;
use super::answer::{answer, AppRequest, ResponseMode, ResponseType, ToApplication};
use crate::backend::{AppState, Error, Result};
use crate::connections::Connection;
use serde::Deserialize;

/// The parameters of `/authorize`, as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub connection: Option<String>,
    pub login_hint: Option<String>,
    /// `login` forces a trip to the IdP; `none` never shows anything (no session: `login_required`).
    pub prompt: Option<String>,
    /// Seconds: a session older than this sends the user to the IdP again.
    pub max_age: Option<String>,
    /// `query` (the default for `code`) or `form_post` (required for `id_token`).
    pub response_mode: Option<String>,
}

/// What `prompt` asks of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Use a session when there is one, else sign in.
    Default,
    /// Sign in at the IdP whatever the session.
    Login,
    /// Use a session or fail with `login_required`; never show a page.
    None,
}

/// A refused `/authorize`.
#[derive(Debug, PartialEq)]
pub enum AuthorizeError {
    /// The redirect_uri cannot be trusted: show this on an error page, never redirect.
    Page(String),
    /// Tell the application: its registered redirect_uri with `error`, `error_description` and `state`.
    ToApplication(ToApplication),
}

/// An application's `/authorize`, checked: the application, the connection to use (when named).
pub struct Authorized {
    pub app: Application,
    pub request: AppRequest,
    pub connection: Option<Connection>,
    pub login_hint: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
}

/// Checks an application's authorization request. Until the redirect_uri is known to be one
/// the application registered, problems are shown on a page; after, they go back to it.
pub async fn authorize(state: &AppState, p: &AuthorizeParams) -> Result<std::result::Result<Authorized, AuthorizeError>> {
    use AuthorizeError::*;
    let Some(client_id) = p.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(Err(Page("client_id is required.".into())));
    };
    let app = match applications::get_application(state, client_id).await {
        Ok(app) => app,
        Err(Error::NotFound(_)) => return Ok(Err(Page(format!("There is no application with client_id {client_id:?}.")))),
        Err(e) => return Err(e),
    };
    let Some(redirect_uri) = p.redirect_uri.as_deref() else {
        return Ok(Err(Page("redirect_uri is required.".into())));
    };
    if !app.callbacks.iter().any(|c| c == redirect_uri) {
        return Ok(Err(Page(format!(
            "redirect_uri {redirect_uri:?} is not one of the application's Allowed Callback URLs. Add it in the application's settings."
        ))));
    }
    let asked_mode = match p.response_mode.as_deref().filter(|m| !m.is_empty()) {
        None => None,
        Some("query") => Some(ResponseMode::Query),
        Some("form_post") => Some(ResponseMode::FormPost),
        Some("web_message") => Some(ResponseMode::WebMessage),
        Some(_) => None,
    };
    // A web message goes to the page that framed (or opened) Tessera: its origin must be one
    // the application trusts, or nothing may be posted to it.
    if asked_mode == Some(ResponseMode::WebMessage) {
        let origin = url::Url::parse(redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
        if !app.web_origins.contains(&origin) {
            return Ok(Err(Page(format!(
                "response_mode=web_message needs the origin of redirect_uri ({origin}) among the application's Allowed Web Origins. Add it in the application's settings."
            ))));
        }
    }
    let mode = asked_mode.unwrap_or_default();
    let back = |error: &'static str, description: String| {
        let params = [("error", error), ("error_description", description.as_str())];
        Ok(Err(ToApplication(answer(redirect_uri, mode, &params, p.state.as_deref()))))
    };
    if asked_mode.is_none() && p.response_mode.as_deref().is_some_and(|m| !m.is_empty()) {
        return back("invalid_request", "response_mode must be query, form_post or web_message.".into());
    }
    let (response_type, grant) = match p.response_type.as_deref() {
        Some("code") => (ResponseType::Code, GrantType::AuthorizationCode),
        Some("id_token") => (ResponseType::IdToken, GrantType::Implicit),
        _ => return back("unsupported_response_type", "response_type must be code or id_token.".into()),
    };
    if !app.grant_types.contains(&grant) {
        let which = if grant == GrantType::Implicit { "implicit grant (response_type=id_token)" } else { "authorization code grant" };
        return back("unauthorized_client", format!("The application may not use the {which}."));
    }
    if response_type == ResponseType::IdToken && mode == ResponseMode::WebMessage {
        return back("invalid_request", "response_mode=web_message is for response_type=code.".into());
    }
    if response_type == ResponseType::IdToken {
        if mode != ResponseMode::FormPost {
            return back("invalid_request", "response_type=id_token needs response_mode=form_post (Tessera never puts tokens in a URL).".into());
        }
        if p.nonce.as_deref().is_none_or(str::is_empty) {
            return back("invalid_request", "nonce is required with response_type=id_token.".into());
        }
    }
    let scope = p.scope.clone().unwrap_or_default();
    if !scope.split_whitespace().any(|s| s == "openid") {
        return back("invalid_scope", "scope must include openid.".into());
    }
    match (p.code_challenge.as_deref(), p.code_challenge_method.as_deref()) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => {}
        (Some(_), Some("S256")) => return back("invalid_request", "code_challenge must be 43 to 128 characters.".into()),
        (Some(_), _) => return back("invalid_request", "code_challenge_method must be S256.".into()),
        (None, _) if app.token_endpoint_auth_method == ClientAuthMethod::None && response_type == ResponseType::Code => {
            return back("invalid_request", "A single page application must use PKCE (code_challenge with S256).".into())
        }
        (None, _) => {}
    }
    let prompts: Vec<&str> = p.prompt.as_deref().unwrap_or_default().split_whitespace().collect();
    let prompt = match (prompts.contains(&"none"), prompts.contains(&"login")) {
        (true, _) if prompts.len() > 1 => return back("invalid_request", "prompt=none cannot be combined with other values.".into()),
        (true, _) => Prompt::None,
        (false, true) => Prompt::Login,
        _ => Prompt::Default,
    };
    let max_age = match p.max_age.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(m) => match m.parse::<i64>() {
            Ok(seconds) if seconds >= 0 => Some(seconds),
            _ => return back("invalid_request", "max_age must be a whole number of seconds, 0 or more.".into()),
        },
    };
    let connection = match p.connection.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(name) => {
            let found = connections::find_by_name(state, name).await?;
            match found {
                Some(c) if applications::may_use(&app, &c) => Some(c),
                Some(_) if !app.is_first_party => {
                    return back("invalid_request", format!("The connection {name:?} is not promoted to domain level, so third-party applications may not use it."))
                }
                Some(_) => return back("invalid_request", format!("The connection {name:?} is not enabled for this application.")),
                None => return back("invalid_request", format!("There is no connection named {name:?}.")),
            }
        }
    };
    let request = AppRequest {
        client_id: app.client_id.clone(),
        redirect_uri: redirect_uri.to_string(),
        state: p.state.clone(),
        nonce: p.nonce.clone(),
        scope,
        code_challenge: p.code_challenge.clone(),
        response_type,
        response_mode: mode,
        backchannel_logout: app.backchannel_logout_uri.is_some(),
        first_party: app.is_first_party,
    };
    Ok(Ok(Authorized { app, request, connection, login_hint: p.login_hint.clone(), prompt, max_age }))
}
