//! Security, round two, over real HTTP: who may change how an application authenticates, which
//! sign-ins may link to a provisioned user and vouch for an email, what a replayed code or a
//! narrowed grant takes away, the limits on a SCIM filter, the cookies of the dashboard and of
//! single sign-on kept apart, setup links kept out of the logs and off other organizations'
//! domains, refreshes that race a revocation, and `/userinfo` answering by scope.

use crate::support::flow::{param, Flow, CALLBACK, SECRET};
use crate::support::{machine_app, TestServer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::Method;
use serde_json::{json, Value};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// RFC 7517's example P-256 public key.
const EC_KEY: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"caller-key","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}"#;

fn claims_of(jwt: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1).unwrap_or_default()).unwrap_or_default()).unwrap_or_default()
}

async fn send(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = server.http.request(method, server.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert!(status < 500, "{path} answered {status}: {text}");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

impl Flow {
    async fn token_form(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        form.extend([("client_id", self.client_id.as_str()), ("client_secret", self.client_secret.as_str())]);
        let res = self.server.http.post(self.server.url("/oauth/token")).form(&form).send().await.unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), res.json().await.unwrap_or_default())
    }

    async fn userinfo(&self, access_token: &str) -> (u16, Value) {
        let res = self.server.http.get(self.server.url("/userinfo")).bearer_auth(access_token).send().await.unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), res.json().await.unwrap_or_default())
    }

    /// Signs `who` in with `scope` and redeems the code: the token endpoint's answer.
    async fn tokens_for(&self, who: &str, scope: &str) -> Value {
        let scope: String = url::form_urlencoded::byte_serialize(scope.as_bytes()).collect();
        let (location, _) = self.run_for_session(&format!("&login_hint={who}&scope={scope}")).await;
        let (status, tokens) = self.redeem(&location).await;
        assert_eq!(status, 200, "{tokens}");
        tokens
    }
}

// ---- 1. update:clients cannot change how an application authenticates ---------------------------


#[tokio::test]
async fn update_clients_alone_cannot_change_how_an_application_authenticates() {
    let server = TestServer::start().await;
    let (id, _) = machine_app(&server).await;
    let path = format!("/api/v2/clients/{id}");
    let editor = server.api_token("editor", &["update:clients", "read:clients"]).await;
    let keys: Value = serde_json::from_str(EC_KEY).unwrap_or_default();

    for body in [
        json!({ "token_endpoint_auth_method": "private_key_jwt", "jwks": keys }),
        json!({ "token_endpoint_auth_method": "client_secret_basic" }),
    ] {
        let (status, refused) = send(&server, &editor, Method::PATCH, &path, Some(body.clone())).await;
        assert_eq!(status, 403, "{body} needs update:client_keys: {refused}");
        assert!(refused["message"].as_str().unwrap_or_default().contains("update:client_keys"), "{refused}");
    }
    let (_, unchanged) = send(&server, &editor, Method::GET, &path, None).await;
    assert_eq!(unchanged["token_endpoint_auth_method"], "client_secret_post", "nothing changed: {unchanged}");
    // Other fields, and the authentication fields sent back unchanged, need only update:clients.
    let (status, renamed) = send(&server, &editor, Method::PATCH, &path, Some(json!({ "name": "Deploy robot", "token_endpoint_auth_method": "client_secret_post" }))).await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("Deploy robot")), "{renamed}");

    let keeper = server.api_token("keeper", &["update:clients", "update:client_keys"]).await;
    let (status, switched) = send(&server, &keeper, Method::PATCH, &path, Some(json!({ "token_endpoint_auth_method": "private_key_jwt", "jwks": keys }))).await;
    assert_eq!((status, switched["token_endpoint_auth_method"].as_str()), (200, Some("private_key_jwt")), "{switched}");
    let logged = app::backend::logs::list(&server.state, &app::backend::logs::LogFilter { kind: None, connection_id: None, client_id: Some(id.as_str()) }, 0, 10)
        .await
        .unwrap_or_default();
    assert!(
        logged.iter().any(|e| e.description.contains("private_key_jwt") && e.description.contains("keeper")),
        "the change of authentication is logged with who made it: {logged:?}"
    );
}

// ---- 2. linking a provisioned user ----------------------------------------------------------------

