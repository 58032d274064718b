//! `TESSERA_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` Tessera believes, so
//! the sign-in throttle counts the real client behind a load balancer. Without the setting the
//! header is ignored (anyone could send it), and the socket peer is the client.

use std::net::IpAddr;

/// A list of addresses and networks (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list; the error names the entry and the rule.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(|c: char| c == ',' || c.is_whitespace()).filter(|e| !e.is_empty()) {
            let (addr, prefix) = match entry.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (entry, None),
            };
            let ip: IpAddr = addr.parse().map_err(|_| format!("{entry:?} is not an IP address or network like 10.0.0.0/8"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("{entry:?} has a prefix length that is not 0-{max}"))?,
            };
            nets.push((canonical(ip), prefix));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, prefix)| in_network(ip, *net, *prefix))
    }

    /// The client's address: the socket peer, unless the peer is a trusted proxy; then the
    /// nearest `X-Forwarded-For` entry (read from the right) that is not a trusted proxy. An
    /// unreadable entry stops the walk at the last address that could be trusted.
    pub fn client_address<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|h| h.split(',')).map(str::trim).filter(|h| !h.is_empty()).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = canonical(ip);
                    if !self.contains(client) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as a dual-stack socket reports them) count
/// as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap_or_default();
        let xff = ["198.51.100.9, 10.1.1.1"];
        assert_eq!(proxies.client_address(ip("10.0.0.2"), xff.iter().copied()), ip("198.51.100.9"));
        assert_eq!(proxies.client_address(ip("203.0.113.5"), xff.iter().copied()), ip("203.0.113.5"), "an untrusted peer's header is ignored");
        // A client that sends its own header cannot pick an address: the nearest untrusted hop wins.
        let spoofed = ["1.2.3.4", "198.51.100.9"];
        assert_eq!(proxies.client_address(ip("192.0.2.7"), spoofed.iter().copied()), ip("198.51.100.9"));
        assert_eq!(proxies.client_address(ip("::ffff:10.0.0.2"), ["garbage"].iter().copied()), ip("10.0.0.2"));
        assert_eq!(TrustedProxies::default().client_address(ip("10.0.0.2"), xff.iter().copied()), ip("10.0.0.2"));
    }

    #[test]
    fn bad_entries_are_named() {
        assert_eq!(TrustedProxies::parse("10.0.0.0/33").err().as_deref(), Some("\"10.0.0.0/33\" has a prefix length that is not 0-32"));
        assert!(TrustedProxies::parse("proxy.internal").is_err());
        assert!(TrustedProxies::parse("2001:db8::/32 ::1").is_ok_and(|p| p.contains(ip("2001:db8:5::1")) && p.contains(ip("::1"))));
        assert!(TrustedProxies::parse("0.0.0.0/0").is_ok_and(|p| p.contains(ip("8.8.8.8"))));
    }
}
