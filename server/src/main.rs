use clap::Parser;
use server::cli::{Cli, Command};
use server::config::Config;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("tessera: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::new(&config.log_filter);
    if config.log_json {
        // One JSON object per line; the request span's id is in "span" on every line of a request.
        tracing_subscriber::fmt().json().with_env_filter(filter).with_target(false).with_current_span(true).with_span_list(false).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
    }

    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        command => match server::cli::run(config, command).await {
            Ok(out) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("tessera: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

async fn serve(config: Config) -> ExitCode {
    let listen = config.listen;
    let metrics_listen = config.metrics_listen;
    let state = match server::prepare(config, app::backend::Clock::System).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("tessera: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tessera: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(addr) = metrics_listen {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => {
                let private = server::metrics::private_router(state.clone());
                tokio::spawn(async move { axum::serve(l, private).await });
                tracing::info!(listen = %addr, "serving /metrics");
            }
            Err(e) => {
                eprintln!("tessera: cannot listen on {addr} (TESSERA_METRICS_LISTEN): {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    tracing::info!(
        listen = %listen,
        public_url = %state.env.public_url,
        database = %app::backend::store::redact_url(&state.env.database_url),
        "Tessera is serving the dashboard"
    );
    match server::serve(state, listener, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tessera: server error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
