//! `make bench-login`: complete brokered logins through Tessera, over real HTTP on loopback.
//! Each login is authorize → IdP → callback (back channel: code exchanged at the IdP's token
//! endpoint, ID token validated) → Tessera's code → token → userinfo. Three processes, as users
//! run it: Tessera (the release binary; SQLite in a temp dir, or `BENCH_DATABASE_URL`), the
//! upstream OpenID Provider (this binary with `--op`, signing ES256 ID tokens, or RS256 with
//! `BENCH_UPSTREAM_ALG=RS256`) and the load driver (this process: keep-alive HTTP/1.1
//! connections, one browser-and-application per concurrent worker). Tessera's CPU time per login
//! comes from its own counters (/proc/<pid>/stat), and so does how many cores it used.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CALLBACK: &str = "https://app.bench.test/callback";
const VERIFIER: &str = "bench-verifier-bench-verifier-bench-verifier-0001";

/// The upstream's signing key: ES256 (what the figures use) or RS256.
enum Signer {
    Es256(aws_lc_rs::signature::EcdsaKeyPair),
    Rs256(aws_lc_rs::signature::RsaKeyPair),
}

impl Signer {
    fn alg(&self) -> &'static str {
        match self {
            Signer::Es256(_) => "ES256",
            Signer::Rs256(_) => "RS256",
        }
    }

    fn sign(&self, input: &[u8]) -> Vec<u8> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        match self {
            Signer::Es256(k) => k.sign(&rng, input).unwrap_or_else(|e| panic!("{e}")).as_ref().to_vec(),
            Signer::Rs256(k) => {
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &rng, input, &mut sig).unwrap_or_else(|e| panic!("{e}"));
                sig
            }
        }
    }

    /// The key and its public JWK.
    fn new(alg: &str) -> (Signer, Value) {
        use aws_lc_rs::signature::KeyPair as _;
        if alg == "RS256" {
            let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap_or_else(|e| panic!("{e}"));
            let jwk = json!({ "kty": "RSA", "kid": "bench-1", "alg": "RS256", "use": "sig", "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be()) });
            return (Signer::Rs256(signing_key(&key)), jwk);
        }
        let alg = &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let pkcs8 = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(alg, &aws_lc_rs::rand::SystemRandom::new()).unwrap_or_else(|e| panic!("{e}"));
        let key = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let point = key.public_key().as_ref().to_vec(); // 0x04 ‖ x ‖ y
        let jwk = json!({ "kty": "EC", "crv": "P-256", "kid": "bench-1", "alg": "ES256", "use": "sig", "x": b64(&point[1..33]), "y": b64(&point[33..65]) });
        (Signer::Es256(key), jwk)
    }
}

struct Op {
    base: String,
    signer: Signer,
    jwk: Value,
    codes: Mutex<HashMap<String, String>>,
    next: Mutex<u64>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn op_discovery(State(op): State<Arc<Op>>) -> Json<Value> {
    let b = &op.base;
    Json(json!({ "issuer": b, "authorization_endpoint": format!("{b}/authorize"), "token_endpoint": format!("{b}/token"),
        "userinfo_endpoint": format!("{b}/userinfo"), "jwks_uri": format!("{b}/jwks"), "response_types_supported": ["code"],
        "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": [op.signer.alg()], "code_challenge_methods_supported": ["S256"] }))
}

async fn op_jwks(State(op): State<Arc<Op>>) -> Json<Value> {
    Json(json!({ "keys": [op.jwk] }))
}

async fn op_authorize(State(op): State<Arc<Op>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut n = op.next.lock().unwrap_or_else(|e| e.into_inner());
    *n += 1;
    let code = format!("c{n}");
    op.codes.lock().unwrap_or_else(|e| e.into_inner()).insert(code.clone(), q.get("nonce").cloned().unwrap_or_default());
    Redirect::to(&format!("{}?code={code}&state={}", q.get("redirect_uri").cloned().unwrap_or_default(), q.get("state").cloned().unwrap_or_default())).into_response()
}

async fn op_token(State(op): State<Arc<Op>>, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let code = form.get("code").cloned().unwrap_or_default();
    let nonce = op.codes.lock().unwrap_or_else(|e| e.into_inner()).remove(&code).unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    // 1,000 users signing in in turn: concurrent logins are different people, as in real use
    // (one user for every login of a second had them queue on that user's row lock).
    let n: u64 = code.trim_start_matches('c').parse().unwrap_or(0);
    let sub = format!("user{}", n % 1000);
    let claims = json!({ "iss": op.base, "sub": sub, "aud": "bench", "exp": now + 300, "iat": now, "nonce": nonce,
        "email": format!("{sub}@bench.test"), "email_verified": true, "name": sub });
    let header = json!({ "alg": op.signer.alg(), "kid": "bench-1", "typ": "JWT" });
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let sig = op.signer.sign(input.as_bytes());
    Json(json!({ "access_token": "at", "token_type": "Bearer", "id_token": format!("{input}.{}", b64(&sig)) })).into_response()
}

fn signing_key(key: &rsa::RsaPrivateKey) -> aws_lc_rs::signature::RsaKeyPair {
    use rsa::pkcs8::EncodePrivateKey;
    let der = key.to_pkcs8_der().unwrap_or_else(|e| panic!("{e}"));
    aws_lc_rs::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// The numeric fields of `/proc/<pid>/stat` after the command's ")" (field 3 onwards, so
/// field N is at N - 3: ppid 1, utime 11, stime 12, cutime 13, cstime 14); 0 where unreadable.
fn stat_fields(pid: u32) -> Vec<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    after.split_whitespace().map(|v| v.parse::<u64>().unwrap_or(0)).collect()
}

/// The process's (user, system) CPU ticks.
fn cpu_ticks(pid: u32) -> (u64, u64) {
    let f = stat_fields(pid);
    (f.get(11).copied().unwrap_or(0), f.get(12).copied().unwrap_or(0))
}

/// PostgreSQL's CPU ticks: the postmaster's own and its reaped children's, plus every live
/// backend's (the pool's connections), when `BENCH_PG_DATA` names the data directory whose
/// `postmaster.pid` says which process it is.
fn postgres_ticks() -> Option<u64> {
    let data = std::env::var("BENCH_PG_DATA").ok()?;
    let pid: u32 = std::fs::read_to_string(format!("{data}/postmaster.pid")).ok()?.lines().next()?.trim().parse().ok()?;
    let own = stat_fields(pid);
    let mut total: u64 = own.get(11..15).map(|f| f.iter().sum()).unwrap_or(0);
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let f = stat_fields(child);
        if f.get(1) == Some(&u64::from(pid)) {
            total += f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0);
        }
    }
    Some(total)
}

