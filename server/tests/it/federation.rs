//! One Tessera federating to another, over real HTTP: instance A has an OIDC connection whose
//! issuer is instance B (B's application credentials are A's client id and key), and B has its
//! own OIDC connection to an upstream OpenID Provider. A user signs in to an application of A
//! through B and B's upstream, and lands back at A's application with A's tokens; both ways A
//! talks to B (front channel: B posts an ID token with form_post; back channel: A redeems B's
//! code with private_key_jwt). Logging out at A reaches A's application by back-channel logout.
//! Each test runs on SQLite and, in `make test`'s second pass, on PostgreSQL (two databases).

use crate::support::logout_receiver::LogoutReceiver;
use crate::support::oidc_idp::OidcIdp;
use crate::support::{html_form, TestServer};
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::{json, Value};

const APP_CALLBACK: &str = "https://app.example.test/callback";
const LOGOUT_URL: &str = "https://app.example.test/signed-out";
const VERIFIER: &str = "federation-verifier-federation-verifier-0001";

struct Federation {
    a: TestServer,
    b: TestServer,
    idp: OidcIdp,
    /// A's application (what the user signs in to).
    app_id: String,
    app_secret: String,
    receiver: LogoutReceiver,
}

fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")) && !c.starts_with(&format!("{name}=;")))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

