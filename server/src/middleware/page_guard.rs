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
    if let Some(clean) = without_action_error(req.uri()) {
        return Redirect::to(&clean).into_response();
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

/// A page's address never carries a form's error: leptos shows `__err` under the field of the
/// server function `__path` names, so with them anyone could put words on our pages with a link.
/// (A refused plain post brings its error in the flash cookie, `app::flash`.) The same address
/// without them, when it had them.
fn without_action_error(uri: &http::Uri) -> Option<String> {
    let query = uri.query()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    if !pairs.iter().any(|(k, _)| k == "__err" || k == "__path") {
        return None;
    }
    let kept = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs.iter().filter(|(k, _)| k != "__err" && k != "__path")).finish();
    Some(if kept.is_empty() { uri.path().to_string() } else { format!("{}?{kept}", uri.path()) })
}

fn return_to_param(req: &Request) -> Option<String> {
    let query = req.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "return_to").map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::without_action_error;

    #[test]
    fn a_forms_error_is_dropped_from_a_pages_address_and_nothing_else() {
        let uri = |s: &str| s.parse::<http::Uri>().unwrap_or_default();
        assert_eq!(without_action_error(&uri("/settings?__path=%2Frpc%2Fx&__err=Zm9v")).as_deref(), Some("/settings"));
        assert_eq!(without_action_error(&uri("/users?q=a+b&__err=Zm9v&page=2")).as_deref(), Some("/users?q=a+b&page=2"));
        assert_eq!(without_action_error(&uri("/users/oidc%7Cacme%7Calice?__path=x")).as_deref(), Some("/users/oidc%7Cacme%7Calice"));
        assert_eq!(without_action_error(&uri("/users?q=__err")), None);
        assert_eq!(without_action_error(&uri("/users")), None);
    }
}
