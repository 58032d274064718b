//! Connection Profile settings do what their labels say, seen at the IdP: PKCE `S256` sends an
//! S256 challenge, `plain` a plain one, `disabled` none, and `auto` what the discovery document
//! lists. The IdP accepts only the expected method and checks the verifier at its token endpoint.
//! Profile sync: "Sync user profile attributes at each login" and the Sync Frequency decide how
//! often a sign-in refreshes the stored profile.

use crate::support::flow::{Flow, CALLBACK};
use serde_json::json;

#[tokio::test]
async fn each_pkce_mode_sends_what_it_says_and_the_idp_verifies_it() {
    // The tests' IdP lists code_challenge_methods_supported ["S256"], which `auto` follows.
    for (mode, expected) in [("S256", "S256"), ("plain", "plain"), ("disabled", "none"), ("auto", "S256")] {
        let flow = Flow::start_with("back_channel", json!({ "connection_settings": { "pkce": mode } })).await;
        flow.idp.accept_only_pkce(expected);
        let (location, _) = flow.run_for_session("&login_hint=alice").await;
        assert!(location.starts_with(CALLBACK) && location.contains("code="), "pkce {mode}: {location}");
        assert_eq!(flow.idp.pkce_seen(), vec![expected.to_string()], "pkce {mode}");
        let (status, tokens) = flow.redeem(&location).await;
        assert_eq!(status, 200, "pkce {mode}: {tokens}");
    }
}

/// The stored name of `sub`'s user at the flow's connection.
async fn stored_name(flow: &Flow, sub: &str) -> Option<String> {
    app::backend::users::get_user(&flow.server.state, &format!("oidc|acme|{sub}")).await.ok().and_then(|u| u.name)
}

#[tokio::test]
async fn sync_frequency_decides_how_often_a_sign_in_refreshes_the_profile_when_each_login_sync_is_off() {
    // Off ("on_first_login") with an hourly Sync Frequency.
    let flow = Flow::start_with("back_channel", json!({ "set_user_root_attributes": "on_first_login", "sync_frequency": "hourly" })).await;
    assert!(flow.run("ada").await.contains("code="));
    assert_eq!(stored_name(&flow, "ada").await.as_deref(), Some("User ada"), "the first sign-in sets the profile");
    flow.idp.set_claims(json!({ "name": "Ada Lovelace" }));
    assert!(flow.run("ada").await.contains("code="));
    assert_eq!(stored_name(&flow, "ada").await.as_deref(), Some("User ada"), "refreshed less than an hour ago: kept");
    flow.exec("UPDATE users SET profile_synced_at = profile_synced_at - 2 * 3600000").await;
    assert!(flow.run("ada").await.contains("code="));
    assert_eq!(stored_name(&flow, "ada").await.as_deref(), Some("Ada Lovelace"), "older than the Sync Frequency: refreshed");

    // A weekly Sync Frequency keeps the same profile two hours later.
    let weekly = Flow::start_with("back_channel", json!({ "set_user_root_attributes": "on_first_login", "sync_frequency": "weekly" })).await;
    assert!(weekly.run("bo").await.contains("code="));
    weekly.idp.set_claims(json!({ "name": "Bo Renamed" }));
    weekly.exec("UPDATE users SET profile_synced_at = profile_synced_at - 2 * 3600000").await;
    assert!(weekly.run("bo").await.contains("code="));
    assert_eq!(stored_name(&weekly, "bo").await.as_deref(), Some("User bo"));
    weekly.exec("UPDATE users SET profile_synced_at = profile_synced_at - 8 * 86400000").await;
    assert!(weekly.run("bo").await.contains("code="));
    assert_eq!(stored_name(&weekly, "bo").await.as_deref(), Some("Bo Renamed"));
}

#[tokio::test]
async fn each_login_sync_refreshes_every_time_and_never_on_login_never_does() {
    let each = Flow::start_with("back_channel", json!({ "set_user_root_attributes": "on_each_login", "sync_frequency": "weekly" })).await;
    assert!(each.run("cy").await.contains("code="));
    each.idp.set_claims(json!({ "name": "Cy Renamed" }));
    assert!(each.run("cy").await.contains("code="));
    assert_eq!(stored_name(&each, "cy").await.as_deref(), Some("Cy Renamed"), "at each login, whatever the Sync Frequency");

    let never = Flow::start_with("back_channel", json!({ "set_user_root_attributes": "never_on_login", "sync_frequency": "hourly" })).await;
    assert!(never.run("di").await.contains("code="));
    never.idp.set_claims(json!({ "name": "Di Renamed" }));
    // Thirty days back (2592000000 ms: one bigint literal, as PostgreSQL would overflow 30 * 86400000 in int4).
    never.exec("UPDATE users SET profile_synced_at = profile_synced_at - 2592000000, created_at = created_at - 2592000000").await;
    assert!(never.run("di").await.contains("code="));
    assert_eq!(stored_name(&never, "di").await.as_deref(), Some("User di"));
}
