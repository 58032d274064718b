//! Time as a parameter: everything that expires (sessions, throttles, tokens, caches) asks the
//! clock in `AppState`, so tests can move time instead of sleeping.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub enum Clock {
    System,
    /// A clock that stands still until a test moves it.
    Fixed(Arc<AtomicI64>),
}

impl Clock {
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock::Fixed(Arc::new(AtomicI64::new(at.timestamp_millis())))
    }

    /// Milliseconds since the Unix epoch: the unit every timestamp column uses.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => Utc::now().timestamp_millis(),
            Clock::Fixed(ms) => ms.load(Ordering::SeqCst),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.now_ms()).unwrap_or_default()
    }

    /// Moves a fixed clock forward; does nothing to the system clock.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Fixed(ms) = self {
            ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        }
    }
}

pub use crate::text::format_utc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_advanced() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let clock = Clock::fixed(start);
        assert_eq!(clock.now(), start);
        clock.advance(chrono::Duration::minutes(15));
        assert_eq!(clock.now_ms() - start.timestamp_millis(), 15 * 60 * 1000);
    }
}
