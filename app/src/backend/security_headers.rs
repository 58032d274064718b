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
/// provider (browsers apply `form-action` to the redirect that follows a submission too), and
/// its buttons may show the logos configured for them (`icon_urls`): their origins, and no other.
pub fn login_page_policy<'a>(icon_urls: impl IntoIterator<Item = &'a str>) -> String {
    let mut origins: Vec<String> = icon_urls.into_iter().filter_map(origin_of).collect();
    origins.sort();
    origins.dedup();
    let images = std::iter::once("img-src 'self' data:".to_string()).chain(origins).collect::<Vec<_>>().join(" ");
    content_security_policy(None).replace("form-action 'self'", "form-action 'self' https: http:").replace("img-src 'self' data:", &images)
}

/// `https://host[:port]` of an http(s) URL; `None` for anything else.
fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "https" | "http")).map(|u| u.origin()).filter(|o| o.is_tuple()).map(|o| o.ascii_serialization())
}

/// The logout confirmation's policy: its form posts here, and the answer may redirect to the
/// application's post-logout redirect URI (whose origin `form-action` must then name too).
pub fn confirm_logout_policy(redirect: Option<&str>) -> String {
    match redirect.and_then(origin_of) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_allows_exactly_the_origins_of_its_logos() {
        let policy = login_page_policy(["https://cdn.example.com/a.png", "https://cdn.example.com/b.png", "http://127.0.0.1:8081/logo.svg", "javascript:alert(1)"]);
        assert!(policy.contains("img-src 'self' data: http://127.0.0.1:8081 https://cdn.example.com;"), "{policy}");
        assert!(login_page_policy([]).contains("img-src 'self' data:;"));
    }
}
