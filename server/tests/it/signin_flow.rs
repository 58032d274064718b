//! Signing in through a connection over real HTTP, against an OpenID Provider of the tests' own
//! that misbehaves one way at a time: each broken ID token or answer must end in a named reason
//! back at the application, and no user and no code. Both channels.

use crate::support::flow::{param, Flow, CALLBACK};
use crate::support::oidc_idp::Twist;
use crate::support::TestServer;

use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::{json, Value};

#[tokio::test]
async fn a_back_channel_login_reaches_the_application_with_a_code_for_verified_tokens() {
    // example.test is one of the connection's Identity provider domains: it may vouch for emails there.
    let flow = Flow::start_with("back_channel", json!({ "domain_aliases": ["example.test"] })).await;
    let location = flow.run("alice").await;
    assert!(location.starts_with(CALLBACK), "{location}");
    assert_eq!(param(&location, "state"), "app-state");
    let (status, tokens) = flow.redeem(&location).await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = tokens["id_token"].as_str().unwrap_or_default();
    let payload = id_token.split('.').nth(1).unwrap_or_default();
    use base64::Engine;
    let claims: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default();
    assert_eq!(claims["groups"], json!(["engineering", "sso-admins"]), "the IdP's groups reach Tessera's ID token: {claims}");
    assert_eq!((claims["email"].as_str(), claims["name"].as_str()), (Some("alice@example.test"), Some("User alice")));
    assert_eq!(claims["iss"], format!("{}/", flow.server.base).as_str());
    let user = app::backend::users::get_user(&flow.server.state, "oidc|acme|alice").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((user.email.as_deref(), user.email_verified, user.logins_count), (Some("alice@example.test"), true, 1));
    let info = flow.server.http.get(flow.server.url("/userinfo")).bearer_auth(tokens["access_token"].as_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    let info: Value = info.json().await.unwrap_or_default();
    assert_eq!(info["sub"], "oidc|acme|alice");
    let logs = app::backend::logs::list(&flow.server.state, &app::backend::logs::LogFilter { kind: Some("s"), ..Default::default() }, 0, 10).await.unwrap_or_default();
    assert_eq!(logs.len(), 1);
}

#[tokio::test]
async fn a_front_channel_login_takes_the_posted_id_token() {
    let flow = Flow::start("front_channel").await;
    let location = flow.run("bob").await;
    assert!(param(&location, "code").len() > 20, "{location}");
    assert_eq!(flow.redeem(&location).await.0, 200);
}

#[tokio::test]
async fn every_broken_id_token_ends_in_its_named_reason_with_no_user_and_no_code() {
    let cases = [
        (Twist::WrongIssuer, "is not the connection's issuer"),
        (Twist::WrongAudience, "aud does not contain the client id"),
        (Twist::Expired, "has expired"),
        (Twist::NoIat, "has no iat"),
        (Twist::FutureIat, "iat is in the future"),
        (Twist::WrongNonce, "nonce does not match"),
        (Twist::AlgNone, "unsigned (alg none)"),
        (Twist::BadSignature, "signature does not verify"),
        (Twist::BadAtHash, "at_hash does not match"),
        (Twist::BadCHash, "c_hash does not match the authorization code"),
        (Twist::ExtraAudienceNoAzp, "several audiences but no azp"),
        (Twist::WrongAzp, "azp \"someone-else\" is not the client id"),
        (Twist::NoSub, "ID token"),
        (Twist::ErrorResponse, "the identity provider answered error=access_denied: The user said no"),
        (Twist::TokenEndpointRefuses, "token endpoint answered 401 invalid_client: Client authentication failed"),
    ];
    for channel in ["back_channel", "front_channel"] {
        let flow = Flow::start(channel).await;
        for (twist, reason) in cases {
            if channel == "front_channel" && matches!(twist, Twist::BadAtHash | Twist::BadCHash | Twist::TokenEndpointRefuses) {
                continue; // no token endpoint on the front channel
            }
            flow.idp.set_twist(twist);
            let location = flow.run("mallory").await;
            assert!(location.starts_with(CALLBACK), "{channel} {twist:?}: {location}");
            assert_eq!(param(&location, "error"), "access_denied", "{channel} {twist:?}");
            assert!(param(&location, "error_description").contains(reason), "{channel} {twist:?}: {}", param(&location, "error_description"));
            assert_eq!(param(&location, "state"), "app-state");
        }
        assert_eq!(flow.count("users").await, 0, "{channel}: no user was created");
        assert_eq!(flow.count("authorization_codes").await, 0, "{channel}: no code was issued");
        let failures = app::backend::logs::list(&flow.server.state, &app::backend::logs::LogFilter { kind: Some("f"), ..Default::default() }, 0, 100).await.unwrap_or_default();
        assert!(failures.len() >= 10, "{channel}: each failure is in the log");
    }
}

#[tokio::test]
async fn hs256_is_accepted_only_on_the_back_channel_with_the_client_secret() {
    let back = Flow::start("back_channel").await;
    back.idp.set_twist(Twist::Hs256);
    assert!(param(&back.run("hank").await, "code").len() > 20, "HS256 with the secret on the back channel");
    let front = Flow::start("front_channel").await;
    front.idp.set_twist(Twist::Hs256);
    let location = front.run("hank").await;
    assert!(param(&location, "error_description").contains("signing algorithm is not allowed: `HS256` is not one of"), "{location}");
}

#[tokio::test]
async fn known_pain_points_are_handled_trailing_slash_skew_thin_tokens_and_key_rotation() {
    let flow = Flow::start("back_channel").await;
    flow.idp.set_twist(Twist::IssuerWithTrailingSlash);
    assert!(param(&flow.run("ivy").await, "code").len() > 20, "issuer with a trailing slash");
    flow.idp.set_twist(Twist::ExpiredWithinLeeway);
    assert!(param(&flow.run("ivy").await, "code").len() > 20, "expired 30 s ago: within the 60 s leeway");
    flow.idp.set_twist(Twist::ExtraAudienceWithAzp);
    assert!(param(&flow.run("ivy").await, "code").len() > 20, "another audience beside ours, with azp = our client id");
    flow.idp.set_twist(Twist::ThinIdToken);
    assert!(param(&flow.run("jo").await, "code").len() > 20);
    let jo = app::backend::users::get_user(&flow.server.state, "oidc|acme|jo").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(jo.email.as_deref(), Some("jo@userinfo.example.test"), "a thin ID token falls back to /userinfo");
    flow.idp.set_twist(Twist::None);
    let before = flow.idp.jwks_fetches();
    flow.idp.rotate().await;
    assert!(param(&flow.run("kim").await, "code").len() > 20, "a new kid is fetched once");
    assert_eq!(flow.idp.jwks_fetches(), before + 1);
}

#[tokio::test]
async fn a_state_works_once_and_only_in_the_browser_that_started_the_login() {
    let flow = Flow::start("back_channel").await;
    let http = &flow.server.http;
    let start = http.get(flow.authorize_url("")).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let to_idp = start.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    let idp = http.get(&to_idp).send().await.unwrap_or_else(|e| panic!("{e}"));
    let callback = idp.headers()[LOCATION].to_str().unwrap_or_default().to_string();

    let other_browser = http.get(&callback).header("cookie", "tessera_login=someone-else").send().await.unwrap_or_else(|e| panic!("{e}"));
    let location = other_browser.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert!(param(&location, "error_description").contains("started in another browser"), "{location}");
    // That attempt used the state up: the right browser cannot finish with it either.
    let replay = http.get(&callback).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(replay.status(), 400);
    assert!(replay.text().await.unwrap_or_default().contains("The state is unknown or was already used"));
    assert_eq!(flow.count("users").await, 0);
    let _ = flow.connection_id.len();
}

#[tokio::test]
async fn the_token_endpoint_checks_the_client_the_redirect_uri_and_pkce() {
    let flow = Flow::start("back_channel").await;
    let location = flow.run("lee").await;
    let code = param(&location, "code");
    let post = |pairs: Vec<(&'static str, String)>| {
        let http = flow.server.http.clone();
        let url = flow.server.url("/oauth/token");
        async move { let r = http.post(url).form(&pairs).send().await.unwrap_or_else(|e| panic!("{e}")); (r.status().as_u16(), r.json::<Value>().await.unwrap_or_default()) }
    };
    let good = |extra: Vec<(&'static str, String)>| {
        let mut p = vec![("grant_type", "authorization_code".to_string()), ("code", code.clone()), ("client_id", flow.client_id.clone())];
        p.extend(extra);
        p
    };
    let (s, e) = post(good(vec![("client_secret", "wrong".into()), ("redirect_uri", CALLBACK.into())])).await;
    assert_eq!((s, e["error"].as_str()), (401, Some("invalid_client")));
    let (s, e) = post(good(vec![("client_secret", flow.client_secret.clone()), ("redirect_uri", "https://other.example/cb".into()),
        ("code_verifier", "verifier-verifier-verifier-verifier-verifier-0001".into())])).await;
    assert_eq!((s, e["error"].as_str()), (400, Some("invalid_grant")), "{e}");
    // The failed attempt used the code up: single use means single use.
    let (s, _) = flow.redeem(&location).await;
    assert_eq!(s, 400);
    let location = flow.run("lee").await;
    let code = param(&location, "code");
    let (s, e) = post(vec![("grant_type", "authorization_code".into()), ("code", code), ("client_id", flow.client_id.clone()),
        ("client_secret", flow.client_secret.clone()), ("redirect_uri", CALLBACK.into()), ("code_verifier", "the-wrong-verifier-the-wrong-verifier-000000".into())]).await;
    assert_eq!((s, e["error_description"].as_str()), (400, Some("code_verifier does not match the code_challenge.")));
}

/// The code carries the user as the sign-in left them, but `/oauth/token` still asks whether
/// they are there and active when it is redeemed.
#[tokio::test]
async fn a_code_is_refused_when_its_user_was_deactivated_or_deleted_after_the_sign_in() {
    let flow = Flow::start("back_channel").await;
    let location = flow.run("lee").await;
    flow.exec("UPDATE users SET active = FALSE").await;
    let (s, e) = flow.redeem(&location).await;
    assert_eq!((s, e["error"].as_str(), e["error_description"].as_str()), (400, Some("invalid_grant"), Some("The user was deactivated.")), "{e}");
    assert_eq!(flow.count("access_tokens").await, 0);

    flow.exec("DELETE FROM users").await;
    let location = flow.run("lee").await;
    flow.exec("DELETE FROM users").await;
    let (s, e) = flow.redeem(&location).await;
    assert_eq!((s, e["error_description"].as_str()), (400, Some("The user no longer exists.")), "{e}");
    assert_eq!(flow.count("access_tokens").await, 0);

    // And a code whose user is there is redeemed for tokens describing them.
    let location = flow.run("lee").await;
    let (s, tokens) = flow.redeem(&location).await;
    assert_eq!(s, 200, "{tokens}");
    assert_eq!(flow.count("access_tokens").await, 1);
}

#[tokio::test]
async fn tesseras_discovery_document_and_jwks_describe_its_own_tokens() {
    let server = TestServer::start().await;
    let doc: Value = server.http.get(server.url("/.well-known/openid-configuration")).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(doc["issuer"], format!("{}/", server.base).as_str());
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    let jwks: Value = server.http.get(server.url("/.well-known/jwks.json")).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
    let mut kinds: Vec<(Option<&str>, Option<&str>)> = keys.iter().map(|k| (k["kty"].as_str(), k["alg"].as_str())).collect();
    kinds.sort();
    assert_eq!(kinds, [(Some("EC"), Some("ES256")), (Some("RSA"), Some("RS256"))], "one key per algorithm Tessera signs with");
    assert!(keys.iter().all(|k| k["kid"].is_string() && k.get("d").is_none()), "public halves only: {jwks}");
    assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["RS256", "ES256"]));
}

