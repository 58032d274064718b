//! Which IP addresses Tessera may fetch from. One classification, used by the guarded HTTP
//! client (every address a name resolves to, every redirect) and by validation (IP literals an
//! admin types into an issuer or endpoint URL). Isomorphic: plain `std`, so the dashboard can
//! apply the same rule in the browser.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address may not be fetched, or `None` for a public unicast address.
///
/// Addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64)
/// are judged by the embedded address; tunnelling and translation prefixes that could reach
/// anything (6to4, Teredo, local-use NAT64) are refused outright.
pub fn non_public_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

/// Addresses refused even with `TESSERA_ALLOW_PRIVATE_NETWORK=1`: the link-local range, where
/// cloud providers serve instance metadata and credentials (169.254.169.254, 169.254.170.2),
/// and the other providers' metadata addresses.
pub fn always_refused_kind(ip: IpAddr) -> Option<&'static str> {
    const METADATA: &str = "cloud metadata (link-local)";
    match ip {
        IpAddr::V4(v4) => always_refused_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return always_refused_v4(v4);
            }
            // AWS's IPv6 instance metadata endpoint, and IPv6 link-local.
            (v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) || v6.segments()[0] & 0xffc0 == 0xfe80).then_some(METADATA)
        }
    }
}

fn always_refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    // 100.100.100.200 is Alibaba Cloud's metadata service.
    (ip.is_link_local() || ip == Ipv4Addr::new(100, 100, 100, 200)).then_some("cloud metadata (link-local)")
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() || a >= 240 {
        Some("reserved")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("benchmarking")
    } else if a == 192 && b == 0 && c == 0 {
        Some("IETF protocol assignment")
    } else if (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113) {
        Some("documentation")
    } else if (a, b, c) == (192, 88, 99) {
        Some("6to4 relay")
    } else {
        None
    }
}

/// The IPv4 address an IPv6 address carries in its last 32 bits, for the prefixes where that
/// address is what a connection would really reach: `::ffff:a.b.c.d` (mapped), `::a.b.c.d`
/// (compatible, deprecated), `::ffff:0:a.b.c.d` (translated) and `64:ff9b::a.b.c.d` (NAT64).
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let last = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s[..6] {
        [0, 0, 0, 0, 0, 0xffff] => Some(last),
        // `::` and `::1` are themselves, not IPv4-compatible addresses.
        [0, 0, 0, 0, 0, 0] if !(s[6] == 0 && s[7] <= 1) => Some(last),
        [0, 0, 0, 0, 0xffff, 0] => Some(last),
        [0x64, 0xff9b, 0, 0, 0, 0] => Some(last),
        _ => None,
    }
}

fn v6_kind(v6: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(v6) {
        return v4_kind(v4);
    }
    let s = v6.segments();
    if v6.is_loopback() {
        Some("loopback")
    } else if v6.is_unspecified() {
        Some("unspecified")
    } else if v6.is_multicast() {
        Some("multicast")
    } else if s[0] & 0xfe00 == 0xfc00 {
        Some("private (unique local)")
    } else if s[0] & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if s[0] & 0xffc0 == 0xfec0 {
        Some("site-local")
    } else if s[0] == 0x2002 {
        Some("6to4")
    } else if s[0] == 0x2001 && s[1] == 0 {
        Some("Teredo")
    } else if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        Some("local-use NAT64")
    } else if s[0] == 0x2001 && s[1] == 0xdb8 {
        Some("documentation")
    } else if s[..4] == [0x100, 0, 0, 0] {
        Some("discard-only")
    } else {
        None
    }
}

/// The refusal for an IP literal typed into a URL, or `None` when it may be fetched.
pub fn literal_refusal(host: &str, allow_private: bool) -> Option<String> {
    let ip: IpAddr = host.trim_start_matches('[').trim_end_matches(']').parse().ok()?;
    if let Some(kind) = always_refused_kind(ip) {
        return Some(format!("must not point at {ip}, a {kind} address"));
    }
    if allow_private {
        return None;
    }
    non_public_kind(ip).map(|kind| format!("must not point at {ip}, a {kind} address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn only_public_unicast_addresses_count_as_public() {
        for (addr, kind) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("224.0.0.1", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.254", "benchmarking"),
            ("192.0.0.8", "IETF protocol assignment"),
            ("192.0.2.1", "documentation"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd00::1", "private (unique local)"),
            ("fe80::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::127.0.0.1", "loopback"),
            ("::10.0.0.1", "private"),
            ("::5", "unspecified"),
            ("::ffff:0:127.0.0.1", "loopback"),
            ("::ffff:0:192.168.0.1", "private"),
            ("64:ff9b::7f00:1", "loopback"),
            ("64:ff9b:1::a00:1", "local-use NAT64"),
            ("2002:7f00:1::1", "6to4"),
            ("2002:5db8:d822::1", "6to4"),
            ("2001:0:4136:e378::1", "Teredo"),
            ("2001:db8::1", "documentation"),
        ] {
            assert_eq!(non_public_kind(ip(addr)), Some(kind), "{addr}");
        }
        for addr in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8", "::ffff:8.8.8.8", "64:ff9b::808:808", "198.20.0.1", "192.0.1.1"] {
            assert_eq!(non_public_kind(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn cloud_metadata_addresses_are_refused_even_when_private_networks_are_allowed() {
        for addr in ["169.254.169.254", "169.254.170.2", "::ffff:169.254.169.254", "fd00:ec2::254", "100.100.100.200", "fe80::1"] {
            assert!(always_refused_kind(ip(addr)).is_some(), "{addr}");
            assert!(literal_refusal(addr, true).is_some(), "{addr}");
        }
        for addr in ["127.0.0.1", "10.0.0.1", "::1"] {
            assert_eq!(always_refused_kind(ip(addr)), None, "{addr}");
            assert_eq!(literal_refusal(addr, true), None, "{addr}");
            assert!(literal_refusal(addr, false).is_some(), "{addr}");
        }
        assert_eq!(literal_refusal("[::ffff:7f00:1]", false).as_deref(), Some("must not point at ::ffff:127.0.0.1, a loopback address"));
        assert_eq!(literal_refusal("idp.example.com", false), None, "names are checked when they are resolved");
    }
}
