//! The one issuer check against local identity providers over real HTTP: the three URL forms,
//! found / not found / invalid, size, redirect and time limits, and the SSRF guard.

use crate::support;

use app::backend::discovery::guard::GuardedClient;
use app::backend::discovery::Discovery;
use app::backend::Clock;
use app::connections::options::Channel;
use app::connections::validate::Rules;
use app::connections::IssuerCheck;
use std::collections::HashMap;
use std::net::IpAddr;
use support::idp::TestIdp;

fn discovery(allow_private_network: bool) -> Discovery {
    let client = GuardedClient::new(allow_private_network).unwrap_or_else(|e| panic!("{e}"));
    Discovery::new(client, Rules { allow_private_network })
}

async fn check(url: &str, channel: Channel) -> IssuerCheck {
    discovery(true).check_issuer(&Clock::System, url, channel).await
}

fn reason(check: IssuerCheck) -> String {
    match check {
        IssuerCheck::NotFound { reason, .. } => reason,
        other => format!("expected not found, got {other:?}"),
    }
}

fn problems(check: IssuerCheck) -> Vec<String> {
    match check {
        IssuerCheck::Invalid { problems, .. } => problems,
        other => vec![format!("expected invalid, got {other:?}")],
    }
}

#[tokio::test]
async fn a_base_url_a_path_and_the_full_discovery_url_are_all_found() {
    let idp = TestIdp::start().await;
    for (typed, issuer) in [
        (idp.issuer(""), idp.issuer("")),
        (idp.issuer("oauth2/default"), idp.issuer("oauth2/default")),
        (idp.discovery("tenant-a"), idp.issuer("tenant-a")),
        (format!("{}/", idp.issuer("tenant-b")), idp.issuer("tenant-b")),
    ] {
        match check(&typed, Channel::BackChannel).await {
            IssuerCheck::Found { issuer: found, token_endpoint, jwks_uri, document, .. } => {
                assert_eq!(found, issuer, "{typed}");
                assert_eq!(token_endpoint, Some(format!("{issuer}/oauth/token")));
                assert_eq!(jwks_uri, format!("{issuer}/.well-known/jwks.json"));
                assert_eq!(document["issuer"], issuer.as_str());
            }
            other => panic!("{typed}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn nothing_usable_there_is_not_found_with_the_reason() {
    let idp = TestIdp::start().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(1)
    }; // the listener is dropped: nothing listens there now
    assert_eq!(reason(check(&format!("http://127.0.0.1:{closed}"), Channel::FrontChannel).await), "the connection was refused");
    assert_eq!(reason(check(&idp.issuer("404"), Channel::FrontChannel).await), "HTTP 404 Not Found");
    assert!(reason(check(&idp.issuer("html"), Channel::FrontChannel).await).starts_with("the response is not JSON"));
    assert!(reason(check(&idp.issuer("notjson"), Channel::FrontChannel).await).starts_with("the response is not JSON"));
    assert_eq!(reason(check("http://no-such-host.invalid", Channel::FrontChannel).await), "the host name could not be resolved");
    assert!(reason(check("not a url", Channel::FrontChannel).await).starts_with("the URL must be an absolute URL"));
}

#[tokio::test]
async fn a_provider_that_does_not_answer_in_five_seconds_is_not_found() {
    let idp = TestIdp::start().await;
    let started = std::time::Instant::now();
    assert_eq!(reason(check(&idp.issuer("slow"), Channel::FrontChannel).await), "timed out after 5 seconds");
    assert!(started.elapsed() < std::time::Duration::from_secs(6));
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused() {
    let idp = TestIdp::start().await;
    assert_eq!(reason(check(&idp.issuer("huge"), Channel::FrontChannel).await), "the response is larger than 1 MiB");
}

#[tokio::test]
async fn each_missing_required_field_makes_the_document_invalid_and_is_named() {
    let idp = TestIdp::start().await;
    for field in ["issuer", "authorization_endpoint", "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"] {
        let found = problems(check(&idp.issuer(&format!("missing-{field}")), Channel::FrontChannel).await);
        assert_eq!(found, vec![format!("missing {field}")], "{field}");
    }
    let no_token = problems(check(&idp.issuer("missing-token_endpoint"), Channel::BackChannel).await);
    assert_eq!(no_token, vec!["missing token_endpoint (back channel exchanges the code there)"]);
    assert!(check(&idp.issuer("missing-token_endpoint"), Channel::FrontChannel).await.is_found());
}

#[tokio::test]
async fn an_issuer_that_differs_from_the_url_is_invalid() {
    let idp = TestIdp::start().await;
    let found = problems(check(&idp.issuer("mismatch"), Channel::FrontChannel).await);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with(&format!("issuer https://someone-else.example does not match {}", idp.issuer("mismatch"))), "{found:?}");
}

#[tokio::test]
async fn three_redirects_are_followed_and_a_fourth_is_refused() {
    let idp = TestIdp::start().await;
    assert!(check(&idp.issuer("chain/3/0"), Channel::FrontChannel).await.is_found());
    assert_eq!(reason(check(&idp.issuer("chain/4/0"), Channel::FrontChannel).await), "more than 3 redirects");
}

#[tokio::test]
async fn with_the_guard_on_loopback_and_plain_http_are_refused() {
    let idp = TestIdp::start().await;
    let guarded = discovery(false);
    let refused = reason(guarded.check_issuer(&Clock::System, &idp.issuer(""), Channel::FrontChannel).await);
    assert_eq!(refused, "the URL must use https://");
    // The client itself refuses loopback even when asked directly over https.
    let client = GuardedClient::new(false).unwrap_or_else(|e| panic!("{e}"));
    let direct = client.get_json("https://127.0.0.1:9/.well-known/openid-configuration").await;
    assert_eq!(direct.err().map(|e| e.0).as_deref(), Some("refused: 127.0.0.1 is a loopback address"));
    let named = client.get_json("https://localhost:9/.well-known/openid-configuration").await;
    assert_eq!(named.err().map(|e| e.0).as_deref(), Some("refused: localhost resolves to a loopback address"));
}

fn fixed_hosts() -> HashMap<String, Vec<IpAddr>> {
    let ip = |text: &str| text.parse::<IpAddr>().unwrap_or_else(|e| panic!("{text}: {e}"));
    HashMap::from([
        ("idp.corp.test".to_string(), vec![ip("10.0.0.7")]),
        ("mixed.corp.test".to_string(), vec![ip("93.184.216.34"), ip("192.168.1.20")]),
        ("metadata.corp.test".to_string(), vec![ip("169.254.169.254")]),
        ("compat.corp.test".to_string(), vec![ip("::127.0.0.1")]),
        ("translated.corp.test".to_string(), vec![ip("::ffff:0:10.0.0.1")]),
        ("sixtofour.corp.test".to_string(), vec![ip("2002:7f00:1::1")]),
        ("nat64.corp.test".to_string(), vec![ip("64:ff9b:1::a00:1")]),
        ("sitelocal.corp.test".to_string(), vec![ip("fec0::1")]),
        ("bench.corp.test".to_string(), vec![ip("198.18.0.1")]),
        ("ietf.corp.test".to_string(), vec![ip("192.0.0.170")]),
    ])
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_without_revealing_the_address() {
    let client = GuardedClient::with_hosts(false, fixed_hosts()).unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        ("idp.corp.test", "private"),
        ("mixed.corp.test", "private"),
        ("metadata.corp.test", "cloud metadata (link-local)"),
        ("compat.corp.test", "loopback"),
        ("translated.corp.test", "private"),
        ("sixtofour.corp.test", "6to4"),
        ("nat64.corp.test", "local-use NAT64"),
        ("sitelocal.corp.test", "site-local"),
        ("bench.corp.test", "benchmarking"),
        ("ietf.corp.test", "IETF protocol assignment"),
    ];
    let addresses = fixed_hosts();
    for (host, kind) in cases {
        let reason = client.get_json(&format!("https://{host}/.well-known/openid-configuration")).await.err().map(|e| e.0).unwrap_or_default();
        assert_eq!(reason, format!("refused: {host} resolves to a {kind} address"), "{host}");
        for ip in &addresses[host] {
            assert!(!reason.contains(&ip.to_string()), "{host}: the refusal revealed {ip}");
        }
    }
}

#[tokio::test]
async fn cloud_metadata_stays_refused_when_private_networks_are_allowed() {
    let client = GuardedClient::with_hosts(true, fixed_hosts()).unwrap_or_else(|e| panic!("{e}"));
    let named = client.get_json("http://metadata.corp.test/latest/meta-data/").await;
    assert_eq!(named.err().map(|e| e.0).as_deref(), Some("refused: metadata.corp.test resolves to a cloud metadata (link-local) address"));
    let literal = client.get_json("http://169.254.169.254/latest/meta-data/").await;
    assert_eq!(literal.err().map(|e| e.0).as_deref(), Some("refused: 169.254.169.254 is a cloud metadata (link-local) address"));
    let discovery = discovery(true);
    let check = discovery.check_issuer(&Clock::System, "http://169.254.169.254", Channel::FrontChannel).await;
    assert!(reason(check).contains("169.254.169.254, a cloud metadata (link-local) address"));
}

#[tokio::test]
async fn results_are_cached_briefly_and_a_fixed_document_shows_within_a_minute() {
    // A provider whose document can be swapped while the test runs.
    use axum::routing::get;
    use std::sync::{Arc, Mutex};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    let current = Arc::new(Mutex::new(serde_json::json!({ "issuer": base })));
    let served = current.clone();
    let app = axum::Router::new().route(
        "/.well-known/openid-configuration",
        get(move || {
            let doc = served.lock().map(|d| d.clone()).unwrap_or_default();
            async move { axum::Json(doc) }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let clock = Clock::fixed(chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default());
    let discovery = discovery(true);
    assert!(!discovery.check_issuer(&clock, &base, Channel::FrontChannel).await.is_found(), "incomplete at first");
    if let Ok(mut d) = current.lock() {
        *d = support::idp::good_document(&base);
    }
    assert!(!discovery.check_issuer(&clock, &base, Channel::FrontChannel).await.is_found(), "still the cached answer");
    clock.advance(chrono::Duration::seconds(31));
    assert!(discovery.check_issuer(&clock, &base, Channel::FrontChannel).await.is_found(), "fixed within a minute");
}
