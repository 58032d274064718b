//! Roles over real HTTP: `/api/v2/roles` in Auth0's shape, and a connection's group role
//! assignments giving signed-in users roles in Tessera's ID and access tokens, recomputed at
//! each sign-in, with the default role for members without an explicit one.

use crate::support::flow::Flow;
use base64::Engine;
use serde_json::{json, Value};

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default()
}

#[tokio::test]
async fn roles_are_managed_in_auth0s_shape() {
    let flow = Flow::start("back_channel").await;
    let token = flow.server.api_token("admin", &[]).await;
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut req = flow.server.http.request(method, flow.server.url(path)).bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, admin) = call(reqwest::Method::POST, "/api/v2/roles", Some(json!({ "name": "Admin", "description": "Runs the place" }))).await;
    assert_eq!(status, 200, "{admin}");
    assert!(admin["id"].as_str().is_some_and(|id| id.starts_with("rol_")));
    let (status, dup) = call(reqwest::Method::POST, "/api/v2/roles", Some(json!({ "name": "admin" }))).await;
    assert_eq!(status, 409, "{dup}");
    let (status, bad) = call(reqwest::Method::POST, "/api/v2/roles", Some(json!({ "description": "no name" }))).await;
    assert_eq!(status, 400);
    assert!(bad["message"].as_str().unwrap_or_default().contains("name"), "{bad}");
    let (status, _) = call(reqwest::Method::POST, "/api/v2/roles", Some(json!({ "name": "x", "permissions": [] }))).await;
    assert_eq!(status, 400, "unknown fields are refused");
    let id = admin["id"].as_str().unwrap_or_default().to_string();
    let (status, patched) = call(reqwest::Method::PATCH, &format!("/api/v2/roles/{id}"), Some(json!({ "description": "Owns the tenant" }))).await;
    assert_eq!((status, patched["name"].as_str(), patched["description"].as_str()), (200, Some("Admin"), Some("Owns the tenant")));
    let (_, list) = call(reqwest::Method::GET, "/api/v2/roles?include_totals=true", None).await;
    assert_eq!(list["total"], 1);
    let (status, _) = call(reqwest::Method::DELETE, &format!("/api/v2/roles/{id}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = call(reqwest::Method::GET, &format!("/api/v2/roles/{id}"), None).await;
    assert_eq!(status, 404);
    let read_only = flow.server.api_token("reader", &["read:roles"]).await;
    let res = flow.server.http.post(flow.server.url("/api/v2/roles")).bearer_auth(&read_only).json(&json!({ "name": "Nope" })).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn group_role_assignments_put_roles_in_tokens_and_the_default_role_goes_to_everyone_else() {
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let role = |name: &str| app::backend::roles::create(state, app::roles::RoleInput { name: Some(name.into()), description: None });
    let (admin, dev, member) = (role("Admin").await.unwrap_or_else(|e| panic!("{e}")), role("Developer").await.unwrap_or_else(|e| panic!("{e}")), role("Member").await.unwrap_or_else(|e| panic!("{e}")));
    use app::roles::{GroupRole, RoleAssignments};
    let set = |groups: Vec<(&str, &str)>, default: Option<&str>| {
        let a = RoleAssignments {
            groups: groups.into_iter().map(|(g, r)| GroupRole { group_id: g.into(), name: String::new(), role_id: r.into() }).collect(),
            default_role_id: default.map(str::to_string),
        };
        app::backend::roles::set_assignments(state, &flow.connection_id, a)
    };
    // The suite's IdP puts everyone in engineering and sso-admins.
    set(vec![("sso-admins", &admin.id), ("engineering", &dev.id), ("sales", &member.id)], Some(&member.id)).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, tokens) = flow.redeem(&flow.run("ada").await).await;
    assert_eq!(claims(tokens["id_token"].as_str().unwrap_or_default())["roles"], json!(["Admin", "Developer"]));
    // The access token is opaque, as Auth0's for /userinfo: the roles come from /userinfo.
    let access = tokens["access_token"].as_str().unwrap_or_default();
    assert!(access.len() >= 43 && !access.contains('.'), "an opaque access token: {access}");
    let res = flow.server.http.get(flow.server.url("/userinfo")).bearer_auth(access).send().await.unwrap_or_else(|e| panic!("{e}"));
    let info: Value = res.json().await.unwrap_or_default();
    assert_eq!(info["roles"], json!(["Admin", "Developer"]));

    // Recomputed at the next sign-in: no mapped group any more, so the default role.
    set(vec![("sales", &member.id)], Some(&member.id)).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, tokens) = flow.redeem(&flow.run("ada").await).await;
    assert_eq!(claims(tokens["id_token"].as_str().unwrap_or_default())["roles"], json!(["Member"]));
    let user = app::backend::users::get_user(state, "oidc|acme|ada").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(user.roles, ["Member"]);

    // No assignments: no roles claim at all.
    set(vec![], None).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, tokens) = flow.redeem(&flow.run("ada").await).await;
    assert!(claims(tokens["id_token"].as_str().unwrap_or_default()).get("roles").is_none());

    // A role that does not exist is named.
    let e = set(vec![("x", "rol_nope")], Some("rol_gone")).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(e, "groups[0].role_id: is not a role; default_role_id: is not a role");
}

