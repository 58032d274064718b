//! What Auth0's own clients send to `/api/v2/connections`, over real HTTP: checkpoint paging
//! (`from`/`take`, the Node SDK's default), `fields`/`include_fields`, strategies Tessera does
//! not have, `domain_alias`, and the read-modify-write PATCH of whole `options`. Plus the rule
//! that a stored client secret never follows a token endpoint to another origin.

use crate::support;

use reqwest::Method;
use serde_json::{json, Value};
use support::api::{message, stored_secret, Api, SECRET};
use support::idp::TestIdp;

fn names_of(list: &Value) -> Vec<String> {
    list.as_array().map(|a| a.iter().filter_map(|c| c["name"].as_str().map(String::from)).collect()).unwrap_or_default()
}

fn explicit(name: &str) -> Value {
    json!({ "strategy": "oidc", "name": name, "options": { "issuer": "https://idp.example",
        "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc" } })
}

async fn seed(api: &Api, names: &[&str]) {
    for name in names {
        let (s, c) = api.create(explicit(name)).await;
        assert_eq!(s, 201, "{c}");
    }
}

#[tokio::test]
async fn checkpoint_paging_walks_every_connection_once_in_name_order() {
    let api = Api::start().await;
    seed(&api, &["delta", "Alpha", "echo", "charlie", "bravo"]).await;

    // The Node SDK's default list(): include_totals=true&take=50.
    let (s, first, _) = api.call(Method::GET, "/api/v2/connections?include_totals=true&take=50", None).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(names_of(&first["connections"]), ["Alpha", "bravo", "charlie", "delta", "echo"]);
    assert!(first.get("next").is_none(), "everything fit: no next");

    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10 {
        let path = match &next {
            Some(from) => format!("/api/v2/connections?take=2&from={from}"),
            None => "/api/v2/connections?take=2".to_string(),
        };
        let (s, page, _) = api.call(Method::GET, &path, None).await;
        assert_eq!(s, 200, "{page}");
        seen.extend(names_of(&page["connections"]));
        next = page["next"].as_str().map(String::from);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["Alpha", "bravo", "charlie", "delta", "echo"]);

    let (s, e, _) = api.call(Method::GET, "/api/v2/connections?take=2&from=not-a-checkpoint", None).await;
    assert_eq!((s.as_u16(), e["errorCode"].as_str()), (400, Some("invalid_query_string")));
    let (s, e, _) = api.call(Method::GET, "/api/v2/connections?take=2&page=1", None).await;
    assert_eq!(s, 400, "{e}");
}

#[tokio::test]
async fn fields_choose_what_list_and_get_return() {
    let api = Api::start().await;
    seed(&api, &["acme"]).await;
    let (_, list, _) = api.call(Method::GET, "/api/v2/connections?fields=name,strategy&include_fields=true", None).await;
    assert_eq!(list, json!([{ "name": "acme", "strategy": "oidc" }]));
    let (_, without, _) = api.call(Method::GET, "/api/v2/connections?fields=options,metadata&include_fields=false", None).await;
    assert!(without[0].get("options").is_none() && without[0].get("metadata").is_none() && without[0]["id"].is_string(), "{without}");

    let id = list_ids(&api).await.remove(0);
    let (s, got, _) = api.call(Method::GET, &format!("/api/v2/connections/{id}?fields=id,name"), None).await;
    assert_eq!(s, 200);
    assert_eq!(got, json!({ "id": id, "name": "acme" }));
    let (s, e, _) = api.call(Method::GET, &format!("/api/v2/connections/{id}?fields=password"), None).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("fields lists \"password\", which is not a connection field"), "{e}");
    let (s, _, _) = api.call(Method::GET, &format!("/api/v2/connections/{id}?colour=red"), None).await;
    assert_eq!(s, 400, "get still refuses unknown parameters");
}

