//! Tessera as a complete OpenID Provider, second half, over real HTTP: machine-to-machine
//! tokens accepted by the Management API by scope, `private_key_jwt` client authentication,
//! `response_type=id_token` with `form_post`, ES256 ID tokens, signing-key rotation with an
//! overlap window, back-channel logout with retries, and the Settings page's session lifetimes.

use crate::support::flow::{param, Flow, CALLBACK};
use crate::support::logout_receiver::LogoutReceiver;
use crate::support::{html_form, TestServer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::header::LOCATION;
use serde_json::{json, Value};

fn decode(jwt: &str, part: usize) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt.split('.').nth(part).unwrap_or_default()).unwrap_or_default()).unwrap_or_default()
}

async fn json_of(res: reqwest::Response) -> (u16, Value) {
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

use crate::support::machine_app;

async fn client_credentials(server: &TestServer, id: &str, secret: &str, audience: &str) -> (u16, Value) {
    let form = [("grant_type", "client_credentials"), ("audience", audience)];
    json_of(server.http.post(server.url("/oauth/token")).basic_auth(id, Some(secret)).form(&form).send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

#[tokio::test]
async fn a_machine_to_machine_token_calls_the_management_api_with_exactly_its_granted_scopes() {
    let server = TestServer::start().await;
    let admin = server.api_token("admin", &[]).await;
    let (id, secret) = machine_app(&server).await;
    let audience = server.url("/api/v2/");

    // No grant yet: Auth0's answer.
    let (status, body) = client_credentials(&server, &id, &secret, &audience).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("access_denied")), "{body}");

    // A grant through /api/v2/client-grants, in Auth0's shape.
    let grant = |body: Value| server.http.post(server.url("/api/v2/client-grants")).bearer_auth(&admin).json(&body).send();
    let (status, bad) = json_of(grant(json!({ "client_id": id, "audience": audience, "scope": ["read:connections", "fly:planes"] })).await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad["message"].as_str().unwrap_or_default().contains("\"fly:planes\" is not a Management API scope"), "{bad}");
    let (status, wrong_audience) = json_of(grant(json!({ "client_id": id, "audience": "https://other.example/api", "scope": [] })).await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!(status, 400, "{wrong_audience}");
    let (status, created) = json_of(grant(json!({ "client_id": id, "audience": audience, "scope": ["read:connections", "create:connections"] })).await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!(status, 201, "{created}");
    assert!(created["id"].as_str().is_some_and(|g| g.starts_with("cgr_")));
    let (status, twice) = json_of(grant(json!({ "client_id": id, "audience": audience, "scope": [] })).await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!(status, 409, "{twice}");
    let listed: Value = server.http.get(server.url(&format!("/api/v2/client-grants?client_id={id}"))).bearer_auth(&admin).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");

    let (status, token) = client_credentials(&server, &id, &secret, &audience).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["scope"], "read:connections create:connections");
    let access = token["access_token"].as_str().unwrap_or_default().to_string();
    assert_eq!(decode(&access, 1)["sub"], format!("{id}@clients").as_str());

    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut req = server.http.request(method, server.url(path)).bearer_auth(&access);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };
    assert_eq!(call(reqwest::Method::GET, "/api/v2/connections", None).await.map(|r| r.status().as_u16()).unwrap_or_default(), 200);
    let idp = crate::support::oidc_idp::OidcIdp::start("tessera", "idp-secret").await;
    let created = call(reqwest::Method::POST, "/api/v2/connections", Some(json!({ "strategy": "oidc", "name": "acme", "options": {
        "type": "front_channel", "discovery_url": idp.discovery_url(), "client_id": "tessera" } })))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (status, connection) = json_of(created).await;
    assert_eq!(status, 201, "{connection}");
    let deleted = call(reqwest::Method::DELETE, &format!("/api/v2/connections/{}", connection["id"].as_str().unwrap_or_default()), None).await.unwrap_or_else(|e| panic!("{e}"));
    let (status, refused) = json_of(deleted).await;
    assert_eq!((status, refused["message"].as_str().map(|m| m.contains("delete:connections"))), (403, Some(true)), "{refused}");
    assert_eq!(call(reqwest::Method::GET, "/api/v2/users", None).await.map(|r| r.status().as_u16()).unwrap_or_default(), 403);

    // Narrowing at the token endpoint; a token for another audience, or a revoked one, is no key.
    let narrow = [("grant_type", "client_credentials"), ("audience", audience.as_str()), ("scope", "read:connections delete:connections")];
    let (_, narrowed) = json_of(server.http.post(server.url("/oauth/token")).basic_auth(&id, Some(&secret)).form(&narrow).send().await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!(narrowed["scope"], "read:connections", "only what was granted: {narrowed}");
    let revoke = server.http.post(server.url("/oauth/revoke")).basic_auth(&id, Some(&secret)).form(&[("token", access.as_str())]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(revoke.status(), 200);
    assert_eq!(call(reqwest::Method::GET, "/api/v2/connections", None).await.map(|r| r.status().as_u16()).unwrap_or_default(), 401);

    // Deleting the application stops its tokens at once.
    let (_, fresh) = client_credentials(&server, &id, &secret, &audience).await;
    let fresh = fresh["access_token"].as_str().unwrap_or_default().to_string();
    let status = |token: String| {
        let (http, url) = (server.http.clone(), server.url("/api/v2/connections"));
        async move { http.get(url).bearer_auth(token).send().await.map(|r| r.status().as_u16()).unwrap_or_default() }
    };
    assert_eq!(status(fresh.clone()).await, 200);
    app::backend::applications::delete_application(&server.state, &id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status(fresh).await, 401, "a deleted application's token is no key");

    // An interactive application may not use client credentials at all.
    let web = app::backend::applications::create_application(&server.state, app::applications::CreateApplication { name: "Web".into(), callbacks: Some(vec![CALLBACK.into()]), ..Default::default() })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, body) = client_credentials(&server, &web.application.client_id, web.client_secret.as_deref().unwrap_or_default(), &audience).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")), "{body}");
}

/// An RSA key pair in the test, as an application holding its own private key would.
struct ClientKey {
    key: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    jwks: Value,
}

impl ClientKey {
    fn new() -> ClientKey {
        use rsa::traits::PublicKeyParts;
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap_or_else(|e| panic!("{e}"));
        let jwks = json!({ "keys": [{ "kty": "RSA", "kid": "app-key-1", "alg": "RS256", "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()), "e": URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()) }] });
        ClientKey { key: rsa::pkcs1v15::SigningKey::new(private), jwks }
    }

    fn assertion(&self, claims: &Value) -> String {
        use rsa::signature::{SignatureEncoding, Signer};
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": "app-key-1" });
        let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(self.key.sign(input.as_bytes()).to_vec()))
    }
}

#[tokio::test]
async fn an_application_authenticates_with_private_key_jwt_and_each_assertion_works_once() {
    let flow = Flow::start("back_channel").await;
    let key = ClientKey::new();
    let update = app::applications::UpdateApplication { token_endpoint_auth_method: Some("private_key_jwt".into()), jwks: Some(key.jwks.clone()), ..Default::default() };
    app::backend::applications::update_application(&flow.server.state, &flow.client_id, update).await.unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::Utc::now().timestamp();
    let claims = |aud: &str, jti: &str, exp: i64| json!({ "iss": flow.client_id, "sub": flow.client_id, "aud": aud, "jti": jti, "iat": now, "exp": exp });
    let token_endpoint = flow.server.url("/oauth/token");
    let exchange = |assertion: String, code: String| {
        let (http, url) = (flow.server.http.clone(), token_endpoint.clone());
        async move {
            let form = [
                ("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", CALLBACK),
                ("code_verifier", "verifier-verifier-verifier-verifier-verifier-0001"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion.as_str()),
            ];
            json_of(http.post(url).form(&form).send().await.unwrap_or_else(|e| panic!("{e}"))).await
        }
    };
    let code = || async { param(&flow.run("pia").await, "code") };

    let good = key.assertion(&claims(&token_endpoint, "jti-1", now + 60));
    let (status, tokens) = exchange(good.clone(), code().await).await;
    assert_eq!(status, 200, "{tokens}");
    let (status, replay) = exchange(good, code().await).await;
    assert_eq!((status, replay["error"].as_str()), (401, Some("invalid_client")), "{replay}");
    assert!(replay["error_description"].as_str().unwrap_or_default().contains("already used"), "{replay}");

    let cases = [
        (key.assertion(&claims("https://elsewhere.example/token", "jti-2", now + 60)), "aud must be one of"),
        (key.assertion(&claims(&token_endpoint, "jti-3", now - 120)), "expired"),
        (key.assertion(&claims(&token_endpoint, "jti-4", now + 3600)), "at most 10 minutes"),
        (ClientKey::new().assertion(&claims(&token_endpoint, "jti-5", now + 60)), "signature does not verify"),
    ];
    for (assertion, reason) in cases {
        let (status, body) = exchange(assertion, code().await).await;
        assert_eq!(status, 401, "{body}");
        assert!(body["error_description"].as_str().unwrap_or_default().contains(reason), "{reason}: {body}");
    }
    // The issuer is an audience too (what openid-client sends).
    let (status, _) = exchange(key.assertion(&claims(&flow.server.url("/"), "jti-6", now + 60)), code().await).await;
    assert_eq!(status, 200);
    // A secret is not enough for a private_key_jwt application.
    let (status, body) = flow.redeem(&flow.run("pia").await).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
}

#[tokio::test]
async fn response_type_id_token_answers_by_form_post_with_an_id_token_and_needs_a_nonce() {
    let flow = Flow::start("back_channel").await;
    let update = app::applications::UpdateApplication { grant_types: Some(vec!["implicit".into()]), ..Default::default() };
    app::backend::applications::update_application(&flow.server.state, &flow.client_id, update).await.unwrap_or_else(|e| panic!("{e}"));
    let authorize = |extra: &str| {
        let url = flow.server.url(&format!(
            "/authorize?client_id={}&redirect_uri={}&response_type=id_token&scope=openid%20email&state=s1&connection=acme{extra}",
            flow.client_id,
            url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect::<String>()
        ));
        flow.server.http.get(url).send()
    };
    let no_mode = authorize("&nonce=n1").await.unwrap_or_else(|e| panic!("{e}"));
    let back = no_mode.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert_eq!(param(&back, "error"), "invalid_request", "{back}");
    assert!(param(&back, "error_description").contains("form_post"));
    // Errors after the redirect_uri is known go back the way the application asked: form post.
    let no_nonce = authorize("&response_mode=form_post").await.unwrap_or_else(|e| panic!("{e}"));
    let csp = no_nonce.headers()["content-security-policy"].to_str().unwrap_or_default().to_string();
    let (action, fields) = html_form(&no_nonce.text().await.unwrap_or_default());
    assert_eq!(action, CALLBACK);
    assert!(fields.contains(&("error".into(), "invalid_request".into())), "{fields:?}");
    assert!(csp.contains("form-action https://app.example.test"), "the page may post only to the application: {csp}");

    // The whole login, answered with the ID token and the state.
    let (location, _) = flow.run_for_session_with(&flow.server.url(&format!(
        "/authorize?client_id={}&redirect_uri={}&response_type=id_token&response_mode=form_post&scope=openid%20email&state=s1&nonce=n1&connection=acme&login_hint=ida",
        flow.client_id,
        url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect::<String>()
    )))
    .await;
    let (action, fields) = html_form(&location);
    assert_eq!(action, CALLBACK);
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    assert_eq!(field("state"), "s1");
    assert!(field("code").is_empty());
    let claims = decode(&field("id_token"), 1);
    assert_eq!((claims["nonce"].as_str(), claims["sub"].as_str(), claims["email"].as_str()), (Some("n1"), Some("oidc|acme|ida"), Some("ida@example.test")), "{claims}");
    assert!(claims.get("at_hash").is_none(), "no access token, so no at_hash: {claims}");
    // The code grant is not the application's any more.
    let code = flow.server.http.get(flow.authorize_url("")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(param(code.headers()[LOCATION].to_str().unwrap_or_default(), "error"), "unauthorized_client");
}

#[tokio::test]
async fn rotating_the_keys_keeps_the_old_key_published_for_the_overlap_and_es256_is_per_application() {
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let jwks = || async { flow.server.http.get(flow.server.url("/.well-known/jwks.json")).send().await.unwrap_or_else(|e| panic!("{e}")).json::<Value>().await.unwrap_or_default() };
    let kids = |set: &Value| set["keys"].as_array().into_iter().flatten().filter_map(|k| k["kid"].as_str().map(str::to_string)).collect::<Vec<_>>();
    let (_, before) = flow.redeem(&flow.run("kai").await).await;
    let old_token = before["id_token"].as_str().unwrap_or_default().to_string();
    let old_kid = decode(&old_token, 0)["kid"].as_str().unwrap_or_default().to_string();
    assert_eq!(decode(&old_token, 0)["alg"], "RS256");

    let new = state.signing_keys.rotate(&state.db, &state.clock, &state.env.master_key, 3_600_000).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(new.len(), 2, "one new key per algorithm");
    let published = kids(&jwks().await);
    assert!(published.contains(&old_kid) && new.iter().all(|k| published.contains(k)), "both the old and the new keys are published: {published:?}");
    let (_, after) = flow.redeem(&flow.run("kai").await).await;
    let new_kid = decode(after["id_token"].as_str().unwrap_or_default(), 0)["kid"].as_str().unwrap_or_default().to_string();
    assert!(new.contains(&new_kid) && new_kid != old_kid, "the new key signs");
    // A token signed before the rotation still verifies during the overlap.
    assert!(app::backend::provider::logout::own_id_token_claims(state, &old_token).await.ok().flatten().is_some());

    // After the overlap the old key is gone from the JWKS, and its tokens no longer verify.
    flow.exec("UPDATE signing_keys SET retire_at = 1 WHERE retire_at IS NOT NULL").await;
    let published = kids(&jwks().await);
    assert!(!published.contains(&old_kid) && new.iter().all(|k| published.contains(k)), "{published:?}");
    assert!(app::backend::provider::logout::own_id_token_claims(state, &old_token).await.ok().flatten().is_none());
    assert!(app::backend::provider::keys::SigningKeys::prune(&state.db, &state.clock).await.unwrap_or_default() >= 2, "pruned");

    // ES256 for one application.
    let update = app::applications::UpdateApplication { id_token_signed_response_alg: Some("ES256".into()), ..Default::default() };
    app::backend::applications::update_application(state, &flow.client_id, update).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, es) = flow.redeem(&flow.run("kai").await).await;
    let es_token = es["id_token"].as_str().unwrap_or_default();
    assert_eq!(decode(es_token, 0)["alg"], "ES256");
    assert!(app::backend::provider::logout::own_id_token_claims(state, es_token).await.ok().flatten().is_some(), "verifies against the JWKS");
}

#[tokio::test]
async fn back_channel_logout_is_retried_until_the_application_answers_and_given_up_after_the_last_try() {
    let flow = Flow::start("back_channel").await;
    let receiver = LogoutReceiver::start().await;
    let update = app::applications::UpdateApplication { backchannel_logout_uri: Some(receiver.url()), ..Default::default() };
    app::backend::applications::update_application(&flow.server.state, &flow.client_id, update).await.unwrap_or_else(|e| panic!("{e}"));
    let state = &flow.server.state;
    let due_now = "UPDATE logout_deliveries SET next_attempt_at = 0";

    // An admin's Revoke on the user's page: the application is told, on the second try.
    let (location, _) = flow.run_for_session("&login_hint=bo").await;
    let (_, tokens) = flow.redeem(&location).await;
    let sid = decode(tokens["id_token"].as_str().unwrap_or_default(), 1)["sid"].as_str().unwrap_or_default().to_string();
    receiver.fail_next(1);
    use app::backend::provider::{end_sessions as end, sessions::Ending};
    assert_eq!(end(state, Ending::One { user_id: "oidc|acme|bo", id: &sid }).await.map(|e| e.len()).unwrap_or_default(), 1);
    assert!(receiver.nothing_within(500).await, "the first try was refused");
    assert_eq!(flow.count("logout_deliveries").await, 1, "kept for a retry");
    flow.exec(due_now).await;
    assert_eq!(app::backend::provider::backchannel::deliver_due(state).await.unwrap_or_default(), 1);
    let token = receiver.next().await.unwrap_or_else(|| panic!("no logout token after the retry"));
    let claims = receiver.verify(&token, &flow.server.url("/"), &flow.client_id).await;
    assert_eq!(claims["sid"].as_str(), Some(sid.as_str()));
    assert_eq!(flow.count("logout_deliveries").await, 0);

    // Deleting the user ends their sessions; an application that never answers is given up
    // after the last retry, with a log line.
    let (location, _) = flow.run_for_session("&login_hint=cy").await;
    flow.redeem(&location).await;
    receiver.fail_next(100);
    app::backend::users::delete::delete_user(state, "oidc|acme|cy").await.unwrap_or_else(|e| panic!("{e}"));
    // Six attempts, however many rounds that takes: the background delivery the ending started
    // may hold the row while a round runs (a slow machine), and the row counts its own attempts.
    for _ in 0..20 {
        if flow.count("logout_deliveries").await == 0 {
            break;
        }
        flow.exec(due_now).await;
        app::backend::provider::backchannel::deliver_due(state).await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(flow.count("logout_deliveries").await, 0, "given up");
    let filter = app::backend::logs::LogFilter { kind: Some("oidc_backchannel_logout_failed"), ..Default::default() };
    let failed = app::backend::logs::list(state, &filter, 0, 10).await.unwrap_or_default();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].description.contains("after 6 attempts: the application answered HTTP 500"), "{}", failed[0].description);
}

#[tokio::test]
async fn new_sessions_take_the_settings_pages_lifetimes() {
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let lifetimes = app::tenant::parse_lifetimes("5", "60").unwrap_or_else(|e| panic!("{e:?}"));
    app::backend::tenant::set_session_lifetimes(state, lifetimes).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, session) = flow.run_for_session("&login_hint=lu").await;
    let session = session.unwrap_or_default();
    let sessions = app::backend::provider::sessions::list_for_user(state, "oidc|acme|lu").await.unwrap_or_default();
    assert_eq!(sessions.len(), 1);
    assert_eq!((sessions[0].idle_ms, sessions[0].expires_at - sessions[0].created_at), (5 * 60_000, 60 * 60_000));
    // Six idle minutes end it.
    flow.exec("UPDATE sso_sessions SET last_seen_at = last_seen_at - 360000").await;
    let res = flow.server.http.get(flow.authorize_url("&prompt=none")).header("cookie", &session).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(param(res.headers()[LOCATION].to_str().unwrap_or_default(), "error"), "login_required");
}