#[tokio::test]
async fn try_runs_a_real_login_and_ends_on_it_works_with_the_claims() {
    let flow = Flow::start("back_channel").await;
    let http = &flow.server.http;
    let path = format!("/connections/enterprise/{}/try", flow.connection_id);
    let signed_out = http.get(flow.server.url(&path)).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signed_out.status(), 303, "signed out: sent to sign in");
    let admin = flow.server.sign_in().await;
    let start = http.get(flow.server.url(&path)).header("cookie", &admin).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(start.status(), 302);
    let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    let back = http.get(idp.headers()[LOCATION].to_str().unwrap_or_default()).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.status(), 200);
    let html = back.text().await.unwrap_or_default();
    assert!(html.contains("It works!") && html.contains("oidc|acme|alice") && html.contains("&quot;nonce&quot;"), "{html}");

    flow.idp.set_twist(Twist::WrongAudience);
    let start = http.get(flow.server.url(&path)).header("cookie", &admin).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    let back = http.get(idp.headers()[LOCATION].to_str().unwrap_or_default()).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.status(), 400);
    let html = back.text().await.unwrap_or_default();
    assert!(html.contains("Signing in through acme failed") && html.contains("aud does not contain the client id"), "{html}");
}

#[tokio::test]
async fn a_login_started_on_one_replica_finishes_on_another() {
    let flow = Flow::start("back_channel").await;
    let other = flow.server.replica().await; // its own pool, signing-key cache and JWKS cache
    let http = &flow.server.http;
    let start = http.get(flow.authorize_url("&login_hint=rita")).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    // The load balancer sends the callback to the other replica.
    let callback = idp.headers()[LOCATION].to_str().unwrap_or_default().replace(&flow.server.base, &other.base);
    assert!(callback.starts_with(&other.base));
    let back = http.get(&callback).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    let location = back.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    assert!(param(&location, "code").len() > 20, "{location}");
    // And the code is redeemed on the first one again, its token read on the second.
    let (status, tokens) = flow.redeem(&location).await;
    assert_eq!(status, 200, "{tokens}");
    let info = http.get(other.url("/userinfo")).bearer_auth(tokens["access_token"].as_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.status(), 200);
}

