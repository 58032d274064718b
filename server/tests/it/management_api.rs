//! `/api/v2/connections` over real HTTP, against local identity providers: the seeds' bodies,
//! every error case, secrets never echoed, paging and filters, PATCH rules. Runs on SQLite and
//! (with `TESSERA_TEST_DATABASE_URL`) on PostgreSQL.

use crate::support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::api::{message, stored_secret, Api, SECRET};

// ---- the seeds' bodies ---------------------------------------------------------------------------

#[tokio::test]
async fn front_channel_with_a_discovery_endpoint_is_created_with_the_fetched_metadata() {
    let api = Api::start().await;
    let (status, c) = api
        .create(json!({ "strategy": "oidc", "name": "front-discovery", "options": { "type": "front_channel",
            "discovery_url": api.idp.discovery(""), "client_id": "IDP_CLIENT_ID", "scopes": "openid profile" } }))
        .await;
    assert_eq!(status, 201, "{c}");
    assert!(c["id"].as_str().is_some_and(|id| id.starts_with("con_") && id.len() == 20));
    assert_eq!(c["strategy"], "oidc");
    assert_eq!(c["options"]["type"], "front_channel");
    assert_eq!(c["options"]["issuer"], api.idp.issuer("").as_str());
    assert_eq!(c["options"]["jwks_uri"], format!("{}/.well-known/jwks.json", api.idp.base).as_str());
    assert_eq!(c["options"]["scope"], "openid profile");
    assert!(c["options"].get("scopes").is_none(), "answers with Auth0's `scope`");
    assert_eq!(c["options"]["oidc_metadata"]["issuer"], api.idp.issuer("").as_str());
    assert_eq!(c["status"], "found");
    assert_eq!(c["realms"], json!(["front-discovery"]));
}

#[tokio::test]
async fn back_channel_with_a_discovery_endpoint_keeps_the_secret_and_only_says_it_is_set() {
    let api = Api::start().await;
    let (status, c) = api
        .create(json!({ "strategy": "oidc", "name": "back-discovery", "options": { "type": "back_channel",
            "discovery_url": api.idp.discovery(""), "client_id": "IDP_CLIENT_ID", "client_secret": SECRET, "scopes": "openid profile" } }))
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["options"]["client_secret_set"], true);
    assert!(c["options"].get("client_secret").is_none());
    assert_eq!(c["options"]["token_endpoint"], format!("{}/oauth/token", api.idp.base).as_str());
    // Stored encrypted: the column holds neither the secret nor anything readable without the key.
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let stored = stored_secret(&api, &id).await;
    assert!(stored.starts_with("v1:") && !stored.contains(SECRET));
    let opened = api.server.state.env.master_key.decrypt(&format!("connection:{id}:client_secret"), &stored);
    assert_eq!(opened.map(|s| s.expose().to_string()).ok().as_deref(), Some(SECRET));
}

#[tokio::test]
async fn back_channel_with_issuer_settings_takes_the_token_endpoint_from_discovery() {
    let api = Api::start().await;
    let base = api.idp.issuer("");
    let (status, c) = api
        .create(json!({ "strategy": "oidc", "name": "back-explicit", "options": { "type": "back_channel",
            "issuer": base, "authorization_endpoint": format!("{base}/authorize"), "jwks_uri": format!("{base}/.well-known/jwks.json"),
            "client_id": "IDP_CLIENT_ID", "client_secret": SECRET, "scopes": "openid profile" } }))
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["options"]["token_endpoint"], format!("{base}/oauth/token").as_str());
    assert_eq!(c["status"], "found", "the issuer's document was fetched to complete the settings");

    // Without a discovery document there is nowhere to take it from: 400 naming token_endpoint.
    let nowhere = api.idp.issuer("404");
    let (status, e) = api
        .create(json!({ "strategy": "oidc", "name": "back-explicit-2", "options": { "type": "back_channel",
            "issuer": nowhere, "authorization_endpoint": format!("{nowhere}/authorize"), "jwks_uri": format!("{nowhere}/jwks"),
            "client_id": "IDP_CLIENT_ID", "client_secret": SECRET, "scopes": "openid profile" } }))
        .await;
    assert_eq!(status, 400);
    assert!(message(&e).starts_with("Payload validation error: options.token_endpoint is required for back channel"), "{e}");
    assert_eq!(e["errorCode"], "invalid_body");
}

