//! Tessera as a complete OpenID Provider, over real HTTP: single sign-on sessions (`prompt`,
//! `max_age`, `sid`/`auth_time`), rotating refresh tokens whose reuse revokes the family,
//! RFC 7009 revocation, and RP-initiated logout.

use crate::support::flow::{param, Flow, CALLBACK};
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::Value;

const LOGOUT_URL: &str = "https://app.example.test/signed-out";

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default()
}

impl Flow {
    /// `/authorize` with the session cookie; where Tessera sends the browser.
    async fn authorize_with(&self, session: &str, extra: &str) -> String {
        let res = self.server.http.get(self.authorize_url(extra)).header("cookie", session).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 302, "{}", res.text().await.unwrap_or_default());
        res.headers()[LOCATION].to_str().unwrap_or_default().to_string()
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        form.extend([("client_id", self.client_id.as_str()), ("client_secret", self.client_secret.as_str())]);
        let res = self.server.http.post(self.server.url("/oauth/token")).form(&form).send().await.unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), res.json().await.unwrap_or_default())
    }

    async fn userinfo_status(&self, access_token: &str) -> u16 {
        let res = self.server.http.get(self.server.url("/userinfo")).bearer_auth(access_token).send().await.unwrap_or_else(|e| panic!("{e}"));
        res.status().as_u16()
    }
}

