//! Security hardening over real HTTP: `return_to` that tries to leave the site, the security
//! headers and the CSP nonce, the door in front of server functions (session first, 2 MiB cap),
//! the throttle keyed on (account, address) behind trusted proxies, overflow-proof paging, and
//! the periodic pruning.

use crate::support;

use app::backend::proxies::TrustedProxies;
use app::backend::Clock;
use support::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn get(server: &TestServer, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = server.http.get(server.url(path));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_return_to_with_a_tab_cannot_send_a_signed_in_admin_off_site() {
    let server = TestServer::start().await;
    let cookie = server.sign_in().await;
    for hostile in ["%2F%09%2Fevil.example", "%2F%0A%2Fevil.example", "%2F%5C%2Fevil.example", "%2F%2Fevil.example"] {
        let res = get(&server, &format!("/signin?return_to={hostile}"), Some(&cookie)).await;
        assert_eq!(header(&res, "location"), "/connections/enterprise", "{hostile}");
    }
    let fine = get(&server, "/signin?return_to=%2Fconnections%2Fenterprise%3Fq%3Dacme", Some(&cookie)).await;
    assert_eq!(header(&fine, "location"), "/connections/enterprise?q=acme");

    // A plain form post (no JavaScript) is redirected by the sign-in server function itself.
    let res = server
        .post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("return_to", "/\t/evil.example")])
        .header("accept", "text/html")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(header(&res, "location"), "/connections/enterprise");
}