/// PostgreSQL's own counters, for the per-login figures: transactions committed (every
/// statement outside a transaction is one, reads included) and WAL flushes (`pg_stat_wal.wal_sync`, each an
/// fsync of the log), read over `url`.
async fn postgres_counters(url: Option<&str>) -> Option<(i64, i64)> {
    use sqlx::Connection as _;
    let mut c = sqlx::PgConnection::connect(url?).await.ok()?;
    let commits: i64 = sqlx::query_scalar("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").fetch_one(&mut c).await.ok()?;
    let syncs: i64 = sqlx::query_scalar("SELECT wal_sync FROM pg_stat_wal").fetch_one(&mut c).await.ok()?;
    // This connection's own transactions are among the commits: two, one each side of a run.
    Some((commits, syncs))
}

/// The whole machine's (busy, all) CPU ticks so far, from /proc/stat (idle and iowait are not
/// busy; steal, time the hypervisor gave to others, is).
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat.lines().next().unwrap_or_default().split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    let all: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    (all.saturating_sub(idle), all)
}

/// The process's read and write system calls so far (`syscr`, `syscw` of /proc/<pid>/io):
/// sockets and the database file alike.
fn io_calls(pid: u32) -> (u64, u64) {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
    let field = |name: &str| io.lines().find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok()).unwrap_or(0);
    (field("syscr:"), field("syscw:"))
}

/// Context switches of all the process's threads (voluntary and not).
fn context_switches(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .flat_map(|status| status.lines().filter(|l| l.contains("ctxt_switches:")).filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()).collect::<Vec<_>>())
        .sum()
}

fn ticks_per_second() -> u64 {
    std::process::Command::new("getconf").arg("CLK_TCK").output().ok().and_then(|o| String::from_utf8(o.stdout).ok()).and_then(|s| s.trim().parse().ok()).unwrap_or(100)
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// One complete login; panics on anything but success, so a broken flow cannot look fast.
async fn login(http: &reqwest::Client, base: &str, client_id: &str, secret: &str, challenge: &str) {
    let authorize = format!(
        "{base}/authorize?client_id={client_id}&redirect_uri={}&response_type=code&scope=openid%20email&state=s&nonce=n&code_challenge={challenge}&code_challenge_method=S256&connection=bench",
        url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect::<String>()
    );
    let start = http.get(&authorize).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(start.status(), 302, "authorize");
    let cookie = start.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let idp = http.get(location(&start)).send().await.unwrap_or_else(|e| panic!("{e}"));
    let back = http.get(location(&idp)).header("cookie", cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    let to_app = location(&back);
    let code = url::Url::parse(&to_app).ok().and_then(|u| u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()));
    let code = code.unwrap_or_else(|| panic!("no code: {to_app}"));
    let tokens: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK), ("code_verifier", VERIFIER), ("client_id", client_id), ("client_secret", secret)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let at = tokens["access_token"].as_str().unwrap_or_else(|| panic!("no tokens: {tokens}"));
    let info = http.get(format!("{base}/userinfo")).bearer_auth(at).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.status(), 200, "userinfo");
}

