//! Runtime settings, already parsed and checked. The server reads the environment in one place
//! (`server::config`) and hands this struct to the backend.

use crate::backend::crypto::MasterKey;
use crate::backend::proxies::TrustedProxies;
use std::net::SocketAddr;
use url::Url;

#[derive(Clone)]
pub struct Environment {
    /// `TESSERA_PUBLIC_URL`: the address browsers and identity providers use to reach Tessera.
    pub public_url: Url,
    /// `TESSERA_LISTEN`: the socket the server binds.
    pub listen: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` (embedded, default) or `postgres://…`.
    pub database_url: String,
    /// `TESSERA_MASTER_KEY`: encrypts secrets at rest.
    pub master_key: MasterKey,
    /// `TESSERA_ALLOW_PRIVATE_NETWORK`: lets admins point Tessera at loopback/private addresses
    /// and plain `http://` identity providers (tests and local development only).
    pub allow_private_network: bool,
    /// `TESSERA_TRUSTED_PROXIES`: reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `TESSERA_DNS_RESOLVER`: the DNS server domain verification asks (the system's when `None`).
    pub dns_resolver: Option<SocketAddr>,
    /// What the people who run Tessera set: the metrics token and the mail server.
    pub operations: Operations,
}

/// Settings for running Tessera, all optional.
#[derive(Clone, Debug, Default)]
pub struct Operations {
    /// `TESSERA_METRICS_TOKEN`: `/metrics` on the public port answers a request bearing it (and
    /// is 404 without it). `TESSERA_METRICS_LISTEN` serves it on its own address instead.
    pub metrics_token: Option<crate::backend::crypto::SecretString>,
    /// `TESSERA_SMTP_URL` (`smtps://user:pass@host:465`, `smtp://host:587?tls=required`): setup
    /// links can then be sent by email.
    pub smtp_url: Option<crate::backend::crypto::SecretString>,
    /// `TESSERA_SMTP_FROM`: the sender of those emails (`Tessera <no-reply@host>` by default).
    pub smtp_from: Option<String>,
}

impl Environment {
    /// Where identity providers send users back: `{public}/login/callback`.
    pub fn callback_url(&self) -> String {
        format!("{}/login/callback", self.public_base())
    }

    /// The public URL without a trailing slash, for joining paths.
    pub fn public_base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }

    /// Cookies get `Secure` when Tessera is served over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Environment")
            .field("public_url", &self.public_url.as_str())
            .field("listen", &self.listen)
            .field("database_url", &crate::backend::store::redact_url(&self.database_url))
            .field("master_key", &"[redacted]")
            .field("allow_private_network", &self.allow_private_network)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}
