//! Where a webhook may be sent: `http` or `https` URLs without credentials, never to
//! loopback, private, link-local or otherwise internal addresses unless configuration allows
//! them (`MOBILITY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`, for a receiver on the same network).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why a URL is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Malformed(&'static str),
    Internal,
}

/// Check a URL as registered: its form, and its host when it is an address or `localhost`.
/// (A host name is resolved, and its addresses checked, at every delivery.)
pub fn check_url(raw: &str, allow_private: bool) -> Result<url::Url, Refusal> {
    let url = url::Url::parse(raw).map_err(|_| Refusal::Malformed("not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::Malformed("only http and https URLs"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Malformed("no user name or password in the URL"));
    }
    if url.fragment().is_some() {
        return Err(Refusal::Malformed("no fragment (#...) in the URL"));
    }
    let internal = match url.host() {
        None => return Err(Refusal::Malformed("the URL has no host")),
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    };
    if internal && !allow_private {
        return Err(Refusal::Internal);
    }
    Ok(url)
}

/// The addresses `url`'s host resolves to, all of them allowed, or why not.
pub async fn resolve(url: &url::Url, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} has no address"));
    }
    if !allow_private && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(format!(
            "{host} resolves to {}, an internal address; webhooks are not sent there",
            bad.ip()
        ));
    }
    Ok(addrs)
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || v6 == Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0) // NAT64 prefix itself
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)) // documentation
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://api.localhost/hook",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.10/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert_eq!(check_url(url, false), Err(Refusal::Internal), "{url}");
            assert!(check_url(url, true).is_ok(), "{url} when allowed");
        }
        assert!(check_url("https://hooks.example.org/mobility", false).is_ok());
        assert!(check_url("https://93.184.215.14/x", false).is_ok());
    }

    #[test]
    fn only_plain_http_urls() {
        for url in [
            "ftp://example.org/",
            "javascript:alert(1)",
            "https://user:pw@example.org/",
            "https://example.org/#x",
            "/relative",
            "https://",
        ] {
            assert!(
                matches!(check_url(url, true), Err(Refusal::Malformed(_))),
                "{url}"
            );
        }
    }
}
