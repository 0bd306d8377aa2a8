//! The client's address, for throttles and the audit log. Behind a reverse proxy every connection comes from
//! the proxy, so the address it forwards (`X-Forwarded-For`) is used, but only from the
//! proxies named in `TRUSTED_PROXIES`: anyone else could write that header. IPv6 clients
//! are counted by their /64 network, since one host can hold any number of its addresses.

use std::net::IpAddr;

/// Whom to count a request against: the client's address, an IPv6 client by its /64.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted_proxies: &[IpAddr],
) -> String {
    let Some(client) = client_ip(peer, forwarded_for, trusted_proxies) else {
        return "unknown".to_owned();
    };
    match client {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// The client's own address: the connection's peer, or the address a trusted proxy
/// forwarded (the right-most one no trusted proxy added).
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted_proxies: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    let Some(chain) = forwarded_for.filter(|_| trusted_proxies.contains(&peer)) else {
        return Some(peer);
    };
    for hop in chain.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted_proxies.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            Err(_) => break,
        }
    }
    Some(peer)
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.2");
        let client = Some(ip("203.0.113.7"));
        // Not a trusted proxy: its header is ignored.
        assert_eq!(
            client_address(client, Some("198.51.100.1"), &[proxy]),
            "203.0.113.7"
        );
        // The trusted proxy's forwarded client, past any other trusted hop.
        let chain = Some("198.51.100.9, 198.51.100.1, 10.0.0.3");
        let trusted = [proxy, ip("10.0.0.3")];
        assert_eq!(client_address(Some(proxy), chain, &trusted), "198.51.100.1");
        // A garbled header counts the proxy itself.
        assert_eq!(
            client_address(Some(proxy), Some("nonsense"), &[proxy]),
            "10.0.0.2"
        );
        assert_eq!(client_address(None, None, &[]), "unknown");
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        let a = client_address(Some(ip("2001:db8:1:2:aaaa::1")), None, &[]);
        let b = client_address(Some(ip("2001:db8:1:2:bbbb::9")), None, &[]);
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
    }
}
