//! The server functions of a self-service setup link's screens. No Tessera account: each checks
//! the link (`token`) and the cookie of the browser that opened it, and works only on that link's
//! organization and connection (`backend::organizations::setup`). The server's guard lets
//! `/rpc/setup/…` through without an admin session for this reason alone.

use crate::connections::options::Channel;
use crate::connections::IssuerCheck;
use crate::error::AppError;
use crate::organizations::{SetupProvider, SetupView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn scope(token: &str) -> Result<(crate::backend::AppState, crate::backend::organizations::setup::Scope), AppError> {
    use super::ssr::*;
    let state = state()?;
    let headers = use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default();
    let cookies = |name: &str| {
        headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    };
    match crate::backend::organizations::setup::scope(&state, token, &cookies).await.map_err(fail)? {
        Ok(scope) => Ok((state, scope)),
        Err(refusal) => {
            set_status(http::StatusCode::from_u16(refusal.status()).unwrap_or(http::StatusCode::FORBIDDEN));
            Err(AppError::Forbidden(format!("{}. {}", refusal.title(), refusal.message())))
        }
    }
}

#[server(prefix = "/rpc", endpoint = "setup/view")]
pub async fn load_setup(token: String) -> Result<SetupView, AppError> {
    use super::ssr::*;
    let (state, scope) = scope(&token).await?;
    crate::backend::organizations::setup::view(&state, &scope).await.map_err(fail)
}

/// The live issuer check of the configuration screen: the dashboard's, through the guarded client.
#[server(prefix = "/rpc", endpoint = "setup/check_issuer")]
pub async fn setup_check_issuer(token: String, url: String, channel: Channel) -> Result<IssuerCheck, AppError> {
    let (state, _) = scope(&token).await?;
    Ok(crate::backend::connections::check_issuer(&state, &url, channel).await)
}

#[server(prefix = "/rpc", endpoint = "setup/save")]
pub async fn setup_save(token: String, provider: SetupProvider, client_id: String, client_secret: String, address: String) -> Result<SetupView, AppError> {
    use super::ssr::*;
    let (state, scope) = scope(&token).await?;
    let input = crate::backend::organizations::setup::SetupInput { provider, client_id, client_secret, address };
    crate::backend::organizations::setup::save(&state, &scope, input).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "setup/finish")]
pub async fn setup_finish(token: String) -> Result<SetupView, AppError> {
    use super::ssr::*;
    let (state, scope) = scope(&token).await?;
    crate::backend::organizations::setup::finish(&state, &scope).await.map_err(fail)
}

#[server(prefix = "/rpc", endpoint = "setup/add_domain")]
pub async fn setup_add_domain(token: String, domain: String) -> Result<SetupView, AppError> {
    use super::ssr::*;
    let (state, scope) = scope(&token).await?;
    crate::backend::organizations::setup::add_domain(&state, &scope, &domain).await.map_err(fail)
}

/// "Verify": the view after, and why the domain is not verified yet (when it is not).
#[server(prefix = "/rpc", endpoint = "setup/verify_domain")]
pub async fn setup_verify_domain(token: String, domain_id: String) -> Result<(SetupView, Option<String>), AppError> {
    use super::ssr::*;
    let (state, scope) = scope(&token).await?;
    crate::backend::organizations::setup::verify_domain(&state, &scope, &domain_id).await.map_err(fail)
}
