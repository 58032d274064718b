//! Every page is behind sign-in unless listed here as public. A signed-out visit goes to
//! `/signin?return_to=<where it was going>`; an admin who still holds a one-time password goes to
//! `/signin/password` first. Server functions (`/rpc/…`) check the session themselves and answer
//! 401 rather than redirect.

use app::text::{encode_query_value, safe_return_to};
use app::backend::admin::CurrentAdmin;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;

/// Paths anyone may fetch: assets, health, the Management API (bearer tokens), protocol endpoints,
/// and setup links (each checks its link and the browser bound to it).
const PUBLIC_PREFIXES: &[&str] =
    &["/pkg/", "/logos/", "/favicon", "/healthz", "/readyz", "/metrics", "/api/v2/", "/rpc/", "/login/", "/.well-known/", "/authorize", "/oauth/", "/userinfo", "/oidc/",
      "/scim/v2/", "/global-token-revocation/", "/setup/", "/v2/logout"];

pub async fn require_signed_in_admin(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !matches!(*req.method(), Method::GET | Method::HEAD) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return next.run(req).await;
    }
    let here = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.to_string());
    let admin = req.extensions().get::<CurrentAdmin>().cloned();
    match (path, admin) {
        ("/signin", None) => next.run(req).await,
        ("/signin", Some(admin)) if !admin.must_change_password => {
            let return_to = return_to_param(&req);
            Redirect::to(&safe_return_to(return_to.as_deref())).into_response()
        }
        ("/signin/password", Some(admin)) if admin.must_change_password => next.run(req).await,
        ("/signin/password", Some(_)) => Redirect::to(&safe_return_to(None)).into_response(),
        (_, None) => Redirect::to(&format!("/signin?return_to={}", encode_query_value(&here))).into_response(),
        (_, Some(admin)) if admin.must_change_password => {
            Redirect::to(&format!("/signin/password?return_to={}", encode_query_value(&here))).into_response()
        }
        _ => next.run(req).await,
    }
}

fn return_to_param(req: &Request) -> Option<String> {
    let query = req.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "return_to").map(|(_, v)| v.into_owned())
}
