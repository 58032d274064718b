//! A sign-in through a connection, driven over real HTTP as a browser would: an application
//! registered at Tessera, an OIDC connection to the tests' own OpenID Provider, enabled for it.

use super::oidc_idp::OidcIdp;
use super::TestServer;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::{json, Value};

pub const CALLBACK: &str = "https://app.example.test/callback";
pub const SECRET: &str = "idp-client-secret";

pub struct Flow {
    pub server: TestServer,
    pub idp: OidcIdp,
    pub client_id: String,
    pub client_secret: String,
    pub connection_id: String,
}

impl Flow {
    pub async fn start(channel: &str) -> Flow {
        Self::start_with(channel, json!({})).await
    }

    /// Like `start`, with `extra` options on the connection (`{"scim_enabled": true}`, say).
    pub async fn start_with(channel: &str, extra: Value) -> Flow {
        Self::start_in(TestServer::start().await, channel, extra).await
    }

    /// On `server` (one started with its own settings).
    pub async fn start_in(server: TestServer, channel: &str, extra: Value) -> Flow {
        let idp = OidcIdp::start("tessera", SECRET).await;
        let state = &server.state;
        let mut options = json!({ "type": channel, "discovery_url": idp.discovery_url(), "client_id": "tessera", "client_secret": SECRET, "scope": "openid email profile" });
        for (k, v) in extra.as_object().into_iter().flatten() {
            options[k] = v.clone();
        }
        let body: app::connections::CreateConnection = serde_json::from_value(json!({ "strategy": "oidc", "name": "acme", "options": options }))
        .unwrap_or_else(|e| panic!("{e}"));
        let connection = app::backend::connections::create_connection(state, body).await.unwrap_or_else(|e| panic!("{e}"));
        let created = app::backend::applications::create_application(
            state,
            app::applications::CreateApplication { name: "App".into(), callbacks: Some(vec![CALLBACK.into()]), ..Default::default() },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        app::backend::connections::set_enabled_for_application(state, &connection.id, &created.application.client_id, true).await.unwrap_or_else(|e| panic!("{e}"));
        Flow {
            server,
            idp,
            client_id: created.application.client_id,
            client_secret: created.client_secret.unwrap_or_default(),
            connection_id: connection.id,
        }
    }

    /// `/authorize` for the application through `acme`; `extra` parameters are appended, and a
    /// `scope` among them replaces the default one.
    pub fn authorize_url(&self, extra: &str) -> String {
        self.authorize_url_for("acme", extra)
    }

    /// `/authorize` for the application through the connection named `connection`.
    pub fn authorize_url_for(&self, connection: &str, extra: &str) -> String {
        let challenge = app::backend::provider::pkce_s256("verifier-verifier-verifier-verifier-verifier-0001");
        let scope = if extra.contains("&scope=") { "" } else { "&scope=openid%20email%20profile" };
        self.server.url(&format!(
            "/authorize?client_id={}&redirect_uri={}&response_type=code{scope}&state=app-state&nonce=app-nonce&code_challenge={challenge}&code_challenge_method=S256&connection={connection}{extra}",
            self.client_id,
            url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect::<String>()
        ))
    }

    /// Runs the browser's part; returns where Tessera finally sends it (the application).
    pub async fn run(&self, login_hint: &str) -> String {
        self.run_for_session(&format!("&login_hint={login_hint}")).await.0
    }

    /// Runs the browser's part with `extra` query parameters; returns where Tessera sends it and
    /// the single sign-on session cookie it set (`name=value`), if any.
    pub async fn run_for_session(&self, extra: &str) -> (String, Option<String>) {
        self.run_for_session_with(&self.authorize_url(extra)).await
    }

    /// Runs the browser's part from the `/authorize` URL `url`; returns where Tessera sends it
    /// (or, for `response_mode=form_post`, the page that posts to the application) and the
    /// single sign-on session cookie.
    pub async fn run_for_session_with(&self, url: &str) -> (String, Option<String>) {
        let http = &self.server.http;
        let start = http.get(url).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(start.status(), 302, "{}", start.text().await.unwrap_or_default());
        let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
        let to_idp = start.headers()[LOCATION].to_str().unwrap_or_default().to_string();
        assert!(to_idp.starts_with(&self.idp.base), "{to_idp}");
        let idp = http.get(&to_idp).send().await.unwrap_or_else(|e| panic!("{e}"));
        let back = if idp.status() == 200 {
            // Front channel: post the ID token to the callback as the IdP's form would.
            let answer: Value = idp.json().await.unwrap_or_default();
            let form = [("state", answer["state"].as_str().unwrap_or_default()), ("id_token", answer["id_token"].as_str().unwrap_or_default())];
            http.post(self.server.url("/login/callback")).header("cookie", &cookie).form(&form).send().await
        } else {
            let location = idp.headers()[LOCATION].to_str().unwrap_or_default().to_string();
            http.get(&location).header("cookie", &cookie).send().await
        }
        .unwrap_or_else(|e| panic!("{e}"));
        let session = back
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("tessera_sso="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string());
        match back.status().as_u16() {
            302 => (back.headers()[LOCATION].to_str().unwrap_or_default().to_string(), session),
            200 => (back.text().await.unwrap_or_default(), session),
            other => panic!("the callback answered {other}: {}", back.text().await.unwrap_or_default()),
        }
    }

    /// Runs one SQL statement on the server's database (to age a session, say).
    pub async fn exec(&self, sql: &str) {
        self.server.state.db.execute(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.server.state.db.fetch_scalar(&format!("SELECT COUNT(*) FROM {table}"), &[]).await.unwrap_or(-1)
    }

    pub async fn redeem(&self, location: &str) -> (u16, Value) {
        let code = url::Url::parse(location).ok().and_then(|u| u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned())).unwrap_or_default();
        let res = self
            .server
            .http
            .post(self.server.url("/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", "verifier-verifier-verifier-verifier-verifier-0001"),
                ("client_id", &self.client_id),
                ("client_secret", &self.client_secret),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), res.json().await.unwrap_or_default())
    }
}

pub fn param(location: &str, name: &str) -> String {
    url::Url::parse(location).ok().and_then(|u| u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())).unwrap_or_default()
}

