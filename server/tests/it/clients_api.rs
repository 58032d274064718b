//! `/api/v2/clients` over real HTTP: applications in Auth0's shape, the secret shown only on
//! create and rotate, rules that name their field, scopes, and enabling connections for an
//! application from either side.

use crate::support;

use reqwest::Method;
use serde_json::{json, Value};
use support::api::{message, Api};

async fn create_app(api: &Api, body: Value) -> Value {
    let (s, c, _) = api.call(Method::POST, "/api/v2/clients", Some(body)).await;
    assert_eq!(s, 201, "{c}");
    c
}

#[tokio::test]
async fn an_application_shows_its_secret_once_and_never_again() {
    let api = Api::start().await;
    let created = create_app(&api, json!({ "name": "Acme Portal", "app_type": "regular_web", "callbacks": ["https://portal.acme.example/callback"] })).await;
    let id = created["client_id"].as_str().unwrap_or_default().to_string();
    let secret = created["client_secret"].as_str().unwrap_or_default().to_string();
    assert_eq!((id.len(), secret.len()), (32, 48));
    assert_eq!(created["token_endpoint_auth_method"], "client_secret_post");
    assert_eq!(created["grant_types"], json!(["authorization_code", "refresh_token"]));

    let (_, got, text) = api.call(Method::GET, &format!("/api/v2/clients/{id}"), None).await;
    assert!(got.get("client_secret").is_none() && !text.contains(&secret), "{text}");
    let (_, list, text) = api.call(Method::GET, "/api/v2/clients?include_totals=true", None).await;
    assert_eq!(list["total"], 1);
    assert!(!text.contains(&secret));
    let state = &api.server.state;
    assert!(app::backend::applications::authenticate(state, &id, app::backend::applications::ClientCredential::Secret(&secret), &[]).await.is_ok_and(|r| r.is_ok()));

    let (s, rotated, _) = api.call(Method::POST, &format!("/api/v2/clients/{id}/rotate-secret"), None).await;
    assert_eq!(s, 200);
    let new_secret = rotated["client_secret"].as_str().unwrap_or_default().to_string();
    assert_ne!(new_secret, secret);
    assert!(app::backend::applications::authenticate(state, &id, app::backend::applications::ClientCredential::Secret(&secret), &[]).await.is_ok_and(|r| r.is_err()), "the old secret stopped working");
    assert!(app::backend::applications::authenticate(state, &id, app::backend::applications::ClientCredential::Secret(&new_secret), &[]).await.is_ok_and(|r| r.is_ok()));
}

#[tokio::test]
async fn bad_applications_get_a_400_naming_each_field() {
    let api = Api::start().await;
    let cases = [
        (json!({ "name": "" }), "name is required"),
        (json!({ "name": "x", "app_type": "native" }), "app_type must be regular_web, spa or non_interactive"),
        (json!({ "name": "x", "app_type": "spa", "token_endpoint_auth_method": "client_secret_post" }), "token_endpoint_auth_method must be none"),
        (json!({ "name": "x", "callbacks": ["https://a.example/cb#frag"] }), "callbacks entry 1"),
        (json!({ "name": "x", "grant_types": ["password"] }), "\"password\" is not a grant type"),
        (json!({ "name": "x", "client_secret": "chosen" }), "client_secret is not allowed"),
    ];
    for (body, expected) in cases {
        let (s, e, _) = api.call(Method::POST, "/api/v2/clients", Some(body.clone())).await;
        assert_eq!(s, 400, "{body}");
        assert!(message(&e).contains(expected), "{body}: {}", message(&e));
    }
    let (_, list, _) = api.call(Method::GET, "/api/v2/clients", None).await;
    assert_eq!(list, json!([]), "nothing half-written");
}

#[tokio::test]
async fn an_application_read_with_get_can_be_sent_back_with_patch() {
    let api = Api::start().await;
    let created = create_app(&api, json!({ "name": "SPA", "app_type": "spa", "callbacks": ["http://localhost:5173/callback"] })).await;
    let id = created["client_id"].as_str().unwrap_or_default().to_string();
    let path = format!("/api/v2/clients/{id}");
    let (_, mut got, _) = api.call(Method::GET, &path, None).await;
    got["callbacks"] = json!(["http://localhost:5173/callback", "https://spa.example/callback"]);
    let (s, patched, _) = api.call(Method::PATCH, &path, Some(got)).await;
    assert_eq!(s, 200, "{patched}");
    assert_eq!(patched["callbacks"][1], "https://spa.example/callback");
    assert_eq!(patched["token_endpoint_auth_method"], "none");
    let (s, e, _) = api.call(Method::PATCH, &path, Some(json!({ "client_id": "another" }))).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("client_id is read-only"), "{e}");
    let (s, _, _) = api.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 204);
    let (s, _, _) = api.call(Method::GET, &path, None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_token_without_the_clients_scopes_is_a_403() {
    let api = Api::start().await;
    let token = api.server.api_token("connections-only", &["read:connections"]).await;
    let res = api.server.http.get(api.server.url("/api/v2/clients")).bearer_auth(&token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap_or_default();
    assert!(message(&body).contains("read:clients"), "{body}");
}

#[tokio::test]
async fn enabled_clients_names_real_applications_and_follows_them_from_either_side() {
    let api = Api::start().await;
    let app1 = create_app(&api, json!({ "name": "One" })).await["client_id"].as_str().unwrap_or_default().to_string();
    let app2 = create_app(&api, json!({ "name": "Two" })).await["client_id"].as_str().unwrap_or_default().to_string();
    let body = |name: &str, clients: Value| json!({ "strategy": "oidc", "name": name, "enabled_clients": clients, "options": {
        "issuer": "https://idp.example", "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc" } });

    let (s, e) = api.create(body("ghost", json!(["no-such-app"]))).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("enabled_clients \"no-such-app\" is not an application"), "{e}");
    let (s, c) = api.create(body("shared", json!([app1, app1]))).await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["enabled_clients"], json!([app1]));
    let id = c["id"].as_str().unwrap_or_default().to_string();

    let (s, p, _) = api.call(Method::PATCH, &format!("/api/v2/connections/{id}"), Some(json!({ "enabled_clients": [app2, app1] }))).await;
    assert_eq!(s, 200, "{p}");
    let mut expected = vec![app1.clone(), app2.clone()];
    expected.sort();
    assert_eq!(p["enabled_clients"], json!(expected));

    // The application's side: the same truth.
    let state = &api.server.state;
    assert_eq!(app::backend::applications::enabled_connections(state, &app2).await.ok(), Some(vec![id.clone()]));
    app::backend::connections::set_enabled_for_application(state, &id, &app2, false).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, got, _) = api.call(Method::GET, &format!("/api/v2/connections/{id}"), None).await;
    assert_eq!(got["enabled_clients"], json!([app1]));

    // Deleting an application takes it off every connection.
    let (s, _, _) = api.call(Method::DELETE, &format!("/api/v2/clients/{app1}"), None).await;
    assert_eq!(s, 204);
    let (_, got, _) = api.call(Method::GET, &format!("/api/v2/connections/{id}"), None).await;
    assert_eq!(got["enabled_clients"], json!([]));
}
