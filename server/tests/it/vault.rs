//! The token vault: a connection with Purpose "both" keeps each user's IdP tokens; an
//! application with the Token Vault grant exchanges its Tessera refresh (or access) token for
//! the IdP's access token with Auth0's grant type, refreshed at the IdP once expired; Disconnect
//! and everything that ends a user's access forget the tokens, and nothing else ever shows them.

use crate::support::flow::{Flow, CALLBACK};
use serde_json::{json, Value};

const GRANT: &str = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token";
const REFRESH: &str = "urn:ietf:params:oauth:token-type:refresh_token";
const ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";

async fn exchange(flow: &Flow, client: (&str, &str), subject: &str, kind: &str, connection: &str) -> (u16, Value) {
    let res = flow
        .server
        .http
        .post(flow.server.url("/oauth/token"))
        .form(&[
            ("grant_type", GRANT),
            ("subject_token", subject),
            ("subject_token_type", kind),
            ("connection", connection),
            ("requested_token_type", "http://auth0.com/oauth/token-type/federated-connection-access-token"),
            ("client_id", client.0),
            ("client_secret", client.1),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_application_exchanges_its_tessera_token_for_the_idps_refreshed_when_expired_and_forgotten_on_disconnect() {
    let flow = Flow::start_with("back_channel", json!({ "purpose": "both" })).await;
    let state = &flow.server.state;
    let me = (flow.client_id.as_str(), flow.client_secret.as_str());
    let sign_in = || async {
        let (_, tokens) = flow.redeem(&flow.run_for_session(&"&login_hint=ada&scope=openid%20profile%20offline_access".to_string()).await.0).await;
        tokens
    };

    // Without the Token Vault grant the application is refused.
    let tokens = sign_in().await;
    let refresh = tokens["refresh_token"].as_str().unwrap_or_default().to_string();
    assert!(!refresh.is_empty(), "{tokens}");
    let (status, e) = exchange(&flow, me, &refresh, REFRESH, "acme").await;
    assert_eq!((status, e["error"].as_str()), (400, Some("unauthorized_client")), "{e}");
    let body = app::applications::UpdateApplication { grant_types: Some(vec!["authorization_code".into(), "refresh_token".into(), GRANT.into()]), ..Default::default() };
    app::backend::applications::update_application(state, &flow.client_id, body).await.unwrap_or_else(|e| panic!("{e}"));

    // The IdP's access token, as Auth0 answers the exchange; the refresh token is not used up.
    let (status, got) = exchange(&flow, me, &refresh, REFRESH, "acme").await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["access_token"], "at-ada");
    assert_eq!(got["issued_token_type"], "http://auth0.com/oauth/token-type/federated-connection-access-token");
    assert!(got["expires_in"].as_i64().is_some_and(|s| s > 3000), "{got}");
    let (status, again) = exchange(&flow, me, &refresh, REFRESH, "acme").await;
    assert_eq!((status, again["access_token"].as_str()), (200, Some("at-ada")), "{again}");
    // It works at the IdP: its protected userinfo endpoint answers for the token.
    let userinfo = flow.server.http.get(format!("{}/userinfo", flow.idp.base)).bearer_auth("at-ada").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(userinfo.status(), 200);

    // Expired: refreshed at the IdP with the stored refresh token, then handed out.
    flow.exec("UPDATE connected_accounts SET expires_at = 1").await;
    let (status, fresh) = exchange(&flow, me, &refresh, REFRESH, "acme").await;
    assert_eq!((status, fresh["access_token"].as_str()), (200, Some("at-ada~r1")), "{fresh}");
    assert_eq!(flow.idp.refreshes(), 1);

    // A Tessera access token works as the subject too; another application's token does not.
    let access = tokens["access_token"].as_str().unwrap_or_default();
    assert_eq!(exchange(&flow, me, access, ACCESS, "acme").await.0, 200);
    let other = app::backend::applications::create_application(
        state,
        app::applications::CreateApplication { name: "Other".into(), callbacks: Some(vec![CALLBACK.into()]), grant_types: Some(vec!["authorization_code".into(), GRANT.into()]), ..Default::default() },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let other_secret = other.client_secret.clone().unwrap_or_default();
    let (status, e) = exchange(&flow, (&other.application.client_id, &other_secret), &refresh, REFRESH, "acme").await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")), "{e}");
    let (status, e) = exchange(&flow, me, &refresh, REFRESH, "nowhere").await;
    assert_eq!((status, e["error"].as_str()), (401, Some("federated_connection_refresh_token_not_found")), "{e}");

    // The user's page lists the account; the IdP's tokens appear nowhere else.
    let user_id = "oidc|acme|ada";
    let accounts = app::backend::vault::list_for_user(state, user_id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(accounts.len(), 1);
    assert!(accounts[0].last_used_at.is_some());
    let stored: String = state.db.fetch_scalar("SELECT tokens FROM connected_accounts", &[]).await.unwrap_or_default();
    assert!(!stored.contains("at-ada") && !stored.contains("rt-ada"), "sealed at rest");
    let logged: i64 = state.db.fetch_scalar("SELECT COUNT(*) FROM logs WHERE description LIKE '%at-ada%' OR description LIKE '%rt-ada%'", &[]).await.unwrap_or(-1);
    assert_eq!(logged, 0);
    let token = flow.server.api_token("reader", &[]).await;
    let api_user = flow.server.http.get(flow.server.url("/api/v2/users/oidc%7Cacme%7Cada")).bearer_auth(token).send().await.unwrap_or_else(|e| panic!("{e}")).text().await.unwrap_or_default();
    assert!(!api_user.contains("at-ada") && !api_user.contains("rt-ada"), "{api_user}");

    // Disconnect forgets the tokens: Auth0's error.
    app::backend::vault::disconnect(state, user_id, &flow.connection_id).await.unwrap_or_else(|e| panic!("{e}"));
    let (status, e) = exchange(&flow, me, &refresh, REFRESH, "acme").await;
    assert_eq!((status, e["error"].as_str()), (401, Some("federated_connection_refresh_token_not_found")), "{e}");

    // Signing in again connects it again; ending the user's access (what SCIM deactivation,
    // deletion and Global Token Revocation call) forgets it.
    let tokens = sign_in().await;
    let refresh = tokens["refresh_token"].as_str().unwrap_or_default().to_string();
    assert_eq!(exchange(&flow, me, &refresh, REFRESH, "acme").await.0, 200);
    app::backend::provider::refresh::revoke_for_user(state, user_id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(flow.count("connected_accounts").await, 0);
    let (status, e) = exchange(&flow, me, &refresh, REFRESH, "acme").await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")), "the subject token went too: {e}");
}

#[tokio::test]
async fn a_connection_for_authentication_only_keeps_nothing_and_connection_scope_reaches_the_idp() {
    let flow = Flow::start("back_channel").await;
    let location = flow.run_for_session("&login_hint=bo&connection_scope=calendar.read,files.read").await.0;
    assert!(location.contains("code="));
    assert_eq!(flow.count("connected_accounts").await, 0, "purpose authentication: the IdP's tokens are not kept");
    let url = flow.authorize_url("&login_hint=bo&connection_scope=calendar.read%20files.read");
    let start = flow.server.http.get(url).send().await.unwrap_or_else(|e| panic!("{e}"));
    let to_idp = start.headers()["location"].to_str().unwrap_or_default().to_string();
    let scope = crate::support::flow::param(&to_idp, "scope");
    assert_eq!(scope, "openid email profile calendar.read files.read");
}