async fn list_ids(api: &Api) -> Vec<String> {
    let (_, list, _) = api.call(Method::GET, "/api/v2/connections?fields=id", None).await;
    list.as_array().map(|a| a.iter().filter_map(|c| c["id"].as_str().map(String::from)).collect()).unwrap_or_default()
}

#[tokio::test]
async fn a_strategy_tessera_does_not_have_matches_nothing_and_strategies_are_ored() {
    let api = Api::start().await;
    seed(&api, &["one-oidc"]).await;
    let (s, c) = api.create(json!({ "strategy": "okta", "name": "one-okta", "options": { "domain": api.idp.issuer(""),
        "client_id": "id", "client_secret": SECRET } })).await;
    assert_eq!(s, 201, "{c}");
    let (s, none, _) = api.call(Method::GET, "/api/v2/connections?strategy=samlp", None).await;
    assert_eq!((s.as_u16(), none), (200, json!([])));
    let (_, totals, _) = api.call(Method::GET, "/api/v2/connections?strategy=samlp&include_totals=true", None).await;
    assert_eq!(totals["total"], 0);
    let (_, okta, _) = api.call(Method::GET, "/api/v2/connections?strategy=samlp&strategy=okta", None).await;
    assert_eq!(names_of(&okta), ["one-okta"]);
    let (_, both, _) = api.call(Method::GET, "/api/v2/connections?strategy=okta,oidc&take=10", None).await;
    assert_eq!(names_of(&both["connections"]), ["one-oidc", "one-okta"]);
}

#[tokio::test]
async fn domain_alias_finds_the_connection_that_owns_a_domain() {
    let api = Api::start().await;
    let mut body = explicit("acme");
    body["options"]["domain_aliases"] = json!(["acme.example", "acme-corp.example"]);
    let (s, c) = api.create(body).await;
    assert_eq!(s, 201, "{c}");
    seed(&api, &["other"]).await;
    let (_, found, _) = api.call(Method::GET, "/api/v2/connections?domain_alias=ACME-corp.example", None).await;
    assert_eq!(names_of(&found), ["acme"]);
    let (_, none, _) = api.call(Method::GET, "/api/v2/connections?domain_alias=nobody.example", None).await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn show_as_button_is_false_unless_asked_for() {
    let api = Api::start().await;
    let (_, c) = api.create(explicit("quiet")).await;
    assert_eq!(c["show_as_button"], false);
    let mut body = explicit("loud");
    body["show_as_button"] = json!(true);
    let (_, c) = api.create(body).await;
    assert_eq!(c["show_as_button"], true);
}

/// GET a connection, change one option, PATCH the whole `options` back, as Auth0's clients do.
async fn read_modify_write(api: &Api, id: &str, change: impl FnOnce(&mut Value)) -> (u16, Value) {
    let path = format!("/api/v2/connections/{id}");
    let (s, got, _) = api.call(Method::GET, &path, None).await;
    assert_eq!(s, 200);
    let mut options = got["options"].clone();
    change(&mut options);
    let (s, patched, _) = api.call(Method::PATCH, &path, Some(json!({ "options": options }))).await;
    (s.as_u16(), patched)
}

#[tokio::test]
async fn options_read_with_get_can_be_sent_back_with_patch_for_every_kind_of_connection() {
    let api = Api::start().await;
    let bodies = [
        json!({ "strategy": "oidc", "name": "rmw-back", "options": { "type": "back_channel", "discovery_url": api.idp.discovery(""),
            "client_id": "IDP_CLIENT_ID", "client_secret": SECRET } }),
        json!({ "strategy": "oidc", "name": "rmw-front", "options": { "type": "front_channel", "issuer": "https://idp.example",
            "authorization_endpoint": "https://idp.example/authorize", "jwks_uri": "https://idp.example/jwks", "client_id": "abc" } }),
        json!({ "strategy": "oidc", "name": "rmw-pkjwt", "options": { "type": "back_channel", "discovery_url": api.idp.discovery(""),
            "client_id": "IDP_CLIENT_ID", "token_endpoint_auth_method": "private_key_jwt" } }),
        json!({ "strategy": "okta", "name": "rmw-okta", "options": { "domain": api.idp.issuer("oauth2/default"),
            "client_id": "OKTA_CLIENT_ID", "client_secret": SECRET } }),
    ];
    for body in bodies {
        let (s, c) = api.create(body.clone()).await;
        assert_eq!(s, 201, "{c}");
        let id = c["id"].as_str().unwrap_or_default().to_string();
        let before = stored_secret(&api, &id).await;
        let (s, patched) = read_modify_write(&api, &id, |o| o["scope"] = json!("openid email")).await;
        assert_eq!(s, 200, "{}: {patched}", body["name"]);
        assert_eq!(patched["options"]["scope"], "openid email");
        assert_eq!(patched["options"]["client_secret_set"], c["options"]["client_secret_set"]);
        assert_eq!(patched["options"]["client_public_jwks"], c["options"]["client_public_jwks"], "the key pair is kept");
        assert_eq!(patched["options"]["issuer"], c["options"]["issuer"]);
        assert_eq!(stored_secret(&api, &id).await, before, "the stored secret is untouched");
    }
}

#[tokio::test]
async fn read_only_options_that_were_changed_are_refused_by_name() {
    let api = Api::start().await;
    let (_, c) = api.create(explicit("readonly")).await;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let (s, e) = read_modify_write(&api, &id, |o| o["client_secret_set"] = json!(true)).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("options.client_secret_set is read-only"), "{e}");
    let (s, e) = read_modify_write(&api, &id, |o| o["client_public_jwks"] = json!({ "keys": [{ "kty": "EC" }] })).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("options.client_public_jwks is read-only"), "{e}");
    // Saying a secret is set while sending one is fine.
    let (s, p) = read_modify_write(&api, &id, |o| {
        o["client_secret_set"] = json!(true);
        o["client_secret"] = json!(SECRET);
    })
    .await;
    assert_eq!((s, p["options"]["client_secret_set"].as_bool()), (200, Some(true)), "{p}");
}

