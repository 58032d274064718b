//! The Tessera server: configuration, the router and its middleware, start-up, and the CLI.
//! `main.rs` only parses the command line and calls into here, so integration tests can start
//! the same server in-process.

// The router renders the app's pages, whose nested view types (the connection pages' above all)
// exceed the default query depth when a build does not erase them (`cargo test`), as in `app`.
#![recursion_limit = "256"]

pub mod api_v2;
pub mod assets;
pub mod cli;
pub mod extract;
pub mod config;
pub mod maintenance;
pub mod metrics;
pub mod middleware;
pub mod protocol;
pub mod router;
pub mod scim;
pub mod setup;

use std::future::IntoFuture as _;
use app::backend::admin::accounts::{bootstrap_first_admin, Bootstrap};
use app::backend::discovery::{guard::GuardedClient, Discovery};
use app::backend::provider::keys::SigningKeys;
use app::backend::store::{redact_url, Db};
use app::backend::{AppState, Clock, Environment};
use config::Config;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A start-up failure, printed as one line before the process exits.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration error: {0}")]
    Config(#[from] config::ConfigError),
    #[error("cannot open the database {url}: {reason}")]
    Database { url: String, reason: String },
    #[error("database migration failed, the server will not start: {0}")]
    Migration(String),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: SocketAddr, reason: String },
    #[error("{0}")]
    Other(String),
}

/// The Leptos options: where the compiled site is (`LEPTOS_SITE_ROOT`, default `target/site`).
/// Built here rather than by `get_configuration` so a binary not built by cargo-leptos (tests)
/// works too.
pub fn leptos_options(listen: SocketAddr) -> LeptosOptions {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "tessera"))
        .site_root(env("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(listen)
        .reload_port(env("LEPTOS_RELOAD_PORT", "3001").parse::<u32>().unwrap_or(3001))
        .build()
}

/// Opens the database and brings its schema up to date.
pub async fn open_database(url: &str) -> Result<Db, StartError> {
    let db = Db::connect(url)
        .await
        .map_err(|e| StartError::Database { url: redact_url(url), reason: e.to_string() })?;
    db.migrate().await.map_err(|e| StartError::Migration(e.to_string()))?;
    Ok(db)
}

/// Everything up to serving: settings, database, first admin. Prints the first admin's
/// credentials when it creates them.
pub async fn prepare(config: Config, clock: Clock) -> Result<AppState, StartError> {
    let admin_email = config.admin_email.clone();
    let admin_password = config.admin_password.clone();
    let (settings, key_warning) = config.into_settings()?;
    if let Some(warning) = key_warning {
        tracing::warn!("{warning}");
    }
    let db = open_database(&settings.database_url).await?;
    SigningKeys::ensure(&db, &clock, &settings.master_key)
        .await
        .map_err(|e| StartError::Other(format!("cannot make the first signing key: {e}")))?;
    match bootstrap_first_admin(&db, &clock, admin_email.as_deref(), admin_password)
        .await
        .map_err(|e| StartError::Other(format!("cannot create the first admin: {e}")))?
    {
        Bootstrap::Created { email, one_time_password: Some(otp) } => {
            // Printed once, on the terminal, never through the logger.
            eprintln!(
                "\n  Tessera created the first admin account.\n    email:             {email}\n    one-time password: {}\n  Sign in at {}/signin and choose your own password.\n",
                otp.expose(),
                settings.public_base()
            );
        }
        Bootstrap::Created { email, one_time_password: None } => {
            tracing::info!(%email, "created the first admin account from TESSERA_ADMIN_EMAIL / TESSERA_ADMIN_PASSWORD");
        }
        Bootstrap::AlreadySetUp => {}
    }
    state(settings, db, clock)
}

/// Assembles the shared state: the environment, database, clock, and the issuer check with its guarded
/// HTTP client.
pub fn state(env: Environment, db: Db, clock: Clock) -> Result<AppState, StartError> {
    let rules = app::connections::validate::Rules { allow_private_network: env.allow_private_network };
    let client = GuardedClient::new(env.allow_private_network).map_err(|e| StartError::Other(e.to_string()))?;
    Ok(AppState {
        leptos_options: Arc::new(leptos_options(env.listen)),
        db,
        env: Arc::new(env),
        clock,
        discovery: Arc::new(Discovery::new(client, rules)),
        signing_keys: Arc::new(SigningKeys::default()),
        jwks_cache: Default::default(),
        tenant: Default::default(),
    })
}

/// How long in-flight requests may take to finish once a stop was asked for.
pub const DRAIN: std::time::Duration = std::time::Duration::from_secs(20);

/// Binds `listener` and serves until `shutdown` resolves; then it stops accepting and lets the
/// requests in flight finish, for at most [`DRAIN`]. Logins in progress live in the database, so
/// another process (or this one, restarted) finishes them.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    metrics::handle();
    let pruning = maintenance::spawn(state.clone());
    let app = router::build(state);
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        shutdown.await;
        tracing::info!(drain_s = DRAIN.as_secs(), "stopping: no new connections; finishing the requests in flight");
        let _ = stopping.send(());
    };
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).into_future();
    let drained = async {
        if stopped.await.is_ok() {
            tokio::time::sleep(DRAIN).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let result = tokio::select! {
        result = served => result,
        () = drained => {
            tracing::warn!("requests still in flight after {} s; stopping anyway", DRAIN.as_secs());
            Ok(())
        }
    };
    pruning.abort();
    result
}
