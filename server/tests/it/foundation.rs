//! The foundation over real HTTP: health and readiness, the page guard, sign-in and its cookie, the
//! throttle, and CSRF refusal.

use crate::support;

use support::{session_cookie, TestServer, ADMIN_EMAIL};

#[tokio::test]
async fn healthz_answers_200_while_the_database_answers_and_503_after() {
    let server = TestServer::start().await;
    let ok = server.http.get(server.url("/healthz")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap_or_default(), r#"{"status":"ok"}"#);
    server.state.db.close().await;
    let down = server.http.get(server.url("/healthz")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(down.status(), 503);
}

#[tokio::test]
async fn readyz_answers_200_only_while_every_migration_is_applied_and_the_database_answers() {
    let server = TestServer::start().await;
    let ready = |server: &TestServer| {
        let req = server.http.get(server.url("/readyz"));
        async move {
            let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            (res.status().as_u16(), res.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let (status, body) = ready(&server).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")), "{body}");
    // A database one migration behind this binary (an older schema) is not ready.
    server.state.db.execute("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)", &[]).await.unwrap_or_else(|e| panic!("{e}"));
    let (status, body) = ready(&server).await;
    assert_eq!(status, 503);
    assert!(body["reason"].as_str().is_some_and(|r| r.starts_with("migrations are behind")), "{body}");
    server.state.db.close().await;
    let (status, body) = ready(&server).await;
    assert_eq!((status, body["reason"].as_str()), (503, Some("the database does not answer")), "{body}");
}

#[tokio::test]
async fn a_signed_out_visit_to_any_page_is_sent_to_sign_in_with_the_way_back() {
    let server = TestServer::start().await;
    for (path, back) in [
        ("/connections/enterprise", "%2Fconnections%2Fenterprise"),
        ("/settings?tab=x", "%2Fsettings%3Ftab%3Dx"),
        ("/no-such-page", "%2Fno-such-page"),
    ] {
        let res = server.http.get(server.url(path)).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers()["location"], format!("/signin?return_to={back}").as_str(), "{path}");
    }
    let signin = server.http.get(server.url("/signin")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signin.status(), 200);
    assert!(signin.text().await.unwrap_or_default().contains("Sign in to Tessera"));
}

#[tokio::test]
async fn signing_in_sets_an_http_only_lax_session_cookie_that_opens_the_dashboard() {
    let server = TestServer::start().await;
    let res = server
        .post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", support::ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap_or_default().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "the public URL is http, so no Secure flag");
    let cookie = session_cookie(&res).unwrap_or_default();
    let page = server.http.get(server.url("/connections/enterprise")).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("Enterprise") && html.contains(ADMIN_EMAIL), "the dashboard renders with the admin's email");
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_public_url_is_https() {
    let server = TestServer::start_with(|s| s.public_url = url::Url::parse("https://sso.example.com").unwrap_or_else(|e| panic!("{e}"))).await;
    let res = server
        .http
        .post(server.url("/rpc/sign_in"))
        .header("origin", "https://sso.example.com")
        .form(&[("email", ADMIN_EMAIL), ("password", support::ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    assert!(res.headers()["set-cookie"].to_str().unwrap_or_default().contains("; Secure"));
}

#[tokio::test]
async fn a_wrong_password_is_a_400_with_the_same_message_as_an_unknown_email_and_no_cookie() {
    let server = TestServer::start().await;
    let wrong = server.post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", "wrong password!")]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong.status(), 400);
    assert!(session_cookie(&wrong).is_none());
    let wrong_body = wrong.text().await.unwrap_or_default();
    assert!(wrong_body.contains("Wrong email or password."), "{wrong_body}");
    let unknown = server.post_form("/rpc/sign_in", &[("email", "nobody@example.com"), ("password", "wrong password!")]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unknown.text().await.unwrap_or_default(), wrong_body);
}

#[tokio::test]
async fn five_failures_lock_the_account_with_a_429() {
    let server = TestServer::start().await;
    for _ in 0..5 {
        let r = server.post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", "guessing guessing")]).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), 400);
    }
    let locked = server.post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", support::ADMIN_PASSWORD)]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(locked.status(), 429);
    assert!(locked.text().await.unwrap_or_default().contains("Too many failed sign-in attempts"));
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    let cookie = server.sign_in().await;
    let attempts = [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")],
        vec![("sec-fetch-site", "same-site")],
        vec![],
    ];
    for headers in attempts {
        let mut req = server.http.post(server.url("/rpc/sign_out")).header("cookie", &cookie);
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 403, "{headers:?}");
        assert!(res.text().await.unwrap_or_default().contains("Cross-site request refused"));
    }
    let still = server.http.get(server.url("/settings")).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(still.status(), 200, "the session survived every refused sign-out");
    let same_origin = server.post_form("/rpc/sign_out", &[]).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(same_origin.status().is_success());
    let after = server.http.get(server.url("/settings")).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.status(), 303, "signed out for real");
}

#[tokio::test]
async fn server_functions_that_need_a_session_answer_401_without_one() {
    let server = TestServer::start().await;
    let res = server
        .post_form("/rpc/change_password", &[("new_password", "a new password 1"), ("confirm_password", "a new password 1")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap_or_default().contains("Unauthorized"));
}