#[tokio::test]
async fn a_session_signs_in_again_without_the_idp_until_prompt_or_max_age_says_otherwise() {
    let flow = Flow::start("back_channel").await;
    let (first, session) = flow.run_for_session("&login_hint=sam").await;
    let session = session.unwrap_or_else(|| panic!("the login set no session cookie"));
    let (_, tokens) = flow.redeem(&first).await;
    let first_claims = claims(tokens["id_token"].as_str().unwrap_or_default());
    let sid = first_claims["sid"].as_str().unwrap_or_else(|| panic!("no sid: {first_claims}")).to_string();

    // Single sign-on: straight back to the application, same sid and auth_time.
    let again = flow.authorize_with(&session, "").await;
    assert!(again.starts_with(CALLBACK), "the IdP was not visited: {again}");
    let (status, tokens) = flow.redeem(&again).await;
    assert_eq!(status, 200, "{tokens}");
    let second = claims(tokens["id_token"].as_str().unwrap_or_default());
    assert_eq!((second["sid"].as_str(), &second["auth_time"], second["sub"].as_str()), (Some(sid.as_str()), &first_claims["auth_time"], Some("oidc|acme|sam")));

    // prompt=login goes to the IdP whatever the session; prompt=none uses it.
    assert!(flow.authorize_with(&session, "&prompt=login").await.starts_with(&flow.idp.base));
    assert!(param(&flow.authorize_with(&session, "&prompt=none").await, "code").len() > 20);
    assert_eq!(param(&flow.authorize_with(&session, "&prompt=none%20login").await, "error"), "invalid_request");
    assert_eq!(param(&flow.authorize_with(&session, "&max_age=soon").await, "error"), "invalid_request");

    // max_age: a session authenticated two minutes ago is too old for max_age=60.
    flow.exec("UPDATE sso_sessions SET auth_time = auth_time - 120").await;
    assert!(flow.authorize_with(&session, "&max_age=60").await.starts_with(&flow.idp.base));
    assert!(flow.authorize_with(&session, "&max_age=600").await.starts_with(CALLBACK));

    // No session: prompt=none answers login_required, with the application's state.
    let none = flow.authorize_with("tessera_sso=made-up", "&prompt=none").await;
    assert_eq!((param(&none, "error").as_str(), param(&none, "state").as_str()), ("login_required", "app-state"));

    // The session is the user's: deleting the user ends it.
    app::backend::users::delete::delete_user(&flow.server.state, "oidc|acme|sam").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(param(&flow.authorize_with(&session, "&prompt=none").await, "error"), "login_required");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_its_family() {
    let flow = Flow::start("back_channel").await;
    let (location, _) = flow.run_for_session("&login_hint=rae&scope=openid%20email%20offline_access").await;
    let (status, first) = flow.redeem(&location).await;
    assert_eq!(status, 200, "{first}");
    let r1 = first["refresh_token"].as_str().unwrap_or_else(|| panic!("offline_access gives a refresh token: {first}")).to_string();

    let (status, second) = flow.token(&[("grant_type", "refresh_token"), ("refresh_token", &r1)]).await;
    assert_eq!(status, 200, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap_or_default().to_string();
    assert!(!r2.is_empty() && r2 != r1, "rotated");
    let refreshed = claims(second["id_token"].as_str().unwrap_or_default());
    assert_eq!(refreshed["sub"], "oidc|acme|rae");
    let at2 = second["access_token"].as_str().unwrap_or_default().to_string();
    assert_eq!(flow.userinfo_status(&at2).await, 200);

    // Narrowing the scope is allowed; widening is not.
    let (status, body) = flow.token(&[("grant_type", "refresh_token"), ("refresh_token", &r2), ("scope", "openid profile")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));

    // r1 again: refused, and everything of the family stops working.
    let (status, body) = flow.token(&[("grant_type", "refresh_token"), ("refresh_token", &r1)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert!(body["error_description"].as_str().unwrap_or_default().contains("already used"));
    let (status, _) = flow.token(&[("grant_type", "refresh_token"), ("refresh_token", &r2)]).await;
    assert_eq!(status, 400, "the family's newest token is revoked too");
    assert_eq!(flow.userinfo_status(&at2).await, 401, "and the access tokens it produced");

    // Without offline_access there is no refresh token.
    let (location, _) = flow.run_for_session("&login_hint=rae").await;
    let (_, plain) = flow.redeem(&location).await;
    assert!(plain.get("refresh_token").is_none(), "{plain}");
}

#[tokio::test]
async fn revocation_ends_a_refresh_tokens_family_and_unknown_tokens_are_not_an_error() {
    let flow = Flow::start("back_channel").await;
    let (location, _) = flow.run_for_session("&login_hint=rex&scope=openid%20offline_access").await;
    let (_, tokens) = flow.redeem(&location).await;
    let refresh = tokens["refresh_token"].as_str().unwrap_or_default().to_string();
    let revoke = |token: String| {
        let (http, url, id, secret) = (flow.server.http.clone(), flow.server.url("/oauth/revoke"), flow.client_id.clone(), flow.client_secret.clone());
        async move { http.post(url).basic_auth(id, Some(secret)).form(&[("token", token)]).send().await.unwrap_or_else(|e| panic!("{e}")).status().as_u16() }
    };
    assert_eq!(revoke(refresh.clone()).await, 200);
    assert_eq!(revoke("not-a-token".into()).await, 200);
    let (status, _) = flow.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 400);
    assert_eq!(flow.userinfo_status(tokens["access_token"].as_str().unwrap_or_default()).await, 401);
    let wrong = flow.server.http.post(flow.server.url("/oauth/revoke")).basic_auth(&flow.client_id, Some("wrong")).form(&[("token", "x")]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong.status(), 401);
}

#[tokio::test]
async fn rp_initiated_logout_ends_the_session_and_returns_only_to_an_allowed_logout_url() {
    let flow = Flow::start("back_channel").await;
    let token = flow.server.api_token("admin", &[]).await;
    let patched = flow
        .server
        .http
        .patch(flow.server.url(&format!("/api/v2/clients/{}", flow.client_id)))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "allowed_logout_urls": [LOGOUT_URL] }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(patched.status(), 200);
    let (location, session) = flow.run_for_session("&login_hint=lou").await;
    let session = session.unwrap_or_default();
    let (_, tokens) = flow.redeem(&location).await;
    let id_token = tokens["id_token"].as_str().unwrap_or_default();
    let logout = |query: String, cookie: String| {
        let (http, url) = (flow.server.http.clone(), flow.server.url(&format!("/oidc/logout?{query}")));
        async move { http.get(url).header("cookie", cookie).send().await.unwrap_or_else(|e| panic!("{e}")) }
    };
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();

    // A URI that is not an Allowed Logout URL: an error page, and the session lives on.
    let refused = logout(format!("id_token_hint={id_token}&post_logout_redirect_uri={}", enc("https://evil.example/")), session.clone()).await;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap_or_default().contains("is not one of the application"));
    assert!(flow.authorize_with(&session, "&prompt=none").await.contains("code="));
    // A hint Tessera did not sign is refused.
    let forged = logout(format!("id_token_hint={}x&post_logout_redirect_uri={}", id_token, enc(LOGOUT_URL)), session.clone()).await;
    assert_eq!(forged.status(), 400);

    let out = logout(format!("id_token_hint={id_token}&post_logout_redirect_uri={}&state=bye", enc(LOGOUT_URL)), session.clone()).await;
    assert_eq!(out.status(), 302);
    assert_eq!(out.headers()[LOCATION], format!("{LOGOUT_URL}?state=bye").as_str());
    assert!(out.headers().get_all(SET_COOKIE).iter().any(|c| c.to_str().unwrap_or_default().starts_with("tessera_sso=;")), "the cookie is cleared");
    let after = flow.authorize_with(&session, "&prompt=none").await;
    assert_eq!(param(&after, "error"), "login_required", "the session ended: {after}");
    let logs = app::backend::logs::list(&flow.server.state, &app::backend::logs::LogFilter { kind: Some("slo"), ..Default::default() }, 0, 10).await.unwrap_or_default();
    assert_eq!(logs.first().and_then(|l| l.user_id.as_deref()), Some("oidc|acme|lou"));

    // Ended sessions, codes and access tokens are pruned once they are a day old.
    let mut later = flow.server.state.clone();
    later.clock = app::backend::Clock::fixed(chrono::Utc::now() + chrono::Duration::days(2));
    let pruned = server::maintenance::prune_once(&later).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(pruned.tokens >= 3, "the ended session, the code and the access token: {pruned:?}");
    assert_eq!(flow.count("sso_sessions").await, 0);

    // Without a redirect URI: Tessera's own signed-out page.
    let page = logout(String::new(), String::new()).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap_or_default().contains("You are signed out"));
}

#[tokio::test]
async fn the_discovery_document_offers_what_is_served() {
    let flow = Flow::start("back_channel").await;
    let doc: Value = flow.server.http.get(flow.server.url("/.well-known/openid-configuration")).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(doc["end_session_endpoint"], format!("{}/oidc/logout", flow.server.base).as_str());
    assert_eq!(doc["revocation_endpoint"], format!("{}/oauth/revoke", flow.server.base).as_str());
    assert!(doc["grant_types_supported"].as_array().is_some_and(|g| g.iter().any(|v| v == "refresh_token")));
    assert!(doc["scopes_supported"].as_array().is_some_and(|g| g.iter().any(|v| v == "offline_access")));
}
