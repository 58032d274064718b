//! A page served with no wasm posts its forms to the server functions as a browser does (asking
//! for HTML): the answer is a redirect, to the next page with its toast or back to the form with
//! why it was refused, both in the one-minute flash cookie that the next page shows once. An
//! error put in a page's address by someone else is dropped, and a call from the hydrated
//! dashboard is answered as before.

use crate::support::{cookie_set, TestServer};
use base64::Engine as _;

async fn plain_post(server: &TestServer, session: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let req = server.post_form(path, form).header("accept", "text/html,application/xhtml+xml").header("cookie", session);
    req.send().await.unwrap_or_else(|e| panic!("{e}"))
}

async fn page(server: &TestServer, cookies: &str, path: &str) -> reqwest::Response {
    server.http.get(server.url(path)).header("cookie", cookies).send().await.unwrap_or_else(|e| panic!("{e}"))
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_plain_form_post_is_answered_with_a_redirect_and_what_the_next_page_shows_once() {
    let server = TestServer::start().await;
    let session = server.sign_in().await;

    // Created: to the role's page, which shows the toast once and clears it.
    let res = plain_post(&server, &session, "/rpc/roles/create", &[("name", "Auditor"), ("description", "Reads the logs")]).await;
    assert_eq!(res.status(), 302);
    let role_page = location(&res);
    assert!(role_page.starts_with("/roles/rol_"), "{role_page}");
    let flash = cookie_set(&res, "tessera_flash=").unwrap_or_else(|| panic!("no flash cookie"));
    let shown = page(&server, &format!("{session}; {flash}"), &role_page).await;
    assert_eq!(shown.status(), 200);
    assert!(shown.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or_default().starts_with("tessera_flash=;")), "the flash is cleared");
    let html = shown.text().await.unwrap_or_default();
    assert!(html.contains(">Role Auditor created<"), "{html}");
    assert!(!html.contains("mod.hydrate()"), "a role's page ships no wasm");
    let hydrating = page(&server, &session, "/connections/enterprise/oidc/new").await.text().await.unwrap_or_default();
    assert!(hydrating.contains("mod.hydrate()"), "a new connection's form hydrates: {hydrating}");
    let again = page(&server, &session, &role_page).await.text().await.unwrap_or_default();
    assert!(!again.contains(">Role Auditor created<"), "a toast is shown once");

    // Refused: back to the form, which shows why under the field.
    let res = plain_post(&server, &session, "/rpc/roles/create", &[("name", "auditor")]).await;
    assert_eq!((res.status().as_u16(), location(&res).as_str()), (302, "/roles/new"));
    let flash = cookie_set(&res, "tessera_flash=").unwrap_or_else(|| panic!("no flash cookie"));
    let html = page(&server, &format!("{session}; {flash}"), "/roles/new").await.text().await.unwrap_or_default();
    assert!(html.contains("a role with this name exists"), "{html}");
    let html = page(&server, &session, "/roles/new").await.text().await.unwrap_or_default();
    assert!(!html.contains("a role with this name exists"), "the reason is shown once");

    // The same call from the hydrated dashboard: its answer, no redirect, no flash.
    let res = server.post_form("/rpc/roles/create", &[("name", "Viewer")]).header("cookie", &session).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    assert!(cookie_set(&res, "tessera_flash=").is_none());
    assert!(res.text().await.unwrap_or_default().contains("\"name\":\"Viewer\""));
}