#[tokio::test]
async fn group_role_assignments_are_read_and_replaced_through_the_management_api_with_roles_scopes() {
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let admin = app::backend::roles::create(state, app::roles::RoleInput { name: Some("Admin".into()), description: None }).await.unwrap_or_else(|e| panic!("{e}"));
    let path = format!("/api/v2/connections/{}/role-assignments", flow.connection_id);
    let call = |token: String, method: reqwest::Method, path: String, body: Option<Value>| {
        let mut req = flow.server.http.request(method, flow.server.url(&path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let all = flow.server.api_token("all", &[]).await;
    let body = json!({ "groups": [{ "group_id": "sso-admins", "role_id": admin.id }], "default_role_id": null });
    let (status, saved) = call(all.clone(), reqwest::Method::PUT, path.clone(), Some(body.clone())).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved, json!({ "groups": [{ "group_id": "sso-admins", "name": "", "role_id": admin.id }], "default_role_id": null }));
    let (status, read) = call(all.clone(), reqwest::Method::GET, path.clone(), None).await;
    assert_eq!((status, &read), (200, &saved));

    // Handing out roles takes update:roles: update:connections alone is refused.
    let connections_only = flow.server.api_token("connections", &["read:connections", "update:connections"]).await;
    let (status, _) = call(connections_only, reqwest::Method::PUT, path.clone(), Some(json!({ "groups": [] }))).await;
    assert_eq!(status, 403);
    let reader = flow.server.api_token("reader", &["read:roles"]).await;
    assert_eq!(call(reader.clone(), reqwest::Method::GET, path.clone(), None).await.0, 200);
    assert_eq!(call(reader, reqwest::Method::PUT, path.clone(), Some(json!({ "groups": [] }))).await.0, 403);

    // Bad input is named and changes nothing; an unknown connection is a 404.
    let (status, e) = call(all.clone(), reqwest::Method::PUT, path.clone(), Some(json!({ "groups": [{ "group_id": "x", "role_id": "rol_nope" }] }))).await;
    assert_eq!(status, 400);
    assert!(e["message"].as_str().unwrap_or_default().contains("groups[0].role_id"), "{e}");
    let (status, e) = call(all.clone(), reqwest::Method::PUT, path.clone(), Some(json!({ "groups": [], "surprise": 1 }))).await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(call(all.clone(), reqwest::Method::GET, path.clone(), None).await.1, saved, "unchanged");
    let (status, _) = call(all, reqwest::Method::PUT, "/api/v2/connections/con_nope/role-assignments".into(), Some(json!({ "groups": [] }))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn try_says_plainly_when_a_connection_that_assigns_roles_received_no_groups_claim() {
    use reqwest::header::{LOCATION, SET_COOKIE};
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let admin_role = app::backend::roles::create(state, app::roles::RoleInput { name: Some("Admin".into()), description: None }).await.unwrap_or_else(|e| panic!("{e}"));
    let a = app::roles::RoleAssignments { groups: vec![app::roles::GroupRole { group_id: "sso-admins".into(), name: String::new(), role_id: admin_role.id }], default_role_id: None };
    app::backend::roles::set_assignments(state, &flow.connection_id, a).await.unwrap_or_else(|e| panic!("{e}"));
    let http = &flow.server.http;
    let admin = flow.server.sign_in().await;
    let try_once = || async {
        let path = format!("/connections/enterprise/{}/try", flow.connection_id);
        let start = http.get(flow.server.url(&path)).header("cookie", &admin).send().await.unwrap_or_else(|e| panic!("{e}"));
        let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
        let idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
        let back = http.get(idp.headers()[LOCATION].to_str().unwrap_or_default()).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
        back.text().await.unwrap_or_default()
    };
    let with_groups = try_once().await;
    assert!(with_groups.contains("It works!") && !with_groups.contains("No groups claim arrived"), "{with_groups}");
    flow.idp.set_claims(json!({ "groups": null }));
    let without = try_once().await;
    assert!(without.contains("It works!") && without.contains("No groups claim arrived"), "{without}");
}
