//! The Content-Security-Policy of Tessera's pages. Scripts run only from Tessera's own origin or
//! with the per-request nonce Leptos puts on its hydration scripts; the wasm may compile
//! (`'wasm-unsafe-eval'`, not `'unsafe-eval'`); no page may be framed; forms post only here.
//! The shell calls [`send_with_nonce`] while it renders; the server's middleware adds the other
//! security headers, and this policy without a nonce to any HTML the shell did not render.

use leptos::prelude::*;

pub const HEADER: &str = "content-security-policy";

/// The policy; with `nonce`, inline scripts carrying it may run.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {scripts}; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The login page's policy: like every page's, except that its form may lead on to an identity
/// provider (browsers apply `form-action` to the redirect that follows a submission too).
pub fn login_page_policy() -> String {
    content_security_policy(None).replace("form-action 'self'", "form-action 'self' https: http:")
}

/// The logout confirmation's policy: its form posts here, and the answer may redirect to the
/// application's post-logout redirect URI (whose origin `form-action` must then name too).
pub fn confirm_logout_policy(redirect: Option<&str>) -> String {
    let origin = redirect.and_then(|r| url::Url::parse(r).ok()).map(|u| u.origin()).filter(|o| o.is_tuple()).map(|o| o.ascii_serialization());
    match origin {
        Some(o) => content_security_policy(None).replace("form-action 'self'", &format!("form-action 'self' {o}")),
        None => content_security_policy(None),
    }
}

/// The policy of a web message response: its one script (with `nonce`) posts to the page that
/// framed it, which may be on `origin` (the application's Allowed Web Origin) and nowhere else.
pub fn web_message_policy(nonce: &str, origin: &str) -> String {
    content_security_policy(Some(nonce)).replace("frame-ancestors 'none'", &format!("frame-ancestors {origin}"))
}

/// The policy of a form post response: its one script (with `nonce`) submits a form to the
/// application's redirect_uri, whose origin `form-action` names.
pub fn form_post_policy(nonce: &str, action: &str) -> String {
    let origin = url::Url::parse(action).ok().map(|u| u.origin()).filter(|o| o.is_tuple()).map(|o| o.ascii_serialization());
    let target = origin.unwrap_or_else(|| "'self'".to_string());
    content_security_policy(Some(nonce)).replace("form-action 'self'", &format!("form-action {target}"))
}

/// Sets the policy with this response's nonce (called by the shell during server rendering).
pub fn send_with_nonce() {
    let nonce = leptos::nonce::use_nonce();
    let policy = content_security_policy(nonce.as_deref());
    if let (Some(res), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&policy)) {
        res.insert_header(http::HeaderName::from_static(HEADER), value);
    }
}
