//! Server functions, one file per domain. Each is a public HTTP endpoint (under `/rpc`): it
//! checks the admin session, parses input, calls one backend service and maps the error.

pub mod logs;
pub mod users;
pub mod applications;
pub mod roles;
pub mod auth;
pub mod connections;
pub mod organizations;
pub mod scim;
pub mod settings;

/// Server-side helpers shared by every server function.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::backend::admin::CurrentAdmin;
    use crate::backend::state::ClientAddress;
    use crate::backend::AppState;
    use crate::error::AppError;
    use http::request::Parts;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::Internal
        })
    }

    fn parts() -> Result<Parts, AppError> {
        use_context::<Parts>().ok_or(AppError::Internal)
    }

    /// The signed-in admin, even one who still has to replace a one-time password.
    pub fn require_session() -> Result<CurrentAdmin, AppError> {
        match parts()?.extensions.get::<CurrentAdmin>() {
            Some(admin) => Ok(admin.clone()),
            None => {
                set_status(http::StatusCode::UNAUTHORIZED);
                Err(AppError::Unauthorized)
            }
        }
    }

    /// The signed-in admin, allowed to use the dashboard. Every server function but the sign-in
    /// ones starts with this.
    pub fn require_admin() -> Result<CurrentAdmin, AppError> {
        let admin = require_session()?;
        if admin.must_change_password {
            set_status(http::StatusCode::FORBIDDEN);
            return Err(AppError::Forbidden("Choose a new password before you continue.".into()));
        }
        Ok(admin)
    }

    pub fn client_address() -> String {
        parts()
            .ok()
            .and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.clone()))
            .unwrap_or_else(|| "unknown".to_string())
    }

    /// True for a plain HTML form post (no JavaScript): errors then travel in the URL.
    pub fn is_plain_form_post() -> bool {
        parts()
            .ok()
            .and_then(|p| p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
            .unwrap_or(false)
    }

    /// Answers a plain HTML form post (from a page served with no wasm) as a browser expects, with
    /// a redirect: when `result` is a success, to the page `done` names, leaving its toast for
    /// that page (`Cookie::Toast`); when an error, back to `back` with the error in the URL
    /// (`__path`, `__err`), where the page's `ServerAction` of `S` reads it and shows it under the
    /// field, as it does with JavaScript. (Pages send no `Referer`, so leptos's own redirect back
    /// would land on `/`.) A call from the hydrated dashboard is left as it is.
    pub fn answer_plain_form<S, T>(result: &Result<T, AppError>, back: &str, done: impl FnOnce(&T) -> (String, String))
    where
        S: leptos::server_fn::ServerFn,
    {
        use base64::Engine as _;
        use leptos::server_fn::error::FromServerFnError as _;
        use crate::text::encode_query_value;
        if !is_plain_form_post() {
            return;
        }
        let location = match result {
            Ok(value) => {
                let (toast, path) = done(value);
                flash_toast(&toast);
                path
            }
            Err(e) => {
                let error = base64::engine::general_purpose::URL_SAFE.encode(e.ser());
                let join = if back.contains('?') { '&' } else { '?' };
                format!("{back}{join}__path={}&__err={}", encode_query_value(S::PATH), encode_query_value(&error))
            }
        };
        leptos_axum::redirect(&location);
    }

    /// The longest toast left for the next page, in characters.
    const TOAST_MAX: usize = 200;

    /// Leaves `message` for the next page the browser loads (a minute at most), which shows it once.
    fn flash_toast(message: &str) {
        use base64::Engine as _;
        let Ok(state) = state() else { return };
        let message: String = message.chars().take(TOAST_MAX).collect();
        let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(message);
        append_set_cookie(crate::backend::cookies::Cookie::Toast.set(&value, 60, state.env.cookies_secure()));
    }

    /// The toast a plain form post left for this page, taken: read from the request and cleared
    /// in the response.
    pub fn take_flashed_toast() -> Option<String> {
        use base64::Engine as _;
        use crate::backend::cookies::Cookie;
        let secure = state().ok()?.env.cookies_secure();
        let value = Cookie::Toast.read(&parts().ok()?.headers, secure)?;
        append_set_cookie(Cookie::Toast.clear(secure));
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value).ok()?;
        String::from_utf8(bytes).ok().map(|m| m.chars().take(TOAST_MAX).collect())
    }

    pub fn set_status(status: http::StatusCode) {
        if let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(status);
        }
    }

    pub fn append_set_cookie(cookie: String) {
        if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), http::HeaderValue::from_str(&cookie)) {
            res.append_header(http::header::SET_COOKIE, value);
        }
    }

    /// "Type {name} to confirm": a 400 naming `confirm_name` unless `typed` is `expected`.
    pub fn require_typed_name(expected: &str, typed: &str) -> Result<(), AppError> {
        if typed.trim() == expected {
            return Ok(());
        }
        set_status(http::StatusCode::BAD_REQUEST);
        Err(AppError::Invalid(vec![crate::error::FieldError::new("confirm_name", format!("type {expected} to confirm"))]))
    }

    /// Maps a backend error, setting the response status the error calls for.
    pub fn fail(e: crate::backend::Error) -> AppError {
        set_status(e.status());
        e.into()
    }
}
