//! TXT lookups (`app::backend::dns`) against the tests' own DNS server on loopback.

use crate::support::dns_server::DnsServer;
use app::backend::dns::{DnsError, TxtResolver};
use std::time::{Duration, Instant};

#[tokio::test]
async fn txt_records_come_back_whole_with_long_ones_joined() {
    let server = DnsServer::start().await;
    // Over 255 bytes: published as two character-strings, which the lookup joins again.
    let long = format!("v=spf1 {} -all", "include:_spf.example.net ".repeat(12));
    assert!(long.len() > 255);
    server.set_txt("_Tessera.Example.COM.", &["tessera-verification=3f9a1c", &long]);

    let mut found = TxtResolver::at(server.addr).txt("_tessera.example.com").await.unwrap_or_else(|e| panic!("{e}"));
    found.sort();
    let mut expected = vec!["tessera-verification=3f9a1c".to_string(), long];
    expected.sort();
    assert_eq!(found, expected);
}

#[tokio::test]
async fn a_name_without_a_record_is_not_found() {
    let server = DnsServer::start().await;
    server.set_txt("_tessera.example.com", &["tessera-verification=3f9a1c"]);
    let resolver = TxtResolver::at(server.addr);

    let missing = resolver.txt("_tessera.example.org").await;
    assert_eq!(missing, Err(DnsError::NotFound("_tessera.example.org".into())));
    // A name that exists but has no TXT records left answers NOERROR with no answers.
    server.set_txt("_tessera.example.com", &[]);
    assert_eq!(resolver.txt("_tessera.example.com").await, Err(DnsError::NotFound("_tessera.example.com".into())));
}

#[tokio::test]
async fn a_changed_record_is_seen_at_once() {
    let server = DnsServer::start().await;
    let resolver = TxtResolver::at(server.addr);
    let name = "_tessera.example.com";

    assert_eq!(resolver.txt(name).await, Err(DnsError::NotFound(name.into())));
    server.set_txt(name, &["tessera-verification=old"]);
    assert_eq!(resolver.txt(name).await, Ok(vec!["tessera-verification=old".to_string()]));
    server.set_txt(name, &["tessera-verification=new"]);
    assert_eq!(resolver.txt(name).await, Ok(vec!["tessera-verification=new".to_string()]));
    server.clear(name);
    assert_eq!(resolver.txt(name).await, Err(DnsError::NotFound(name.into())));
}

#[tokio::test]
async fn an_answer_too_large_for_udp_arrives_over_tcp() {
    let server = DnsServer::start().await;
    let values: Vec<String> = (0..4).map(|i| format!("record-{i}={}", "x".repeat(300))).collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    server.set_txt("big.example.com", &refs);

    let mut found = TxtResolver::at(server.addr).txt("big.example.com").await.unwrap_or_else(|e| panic!("{e}"));
    found.sort();
    assert_eq!(found, values);
}

#[tokio::test]
async fn a_resolver_with_no_server_behind_it_fails_in_time() {
    // A port that was free a moment ago: nothing answers there, over UDP or TCP.
    let addr = std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let result = TxtResolver::at(addr).txt("_tessera.example.com").await;
    let took = started.elapsed();

    assert!(matches!(&result, Err(DnsError::Failed { name, .. }) if name == "_tessera.example.com"), "{result:?}");
    assert!(took < Duration::from_secs(6), "the failed lookup took {took:?}");
}
