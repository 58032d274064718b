//! The dashboard's server functions over real HTTP: each refuses a caller without a session,
//! and the Private Key JWT flow of the create form (a key prepared first, used once).

use crate::support::{self, TestServer};
use serde_json::Value;

#[tokio::test]
async fn every_connections_server_function_refuses_a_caller_without_a_session() {
    let server = TestServer::start().await;
    for endpoint in [
        "connections/list", "connections/get", "connections/info", "connections/check_issuer", "connections/check_name",
        "connections/prepare_signing_key", "connections/create_oidc", "connections/create_okta", "connections/save_settings",
        "connections/save_provisioning", "connections/save_login_experience", "connections/delete",
    ] {
        let res = server.post_form(&format!("/rpc/{endpoint}"), &[]).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(res.status().as_u16(), 400 | 401), "{endpoint} answered {}", res.status());
        let body = res.text().await.unwrap_or_default();
        assert!(!body.contains("con_"), "{endpoint} leaked data: {body}");
    }
    // With arguments that parse, the answer is the 401.
    let res = server.post_form("/rpc/connections/list", &[("q", "")]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_key_prepared_for_the_create_form_becomes_the_connections_key_once() {
    let server = TestServer::start().await;
    let idp = support::idp::TestIdp::start().await;
    let cookie = server.sign_in().await;
    let prepared: Value = server
        .post_form("/rpc/connections/prepare_signing_key", &[("alg", "ES256")])
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let key_id = prepared["id"].as_str().unwrap_or_default().to_string();
    assert!(key_id.starts_with("psk_"), "{prepared}");
    let jwks: Value = serde_json::from_str(prepared["public_jwks"].as_str().unwrap_or_default()).unwrap_or_default();
    let kid = jwks["keys"][0]["kid"].as_str().unwrap_or_default().to_string();
    assert!(!kid.is_empty() && jwks["keys"][0].get("d").is_none());

    let create = |name: &'static str| {
        server
            .post_form(
                "/rpc/connections/create_oidc",
                &[
                    ("name", name),
                    ("discovery_url", &idp.base),
                    ("client_id", "app"),
                    ("channel", "back_channel"),
                    ("auth_method", "private_key_jwt"),
                    ("signing_alg", "ES256"),
                    ("pending_key", &key_id),
                ],
            )
            .header("cookie", &cookie)
            .send()
    };
    let created: Value = create("pkjwt-form").await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(created["options"]["client_public_jwks"]["keys"][0]["kid"], kid.as_str(), "{created}");
    let again = create("pkjwt-form-2").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), 400, "a prepared key is used once");
    assert!(again.text().await.unwrap_or_default().contains("expired or was already used"));
}
