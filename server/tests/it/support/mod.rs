//! The integration-test harness: a real Tessera server on a free loopback port with a fresh
//! database (SQLite, or PostgreSQL when `TESSERA_TEST_DATABASE_URL` says so), talked to over
//! real HTTP.


use app::backend::crypto::{MasterKey, SecretString};
use app::backend::store::testing::fresh_database_with_url;
use app::backend::store::Db;
use app::backend::{AppState, Clock, Environment};

pub mod api;
pub mod dns_server;
pub mod flow;
pub mod idp;
pub mod logout_receiver;
pub mod oidc_idp;
pub mod process;
pub mod smtp;

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    /// Where the database is, so a second replica can open its own pool on it.
    pub database_url: String,
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Environment)) -> TestServer {
        let (db, database_url) = fresh_database_with_url().await.unwrap_or_else(|e| panic!("test database: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        let base = format!("http://{addr}");
        let mut settings = Environment {
            public_url: url::Url::parse(&base).unwrap_or_else(|e| panic!("{e}")),
            listen: addr,
            database_url: String::new(),
            master_key: MasterKey::generate(),
            allow_private_network: true,
            trusted_proxies: Default::default(),
            dns_resolver: None,
            operations: Default::default(),
        };
        adjust(&mut settings);
        let clock = Clock::System;
        app::backend::admin::accounts::create_admin(&db, &clock, ADMIN_EMAIL, SecretString::new(ADMIN_PASSWORD), false)
            .await
            .unwrap_or_else(|e| panic!("admin: {e}"));
        Self::serve(settings, db, database_url, listener).await
    }

    /// A second replica: its own listener, pool and caches, on the same database and master key.
    pub async fn replica(&self) -> TestServer {
        let db = Db::connect(&self.database_url).await.unwrap_or_else(|e| panic!("replica database: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let mut settings = (*self.state.env).clone();
        settings.listen = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        Self::serve(settings, db, self.database_url.clone(), listener).await
    }

    async fn serve(settings: Environment, db: Db, database_url: String, listener: tokio::net::TcpListener) -> TestServer {
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        let base = format!("http://{addr}");
        let clock = Clock::System;
        let state = server::state(settings, db, clock).unwrap_or_else(|e| panic!("state: {e}"));
        let serving = state.clone();
        tokio::spawn(async move {
            let _ = server::serve(serving, listener, std::future::pending()).await;
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"));
        TestServer { base, state, http, database_url }
    }

    /// A Management API token with these scopes (all when empty).
    pub async fn api_token(&self, name: &str, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        app::backend::admin::tokens::create_token(&self.state.db, &self.state.clock, name, &scopes)
            .await
            .unwrap_or_else(|e| panic!("token: {e}"))
            .1
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A same-origin form post, as the dashboard's own pages send it.
    pub fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(path))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .form(form)
    }

    /// Signs in through the sign-in server function; returns the session cookie (`name=value`).
    pub async fn sign_in(&self) -> String {
        let res = self
            .post_form("/rpc/sign_in", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("sign in: {e}"));
        assert!(res.status().is_success(), "sign-in answered {}", res.status());
        session_cookie(&res).unwrap_or_else(|| panic!("sign-in set no session cookie"))
    }
}

/// The dashboard session's `tessera_admin=…` pair from a response's Set-Cookie, if any.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    cookie_set(res, "tessera_admin=")
}

/// The `name=value` of the first cookie a response set whose name=value starts with `prefix`.
pub fn cookie_set(res: &reqwest::Response, prefix: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(prefix))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

/// The `action` and the fields of the first form on an HTML page (a form post response), with
/// the HTML escapes undone.
pub fn html_form(page: &str) -> (String, Vec<(String, String)>) {
    let unescape = |s: &str| s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form = page.find("<form").map(|i| &page[i..]).unwrap_or_default();
    let action = attr(&form[..form.find('>').unwrap_or(form.len())], "action").unwrap_or_default();
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect();
    (action, fields)
}

/// A machine-to-machine application: its client id and secret.
pub async fn machine_app(server: &TestServer) -> (String, String) {
    let created = app::backend::applications::create_application(
        &server.state,
        app::applications::CreateApplication { name: "Deploy bot".into(), app_type: Some("non_interactive".into()), ..Default::default() },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (created.application.client_id, created.client_secret.unwrap_or_default())
}