/// A SCIM request to the flow's connection with a token of its own: status and answer.
async fn scim(flow: &Flow, method: Method, path: &str, body: Value) -> (u16, Value) {
    let name = format!("Okta {}", app::backend::crypto::random_alphanumeric(8));
    let (_, token) = app::backend::scim::tokens::create(&flow.server.state, &flow.connection_id, &name).await.unwrap_or_else(|e| panic!("{e}"));
    let res = flow
        .server
        .http
        .request(method, flow.server.url(&format!("/scim/v2/{}{path}", flow.connection_id)))
        .bearer_auth(&token)
        .header("content-type", "application/scim+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

async fn provision(flow: &Flow, user_name: &str, external_id: Option<&str>) -> String {
    let mut body = json!({ "schemas": [USER], "userName": user_name, "emails": [{ "value": user_name, "primary": true }] });
    if let Some(e) = external_id {
        body["externalId"] = json!(e);
    }
    let (status, created) = scim(flow, Method::POST, "/Users", body).await;
    assert_eq!(status, 201, "{created}");
    app::backend::scim::users::user_id_of(created["id"].as_str().unwrap_or_default()).unwrap_or_default()
}

#[tokio::test]
async fn an_email_the_identity_provider_did_not_verify_does_not_take_over_a_provisioned_user() {
    let flow = Flow::start_with("back_channel", json!({ "scim_enabled": true })).await;
    let victim = provision(&flow, "victim@example.test", None).await;
    flow.idp.set_claims(json!({ "email": "victim@example.test", "email_verified": false }));
    let tokens = flow.tokens_for("mallory", "openid email").await;
    let sub = claims_of(tokens["id_token"].as_str().unwrap_or_default())["sub"].as_str().unwrap_or_default().to_string();
    assert_ne!(sub, victim, "an unverified email linked the sign-in to the provisioned user");
    let kept = app::backend::users::get_user(&flow.server.state, &victim).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept.logins_count, 0, "the provisioned user was not signed in");

    // A verified email still links (the documented rule), as does the externalId whatever the email.
    let linked = provision(&flow, "sam@example.test", None).await;
    flow.idp.set_claims(json!({ "email": "sam@example.test", "email_verified": true }));
    let tokens = flow.tokens_for("sam-at-the-idp", "openid email").await;
    assert_eq!(claims_of(tokens["id_token"].as_str().unwrap_or_default())["sub"].as_str(), Some(linked.as_str()));
    let by_id = provision(&flow, "erin@example.test", Some("erin-directory-id")).await;
    flow.idp.set_claims(json!({ "email": "someone-else@example.test", "email_verified": false }));
    let tokens = flow.tokens_for("erin-directory-id", "openid email").await;
    assert_eq!(claims_of(tokens["id_token"].as_str().unwrap_or_default())["sub"].as_str(), Some(by_id.as_str()));
}

#[tokio::test]
async fn a_multi_tenant_issuer_never_links_a_provisioned_user_by_email() {
    let flow = Flow::start_with("back_channel", json!({ "scim_enabled": true })).await;
    let base = flow.idp.base.clone();
    // The connection trusts any tenant of a `{tenantid}` issuer (Azure's multi-tenant shape).
    let options = json!({ "type": "back_channel", "issuer": format!("{base}/{{tenantid}}"), "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"), "jwks_uri": format!("{base}/jwks"), "userinfo_endpoint": format!("{base}/userinfo"),
        "client_id": "tessera", "client_secret": SECRET, "scope": "openid email profile", "scim_enabled": true });
    let update: app::connections::UpdateConnection = serde_json::from_value(json!({ "options": options })).unwrap_or_else(|e| panic!("{e}"));
    app::backend::connections::update_connection(&flow.server.state, &flow.connection_id, update).await.unwrap_or_else(|e| panic!("{e}"));
    let victim = provision(&flow, "victim@example.test", None).await;
    // Another tenant's user, whose IdP vouches for the victim's email.
    flow.idp.set_claims(json!({ "iss": format!("{base}/tenant-b"), "tid": "tenant-b", "email": "victim@example.test", "email_verified": true }));
    let tokens = flow.tokens_for("mallory", "openid email").await;
    assert_ne!(claims_of(tokens["id_token"].as_str().unwrap_or_default())["sub"].as_str(), Some(victim.as_str()));
}

// ---- 3. SCIM filters are bounded ------------------------------------------------------------------