#[tokio::test]
async fn front_channel_with_issuer_settings_needs_no_discovery() {
    let api = Api::start().await;
    let (status, c) = api
        .create(json!({ "strategy": "oidc", "name": "front-explicit", "options": { "type": "front_channel",
            "issuer": "https://idp.example", "authorization_endpoint": "https://idp.example/authorize",
            "token_endpoint": "https://idp.example/oauth/token", "jwks_uri": "https://idp.example/.well-known/jwks.json",
            "client_id": "IDP_CLIENT_ID", "client_secret": SECRET, "scopes": "openid profile" } }))
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["options"]["issuer"], "https://idp.example");
    assert_eq!(c["options"]["client_secret_set"], true);
    assert!(c["options"].get("oidc_metadata").is_none());
}

#[tokio::test]
async fn an_okta_workforce_connection_derives_its_issuer_from_the_domain() {
    let api = Api::start().await;
    let domain = api.idp.issuer("oauth2/default");
    let (status, c) = api
        .create(json!({ "strategy": "okta", "name": "acme-okta", "options": { "domain": domain,
            "client_id": "OKTA_CLIENT_ID", "client_secret": SECRET, "scopes": "openid profile email" } }))
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["strategy"], "okta");
    assert_eq!(c["options"]["domain"], domain.as_str());
    assert_eq!(c["options"]["issuer"], domain.as_str());
    assert_eq!(c["options"]["type"], "back_channel");
    assert_eq!(c["options"]["scope"], "openid profile email");

    let (status, e) = api
        .create(json!({ "strategy": "okta", "name": "acme-okta-2", "options": { "domain": domain, "issuer": domain,
            "client_id": "OKTA_CLIENT_ID", "client_secret": SECRET } }))
        .await;
    assert_eq!(status, 400);
    assert!(message(&e).contains("options.issuer is derived from options.domain"), "{e}");
}