#[tokio::test]
async fn pages_carry_a_csp_with_the_nonce_of_their_own_scripts_and_the_other_security_headers() {
    let server = TestServer::start().await;
    let cookie = server.sign_in().await;
    for (path, cookie) in [("/signin", None), ("/connections/enterprise", Some(cookie.as_str())), ("/no-such-page", Some(cookie.as_str()))] {
        let res = get(&server, path, cookie).await;
        let csp = header(&res, "content-security-policy");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&res, "referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header(&res, "cache-control"), "no-store", "{path}");
        assert!(header(&res, "strict-transport-security").is_empty(), "no HSTS over plain http");
        let html = res.text().await.unwrap_or_default();
        let nonce = html.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default().to_string();
        assert!(nonce.len() >= 16, "{path}: the hydration script has a nonce");
        assert!(csp.contains(&format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'")), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
    }
    let second = get(&server, "/signin", None).await;
    let first = get(&server, "/signin", None).await;
    assert_ne!(header(&first, "content-security-policy"), header(&second, "content-security-policy"), "a fresh nonce per response");

    let rpc = server.post_form("/rpc/current_admin", &[]).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rpc.status(), 200);
    assert_eq!(header(&rpc, "cache-control"), "no-store");
    assert_eq!(header(&rpc, "x-content-type-options"), "nosniff");
    assert_eq!(header(&rpc, "content-security-policy"), "default-src 'none'; frame-ancestors 'none'");
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let server = TestServer::start_with(|s| s.public_url = url::Url::parse("https://sso.example.com").unwrap_or_else(|e| panic!("{e}"))).await;
    let res = get(&server, "/signin", None).await;
    assert_eq!(header(&res, "strict-transport-security"), "max-age=31536000; includeSubDomains");
}

#[tokio::test]
async fn a_signed_out_server_function_call_is_refused_before_its_arguments_are_read() {
    let server = TestServer::start().await;
    // Arguments that do not even parse: without a session the answer is 401, not a parse error.
    let res = server.post_form("/rpc/connections/check_name", &[("nonsense", "1")]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = server.post_form("/rpc/connections/check_name", &[("name", huge.as_str())]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_server_function_body_over_two_mebibytes_is_a_413() {
    let server = TestServer::start().await;
    let cookie = server.sign_in().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = server
        .post_form("/rpc/connections/check_name", &[("name", huge.as_str())])
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap_or_default().contains("must be at most 2 MiB"));
    // Sign-in is open to signed-out callers, and capped all the same.
    let res = server.post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", huge.as_str())]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 413);
    let ok = server.post_form("/rpc/connections/check_name", &[("name", "fine-name")]).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status(), 200);
}

async fn sign_in_from(server: &TestServer, forwarded_for: &str, password: &str) -> u16 {
    server
        .post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", password)])
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .status()
        .as_u16()
}

#[tokio::test]
async fn guesses_lock_out_their_own_address_but_not_the_admin_elsewhere_behind_a_trusted_proxy() {
    let server = TestServer::start_with(|s| s.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap_or_default()).await;
    for _ in 0..5 {
        assert_eq!(sign_in_from(&server, "203.0.113.50", "guessing guessing").await, 400);
    }
    assert_eq!(sign_in_from(&server, "203.0.113.50", ADMIN_PASSWORD).await, 429, "the guessing address is locked");
    assert_eq!(sign_in_from(&server, "198.51.100.20", ADMIN_PASSWORD).await, 200, "the admin elsewhere still gets in");
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let server = TestServer::start().await; // no trusted proxies
    for i in 0..5 {
        assert_eq!(sign_in_from(&server, &format!("203.0.113.{i}"), "guessing guessing").await, 400);
    }
    assert_eq!(sign_in_from(&server, "198.51.100.20", ADMIN_PASSWORD).await, 429, "a made-up header does not give a fresh counter");
}

#[tokio::test]
async fn the_dashboard_renders_an_absurd_page_number_as_an_empty_page() {
    let server = TestServer::start().await;
    let cookie = server.sign_in().await;
    let res = get(&server, "/connections/enterprise?page=18446744073709551615", Some(&cookie)).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn expired_sessions_and_old_throttle_rows_are_pruned() {
    let server = TestServer::start().await;
    let _cookie = server.sign_in().await;
    let _ = server.post_form("/rpc/sign_in", &[("email", "someone@example.com"), ("password", "wrong wrong wrong")]).send().await;
    let now = server::maintenance::prune_once(&server.state).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(now, server::maintenance::Pruned::default(), "nothing is old yet");
    let mut later = server.state.clone();
    later.clock = Clock::fixed(chrono::Utc::now() + chrono::Duration::days(8));
    let pruned = server::maintenance::prune_once(&later).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(pruned.sessions >= 1 && pruned.throttle_rows >= 2, "{pruned:?}");
}

#[tokio::test]
async fn the_logo_preview_is_for_signed_in_admins_and_passes_images_only_marked_inert() {
    use axum::routing::get as route_get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    let app = axum::Router::new()
        .route("/logo.svg", route_get(|| async { ([("content-type", "image/svg+xml")], "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\"><script>alert(1)</script></svg>") }))
        .route("/page.html", route_get(|| async { ([("content-type", "text/html")], "<html><script>alert(1)</script></html>") }))
        .route("/big.png", route_get(|| async { ([("content-type", "image/png")], vec![0u8; 300 * 1024]) }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let server = TestServer::start().await;
    let path = |target: &str| format!("/connections/logo-preview?url={}", url::form_urlencoded::byte_serialize(format!("{base}{target}").as_bytes()).collect::<String>());
    assert_eq!(get(&server, &path("/logo.svg"), None).await.status(), 303, "signed out: the page guard sends the browser to sign in");
    let cookie = server.sign_in().await;
    let res = get(&server, &path("/logo.svg"), Some(&cookie)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-security-policy"].to_str().unwrap_or_default().contains("sandbox"), "an SVG never runs its script");
    let res = get(&server, &path("/page.html"), Some(&cookie)).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap_or_default().contains("is not an image"));
    let res = get(&server, &path("/big.png"), Some(&cookie)).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap_or_default().contains("larger than 256 KiB"));
    let res = get(&server, "/connections/logo-preview?url=ftp%3A%2F%2Fexample.com%2Fa.png", Some(&cookie)).await;
    assert_eq!(res.status(), 400);
}
