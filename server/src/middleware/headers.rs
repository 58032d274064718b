//! Security headers on every response: no MIME sniffing, no framing, no referrer, HSTS when
//! Tessera is served over https, and `Cache-Control: no-store` on pages and server-function
//! answers (they carry signed-in data). HTML gets the Content-Security-Policy; the shell sets
//! it with the response's script nonce, and this adds the nonce-less policy to any other HTML.

use app::backend::security_headers::{content_security_policy, HEADER as CSP};
use app::backend::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use http::HeaderValue;

pub async fn add_security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_rpc = req.uri().path().starts_with("/rpc/");
    let mut res = next.run(req).await;
    let is_html = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // A page that names who may frame it (a web message answer, for its application's origin)
    // says so in its CSP; every other page may be framed by no one.
    let framable = headers.get(CSP).and_then(|v| v.to_str().ok()).is_some_and(|p| p.contains("frame-ancestors") && !p.contains("frame-ancestors 'none'"));
    if !framable {
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if state.env.public_url.scheme() == "https" {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    if is_html || is_rpc {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if is_html && !headers.contains_key(CSP) {
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(CSP, policy);
        }
    } else if !is_html {
        // JSON and other answers are never documents: nothing in them may run or be framed.
        headers.entry(CSP).or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    }
    res
}
