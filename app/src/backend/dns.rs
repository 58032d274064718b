//! DNS TXT lookups, for verifying an organization's email domain by a TXT record.
//!
//! [`TxtResolver::system`] asks the machine's resolvers; [`TxtResolver::at`] asks one DNS server
//! only (the integration tests point it at their own loopback server). Neither caches answers,
//! so a record that was just published is seen by the next lookup.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfigGroup, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::ProtoErrorKind;
use hickory_resolver::{Name, ResolveError, TokioResolver};

/// How long one query may wait for its answer before it is sent again.
const QUERY_TIMEOUT: Duration = Duration::from_millis(1500);
/// How many times a query that got no answer is sent again (hickory's `attempts`).
const ATTEMPTS: usize = 2;
/// The cap on a whole lookup, retries and any TCP fallback included.
const LOOKUP_DEADLINE: Duration = Duration::from_secs(5);

/// Looks up the TXT records of a name. Cheap to clone: clones share one resolver.
#[derive(Clone)]
pub struct TxtResolver {
    /// The resolver, or why none could be configured (reported by every lookup).
    inner: Result<TokioResolver, Arc<str>>,
}

/// Why a TXT lookup gave no records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    /// The name has no TXT record (NXDOMAIN or NOERROR with no TXT answers).
    #[error("no TXT record found for {0}")]
    NotFound(String),
    /// The lookup itself failed (timeout, refused, unreachable resolver…).
    #[error("the DNS lookup of {name} failed: {reason}")]
    Failed { name: String, reason: String },
}

impl TxtResolver {
    /// The system's resolvers (/etc/resolv.conf); if that cannot be read, fall back to a clear Failed on lookup, never a panic.
    pub fn system() -> TxtResolver {
        let inner = match TokioResolver::builder_tokio() {
            Ok(mut builder) => {
                tune(builder.options_mut());
                Ok(builder.build())
            }
            Err(e) => Err(format!("the system's DNS configuration could not be read: {e}").into()),
        };
        TxtResolver { inner }
    }

    /// Only the DNS server at `addr` (UDP, with TCP fallback if hickory does that by default), e.g. 127.0.0.1:5353 in tests; no caching so tests see changes at once (or cache TTL 0).
    ///
    /// Hickory falls back to TCP when a UDP answer comes back truncated.
    pub fn at(addr: SocketAddr) -> TxtResolver {
        let servers = NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true);
        let config = ResolverConfig::from_parts(None, vec![], servers);
        let mut builder = TokioResolver::builder_with_config(config, TokioConnectionProvider::default());
        let opts = builder.options_mut();
        tune(opts);
        opts.use_hosts_file = ResolveHosts::Never;
        TxtResolver { inner: Ok(builder.build()) }
    }

    /// Every TXT record of `name`, each record's character-strings joined into one String (RFC 7208 style). Timeout ≤ 5 s total, attempts 2.
    ///
    /// `name` is taken as absolute (no search domains are tried); bytes that are not UTF-8 are
    /// replaced with U+FFFD.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        let failed = |reason: String| DnsError::Failed { name: name.to_string(), reason };
        let resolver = self.inner.as_ref().map_err(|reason| failed(reason.to_string()))?;
        let mut fqdn = Name::from_utf8(name).map_err(|e| failed(format!("not a valid DNS name: {e}")))?;
        fqdn.set_fqdn(true);
        let lookup = match tokio::time::timeout(LOOKUP_DEADLINE, resolver.txt_lookup(fqdn)).await {
            Err(_) => return Err(failed(format!("no answer within {} s", LOOKUP_DEADLINE.as_secs()))),
            Ok(Err(e)) if is_no_record(&e) => return Err(DnsError::NotFound(name.to_string())),
            Ok(Err(e)) => return Err(failed(e.to_string())),
            Ok(Ok(lookup)) => lookup,
        };
        let records: Vec<String> = lookup
            .iter()
            .map(|txt| String::from_utf8_lossy(&txt.txt_data().concat()).into_owned())
            .collect();
        if records.is_empty() {
            return Err(DnsError::NotFound(name.to_string()));
        }
        Ok(records)
    }
}

/// The options both resolvers share: short timeouts, few retries, and no cache.
fn tune(opts: &mut ResolverOpts) {
    opts.timeout = QUERY_TIMEOUT;
    opts.attempts = ATTEMPTS;
    opts.cache_size = 0;
    opts.positive_max_ttl = Some(Duration::ZERO);
    opts.negative_max_ttl = Some(Duration::ZERO);
}

/// Whether the server answered that the name has no TXT record (as opposed to SERVFAIL, REFUSED…,
/// which hickory reports the same way but which say nothing about the record).
fn is_no_record(e: &ResolveError) -> bool {
    matches!(
        e.proto().map(|p| p.kind()),
        Some(ProtoErrorKind::NoRecordsFound { response_code: ResponseCode::NXDomain | ResponseCode::NoError, .. })
    )
}
