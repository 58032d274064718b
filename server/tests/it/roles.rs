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
    assert_eq!(claims(tokens["access_token"].as_str().unwrap_or_default())["roles"], json!(["Admin", "Developer"]));

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
