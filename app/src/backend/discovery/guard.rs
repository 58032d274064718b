//! The one HTTP client for URLs an admin typed (discovery documents, and later JWKS and token
//! endpoints). It refuses to reach loopback, private, link-local, multicast and unspecified
//! addresses (checking every address a name resolves to, and every redirect again), limits
//! time, body size and redirects, and ignores proxy settings so nothing bypasses the checks.
//! `TESSERA_ALLOW_PRIVATE_NETWORK=1` lifts the address rule for tests and local development.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(5);
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_REDIRECTS: usize = 3;

/// Why a fetch failed, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(pub String);

/// The error the resolver and redirect policy raise for a refused address; found again in the
/// error's source chain to tell a refusal from a network failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

pub use crate::connections::address::{always_refused_kind, non_public_kind};

struct GuardedResolver {
    allow_private: bool,
    /// Fixed answers for some names (tests point names at chosen addresses with it).
    hosts: Arc<HashMap<String, Vec<IpAddr>>>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allow_private = self.allow_private;
        let hosts = self.hosts.clone();
        Box::pin(async move {
            let ips: Vec<IpAddr> = match hosts.get(&host) {
                Some(ips) => ips.clone(),
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.map(|a| a.ip()).collect(),
            };
            if ips.is_empty() {
                return Err(format!("{host} has no addresses").into());
            }
            // The refusal names the kind of address, never the address itself: an admin must not
            // learn the layout of the network Tessera runs in by typing names.
            let refused = |ip: &IpAddr| always_refused_kind(*ip).or_else(|| (!allow_private).then(|| non_public_kind(*ip)).flatten());
            if let Some(kind) = ips.iter().find_map(refused) {
                return Err(Box::new(Refused(format!("refused: {host} resolves to a {kind} address"))) as _);
            }
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// Checks a URL before it is fetched (also each redirect): scheme, and IP-literal hosts (names
/// are checked by the resolver when they are looked up).
fn check_target(url: &reqwest::Url, allow_private: bool) -> Result<(), Refused> {
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        other => return Err(Refused(format!("refused: {other}:// URLs are not fetched; use https://"))),
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        _ => None,
    };
    if let Some(ip) = ip {
        let kind = always_refused_kind(ip).or_else(|| (!allow_private).then(|| non_public_kind(ip)).flatten());
        if let Some(kind) = kind {
            return Err(Refused(format!("refused: {ip} is a {kind} address")));
        }
    }
    Ok(())
}

#[derive(Clone)]
pub struct GuardedClient {
    http: reqwest::Client,
    allow_private: bool,
}

impl GuardedClient {
    pub fn new(allow_private: bool) -> Result<Self, FetchError> {
        Self::with_hosts(allow_private, HashMap::new())
    }

    /// A client whose resolver answers `hosts` itself (for tests of the address rule).
    pub fn with_hosts(allow_private: bool, hosts: HashMap<String, Vec<IpAddr>>) -> Result<Self, FetchError> {
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(Refused(format!("more than {MAX_REDIRECTS} redirects")))
            } else if let Err(refused) = check_target(attempt.url(), allow_private) {
                let to = attempt.url().to_string();
                attempt.error(Refused(format!("redirect to {to} {refused}")))
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(policy)
            .user_agent(concat!("Tessera/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver { allow_private, hosts: Arc::new(hosts) }))
            .build()
            .map_err(|e| FetchError(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { http, allow_private })
    }

    /// Sends `request` and returns the response with its whole body (at most 1 MiB).
    pub async fn execute(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, FetchError> {
        let (parts, body) = request.into_parts();
        let url = reqwest::Url::parse(&parts.uri.to_string()).map_err(|_| FetchError(format!("{} is not a URL", parts.uri)))?;
        check_target(&url, self.allow_private).map_err(|e| FetchError(e.0))?;
        let mut req = self.http.request(parts.method, url).body(body);
        for (name, value) in &parts.headers {
            req = req.header(name, value);
        }
        let mut response = req.send().await.map_err(describe)?;
        if response.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
        }
        let mut out = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            out = out.header(name, value);
        }
        out.body(body).map_err(|e| FetchError(format!("unreadable response: {e}")))
    }

    /// GETs a JSON document: a 2xx answer whose body parses as JSON.
    pub async fn get_json(&self, url: &str) -> Result<serde_json::Value, FetchError> {
        let request = http::Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|_| FetchError(format!("{url} is not a URL")))?;
        let response = self.execute(request).await?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError(format!("HTTP {} {}", status.as_u16(), status.canonical_reason().unwrap_or(""))));
        }
        serde_json::from_slice(response.body()).map_err(|_| {
            let start: String = String::from_utf8_lossy(&response.body()[..response.body().len().min(40)]).chars().filter(|c| !c.is_control()).collect();
            FetchError(format!("the response is not JSON (it starts with {start:?})"))
        })
    }
}

fn too_large() -> FetchError {
    FetchError(format!("the response is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024)))
}

/// Turns a reqwest error into a reason: a refusal by the guard, a timeout, DNS, connection or
/// TLS failure.
fn describe(e: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    let mut chain = Vec::new();
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<Refused>() {
            return FetchError(refused.0.clone());
        }
        chain.push(s.to_string());
        source = s.source();
    }
    let text = chain.join(": ");
    if e.is_timeout() {
        FetchError(format!("timed out after {} seconds", TIMEOUT.as_secs()))
    } else if text.contains("dns error") || text.contains("failed to lookup address") || text.contains("has no addresses") {
        FetchError("the host name could not be resolved".into())
    } else if text.contains("Connection refused") {
        FetchError("the connection was refused".into())
    } else if text.to_lowercase().contains("certificate") || text.contains("tls") || text.contains("TLS") {
        FetchError(format!("the TLS handshake failed: {}", chain.last().cloned().unwrap_or_default()))
    } else if e.is_connect() {
        FetchError(format!("could not connect: {}", chain.last().cloned().unwrap_or_default()))
    } else {
        FetchError(format!("the request failed: {}", chain.last().cloned().unwrap_or_default()))
    }
}
