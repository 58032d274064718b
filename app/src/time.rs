//! Times as Tessera shows them, the same on the server and in the browser.

/// `2026-11-22 20:35 UTC` from Unix milliseconds (CLI listings, the dashboard, setup links).
pub fn format_utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}
