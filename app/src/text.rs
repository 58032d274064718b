//! Text both the dashboard and the server write: percent-encoding for links, the safe
//! `return_to`, reasons as sentences, times, and the login button's label. Isomorphic: the
//! pages (in the browser too), the server functions, the backend and the server's own pages
//! all use these, so none of them imports another's module for a helper.

/// How to make Okta send the `groups` claim that "Groups and role assignments" match (the app
/// integration's Groups claim filter), as WorkOS's Okta OIDC guide words it.
pub const OKTA_GROUPS_CLAIM: &str = "To give roles from Okta groups, make Okta send them: on the app integration's Sign On tab, in Token Claims, click Show legacy configuration and Edit, set Groups claim type to Filter, the Groups claim filter to groups, and a filter that matches the groups (the regex .* matches all).";

/// Percent-encodes a value for a query string (`return_to=%2Fsettings`).
pub fn encode_query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Percent-encodes a value for one path segment (`/users/oidc%7Cacme%7Calice`). Unlike a query
/// value, a space is `%20` and `+` is `%2B`: the router decodes path segments once, as is.
pub fn encode_path_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A `return_to` that stays on this site. The candidate is resolved the way a browser would
/// resolve it against Tessera's own origin (browsers drop tabs and newlines, turn `\\` into `/`),
/// and only a path on that same origin is kept, rebuilt from the parsed URL, so what goes into
/// the `Location` header is exactly what was checked. Control characters are refused outright.
pub fn safe_return_to(candidate: Option<&str>) -> String {
    const HOME: &str = "/connections/enterprise";
    // Any fixed origin works for the same-origin test; this one can never be a real host.
    const BASE: &str = "https://tessera.invalid/";
    let Some(candidate) = candidate.filter(|c| c.starts_with('/') && !c.chars().any(char::is_control)) else {
        return HOME.to_string();
    };
    let Ok(base) = url::Url::parse(BASE) else { return HOME.to_string() };
    match base.join(candidate) {
        // `/` is the server's redirect to the dashboard's home, a page the browser's router does not
        // know: after signing in, go home directly.
        Ok(url) if url.origin() == base.origin() && url.path() != "/" && !url.path().starts_with("/signin") && !url.path().starts_with("//") => {
            let mut local = url.path().to_string();
            if let Some(query) = url.query() {
                local.push('?');
                local.push_str(query);
            }
            local
        }
        _ => HOME.to_string(),
    }
}

/// A reason as a sentence: its first letter capitalized ("the IdP's…" → "The IdP's…").
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "2026-11-25 01:10:46 UTC" for Unix milliseconds.
pub fn format_time(ms: i64) -> String {
    let (date, (h, m, s)) = utc_parts(ms);
    format!("{date} {h:02}:{m:02}:{s:02} UTC")
}

/// `2026-11-22 20:35 UTC` from Unix milliseconds (CLI listings, the dashboard, setup links).
pub fn format_utc(ms: i64) -> String {
    let (date, (h, m, _)) = utc_parts(ms);
    format!("{date} {h:02}:{m:02} UTC")
}

/// `YYYY-MM-DD` and the time of day of Unix milliseconds, in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`). Written out rather than taken from `chrono` so the
/// browser's modules do not carry a date library for two formats.
fn utc_parts(ms: i64) -> (String, (i64, i64, i64)) {
    let secs = ms.div_euclid(1000);
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (format!("{year:04}-{month:02}-{day:02}"), (of_day / 3600, of_day % 3600 / 60, of_day % 60))
}

/// "Continue with {Button display name}", falling back to the connection's name.
pub fn button_label(display_name: &str, name: &str) -> String {
    let shown = display_name.trim();
    format!("Continue with {}", if shown.is_empty() { name } else { shown })
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn times_match_chrono_across_centuries() {
        use super::{format_time, format_utc};
        // 1600-01-01 to 2400-01-01, in steps that land on every month, leap day and time of day.
        let mut ms: i64 = -11_676_096_000_000;
        while ms < 13_569_465_600_000 {
            let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else { panic!("chrono has no instant for {ms}") };
            assert_eq!(format_time(ms), t.format("%Y-%m-%d %H:%M:%S UTC").to_string(), "{ms}");
            assert_eq!(format_utc(ms), t.format("%Y-%m-%d %H:%M UTC").to_string(), "{ms}");
            ms += 86_400_000 * 3 + 3_723_456;
        }
        assert_eq!(format_time(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(format_time(1_700_000_000_000), "2023-11-14 22:13:20 UTC");
    }

    #[test]
    fn return_to_only_follows_local_paths() {
        assert_eq!(safe_return_to(Some("/settings?tab=x")), "/settings?tab=x");
        for hostile in [
            "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/signin",
            "/\t/evil.example", "/\n/evil.example", "/\u{7f}", "\\\\evil.example", "/\\/evil.example", "/signin/password",
        ] {
            assert_eq!(safe_return_to(Some(hostile)), "/connections/enterprise", "{hostile}");
        }
        assert_eq!(safe_return_to(None), "/connections/enterprise");
        assert_eq!(safe_return_to(Some("/")), "/connections/enterprise", "home, not the server's redirect");
        assert_eq!(safe_return_to(Some("/connections/enterprise/con_1/settings")), "/connections/enterprise/con_1/settings");
        assert_eq!(safe_return_to(Some("/a/../users")), "/users", "dot segments are resolved");
        assert_eq!(super::encode_path_segment("oidc|acme|a+b c@x"), "oidc%7Cacme%7Ca%2Bb%20c%40x");
        // Still encoded, the tab is part of a local path, not a way off the site.
        assert_eq!(safe_return_to(Some("/%09/evil.example")), "/%09/evil.example");
    }
}