#[tokio::test]
async fn an_error_written_into_a_pages_address_is_dropped_and_a_signed_out_post_goes_to_sign_in() {
    let server = TestServer::start().await;
    let session = server.sign_in().await;
    let forged = r#"{"Invalid":[{"field":"name","message":"call +1 555 0100 to restore your account"}]}"#;
    let err = base64::engine::general_purpose::URL_SAFE.encode(forged);
    let res = page(&server, &session, &format!("/roles/new?__path=%2Frpc%2Froles%2Fcreate&__err={err}")).await;
    assert_eq!((res.status().as_u16(), location(&res).as_str()), (303, "/roles/new"));
    let res = page(&server, &session, &format!("/users?q=acme&__err={err}&__path=x")).await;
    assert_eq!((res.status().as_u16(), location(&res).as_str()), (303, "/users?q=acme"));

    let res = plain_post(&server, "", "/rpc/roles/create", &[("name", "Intruder")]).await;
    assert_eq!((res.status().as_u16(), location(&res).as_str()), (303, "/signin"));
    let res = server.post_form("/rpc/roles/create", &[("name", "Intruder")]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_new_applications_secret_comes_back_once_sealed_for_the_session_that_made_it() {
    let server = TestServer::start().await;
    let session = server.sign_in().await;
    let res = plain_post(&server, &session, "/rpc/applications/create", &[("name", "Billing"), ("app_type", "regular_web"), ("callbacks", "https://billing.test/cb")]).await;
    assert_eq!((res.status().as_u16(), location(&res).as_str()), (302, "/applications/new"));
    let flash = cookie_set(&res, "tessera_flash=").unwrap_or_else(|| panic!("no flash cookie"));
    // Sealed: neither the secret nor the client id can be read from the cookie.
    let apps = app::backend::applications::all_applications(&server.state, Some("Billing")).await.unwrap_or_default();
    let client_id = apps.first().map(|a| a.client_id.clone()).unwrap_or_else(|| panic!("Billing was not created"));
    assert!(!flash.contains(&client_id), "{flash}");

    // Another admin session (or none) cannot open it.
    let other = server.sign_in().await;
    let html = page(&server, &format!("{other}; {flash}"), "/applications/new").await.text().await.unwrap_or_default();
    assert!(!html.contains(&client_id) && html.contains("id=\"app_name\""), "another session sees the empty form");

    // The session that made it sees the Client ID and the secret once, on a page with no wasm…
    let html = page(&server, &format!("{session}; {flash}"), "/applications/new").await.text().await.unwrap_or_default();
    assert!(html.contains("Billing was created") && html.contains(&client_id), "{html}");
    assert!(!html.contains("mod.hydrate()"), "Create Application ships no wasm");
    let secret = html.split("id=\"new_client_secret\"").nth(1).and_then(|rest| rest.split("value=\"").nth(1)).and_then(|v| v.split('"').next()).unwrap_or_default().to_string();
    assert!(secret.len() >= 32, "the secret is on the page: {html}");
    assert_eq!(html.matches(&secret).count(), 2, "in its field and its Copy button, not in the hydration data");
    // …and it is the application's secret.
    let res = server.post_form("/oauth/token", &[("grant_type", "client_credentials"), ("client_id", &client_id), ("client_secret", &secret)]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(res.status(), 401, "the secret shown authenticates the application");
    let again = page(&server, &session, "/applications/new").await.text().await.unwrap_or_default();
    assert!(!again.contains(&secret), "shown once");

    // A flash written by someone else (the unsealed JSON of before) carries nothing.
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"toast":"Call +1 555 0100","refused":null}"#);
    let html = page(&server, &format!("{session}; tessera_flash={forged}"), "/roles").await.text().await.unwrap_or_default();
    assert!(!html.contains("Call +1 555 0100"), "a forged flash is not shown");

    // Refused: back to the form with the reason.
    let res = plain_post(&server, &session, "/rpc/applications/create", &[("name", "Bad"), ("app_type", "regular_web"), ("callbacks", "ftp://bad.test/cb")]).await;
    assert_eq!((res.status().as_u16(), location(&res).as_str()), (302, "/applications/new"));
    let flash = cookie_set(&res, "tessera_flash=").unwrap_or_else(|| panic!("no flash cookie"));
    let html = page(&server, &format!("{session}; {flash}"), "/applications/new").await.text().await.unwrap_or_default();
    assert!(html.contains("entry 1:"), "the reason under Allowed Callback URLs: {html}");
}
