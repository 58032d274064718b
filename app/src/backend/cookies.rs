//! Every cookie Tessera sets, named and flagged in one place. Each has its own name, so the
//! dashboard's session and an end user's single sign-on session never overwrite or end each
//! other; over https the names carry the `__Host-` prefix (the browser then accepts them only
//! `Secure`, for this host, on `/`) or, for the login cookie scoped to `/login/callback`,
//! `__Secure-`. All are `HttpOnly` and `SameSite=Lax` (a top-level navigation from an
//! application or an email carries them; a cross-site POST does not).
//!
//! The protocol door (server), the dashboard's sign-in server function and the setup door all
//! read and write cookies through this module.

/// A cookie of Tessera's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cookie<'a> {
    /// The admin's dashboard session.
    Admin,
    /// An end user's single sign-on session (Tessera as an OpenID Provider).
    SingleSignOn,
    /// Binds a login in flight to the browser that started it; read only at `/login/callback`.
    Login,
    /// Binds a self-service setup link to the browser that first opened it (one per link).
    Setup(&'a str),
    /// Binds a consent screen to the browser that signed in; read only at `/authorize/consent`.
    Consent,
    /// What a plain form post leaves for the page it is sent on to (its toast, or why it was
    /// refused), which that page shows once (`flash`).
    Flash,
}

impl Cookie<'_> {
    /// The cookie's name: `secure` when the public URL is https.
    pub fn name(self, secure: bool) -> String {
        let base = match self {
            Cookie::Admin => "tessera_admin".to_string(),
            Cookie::SingleSignOn => "tessera_sso".to_string(),
            Cookie::Login => "tessera_login".to_string(),
            Cookie::Setup(link_id) => format!("tessera_setup_{link_id}"),
            Cookie::Consent => "tessera_consent".to_string(),
            Cookie::Flash => "tessera_flash".to_string(),
        };
        match (secure, self) {
            (false, _) => base,
            (true, Cookie::Login | Cookie::Consent) => format!("__Secure-{base}"),
            (true, _) => format!("__Host-{base}"),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Cookie::Login => "/login/callback",
            Cookie::Consent => "/authorize/consent",
            _ => "/",
        }
    }

    /// The `Set-Cookie` value that stores `value` for `max_age_s` seconds.
    pub fn set(self, value: &str, max_age_s: i64, secure: bool) -> String {
        let flags = if secure { "; Secure" } else { "" };
        format!("{}={value}; Path={}; HttpOnly; SameSite=Lax; Max-Age={}{flags}", self.name(secure), self.path(), max_age_s.max(0))
    }

    /// The `Set-Cookie` value that removes it.
    pub fn clear(self, secure: bool) -> String {
        self.set("", 0, secure)
    }

    /// Its value in a request's `Cookie` headers, if sent and not empty.
    pub fn read(self, headers: &http::HeaderMap, secure: bool) -> Option<String> {
        let name = self.name(secure);
        let pairs = headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';'));
        pairs.filter_map(|pair| pair.trim().split_once('=')).find(|(n, v)| *n == name && !v.is_empty()).map(|(_, v)| v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::Cookie;

    #[test]
    fn each_cookie_has_its_own_name_and_the_https_prefixes() {
        let names: Vec<String> = [Cookie::Admin, Cookie::SingleSignOn, Cookie::Login, Cookie::Setup("sul_1")].iter().map(|c| c.name(false)).collect();
        assert_eq!(names, ["tessera_admin", "tessera_sso", "tessera_login", "tessera_setup_sul_1"]);
        assert_eq!(Cookie::Admin.set("abc", 60, false), "tessera_admin=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        assert_eq!(Cookie::SingleSignOn.set("abc", 60, true), "__Host-tessera_sso=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure");
        assert_eq!(Cookie::Login.clear(true), "__Secure-tessera_login=; Path=/login/callback; HttpOnly; SameSite=Lax; Max-Age=0; Secure");
        assert_eq!(Cookie::Setup("sul_1").name(true), "__Host-tessera_setup_sul_1");
        assert_eq!(Cookie::Flash.name(true), "__Host-tessera_flash");
    }

    #[test]
    fn a_cookie_is_read_by_its_exact_name_from_any_cookie_header() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, http::HeaderValue::from_static("xtessera_flash=no; tessera_admin=a"));
        headers.append(http::header::COOKIE, http::HeaderValue::from_static("tessera_flash=Um9sZQ"));
        assert_eq!(Cookie::Flash.read(&headers, false).as_deref(), Some("Um9sZQ"));
        assert_eq!(Cookie::Flash.read(&headers, true), None);
        headers.insert(http::header::COOKIE, http::HeaderValue::from_static("tessera_flash="));
        assert_eq!(Cookie::Flash.read(&headers, false), None);
    }
}