#[tokio::test]
async fn moving_the_token_endpoint_or_discovery_to_another_origin_needs_the_secret_again() {
    let api = Api::start().await;
    let elsewhere = TestIdp::start().await; // another port: another origin
    let (s, c) = api
        .create(json!({ "strategy": "oidc", "name": "guarded", "options": { "type": "back_channel",
            "discovery_url": api.idp.discovery(""), "client_id": "IDP_CLIENT_ID", "client_secret": SECRET } }))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let before = stored_secret(&api, &id).await;

    let (s, e) = read_modify_write(&api, &id, |o| o["token_endpoint"] = json!(format!("{}/steal", elsewhere.base))).await;
    assert_eq!(s, 400, "{e}");
    assert!(message(&e).contains("options.client_secret is required again: the token endpoint moves from"), "{e}");
    let (s, e) = read_modify_write(&api, &id, |o| {
        *o = json!({ "type": "back_channel", "discovery_url": elsewhere.discovery(""), "client_id": o["client_id"].clone() });
    })
    .await;
    assert_eq!(s, 400, "{e}");
    assert!(message(&e).contains("options.client_secret is required again"), "{e}");
    assert_eq!(stored_secret(&api, &id).await, before, "nothing changed");

    // The same origin needs nothing new; another origin with the secret given again is fine.
    let (s, p) = read_modify_write(&api, &id, |o| o["token_endpoint"] = json!(format!("{}/oauth/token2", api.idp.base))).await;
    assert_eq!(s, 200, "{p}");
    let (s, p) = read_modify_write(&api, &id, |o| {
        *o = json!({ "type": "back_channel", "discovery_url": elsewhere.discovery(""), "client_id": "NEW", "client_secret": "NEW-SECRET" });
    })
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["options"]["issuer"], elsewhere.issuer("").as_str(), "the new document supplied the issuer");
}

