//! The one issuer check. The dashboard's live checkmark, the Management API and (later) the
//! login flow all call [`Discovery::check_issuer`]: fetch the discovery document through the
//! guarded client, then apply the document rules. Fetches are cached briefly per document URL.

pub mod document;
pub mod guard;

use crate::backend::Clock;
use crate::connections::options::Channel;
use crate::connections::validate::{check_url, discovery_target, Rules};
use crate::connections::IssuerCheck;
use guard::{FetchError, GuardedClient};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a fetched document (or a failure) is reused: a fixed document shows within a minute.
pub const CACHE_TTL_MS: i64 = 30_000;
const CACHE_MAX_ENTRIES: usize = 1024;

type Fetched = Result<serde_json::Value, FetchError>;

pub struct Discovery {
    client: GuardedClient,
    rules: Rules,
    cache: Mutex<HashMap<String, (i64, Fetched)>>,
}

impl Discovery {
    pub fn new(client: GuardedClient, rules: Rules) -> Self {
        Self { client, rules, cache: Mutex::new(HashMap::new()) }
    }

    pub fn client(&self) -> &GuardedClient {
        &self.client
    }

    /// Checks the issuer at `url`: a base URL, a base with a path, or the full
    /// `/.well-known/openid-configuration` URL. `channel` decides whether `token_endpoint` is
    /// required.
    pub async fn check_issuer(&self, clock: &Clock, url: &str, channel: Channel) -> IssuerCheck {
        let (issuer, document_url) = discovery_target(url);
        if let Err(m) = check_url(url, self.rules) {
            return IssuerCheck::NotFound { discovery_url: document_url, reason: format!("the URL {m}") };
        }
        match self.fetch(clock, &document_url).await {
            Ok(doc) => document::validate_document(&doc, &document_url, Some(&issuer), channel, self.rules),
            Err(e) => IssuerCheck::NotFound { discovery_url: document_url, reason: e.0 },
        }
    }

    async fn fetch(&self, clock: &Clock, document_url: &str) -> Fetched {
        let now = clock.now_ms();
        if let Ok(cache) = self.cache.lock() {
            if let Some((expires, fetched)) = cache.get(document_url) {
                if *expires > now {
                    return fetched.clone();
                }
            }
        }
        let started = std::time::Instant::now();
        let fetched = self.client.get_json(document_url).await;
        crate::backend::metrics::upstream_request("discovery", started, fetched.is_ok());
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_MAX_ENTRIES {
                cache.retain(|_, (expires, _)| *expires > now);
                if cache.len() >= CACHE_MAX_ENTRIES {
                    cache.clear();
                }
            }
            cache.insert(document_url.to_string(), (now + CACHE_TTL_MS, fetched.clone()));
        }
        fetched
    }
}
