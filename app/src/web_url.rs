//! WHATWG URL parsing for the rules both halves run (`check_url`, `okta_issuer`, an
//! application's callback URLs and origins). On the server it is the `url` crate; in the browser
//! it is the browser's own `URL`, which implements the same standard, so the wasm modules do not
//! carry `url`'s parser and its IDNA tables for a field's instant feedback. The server's answer
//! is the one that counts: it runs the same rules again when the form is saved.

/// The parts of an absolute URL the rules read, as `url::Url` names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    scheme: String,
    host: Option<String>,
    port: Option<u16>,
    username: String,
    password: Option<String>,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
    origin: String,
}

impl ParsedUrl {
    /// `None` unless `input` is an absolute URL.
    pub fn parse(input: &str) -> Option<ParsedUrl> {
        imp::parse(input)
    }
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// The host as serialized (`example.com`, `[::1]`), if any.
    pub fn host_str(&self) -> Option<&str> {
        self.host.as_deref()
    }
    /// The port, unless it is the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    pub fn username(&self) -> &str {
        &self.username
    }
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }
    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }
    /// `scheme://host[:port]`, as a browser's `Origin` header carries it.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::ParsedUrl;

    pub fn parse(input: &str) -> Option<ParsedUrl> {
        let url = url::Url::parse(input).ok()?;
        Some(ParsedUrl {
            scheme: url.scheme().to_string(),
            host: url.host_str().map(str::to_string),
            port: url.port(),
            username: url.username().to_string(),
            password: url.password().map(str::to_string),
            path: url.path().to_string(),
            query: url.query().map(str::to_string),
            fragment: url.fragment().map(str::to_string),
            origin: url.origin().ascii_serialization(),
        })
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::ParsedUrl;

    pub fn parse(input: &str) -> Option<ParsedUrl> {
        let url = web_sys::Url::new(input).ok()?;
        let some = |s: String| (!s.is_empty()).then_some(s);
        let host = url.hostname();
        Some(ParsedUrl {
            scheme: url.protocol().trim_end_matches(':').to_string(),
            host: some(host),
            port: url.port().parse().ok(),
            username: url.username(),
            password: some(url.password()),
            path: url.pathname(),
            query: some(url.search()).map(|q| q.trim_start_matches('?').to_string()),
            fragment: some(url.hash()).map(|f| f.trim_start_matches('#').to_string()),
            origin: url.origin(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ParsedUrl;

    #[test]
    fn reads_the_parts_the_rules_need() {
        let parsed = |s: &str| ParsedUrl::parse(s).unwrap_or_else(|| panic!("{s} did not parse"));
        let u = parsed("https://user:pw@Idp.Example.com:8443/a/b?x=1#top");
        assert_eq!((u.scheme(), u.host_str(), u.port()), ("https", Some("idp.example.com"), Some(8443)));
        assert_eq!((u.username(), u.password(), u.path()), ("user", Some("pw"), "/a/b"));
        assert_eq!((u.query(), u.fragment(), u.origin()), (Some("x=1"), Some("top"), "https://idp.example.com:8443"));
        let d = parsed("https://idp.example.com:443");
        assert_eq!((d.port(), d.path(), d.query(), d.origin()), (None, "/", None, "https://idp.example.com"));
        assert_eq!(parsed("http://[::1]:4444/").host_str(), Some("[::1]"));
        assert!(ParsedUrl::parse("idp.example.com").is_none());
    }
}
