//! Server functions, one file per domain. Each is a public HTTP endpoint (under `/rpc`): it
//! checks the admin session, parses input, calls one backend service and maps the error.

pub mod activity;
pub mod applications;
pub mod roles;
pub mod auth;
pub mod connections;
pub mod organizations;
pub mod scim;
pub mod settings;
pub mod setup;

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

/// Percent-encodes a value for a query string (`return_to=%2Fsettings`).
pub fn encode_query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Percent-encodes a value for one path segment (`/users/oidc%7Cacme%7Calice`). Unlike a query
/// value, a space is `%20` and `+` is `%2B`: the router decodes path segments once, as is.
pub fn encode_path_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A `return_to` that stays on this site. The candidate is resolved the way a browser would
/// resolve it against Tessera's own origin (browsers drop tabs and newlines, turn `\\` into `/`),
/// and only a path on that same origin is kept, rebuilt from the parsed URL, so what goes into
/// the `Location` header is exactly what was checked. Control characters are refused outright.
pub fn safe_return_to(candidate: Option<&str>) -> String {
    const HOME: &str = "/connections/enterprise";
    // Any fixed origin works for the same-origin test; this one can never be a real host.
    const BASE: &str = "https://tessera.invalid/";
    let Some(candidate) = candidate.filter(|c| c.starts_with('/') && !c.chars().any(char::is_control)) else {
        return HOME.to_string();
    };
    let Ok(base) = url::Url::parse(BASE) else { return HOME.to_string() };
    match base.join(candidate) {
        Ok(url) if url.origin() == base.origin() && !url.path().starts_with("/signin") && !url.path().starts_with("//") => {
            let mut local = url.path().to_string();
            if let Some(query) = url.query() {
                local.push('?');
                local.push_str(query);
            }
            local
        }
        _ => HOME.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn return_to_only_follows_local_paths() {
        assert_eq!(safe_return_to(Some("/settings?tab=x")), "/settings?tab=x");
        for hostile in [
            "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/signin",
            "/\t/evil.example", "/\n/evil.example", "/\u{7f}", "\\\\evil.example", "/\\/evil.example", "/signin/password",
        ] {
            assert_eq!(safe_return_to(Some(hostile)), "/connections/enterprise", "{hostile}");
        }
        assert_eq!(safe_return_to(None), "/connections/enterprise");
        assert_eq!(safe_return_to(Some("/connections/enterprise/con_1/settings")), "/connections/enterprise/con_1/settings");
        assert_eq!(safe_return_to(Some("/a/../users")), "/users", "dot segments are resolved");
        assert_eq!(super::encode_path_segment("oidc|acme|a+b c@x"), "oidc%7Cacme%7Ca%2Bb%20c%40x");
        // Still encoded, the tab is part of a local path, not a way off the site.
        assert_eq!(safe_return_to(Some("/%09/evil.example")), "/%09/evil.example");
    }
}