#[tokio::test]
async fn users_and_logs_are_in_the_management_api() {
    let flow = Flow::start("back_channel").await;
    flow.run("uma").await;
    flow.idp.set_twist(Twist::WrongAudience);
    flow.run("uma").await;
    let token = flow.server.api_token("reader", &["read:users", "read:logs", "delete:users"]).await;
    let get = |path: String| {
        let (http, url, token) = (flow.server.http.clone(), flow.server.url(&path), token.clone());
        async move { let r = http.get(url).bearer_auth(token).send().await.unwrap_or_else(|e| panic!("{e}")); (r.status().as_u16(), r.json::<Value>().await.unwrap_or_default()) }
    };
    let (s, users) = get("/api/v2/users?q=uma@".into()).await;
    assert_eq!((s, users[0]["id"].as_str()), (200, Some("oidc|acme|uma")), "{users}");
    let (s, user) = get("/api/v2/users/oidc%7Cacme%7Cuma".into()).await;
    assert_eq!((s, user["email"].as_str()), (200, Some("uma@example.test")));
    let (_, failures) = get("/api/v2/logs?type=f".into()).await;
    assert!(failures[0]["description"].as_str().is_some_and(|d| d.contains("aud does not contain the client id")), "{failures}");
    assert!(!failures.to_string().contains("eyJ"), "no token is ever logged");
    let (_, successes) = get(format!("/api/v2/logs?type=s&connection_id={}", flow.connection_id)).await;
    assert_eq!(successes[0]["user_id"], "oidc|acme|uma");
    let (_, mine) = get(format!("/api/v2/logs?client_id={}", flow.client_id)).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(2), "both sign-ins were for this application: {mine}");
    let (_, none) = get("/api/v2/logs?client_id=someone-else".into()).await;
    assert_eq!(none, serde_json::json!([]));
    let del = flow.server.http.delete(flow.server.url("/api/v2/users/oidc%7Cacme%7Cuma")).bearer_auth(&token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(del.status(), 204);
    assert_eq!(get("/api/v2/users/oidc%7Cacme%7Cuma".into()).await.0, 404);
    assert_eq!(get("/api/v2/users?colour=red".into()).await.0, 400);
}
