//! The source documents' own Management API requests (`shared/seeds/002_…` as HAR, `004_…` as
//! cURL), byte for byte, with only the placeholders replaced by this test's IdP: each is
//! accepted, answers what it sent, and signs a user in; the one without a client secret is
//! created "not ready", fails with that reason, and works once the secret is given.

use crate::support::flow::{Flow, CALLBACK, SECRET};
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq)]
enum SentAs {
    /// A HAR request: its headers (Authorization) and `postData.mimeType` application/json.
    Har,
    /// `curl --header 'authorization: …' --data '…'`: curl says application/x-www-form-urlencoded.
    Curl,
}

struct Seed {
    file: &'static str,
    title: &'static str,
    sent_as: SentAs,
    body: &'static str,
}

const SEEDS: &[Seed] = &[
    Seed { file: "002_6a6f89b61ad5394f.txt", title: "Use Front Channel with discovery endpoint", sent_as: SentAs::Har, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "front_channel", "discovery_url": "https://IDP_DOMAIN/.well-known/openid-configuration", "client_id" : "IDP_CLIENT_ID",  "scopes": "openid profile" } }"# },
    Seed { file: "002_6a6f89b61ad5394f.txt", title: "Use Back Channel with discovery endpoint", sent_as: SentAs::Har, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "back_channel", "discovery_url": "https://IDP_DOMAIN/.well-known/openid-configuration", "client_id" : "IDP_CLIENT_ID", "client_secret" : "IDP_CLIENT_SECRET", "scopes": "openid profile" } }"# },
    Seed { file: "002_6a6f89b61ad5394f.txt", title: "Use Back Channel specifying issuer settings", sent_as: SentAs::Har, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "back_channel", "issuer": "https://IDP_DOMAIN", "authorization_endpoint": "https://IDP_DOMAIN/authorize", "jwks_uri": "https://IDP_DOMAIN/.well-known/jwks.json", "client_id" : "IDP_CLIENT_ID",  "scopes": "openid profile" } }"# },
    Seed { file: "002_6a6f89b61ad5394f.txt", title: "Use Front Channel specifying issuer settings", sent_as: SentAs::Har, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "front_channel", "issuer": "https://IDP_DOMAIN", "authorization_endpoint": "https://IDP_DOMAIN/authorize", "token_endpoint": "https://IDP_DOMAIN/oauth/token", "jwks_uri": "https://IDP_DOMAIN/.well-known/jwks.json", "client_id" : "IDP_CLIENT_ID",  "client_secret" : "IDP_CLIENT_SECRET", "scopes": "openid profile" } }"# },
    Seed { file: "004_cc4d031d64326a7f.txt", title: "Use front-channel with discovery endpoint", sent_as: SentAs::Curl, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "front_channel", "discovery_url": "https://IDP_DOMAIN/.well-known/openid-configuration", "client_id" : "IDP_CLIENT_ID",  "scopes": "openid profile" } }"# },
    Seed { file: "004_cc4d031d64326a7f.txt", title: "Use back-channel with discovery endpoint", sent_as: SentAs::Curl, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "back_channel", "discovery_url": "https://IDP_DOMAIN/.well-known/openid-configuration", "client_id" : "IDP_CLIENT_ID", "client_secret" : "IDP_CLIENT_SECRET", "scopes": "openid profile" } }"# },
    Seed { file: "004_cc4d031d64326a7f.txt", title: "Use back-channel specifying issuer settings", sent_as: SentAs::Curl, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "back_channel", "issuer": "https://IDP_DOMAIN", "authorization_endpoint": "https://IDP_DOMAIN/authorize", "client_secret" : "IDP_CLIENT_SECRET", "client_id" : "IDP_CLIENT_ID",  "scopes": "openid profile" } }"# },
    Seed { file: "004_cc4d031d64326a7f.txt", title: "Use front-channel specifying issuer settings", sent_as: SentAs::Curl, body: r#"{ "strategy": "oidc", "name": "CONNECTION_NAME", "options": { "type": "front_channel", "issuer": "https://IDP_DOMAIN", "authorization_endpoint": "https://IDP_DOMAIN/authorize", "token_endpoint": "https://IDP_DOMAIN/oauth/token", "client_id" : "IDP_CLIENT_ID",  "scopes": "openid profile" } }"# },
];

