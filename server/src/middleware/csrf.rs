//! CSRF protection for everything that authenticates with the session cookie. A state-changing
//! request is accepted only when the browser says it comes from this site: `Sec-Fetch-Site:
//! same-origin`, or (older browsers) an `Origin` equal to the public URL's or to the `Host`.
//! Requests with neither header are refused. `/api/v2` is exempt: it takes bearer tokens, which
//! a browser never attaches on its own. So are the protocol endpoints: the IdP's cross-site
//! `form_post` to `/login/callback` (protected by the single-use state bound to the browser),
//! applications' server-to-server `/oauth/token`, `/oauth/revoke` and `/userinfo` (client
//! credentials and bearer tokens), and `/oidc/logout`, which an application may POST to (it only
//! ends a session, and redirects only to the application's Allowed Logout URLs), and
//! `/oidc/register`, which clients call without cookies (what it creates is a third-party
//! application that can do nothing until each user consents).

use app::backend::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode};

pub async fn refuse_cross_site(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    const EXEMPT: &[&str] =
        &["/api/v2/", "/login/callback", "/oauth/token", "/oauth/revoke", "/userinfo", "/oidc/logout", "/oidc/register", "/scim/v2/", "/global-token-revocation/", "/oauth/global-token-revocation/"];
    let exempt = EXEMPT.iter().any(|p| req.uri().path().starts_with(p));
    if safe || exempt || is_same_origin(req.headers(), &state.env.public_url) {
        return next.run(req).await;
    }
    tracing::warn!(path = %super::trace::redact(req.uri().path()), "refused a cross-site request");
    (StatusCode::FORBIDDEN, "Cross-site request refused: this action must come from the Tessera dashboard.").into_response()
}

/// Whether the browser vouches that the request comes from Tessera's own pages.
pub fn is_same_origin(headers: &HeaderMap, public_url: &url::Url) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = header("origin") else { return false };
    if origin == public_url.origin().ascii_serialization() {
        return true;
    }
    let origin_host = url::Url::parse(origin).ok().and_then(|u| {
        u.host_str().map(|h| match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        })
    });
    matches!((origin_host, header("host")), (Some(o), Some(h)) if o == h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, http::HeaderValue::from_static(v));
        }
        h
    }

    fn public() -> url::Url {
        url::Url::parse("https://sso.example.com").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_same_origin_fetch_is_accepted_and_a_cross_site_one_refused() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), &public()));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://sso.example.com")]), &public()));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")]), &public()));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_be_ours() {
        assert!(is_same_origin(&headers(&[("origin", "https://sso.example.com")]), &public()));
        assert!(is_same_origin(&headers(&[("origin", "http://10.0.0.5:3000"), ("host", "10.0.0.5:3000")]), &public()));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), ("host", "sso.example.com")]), &public()));
        assert!(!is_same_origin(&headers(&[("origin", "null")]), &public()));
        assert!(!is_same_origin(&headers(&[]), &public()), "no header at all is refused");
    }
}
