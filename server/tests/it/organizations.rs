//! Organizations over real HTTP: `/api/v2/organizations` in Auth0's shape, connections owned by
//! one organization, email domains verified by a DNS TXT record against the tests' own DNS
//! server, home realm discovery through an organization's domains, and self-service setup links
//! (single use, bound to the first browser, expiring, revocable, tampered with, scoped).

use crate::support::dns_server::DnsServer;
use crate::support::flow::{Flow, SECRET};
use crate::support::{cookie_set, TestServer};
use app::backend::organizations::{domains, setup};
use app::organizations::{DomainStatus, OrganizationInput};
use reqwest::header::LOCATION;
use serde_json::{json, Value};

/// A new organization named `name` (nothing else set).
async fn organization(state: &app::backend::AppState, name: &str) -> app::organizations::Organization {
    app::backend::organizations::create(state, OrganizationInput { name: Some(name.into()), ..Default::default() }).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn call(server: &TestServer, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = server.http.request(method, server.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    assert!(status < 500, "{path} answered {status}");
    (status, res.json::<Value>().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn organizations_own_connections_and_domains_in_auth0s_shape() {
    use reqwest::Method;
    let flow = Flow::start("back_channel").await;
    let s = &flow.server;
    let t = s.api_token("admin", &[]).await;
    let (status, acme) = call(s, &t, Method::POST, "/api/v2/organizations", Some(json!({ "name": "acme", "display_name": "Acme Corp", "metadata": { "tier": "gold" } }))).await;
    assert_eq!(status, 201, "{acme}");
    assert!(acme["id"].as_str().is_some_and(|id| id.starts_with("org_")));
    assert_eq!((acme["name"].as_str(), acme["display_name"].as_str(), acme["metadata"]["tier"].as_str()), (Some("acme"), Some("Acme Corp"), Some("gold")));
    let id = acme["id"].as_str().unwrap_or_default().to_string();
    let (status, dup) = call(s, &t, Method::POST, "/api/v2/organizations", Some(json!({ "name": "acme" }))).await;
    assert_eq!(status, 409, "{dup}");
    let (status, bad) = call(s, &t, Method::POST, "/api/v2/organizations", Some(json!({ "name": "Acme Corp" }))).await;
    assert_eq!(status, 400);
    assert!(bad["message"].as_str().unwrap_or_default().contains("name may contain only lowercase letters"), "{bad}");
    let (status, by_name) = call(s, &t, Method::GET, "/api/v2/organizations/name/acme", None).await;
    assert_eq!((status, by_name["id"].as_str()), (200, Some(id.as_str())));
    let (status, patched) = call(s, &t, Method::PATCH, &format!("/api/v2/organizations/{id}"), Some(json!({ "display_name": "Acme Corporation" }))).await;
    assert_eq!((status, patched["display_name"].as_str(), patched["name"].as_str()), (200, Some("Acme Corporation"), Some("acme")));

    // A connection belongs to one organization.
    let path = format!("/api/v2/organizations/{id}/enabled_connections");
    let (status, enabled) = call(s, &t, Method::POST, &path, Some(json!({ "connection_id": flow.connection_id, "assign_membership_on_login": true }))).await;
    assert_eq!(status, 201, "{enabled}");
    assert_eq!(enabled, json!({ "connection_id": flow.connection_id, "assign_membership_on_login": true, "show_as_button": true, "connection": { "name": "acme", "strategy": "oidc" } }));
    let (_, other) = call(s, &t, Method::POST, "/api/v2/organizations", Some(json!({ "name": "globex" }))).await;
    let other_id = other["id"].as_str().unwrap_or_default().to_string();
    let (status, taken) = call(s, &t, Method::POST, &format!("/api/v2/organizations/{other_id}/enabled_connections"), Some(json!({ "connection_id": flow.connection_id }))).await;
    assert_eq!(status, 409, "{taken}");
    let (status, _) = call(s, &t, Method::POST, &path, Some(json!({ "connection_id": "con_nope" }))).await;
    assert_eq!(status, 400);
    let (_, list) = call(s, &t, Method::GET, &path, None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    // Domains: the admin's are verified, DNS ones pending; one organization each.
    let domains_path = format!("/api/v2/organizations/{id}/discovery-domains");
    let (status, d) = call(s, &t, Method::POST, &domains_path, Some(json!({ "domain": "Acme.TEST", "status": "verified" }))).await;
    assert_eq!((status, d["domain"].as_str(), d["status"].as_str()), (201, Some("acme.test"), Some("verified")), "{d}");
    let (status, pending) = call(s, &t, Method::POST, &domains_path, Some(json!({ "domain": "acme-corp.test" }))).await;
    assert_eq!((status, pending["status"].as_str(), pending["verification_host"].as_str()), (201, Some("pending"), Some("_tessera-challenge.acme-corp.test")));
    assert!(pending["verification_txt"].as_str().is_some_and(|v| v.starts_with("tessera-domain-verification=")));
    let (status, clash) = call(s, &t, Method::POST, &format!("/api/v2/organizations/{other_id}/discovery-domains"), Some(json!({ "domain": "acme.test", "status": "verified" }))).await;
    assert_eq!(status, 409, "{clash}");
    let (status, bad) = call(s, &t, Method::POST, &domains_path, Some(json!({ "domain": "10.0.0.1" }))).await;
    assert_eq!(status, 400);
    assert!(bad["message"].as_str().unwrap_or_default().contains("domain must be a domain name, not an IP address"), "{bad}");

    // Scopes are Auth0's.
    let reader = s.api_token("reader", &["read:organizations"]).await;
    let (status, _) = call(s, &reader, Method::POST, "/api/v2/organizations", Some(json!({ "name": "nope" }))).await;
    assert_eq!(status, 403);
    let (status, _) = call(s, &reader, Method::GET, &path, None).await;
    assert_eq!(status, 403, "enabled_connections need read:organization_connections");

    // Deleting the organization leaves its connection, unowned.
    let (status, _) = call(s, &t, Method::DELETE, &format!("/api/v2/organizations/{id}"), None).await;
    assert_eq!(status, 204);
    assert!(app::backend::connections::get_connection(&s.state, &flow.connection_id).await.is_ok());
    assert_eq!(app::backend::organizations::owner_of_connection(&s.state, &flow.connection_id).await.ok().flatten(), None);
}

#[tokio::test]
async fn a_domain_is_verified_only_by_the_txt_record_it_was_given() {
    let dns = DnsServer::start().await;
    let server = TestServer::start_with(|s| s.dns_resolver = Some(dns.addr)).await;
    let state = &server.state;
    let org = organization(state, "acme").await;
    let d = domains::add(state, &org.id, "acme.test", false).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.status, DomainStatus::Pending);

    // Missing: no record at all.
    match domains::verify(state, &org.id, &d.id).await.unwrap_or_else(|e| panic!("{e}")) {
        domains::Verification::NotYet(reason) => assert!(reason.starts_with("No TXT record was found at _tessera-challenge.acme.test"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Wrong: a record, but not the one Tessera gave.
    dns.set_txt("_tessera-challenge.acme.test", &["tessera-domain-verification=someone-else", "v=spf1 -all"]);
    match domains::verify(state, &org.id, &d.id).await.unwrap_or_else(|e| panic!("{e}")) {
        domains::Verification::NotYet(reason) => assert!(reason.contains("does not hold the expected value") && reason.contains("someone-else"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(domains::get(state, &org.id, &d.id).await.map(|d| d.status).ok(), Some(DomainStatus::Pending));
    assert_eq!(domains::organization_for_email(state, "ada@acme.test").await.ok().flatten(), None, "a pending domain sends no one anywhere");

    // Found: the record holds the value (beside others).
    dns.set_txt("_tessera-challenge.acme.test", &["v=spf1 -all", &d.verification_txt]);
    match domains::verify(state, &org.id, &d.id).await.unwrap_or_else(|e| panic!("{e}")) {
        domains::Verification::Verified(v) => assert_eq!(v.status, DomainStatus::Verified),
        other => panic!("{other:?}"),
    }
    assert_eq!(domains::organization_for_email(state, "Ada@ACME.test").await.ok().flatten(), Some(org.id.clone()));

    // Over the Management API, a failed verification is a 400 naming what DNS answered.
    let other = domains::add(state, &org.id, "globex.test", false).await.unwrap_or_else(|e| panic!("{e}"));
    let token = server.api_token("admin", &[]).await;
    let (status, body) = call(&server, &token, reqwest::Method::POST, &format!("/api/v2/organizations/{}/discovery-domains/{}/verify", org.id, other.id), None).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap_or_default().contains("No TXT record"), "{body}");
}

#[tokio::test]
async fn the_login_page_sends_an_organizations_domain_to_its_connection() {
    let flow = Flow::start("back_channel").await;
    let state = &flow.server.state;
    let authorize = flow.authorize_url("&login_hint=ada@acme.test").replace("&connection=acme", "");
    // No organization domain yet: the login page.
    let res = flow.server.http.get(&authorize).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap_or_default().contains("No sign-in is set up for acme.test"));

    let org = organization(state, "acme").await;
    let input = app::organizations::EnabledConnectionInput { connection_id: Some(flow.connection_id.clone()), ..Default::default() };
    app::backend::organizations::enable_connection(state, &org.id, input).await.unwrap_or_else(|e| panic!("{e}"));
    domains::add(state, &org.id, "acme.test", true).await.unwrap_or_else(|e| panic!("{e}"));
    let res = flow.server.http.get(&authorize).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 302);
    assert!(res.headers()[LOCATION].to_str().unwrap_or_default().starts_with(&flow.idp.base), "straight to the organization's IdP");
}

/// The `name=value` of the setup cookie a response set.
fn setup_cookie(res: &reqwest::Response) -> Option<String> {
    cookie_set(res, "tessera_setup_")
}

#[tokio::test]
async fn a_setup_link_works_once_in_one_browser_reaches_only_its_connection_and_ends_with_a_tested_connection() {
    let flow = Flow::start("back_channel").await;
    let s = &flow.server;
    let state = &s.state;
    let org = app::backend::organizations::create(state, OrganizationInput { name: Some("initech".into()), display_name: Some("Initech".into()), metadata: None })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(setup::create(state, &org.id, 5, vec![], "admin@example.com").await.is_err(), "5 days is not a choice");
    let created = setup::create(state, &org.id, 7, vec![flow.client_id.clone()], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let path = created.url.strip_prefix(&s.base).unwrap_or_default().to_string();
    let token = path.trim_start_matches("/setup/").to_string();

    // The first browser is bound to the link.
    let first = s.http.get(s.url(&path)).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()[LOCATION], format!("/setup/{token}/steps").as_str());
    let cookie = setup_cookie(&first).unwrap_or_else(|| panic!("no setup cookie"));
    // A second browser: refused, and so is the first browser on a tampered link.
    let second = s.http.get(s.url(&path)).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.status(), 403);
    assert!(second.text().await.unwrap_or_default().contains("This setup link was already used"));
    let mut tampered = token.clone();
    tampered.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    let res = s.http.get(s.url(&format!("/setup/{tampered}"))).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap_or_default().contains("This setup link is not valid"));

    // The link's screens answer the bound browser only, rendered on the server with no wasm.
    let steps = format!("/setup/{token}/steps");
    let view = |c: Option<String>| {
        let mut req = s.http.get(s.url(&steps));
        if let Some(c) = c {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap_or_else(|e| panic!("{e}")) }
    };
    let res = view(Some(cookie.clone())).await;
    assert_eq!(res.status(), 200);
    let policy = res.headers()["content-security-policy"].to_str().unwrap_or_default().to_string();
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("Set up single sign-on for Initech") && html.contains("Which identity provider does your organization use?"), "{html}");
    assert!(!html.contains(".wasm") && !html.contains("/pkg/setup.js"), "the screens load no module");
    let nonce = policy.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).unwrap_or_else(|| panic!("no nonce in {policy}"));
    assert!(html.contains(&format!("<script nonce=\"{nonce}\">")), "the one inline script carries this response's nonce");
    let res = s.http.get(s.url(&format!("{steps}?step=redirect-uri&provider=oidc"))).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("Register Tessera with your identity provider") && html.contains(&format!("value=\"{}/login/callback\"", s.base)), "{html}");
    let res = view(None).await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap_or_default().contains("This setup link was already used"));
    // …and nothing else: no admin server function, no Management API, no other connection's Try.
    let res = s.post_form("/rpc/connections/get", &[("id", flow.connection_id.as_str())]).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    let res = s.http.get(s.url("/api/v2/connections")).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    let res = s.http.get(s.url(&format!("/connections/enterprise/{}/try", flow.connection_id))).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303, "Try on another connection needs an admin");
    let res = s.http.get(s.url(&format!("/setup/{token}/test"))).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 400, "nothing to test before a configuration is saved");

    // Save the configuration (the suite's IdP) with the screen's form, as a browser without
    // JavaScript posts it; then the test sign-in through it.
    let form = |fields: &[(&str, &str)], c: &str| {
        let req = s.post_form(&steps, fields).header("cookie", c.to_string());
        async move { req.send().await.unwrap_or_else(|e| panic!("{e}")) }
    };
    let cookies = |name: &str| cookie.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    let discovery = flow.idp.discovery_url();
    let check = s.post_form(&format!("/setup/{token}/issuer"), &[("provider", "oidc"), ("address", discovery.as_str())]).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.status(), 200);
    let check: Value = check.json().await.unwrap_or_default();
    assert_eq!(check["found"], true, "{check}");
    assert!(check["html"].as_str().unwrap_or_default().contains(&format!("Found: <span class=\"font-mono text-xs\">{}</span>", flow.idp.base)), "{check}");
    let unbound = s.post_form(&format!("/setup/{token}/issuer"), &[("provider", "oidc"), ("address", discovery.as_str())]).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unbound.status(), 403, "the live check is the bound browser's only");
    let no_secret = [("intent", "save"), ("provider", "oidc"), ("client_id", "tessera"), ("client_secret", ""), ("address", discovery.as_str())];
    let res = form(&no_secret, &cookie).await;
    assert_eq!(res.status(), 400);
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("Client secret is required") && html.contains("value=\"tessera\"") && html.contains("Enter the configuration details"), "refused, shown again with what was typed: {html}");
    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    assert!(scope.connection_id.is_none(), "nothing saved");
    let res = form(&[("intent", "save"), ("provider", "oidc"), ("client_id", "tessera"), ("client_secret", SECRET), ("address", discovery.as_str())], "tessera_setup_x=forged").await;
    assert_eq!(res.status(), 403, "another browser's form is refused");
    let res = form(&[("intent", "save"), ("provider", "oidc"), ("client_id", "tessera"), ("client_secret", SECRET), ("address", discovery.as_str())], &cookie).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[LOCATION], steps.as_str());
    let html = view(Some(cookie.clone())).await.text().await.unwrap_or_default();
    assert!(html.contains("Test sign-in") && html.contains(&format!("href=\"/setup/{token}/test\"")), "{html}");
    let res = form(&[("intent", "finish")], &cookie).await;
    assert_eq!(res.status(), 400, "finishing needs a successful test sign-in");
    assert!(res.text().await.unwrap_or_default().contains("before finishing"));
    let res = form(&[("intent", "nothing")], &cookie).await;
    assert_eq!(res.status(), 400);
    let res = s.post_form(&steps, &[("intent", "save"), ("client_id", &"x".repeat(20_000))]).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 413, "a setup form is a few short fields");
    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    let new_id = scope.connection_id.clone().unwrap_or_default();
    assert_eq!(app::backend::organizations::owner_of_connection(state, &new_id).await.ok().flatten(), Some(org.id.clone()));
    let c = app::backend::connections::get_connection(state, &new_id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.name.as_str(), c.enabled_clients.clone()), ("initech-oidc", vec![]), "enabled for no application before Finish");
    assert_eq!(c.options.issuer, flow.idp.base);

    let start = s.http.get(s.url(&format!("/setup/{token}/test"))).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(start.status(), 302);
    let login = cookie_set(&start, "tessera_login=").unwrap_or_default();
    let to_idp = start.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    let at_idp = s.http.get(&to_idp).send().await.unwrap_or_else(|e| panic!("{e}"));
    let back = at_idp.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    let page = s.http.get(&back).header("cookie", &login).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("It works!") && html.contains("Continue setup") && html.contains(&format!("/setup/{token}/steps?step=test")), "{html}");

    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));
    assert!(scope.tested);
    let html = view(Some(cookie.clone())).await.text().await.unwrap_or_default();
    assert!(html.contains("It works!") && html.contains("Finish setup"), "{html}");
    let res = form(&[("intent", "add_domain"), ("domain", "not a domain")], &cookie).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap_or_default().contains("value=\"not a domain\""), "the refused domain is shown again");
    let res = form(&[("intent", "finish")], &cookie).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("re all set") && html.contains("People at Initech can now sign in"), "{html}");
    let c = app::backend::connections::get_connection(state, &new_id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.enabled_clients, vec![flow.client_id.clone()], "enabled for the applications the admin chose, at Finish");
    // Used: the same browser cannot open it again.
    let again = s.http.get(s.url(&path)).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), 410);
    assert!(again.text().await.unwrap_or_default().contains("This setup link was already used"));
    let logs: Vec<String> = app::backend::logs::list(state, &app::backend::logs::LogFilter { kind: None, connection_id: None, client_id: None }, 0, 100).await.unwrap_or_default().into_iter().map(|e| e.kind).collect();
    for kind in [setup::LINK_CREATED, setup::LINK_OPENED, setup::LINK_COMPLETED, setup::LINK_REFUSED] {
        assert!(logs.iter().any(|k| k == kind), "{kind} logged: {logs:?}");
    }
}


