//! The tenant's settings on the Settings page. "Login Session Management": how long a single
//! sign-on session lives without activity ("Inactivity timeout") and at most ("Require log in
//! after"), and the signing keys (listed, and rotated with a button). The rules live here, so
//! the page and the server check the same ones; `backend::tenant` stores the values.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// Auth0's tenant defaults: 3 days of inactivity, 7 days at most.
pub const DEFAULT_IDLE_MINUTES: i64 = 3 * 24 * 60;
pub const DEFAULT_SESSION_MINUTES: i64 = 7 * 24 * 60;
/// Auth0's upper limits: 100 days of inactivity, 365 days at most.
pub const MAX_IDLE_MINUTES: i64 = 100 * 24 * 60;
pub const MAX_SESSION_MINUTES: i64 = 365 * 24 * 60;

/// Login Session Management, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLifetimes {
    /// "Inactivity timeout": a session unused this long ends.
    pub idle_session_lifetime_minutes: i64,
    /// "Require log in after": a session ends this long after the login, however busy.
    pub session_lifetime_minutes: i64,
}

impl Default for SessionLifetimes {
    fn default() -> Self {
        SessionLifetimes { idle_session_lifetime_minutes: DEFAULT_IDLE_MINUTES, session_lifetime_minutes: DEFAULT_SESSION_MINUTES }
    }
}

impl SessionLifetimes {
    pub fn idle_ms(&self) -> i64 {
        self.idle_session_lifetime_minutes * 60_000
    }

    pub fn absolute_ms(&self) -> i64 {
        self.session_lifetime_minutes * 60_000
    }
}

/// One of Tessera's signing keys, as the Settings page lists it (never the private half).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    /// The RFC 7638 thumbprint, as in the JWKS.
    pub kid: String,
    /// `RS256` or `ES256`.
    pub alg: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Set once rotated out: the key leaves the JWKS then (Unix milliseconds).
    pub retire_at: Option<i64>,
    /// The newest current key of its alg: the one that signs.
    pub signing: bool,
}

/// Parses the Settings form's text fields into lifetimes, naming each field that breaks a rule.
pub fn parse_lifetimes(idle: &str, absolute: &str) -> Result<SessionLifetimes, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut number = |field: &str, text: &str, max: i64| match text.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => n,
        Ok(_) => {
            errors.push(FieldError::new(field, format!("must be between 1 and {max} minutes")));
            0
        }
        Err(_) => {
            errors.push(FieldError::new(field, "must be a whole number of minutes"));
            0
        }
    };
    let lifetimes = SessionLifetimes {
        idle_session_lifetime_minutes: number("idle_session_lifetime_minutes", idle, MAX_IDLE_MINUTES),
        session_lifetime_minutes: number("session_lifetime_minutes", absolute, MAX_SESSION_MINUTES),
    };
    if errors.is_empty() && lifetimes.idle_session_lifetime_minutes > lifetimes.session_lifetime_minutes {
        errors.push(FieldError::new("idle_session_lifetime_minutes", "may not be longer than Require log in after"));
    }
    if errors.is_empty() {
        Ok(lifetimes)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_whole_minutes_within_auth0s_limits_and_idle_is_not_longer_than_the_maximum() {
        assert_eq!(parse_lifetimes("60", " 120 "), Ok(SessionLifetimes { idle_session_lifetime_minutes: 60, session_lifetime_minutes: 120 }));
        let fields = |r: Result<SessionLifetimes, Vec<FieldError>>| r.err().unwrap_or_default().into_iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>();
        assert_eq!(fields(parse_lifetimes("0", "x")), vec![
            "idle_session_lifetime_minutes: must be between 1 and 144000 minutes".to_string(),
            "session_lifetime_minutes: must be a whole number of minutes".to_string(),
        ]);
        assert_eq!(fields(parse_lifetimes("200", "100")), vec!["idle_session_lifetime_minutes: may not be longer than Require log in after".to_string()]);
        assert_eq!(fields(parse_lifetimes("1", "525601")), vec!["session_lifetime_minutes: must be between 1 and 525600 minutes".to_string()]);
    }
}
