//! Configuration: every environment variable Tessera reads is read here, once, at start. A bad
//! value stops the server with one line naming the variable and what was wrong.

use app::backend::admin::accounts::normalize_email;
use app::backend::admin::password::check_password_rules;
use app::backend::crypto::{MasterKey, SecretString};
use app::backend::proxies::TrustedProxies;
use app::backend::Environment;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tessera.db";
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";

/// One configuration problem: `VARIABLE: what was wrong`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { var, problem: problem.into() }
}

/// Everything the environment said, checked.
pub struct Config {
    pub public_url: Url,
    pub listen: SocketAddr,
    pub database_url: String,
    /// `None`: no `TESSERA_MASTER_KEY`; one is loaded from or generated into the data dir.
    pub master_key: Option<MasterKey>,
    pub allow_private_network: bool,
    pub trusted_proxies: TrustedProxies,
    /// `TESSERA_DNS_RESOLVER`: the DNS server (ip:port) domain verification asks; the system's otherwise.
    pub dns_resolver: Option<SocketAddr>,
    pub admin_email: Option<String>,
    pub admin_password: Option<SecretString>,
    pub log_filter: String,
    /// `TESSERA_LOG_FORMAT`: `text` (default) or `json` (one object per line).
    pub log_json: bool,
    /// `TESSERA_METRICS_LISTEN`: a separate address serving only `/metrics`.
    pub metrics_listen: Option<SocketAddr>,
    pub operations: app::backend::environment::Operations,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("public_url", &self.public_url.as_str())
            .field("listen", &self.listen)
            .field("database_url", &app::backend::store::redact_url(&self.database_url))
            .field("master_key", &self.master_key.as_ref().map(|_| "[redacted]"))
            .field("allow_private_network", &self.allow_private_network)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("dns_resolver", &self.dns_resolver)
            .field("admin_email", &self.admin_email)
            .field("admin_password", &self.admin_password)
            .field("log_filter", &self.log_filter)
            .field("log_json", &self.log_json)
            .field("metrics_listen", &self.metrics_listen)
            .field("operations", &self.operations)
            .finish()
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `get`, so tests can pass their own environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let value = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());

        let public_url = parse_public_url(&value("TESSERA_PUBLIC_URL").unwrap_or_else(|| DEFAULT_PUBLIC_URL.into()))?;
        let listen_raw = value("TESSERA_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen = listen_raw
            .parse::<SocketAddr>()
            .map_err(|_| bad("TESSERA_LISTEN", format!("must be an IP address and port like 127.0.0.1:3000 (got {listen_raw:?})")))?;
        let database_url = value("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(bad("DATABASE_URL", "must start with sqlite: (embedded) or postgres:// (for several replicas)"));
        }
        let master_key = value("TESSERA_MASTER_KEY")
            .map(|k| MasterKey::parse(&k).map_err(|e| bad("TESSERA_MASTER_KEY", e.to_string())))
            .transpose()?;
        // Replicas on one PostgreSQL must share the key that encrypts their secrets: a key
        // generated into one replica's disk would make the others' secrets unreadable.
        if master_key.is_none() && !database_url.starts_with("sqlite:") {
            return Err(bad(
                "TESSERA_MASTER_KEY",
                "is required with PostgreSQL: give every replica the same key (openssl rand -base64 32)",
            ));
        }
        let trusted_proxies = match value("TESSERA_TRUSTED_PROXIES") {
            None => TrustedProxies::default(),
            Some(list) => TrustedProxies::parse(&list).map_err(|e| bad("TESSERA_TRUSTED_PROXIES", e))?,
        };
        let allow_private_network = match value("TESSERA_ALLOW_PRIVATE_NETWORK") {
            None => false,
            Some(v) => parse_flag(&v).ok_or_else(|| bad("TESSERA_ALLOW_PRIVATE_NETWORK", format!("must be 1 or 0 (got {v:?})")))?,
        };
        let dns_resolver = value("TESSERA_DNS_RESOLVER")
            .map(|v| v.parse::<SocketAddr>().map_err(|_| bad("TESSERA_DNS_RESOLVER", format!("must be an IP address and port like 127.0.0.1:53 (got {v:?})"))))
            .transpose()?;
        let admin_email = value("TESSERA_ADMIN_EMAIL")
            .map(|e| normalize_email("TESSERA_ADMIN_EMAIL", &e).map_err(|e| bad("TESSERA_ADMIN_EMAIL", strip_field(&e.to_string()))))
            .transpose()?;
        let admin_password = match get("TESSERA_ADMIN_PASSWORD").filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => {
                check_password_rules("TESSERA_ADMIN_PASSWORD", &p).map_err(|e| bad("TESSERA_ADMIN_PASSWORD", strip_field(&e.to_string())))?;
                Some(SecretString::new(p))
            }
        };
        let log_filter = value("RUST_LOG").unwrap_or_else(|| DEFAULT_LOG_FILTER.into());
        tracing_subscriber::EnvFilter::try_new(&log_filter)
            .map_err(|e| bad("RUST_LOG", format!("is not a valid log filter: {e}")))?;

        let log_json = match value("TESSERA_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => return Err(bad("TESSERA_LOG_FORMAT", format!("must be text or json (got {other:?})"))),
        };
        let metrics_listen = value("TESSERA_METRICS_LISTEN")
            .map(|v| v.parse::<SocketAddr>().map_err(|_| bad("TESSERA_METRICS_LISTEN", format!("must be an IP address and port like 127.0.0.1:9464 (got {v:?})"))))
            .transpose()?;
        let metrics_token = match value("TESSERA_METRICS_TOKEN") {
            Some(t) if t.len() < 16 => return Err(bad("TESSERA_METRICS_TOKEN", "must be at least 16 characters (openssl rand -hex 32)")),
            t => t.map(SecretString::new),
        };
        let smtp_url = value("TESSERA_SMTP_URL").map(|v| parse_smtp_url(&v)).transpose()?;
        let smtp_from = value("TESSERA_SMTP_FROM");
        if let Some(from) = &smtp_from {
            app::backend::mail::check_mailbox(from).map_err(|_| bad("TESSERA_SMTP_FROM", format!("must be an address like Tessera <no-reply@example.com> (got {from:?})")))?;
        }
        let operations = app::backend::environment::Operations { metrics_token, smtp_url, smtp_from };

        Ok(Config {
            public_url, listen, database_url, master_key, allow_private_network, trusted_proxies, dns_resolver, admin_email, admin_password, log_filter, log_json, metrics_listen, operations,
        })
    }

    /// The directory for the embedded database and a generated master key: the SQLite file's
    /// directory, or `./data`.
    pub fn data_dir(&self) -> PathBuf {
        let path = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p));
        match path.and_then(|p| Path::new(p).parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            Some(_) => PathBuf::from("."),
            None => PathBuf::from("data"),
        }
    }

    /// The backend's settings. Without `TESSERA_MASTER_KEY`, the key is read from
    /// `<data dir>/master.key`, created on first start (with a warning).
    pub fn into_settings(self) -> Result<(Environment, Option<String>), ConfigError> {
        let (master_key, warning) = match self.master_key {
            Some(key) => (key, None),
            None => load_or_generate_master_key(&self.data_dir())?,
        };
        let settings = Environment {
            public_url: self.public_url,
            listen: self.listen,
            database_url: self.database_url,
            master_key,
            allow_private_network: self.allow_private_network,
            trusted_proxies: self.trusted_proxies,
            dns_resolver: self.dns_resolver,
            operations: self.operations,
        };
        Ok((settings, warning))
    }
}

