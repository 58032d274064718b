//! Periodic clean-up, run by every replica (each statement is an idempotent DELETE, so replicas
//! running it at once do no harm): expired dashboard sessions and sign-in throttle rows whose
//! window and lock are long over, unfinished logins, and the provider's old codes, tokens and
//! sessions. Without it those tables only grew. A second, faster tick retries back-channel
//! logout deliveries that failed (each is claimed with a lease, so replicas do not send twice).

use app::backend::admin::{sessions, throttle};
use app::backend::AppState;
use std::time::Duration;

/// How often the clean-up runs.
pub const EVERY: Duration = Duration::from_secs(10 * 60);

/// What one clean-up removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub throttle_rows: u64,
    /// Unfinished logins.
    pub logins: u64,
    /// Old codes and access tokens, ended SSO sessions, expired refresh-token families.
    pub tokens: u64,
}

/// One clean-up pass.
pub async fn prune_once(state: &AppState) -> app::backend::Result<Pruned> {
    Ok(Pruned {
        sessions: sessions::prune_expired(&state.db, &state.clock).await?,
        throttle_rows: throttle::prune(&state.db, &state.clock).await?,
        logins: app::backend::flows::prune(state).await?,
        tokens: app::backend::provider::prune(state).await?,
    })
}

/// How often due back-channel logout deliveries are retried.
pub const DELIVER_EVERY: Duration = Duration::from_secs(5);

/// Runs [`prune_once`] now and then every [`EVERY`], and retries back-channel logouts every
/// [`DELIVER_EVERY`], for as long as the server runs. A failed pass is logged and tried again at
/// the next tick.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut deliver = tokio::time::interval(DELIVER_EVERY);
        deliver.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = deliver.tick() => {
                    if let Err(e) = app::backend::provider::backchannel::deliver_due(&state).await {
                        tracing::warn!(error = %e, "back-channel logout delivery failed; trying again later");
                    }
                    continue;
                }
            }
            match prune_once(&state).await {
                Ok(p) if p != Pruned::default() => tracing::info!(sessions = p.sessions, throttle_rows = p.throttle_rows, logins = p.logins, tokens = p.tokens, "pruned expired rows"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning expired rows failed; trying again later"),
            }
        }
    })
}
