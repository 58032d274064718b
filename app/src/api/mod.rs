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

    /// True for a plain HTML form post (no JavaScript): it is answered with a redirect and the
    /// flash ([`answer_plain_form`]).
    pub fn is_plain_form_post() -> bool {
        parts().is_ok_and(|p| crate::flash::is_plain_form_post(&p.headers))
    }

    /// Answers a plain HTML form post (from a page served with no wasm) as a browser expects, with
    /// a redirect: when `result` is a success, to the page `done` names, with its toast; when an
    /// error, back to `back`, whose `ServerAction` of `S` shows it under the field as it does with
    /// JavaScript. Both travel in the flash cookie (`crate::flash`). (Leptos would redirect back to
    /// the `Referer` with the error in the URL, but our pages send no `Referer`, and an error in
    /// the URL is one anyone could write.) A call from the hydrated dashboard is left as it is.
    pub fn answer_plain_form<S, T>(result: &Result<T, AppError>, back: &str, done: impl FnOnce(&T) -> (String, String))
    where
        S: leptos::server_fn::ServerFn,
    {
        answer_plain_form_with::<S, T>(result, back, |value| {
            let (toast, path) = done(value);
            (crate::flash::Flash { toast: Some(toast), ..Default::default() }, path)
        });
    }

    /// [`answer_plain_form`], where a success leaves more than a toast: `done` gives the whole
    /// flash (a secret shown once) and the page to go to.
    pub fn answer_plain_form_with<S, T>(result: &Result<T, AppError>, back: &str, done: impl FnOnce(&T) -> (crate::flash::Flash, String))
    where
        S: leptos::server_fn::ServerFn,
    {
        use crate::flash::{Flash, Refused};
        use base64::Engine as _;
        use leptos::server_fn::error::FromServerFnError as _;
        if !is_plain_form_post() {
            return;
        }
        let (flash, location) = match result {
            Ok(value) => done(value),
            Err(e) => {
                let error = base64::engine::general_purpose::URL_SAFE.encode(e.ser());
                (Flash { refused: Some(Refused { path: S::PATH.to_string(), error }), ..Default::default() }, back.to_string())
            }
        };
        leave_flash(flash);
        leptos_axum::redirect(&location);
    }

    /// What a flash is sealed for: this admin session (the hash of its cookie). A flash another
    /// session left, or anyone wrote, does not open.
    fn flash_context(parts: &Parts) -> String {
        let session = parts.extensions.get::<CurrentAdmin>().map(|a| a.token_hash.as_str()).unwrap_or_default();
        format!("flash:{session}")
    }

    /// Leaves `flash` for the next page the browser loads (a minute at most), sealed.
    fn leave_flash(flash: crate::flash::Flash) {
        let (Ok(state), Ok(parts), Some(json)) = (state(), parts(), flash.to_json()) else { return };
        let Ok(sealed) = state.env.master_key.encrypt(&flash_context(&parts), &json) else { return };
        append_set_cookie(crate::backend::cookies::Cookie::Flash.set(&sealed, 60, state.env.cookies_secure()));
    }

    /// The flash this page was sent with, taken: read from the request and cleared in the response.
    /// Nothing outside a request (the route list is drawn from the app at start-up), and nothing
    /// from a cookie that does not open for this session.
    pub fn take_flash() -> crate::flash::Flash {
        use crate::backend::cookies::Cookie;
        let (Some(state), Ok(parts)) = (use_context::<AppState>(), parts()) else { return Default::default() };
        let secure = state.env.cookies_secure();
        let Some(value) = Cookie::Flash.read(&parts.headers, secure) else { return Default::default() };
        append_set_cookie(Cookie::Flash.clear(secure));
        match state.env.master_key.decrypt(&flash_context(&parts), &value) {
            Ok(json) => crate::flash::Flash::from_json(json.expose()),
            Err(_) => Default::default(),
        }
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
