//! Benchmark: SCIM `GET /Users` on a connection with 10,000 provisioned users (`BENCH_SCIM_USERS`).
//!
//! Seeds a fresh SQLite database (or `DATABASE_URL`) with 10,000 users through the SCIM users
//! service (the same function `POST /Users` calls), starts the server in-process, and times
//! SCIM list requests over real HTTP with the connection's bearer token: a `userName eq` filter
//! (what Okta and Entra send before every create), an `externalId eq` filter, a filter no index
//! serves (`emails[type eq "work"].value eq`), and a page without a filter deep in the list.
//! Prints p50 / p95 / max per case.
//!
//! Run with `make bench-scim` (a release build).

use app::backend::crypto::MasterKey;
use app::backend::scim::{self, Scope};
use app::backend::{Clock, Environment};
use app::connections::{CreateConnection, OptionsInput};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// `BENCH_SCIM_USERS` (default 10,000): how many users the connection holds.
fn users() -> usize {
    std::env::var("BENCH_SCIM_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}
const ROUNDS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("tessera-bench-scim-{}", std::process::id()));
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let db = server::open_database(&url).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let settings = Environment {
        public_url: url::Url::parse(&base)?,
        listen: addr,
        database_url: url.clone(),
        master_key: MasterKey::generate(),
        allow_private_network: false,
        trusted_proxies: Default::default(),
            dns_resolver: None,
            operations: Default::default(),
    };
    let state = server::state(settings, db, Clock::System)?;
    let connection = app::backend::connections::create_connection(
        &state,
        CreateConnection {
            name: "bench-scim".into(),
            strategy: "oidc".into(),
            options: OptionsInput {
                issuer: Some("https://idp.example".into()),
                authorization_endpoint: Some("https://idp.example/authorize".into()),
                jwks_uri: Some("https://idp.example/jwks".into()),
                client_id: Some("bench".into()),
                scim_enabled: Some(true),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await?;
    let (_, token) = scim::tokens::create(&state, &connection.id, "bench").await?;

    let seeding = Instant::now();
    let scope = Scope { state: &state, connection: connection.clone(), base: scim::endpoint(&state, &connection.id) };
    let users = users();
    for i in 0..users {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": format!("user{i:05}@bench.example"), "externalId": format!("00u{i:05}"),
            "name": { "givenName": format!("Given{i}"), "familyName": format!("Family{}", i % 500) }, "active": true,
            "emails": [{ "value": format!("user{i:05}@work.example"), "type": "work", "primary": true }, { "value": format!("user{i:05}@home.example"), "type": "home" }],
        });
        scim::users::create(&scope, body.as_object().ok_or("a JSON object")?).await.map_err(|e| e.detail)?;
    }
    println!("seeded {users} SCIM users in {:.1} s ({})", seeding.elapsed().as_secs_f64(), app::backend::store::redact_url(&url));

    let serving = state.clone();
    tokio::spawn(async move {
        let _ = server::serve(serving, listener, std::future::pending()).await;
    });
    let http = reqwest::Client::new();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    println!("{:<52} {:>9} {:>9} {:>9} {:>8}", format!("GET /scim/v2/{{connection}}/Users ({users} users)"), "p50 ms", "p95 ms", "max ms", "results");
    for (label, query, expect_total) in [
        ("filter userName eq (index)", format!("filter={}", enc(r#"userName eq "user05000@bench.example""#)), 1),
        ("filter externalId eq (index)", format!("filter={}", enc(r#"externalId eq "00u07777""#)), 1),
        ("filter emails[type eq \"work\"].value eq (index)", format!("filter={}", enc(r#"emails[type eq "work"].value eq "user09999@work.example""#)), 1),
        ("filter name.familyName eq, count=100 (index)", format!("filter={}&count=100", enc(r#"name.familyName eq "Family7""#)), (users / 500 + usize::from(users % 500 > 7)) as u64),
        ("no filter, startIndex=9901&count=100", "startIndex=9901&count=100".to_string(), users as u64),
    ] {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut items = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let res = http.get(format!("{}/Users?{query}", scope.base)).bearer_auth(&token).send().await?;
            let status = res.status();
            let body: Value = res.json().await?;
            times.push(started.elapsed());
            if status != 200 || body["totalResults"].as_u64() != Some(expect_total) {
                return Err(format!("{query} answered {status}: totalResults {}", body["totalResults"]).into());
            }
            items = body["Resources"].as_array().map(Vec::len).unwrap_or(0);
        }
        times.sort();
        println!(
            "{:<52} {:>9.2} {:>9.2} {:>9.2} {:>8}",
            label,
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.95).as_secs_f64() * 1000.0,
            times[times.len() - 1].as_secs_f64() * 1000.0,
            items
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