// ---- errors -------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_missing_or_bad_token_is_a_401_with_a_bearer_challenge() {
    let api = Api::start().await;
    for auth in [None, Some("Bearer tsr_not-a-real-token"), Some("Basic YWRtaW46YWRtaW4="), Some("Bearer ")] {
        let mut req = api.server.http.get(api.server.url("/api/v2/connections"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 401, "{auth:?}");
        let challenge = res.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(challenge.starts_with(r#"Bearer realm="Tessera Management API""#), "{challenge}");
        let body: Value = res.json().await.unwrap_or_default();
        assert_eq!(body["statusCode"], 401);
        assert_eq!(body["error"], "Unauthorized");
    }
    // A session cookie is no substitute for a token.
    let cookie = api.server.sign_in().await;
    let res = api.server.http.get(api.server.url("/api/v2/connections")).header("cookie", cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_token_without_the_scope_is_a_403() {
    let api = Api::start().await;
    let reader = api.server.api_token("reader", &["read:connections"]).await;
    let res = api
        .server
        .http
        .post(api.server.url("/api/v2/connections"))
        .bearer_auth(&reader)
        .json(&json!({ "strategy": "oidc", "name": "x" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap_or_default();
    assert_eq!(body["message"], "Insufficient scope, expected: create:connections");
    assert_eq!(body["errorCode"], "insufficient_scope");
}

#[tokio::test]
async fn bad_bodies_get_a_400_naming_the_field_and_leave_nothing_behind() {
    let api = Api::start().await;
    let good = |name: &str| json!({ "strategy": "oidc", "name": name, "options": { "type": "front_channel",
        "issuer": "https://idp.example", "authorization_endpoint": "https://idp.example/authorize",
        "jwks_uri": "https://idp.example/jwks", "client_id": "abc" } });
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "strategy": "oidc", "name": "x", "options": { "client_id": 5 } }), "options.client_id: invalid type"),
        (json!({ "strategy": "oidc", "name": "x", "options": { "colour": "red" } }), "options.colour is not allowed (unknown field)"),
        (json!({ "strategy": "oidc", "name": "x", "surprise": true }), "surprise is not allowed (unknown field)"),
        (json!({ "strategy": "saml", "name": "x" }), "strategy must be oidc or okta"),
        ({ let mut b = good("-bad-"); b["name"] = json!("-bad-"); b }, "name must not start or end with a hyphen"),
        ({ let mut b = good("x"); b["options"]["scopes"] = json!("profile email"); b }, "options.scopes must include the openid scope"),
        ({ let mut b = good("x"); b["options"]["scope"] = json!("openid"); b["options"]["scopes"] = json!("openid email"); b }, "options.scope and options.scopes are both given and differ"),
        ({ let mut b = good("x"); b["options"]["jwks_uri"] = json!("ftp://idp.example/jwks"); b }, "options.jwks_uri must be an https:// URL"),
        ({ let mut b = good("x"); b["options"]["type"] = json!("back_channel"); b }, "options.token_endpoint is required for back channel, and the issuer publishes no usable discovery document"),
        ({ let mut b = good("x"); b["options"]["discovery_url"] = json!(api.idp.discovery("missing-jwks_uri")); b["options"]["jwks_uri"] = Value::Null; b }, "options.discovery_url the discovery document is not usable: missing jwks_uri"),
        ({ let mut b = good("x"); b["options"]["discovery_url"] = json!(api.idp.discovery("404")); b }, "options.discovery_url no OpenID Connect discovery document at"),
        ({ let mut b = good("x"); b["options"]["domain_aliases"] = json!(["not a domain"]); b }, "options.domain_aliases entry 1"),
        ({ let mut b = good("x"); b["metadata"] = json!({ "k": 1 }); b }, "metadata.k: invalid type"),
    ];
    for (body, expected) in cases {
        let (status, e) = api.create(body.clone()).await;
        assert_eq!(status, 400, "{body}: {e}");
        assert!(message(&e).contains(expected), "{body}
  expected {expected:?}
  got {:?}", message(&e));
        assert_eq!(e["errorCode"], "invalid_body");
    }
    let (status, e) = api.post_raw("application/json", r#"{"name": "x","#).await;
    assert_eq!(status, 400);
    assert!(message(&e).contains("Malformed JSON"), "{e}");
    let (_, list, _) = api.call(Method::GET, "/api/v2/connections", None).await;
    assert_eq!(list, json!([]), "no half-written connection");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413_and_a_wrong_content_type_a_415() {
    let api = Api::start().await;
    let huge = json!({ "strategy": "oidc", "name": "big", "display_name": "x".repeat(1024 * 1024 + 10) });
    let (status, e, _) = api.call(Method::POST, "/api/v2/connections", Some(huge)).await;
    assert_eq!(status, 413);
    assert_eq!(e["errorCode"], "payload_too_large");
    let (status, e) = api.post_raw("application/x-www-form-urlencoded", "name=x&strategy=oidc").await;
    assert_eq!(status, 415);
    assert!(message(&e).contains("Content-Type: application/json"), "{e}");
    // A JSON object under another Content-Type is read as JSON (Auth0's snippets send it so).
    let (status, e) = api.post_raw("text/plain", r#"{"name": "x"}"#).await;
    assert_eq!(status, 400);
    assert!(message(&e).contains("strategy"), "{e}");
}

#[tokio::test]
async fn unknown_ids_are_404_and_a_taken_name_is_409_even_when_two_creates_race() {
    let api = Api::start().await;
    for method in [Method::GET, Method::DELETE] {
        let (status, e, _) = api.call(method, "/api/v2/connections/con_doesnotexist000", None).await;
        assert_eq!(status, 404);
        assert_eq!(e["errorCode"], "inexistent_connection");
    }
    let (status, _, _) = api.call(Method::PATCH, "/api/v2/connections/con_doesnotexist000", Some(json!({ "display_name": "x" }))).await;
    assert_eq!(status, 404);

    let body = |name: &str| json!({ "strategy": "oidc", "name": name, "options": { "issuer": "https://idp.example",
        "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc" } });
    let (first, _) = api.create(body("taken")).await;
    assert_eq!(first, 201);
    let (second, e) = api.create(body("TAKEN")).await;
    assert_eq!(second, 409, "names are unique regardless of case");
    assert_eq!(e["statusCode"], 409);

    let (a, b) = tokio::join!(api.create(body("race")), api.create(body("race")));
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
}

#[tokio::test]
async fn a_home_realm_domain_can_belong_to_one_connection_only() {
    let api = Api::start().await;
    let body = |name: &str, domains: Value| json!({ "strategy": "oidc", "name": name, "options": { "issuer": "https://idp.example",
        "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc",
        "domain_aliases": domains } });
    let (status, _) = api.create(body("first", json!(["acme.com", "acme.org"]))).await;
    assert_eq!(status, 201);
    let (status, e) = api.create(body("second", json!(["ACME.com"]))).await;
    assert_eq!(status, 409);
    assert_eq!(message(&e), "options.domain_aliases already used by another connection: acme.com (connection first)");
    let (_, list, _) = api.call(Method::GET, "/api/v2/connections?name=second", None).await;
    assert_eq!(list, json!([]));
}

// ---- reads ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn listing_pages_in_a_stable_order_with_totals_and_filters() {
    let api = Api::start().await;
    let names = ["delta", "alpha", "echo", "charlie", "bravo"];
    for name in names {
        let (s, _) = api.create(json!({ "strategy": "oidc", "name": name, "options": { "issuer": "https://idp.example",
            "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc" } })).await;
        assert_eq!(s, 201);
    }
    let (s, _) = api.create(json!({ "strategy": "okta", "name": "okta-one", "options": { "domain": api.idp.issuer(""),
        "client_id": "id", "client_secret": SECRET } })).await;
    assert_eq!(s, 201);

    let names_of = |v: &Value| -> Vec<String> { v.as_array().map(|a| a.iter().filter_map(|c| c["name"].as_str().map(String::from)).collect()).unwrap_or_default() };
    let (_, all, _) = api.call(Method::GET, "/api/v2/connections", None).await;
    assert_eq!(names_of(&all), ["alpha", "bravo", "charlie", "delta", "echo", "okta-one"]);

    let (_, p0, _) = api.call(Method::GET, "/api/v2/connections?per_page=2&page=0&include_totals=true", None).await;
    let (_, p2, _) = api.call(Method::GET, "/api/v2/connections?per_page=2&page=2&include_totals=true", None).await;
    assert_eq!(names_of(&p0["connections"]), ["alpha", "bravo"]);
    assert_eq!((p0["start"].as_u64(), p0["limit"].as_u64(), p0["total"].as_u64()), (Some(0), Some(2), Some(6)));
    assert_eq!(names_of(&p2["connections"]), ["echo", "okta-one"]);
    assert_eq!(p2["start"], 4);

    let (_, okta, _) = api.call(Method::GET, "/api/v2/connections?strategy=okta", None).await;
    assert_eq!(names_of(&okta), ["okta-one"]);
    let (_, both, _) = api.call(Method::GET, "/api/v2/connections?strategy=okta&strategy=oidc&per_page=100", None).await;
    assert_eq!(names_of(&both).len(), 6);
    let (_, one, _) = api.call(Method::GET, "/api/v2/connections?name=charlie", None).await;
    assert_eq!(names_of(&one), ["charlie"]);
    let (s, e, _) = api.call(Method::GET, "/api/v2/connections?per_page=500", None).await;
    assert_eq!(s, 400);
    assert_eq!(e["errorCode"], "invalid_query_string");

    let id = one[0]["id"].as_str().unwrap_or_default();
    let (s, got, _) = api.call(Method::GET, &format!("/api/v2/connections/{id}"), None).await;
    assert_eq!(s, 200);
    assert_eq!(got, one[0]);
}

// ---- PATCH ------------------------------------------------------------------------------------------

#[tokio::test]
async fn patch_replaces_options_whole_but_keeps_an_omitted_secret_and_refuses_renames() {
    let api = Api::start().await;
    let (s, c) = api
        .create(json!({ "strategy": "oidc", "name": "patchable", "display_name": "Patchable", "options": { "type": "back_channel",
            "discovery_url": api.idp.discovery(""), "client_id": "IDP_CLIENT_ID", "client_secret": SECRET,
            "scope": "openid profile email", "domain_aliases": ["patch.example"], "icon_url": "https://cdn.example/logo.png" } }))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let path = format!("/api/v2/connections/{id}");

    let (s, p, _) = api.call(Method::PATCH, &path, Some(json!({ "display_name": "Patchable", "show_as_button": true }))).await;
    assert_eq!((s.as_u16(), p["display_name"].as_str()), (200, Some("Patchable")), "{p}");

    // Replace the options: icon_url and domain_aliases are not sent, so they are gone.
    let (s, p, _) = api
        .call(Method::PATCH, &path, Some(json!({ "options": { "type": "back_channel", "discovery_url": api.idp.discovery(""),
            "client_id": "NEW_CLIENT_ID", "scopes": "openid" } })))
        .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["options"]["client_id"], "NEW_CLIENT_ID");
    assert_eq!(p["options"]["scope"], "openid");
    assert!(p["options"].get("icon_url").is_none());
    assert_eq!(p["options"]["domain_aliases"], json!([]));
    assert_eq!(p["options"]["client_secret_set"], true, "the omitted secret is kept");
    assert_eq!(p["display_name"], "patchable", "as Auth0 documents, a PATCH without display_name sets it to the name");
    let stored = stored_secret(&api, &id).await;
    let opened = api.server.state.env.master_key.decrypt(&format!("connection:{id}:client_secret"), &stored);
    assert_eq!(opened.map(|s| s.expose().to_string()).ok().as_deref(), Some(SECRET));

    // The released domain can now be used by another connection.
    let (s, _) = api.create(json!({ "strategy": "oidc", "name": "other", "options": { "issuer": "https://idp.example",
        "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc",
        "domain_aliases": ["patch.example"] } })).await;
    assert_eq!(s, 201);

    for (body, expected) in [
        (json!({ "name": "renamed" }), "name cannot be changed"),
        (json!({ "strategy": "okta" }), "strategy cannot be changed"),
        (json!({ "options": { "client_id": "x", "discovery_url": api.idp.discovery(""), "type": "sideways" } }), "options.type: unknown variant"),
    ] {
        let (s, e, _) = api.call(Method::PATCH, &path, Some(body.clone())).await;
        assert_eq!(s, 400, "{body}");
        assert!(message(&e).contains(expected), "{body}: {}", message(&e));
    }
    let (s, same, _) = api.call(Method::PATCH, &path, Some(json!({ "name": "patchable", "strategy": "oidc", "show_as_button": false }))).await;
    assert_eq!(s, 200, "unchanged name and strategy are accepted");
    assert_eq!(same["show_as_button"], false);

    let (s, _, _) = api.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 204);
    let (s, _, _) = api.call(Method::GET, &path, None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn private_key_jwt_generates_a_key_and_publishes_only_its_public_half() {
    let api = Api::start().await;
    let (s, c) = api
        .create(json!({ "strategy": "oidc", "name": "pkjwt", "options": { "type": "back_channel", "discovery_url": api.idp.discovery(""),
            "client_id": "IDP_CLIENT_ID", "token_endpoint_auth_method": "private_key_jwt", "token_endpoint_auth_signing_alg": "ES256" } }))
        .await;
    assert_eq!(s, 201, "{c}");
    let jwk = &c["options"]["client_public_jwks"]["keys"][0];
    assert_eq!((jwk["kty"].as_str(), jwk["alg"].as_str(), jwk["crv"].as_str()), (Some("EC"), Some("ES256"), Some("P-256")));
    assert!(jwk.get("d").is_none());
    assert_eq!(c["options"]["client_secret_set"], false);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_the_api_serves() {
    let api = Api::start().await;
    let res = api.server.http.get(api.server.url("/api/v2/openapi.json")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap_or_default();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = &doc["paths"];
    for (path, methods) in [("/api/v2/connections", vec!["get", "post"]), ("/api/v2/connections/{id}", vec!["get", "patch", "delete"])] {
        for method in methods {
            assert!(paths[path][method].is_object(), "{method} {path} is documented");
        }
    }
    assert!(doc["components"]["schemas"]["Connection"].is_object());
    assert!(doc["components"]["schemas"]["CreateConnection"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    // Every documented operation answers (not 404/405) on the live server.
    for (path, item) in paths.as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m.to_uppercase()) {
            // Every path parameter ({id}, {name}, {connection_id}…) names something that is not there.
            let url = path.split('/').map(|seg| if seg.starts_with('{') { "con_doesnotexist000" } else { seg }).collect::<Vec<_>>().join("/");
            let m = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
            let (s, body, _) = api.call(m.clone(), &url, if matches!(m, Method::POST | Method::PATCH) { Some(json!({})) } else { None }).await;
            // A 404 must be the operation's own (the thing is missing), not the catch-all for unknown routes.
            assert!(s != StatusCode::METHOD_NOT_ALLOWED && (s != 404 || body["message"] != "Not Found"), "{method} {url} -> {s} {body}");
        }
    }
}
