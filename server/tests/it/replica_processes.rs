//! Two Tessera server processes (the real binary, as deployed) on one database: a login started
//! on one finishes on the other, its code is redeemed on the first and its access token read on
//! the second. On PostgreSQL when `TESSERA_TEST_DATABASE_URL` names one (what replicas are
//! for), else on one SQLite file.

use crate::support::oidc_idp::OidcIdp;
use crate::support::process::{authorize_url, free_port, fresh, log_in, param, set_up, spawn, CALLBACK, SECRET, VERIFIER};
use app::backend::store::testing::fresh_database_with_url;
use app::backend::Clock;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

#[tokio::test]
async fn sigterm_drains_and_exits_zero_and_a_login_started_before_the_restart_finishes_after_it() {
    let (database_url, token, http) = fresh("restart").await;
    let master_key = "6b".repeat(32);
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let mut before = spawn(port, &database_url, &public_url, &master_key, &http).await;
    let ready: Value = http.get(format!("{}/readyz", before.base)).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert_eq!(ready["status"], "ready", "{ready}");
    let idp = OidcIdp::start("tessera", SECRET).await;
    let client = set_up(&http, &before.base, &token, &idp).await;
    let client_id = client["client_id"].as_str().unwrap_or_default().to_string();

    // A login starts, and the server is told to stop (a rolling restart).
    let start = http.get(authorize_url(&before.base, &client_id)).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(start.status(), 302);
    let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let at_idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    let pid = before.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap_or_else(|e| panic!("kill: {e}"));
    assert!(killed.success());
    let mut exit = None;
    for _ in 0..250 {
        if let Some(status) = before.child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exit = exit.unwrap_or_else(|| panic!("tessera did not exit within 25 s of SIGTERM"));
    assert_eq!(exit.code(), Some(0), "a SIGTERM is a clean stop: {exit:?}");

    // The new process on the same address finishes the login the old one started.
    let after = spawn(port, &database_url, &public_url, &master_key, &http).await;
    let callback = at_idp.headers()[LOCATION].to_str().unwrap_or_default().to_string();
    let back = http.get(&callback).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    let to_app = back.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(param(&to_app, "state"), "s1", "{to_app}");
    assert!(param(&to_app, "code").len() > 20, "{to_app}");
    drop(after);
}

#[tokio::test]
async fn a_login_started_on_one_server_process_finishes_on_another() {
    let (database_url, token, http) = fresh("replicas").await;
    let master_key = "5a".repeat(32);
    // Both answer to one public URL (the load balancer's); here it is the first one's address.
    let public_port = free_port();
    let public_url = format!("http://127.0.0.1:{public_port}");
    let first = spawn(public_port, &database_url, &public_url, &master_key, &http).await;
    let second = spawn(free_port(), &database_url, &public_url, &master_key, &http).await;
    assert_ne!(first.child.id(), second.child.id());

    // Set up through the first process's Management API.
    let idp = OidcIdp::start("tessera", SECRET).await;
    let client = set_up(&http, &first.base, &token, &idp).await;
    let client_id = client["client_id"].as_str().unwrap_or_default().to_string();

    // The browser starts at the first process…
    let authorize = authorize_url(&first.base, &client_id);
    let start = http.get(&authorize).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(start.status(), 302);
    let cookie = start.headers()[SET_COOKIE].to_str().unwrap_or_default().split(';').next().unwrap_or_default().to_string();
    let at_idp = http.get(start.headers()[LOCATION].to_str().unwrap_or_default()).send().await.unwrap_or_else(|e| panic!("{e}"));
    // …and the load balancer sends the IdP's answer to the second.
    let callback = at_idp.headers()[LOCATION].to_str().unwrap_or_default().replace(&first.base, &second.base);
    assert!(callback.starts_with(&format!("{}/login/callback", second.base)), "{callback}");
    let back = http.get(&callback).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("{e}"));
    let to_app = back.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(param(&to_app, "state"), "s1", "{to_app}");
    let code = param(&to_app, "code");
    assert!(code.len() > 20, "{to_app}");

    // The code is redeemed at the first process…
    let tokens: Value = http
        .post(format!("{}/oauth/token", first.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
            ("client_id", client_id.as_str()),
            ("client_secret", client["client_secret"].as_str().unwrap_or_default()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let access_token = tokens["access_token"].as_str().unwrap_or_else(|| panic!("tokens: {tokens}"));
    // …whose ID token is signed with a key the second one publishes…
    let header: Value = tokens["id_token"]
        .as_str()
        .and_then(|t| t.split('.').next())
        .and_then(|h| base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, h).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let jwks: Value = http.get(format!("{}/.well-known/jwks.json", second.base)).send().await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_default();
    assert!(jwks["keys"].as_array().is_some_and(|keys| keys.iter().any(|k| k["kid"] == header["kid"])), "{header} not in {jwks}");
    // …and its access token is good at the second one.
    let info = http.get(format!("{}/userinfo", second.base)).bearer_auth(access_token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.status(), 200);
    let info: Value = info.json().await.unwrap_or_default();
    assert_eq!(info["email"], "alice@example.test", "{info}");
    // The code worked once, whichever process sees it again.
    let again = http
        .post(format!("{}/oauth/token", second.base))
        .form(&[("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", CALLBACK), ("code_verifier", VERIFIER), ("client_id", client_id.as_str()), ("client_secret", client["client_secret"].as_str().unwrap_or_default())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), 400);
}

/// The binary's command line, on `database_url`.
fn cli(database_url: &str, master_key: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("TESSERA_MASTER_KEY", master_key)
        .env("TESSERA_PUBLIC_URL", "http://127.0.0.1:1")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("run tessera {args:?}: {e}"))
}

#[tokio::test]
async fn a_backup_taken_while_signing_in_restores_into_a_fresh_directory_and_signs_in() {
    let (db, database_url) = fresh_database_with_url().await.unwrap_or_else(|e| panic!("test database: {e}"));
    let token = app::backend::admin::tokens::create_token(&db, &Clock::System, "backup", &[]).await.unwrap_or_else(|e| panic!("{e}")).1;
    db.close().await;
    let master_key = "7c".repeat(32);
    let dir = std::env::temp_dir().join(format!("tessera-backup-{}", app::backend::crypto::random_alphanumeric(8)));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let copy = dir.join("copy.db");
    let copy_arg = copy.to_str().unwrap_or_default();
    if database_url.starts_with("postgres") {
        let out = cli(&database_url, &master_key, &["backup", copy_arg]);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("pg_dump"), "{out:?}");
        return;
    }
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let server = spawn(port, &database_url, &public_url, &master_key, &http).await;
    let idp = OidcIdp::start("tessera", SECRET).await;
    let client = set_up(&http, &server.base, &token, &idp).await;
    let client_id = client["client_id"].as_str().unwrap_or_default().to_string();

    // Sign-ins keep running while the backup is taken.
    let load = {
        let (http, base, client_id) = (http.clone(), server.base.clone(), client_id.clone());
        tokio::spawn(async move {
            let mut codes = 0;
            for _ in 0..30 {
                if log_in(&http, &base, &client_id).await.len() > 20 {
                    codes += 1;
                }
            }
            codes
        })
    };
    let out = tokio::task::spawn_blocking({
        let (url, key, arg) = (database_url.clone(), master_key.clone(), copy_arg.to_string());
        move || cli(&url, &key, &["backup", &arg])
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(load.await.unwrap_or_default(), 30, "no sign-in failed during the backup");
    let again = cli(&database_url, &master_key, &["backup", copy_arg]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("exists already"), "{again:?}");
    drop(server);

    // Restored into a fresh directory, the copy serves: the same connection signs a user in.
    let fresh_url = format!("sqlite://{}", dir.join("restored").join("tessera.db").display());
    let not_a_backup = dir.join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap_or_else(|e| panic!("{e}"));
    let refused = cli(&fresh_url, &master_key, &["restore", not_a_backup.to_str().unwrap_or_default()]);
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("is not a Tessera backup"), "{refused:?}");
    let restored = cli(&fresh_url, &master_key, &["restore", copy_arg]);
    assert!(restored.status.success(), "{restored:?}");
    let port = free_port();
    let after = spawn(port, &fresh_url, &format!("http://127.0.0.1:{port}"), &master_key, &http).await;
    assert!(log_in(&http, &after.base, &client_id).await.len() > 20, "a login through the restored connection");
    drop(after);
    let _ = std::fs::remove_dir_all(&dir);
}