#[tokio::test]
async fn a_deep_or_long_scim_filter_is_refused_and_the_server_keeps_answering() {
    let flow = Flow::start_with("back_channel", json!({ "scim_enabled": true })).await;
    let (_, token) = app::backend::scim::tokens::create(&flow.server.state, &flow.connection_id, "Okta").await.unwrap_or_else(|e| panic!("{e}"));
    let search = |filter: String| {
        let body = json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": filter });
        flow.server
            .http
            .post(flow.server.url(&format!("/scim/v2/{}/Users/.search", flow.connection_id)))
            .bearer_auth(&token)
            .header("content-type", "application/scim+json")
            .body(body.to_string())
            .send()
    };
    let huge = format!("{}userName eq \"a\"{}", "(".repeat(300_000), ")".repeat(300_000));
    let deep = format!("{}userName eq \"a\"{}", "(".repeat(100), ")".repeat(100));
    let wide = vec!["userName eq \"a\""; 200].join(" or ");
    let long = format!("userName eq \"{}\"", "a".repeat(10_000));
    let nested_not = format!("{}userName pr{}", "not (".repeat(50), ")".repeat(50));
    for (what, filter, limit) in [("huge", huge, "characters"), ("deep", deep, "deep"), ("wide", wide, "terms"), ("long", long, "characters"), ("nested not", nested_not, "deep")] {
        let res = search(filter).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(res.status(), 400, "{what}");
        let body: Value = res.json().await.unwrap_or_default();
        assert_eq!(body["scimType"], "invalidFilter", "{what}: {body}");
        assert!(body["detail"].as_str().unwrap_or_default().contains(limit), "{what} names the limit: {body}");
    }
    let alive = flow.server.http.get(flow.server.url("/healthz")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(alive.status(), 200, "the server still answers");
    // An ordinary filter still works.
    let res = search("userName eq \"a\" and (active eq true or not (title pr))".into()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
}

// ---- 4. a replayed code takes its refresh token with it ------------------------------------------

#[tokio::test]
async fn replaying_an_authorization_code_revokes_the_refresh_token_its_first_use_issued() {
    let flow = Flow::start("back_channel").await;
    let (location, _) = flow.run_for_session("&login_hint=rae&scope=openid%20email%20offline_access").await;
    let (status, tokens) = flow.redeem(&location).await;
    assert_eq!(status, 200, "{tokens}");
    let refresh = tokens["refresh_token"].as_str().unwrap_or_default().to_string();
    let (status, replay) = flow.redeem(&location).await;
    assert_eq!((status, replay["error"].as_str()), (400, Some("invalid_grant")), "{replay}");
    let (status, body) = flow.token_form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "the first redemption's refresh token died with the replay: {body}");
    assert_eq!(flow.userinfo(tokens["access_token"].as_str().unwrap_or_default()).await.0, 401);
}

// ---- 5. email_verified only for domains the connection may speak for ------------------------------

#[tokio::test]
async fn tessera_says_an_email_is_verified_only_in_a_domain_the_connection_may_speak_for() {
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let verified = |tokens: &Value| claims_of(tokens["id_token"].as_str().unwrap_or_default())["email_verified"].clone();
    // The IdP says verified, but the connection names no domain: not vouched for.
    let tokens = flow.tokens_for("alice", "openid email").await;
    assert_eq!(verified(&tokens), json!(false), "an IdP may not vouch for any domain");
    assert_eq!(flow.userinfo(tokens["access_token"].as_str().unwrap_or_default()).await.1["email_verified"], json!(false));
    let stored = app::backend::users::get_user(state, "oidc|acme|alice").await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!stored.email_verified);

    // An organization's verified domain: yes; a pending one: no.
    let org = app::backend::organizations::create(state, app::organizations::OrganizationInput { name: Some("initech".into()), ..Default::default() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app::backend::organizations::enable_connection(state, &org.id, serde_json::from_value(json!({ "connection_id": flow.connection_id })).unwrap_or_else(|e| panic!("{e}")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app::backend::organizations::domains::add(state, &org.id, "example.test", false).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verified(&flow.tokens_for("alice", "openid email").await), json!(false), "a pending domain vouches for nothing");
    let pending = app::backend::organizations::domains::list(state, &org.id).await.unwrap_or_default();
    app::backend::organizations::domains::remove(state, &org.id, &pending[0].id).await.unwrap_or_else(|e| panic!("{e}"));
    app::backend::organizations::domains::add(state, &org.id, "example.test", true).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verified(&flow.tokens_for("alice", "openid email").await), json!(true));
    // Read with the connection, all of the organization's verified domains count, not the first.
    for domain in ["a-first.test", "z-last.test"] {
        app::backend::organizations::domains::add(state, &org.id, domain, true).await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(verified(&flow.tokens_for("alice", "openid email").await), json!(true), "one of three verified domains");
    // …and the IdP must still say so.
    flow.idp.set_claims(json!({ "email_verified": false }));
    assert_eq!(verified(&flow.tokens_for("alice", "openid email").await), json!(false));
    // Another organization's IdP cannot vouch for initech's domain.
    flow.idp.set_claims(json!({ "email": "bob@other.test", "email_verified": true }));
    assert_eq!(verified(&flow.tokens_for("bob", "openid email").await), json!(false));
}

#[tokio::test]
async fn an_identity_provider_domain_the_admin_set_vouches_and_a_scim_email_change_unverifies() {
    let flow = Flow::start_with("back_channel", json!({ "domain_aliases": ["example.test"], "scim_enabled": true })).await;
    let tokens = flow.tokens_for("alice", "openid email").await;
    assert_eq!(claims_of(tokens["id_token"].as_str().unwrap_or_default())["email_verified"], json!(true));
    // SCIM changes the email: nobody vouched for the new one yet.
    let scim_id = app::backend::scim::users::scim_id("oidc|acme|alice");
    let change = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "emails", "value": [{ "value": "alice.new@example.test", "type": "work", "primary": true }] }] });
    let (status, changed) = scim(&flow, Method::PATCH, &format!("/Users/{scim_id}"), change).await;
    assert!((200..300).contains(&status), "{changed}");
    let user = app::backend::users::get_user(&flow.server.state, "oidc|acme|alice").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((user.email.as_deref(), user.email_verified), (Some("alice.new@example.test"), false));
}