fn strip_field(message: &str) -> String {
    message.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or_else(|| message.to_string())
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `TESSERA_SMTP_URL`: smtp:// or smtps:// with a host; the whole URL stays secret (it holds
/// the password).
fn parse_smtp_url(raw: &str) -> Result<SecretString, ConfigError> {
    let url = Url::parse(raw).map_err(|_| bad("TESSERA_SMTP_URL", "must be a URL like smtps://user:password@smtp.example.com:465"))?;
    if !matches!(url.scheme(), "smtp" | "smtps") || url.host().is_none() {
        return Err(bad("TESSERA_SMTP_URL", "must start with smtp:// or smtps:// and name a host"));
    }
    Ok(SecretString::new(raw))
}

fn parse_public_url(raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|_| bad("TESSERA_PUBLIC_URL", format!("must be an absolute URL like https://sso.example.com (got {raw:?})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad("TESSERA_PUBLIC_URL", format!("must be an http:// or https:// URL (got {raw:?})")));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(bad("TESSERA_PUBLIC_URL", "must not contain credentials, a query or a fragment"));
    }
    Ok(url)
}

fn load_or_generate_master_key(dir: &Path) -> Result<(MasterKey, Option<String>), ConfigError> {
    let path = dir.join("master.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = MasterKey::parse(&text).map_err(|e| bad("TESSERA_MASTER_KEY", format!("is not set and {} is unreadable: it {e}", path.display())))?;
            Ok((key, None))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = MasterKey::generate();
            std::fs::create_dir_all(dir)
                .and_then(|_| write_private(&path, &key.to_base64()))
                .map_err(|e| bad("TESSERA_MASTER_KEY", format!("is not set and a key could not be written to {}: {e}", path.display())))?;
            let warning = format!(
                "TESSERA_MASTER_KEY is not set: generated one into {}. Back it up: without it, stored client secrets cannot be read. Several replicas must share one key through TESSERA_MASTER_KEY.",
                path.display()
            );
            Ok((key, Some(warning)))
        }
        Err(e) => Err(bad("TESSERA_MASTER_KEY", format!("is not set and {} cannot be read: {e}", path.display()))),
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    fn error_line(vars: &[(&str, &str)]) -> String {
        config(vars).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn every_variable_has_a_default() {
        let c = config(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/tessera.db");
        assert_eq!(c.data_dir(), PathBuf::from("data"));
        assert!(!c.allow_private_network);
        assert!(c.master_key.is_none() && c.admin_email.is_none() && c.admin_password.is_none());
    }

    #[test]
    fn each_bad_value_is_reported_in_one_line_naming_its_variable() {
        let cases: &[(&str, &str, &str)] = &[
            ("TESSERA_PUBLIC_URL", "not a url", "TESSERA_PUBLIC_URL: must be an absolute URL"),
            ("TESSERA_PUBLIC_URL", "ftp://files.example", "TESSERA_PUBLIC_URL: must be an http:// or https:// URL"),
            ("TESSERA_PUBLIC_URL", "https://x.example/?a=b", "TESSERA_PUBLIC_URL: must not contain"),
            ("TESSERA_LISTEN", "localhost", "TESSERA_LISTEN: must be an IP address and port"),
            ("DATABASE_URL", "mysql://db/tessera", "DATABASE_URL: must start with sqlite:"),
            ("TESSERA_MASTER_KEY", "c2hvcnQ=", "TESSERA_MASTER_KEY: must be 32 bytes"),
            ("TESSERA_ALLOW_PRIVATE_NETWORK", "maybe", "TESSERA_ALLOW_PRIVATE_NETWORK: must be 1 or 0"),
            ("TESSERA_ADMIN_EMAIL", "admin", "TESSERA_ADMIN_EMAIL: must be an email address"),
            ("TESSERA_ADMIN_PASSWORD", "short", "TESSERA_ADMIN_PASSWORD: must be at least 12 characters"),
            ("RUST_LOG", "info,[", "RUST_LOG: is not a valid log filter"),
            ("DATABASE_URL", "postgres://tessera@db/tessera", "TESSERA_MASTER_KEY: is required with PostgreSQL"),
            ("TESSERA_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal", "TESSERA_TRUSTED_PROXIES: \"proxy.internal\" is not an IP address"),
        ];
        for (var, value, expected) in cases {
            let line = error_line(&[(var, value)]);
            assert!(line.starts_with(expected), "{var}={value:?} gave {line:?}");
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn secrets_are_not_echoed_in_errors() {
        assert!(!error_line(&[("TESSERA_MASTER_KEY", "my-secret-key-value")]).contains("my-secret-key-value"));
        assert!(!error_line(&[("TESSERA_ADMIN_PASSWORD", "tiny-secret")]).contains("tiny-secret"));
    }

    #[test]
    fn good_values_are_taken() {
        let key = MasterKey::generate().to_base64();
        let c = config(&[
            ("TESSERA_PUBLIC_URL", "https://sso.example.com"),
            ("TESSERA_LISTEN", "0.0.0.0:8080"),
            ("DATABASE_URL", "postgres://tessera@db/tessera"),
            ("TESSERA_MASTER_KEY", &key),
            ("TESSERA_ALLOW_PRIVATE_NETWORK", "1"),
            ("TESSERA_ADMIN_EMAIL", "Ops@Example.com"),
            ("TESSERA_ADMIN_PASSWORD", "a long admin password"),
            ("TESSERA_TRUSTED_PROXIES", "10.0.0.0/8 2001:db8::/32"),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.listen.port(), 8080);
        assert!(c.allow_private_network && c.master_key.is_some());
        assert_eq!(c.admin_email.as_deref(), Some("ops@example.com"));
        assert!(c.trusted_proxies.contains("10.20.30.40".parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]))));
        assert_eq!(c.data_dir(), PathBuf::from("data"));
    }

    #[test]
    fn a_missing_master_key_is_generated_once_into_the_data_dir_and_reused() {
        let dir = std::env::temp_dir().join(format!("tessera-key-{}", app::backend::crypto::random_alphanumeric(8)));
        let db = format!("sqlite://{}/tessera.db", dir.display());
        let first = config(&[("DATABASE_URL", &db)]).and_then(Config::into_settings).unwrap_or_else(|e| panic!("{e}"));
        assert!(first.1.is_some_and(|w| w.contains("TESSERA_MASTER_KEY is not set")));
        let second = config(&[("DATABASE_URL", &db)]).and_then(Config::into_settings).unwrap_or_else(|e| panic!("{e}"));
        assert!(second.1.is_none());
        assert_eq!(first.0.master_key.to_base64(), second.0.master_key.to_base64());
        let _ = std::fs::remove_dir_all(dir);
    }
}
