//! Tessera as deployed: the real binary in its own process, on a database URL, killed when the
//! test ends however it ends; and the browser's and application's part of a login against it.

use super::oidc_idp::OidcIdp;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const CALLBACK: &str = "https://app.example.test/callback";
pub const SECRET: &str = "idp-client-secret";
pub const VERIFIER: &str = "verifier-verifier-verifier-verifier-verifier-0001";

/// A server process.
pub struct Replica {
    pub base: String,
    pub child: Child,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh database (closed again, for a server process to open) with a Management API token
/// named `name`, and an HTTP client that does not follow redirects: (database URL, token, client).
pub async fn fresh(name: &str) -> (String, String, reqwest::Client) {
    let (db, database_url) = app::backend::store::testing::fresh_database_with_url().await.unwrap_or_else(|e| panic!("test database: {e}"));
    let token = app::backend::admin::tokens::create_token(&db, &app::backend::Clock::System, name, &[]).await.unwrap_or_else(|e| panic!("{e}")).1;
    db.close().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    (database_url, token, http)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
}

/// How to start one: the usual settings plus `env`, its stdout (the log) into `log`, and
/// `shell`, a `sh` prefix run before `exec` (a `ulimit`, say).
#[derive(Default)]
pub struct Launch<'a> {
    pub env: Vec<(&'a str, String)>,
    pub log: Option<PathBuf>,
    pub shell: Option<&'a str>,
}

pub async fn spawn(port: u16, database_url: &str, public_url: &str, master_key: &str, http: &reqwest::Client) -> Replica {
    spawn_with(port, database_url, public_url, master_key, http, Launch::default()).await
}

pub async fn spawn_with(port: u16, database_url: &str, public_url: &str, master_key: &str, http: &reqwest::Client, launch: Launch<'_>) -> Replica {
    let binary = env!("CARGO_BIN_EXE_tessera");
    let mut command = match launch.shell {
        Some(prefix) => {
            let mut c = Command::new("sh");
            c.arg("-c").arg(format!("{prefix}; exec \"$0\"")).arg(binary);
            c
        }
        None => Command::new(binary),
    };
    command
        .env("TESSERA_LISTEN", format!("127.0.0.1:{port}"))
        .env("TESSERA_PUBLIC_URL", public_url)
        .env("DATABASE_URL", database_url)
        .env("TESSERA_MASTER_KEY", master_key)
        .env("TESSERA_ALLOW_PRIVATE_NETWORK", "1")
        .env("RUST_LOG", "warn");
    for (k, v) in &launch.env {
        command.env(k, v);
    }
    match &launch.log {
        Some(path) => command.stdout(std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"))),
        None => command.stdout(Stdio::null()),
    };
    let child = command.spawn().unwrap_or_else(|e| panic!("start tessera: {e}"));
    let replica = Replica { base: format!("http://127.0.0.1:{port}"), child };
    for _ in 0..200 {
        if http.get(format!("{}/healthz", replica.base)).send().await.is_ok_and(|r| r.status() == 200) {
            return replica;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tessera on port {port} did not answer /healthz within 10 s");
}

pub fn param(url: &str, name: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())).unwrap_or_default()
}

/// An OIDC connection to `idp` and an application it is enabled for, through `base`'s Management
/// API; answers the application (with its secret).
pub async fn set_up(http: &reqwest::Client, base: &str, token: &str, idp: &OidcIdp) -> Value {
    let api = |path: &str, body: Value| http.post(format!("{base}/api/v2{path}")).bearer_auth(token).json(&body).send();
    let connection: Value = api("/connections", json!({ "strategy": "oidc", "name": "acme", "options": {
        "type": "back_channel", "discovery_url": idp.discovery_url(), "client_id": "tessera", "client_secret": SECRET, "scope": "openid email profile" } }))
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .json()
    .await
    .unwrap_or_default();
    let client: Value = api("/clients", json!({ "name": "App", "callbacks": [CALLBACK] })).await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    let client_id = client["client_id"].as_str().unwrap_or_else(|| panic!("client: {client}")).to_string();
    let enabled = http
        .patch(format!("{base}/api/v2/connections/{}", connection["id"].as_str().unwrap_or_else(|| panic!("connection: {connection}"))))
        .bearer_auth(token)
        .json(&json!({ "enabled_clients": [client_id] }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(enabled.status(), 200);
    client
}

/// `/authorize` for `client_id` through `acme`, at `base`.
pub fn authorize_url(base: &str, client_id: &str) -> String {
    let challenge = app::backend::provider::pkce_s256(VERIFIER);
    format!(
        "{base}/authorize?client_id={client_id}&redirect_uri={}&response_type=code&scope=openid%20email%20profile&state=s1&nonce=n1&code_challenge={challenge}&code_challenge_method=S256&connection=acme",
        url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect::<String>()
    )
}

/// One whole login at `base` through `acme`: the code it ends with (empty when it did not).
pub async fn log_in(http: &reqwest::Client, base: &str, client_id: &str) -> String {
    try_log_in(http, base, client_id).await.unwrap_or_default()
}

/// One whole login; `Err` names the step that failed and its status.
pub async fn try_log_in(http: &reqwest::Client, base: &str, client_id: &str) -> Result<String, (String, u16)> {
    let start = http.get(authorize_url(base, client_id)).send().await.map_err(|e| (format!("authorize: {e}"), 0))?;
    if start.status() != 302 {
        return Err(("authorize".into(), start.status().as_u16()));
    }
    let cookie = start.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let at_idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.map_err(|e| (format!("idp: {e}"), 0))?;
    let back = http
        .get(at_idp.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default())
        .header("cookie", &cookie)
        .send()
        .await
        .map_err(|e| (format!("callback: {e}"), 0))?;
    if back.status() != 302 {
        return Err(("callback".into(), back.status().as_u16()));
    }
    let to_app = back.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    Ok(param(&to_app, "code"))
}

/// Redeems `code` at `base`: the status and the answer.
pub async fn redeem(http: &reqwest::Client, base: &str, client: &Value, code: &str) -> (u16, Value) {
    let res = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
            ("client_id", client["client_id"].as_str().unwrap_or_default()),
            ("client_secret", client["client_secret"].as_str().unwrap_or_default()),
        ])
        .send()
        .await;
    match res {
        Ok(res) => (res.status().as_u16(), res.json().await.unwrap_or_default()),
        Err(_) => (0, Value::Null),
    }
}
