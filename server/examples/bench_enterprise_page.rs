//! Benchmark: the Connections → Enterprise page with 10,000 connections.
//!
//! Seeds a fresh SQLite database (or `DATABASE_URL`, e.g. a PostgreSQL server) with 10,000
//! connections through the connections service, starts the server in-process, signs in, and
//! times full server-rendered page loads over real HTTP: the first page, the last page, and a
//! search. Prints p50 / p95 / max per case.
//!
//! Run with `make bench` (a release build).

use app::backend::admin::accounts::create_admin;
use app::backend::connections::create_connection;
use app::backend::crypto::{MasterKey, SecretString};
use app::backend::{Clock, Environment};
use app::connections::{CreateConnection, OptionsInput};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 10_000;
const ROUNDS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("tessera-bench-{}", std::process::id()));
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
    let clock = Clock::System;
    create_admin(&db, &clock, "bench@example.com", SecretString::new("benchmark password"), false).await?;
    let state = server::state(settings, db, clock)?;

    let seeding = Instant::now();
    for i in 0..CONNECTIONS {
        let body = CreateConnection {
            name: format!("conn-{i:05}"),
            strategy: "oidc".into(),
            options: OptionsInput {
                issuer: Some(format!("https://idp{i}.example")),
                authorization_endpoint: Some(format!("https://idp{i}.example/authorize")),
                jwks_uri: Some(format!("https://idp{i}.example/jwks")),
                client_id: Some("bench".into()),
                domain_aliases: Some(vec![format!("customer{i}.example")]),
                ..Default::default()
            },
            ..Default::default()
        };
        create_connection(&state, body).await?;
    }
    println!("seeded {CONNECTIONS} connections in {:.1} s ({})", seeding.elapsed().as_secs_f64(), app::backend::store::redact_url(&url));

    let serving = state.clone();
    tokio::spawn(async move {
        let _ = server::serve(serving, listener, std::future::pending()).await;
    });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let res = http
        .post(format!("{base}/rpc/sign_in"))
        .header("origin", &base)
        .form(&[("email", "bench@example.com"), ("password", "benchmark password")])
        .send()
        .await?;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("tessera_session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
        .ok_or("sign-in failed")?;

    println!("{:<34} {:>9} {:>9} {:>9} {:>9}", "GET (server-rendered, signed in)", "p50 ms", "p95 ms", "max ms", "KiB");
    for (label, path, expect) in [
        ("first page", "/connections/enterprise".to_string(), "conn-00000"),
        ("last page (page=399)", "/connections/enterprise?page=399".to_string(), "conn-09999"),
        ("search q=conn-0999", "/connections/enterprise?q=conn-0999".to_string(), "conn-09990"),
    ] {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut size = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let res = http.get(format!("{base}{path}")).header("cookie", &cookie).send().await?;
            let status = res.status();
            let body = res.text().await?;
            times.push(started.elapsed());
            if status != 200 || !body.contains(expect) {
                return Err(format!("{path} answered {status} without {expect}").into());
            }
            size = body.len();
        }
        times.sort();
        println!(
            "{:<34} {:>9.2} {:>9.2} {:>9.2} {:>9.1}",
            label,
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.95).as_secs_f64() * 1000.0,
            times[times.len() - 1].as_secs_f64() * 1000.0,
            size as f64 / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
