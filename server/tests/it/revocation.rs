//! Global Token Revocation (Okta Universal Logout) over real HTTP: a request signed by the
//! connection's identity provider, naming the subject as `sub_id` or as `subject` (iss_sub or
//! email), ends the user's sessions and refresh tokens and reaches their application by
//! back-channel logout; a forged, expired, replayed or wrongly-addressed request is refused,
//! changes nothing, and is logged.

use crate::support::flow::{param, Flow};
use crate::support::logout_receiver::LogoutReceiver;
use crate::support::oidc_idp::OidcIdp;
use serde_json::{json, Value};

struct Gtr {
    flow: Flow,
    receiver: LogoutReceiver,
    endpoint: String,
}

impl Gtr {
    async fn start() -> Gtr {
        let flow = Flow::start("back_channel").await;
        let receiver = LogoutReceiver::start().await;
        let update = app::applications::UpdateApplication { backchannel_logout_uri: Some(receiver.url()), ..Default::default() };
        app::backend::applications::update_application(&flow.server.state, &flow.client_id, update).await.unwrap_or_else(|e| panic!("{e}"));
        let endpoint = flow.server.url(&format!("/global-token-revocation/{}", flow.connection_id));
        Gtr { flow, receiver, endpoint }
    }

    /// Signs `who` in with offline_access; returns the refresh token and the session cookie.
    async fn signed_in(&self, who: &str) -> (String, String) {
        let (location, session) = self.flow.run_for_session(&format!("&login_hint={who}&scope=openid%20email%20offline_access")).await;
        let (_, tokens) = self.flow.redeem(&location).await;
        (tokens["refresh_token"].as_str().unwrap_or_default().to_string(), session.unwrap_or_default())
    }

    fn claims(&self, jti: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({ "iss": self.flow.idp.base, "aud": self.endpoint, "iat": now, "exp": now + 60, "jti": jti })
    }

    async fn post(&self, jwt: Option<&str>, body: Value) -> (u16, Value) {
        let mut req = self.flow.server.http.post(&self.endpoint).json(&body);
        if let Some(jwt) = jwt {
            req = req.bearer_auth(jwt);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }

    async fn refresh_works(&self, token: &str) -> bool {
        let res = self
            .flow
            .server
            .http
            .post(self.flow.server.url("/oauth/token"))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", &self.flow.client_id), ("client_secret", &self.flow.client_secret)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        res.status() == 200
    }
}

#[tokio::test]
async fn a_revocation_signed_by_the_idp_signs_the_user_out_everywhere_by_sub_id_or_subject() {
    let g = Gtr::start().await;
    let (refresh, session) = g.signed_in("gus").await;
    let body = json!({ "sub_id": { "format": "iss_sub", "iss": g.flow.idp.base, "sub": "gus" } });
    let (status, answer) = g.post(Some(&g.flow.idp.sign(&g.claims("jti-1"))), body).await;
    assert_eq!(status, 204, "{answer}");
    assert!(!g.refresh_works(&refresh).await, "the refresh token stopped working");
    let logout = g.receiver.next().await.unwrap_or_else(|| panic!("no back-channel logout"));
    assert_eq!(g.receiver.verify(&logout, &g.flow.server.url("/"), &g.flow.client_id).await["sub"], "oidc|acme|gus");
    let silent = g.flow.server.http.get(g.flow.authorize_url("&prompt=none")).header("cookie", &session).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(param(silent.headers()["location"].to_str().unwrap_or_default(), "error"), "login_required", "the session ended");
    // The user may sign in again: revocation is not deactivation.
    assert!(g.flow.run("gus").await.contains("code="));

    // Okta's later shape: `subject`, here by email.
    let (refresh, _) = g.signed_in("hal").await;
    let body = json!({ "subject": { "format": "email", "email": "HAL@example.test" } });
    let (status, _) = g.post(Some(&g.flow.idp.sign(&g.claims("jti-2"))), body).await;
    assert_eq!(status, 204);
    assert!(!g.refresh_works(&refresh).await);
    let logged = app::backend::logs::list(&g.flow.server.state, &app::backend::logs::LogFilter { kind: Some("global_token_revocation"), ..Default::default() }, 0, 10).await.unwrap_or_default();
    assert_eq!(logged.len(), 2, "{logged:?}");
}

#[tokio::test]
async fn a_forged_expired_replayed_or_misaddressed_revocation_is_refused_and_changes_nothing() {
    let g = Gtr::start().await;
    let (refresh, _) = g.signed_in("ivy").await;
    let body = json!({ "sub_id": { "format": "iss_sub", "iss": g.flow.idp.base, "sub": "ivy" } });
    let stranger = OidcIdp::start("tessera", "x").await;
    let now = chrono::Utc::now().timestamp();
    let mut expired = g.claims("jti-expired");
    expired["iat"] = json!(now - 600);
    expired["exp"] = json!(now - 300);
    let mut elsewhere = g.claims("jti-elsewhere");
    elsewhere["aud"] = json!("https://other.example/global-token-revocation");
    let mut long = g.claims("jti-long");
    long["exp"] = json!(now + 3600);
    let mut other_issuer = g.claims("jti-iss");
    other_issuer["iss"] = json!("https://evil.example");
    let cases: Vec<(Option<String>, Value, u16, &str)> = vec![
        (None, body.clone(), 401, "a bearer JWT"),
        (Some(stranger.sign(&g.claims("jti-forged"))), body.clone(), 401, "signature does not verify"),
        (Some(g.flow.idp.sign(&expired)), body.clone(), 401, "expired"),
        (Some(g.flow.idp.sign(&elsewhere)), body.clone(), 401, "aud must be this endpoint"),
        (Some(g.flow.idp.sign(&long)), body.clone(), 401, "at most 300 s"),
        (Some(g.flow.idp.sign(&other_issuer)), body.clone(), 401, "not this connection's issuer"),
        (Some(g.flow.idp.sign(&g.claims("jti-format"))), json!({ "sub_id": { "format": "opaque", "id": "x" } }), 400, "not supported"),
        (Some(g.flow.idp.sign(&g.claims("jti-nobody"))), json!({ "sub_id": { "format": "iss_sub", "iss": g.flow.idp.base, "sub": "nobody" } }), 404, "no user"),
    ];
    for (jwt, body, want, says) in cases {
        let (status, answer) = g.post(jwt.as_deref(), body).await;
        assert_eq!(status, want, "{says}: {answer}");
        assert!(answer["error_description"].as_str().unwrap_or_default().contains(says), "{says}: {answer}");
    }
    assert!(g.refresh_works(&refresh).await, "nothing was revoked by the refused calls");
    // Replay: the same jti twice; the first works.
    let once = g.flow.idp.sign(&g.claims("jti-once"));
    let (refresh, _) = g.signed_in("ivy").await;
    assert_eq!(g.post(Some(&once), body.clone()).await.0, 204);
    let (status, replayed) = g.post(Some(&once), body).await;
    assert_eq!(status, 401, "{replayed}");
    assert!(replayed["error_description"].as_str().unwrap_or_default().contains("already used"));
    assert!(!g.refresh_works(&refresh).await);
    let refused = app::backend::logs::list(&g.flow.server.state, &app::backend::logs::LogFilter { kind: Some("global_token_revocation_failed"), ..Default::default() }, 0, 20).await.unwrap_or_default();
    assert_eq!(refused.len(), 9, "every refusal is logged: {refused:?}");
}