#[tokio::test]
async fn a_setup_links_connection_signs_nobody_in_to_applications_before_the_it_admin_finishes() {
    use app::backend::organizations::setup;
    let flow = Flow::start("back_channel").await;
    let s = &flow.server;
    let state = &s.state;
    let org = app::backend::organizations::create(state, app::organizations::OrganizationInput { name: Some("hooli".into()), ..Default::default() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let created = setup::create(state, &org.id, 7, vec![flow.client_id.clone()], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let path = created.url.strip_prefix(&s.base).unwrap_or_default().to_string();
    let token = path.trim_start_matches("/setup/").to_string();
    let opened = s.http.get(s.url(&path)).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = crate::support::cookie_set(&opened, "").unwrap_or_default();
    let cookies = |name: &str| cookie.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    let input = setup::SetupInput { provider: app::organizations::SetupProvider::Oidc, client_id: "tessera".into(), client_secret: SECRET.into(), address: flow.idp.discovery_url() };
    setup::save(state, &scope, input).await.unwrap_or_else(|e| panic!("{e}"));
    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    let connection = app::backend::connections::get_connection(state, scope.connection_id.as_deref().unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(connection.enabled_clients.is_empty(), "saved but not finished: enabled for nobody ({:?})", connection.enabled_clients);
    let url = flow.authorize_url("").replace("connection=acme", &format!("connection={}", connection.name));
    let res = s.http.get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    let location = res.headers().get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(param(&location, "error"), "invalid_request", "{location}");

    // The test sign-in, then Finish: enabled for the applications the admin chose.
    let start = s.http.get(s.url(&format!("/setup/{token}/test"))).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    let login = start.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find(|c| c.contains("login")).unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let at_idp = s.http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    let page = s.http.get(at_idp.headers()[LOCATION].to_str().unwrap_or_default()).header("cookie", &login).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(page.text().await.unwrap_or_default().contains("It works!"));
    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    setup::finish(state, &scope).await.unwrap_or_else(|e| panic!("{e}"));
    let connection = app::backend::connections::get_connection(state, &connection.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(connection.enabled_clients, vec![flow.client_id.clone()]);
}

// ---- 6. a client grant narrowed or deleted narrows the tokens already issued ----------------------

#[tokio::test]
async fn narrowing_or_deleting_a_client_grant_narrows_the_tokens_already_issued() {
    use app::backend::applications::grants;
    let server = TestServer::start().await;
    let (id, secret) = machine_app(&server).await;
    let audience = server.url("/api/v2/");
    let grant = grants::create(&server.state, grants::CreateClientGrant { client_id: id.clone(), audience: audience.clone(), scope: vec!["read:clients".into(), "create:clients".into()] })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let res = server.http.post(server.url("/oauth/token")).basic_auth(&id, Some(&secret)).form(&[("grant_type", "client_credentials"), ("audience", &audience)]).send().await.unwrap_or_else(|e| panic!("{e}"));
    let token: Value = res.json().await.unwrap_or_default();
    let access = token["access_token"].as_str().unwrap_or_default().to_string();
    let create = || send(&server, &access, Method::POST, "/api/v2/clients", Some(json!({ "name": "Made by the bot" })));
    assert_eq!(create().await.0, 201);

    grants::update(&server.state, &grant.id, grants::UpdateClientGrant { scope: vec!["read:clients".into()] }).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(create().await.0, 403, "create:clients was taken from the grant");
    assert_eq!(send(&server, &access, Method::GET, "/api/v2/clients", None).await.0, 200, "read:clients is still granted");
    grants::delete(&server.state, &grant.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(send(&server, &access, Method::GET, "/api/v2/clients", None).await.0, 401, "no grant, no token");
}

// ---- 7. the dashboard's session and single sign-on apart; logout without a hint confirms ---------

fn set_cookie_names(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).filter_map(|c| c.split('=').next()).map(str::to_string).collect()
}

#[tokio::test]
async fn signing_in_to_an_application_and_logging_out_of_it_leave_the_dashboard_session_alone() {
    let flow = Flow::start("back_channel").await;
    let s = &flow.server;
    let admin = s.sign_in().await;
    let admin_name = admin.split('=').next().unwrap_or_default().to_string();
    let (location, sso) = flow.run_for_session("&login_hint=ada").await;
    assert!(location.contains("code="));
    let sso = sso.unwrap_or_else(|| panic!("no single sign-on cookie"));
    let sso_name = sso.split('=').next().unwrap_or_default().to_string();
    assert_ne!(admin_name, sso_name, "one cookie name for two sessions");
    let both = format!("{admin}; {sso}");
    let dashboard = || s.http.get(s.url("/connections/enterprise")).header("cookie", &both).send();
    assert_eq!(dashboard().await.unwrap_or_else(|e| panic!("{e}")).status(), 200);

    // A link to /oidc/logout from anywhere: a page asking to confirm, nothing ended.
    let res = s.http.get(s.url("/oidc/logout")).header("cookie", &both).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    assert!(set_cookie_names(&res).is_empty(), "nothing cleared before confirming: {:?}", set_cookie_names(&res));
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("Sign out"), "{page}");
    let again = s.http.get(flow.authorize_url("")).header("cookie", &sso).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.headers()[LOCATION].to_str().unwrap_or_default().starts_with(CALLBACK), "the single sign-on session is still alive");

    // Confirmed (the page's own form, posted from Tessera): the SSO session ends, the dashboard's stays.
    let (action, fields) = crate::support::html_form(&page);
    let res = s.http.post(s.url(&action)).header("cookie", &both).header("origin", &s.base).form(&fields).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    assert!(!set_cookie_names(&res).contains(&admin_name), "logout touched the dashboard cookie");
    let after = s.http.get(flow.authorize_url("")).header("cookie", &sso).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(after.headers()[LOCATION].to_str().unwrap_or_default().starts_with(&flow.idp.base), "signed out of single sign-on");
    assert_eq!(dashboard().await.unwrap_or_else(|e| panic!("{e}")).status(), 200, "still signed in to the dashboard");
}

// ---- 8. setup-link tokens stay out of the request log --------------------------------------------

#[tokio::test]
async fn a_setup_links_token_never_reaches_the_request_log() {
    use app::backend::store::testing::fresh_database_with_url;
    let (db, database_url) = fresh_database_with_url().await.unwrap_or_else(|e| panic!("{e}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://127.0.0.1:{port}");
    let settings = app::backend::Environment {
        public_url: url::Url::parse(&base).unwrap_or_else(|e| panic!("{e}")),
        listen: format!("127.0.0.1:{port}").parse().unwrap_or_else(|e| panic!("{e}")),
        database_url: database_url.clone(),
        master_key: app::backend::crypto::MasterKey::generate(),
        allow_private_network: true,
        trusted_proxies: Default::default(),
        dns_resolver: None,
        operations: Default::default(),
    };
    let state = server::state(settings, db, app::backend::Clock::System).unwrap_or_else(|e| panic!("{e}"));
    let org = app::backend::organizations::create(&state, app::organizations::OrganizationInput { name: Some("acme".into()), ..Default::default() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let link = app::backend::organizations::setup::create(&state, &org.id, 7, vec![], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let token = link.url.rsplit('/').next().unwrap_or_default().to_string();
    let log = tempfile_path("setup-log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .env("TESSERA_LISTEN", format!("127.0.0.1:{port}"))
        .env("TESSERA_PUBLIC_URL", &base)
        .env("DATABASE_URL", &database_url)
        .env("TESSERA_MASTER_KEY", "5a".repeat(32))
        .env("RUST_LOG", "debug,sqlx=warn")
        .stdout(std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}")))
        .stderr(std::fs::File::create(format!("{log}.err")).unwrap_or_else(|e| panic!("{e}")))
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    let mut up = false;
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status() == 200) {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The master key differs from the state's: the link's token is checked by hash only.
    for path in [format!("/setup/{token}"), format!("/setup/{token}/steps"), format!("/setup/{token}/test")] {
        let _ = http.get(format!("{base}{path}")).send().await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "tessera did not start");
    let written = std::fs::read_to_string(&log).unwrap_or_default() + &std::fs::read_to_string(format!("{log}.err")).unwrap_or_default();
    assert!(written.contains("/setup/"), "the requests were logged: {written}");
    assert!(!written.contains(&token), "a setup link's token is in the log");
}

fn tempfile_path(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tessera-it-{}-{}", std::process::id(), app::backend::crypto::random_alphanumeric(8)));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir.join(name).to_string_lossy().into_owned()
}

// ---- 9. pending domains do not squat -------------------------------------------------------------

#[tokio::test]
async fn a_pending_domain_squats_nothing_and_pending_domains_are_capped() {
    use app::backend::organizations::domains;
    let server = TestServer::start().await;
    let state = &server.state;
    let org = |name: &str| {
        let name = name.to_string();
        async move {
            app::backend::organizations::create(state, app::organizations::OrganizationInput { name: Some(name), ..Default::default() }).await.unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let (squatter, owner) = (org("squatter").await, org("owner").await);
    domains::add(state, &squatter.id, "owner.example", false).await.unwrap_or_else(|e| panic!("{e}"));
    domains::add(state, &owner.id, "owner.example", false).await.unwrap_or_else(|e| panic!("a pending claim elsewhere blocks the owner: {e}"));
    domains::add(state, &owner.id, "owner-too.example", true).await.unwrap_or_else(|e| panic!("{e}"));
    // Once verified, the domain is the owner's alone.
    let taken = domains::add(state, &squatter.id, "owner-too.example", false).await;
    assert!(matches!(taken, Err(app::backend::Error::Conflict(_))), "{taken:?}");

    for i in 0..19 {
        domains::add(state, &squatter.id, &format!("d{i}.example"), false).await.unwrap_or_else(|e| panic!("{i}: {e}"));
    }
    let capped = domains::add(state, &squatter.id, "one-too-many.example", false).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(capped.contains("20 pending"), "{capped}");
}

// ---- 10. refreshes racing a revocation -------------------------------------------------------------

#[tokio::test]
async fn a_refresh_racing_a_reuse_or_a_deactivation_leaves_no_live_token() {
    let flow = Flow::start("back_channel").await;
    for round in 0..12 {
        let tokens = flow.tokens_for("rae", "openid email offline_access").await;
        let refresh = tokens["refresh_token"].as_str().unwrap_or_default().to_string();
        // The same refresh token twice at once: one is a reuse, so the family must end up revoked.
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())];
        let (a, b) = tokio::join!(flow.token_form(&form), flow.token_form(&form));
        for (status, answer) in [a, b] {
            if status != 200 {
                continue;
            }
            let next = answer["refresh_token"].as_str().unwrap_or_default();
            let (again, body) = flow.token_form(&[("grant_type", "refresh_token"), ("refresh_token", next)]).await;
            assert_eq!(again, 400, "round {round}: a refresh token issued beside a reuse still works: {body}");
            assert_eq!(flow.userinfo(answer["access_token"].as_str().unwrap_or_default()).await.0, 401, "round {round}: its access token still works");
        }
    }
    // A user deactivated (without anything else revoked, as a redemption racing the
    // deactivation would leave them) cannot refresh, and their access token is refused.
    let tokens = flow.tokens_for("dee", "openid email offline_access").await;
    flow.exec("UPDATE users SET active = FALSE WHERE id = 'oidc|acme|dee'").await;
    let (status, body) = flow.userinfo(tokens["access_token"].as_str().unwrap_or_default()).await;
    assert_eq!((status, body["error_description"].as_str()), (401, Some("The user was deactivated.")), "{body}");
    let (status, body) = flow.token_form(&[("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap_or_default())]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert!(body["error_description"].as_str().unwrap_or_default().contains("deactivated"), "{body}");
}

#[tokio::test]
async fn a_code_redeemed_twice_at_once_gives_tokens_once_and_the_second_use_revokes_them() {
    let flow = Flow::start("back_channel").await;
    for (round, scope) in ["openid email", "openid email offline_access"].iter().cycle().take(12).enumerate() {
        let (location, _) = flow.run_for_session(&format!("&login_hint=rae&scope={}", scope.replace(' ', "%20"))).await;
        let (a, b) = tokio::join!(flow.redeem(&location), flow.redeem(&location));
        let won: Vec<&Value> = [&a, &b].into_iter().filter(|(status, _)| *status == 200).map(|(_, answer)| answer).collect();
        assert_eq!(won.len(), 1, "round {round}: exactly one redemption gets tokens: {a:?} {b:?}");
        let lost = if a.0 == 200 { &b } else { &a };
        assert_eq!((lost.0, lost.1["error"].as_str()), (400, Some("invalid_grant")), "round {round}: {lost:?}");
        let access_token = won[0]["access_token"].as_str().unwrap_or_default();
        assert_eq!(flow.userinfo(access_token).await.0, 401, "round {round}: the tokens of a code used twice are revoked");
        if let Some(refresh) = won[0]["refresh_token"].as_str() {
            let (status, body) = flow.token_form(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
            assert_eq!(status, 400, "round {round}: its refresh token is revoked too: {body}");
        }
    }
}

// ---- 11. /userinfo by scope -------------------------------------------------------------------------

#[tokio::test]
async fn userinfo_answers_only_the_claims_the_scopes_allow() {
    let flow = Flow::start_with("back_channel", json!({ "domain_aliases": ["example.test"] })).await;
    let tokens = flow.tokens_for("una", "openid profile").await;
    let id_token = claims_of(tokens["id_token"].as_str().unwrap_or_default());
    let (status, info) = flow.userinfo(tokens["access_token"].as_str().unwrap_or_default()).await;
    assert_eq!(status, 200);
    for claim in ["email", "email_verified"] {
        assert!(info.get(claim).is_none(), "{claim} without the email scope: {info}");
        assert!(id_token.get(claim).is_none(), "{claim} in the ID token without the email scope: {id_token}");
    }
    assert_eq!(info["name"], "User una");
    // What /userinfo says, the ID token says the same way (groups included: merged, not raw).
    for (k, v) in info.as_object().into_iter().flatten() {
        assert_eq!(id_token.get(k), Some(v), "{k}: userinfo {info} / ID token {id_token}");
    }
    let tokens = flow.tokens_for("una", "openid").await;
    let (_, info) = flow.userinfo(tokens["access_token"].as_str().unwrap_or_default()).await;
    for claim in ["email", "email_verified", "name", "department"] {
        assert!(info.get(claim).is_none(), "{claim} with scope openid alone: {info}");
    }
    let tokens = flow.tokens_for("una", "openid email").await;
    let (_, info) = flow.userinfo(tokens["access_token"].as_str().unwrap_or_default()).await;
    assert_eq!((info["email"].as_str(), info["email_verified"].as_bool()), (Some("una@example.test"), Some(true)));
    assert!(info.get("department").is_none() && info.get("name").is_none(), "{info}");
}

// ---- random and adversarial input ---------------------------------------------------------------------

/// Random text from an alphabet that favours what parsers trip on.
fn noise(rng: &mut impl rand::Rng, max: usize) -> String {
    const PIECES: &[&str] = &[
        "(", ")", "[", "]", "\"", "\\", " ", "eq", "and", "or", "not", "pr", ".", ":", "=", "&", "%", "%00", "%ff", "\u{0}", "é", "💥", "a", "1", "-1",
        "1e999", "true", "null", "userName", "emails", "value", "type", "urn:ietf:params:scim:schemas:core:2.0:User:", "openid", "S256", "code",
        "+", "/", "?", "#", ",", "{", "}", "'", "\n", "\t",
    ];
    let n = rng.gen_range(0..max);
    (0..n).map(|_| PIECES[rng.gen_range(0..PIECES.len())]).collect()
}

#[tokio::test]
async fn random_and_adversarial_input_to_authorize_token_and_scim_never_gets_a_5xx() {
    use rand::{Rng, SeedableRng};
    let flow = Flow::start_with("back_channel", json!({ "scim_enabled": true })).await;
    let s = &flow.server;
    let (_, scim_token) = app::backend::scim::tokens::create(&s.state, &flow.connection_id, "Okta").await.unwrap_or_else(|e| panic!("{e}"));
    let seed: u64 = rand::random();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let names = ["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "connection",
        "login_hint", "prompt", "max_age", "response_mode", "grant_type", "code", "code_verifier", "refresh_token", "client_secret",
        "client_assertion", "client_assertion_type", "audience", "filter"];
    // Fixed cases first: NUL (which PostgreSQL refuses in text) and other bytes past every parser.
    for (path, body) in [
        (format!("/authorize?client_id=%00&redirect_uri={}", CALLBACK), None),
        ("/authorize?client_id=%FF%FE".to_string(), None),
        ("/oauth/token".to_string(), Some("grant_type=refresh_token&refresh_token=%00&client_id=%00&client_secret=x")),
        (format!("/scim/v2/{}/Users?filter=userName%20eq%20%22%00%22", flow.connection_id), None),
    ] {
        let req = match body {
            Some(b) => s.http.post(s.url(&path)).header("content-type", "application/x-www-form-urlencoded").body(b),
            None => s.http.get(s.url(&path)),
        };
        let res = req.bearer_auth(&scim_token).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(res.status().as_u16() < 500, "{path} answered {}", res.status());
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(6);
    let mut sent = 0;
    while std::time::Instant::now() < deadline {
        // A mix of real values and noise, so requests reach past the first check.
        let mut pairs: Vec<(String, String)> = Vec::new();
        for _ in 0..rng.gen_range(0..10) {
            let name = if rng.gen_bool(0.8) { names[rng.gen_range(0..names.len())].to_string() } else { noise(&mut rng, 6) };
            let value = match (name.as_str(), rng.gen_bool(0.5)) {
                ("client_id", true) => flow.client_id.clone(),
                ("redirect_uri", true) => CALLBACK.to_string(),
                ("response_type", true) => "code".into(),
                ("scope", true) => "openid email".into(),
                ("connection", true) => "acme".into(),
                ("grant_type", true) => ["authorization_code", "refresh_token", "client_credentials"][rng.gen_range(0..3)].into(),
                ("client_secret", true) => flow.client_secret.clone(),
                _ => noise(&mut rng, 40),
            };
            pairs.push((name, value));
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        let raw = if rng.gen_bool(0.1) { noise(&mut rng, 200) } else { encoded };
        let responses = [
            s.http.get(format!("{}?{raw}", s.url("/authorize"))).send().await,
            s.http.post(s.url("/oauth/token")).header("content-type", "application/x-www-form-urlencoded").body(raw.clone()).send().await,
            s.http.get(format!("{}?filter={}", s.url(&format!("/scim/v2/{}/Users", flow.connection_id)), url::form_urlencoded::byte_serialize(noise(&mut rng, 60).as_bytes()).collect::<String>()))
                .bearer_auth(&scim_token)
                .send()
                .await,
        ];
        for res in responses {
            let res = res.unwrap_or_else(|e| panic!("seed {seed}: the server stopped answering: {e}"));
            let status = res.status().as_u16();
            assert!(status < 500, "seed {seed}: {raw:?} answered {status}: {}", res.text().await.unwrap_or_default());
        }
        sent += 3;
    }
    assert!(sent > 30, "only {sent} requests in the time allowed");
    assert_eq!(s.http.get(s.url("/healthz")).send().await.map(|r| r.status().as_u16()).unwrap_or_default(), 200);
}