fn param(url: &str, name: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())).unwrap_or_default()
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Federation {
    /// A and B with their databases, B's upstream IdP, and A's application; `channel` is how A
    /// talks to B.
    async fn start(channel: &str) -> Federation {
        let b = TestServer::start().await;
        let a = TestServer::start().await;
        let idp = OidcIdp::start("tessera-b", "upstream-secret").await;
        let receiver = LogoutReceiver::start().await;

        // B: a connection to the upstream IdP, and an application for A.
        let upstream: app::connections::CreateConnection = serde_json::from_value(json!({ "strategy": "oidc", "name": "upstream", "options": {
            "type": "back_channel", "discovery_url": idp.discovery_url(), "client_id": "tessera-b", "client_secret": "upstream-secret",
            "scope": "openid email profile" } }))
        .unwrap_or_else(|e| panic!("{e}"));
        let upstream = app::backend::connections::create_connection(&b.state, upstream).await.unwrap_or_else(|e| panic!("{e}"));
        let grants = if channel == "front_channel" { vec!["implicit".to_string()] } else { vec!["authorization_code".to_string()] };
        let for_a = app::backend::applications::create_application(&b.state, app::applications::CreateApplication {
            name: "Tessera A".into(),
            callbacks: Some(vec![a.url("/login/callback")]),
            grant_types: Some(grants),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let b_client = for_a.application.client_id.clone();
        app::backend::connections::set_enabled_for_application(&b.state, &upstream.id, &b_client, true).await.unwrap_or_else(|e| panic!("{e}"));

        // A: an OIDC connection whose issuer is B, sending users straight to B's upstream
        // connection (upstream_params), enabled for A's application.
        let mut options = json!({
            "type": channel, "discovery_url": b.url("/.well-known/openid-configuration"), "client_id": b_client,
            "scope": "openid email profile", "upstream_params": { "connection": { "value": "upstream" } },
        });
        if channel == "back_channel" {
            options["token_endpoint_auth_method"] = json!("private_key_jwt");
        }
        let to_b: app::connections::CreateConnection =
            serde_json::from_value(json!({ "strategy": "oidc", "name": "tessera-b", "options": options })).unwrap_or_else(|e| panic!("{e}"));
        let to_b = app::backend::connections::create_connection(&a.state, to_b).await.unwrap_or_else(|e| panic!("{e}"));
        if channel == "back_channel" {
            // B's application authenticates A by the public key of A's connection.
            let jwks = to_b.options.client_public_jwks.clone().unwrap_or_else(|| panic!("no public JWKS for private_key_jwt"));
            let update = app::applications::UpdateApplication {
                token_endpoint_auth_method: Some("private_key_jwt".into()),
                jwks: Some(jwks),
                ..Default::default()
            };
            app::backend::applications::update_application(&b.state, &b_client, update).await.unwrap_or_else(|e| panic!("{e}"));
        }
        let app = app::backend::applications::create_application(&a.state, app::applications::CreateApplication {
            name: "App".into(),
            callbacks: Some(vec![APP_CALLBACK.into()]),
            allowed_logout_urls: Some(vec![LOGOUT_URL.into()]),
            backchannel_logout_uri: Some(receiver.url()),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        app::backend::connections::set_enabled_for_application(&a.state, &to_b.id, &app.application.client_id, true).await.unwrap_or_else(|e| panic!("{e}"));
        Federation { a, b, idp, app_id: app.application.client_id, app_secret: app.client_secret.unwrap_or_default(), receiver }
    }

    /// The browser's walk from A's application to A's application: returns where A sends it at
    /// the end and A's single sign-on session cookie.
    async fn sign_in(&self, user: &str) -> (String, String) {
        let http = &self.a.http;
        let challenge = app::backend::provider::pkce_s256(VERIFIER);
        let start = http
            .get(self.a.url(&format!(
                "/authorize?client_id={}&redirect_uri={}&response_type=code&scope=openid%20email%20profile&state=app-state&nonce=app-nonce&code_challenge={challenge}&code_challenge_method=S256&connection=tessera-b&login_hint={user}",
                self.app_id,
                enc(APP_CALLBACK)
            )))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.status(), 302, "A /authorize: {}", start.text().await.unwrap_or_default());
        let a_login = cookie_of(&start, "tessera_login").unwrap_or_else(|| panic!("A set no login cookie"));
        let to_b = location(&start);
        assert!(to_b.starts_with(&self.b.url("/authorize")), "A sent the browser to {to_b}");

        let at_b = http.get(&to_b).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(at_b.status(), 302, "B /authorize: {}", at_b.text().await.unwrap_or_default());
        let b_login = cookie_of(&at_b, "tessera_login").unwrap_or_else(|| panic!("B set no login cookie"));
        let to_idp = location(&at_b);
        assert!(to_idp.starts_with(&self.idp.base), "B sent the browser to {to_idp} (upstream_params should name B's connection)");

        let at_idp = http.get(&to_idp).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(at_idp.status().is_redirection(), "the upstream IdP answers the back channel with a redirect");
        let b_callback = http.get(location(&at_idp)).header("cookie", &b_login).send().await.unwrap_or_else(|e| panic!("{e}"));

        // B answers A: a form post with its ID token (front channel) or a redirect with a code.
        let a_callback = if b_callback.status() == 200 {
            let page = b_callback.text().await.unwrap_or_default();
            let (action, fields) = html_form(&page);
            assert_eq!(action, self.a.url("/login/callback"), "{page}");
            assert!(fields.iter().any(|(k, _)| k == "id_token"), "B's form post carries an id_token: {fields:?}");
            assert!(!fields.iter().any(|(k, _)| k == "code"), "and no code: {fields:?}");
            http.post(&action).header("cookie", &a_login).form(&fields).send().await
        } else {
            assert_eq!(b_callback.status(), 302, "B /login/callback: {}", b_callback.text().await.unwrap_or_default());
            let back = location(&b_callback);
            assert!(back.starts_with(&self.a.url("/login/callback?")) && !param(&back, "code").is_empty(), "B sent the browser to {back}");
            http.get(&back).header("cookie", &a_login).send().await
        }
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a_callback.status(), 302, "A /login/callback: {}", a_callback.text().await.unwrap_or_default());
        let session = cookie_of(&a_callback, "tessera_sso").unwrap_or_else(|| panic!("A opened no session"));
        (location(&a_callback), session)
    }

    async fn redeem(&self, back: &str) -> Value {
        let res = self
            .a
            .http
            .post(self.a.url("/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", &param(back, "code")),
                ("redirect_uri", APP_CALLBACK),
                ("code_verifier", VERIFIER),
                ("client_id", &self.app_id),
                ("client_secret", &self.app_secret),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 200);
        res.json().await.unwrap_or_default()
    }
}

/// A's ID token, verified as a relying party would (openidconnect, against A's JWKS).
async fn verify_at_a(f: &Federation, id_token: &str) -> Value {
    use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
    use openidconnect::{ClientId, IssuerUrl, Nonce};
    use std::str::FromStr;
    let jwks: CoreJsonWebKeySet = f.a.http.get(f.a.url("/.well-known/jwks.json")).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_else(|e| panic!("{e}"));
    let issuer = IssuerUrl::new(f.a.url("/")).unwrap_or_else(|e| panic!("{e}"));
    let verifier = CoreIdTokenVerifier::new_confidential_client(ClientId::new(f.app_id.clone()), openidconnect::ClientSecret::new(f.app_secret.clone()), issuer, jwks);
    let token = CoreIdToken::from_str(id_token).unwrap_or_else(|e| panic!("{e}"));
    token.claims(&verifier, &Nonce::new("app-nonce".into())).unwrap_or_else(|e| panic!("A's ID token does not verify: {e}"));
    // Verified: read every claim (openidconnect's core type keeps only the standard ones).
    use base64::Engine;
    let payload = id_token.split('.').nth(1).unwrap_or_default();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default()
}

async fn signs_in_through_b_and_logs_out(channel: &str) {
    let f = Federation::start(channel).await;
    let (back, session) = f.sign_in("sam").await;
    assert!(back.starts_with(APP_CALLBACK) && param(&back, "state") == "app-state", "{back}");
    let tokens = f.redeem(&back).await;
    let claims = verify_at_a(&f, tokens["id_token"].as_str().unwrap_or_default()).await;
    // A's user is B's user, who is the upstream IdP's user.
    assert_eq!(claims["sub"], "oidc|tessera-b|oidc|upstream|sam", "{claims}");
    assert_eq!(claims["email"], "sam@example.test", "{claims}");
    assert_eq!(claims["iss"], f.a.url("/").as_str());
    let userinfo: Value = f.a.http.get(f.a.url("/userinfo")).bearer_auth(tokens["access_token"].as_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(userinfo["email"], "sam@example.test");
    // Each instance has its own user for the person, and B's log names A's application.
    assert_eq!(app::backend::users::get_user(&f.b.state, "oidc|upstream|sam").await.map(|u| u.email).ok().flatten().as_deref(), Some("sam@example.test"));

    // RP-initiated logout at A reaches A's application by back-channel logout.
    let logout = f
        .a
        .http
        .get(f.a.url(&format!("/oidc/logout?id_token_hint={}&post_logout_redirect_uri={}", tokens["id_token"].as_str().unwrap_or_default(), enc(LOGOUT_URL))))
        .header("cookie", &session)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(location(&logout), LOGOUT_URL);
    let logout_token = f.receiver.next().await.unwrap_or_else(|| panic!("A's application received no logout token"));
    let logout_claims = f.receiver.verify(&logout_token, &f.a.url("/"), &f.app_id).await;
    assert_eq!((logout_claims["sub"].as_str(), logout_claims["sid"].as_str()), (claims["sub"].as_str(), claims["sid"].as_str()), "{logout_claims}");
}

#[tokio::test]
async fn a_user_signs_in_to_an_application_of_a_through_b_on_the_front_channel_and_logging_out_at_a_reaches_the_application() {
    signs_in_through_b_and_logs_out("front_channel").await;
}

#[tokio::test]
async fn a_user_signs_in_to_an_application_of_a_through_b_on_the_back_channel_with_private_key_jwt_and_logging_out_at_a_reaches_the_application() {
    signs_in_through_b_and_logs_out("back_channel").await;
}
