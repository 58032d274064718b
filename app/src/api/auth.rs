//! Sign-in, sign-out and password server functions, and who is signed in.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the dashboard shows of the signed-in admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub email: String,
}

/// The signed-in admin, or `None` (the layout then sends the browser to sign-in).
#[server(prefix = "/rpc", endpoint = "current_admin")]
pub async fn current_admin() -> Result<Option<AdminView>, AppError> {
    use crate::backend::admin::CurrentAdmin;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    Ok(parts.extensions.get::<CurrentAdmin>().map(|a| AdminView { email: a.email.clone() }))
}

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, return_to: Option<String>) -> Result<(), AppError> {
    use super::ssr::*;
    use crate::backend::admin::{sessions, signin};
    use crate::backend::crypto::SecretString;

    let state = state()?;
    let result = signin::sign_in(&state.db, &state.clock, &email, SecretString::new(password), &client_address()).await;
    match result {
        Ok(signed_in) => {
            let cookie = crate::backend::cookies::Cookie::Admin;
            append_set_cookie(cookie.set(&signed_in.session_token, sessions::ABSOLUTE_TIMEOUT_MS / 1000, state.env.cookies_secure()));
            let next = crate::text::safe_return_to(return_to.as_deref());
            if signed_in.admin.must_change_password {
                leptos_axum::redirect(&format!("/signin/password?return_to={}", crate::text::encode_query_value(&next)));
            } else {
                leptos_axum::redirect(&next);
            }
            Ok(())
        }
        Err(e) if is_plain_form_post() => {
            // Without JavaScript the browser follows a redirect: carry the message in the URL.
            let kind = if matches!(e, crate::backend::Error::TooManyRequests(_)) { "throttled" } else { "credentials" };
            let back = crate::text::safe_return_to(return_to.as_deref());
            leptos_axum::redirect(&format!("/signin?error={kind}&return_to={}", crate::text::encode_query_value(&back)));
            Err(e.into())
        }
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::ssr::*;
    use crate::backend::admin::sessions;

    let state = state()?;
    if let Ok(admin) = require_session() {
        sessions::end_session(&state.db, &admin.token_hash).await.map_err(fail)?;
        tracing::info!(admin_id = %admin.admin_id, "admin signed out");
    }
    append_set_cookie(crate::backend::cookies::Cookie::Admin.clear(state.env.cookies_secure()));
    leptos_axum::redirect("/signin");
    Ok(())
}

/// Replaces the password. Right after signing in with a generated one-time password the
/// current password is not asked again.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: Option<String>,
    new_password: String,
    confirm_password: String,
    return_to: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::*;
    use crate::backend::admin::signin;
    use crate::backend::crypto::SecretString;

    let admin = require_session()?;
    let state = state()?;
    signin::change_password(
        &state.db,
        &state.clock,
        &admin,
        current_password.filter(|p| !p.is_empty()).map(SecretString::new),
        SecretString::new(new_password),
        SecretString::new(confirm_password),
    )
    .await
    .map_err(fail)?;
    leptos_axum::redirect(&crate::text::safe_return_to(return_to.as_deref()));
    Ok(())
}
