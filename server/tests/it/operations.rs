//! Running Tessera: `/metrics` and who may read it, JSON logs with request ids, a database that
//! is away, full or read-only, and a server killed with SIGKILL under load. The process tests run
//! the real binary.

use crate::support::flow::Flow;
use crate::support::oidc_idp::OidcIdp;
use crate::support::process::{free_port, fresh, log_in, redeem, set_up, spawn, spawn_with, try_log_in, Launch, SECRET};
use crate::support::TestServer;
use app::backend::store::testing::fresh_database_with_url;
use app::backend::Clock;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const METRICS_TOKEN: &str = "metrics-token-0123456789abcdef";

/// The value of the exposition's line for `name` whose labels include every one of `labels`.
fn sample(exposition: &str, name: &str, labels: &[&str]) -> Option<f64> {
    exposition
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(http: &reqwest::Client, url: &str, token: Option<&str>) -> (u16, String) {
    let mut request = http.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let res = request.send().await.unwrap_or_else(|e| panic!("{e}"));
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn metrics_need_their_token_and_count_sign_ins_tokens_scim_and_management_api_calls() {
    // Without a token configured, /metrics is not there at all on the public port.
    let plain = TestServer::start().await;
    assert_eq!(scrape(&plain.http, &plain.url("/metrics"), Some(METRICS_TOKEN)).await.0, 404);

    let server = TestServer::start_with(|env| env.operations.metrics_token = Some(app::backend::crypto::SecretString::new(METRICS_TOKEN))).await;
    let flow = Flow::start_in(server, "back_channel", json!({})).await;
    let (http, url) = (&flow.server.http, flow.server.url("/metrics"));
    assert_eq!(scrape(http, &url, None).await.0, 401);
    assert_eq!(scrape(http, &url, Some("metrics-token-0123456789abcdeX")).await.0, 401);
    let (_, before) = scrape(http, &url, Some(METRICS_TOKEN)).await;
    let token_successes = |e: &str| sample(e, "tessera_token_requests_total", &["grant_type=\"authorization_code\"", "outcome=\"success\""]).unwrap_or(0.0);

    // One sign-in that works and is redeemed, one whose callback lost its login cookie.
    let location = flow.run("alice@example.test").await;
    assert_eq!(flow.redeem(&location).await.0, 200);
    let start = http.get(flow.authorize_url("")).send().await.unwrap_or_else(|e| panic!("{e}"));
    let at_idp = http.get(start.headers()["location"].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    let refused = http.get(at_idp.headers()["location"].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(refused.status(), 200);
    // A Management API call and a SCIM call without its token.
    let token = flow.server.api_token("metrics", &[]).await;
    assert_eq!(http.get(flow.server.url("/api/v2/clients")).bearer_auth(&token).send().await.map(|r| r.status().as_u16()).unwrap_or(0), 200);
    let scim = http.get(flow.server.url(&format!("/scim/v2/{}/Users", flow.connection_id))).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
    assert_eq!(scim, 401);

    let (status, after) = scrape(http, &url, Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    let connection = format!("connection=\"{}\"", flow.connection_id);
    assert_eq!(sample(&after, "tessera_sign_ins_started_total", &[&connection]), Some(2.0), "{after}");
    assert_eq!(sample(&after, "tessera_sign_ins_total", &[&connection, "outcome=\"success\""]), Some(1.0), "{after}");
    assert_eq!(sample(&after, "tessera_sign_ins_total", &[&connection, "outcome=\"failure\"", "reason=\"browser_mismatch\""]), Some(1.0), "{after}");
    assert!(token_successes(&after) >= token_successes(&before) + 1.0, "{after}");
    for endpoint in ["discovery", "jwks", "token"] {
        let count = sample(&after, "tessera_upstream_request_duration_seconds_count", &[&format!("endpoint=\"{endpoint}\"")]);
        assert!(count.is_some_and(|c| c >= 1.0), "{endpoint}: {after}");
    }
    assert!(after.contains("tessera_upstream_request_duration_seconds_bucket{"), "a histogram, with buckets");
    assert!(sample(&after, "tessera_management_api_requests_total", &["route=\"/api/v2/clients\"", "method=\"GET\"", "status=\"200\""]).is_some(), "{after}");
    assert!(sample(&after, "tessera_scim_requests_total", &["operation=\"GET /Users\"", "status=\"401\""]).is_some(), "{after}");
    assert!(sample(&after, "tessera_db_connections", &["state=\"idle\""]).is_some(), "{after}");
    assert!(!after.contains(&flow.client_secret) && !after.contains("alice@example.test"), "no secret or user in the metrics");
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_the_named_reason_and_the_metrics_address_serves_only_metrics() {
    let (db, database_url) = fresh_database_with_url().await.unwrap_or_else(|e| panic!("test database: {e}"));
    db.close().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    let (port, metrics_port) = (free_port(), free_port());
    let log = std::env::temp_dir().join(format!("tessera-json-{}.log", app::backend::crypto::random_alphanumeric(8)));
    let launch = Launch {
        env: vec![("TESSERA_LOG_FORMAT", "json".into()), ("RUST_LOG", "info".into()), ("TESSERA_METRICS_LISTEN", format!("127.0.0.1:{metrics_port}"))],
        log: Some(log.clone()),
        shell: None,
    };
    let server = spawn_with(port, &database_url, &format!("http://127.0.0.1:{port}"), &"4e".repeat(32), &http, launch).await;

    let res = http
        .get(format!("{}/login/callback?state=not-a-state&code=upstream-code-must-not-be-logged", server.base))
        .header("x-request-id", "req-from-the-proxy-42")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("req-from-the-proxy-42"));
    let own = http.get(format!("{}/healthz", server.base)).send().await.unwrap_or_else(|e| panic!("{e}"));
    let own_id = own.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(own_id.len(), 16, "a request without one gets its own id");

    // /metrics: not on the public port (no token configured), alone on its own address.
    assert_eq!(scrape(&http, &format!("{}/metrics", server.base), None).await.0, 404);
    let (status, exposition) = scrape(&http, &format!("http://127.0.0.1:{metrics_port}/metrics"), None).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&exposition, "tessera_sign_ins_total", &["outcome=\"failure\"", "reason=\"state_unknown\""]), Some(1.0), "{exposition}");
    assert_eq!(scrape(&http, &format!("http://127.0.0.1:{metrics_port}/healthz"), None).await.0, 404, "the metrics address serves nothing else");

    drop(server);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {l}"))).collect();
    let failure = lines
        .iter()
        .find(|l| l["fields"]["reason_code"] == "state_unknown")
        .unwrap_or_else(|| panic!("no sign-in failure with its named reason in: {text}"));
    assert_eq!(failure["span"]["request_id"], "req-from-the-proxy-42", "{failure}");
    assert_eq!(failure["level"], "WARN");
    assert!(lines.iter().any(|l| l["fields"]["message"] == "request" && l["span"]["request_id"] == own_id.as_str()), "{text}");
    assert!(!text.contains("upstream-code-must-not-be-logged") && !text.contains("not-a-state"), "no code or state in the log: {text}");
    // Nothing went wrong, so nothing is logged as an error, start-up included (drawing the route
    // list once logged one on every start).
    let errors: Vec<&Value> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "errors logged: {errors:?}");
    let _ = std::fs::remove_file(&log);
}

/// A server whose writes the kernel refuses past a file size (as a full disk would): sign-ins
/// answer 503 naming the reason, never 500; reads go on; the process stays up.
#[tokio::test]
async fn a_database_that_cannot_be_written_answers_503_naming_the_reason_and_reads_go_on() {
    let (db, database_url) = fresh_database_with_url().await.unwrap_or_else(|e| panic!("test database: {e}"));
    if database_url.starts_with("postgres") {
        db.close().await;
        return; // PostgreSQL's outage is the next test.
    }
    let token = app::backend::admin::tokens::create_token(&db, &Clock::System, "full", &[]).await.unwrap_or_else(|e| panic!("{e}")).1;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    let master_key = "3d".repeat(32);
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let idp = OidcIdp::start("tessera", SECRET).await;
    let client = {
        let server = spawn(port, &database_url, &public_url, &master_key, &http).await;
        set_up(&http, &server.base, &token, &idp).await
    };
    let client_id = client["client_id"].as_str().unwrap_or_default().to_string();
    // An empty WAL, so every write from here on extends a file.
    let _: Vec<(i64, i64, i64)> = db.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)", &[]).await.unwrap_or_else(|e| panic!("{e}"));
    db.close().await;

    // 128 KiB per file: the database is larger already, the WAL fills within a few sign-ins.
    // SIGXFSZ ignored, so the write fails with EFBIG instead of killing the process.
    let launch = Launch { shell: Some("trap '' XFSZ; ulimit -f 256"), ..Default::default() };
    let mut server = spawn_with(port, &database_url, &public_url, &master_key, &http, launch).await;
    let mut refused = None;
    for _ in 0..300 {
        let res = http.get(crate::support::process::authorize_url(&server.base, &client_id)).send().await.unwrap_or_else(|e| panic!("{e}"));
        match res.status().as_u16() {
            302 => {}
            503 => {
                refused = Some((res.headers().get("retry-after").is_some(), res.text().await.unwrap_or_default()));
                break;
            }
            other => panic!("a write the disk refused answered {other}: {}", res.text().await.unwrap_or_default()),
        }
    }
    let (retry_after, page) = refused.unwrap_or_else(|| panic!("300 logins started and none was refused by the file size limit"));
    assert!(retry_after, "a 503 says when to come back");
    assert!(page.contains("cannot be written") || page.contains("disk is full"), "{page}");
    // The Management API names the reason in errorCode (a small write may still fit where a
    // refused one left room: each answers 201 or 503, never 500); reads go on.
    let mut named = None;
    for i in 0..100 {
        let create = http.post(format!("{}/api/v2/roles", server.base)).bearer_auth(&token).json(&json!({ "name": format!("Readers {i}") })).send().await.unwrap_or_else(|e| panic!("{e}"));
        match create.status().as_u16() {
            200 | 201 => {}
            503 => {
                named = Some(create.json::<Value>().await.unwrap_or_default());
                break;
            }
            other => panic!("a refused write answered {other}: {}", create.text().await.unwrap_or_default()),
        }
    }
    let body = named.unwrap_or_else(|| panic!("100 roles created past the file size limit"));
    assert!(matches!(body["errorCode"].as_str(), Some("database_io_error" | "database_full")), "{body}");
    let read = http.get(format!("{}/api/v2/clients/{client_id}", server.base)).bearer_auth(&token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.status(), 200, "reads are served while writes are refused");
    assert!(server.child.try_wait().unwrap_or_else(|e| panic!("{e}")).is_none(), "the server is still running");
}

/// SIGKILL in the middle of sign-ins on SQLite: every login whose code the application redeemed
/// is still there after the restart (its code stays used, its success logged), the file is
/// sound, and logins cut short simply expire.
#[tokio::test]
async fn a_server_killed_during_sign_ins_keeps_every_completed_one_and_its_file_is_sound() {
    let (database_url, token, http) = fresh("kill").await;
    if database_url.starts_with("postgres") {
        return; // PostgreSQL's own durability; the SQLite file is Tessera's to keep sound.
    }
    let master_key = "2f".repeat(32);
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let idp = OidcIdp::start("tessera", SECRET).await;
    let mut server = spawn(port, &database_url, &public_url, &master_key, &http).await;
    let client = set_up(&http, &server.base, &token, &idp).await;
    let client_id = client["client_id"].as_str().unwrap_or_default().to_string();

    // Four browsers sign in and redeem their codes until the connection drops.
    let redeemed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (http, base, client, client_id, redeemed) = (http.clone(), server.base.clone(), client.clone(), client_id.clone(), redeemed.clone());
            tokio::spawn(async move {
                loop {
                    let Ok(code) = try_log_in(&http, &base, &client_id).await else { break };
                    let (status, _) = redeem(&http, &base, &client, &code).await;
                    if status == 0 {
                        break;
                    }
                    if status == 200 {
                        redeemed.lock().unwrap_or_else(|e| e.into_inner()).push(code);
                    }
                }
            })
        })
        .collect();
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let killed = std::process::Command::new("kill").args(["-KILL", &server.child.id().to_string()]).status().unwrap_or_else(|e| panic!("{e}"));
    assert!(killed.success());
    let _ = server.child.wait();
    for w in workers {
        let _ = w.await;
    }
    let redeemed = redeemed.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(redeemed.len() >= 5, "the load ran ({} codes redeemed before the kill)", redeemed.len());

    // The file is sound and every redeemed sign-in is recorded.
    let db = app::backend::store::Db::connect(&database_url).await.unwrap_or_else(|e| panic!("{e}"));
    let check: String = db.fetch_scalar("PRAGMA integrity_check", &[]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check, "ok");
    let logged: i64 = db.fetch_scalar("SELECT COUNT(*) FROM logs WHERE type = 's'", &[]).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(logged >= redeemed.len() as i64, "{logged} successes logged for {} redeemed codes", redeemed.len());
    let now = Clock::System.now_ms();
    let left: i64 = db.fetch_scalar("SELECT COUNT(*) FROM login_transactions WHERE expires_at > $1 + 600000", &[now.into()]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(left, 0, "a login cut short expires within its 10 minutes");
    db.close().await;

    // Restarted, it answers; each redeemed code stays redeemed, and new sign-ins work.
    let server = spawn(port, &database_url, &public_url, &master_key, &http).await;
    for code in redeemed.iter().take(20) {
        let (status, body) = redeem(&http, &server.base, &client, code).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{code} was redeemed before the kill");
    }
    assert!(log_in(&http, &server.base, &client_id).await.len() > 20);
}