#[tokio::test]
async fn expired_and_revoked_setup_links_are_refused_with_the_reason() {
    let flow = Flow::start("back_channel").await;
    let s = &flow.server;
    let state = &s.state;
    let org = organization(state, "hooli").await;
    let expired = setup::create(state, &org.id, 1, vec![], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    flow.exec(&format!("UPDATE setup_links SET expires_at = 1 WHERE id = '{}'", expired.link.id)).await;
    let res = s.http.get(&expired.url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap_or_default().contains("This setup link has expired"));

    // The screens before the link was opened: told to open the link itself.
    let unopened = setup::create(state, &org.id, 7, vec![], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let token = unopened.url.rsplit('/').next().unwrap_or_default().to_string();
    let res = s.http.get(s.url(&format!("/setup/{token}/steps"))).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap_or_default().contains("Open your setup link first"));
    setup::revoke(state, &org.id, &unopened.link.id).await.unwrap_or_else(|e| panic!("{e}"));

    let revoked = setup::create(state, &org.id, 7, vec![], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let opened = s.http.get(&revoked.url).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = setup_cookie(&opened).unwrap_or_default();
    setup::revoke(state, &org.id, &revoked.link.id).await.unwrap_or_else(|e| panic!("{e}"));
    let res = s.http.get(&revoked.url).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap_or_default().contains("This setup link was revoked"));
    let statuses: Vec<_> = setup::list(state, &org.id).await.unwrap_or_default().into_iter().map(|l| l.status).collect();
    assert_eq!(statuses.len(), 3);
    assert!(statuses.contains(&app::organizations::SetupLinkStatus::Expired) && statuses.contains(&app::organizations::SetupLinkStatus::Revoked), "{statuses:?}");
    assert!(setup::revoke(state, &org.id, &revoked.link.id).await.is_err(), "a revoked link is not revoked twice");
}

#[tokio::test]
async fn the_it_admin_proves_their_own_domain_and_cannot_touch_another_organizations() {
    let dns = DnsServer::start().await;
    let server = TestServer::start_with(|s| s.dns_resolver = Some(dns.addr)).await;
    let state = &server.state;
    let mine = organization(state, "acme").await;
    let theirs = organization(state, "globex").await;
    let their_domain = domains::add(state, &theirs.id, "globex.test", false).await.unwrap_or_else(|e| panic!("{e}"));
    let link = setup::create(state, &mine.id, 7, vec![], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let opened = server.http.get(&link.url).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = setup_cookie(&opened).unwrap_or_default();
    let token = link.url.rsplit('/').next().unwrap_or_default().to_string();
    let cookies = |name: &str| cookie.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    let scope = setup::scope(state, &token, &cookies).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|r| panic!("{r:?}"));

    let v = setup::add_domain(state, &scope, "acme.test").await.unwrap_or_else(|e| panic!("{e}"));
    let d = v.domains.iter().find(|d| d.domain == "acme.test").cloned().unwrap_or_else(|| panic!("{v:?}"));
    assert_eq!(d.status, DomainStatus::Pending, "an IT admin's domain is never verified by saying so");
    let (_, why) = setup::verify_domain(state, &scope, &d.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(why.is_some_and(|w| w.starts_with("No TXT record")));
    dns.set_txt(&d.verification_host, &[&d.verification_txt]);
    let (v, why) = setup::verify_domain(state, &scope, &d.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((why, v.domains.iter().find(|x| x.id == d.id).map(|x| x.status)), (None, Some(DomainStatus::Verified)));

    // Another organization's domain, even with its TXT record in place: not this link's.
    dns.set_txt(&their_domain.verification_host, &[&their_domain.verification_txt]);
    assert!(matches!(setup::verify_domain(state, &scope, &their_domain.id).await, Err(app::backend::Error::NotFound(_))));
    assert_eq!(domains::get(state, &theirs.id, &their_domain.id).await.map(|d| d.status).ok(), Some(DomainStatus::Pending));
    // A pending claim squats nothing: this link may claim the same name, and only its own TXT
    // value would verify it; globex's claim is untouched.
    let v = setup::add_domain(state, &scope, "globex.test").await.unwrap_or_else(|e| panic!("{e}"));
    let claim = v.domains.iter().find(|d| d.domain == "globex.test").cloned().unwrap_or_else(|| panic!("{v:?}"));
    assert_ne!(claim.verification_txt, their_domain.verification_txt);
    let (_, why) = setup::verify_domain(state, &scope, &claim.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(why.is_some_and(|w| w.contains("does not hold the expected value")), "their record does not verify our claim");
    assert_eq!(domains::get(state, &theirs.id, &their_domain.id).await.map(|d| d.status).ok(), Some(DomainStatus::Pending));
}

/// A link's live checks (and saves) are bounded: each may make Tessera fetch a URL, and a link
/// is in an outsider's hands. The 121st within 15 minutes answers 429 with the reason, as the
/// screen shows it, and saves are refused the same way until the window has passed.
#[tokio::test]
async fn a_setup_links_checks_are_bounded() {
    let flow = Flow::start("back_channel").await;
    let s = &flow.server;
    let state = &s.state;
    let org = organization(state, "initrode").await;
    let created = setup::create(state, &org.id, 7, vec![], "admin@example.com").await.unwrap_or_else(|e| panic!("{e}"));
    let opened = s.http.get(&created.url).send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = setup_cookie(&opened).unwrap_or_else(|| panic!("no setup cookie"));
    let token = created.url.rsplit('/').next().unwrap_or_default().to_string();
    let check = || {
        let req = s.post_form(&format!("/setup/{token}/issuer"), &[("provider", "oidc"), ("address", "")]).header("cookie", &cookie);
        async move { req.send().await.unwrap_or_else(|e| panic!("{e}")) }
    };
    for n in 0..setup::FETCHES_PER_WINDOW {
        let res = check().await;
        assert_eq!(res.status(), 200, "check {n}");
    }
    let refused = check().await;
    assert_eq!(refused.status(), 429);
    let answer: Value = refused.json().await.unwrap_or_default();
    assert_eq!(answer["found"], false);
    assert!(answer["html"].as_str().unwrap_or_default().contains("Too many checks from this setup link"), "{answer}");
    let save = s
        .post_form(&format!("/setup/{token}/steps"), &[("intent", "save"), ("provider", "oidc"), ("client_id", "c"), ("client_secret", "s"), ("address", "https://idp.example.com")])
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(save.status(), 429);
    assert!(save.text().await.unwrap_or_default().contains("Too many checks from this setup link"));
}
