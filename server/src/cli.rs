//! The command line: `tessera` (serve), `tessera token …` for Management API tokens,
//! `tessera admin …` for dashboard accounts, `tessera keys …` for Tessera's signing keys, and
//! `tessera backup` / `tessera restore` for the embedded SQLite database.
//! Commands use the same `DATABASE_URL` (and `TESSERA_MASTER_KEY`) as the server.

use crate::{open_database, StartError};
use app::backend::admin::{accounts, password, tokens};
use app::backend::provider::keys::SigningKeys;
use app::backend::crypto::SecretString;
use app::backend::Clock;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "tessera", version, about = "Tessera: a self-hosted identity broker for enterprise OpenID Connect connections.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the dashboard, the Management API and the login endpoints (the default).
    Serve,
    /// Management API bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Dashboard admin accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The keys Tessera signs ID, access and logout tokens with.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Write a consistent copy of the SQLite database to FILE, while the server runs
    /// (PostgreSQL: use pg_dump).
    Backup { file: std::path::PathBuf },
    /// Put the backup FILE in place of the SQLite database; stop the server first. The current
    /// database is moved aside, never deleted.
    Restore { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// List the published keys (kid, alg, created, retiring, which one signs).
    List,
    /// Add a new key per algorithm, which signs from now on. The keys it replaces stay in the
    /// JWKS for the overlap window, so tokens signed before still verify, then are removed.
    Rotate {
        /// How long the replaced keys stay published, in hours (default 24: longer than any
        /// token Tessera signs lives).
        #[arg(long, default_value_t = 24)]
        overlap_hours: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print it once. Only its hash is stored.
    Create {
        #[arg(long)]
        name: String,
        /// Limit the token to these scopes (repeatable); default: all of them.
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
    /// List tokens (names, scopes, dates; never the tokens themselves).
    List,
    /// Revoke a token by name; it stops working at once.
    Revoke { name: String },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Add an admin. Prints a one-time password unless --password-stdin is given.
    Create {
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of generating a one-time password.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Runs a non-serving command and returns the text to print.
pub async fn run(config: crate::config::Config, command: Command) -> Result<String, StartError> {
    let database_url = config.database_url.clone();
    // A restore replaces the database file, so it runs before anything opens it.
    if let Command::Restore { file } = &command {
        let aside = app::backend::store::backup::restore(&database_url, file, Clock::System.now_ms()).map_err(other)?;
        return Ok(match aside {
            Some(a) => format!("Restored {}. The database it replaced is kept as {}.\n", file.display(), a.display()),
            None => format!("Restored {}.\n", file.display()),
        });
    }
    let db = open_database(&database_url).await?;
    let clock = Clock::System;
    let out = match command {
        Command::Serve | Command::Restore { .. } => String::new(),
        Command::Backup { file } => {
            db.backup_into(&file).await.map_err(other)?;
            format!("Backed up to {}.\n", file.display())
        }
        Command::Token(TokenCommand::Create { name, scopes }) => {
            let (token, plaintext) = tokens::create_token(&db, &clock, &name, &scopes).await.map_err(other)?;
            format!(
                "Created Management API token {:?} with scopes: {}\nUse it as `Authorization: Bearer <token>`. It is shown only this once:\n{plaintext}\n",
                token.name,
                token.scopes.join(" ")
            )
        }
        Command::Token(TokenCommand::List) => {
            let list = tokens::list_tokens(&db).await.map_err(other)?;
            if list.is_empty() {
                "No tokens. Create one with: tessera token create --name NAME\n".to_string()
            } else {
                let mut out = format!("{:<24} {:<70} {:<25} {}\n", "NAME", "SCOPES", "CREATED", "LAST USED");
                for t in list {
                    out.push_str(&format!(
                        "{:<24} {:<70} {:<25} {}\n",
                        t.name,
                        t.scopes.join(" "),
                        date(t.created_at),
                        t.last_used_at.map(date).unwrap_or_else(|| "never".into())
                    ));
                }
                out
            }
        }
        Command::Token(TokenCommand::Revoke { name }) => {
            tokens::revoke_token(&db, &name).await.map_err(other)?;
            format!("Revoked token {name:?}.\n")
        }
        Command::Keys(KeysCommand::List) => keys_table(&SigningKeys::list(&db, &clock).await.map_err(other)?),
        Command::Keys(KeysCommand::Rotate { overlap_hours }) => {
            if !(0..=24 * 90).contains(&overlap_hours) {
                return Err(StartError::Other("--overlap-hours must be between 0 and 2160 (90 days)".into()));
            }
            let (settings, _) = config.into_settings()?;
            let new = SigningKeys::default()
                .rotate(&db, &clock, &settings.master_key, overlap_hours * 3600 * 1000)
                .await
                .map_err(other)?;
            format!(
                "Rotated the signing keys: {} sign from now on (every replica within a minute).\nThe keys they replace stay published for {overlap_hours} h.\n\n{}",
                new.join(", "),
                keys_table(&SigningKeys::list(&db, &clock).await.map_err(other)?)
            )
        }
        Command::Admin(AdminCommand::Create { email, password_stdin }) => {
            if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| StartError::Other(format!("cannot read the password: {e}")))?;
                let pw = SecretString::new(line.trim_end_matches(['\r', '\n']));
                let admin = accounts::create_admin(&db, &clock, &email, pw, false).await.map_err(other)?;
                format!("Created admin {}.\n", admin.email)
            } else {
                let otp = password::generate_one_time_password();
                let admin = accounts::create_admin(&db, &clock, &email, otp.clone(), true).await.map_err(other)?;
                format!("Created admin {} with the one-time password:\n{}\n", admin.email, otp.expose())
            }
        }
    };
    db.close().await;
    Ok(out)
}

fn keys_table(keys: &[app::backend::provider::keys::KeyInfo]) -> String {
    let mut out = format!("{:<45} {:<6} {:<22} {:<22} {}\n", "KID", "ALG", "CREATED", "LEAVES THE JWKS", "SIGNS");
    for k in keys {
        out.push_str(&format!(
            "{:<45} {:<6} {:<22} {:<22} {}\n",
            k.kid,
            k.alg,
            date(k.created_at),
            k.retire_at.map(date).unwrap_or_else(|| "-".into()),
            if k.signing { "yes" } else { "no" }
        ));
    }
    out
}

fn other(e: app::backend::Error) -> StartError {
    StartError::Other(e.to_string())
}

/// `2026-11-22 20:35 UTC` from Unix milliseconds.
fn date(ms: i64) -> String {
    app::backend::clock::format_utc(ms)
}