#[tokio::test]
async fn changing_discovery_url_in_a_read_modify_write_takes_the_new_documents_settings() {
    let api = Api::start().await;
    let elsewhere = TestIdp::start().await;
    let (_, c) = api
        .create(json!({ "strategy": "oidc", "name": "moving", "options": { "discovery_url": api.idp.discovery(""), "client_id": "abc" } }))
        .await;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let (s, p) = read_modify_write(&api, &id, |o| o["discovery_url"] = json!(elsewhere.discovery(""))).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["options"]["issuer"], elsewhere.issuer("").as_str());
    assert_eq!(p["options"]["jwks_uri"], format!("{}/.well-known/jwks.json", elsewhere.base).as_str());
}

#[tokio::test]
async fn explicit_endpoints_pointing_at_private_or_metadata_addresses_are_refused() {
    let api = Api::start().await; // private networks allowed, as in every test
    let mut body = explicit("metadata");
    body["options"]["jwks_uri"] = json!("http://169.254.169.254/latest/meta-data/iam");
    let (s, e) = api.create(body).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("options.jwks_uri must not point at 169.254.169.254, a cloud metadata (link-local) address"), "{e}");

    let strict = support::TestServer::start_with(|s| s.allow_private_network = false).await;
    let token = strict.api_token("strict", &[]).await;
    for (field, url) in [("token_endpoint", "https://10.0.0.8/token"), ("userinfo_endpoint", "https://[::ffff:127.0.0.1]/userinfo"), ("jwks_uri", "https://198.18.0.1/jwks")] {
        let mut body = explicit(&format!("strict-{}", field.replace('_', "-")));
        body["options"][field] = json!(url);
        let res = strict.http.post(strict.url("/api/v2/connections")).bearer_auth(&token).json(&body).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 400, "{field}");
        let e: Value = res.json().await.unwrap_or_default();
        assert!(message(&e).contains(&format!("options.{field} must not point at")), "{field}: {e}");
    }
}

#[tokio::test]
async fn a_huge_page_number_is_a_400_not_an_overflow() {
    let api = Api::start().await;
    let (s, e, _) = api.call(Method::GET, "/api/v2/connections?page=18446744073709551615&per_page=100&include_totals=true", None).await;
    assert_eq!(s, 400);
    assert!(message(&e).contains("page must be at most 100000"), "{e}");
    let (s, last, _) = api.call(Method::GET, "/api/v2/connections?page=100000&per_page=100&include_totals=true", None).await;
    assert_eq!((s.as_u16(), last["start"].as_u64()), (200, Some(10_000_000)));
}

#[tokio::test]
async fn errors_name_the_resource_they_are_about_in_a_readable_sentence() {
    let api = Api::start().await;
    for (path, code) in [
        ("/api/v2/connections/con_nope", "inexistent_connection"),
        ("/api/v2/clients/nope", "inexistent_client"),
        ("/api/v2/roles/rol_nope", "inexistent_role"),
        ("/api/v2/organizations/org_nope", "inexistent_organization"),
        ("/api/v2/users/oidc%7Cnope%7Cnope", "inexistent_user"),
    ] {
        let (s, e, _) = api.call(Method::GET, path, None).await;
        assert_eq!((s.as_u16(), e["errorCode"].as_str()), (404, Some(code)), "{path}: {e}");
    }
    let role = json!({ "name": "Auditor" });
    let (s, _, _) = api.call(Method::POST, "/api/v2/roles", Some(role.clone())).await;
    assert!(s.is_success(), "Auth0 answers a created role with 200");
    let (s, e, _) = api.call(Method::POST, "/api/v2/roles", Some(role)).await;
    assert_eq!((s.as_u16(), e["errorCode"].as_str(), e["message"].as_str()), (409, Some("role_conflict"), Some("A role with this name exists.")), "{e}");
    seed(&api, &["twice"]).await;
    let (s, e) = api.create(explicit("twice")).await;
    assert_eq!((s.as_u16(), e["errorCode"].as_str(), message(&e).as_str()), (409, Some("connection_conflict"), "A connection named \"twice\" already exists."), "{e}");
}
