//! Third-party applications (`is_first_party: false`): they sign users in only through
//! connections promoted to domain level, each user consents first (remembered as a user grant,
//! revocable), and their ID tokens carry only what the granted scopes allow.

use crate::support::flow::{param, Flow, CALLBACK};
use crate::support::html_form;
use base64::Engine;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::{json, Value};

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default()
}

/// The `name=value` of every cookie a response sets, joined for a Cookie header.
fn cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(|c| c.split(';').next().unwrap_or_default().to_string()).collect()
}

fn cookie_named(all: &[String], prefix: &str) -> String {
    all.iter().find(|c| c.starts_with(prefix)).cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_third_party_application_uses_domain_level_connections_only_and_asks_each_user_once() {
    let flow = Flow::start("back_channel").await;
    let server = &flow.server;
    let http = &server.http;
    let token = server.api_token("tests", &[]).await;
    let api = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut req = http.request(method, server.url(&path)).bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, partner) = api(reqwest::Method::POST, "/api/v2/clients".into(), Some(json!({ "name": "Partner Agent", "app_type": "regular_web", "callbacks": [CALLBACK], "is_first_party": false }))).await;
    assert_eq!(status, 201, "{partner}");
    assert_eq!(partner["is_first_party"], false);
    let client_id = partner["client_id"].as_str().unwrap_or_default().to_string();
    let client_secret = partner["client_secret"].as_str().unwrap_or_default().to_string();
    let (status, e) = api(reqwest::Method::PATCH, format!("/api/v2/clients/{client_id}"), Some(json!({ "is_first_party": true }))).await;
    assert_eq!(status, 400, "fixed at creation: {e}");

    // Enabled for it, but not promoted to domain level: refused, whatever enabled_clients says.
    app::backend::connections::set_enabled_for_application(&server.state, &flow.connection_id, &client_id, true).await.unwrap_or_else(|e| panic!("{e}"));
    let authorize = format!(
        "/authorize?client_id={client_id}&redirect_uri={}&response_type=code&scope=openid&state=s1&connection=acme&login_hint=ada",
        url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect::<String>()
    );
    let refused = http.get(server.url(&authorize)).send().await.unwrap_or_else(|e| panic!("{e}"));
    let location = refused.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert!(location.starts_with(CALLBACK) && param(&location, "error_description").contains("not promoted to domain level"), "{location}");

    // Promoted: the user signs in at the IdP, then sees the consent screen.
    let (status, _) = api(reqwest::Method::PATCH, format!("/api/v2/connections/{}", flow.connection_id), Some(json!({ "is_domain_connection": true, "display_name": "acme" }))).await;
    assert_eq!(status, 200);
    let sign_in = || async {
        let start = http.get(server.url(&authorize)).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.status(), 302);
        let login = cookies(&start).join("; ");
        let idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
        let back = http.get(idp.headers()[LOCATION].to_str().unwrap_or_default()).header("cookie", login).send().await.unwrap_or_else(|e| panic!("{e}"));
        let set = cookies(&back);
        (back.status().as_u16(), set, back.text().await.unwrap_or_default())
    };
    let (status, set, page) = sign_in().await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Partner Agent") && page.contains("wants to access your account"), "{page}");
    let (action, fields) = html_form(&page);
    assert_eq!(action, "/authorize/consent");
    let consent_cookie = cookie_named(&set, "tessera_consent=");
    assert!(!consent_cookie.is_empty() && !cookie_named(&set, "tessera_sso=").is_empty(), "{set:?}");
    let answer = |decision: &'static str, cookie: String, fields: Vec<(String, String)>| async move {
        let mut form = fields;
        form.push(("decision".into(), decision.into()));
        // Posted from Tessera's own consent page (the CSRF guard refuses any other origin).
        let origin = server.url("/").trim_end_matches('/').to_string();
        http.post(server.url("/authorize/consent")).header("cookie", cookie).header("origin", origin).form(&form).send().await.unwrap_or_else(|e| panic!("{e}"))
    };
    let cross_site = http.post(server.url("/authorize/consent")).header("cookie", &consent_cookie).form(&fields).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cross_site.status(), 403, "a consent cannot be given from another site");

    // Another browser (no consent cookie) cannot answer, and the screen is then used up.
    let stranger = answer("allow", String::new(), fields.clone()).await;
    assert_eq!(stranger.status(), 400);
    let used = answer("allow", consent_cookie, fields).await;
    assert_eq!(used.status(), 400, "a consent screen is answered once");

    // A fresh screen, answered from its own browser: Allow.
    let (_, set, page) = sign_in().await;
    let (_, fields) = html_form(&page);
    let allowed = answer("allow", cookie_named(&set, "tessera_consent="), fields).await;
    assert_eq!(allowed.status(), 302);
    let location = allowed.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert!(location.starts_with(CALLBACK) && location.contains("code="), "{location}");

    // Its ID token carries only what scope=openid allows: no email, name, groups or roles.
    let code = param(&location, "code");
    let tokens: Value = http
        .post(server.url("/oauth/token"))
        .form(&[("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", CALLBACK), ("client_id", &client_id), ("client_secret", &client_secret)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let id = claims(tokens["id_token"].as_str().unwrap_or_default());
    assert_eq!(id["sub"], "oidc|acme|ada", "{tokens}");
    for absent in ["email", "name", "groups", "roles", "department"] {
        assert!(id.get(absent).is_none(), "{absent} in {id}");
    }
    let access_token = tokens["access_token"].as_str().unwrap_or_default().to_string();
    let userinfo = |token: String| {
        let request = http.get(server.url("/userinfo")).bearer_auth(token);
        async move { request.send().await.unwrap_or_else(|e| panic!("{e}")).status() }
    };
    assert_eq!(userinfo(access_token.clone()).await, 200);

    // The grant is remembered: the single sign-on session answers at once.
    let sso = cookie_named(&set, "tessera_sso=");
    let again = http.get(server.url(&authorize)).header("cookie", &sso).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), 302);
    assert!(again.headers()[LOCATION].to_str().unwrap_or_default().contains("code="));
    let (_, grants) = api(reqwest::Method::GET, "/api/v2/grants?user_id=oidc%7Cacme%7Cada".into(), None).await;
    assert_eq!(grants.as_array().map(Vec::len), Some(1), "{grants}");
    assert_eq!(grants[0]["clientID"], client_id.as_str());
    assert_eq!(grants[0]["scope"], json!(["openid"]));

    // Revoking by user (Auth0's DELETE /api/v2/grants?user_id=): user_id is required, and
    // another user's revocation leaves Ada's grant alone.
    let (status, refused) = api(reqwest::Method::DELETE, "/api/v2/grants".into(), None).await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["message"].as_str().unwrap_or_default().contains("user_id"), "{refused}");
    let (status, _) = api(reqwest::Method::DELETE, "/api/v2/grants?user_id=oidc%7Cacme%7Cbob".into(), None).await;
    assert_eq!(status, 204);
    let (_, kept) = api(reqwest::Method::GET, "/api/v2/grants?user_id=oidc%7Cacme%7Cada".into(), None).await;
    assert_eq!(kept.as_array().map(Vec::len), Some(1), "{kept}");

    // Revoked: what was issued under the grant stops working (as Auth0 revokes a grant's
    // tokens), and the application asks again; Deny sends access_denied.
    let (status, _) = api(reqwest::Method::DELETE, format!("/api/v2/grants/{}", grants[0]["id"].as_str().unwrap_or_default()), None).await;
    assert_eq!(status, 204);
    assert_eq!(userinfo(access_token.clone()).await, 401);
    let asked = http.get(server.url(&authorize)).header("cookie", &sso).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(asked.status(), 200);
    let set = cookies(&asked);
    let (_, fields) = html_form(&asked.text().await.unwrap_or_default());
    let denied = answer("deny", cookie_named(&set, "tessera_consent="), fields).await;
    let location = denied.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert_eq!(param(&location, "error"), "access_denied", "{location}");
    let prompt_none = http.get(server.url(&format!("{authorize}&prompt=none"))).header("cookie", &sso).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(param(prompt_none.headers()[LOCATION].to_str().unwrap_or_default(), "error"), "consent_required");

    // A consent screen answered after its session ended (logged out, revoked): no code.
    let asked = http.get(server.url(&authorize)).header("cookie", &sso).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(asked.status(), 200);
    let set = cookies(&asked);
    let (_, fields) = html_form(&asked.text().await.unwrap_or_default());
    flow.exec("UPDATE sso_sessions SET revoked_at = 1").await;
    let late = answer("allow", cookie_named(&set, "tessera_consent="), fields).await;
    let location = late.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert_eq!(param(&location, "error"), "access_denied", "{location}");
    assert!(!location.contains("code="), "{location}");

    // Every grant of one user goes at once: two of Ada's, to two applications.
    let (_, second) = api(reqwest::Method::POST, "/api/v2/clients".into(), Some(json!({ "name": "Partner Two", "app_type": "regular_web", "callbacks": [CALLBACK], "is_first_party": false }))).await;
    let second = second["client_id"].as_str().unwrap_or_default().to_string();
    assert!(!second.is_empty());
    for (id, client) in [("gr_one", client_id.as_str()), ("gr_two", second.as_str())] {
        flow.exec(&format!("INSERT INTO user_grants (id, user_id, client_id, scope, created_at) VALUES ('{id}', 'oidc|acme|ada', '{client}', 'openid', 1) ON CONFLICT DO NOTHING")).await;
    }
    let (_, two) = api(reqwest::Method::GET, "/api/v2/grants?user_id=oidc%7Cacme%7Cada".into(), None).await;
    assert_eq!(two.as_array().map(Vec::len), Some(2), "{two}");
    let (status, _) = api(reqwest::Method::DELETE, "/api/v2/grants?user_id=oidc%7Cacme%7Cada".into(), None).await;
    assert_eq!(status, 204);
    let (_, none) = api(reqwest::Method::GET, "/api/v2/grants?user_id=oidc%7Cacme%7Cada".into(), None).await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn dynamic_client_registration_is_off_until_switched_on_then_registers_third_party_applications_at_a_bounded_rate() {
    let flow = Flow::start("back_channel").await;
    let server = &flow.server;
    let http = &server.http;
    let register = |body: Value| async move {
        let res = http.post(server.url("/oidc/register")).json(&body).send().await.unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), res.json::<Value>().await.unwrap_or_default())
    };
    let discovery = || async { http.get(server.url("/.well-known/openid-configuration")).send().await.unwrap_or_else(|e| panic!("{e}")).json::<Value>().await.unwrap_or_default() };
    let good = json!({ "client_name": "Agent", "redirect_uris": [CALLBACK] });

    assert!(discovery().await.get("registration_endpoint").is_none());
    let (status, e) = register(good.clone()).await;
    assert_eq!((status, e["error"].as_str()), (403, Some("access_denied")), "off by default: {e}");

    app::backend::tenant::set_dynamic_registration(&server.state, true).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(discovery().await["registration_endpoint"], server.url("/oidc/register").as_str());
    let (status, e) = register(json!({ "redirect_uris": ["not a url"] })).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_redirect_uri")), "{e}");
    let (status, e) = register(json!({ "redirect_uris": [CALLBACK], "token_endpoint_auth_method": "private_key_jwt" })).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_client_metadata")), "{e}");
    let (status, e) = register(json!({ "redirect_uris": [CALLBACK], "grant_types": ["client_credentials"] })).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_client_metadata")), "a registered client never gets machine-to-machine access: {e}");

    let (status, client) = register(good.clone()).await;
    assert_eq!(status, 201, "{client}");
    assert!(client["client_secret"].as_str().is_some_and(|s| s.len() >= 32) && client["client_secret_expires_at"] == 0, "{client}");
    assert_eq!(client["redirect_uris"], json!([CALLBACK]));
    let stored = app::backend::applications::get_application(&server.state, client["client_id"].as_str().unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!stored.is_first_party, "registered applications are third-party");
    let (status, spa) = register(json!({ "client_name": "Browser agent", "redirect_uris": [CALLBACK], "token_endpoint_auth_method": "none" })).await;
    assert_eq!(status, 201);
    assert!(spa.get("client_secret").is_none(), "{spa}");
    let logged: i64 = server.state.db.fetch_scalar("SELECT COUNT(*) FROM logs WHERE description LIKE '%registered itself%'", &[]).await.unwrap_or(0);
    assert_eq!(logged, 2);

    // Ten registrations per address per 15 minutes, refused ones included (three above, two made).
    for _ in 0..5 {
        assert_eq!(register(good.clone()).await.0, 201);
    }
    let (status, e) = register(good.clone()).await;
    assert_eq!((status, e["error"].as_str()), (429, Some("too_many_requests")), "{e}");
    let big = "x".repeat(70 * 1024);
    let res = http.post(server.url("/oidc/register")).header("content-type", "application/json").body(format!("{{\"client_name\": \"{big}\"}}")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 413, "the body is bounded");
}
