//! Inbound SCIM 2.0 over real HTTP, replaying the request shapes Okta and Microsoft Entra
//! document (create, lookup by filter, PATCH `active=false`, group membership add/remove), the
//! errors every 4xx must carry, ETags, and the meeting of SCIM with the sign-in flow: a
//! provisioned user who signs in is one user, and deactivating them ends their sessions,
//! refresh tokens and (by back-channel logout) their application's session.

use crate::support::flow::{param, Flow};
use crate::support::logout_receiver::LogoutReceiver;
use reqwest::Method;
use serde_json::{json, Value};

const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

struct Scim {
    flow: Flow,
    token: String,
    base: String,
}

impl Scim {
    async fn start() -> Scim {
        let flow = Flow::start_with("back_channel", json!({ "scim_enabled": true })).await;
        let (_, token) = app::backend::scim::tokens::create(&flow.server.state, &flow.connection_id, "Okta").await.unwrap_or_else(|e| panic!("{e}"));
        let base = flow.server.url(&format!("/scim/v2/{}", flow.connection_id));
        Scim { flow, token, base }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value, reqwest::header::HeaderMap) {
        self.call_with(method, path, body, &[]).await
    }

    async fn call_with(&self, method: Method, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut req = self.flow.server.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/scim+json").body(b.to_string());
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        assert!(status < 500, "{path} answered {status}: {text}");
        if status >= 400 {
            let body: Value = serde_json::from_str(&text).unwrap_or_default();
            assert_eq!(body["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]), "every error is SCIM's: {text}");
            assert_eq!(body["status"], status.to_string().as_str());
            assert_eq!(headers["content-type"], "application/scim+json");
        }
        (status, serde_json::from_str(&text).unwrap_or(Value::Null), headers)
    }
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn okta_provisions_looks_up_updates_and_deactivates_a_user_with_its_documented_requests() {
    let s = Scim::start().await;
    // Okta first looks the user up, then creates them.
    let (status, none, _) = s.call(Method::GET, &format!("/Users?filter={}&startIndex=1&count=100", enc("userName eq \"test.user@okta.local\"")), None).await;
    assert_eq!((status, none["totalResults"].as_u64()), (200, Some(0)), "{none}");
    let okta_user = json!({
        "schemas": [USER], "userName": "test.user@okta.local", "name": { "givenName": "Test", "familyName": "User" },
        "emails": [{ "primary": true, "value": "test.user@okta.local", "type": "work" }], "displayName": "Test User",
        "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7", "groups": [], "password": "1mz050nq", "active": true,
    });
    let (status, created, headers) = s.call(Method::POST, "/Users", Some(okta_user.clone())).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap_or_default().to_string();
    assert!(id.starts_with("usr_"));
    assert_eq!(headers["location"].to_str().unwrap_or_default(), format!("{}/Users/{id}", s.base));
    assert_eq!(created["meta"]["version"], headers["etag"].to_str().unwrap_or_default());
    assert!(created.get("password").is_none(), "unknown attributes are not kept: {created}");
    assert_eq!((created["userName"].as_str(), created["active"].as_bool()), (Some("test.user@okta.local"), Some(true)));
    let (status, again, _) = s.call(Method::POST, "/Users", Some(okta_user.clone())).await;
    assert_eq!((status, again["scimType"].as_str()), (409, Some("uniqueness")));

    // Found by userName (any case), by externalId, and read by id.
    let (_, found, _) = s.call(Method::GET, &format!("/Users?filter={}", enc("userName eq \"TEST.USER@okta.local\"")), None).await;
    assert_eq!((found["totalResults"].as_u64(), found["Resources"][0]["id"].as_str()), (Some(1), Some(id.as_str())), "{found}");
    let (_, by_external, _) = s.call(Method::GET, &format!("/Users?filter={}", enc("externalId eq \"00ujl29u0le5T6Aj10h7\"")), None).await;
    assert_eq!(by_external["totalResults"], 1);
    let (status, got, _) = s.call(Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!((status, got["name"]["givenName"].as_str()), (200, Some("Test")));

    // PUT replaces the resource.
    let mut replaced = okta_user.clone();
    replaced["name"] = json!({ "givenName": "Another", "familyName": "User" });
    let (status, put, _) = s.call(Method::PUT, &format!("/Users/{id}"), Some(replaced)).await;
    assert_eq!((status, put["name"]["givenName"].as_str()), (200, Some("Another")), "{put}");
    let user = app::backend::users::get_user(&s.flow.server.state, &app::backend::scim::users::user_id_of(&id).unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((user.email.as_deref(), user.name.as_deref()), (Some("test.user@okta.local"), Some("Test User")));
    assert_eq!(user.profile["given_name"], "Another", "the profile tokens carry follows SCIM");

    // If-Match: a stale version is refused.
    let (status, stale, _) = s.call_with(Method::PATCH, &format!("/Users/{id}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "displayName": "X" } }] })), &[("if-match", "W/\"1\"")]).await;
    assert_eq!(status, 412, "{stale}");

    // Okta deactivates with a path-less replace.
    let (status, off, _) = s.call(Method::PATCH, &format!("/Users/{id}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "active": false } }] }))).await;
    assert_eq!((status, off["active"].as_bool()), (200, Some(false)), "{off}");
    let (_, active, _) = s.call(Method::GET, &format!("/Users?filter={}", enc("active eq false")), None).await;
    assert_eq!(active["totalResults"], 1);
}

#[tokio::test]
async fn microsoft_entra_provisions_with_its_shapes_and_manages_group_membership() {
    let s = Scim::start().await;
    let entra_user = json!({
        "schemas": [USER, ENTERPRISE], "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": "Test_User_ab6490ee@testuser.com",
        "active": true, "emails": [{ "primary": true, "type": "work", "value": "Test_User_fd0ea19b@testuser.com" }],
        "meta": { "resourceType": "User" }, "name": { "formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName" },
        "roles": [], ENTERPRISE: { "department": "Sales" },
    });
    let (status, created, _) = s.call(Method::POST, "/Users", Some(entra_user)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(created["schemas"], json!([USER, ENTERPRISE]));
    assert_eq!(created[ENTERPRISE]["department"], "Sales");

    let (status, updated, _) = s
        .call(Method::PATCH, &format!("/Users/{id}"), Some(json!({ "schemas": [PATCH], "Operations": [
            { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com" },
            { "op": "Replace", "path": "name.familyName", "value": "updatedFamilyName" },
            { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "2819c223-7f76-453a-919d-413861904646" },
            { "op": "Replace", "path": "userName", "value": "5b50642d@testuser.com" },
        ] })))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["emails"][0]["value"], "updatedEmail@microsoft.com");
    assert_eq!(updated["name"]["familyName"], "updatedFamilyName");
    assert_eq!(updated[ENTERPRISE]["manager"]["value"], "2819c223-7f76-453a-919d-413861904646", "Entra sends the manager as a bare id");
    assert_eq!(updated["userName"], "5b50642d@testuser.com");

    // Groups: create, find by displayName without members, add and remove a member.
    let (status, group, _) = s
        .call(Method::POST, "/Groups", Some(json!({ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "Sales Team", "meta": { "resourceType": "Group" } })))
        .await;
    assert_eq!(status, 201, "{group}");
    let gid = group["id"].as_str().unwrap_or_default().to_string();
    let (_, found, _) = s.call(Method::GET, &format!("/Groups?excludedAttributes=members&filter={}", enc("displayName eq \"sales team\"")), None).await;
    assert_eq!((found["totalResults"].as_u64(), found["Resources"][0]["id"].as_str()), (Some(1), Some(gid.as_str())), "{found}");
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "Add", "path": "members", "value": [{ "$ref": null, "value": id }] }] });
    let (status, with, _) = s.call(Method::PATCH, &format!("/Groups/{gid}"), Some(add)).await;
    assert_eq!((status, with["members"][0]["value"].as_str()), (200, Some(id.as_str())), "{with}");
    let (_, member, _) = s.call(Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!(member["groups"][0]["display"], "Sales Team", "{member}");
    let user_id = app::backend::scim::users::user_id_of(&id).unwrap_or_default();
    let user = app::backend::users::get_user(&s.flow.server.state, &user_id).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(user.groups.contains(&"Sales Team".to_string()), "tokens carry SCIM groups: {:?}", user.groups);
    let (_, by_member, _) = s.call(Method::GET, &format!("/Groups?filter={}", enc(&format!("members[value eq \"{id}\"]"))), None).await;
    assert_eq!(by_member["totalResults"], 1, "{by_member}");

    let remove = json!({ "schemas": [PATCH], "Operations": [{ "op": "Remove", "path": "members", "value": [{ "$ref": null, "value": id }] }] });
    let (status, without, _) = s.call(Method::PATCH, &format!("/Groups/{gid}"), Some(remove)).await;
    assert_eq!(status, 200);
    assert!(without.get("members").is_none(), "{without}");
    let (_, member, _) = s.call(Method::GET, &format!("/Users/{id}"), None).await;
    assert!(member.get("groups").is_none(), "{member}");

    // Okta's shapes for the same: add, then remove by filter; rename.
    let (_, _, _) = s.call(Method::PATCH, &format!("/Groups/{gid}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "add", "path": "members", "value": [{ "value": id, "display": "x" }] }] }))).await;
    let (_, renamed, _) = s
        .call(Method::PATCH, &format!("/Groups/{gid}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "id": gid, "displayName": "Sales EMEA" } }] })))
        .await;
    assert_eq!(renamed["displayName"], "Sales EMEA");
    let (_, member, _) = s.call(Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!(member["groups"][0]["display"], "Sales EMEA", "a rename reaches the members");
    let (_, emptied, _) = s.call(Method::PATCH, &format!("/Groups/{gid}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "remove", "path": format!("members[value eq \"{id}\"]") }] }))).await;
    assert!(emptied.get("members").is_none(), "{emptied}");

    // Entra disables with a string boolean, then deletes.
    let (_, off, _) = s.call(Method::PATCH, &format!("/Users/{id}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] }))).await;
    assert_eq!(off["active"], false);
    let (status, _, _) = s.call(Method::DELETE, &format!("/Users/{id}"), None).await;
    assert_eq!(status, 204);
    let (status, gone, _) = s.call(Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!(status, 404, "{gone}");
    let (status, _, _) = s.call(Method::DELETE, &format!("/Groups/{gid}"), None).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn every_refusal_is_a_scim_error_naming_the_problem() {
    let s = Scim::start().await;
    let (status, _, headers) = {
        let res = s.flow.server.http.get(format!("{}/Users", s.base)).send().await.unwrap_or_else(|e| panic!("{e}"));
        let h = res.headers().clone();
        (res.status().as_u16(), (), h)
    };
    assert_eq!(status, 401);
    assert!(headers["www-authenticate"].to_str().unwrap_or_default().starts_with("Bearer"));
    let wrong = s.flow.server.http.get(format!("{}/Users", s.base)).bearer_auth("tsc_wrong").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong.status(), 401);
    // Another connection's endpoint does not take this connection's token.
    let other = s.flow.server.http.get(s.flow.server.url("/scim/v2/con_doesnotexist/Users")).bearer_auth(&s.token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other.status(), 401);

    let cases: Vec<(Method, &str, Option<Value>, u16, Option<&str>, &str)> = vec![
        (Method::GET, "/Users?filter=userName%20like%20%22a%22", None, 400, Some("invalidFilter"), "is not an operator"),
        (Method::POST, "/Users", Some(json!({ "schemas": [USER], "name": { "givenName": "A" } })), 400, Some("invalidValue"), "userName is required"),
        (Method::POST, "/Users", Some(json!({ "schemas": [USER], "userName": "a", "active": "perhaps" })), 400, Some("invalidValue"), "active must be true or false"),
        (Method::POST, "/Groups", Some(json!({ "displayName": "G", "members": [{ "value": "usr_bm9ib2R5" }] })), 400, Some("invalidValue"), "is not a user of this connection"),
        (Method::GET, "/Users/usr_bm9ib2R5", None, 404, None, "There is no user"),
        (Method::GET, "/Groups/grp_none", None, 404, None, "There is no group"),
        (Method::GET, "/Bulk", None, 404, None, "no such SCIM endpoint"),
    ];
    for (method, path, body, want, scim_type, says) in cases {
        let body_sent = body.is_some();
        let (status, e, _) = s.call(method.clone(), path, body).await;
        assert_eq!((status, e["scimType"].as_str()), (want, scim_type), "{method} {path}: {e}");
        assert!(e["detail"].as_str().unwrap_or_default().contains(says), "{path}: {e}");
        let _ = body_sent;
    }
    let raw = s.flow.server.http.post(format!("{}/Users", s.base)).bearer_auth(&s.token).body("{not json").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raw.status(), 400);
    let (status, created, _) = s.call(Method::POST, "/Users", Some(json!({ "schemas": [USER], "userName": "pat@example.test" }))).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap_or_default().to_string();
    for (ops, scim_type) in [
        (json!([{ "op": "remove" }]), "noTarget"),
        (json!([{ "op": "replace", "path": "shoeSize", "value": 1 }]), "invalidPath"),
        (json!([{ "op": "replace", "path": "id", "value": "x" }]), "mutability"),
        (json!([{ "op": "jump", "path": "active" }]), "invalidSyntax"),
    ] {
        let (status, e, _) = s.call(Method::PATCH, &format!("/Users/{id}"), Some(json!({ "schemas": [PATCH], "Operations": ops }))).await;
        assert_eq!((status, e["scimType"].as_str()), (400, Some(scim_type)), "{e}");
    }
    // Nothing half-written: the user is as created.
    let (_, after, _) = s.call(Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!(after["meta"]["version"], created["meta"]["version"]);

    // SCIM turned off: the token still authenticates, the endpoint refuses.
    let connection = app::backend::connections::get_connection(&s.flow.server.state, &s.flow.connection_id).await.unwrap_or_else(|e| panic!("{e}"));
    s.flow.exec(&format!("UPDATE connections SET options = replace(options, '\"scim_enabled\":true', '\"scim_enabled\":false') WHERE id = '{}'", connection.id)).await;
    let (status, off, _) = s.call(Method::GET, "/Users", None).await;
    assert_eq!(status, 403, "{off}");
}

#[tokio::test]
async fn discovery_endpoints_describe_what_is_served() {
    let s = Scim::start().await;
    let (_, spc, _) = s.call(Method::GET, "/ServiceProviderConfig", None).await;
    assert_eq!((spc["patch"]["supported"].as_bool(), spc["etag"]["supported"].as_bool(), spc["bulk"]["supported"].as_bool()), (Some(true), Some(true), Some(false)));
    let (_, types, _) = s.call(Method::GET, "/ResourceTypes", None).await;
    assert_eq!(types["totalResults"], 2);
    let (_, user_type, _) = s.call(Method::GET, "/ResourceTypes/User", None).await;
    assert_eq!(user_type["schemaExtensions"][0]["schema"], ENTERPRISE);
    let (_, schemas, _) = s.call(Method::GET, "/Schemas", None).await;
    let ids: Vec<&str> = schemas["Resources"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, [USER, ENTERPRISE, "urn:ietf:params:scim:schemas:core:2.0:Group"]);
    let (status, user_schema, _) = s.call(Method::GET, &format!("/Schemas/{USER}"), None).await;
    assert_eq!((status, user_schema["attributes"][0]["name"].as_str()), (200, Some("userName")));
}

#[tokio::test]
async fn a_provisioned_user_who_signs_in_is_one_user_and_deactivating_them_ends_sessions_tokens_and_the_applications_session() {
    let s = Scim::start().await;
    let receiver = LogoutReceiver::start().await;
    let update = app::applications::UpdateApplication { backchannel_logout_uri: Some(receiver.url()), ..Default::default() };
    app::backend::applications::update_application(&s.flow.server.state, &s.flow.client_id, update).await.unwrap_or_else(|e| panic!("{e}"));
    let (status, created, _) = s
        .call(Method::POST, "/Users", Some(json!({ "schemas": [USER], "userName": "sam@example.test", "externalId": "directory-42",
            "name": { "givenName": "Samantha", "familyName": "Provisioned" }, "emails": [{ "value": "sam@example.test", "primary": true }] })))
        .await;
    assert_eq!(status, 201);
    let scim_user_id = app::backend::scim::users::user_id_of(created["id"].as_str().unwrap_or_default()).unwrap_or_default();

    // The IdP's sub is "sam" (not the externalId): the email links them.
    let (location, _) = s.flow.run_for_session("&login_hint=sam&scope=openid%20email%20profile%20offline_access").await;
    let (status, tokens) = s.flow.redeem(&location).await;
    assert_eq!(status, 200, "{tokens}");
    let claims: Value = {
        use base64::Engine;
        let payload = tokens["id_token"].as_str().unwrap_or_default().split('.').nth(1).unwrap_or_default();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default()
    };
    assert_eq!(claims["sub"].as_str(), Some(scim_user_id.as_str()), "one user: SCIM's");
    assert_eq!(s.flow.count("users").await, 1);
    assert_eq!(claims["given_name"], "Samantha", "SCIM's attributes stand within the Sync Frequency: {claims}");

    // Deactivated by SCIM: refresh refused, back-channel logout delivered, next sign-in refused.
    let (_, _, _) = s.call(Method::PATCH, &format!("/Users/{}", created["id"].as_str().unwrap_or_default()), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "active", "value": false }] }))).await;
    let refresh = tokens["refresh_token"].as_str().unwrap_or_default();
    let res = s
        .flow
        .server
        .http
        .post(s.flow.server.url("/oauth/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", &s.flow.client_id), ("client_secret", &s.flow.client_secret)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 400, "the refresh token stopped working");
    let logout = receiver.next().await.unwrap_or_else(|| panic!("the application got no back-channel logout"));
    let logout_claims = receiver.verify(&logout, &s.flow.server.url("/"), &s.flow.client_id).await;
    assert_eq!(logout_claims["sub"].as_str(), Some(scim_user_id.as_str()));
    let refused = s.flow.run("sam").await;
    assert_eq!(param(&refused, "error"), "access_denied");
    assert!(param(&refused, "error_description").contains("deactivated"), "{refused}");
}

#[tokio::test]
async fn scim_attributes_stand_for_the_sync_frequency_and_a_user_scim_deleted_cannot_sign_in_until_provisioned_again() {
    let s = Scim::start().await;
    let user = json!({ "schemas": [USER], "userName": "sam@example.test", "displayName": "Samantha Provisioned", "emails": [{ "value": "sam@example.test", "primary": true }] });
    let (_, created, _) = s.call(Method::POST, "/Users", Some(user.clone())).await;
    let user_id = app::backend::scim::users::user_id_of(created["id"].as_str().unwrap_or_default()).unwrap_or_default();
    let name = || async { app::backend::users::get_user(&s.flow.server.state, &user_id).await.ok().and_then(|u| u.name) };

    // "Sync user profile attributes at each login" is on; the Sync Frequency is a day.
    assert!(s.flow.run("sam").await.contains("code="));
    assert_eq!(name().await.as_deref(), Some("Samantha Provisioned"), "SCIM wrote the user within the Sync Frequency: its name stands");
    s.flow.exec("UPDATE users SET provisioned_at = provisioned_at - 2 * 86400000").await;
    assert!(s.flow.run("sam").await.contains("code="));
    assert_eq!(name().await.as_deref(), Some("User sam"), "older than the Sync Frequency: the sign-in refreshes it");

    // Deleted by SCIM: refused (a sign-in would otherwise make a new user), until SCIM creates them again.
    let (status, _, _) = s.call(Method::DELETE, &format!("/Users/{}", created["id"].as_str().unwrap_or_default()), None).await;
    assert_eq!(status, 204);
    let refused = s.flow.run("sam").await;
    assert!(param(&refused, "error_description").contains("deleted by the identity provider's SCIM provisioning"), "{refused}");
    assert_eq!(s.flow.count("users").await, 0, "no user was made");
    let (status, _, _) = s.call(Method::POST, "/Users", Some(user)).await;
    assert_eq!(status, 201);
    assert!(s.flow.run("sam").await.contains("code="), "provisioned again, they sign in");
    assert_eq!(s.flow.count("users").await, 1);
}

#[tokio::test]
async fn a_scim_group_membership_gives_the_groups_role_at_once_and_leaving_it_gives_the_default_role() {
    let s = Scim::start().await;
    let state = &s.flow.server.state;
    let role = |name: &str| app::backend::roles::create(state, app::roles::RoleInput { name: Some(name.into()), description: None });
    let (finance, member) = (role("Finance").await.unwrap_or_else(|e| panic!("{e}")), role("Member").await.unwrap_or_else(|e| panic!("{e}")));
    let a = app::roles::RoleAssignments {
        groups: vec![app::roles::GroupRole { group_id: "Finance Team".into(), name: String::new(), role_id: finance.id.clone() }],
        default_role_id: Some(member.id.clone()),
    };
    app::backend::roles::set_assignments(state, &s.flow.connection_id, a).await.unwrap_or_else(|e| panic!("{e}"));
    let (_, created, _) = s.call(Method::POST, "/Users", Some(json!({ "schemas": [USER], "userName": "grace@example.com", "active": true }))).await;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let (status, group, _) = s.call(Method::POST, "/Groups", Some(json!({ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Finance Team", "members": [{ "value": id }] }))).await;
    assert_eq!(status, 201, "{group}");
    let user = app::backend::users::get_user(state, &app::backend::scim::users::user_id_of(&id).unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(user.roles, ["Finance"]);
    let gid = group["id"].as_str().unwrap_or_default();
    let (status, _, _) = s.call(Method::PATCH, &format!("/Groups/{gid}"), Some(json!({ "schemas": [PATCH], "Operations": [{ "op": "remove", "path": format!("members[value eq \"{id}\"]") }] }))).await;
    assert!(status == 200 || status == 204, "{status}");
    let user = app::backend::users::get_user(state, &app::backend::scim::users::user_id_of(&id).unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(user.roles, ["Member"], "group members without an explicit role receive the default role");
}

/// The filters Entra and Okta send besides userName and externalId (`emails[type eq "work"].value
/// eq`, `name.familyName eq`) find the same users by index as they did by scanning: provisioned
/// users by any of their email values (case-insensitively, following a PATCH), users SCIM never
/// wrote by the email and family name their sign-in brought.
#[tokio::test]
async fn email_and_family_name_filters_find_provisioned_and_signed_in_users_and_follow_changes() {
    let s = Scim::start().await;
    let (status, ada, _) = s
        .call(Method::POST, "/Users", Some(json!({ "schemas": [USER], "userName": "ada@work.example", "name": { "givenName": "Ada", "familyName": "Lovelace" },
            "emails": [{ "value": "Ada@Work.example", "type": "work", "primary": true }, { "value": "ada@home.example", "type": "home" }] })))
        .await;
    assert_eq!(status, 201, "{ada}");
    // A user who only signed in (the suite's IdP gives alice@example.test and a family name).
    s.flow.run("alice").await;
    let total = |filter: &'static str| {
        let s = &s;
        async move {
            let (status, body, _) = s.call(Method::GET, &format!("/Users?filter={}", enc(filter)), None).await;
            assert_eq!(status, 200, "{filter}: {body}");
            let users: Vec<String> = body["Resources"].as_array().into_iter().flatten().filter_map(|u| u["userName"].as_str().map(str::to_string)).collect();
            (body["totalResults"].as_u64().unwrap_or(99), users)
        }
    };
    assert_eq!(total(r#"emails[type eq "work"].value eq "ada@WORK.example""#).await, (1, vec!["ada@work.example".to_string()]));
    assert_eq!(total(r#"emails[type eq "work"].value eq "ada@home.example""#).await.0, 0, "the home email is not the work one");
    assert_eq!(total(r#"emails.value eq "ada@home.example""#).await.0, 1);
    assert_eq!(total(r#"name.familyName eq "lovelace""#).await, (1, vec!["ada@work.example".to_string()]));
    assert_eq!(total(r#"emails[type eq "work"].value eq "alice@example.test""#).await.0, 1, "a user SCIM never wrote is found by their email");
    let alice_family = s.flow.server.state.db.fetch_optional_scalar::<String>("SELECT profile FROM users WHERE email = 'alice@example.test'", &[]).await.unwrap_or_default().unwrap_or_default();
    let family: Value = serde_json::from_str(&alice_family).unwrap_or_default();
    if let Some(name) = family["family_name"].as_str() {
        let (n, _) = s.call(Method::GET, &format!("/Users?filter={}", enc(&format!("name.familyName eq \"{name}\""))), None).await.1["totalResults"].as_u64().map(|n| (n, ())).unwrap_or((99, ()));
        assert_eq!(n, 1, "a signed-in user's family name from their profile");
    }

    // A PATCH replaces the emails and the family name: the old values find nobody.
    let id = ada["id"].as_str().unwrap_or_default();
    let (status, patched, _) = s
        .call(Method::PATCH, &format!("/Users/{id}"), Some(json!({ "schemas": [PATCH], "Operations": [
            { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada@analytical.example" },
            { "op": "replace", "path": "name.familyName", "value": "King" } ] })))
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(total(r#"emails[type eq "work"].value eq "ada@work.example""#).await.0, 0);
    assert_eq!(total(r#"emails[type eq "work"].value eq "ada@analytical.example""#).await.0, 1);
    assert_eq!(total(r#"name.familyName eq "Lovelace""#).await.0, 0);
    assert_eq!(total(r#"name.familyName eq "king""#).await.0, 1);
    // Deleted: its email rows go with it.
    assert_eq!(s.call(Method::DELETE, &format!("/Users/{id}"), None).await.0, 204);
    let rows: i64 = s.flow.server.state.db.fetch_scalar("SELECT COUNT(*) FROM scim_user_emails", &[]).await.unwrap_or(-1);
    assert_eq!(rows, 0);
}