/// A PostgreSQL server of the test's own (the shared one serves the other tests), stopped and
/// started at will.
struct OwnPostgres {
    dir: std::path::PathBuf,
    bin: std::path::PathBuf,
    port: u16,
}

impl OwnPostgres {
    fn start() -> OwnPostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .max()
            .unwrap_or_else(|| panic!("no PostgreSQL in /usr/lib/postgresql (make test-tools installs it)"));
        let dir = std::env::temp_dir().join(format!("tessera-outage-{}", app::backend::crypto::random_alphanumeric(8)));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        run("chown", &["postgres:postgres", dir.to_str().unwrap_or_default()]);
        let pg = OwnPostgres { dir, bin, port: free_port() };
        pg.as_postgres("initdb", &["-D", pg.data(), "-A", "trust", "-U", "postgres", "--no-sync"]);
        pg.up();
        pg
    }

    fn data(&self) -> &str {
        self.dir.to_str().unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn up(&self) {
        let options = format!("-h 127.0.0.1 -p {} -k {} -F", self.port, self.data());
        let log = format!("{}/server.log", self.data());
        self.as_postgres("pg_ctl", &["-D", self.data(), "-l", &log, "-w", "-o", &options, "start"]);
    }

    fn down(&self) {
        self.as_postgres("pg_ctl", &["-D", self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn as_postgres(&self, tool: &str, args: &[&str]) {
        let tool = self.bin.join(tool);
        let mut all = vec!["-u", "postgres", "--", tool.to_str().unwrap_or_default()];
        all.extend_from_slice(args);
        run("runuser", &all);
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = std::process::Command::new("runuser")
            .args(["-u", "postgres", "--", self.bin.join("pg_ctl").to_str().unwrap_or_default(), "-D", self.data(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(program: &str, args: &[&str]) {
    let out = std::process::Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// PostgreSQL stopped for 30 s under sign-in load: every answer meanwhile is a 503 naming the
/// reason (no 500, no hang, no restart), and sign-ins work again within seconds of its return.
#[tokio::test]
async fn postgresql_stopped_for_30_s_under_load_gives_503s_and_sign_ins_resume_when_it_returns() {
    if !std::env::var("TESSERA_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        return; // Runs in the PostgreSQL pass of make test.
    }
    let pg = OwnPostgres::start();
    let db = server::open_database(&pg.url()).await.unwrap_or_else(|e| panic!("{e}"));
    let token = app::backend::admin::tokens::create_token(&db, &Clock::System, "outage", &[]).await.unwrap_or_else(|e| panic!("{e}")).1;
    db.close().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(20)).build().unwrap_or_else(|e| panic!("{e}"));
    let port = free_port();
    let server = spawn(port, &pg.url(), &format!("http://127.0.0.1:{port}"), &"1e".repeat(32), &http).await;
    let idp = OidcIdp::start("tessera", SECRET).await;
    let client = set_up(&http, &server.base, &token, &idp).await;
    let client_id = client["client_id"].as_str().unwrap_or_default().to_string();
    assert!(log_in(&http, &server.base, &client_id).await.len() > 20);

    // Two browsers keep signing in throughout.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load: Vec<_> = (0..2)
        .map(|_| {
            let (http, base, client_id, stop) = (http.clone(), server.base.clone(), client_id.clone(), stop.clone());
            tokio::spawn(async move {
                let (mut ok, mut unavailable, mut other) = (0, 0, Vec::new());
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match try_log_in(&http, &base, &client_id).await {
                        Ok(code) if code.len() > 20 => ok += 1,
                        Err((_, 503)) => {
                            unavailable += 1;
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        failed => other.push(format!("{failed:?}")),
                    }
                }
                (ok, unavailable, other)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    pg.down();
    let outage = Instant::now();
    let mut slowest = Duration::ZERO;
    while outage.elapsed() < Duration::from_secs(30) {
        let asked = Instant::now();
        let ready = http.get(format!("{}/readyz", server.base)).send().await.unwrap_or_else(|e| panic!("tessera stopped answering: {e}"));
        assert_eq!(ready.status(), 503);
        let body: Value = ready.json().await.unwrap_or_default();
        assert_eq!(body["status"], "not_ready", "{body}");
        let api = http.get(format!("{}/api/v2/clients", server.base)).bearer_auth(&token).send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(api.status(), 503);
        let body: Value = api.json().await.unwrap_or_default();
        assert_eq!(body["errorCode"], "database_unavailable", "{body}");
        slowest = slowest.max(asked.elapsed());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(slowest < Duration::from_secs(12), "an answer during the outage took {slowest:?}");

    pg.up();
    let back = Instant::now();
    loop {
        if try_log_in(&http, &server.base, &client_id).await.is_ok_and(|c| c.len() > 20) {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(15), "sign-ins did not resume within 15 s of PostgreSQL's return");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let resumed_after = back.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut ok, mut unavailable) = (0, 0);
    for worker in load {
        let (o, u, other) = worker.await.unwrap_or_else(|e| panic!("{e}"));
        assert!(other.is_empty(), "answers other than a sign-in or a 503: {other:?}");
        ok += o;
        unavailable += u;
    }
    assert!(ok > 0 && unavailable > 0, "{ok} sign-ins, {unavailable} 503s");
    eprintln!("outage: {ok} sign-ins, {unavailable} answered 503, slowest answer {slowest:?}, resumed {resumed_after:?} after PostgreSQL's return");
    drop(server);
}

/// "Invite IT admin" by email, through a real SMTP conversation: the message names the
/// organization, the inviter and the expiry and carries the link; a mail server that refuses the
/// recipient leaves the link made and says why; a bad address or no mail server makes nothing.
#[tokio::test]
async fn a_setup_link_is_emailed_and_a_refused_email_still_leaves_the_link() {
    use app::backend::organizations::invite::invite;
    use app::organizations::OrganizationInput;
    let smtp = crate::support::smtp::Smtp::start(true).await;
    let url = smtp.url();
    let server = TestServer::start_with(|env| {
        env.operations.smtp_url = Some(app::backend::crypto::SecretString::new(url));
        env.operations.smtp_from = Some("Tessera <no-reply@sso.example.test>".into());
    })
    .await;
    let state = &server.state;
    let org = app::backend::organizations::create(state, OrganizationInput { name: Some("hooli".into()), display_name: Some("Hooli XYZ".into()), metadata: None })
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let bad = invite(state, &org.id, 7, vec![], "admin@example.com", Some("not an address")).await;
    assert!(matches!(&bad, Err(app::backend::Error::Invalid { fields }) if fields[0].field == "email"), "{:?}", bad.err());
    assert!(app::backend::organizations::setup::list(state, &org.id).await.unwrap_or_default().is_empty(), "nothing made for a bad address");

    let sent = invite(state, &org.id, 3, vec![], "admin@example.com", Some("Gavin@Hooli.test")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent.email, Some(Ok("gavin@hooli.test".to_string())));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    let unfolded = message.replace("=\n", "");
    assert!(message.contains("To: gavin@hooli.test") && message.contains("Subject: Set up single sign-on for Hooli XYZ"), "{message}");
    assert!(unfolded.contains("admin@example.com invited you") && unfolded.contains(&sent.created.url), "{message}");
    assert!(unfolded.contains(&format!("expires on {}", app::text::format_utc(sent.created.link.expires_at))), "{message}");

    // Emails to one address are bounded (5 per 15 minutes): past it, 429 and nothing made.
    for _ in 0..4 {
        invite(state, &org.id, 3, vec![], "admin@example.com", Some("gavin@hooli.test")).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let links = app::backend::organizations::setup::list(state, &org.id).await.unwrap_or_default().len();
    let flooded = invite(state, &org.id, 3, vec![], "admin@example.com", Some("GAVIN@hooli.test")).await;
    assert!(matches!(&flooded, Err(app::backend::Error::TooManyRequests(m)) if m.contains("copy it")), "{:?}", flooded.err());
    assert_eq!(app::backend::organizations::setup::list(state, &org.id).await.unwrap_or_default().len(), links, "no link made past the bound");
    assert_eq!(smtp.messages().len(), 5);
    // Another address is still served, and a link without an email is never counted.
    invite(state, &org.id, 3, vec![], "admin@example.com", Some("monica@hooli.test")).await.unwrap_or_else(|e| panic!("{e}"));
    invite(state, &org.id, 3, vec![], "admin@example.com", None).await.unwrap_or_else(|e| panic!("{e}"));

    // A mail server that refuses the recipient: the link exists, the reason is given and logged.
    let refusing = crate::support::smtp::Smtp::start(false).await;
    let url = refusing.url();
    let other = TestServer::start_with(|env| env.operations.smtp_url = Some(app::backend::crypto::SecretString::new(url))).await;
    let org = app::backend::organizations::create(&other.state, OrganizationInput { name: Some("pied".into()), display_name: None, metadata: None })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refused = invite(&other.state, &org.id, 7, vec![], "admin@example.com", Some("richard@pied.test")).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(&refused.email, Some(Err(reason)) if reason.contains("no such user")), "{:?}", refused.email);
    assert!(refused.created.url.contains("/setup/"));
    let logged: i64 = other.state.db.fetch_scalar("SELECT COUNT(*) FROM logs WHERE description LIKE '%could not be sent to richard@pied.test%'", &[]).await.unwrap_or(0);
    assert_eq!(logged, 1);

    // No mail server: an address is refused, naming the variable.
    let plain = TestServer::start().await;
    let org = app::backend::organizations::create(&plain.state, OrganizationInput { name: Some("endframe".into()), display_name: None, metadata: None })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let unconfigured = invite(&plain.state, &org.id, 7, vec![], "admin@example.com", Some("a@endframe.test")).await;
    assert!(matches!(&unconfigured, Err(e) if e.to_string().contains("TESSERA_SMTP_URL")), "{:?}", unconfigured.err());
}
