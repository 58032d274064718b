//! A Management API client for tests: a server, an all-scopes token and a local identity
//! provider, plus checks every answer must pass (no 5xx, never the client secret).

use super::idp::TestIdp;
use super::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const SECRET: &str = "IDP_CLIENT_SECRET-5f2b9c";

pub struct Api {
    pub server: TestServer,
    pub token: String,
    pub idp: TestIdp,
}

impl Api {
    pub async fn start() -> Api {
        let server = TestServer::start().await;
        let token = server.api_token("tests", &[]).await;
        Api { server, token, idp: TestIdp::start().await }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value, String) {
        let mut req = self.server.http.request(method, self.server.url(path)).bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(!text.contains(SECRET), "a response echoed the client secret: {text}");
        assert!(status.as_u16() < 500, "{path} answered {status}: {text}");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null), text)
    }

    /// `POST /api/v2/connections` with `body` sent as is, under `content_type`.
    pub async fn post_raw(&self, content_type: &str, body: &'static str) -> (StatusCode, Value) {
        let req = self.server.http.post(self.server.url("/api/v2/connections")).bearer_auth(&self.token).header("content-type", content_type).body(body);
        let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        (res.status(), res.json().await.unwrap_or_default())
    }

    pub async fn create(&self, body: Value) -> (StatusCode, Value) {
        let (status, json, _) = self.call(Method::POST, "/api/v2/connections", Some(body)).await;
        (status, json)
    }
}

/// The encrypted client secret column, as stored.
pub async fn stored_secret(api: &Api, id: &str) -> String {
    let row = app::backend::connections::store::find(&api.server.state.db, id).await.ok().flatten();
    row.and_then(|r| r.client_secret_enc).unwrap_or_default()
}

pub fn message(body: &Value) -> String {
    body["message"].as_str().unwrap_or_default().to_string()
}