/// `--op PORT ALG`: the upstream OpenID Provider, alone in this process, until killed.
async fn serve_op(port: u16, alg: &str) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap_or_else(|e| panic!("{e}"));
    let (signer, jwk) = Signer::new(alg);
    let op = Arc::new(Op { base: format!("http://127.0.0.1:{port}"), signer, jwk, codes: Mutex::new(HashMap::new()), next: Mutex::new(0) });
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(op_discovery))
        .route("/jwks", get(op_jwks))
        .route("/authorize", get(op_authorize))
        .route("/token", post(op_token))
        .with_state(op);
    let _ = axum::serve(listener, app).await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
}

async fn wait_until_up(http: &reqwest::Client, url: &str) {
    for _ in 0..200 {
        if http.get(url).send().await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not answer within 10 s");
}

/// Kills the child processes however the run ends.
struct Children(Vec<std::process::Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--op") {
        let port = args.get(2).and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("--op PORT ALG"));
        serve_op(port, args.get(3).map(String::as_str).unwrap_or("ES256")).await;
        return;
    }
    let bin = std::env::var("TESSERA_BIN").unwrap_or_else(|_| panic!("TESSERA_BIN must name the release tessera binary"));
    let upstream_alg = std::env::var("BENCH_UPSTREAM_ALG").unwrap_or_else(|_| "ES256".into());
    let dir = std::env::temp_dir().join(format!("tessera-bench-login-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let database_url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/tessera.db", dir.display()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("TESSERA_LISTEN", format!("127.0.0.1:{port}")),
        ("TESSERA_PUBLIC_URL", base.clone()),
        ("DATABASE_URL", database_url.clone()),
        ("TESSERA_MASTER_KEY", "07".repeat(32)),
        ("TESSERA_ALLOW_PRIVATE_NETWORK", "1".into()),
        ("TESSERA_ADMIN_EMAIL", "bench@example.com".into()),
        ("TESSERA_ADMIN_PASSWORD", "bench password 123".into()),
        ("RUST_LOG", "warn".into()),
    ];
    let token = std::process::Command::new(&bin).args(["token", "create", "--name", "bench"]).envs(env.iter().cloned()).output().unwrap_or_else(|e| panic!("{e}"));
    let token = String::from_utf8_lossy(&token.stdout).trim().lines().last().unwrap_or_default().to_string();
    let mut children = Children(Vec::new());
    children.0.push(std::process::Command::new(&bin).envs(env.iter().cloned()).spawn().unwrap_or_else(|e| panic!("{e}")));
    let pid = children.0[0].id();
    let op_port = free_port();
    let me = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    children.0.push(std::process::Command::new(me).args(["--op", &op_port.to_string(), &upstream_alg]).spawn().unwrap_or_else(|e| panic!("{e}")));
    let op_base = format!("http://127.0.0.1:{op_port}");
    // The driver: keep-alive HTTP/1.1 connections, as many as there are workers.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).http1_only().pool_max_idle_per_host(64).build().unwrap_or_else(|e| panic!("{e}"));
    wait_until_up(&http, &format!("{base}/healthz")).await;
    wait_until_up(&http, &format!("{op_base}/.well-known/openid-configuration")).await;

    // A connection and two applications (RS256 and ES256 ID tokens), through the Management API.
    let api = |method: reqwest::Method, path: &str, body: Value| http.request(method, format!("{base}/api/v2{path}")).bearer_auth(&token).json(&body).send();
    let connection: Value = api(reqwest::Method::POST, "/connections", json!({ "strategy": "oidc", "name": "bench", "options": {
        "type": "back_channel", "discovery_url": format!("{op_base}/.well-known/openid-configuration"), "client_id": "bench", "client_secret": "bench-secret" } }))
        .await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    let id = connection["id"].as_str().unwrap_or_else(|| panic!("connection: {connection}")).to_string();
    let mut apps = Vec::new();
    for alg in ["RS256", "ES256"] {
        let client: Value = api(reqwest::Method::POST, "/clients", json!({ "name": format!("Bench {alg}"), "callbacks": [CALLBACK], "id_token_signed_response_alg": alg }))
            .await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
        apps.push((alg, client["client_id"].as_str().unwrap_or_default().to_string(), client["client_secret"].as_str().unwrap_or_default().to_string()));
    }
    let enabled: Vec<&str> = apps.iter().map(|(_, c, _)| c.as_str()).collect();
    api(reqwest::Method::PATCH, &format!("/connections/{id}"), json!({ "enabled_clients": enabled })).await.unwrap_or_else(|e| panic!("{e}"));
    let challenge = b64(&<sha2::Sha256 as sha2::Digest>::digest(VERIFIER.as_bytes()));

    let hz = ticks_per_second() as f64;
    let database = if database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    println!("Brokered logins through Tessera (release, {database}; upstream {upstream_alg} in its own process; driver in its own process, keep-alive), each: authorize → IdP → callback → code exchange at the IdP → ID token validation → token → userinfo");
    println!("{} cores here", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    // Long enough that each run includes several WAL checkpoints (SQLite copies the WAL back
    // every 10,000 pages; a login appends about six), so their cost is in the figures.
    let runs: Vec<(usize, usize, usize)> = vec![(1, 1000, 0), (8, 6000, 0), (32, 6000, 0), (8, 4000, 1)];
    for (concurrency, total, app) in runs {
        let (alg, client_id, secret) = apps[app].clone();
        // Warm up (JWKS, keys, connections).
        for _ in 0..10 {
            login(&http, &base, &client_id, &secret, &challenge).await;
        }
        let (user_before, sys_before) = cpu_ticks(pid);
        let switches_before = context_switches(pid);
        let io_before = io_calls(pid);
        let machine_before = machine_ticks();
        let postgres_before = postgres_ticks();
        let pg_url = database_url.starts_with("postgres").then_some(database_url.as_str());
        let counters_before = postgres_counters(pg_url).await;
        let started = Instant::now();
        let latencies = Arc::new(Mutex::new(Vec::with_capacity(total)));
        let mut workers = Vec::new();
        for w in 0..concurrency {
            let (http, base, client_id, secret, challenge, latencies) = (http.clone(), base.clone(), client_id.clone(), secret.clone(), challenge.clone(), latencies.clone());
            let share = total / concurrency + usize::from(w < total % concurrency);
            workers.push(tokio::spawn(async move {
                for _ in 0..share {
                    let t = Instant::now();
                    login(&http, &base, &client_id, &secret, &challenge).await;
                    latencies.lock().unwrap_or_else(|e| e.into_inner()).push(t.elapsed());
                }
            }));
        }
        for w in workers {
            w.await.unwrap_or_else(|e| panic!("{e}"));
        }
        let elapsed = started.elapsed().as_secs_f64();
        let (user_after, sys_after) = cpu_ticks(pid);
        let (user, sys) = ((user_after - user_before) as f64 / hz, (sys_after - sys_before) as f64 / hz);
        let cpu = user + sys;
        let switches = (context_switches(pid) - switches_before) as f64 / total as f64;
        let io_after = io_calls(pid);
        let machine_after = machine_ticks();
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64;
        let machine_busy = (machine_after.0 - machine_before.0) as f64 / (machine_after.1 - machine_before.1).max(1) as f64 * cores;
        let (reads, writes) = ((io_after.0 - io_before.0) as f64 / total as f64, (io_after.1 - io_before.1) as f64 / total as f64);
        let postgres = match (postgres_before, postgres_ticks()) {
            (Some(before), Some(after)) => format!("; PostgreSQL CPU {:.2} ms per login", after.saturating_sub(before) as f64 / hz * 1000.0 / total as f64),
            _ => String::new(),
        };
        // An idle backend reports its counters within 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL).
        if pg_url.is_some() {
            tokio::time::sleep(Duration::from_secs(11)).await;
        }
        let postgres = match (counters_before, postgres_counters(pg_url).await) {
            (Some((c0, s0)), Some((c1, s1))) => {
                format!("{postgres}, {:.1} transactions and {:.2} WAL flushes per login", (c1 - c0 - 2) as f64 / total as f64, (s1 - s0) as f64 / total as f64)
            }
            _ => postgres,
        };
        let mut l = latencies.lock().unwrap_or_else(|e| e.into_inner()).clone();
        l.sort();
        let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)].as_secs_f64() * 1000.0;
        println!(
            "c={concurrency:<2} {alg} ID tokens: {total} logins in {elapsed:.2} s = {:.0} logins/s; latency p50 {:.2} ms, p99 {:.2} ms; Tessera CPU {:.2} ms per login (user {:.2}, system {:.2}; {switches:.0} context switches, {reads:.0} read and {writes:.0} write system calls); Tessera used {:.2} cores, the machine {machine_busy:.2} of {cores:.0}{postgres}",
            total as f64 / elapsed,
            pct(0.50),
            pct(0.99),
            cpu * 1000.0 / total as f64,
            user * 1000.0 / total as f64,
            sys * 1000.0 / total as f64,
            cpu / elapsed,
        );
    }
    drop(children);
    let _ = std::fs::remove_dir_all(&dir);
}