#[tokio::test]
async fn every_request_the_seeds_show_is_accepted_as_written_and_signs_a_user_in() {
    let flow = Flow::start("back_channel").await;
    let server = &flow.server;
    let token = server.api_token("seeds", &[]).await;
    for (i, seed) in SEEDS.iter().enumerate() {
        let name = format!("seed-{}", i + 1);
        let body = seed
            .body
            .replace("CONNECTION_NAME", &name)
            .replace("https://IDP_DOMAIN", &flow.idp.base)
            .replace("IDP_CLIENT_ID", "tessera")
            .replace("IDP_CLIENT_SECRET", SECRET);
        let content_type = match seed.sent_as {
            SentAs::Har => "application/json",
            SentAs::Curl => "application/x-www-form-urlencoded",
        };
        let res = server
            .http
            .post(server.url("/api/v2/connections"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        let what = format!("{} \"{}\"", seed.file, seed.title);
        assert_eq!(status, 201, "{what}: {text}");
        assert!(!text.contains(SECRET), "{what}: the answer echoed the secret");
        let answer: Value = serde_json::from_str(&text).unwrap_or_default();
        let sent: Value = serde_json::from_str(&body).unwrap_or_default();

        // The answer says what the seed sent.
        assert_eq!(answer["name"], sent["name"], "{what}");
        assert_eq!(answer["strategy"], sent["strategy"], "{what}");
        for (key, value) in sent["options"].as_object().into_iter().flatten() {
            match key.as_str() {
                "scopes" => assert_eq!(answer["options"]["scope"], *value, "{what}: scope"),
                "client_secret" => assert_eq!(answer["options"]["client_secret_set"], true, "{what}"),
                _ => assert_eq!(answer["options"][key], *value, "{what}: options.{key}"),
            }
        }
        for filled in ["issuer", "authorization_endpoint", "jwks_uri"] {
            assert!(answer["options"][filled].as_str().is_some_and(|v| v.starts_with(&flow.idp.base)), "{what}: options.{filled} {}", answer["options"]);
        }
        if sent["options"]["type"] == "back_channel" {
            assert!(answer["options"]["token_endpoint"].as_str().is_some_and(|v| v.starts_with(&flow.idp.base)), "{what}: token_endpoint");
        }
        let has_secret = sent["options"].get("client_secret").is_some();
        let back = sent["options"]["type"] == "back_channel";
        let id = answer["id"].as_str().unwrap_or_default().to_string();
        app::backend::connections::set_enabled_for_application(&server.state, &id, &flow.client_id, true).await.unwrap_or_else(|e| panic!("{e}"));
        let url = flow.authorize_url_for(&name, "&login_hint=alice");

        if back && !has_secret {
            // Created, and said to be not ready, naming what is missing: in the answer, the
            // list, and the sign-in, which fails with that reason.
            let reason = answer["not_ready"].as_str().unwrap_or_default().to_string();
            assert!(reason.starts_with("options.client_secret is missing"), "{what}: {answer}");
            let list: Value = server.http.get(server.url(&format!("/api/v2/connections?name={name}"))).bearer_auth(&token).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
            assert_eq!(list[0]["not_ready"], reason.as_str(), "{what}: the list");
            let start = server.http.get(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(start.status(), 403, "{what}");
            let page = start.text().await.unwrap_or_default();
            assert!(page.contains("is not ready") && page.contains("options.client_secret is missing"), "{what}: {page}");

            // Completed later: the same options with the secret.
            let mut options = sent["options"].clone();
            options["client_secret"] = json!(SECRET);
            let res = server.http.patch(server.url(&format!("/api/v2/connections/{id}"))).bearer_auth(&token).json(&json!({ "options": options })).send().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(res.status(), 200, "{what}");
            let completed: Value = res.json().await.unwrap_or_default();
            assert!(completed.get("not_ready").is_none(), "{what}: {completed}");
        } else {
            assert!(answer.get("not_ready").is_none(), "{what}: {answer}");
        }
        let (location, _) = flow.run_for_session_with(&url).await;
        assert!(location.starts_with(CALLBACK) && location.contains("code="), "{what}: {location}");
        let (status, tokens) = flow.redeem(&location).await;
        assert_eq!(status, 200, "{what}: {tokens}");
        assert!(tokens["id_token"].is_string(), "{what}");
    }
}

#[tokio::test]
async fn a_seed_issuer_without_a_discovery_document_gets_a_400_naming_the_missing_endpoint() {
    let flow = Flow::start("back_channel").await;
    let token = flow.server.api_token("seeds", &[]).await;
    // The IdP's host, under a path that publishes no discovery document.
    let nowhere = format!("{}/nothing-here", flow.idp.base);
    let body = SEEDS[6].body.replace("CONNECTION_NAME", "nowhere").replace("https://IDP_DOMAIN", &nowhere).replace("IDP_CLIENT_ID", "x").replace("IDP_CLIENT_SECRET", "y");
    let res = flow.server.http.post(flow.server.url("/api/v2/connections")).header("authorization", format!("Bearer {token}")).body(body).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 400);
    let e: Value = res.json().await.unwrap_or_default();
    let message = e["message"].as_str().unwrap_or_default();
    assert!(message.contains("options.jwks_uri is required") && message.contains("options.token_endpoint is required for back channel"), "{message}");
}
