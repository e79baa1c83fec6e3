//! Which `Host` names the control API and the dashboard answer. A web page can re-point its
//! own domain at the simulator's address (DNS rebinding): the developer's browser then takes
//! the simulator for that page's site and lets the page read its answers, payments and
//! request log included. The browser still names the page's domain in `Host`, so requests
//! under `/_simulator/` are answered only for names such a page cannot have: IP literals,
//! `localhost` and names under it, single-label names (a rebinding attacker needs a public
//! domain, which has a dot), the names container engines give the host machine (resolved by
//! the engine, never by a public DNS server an attacker could run), the public URL's host and
//! the names the operator allows.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The names Docker and Podman give the host machine inside a container: a shop's tests in a
/// container reach a simulator on the host by them. Only the container engine resolves them.
const CONTAINER_HOST_NAMES: [&str; 3] = [
    "host.docker.internal",
    "gateway.docker.internal",
    "host.containers.internal",
];

/// Longest `Host` value quoted back in a refusal; longer ones are not quoted.
const MAX_QUOTED: usize = 100;

/// The names besides the always-allowed kinds: the public URL's host and the operator's.
#[derive(Clone, Debug)]
pub(crate) struct OwnHosts {
    /// Lower case, without a port; IPv6 literals are never here (always allowed).
    names: Vec<String>,
}

impl OwnHosts {
    /// The hosts of a simulator reached at `public` (`http(s)://host[:port]`), plus
    /// `allowed` (already checked by [`check_name`]).
    pub(crate) fn new(public: &str, allowed: &[String]) -> OwnHosts {
        let mut names: Vec<String> = allowed.to_vec();
        let authority = public
            .split_once("://")
            .map_or(public, |(_, rest)| rest)
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        if let Some(HostName::Name(name)) = parse_host(authority) {
            names.push(name);
        }
        OwnHosts { names }
    }

    /// The first of `hosts` (the values of a request's `Host` headers, usually one) that a
    /// request under `/_simulator/` may not name, if any. No header at all, or an empty one,
    /// names nothing a page could have re-pointed, and passes.
    pub(crate) fn refused<'a>(&self, hosts: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        hosts.into_iter().find(|host| {
            let host = host.trim();
            !host.is_empty() && !parse_host(host).is_some_and(|name| self.allows_name(&name))
        })
    }

    fn allows_name(&self, host: &HostName) -> bool {
        match host {
            HostName::Ip => true,
            HostName::Name(name) => {
                name == "localhost"
                    || name.ends_with(".localhost")
                    || !name.contains('.')
                    || CONTAINER_HOST_NAMES.contains(&name.as_str())
                    || self.names.contains(name)
            }
        }
    }
}

/// A `Host` value's host, without its port.
#[derive(Debug, PartialEq, Eq)]
enum HostName {
    /// An IPv4 address in dotted decimal or a bracketed IPv6 address.
    Ip,
    /// A name of letters, digits, `-`, `_` and `.`, lower case.
    Name(String),
}

/// The host of `authority` (`host[:port]`), or `None` when it is not a well-formed one.
fn parse_host(authority: &str) -> Option<HostName> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (address, after) = bracketed.split_once(']')?;
            address.parse::<Ipv6Addr>().ok()?;
            let port = match after {
                "" => None,
                after => Some(after.strip_prefix(':')?),
            };
            (None, port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        },
    };
    if !port.is_none_or(|port| port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let Some(host) = host else {
        return Some(HostName::Ip);
    };
    if host.parse::<Ipv4Addr>().is_ok() {
        return Some(HostName::Ip);
    }
    is_name(host).then(|| HostName::Name(host.to_ascii_lowercase()))
}

/// Whether `text` is a host name: letters, digits, `-`, `_` and `.`, and not empty.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// An operator's allowed name as kept: lower case, surrounding spaces gone; `None` for
/// anything but a host name or an IP address without a port.
pub(crate) fn check_name(name: &str) -> Option<String> {
    let name = name.trim();
    let bracketed =
        name.starts_with('[') && name.ends_with(']') && parse_host(name) == Some(HostName::Ip);
    (bracketed || (!name.contains(':') && parse_host(name).is_some()))
        .then(|| name.to_ascii_lowercase())
}

/// How a refused `Host` is quoted back: as it came when it is a plain `host[:port]`, never
/// otherwise, so that no markup or control character a client sent reaches the answer.
pub(crate) fn quoted(host: &str) -> Option<&str> {
    let host = host.trim();
    let plain = host.len() <= MAX_QUOTED
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    plain.then_some(host)
}

/// `host[:port]`'s host: for naming a refused one in `--allowed-hosts NAME`, and for the
/// domain an Apple Pay session names. A bracketed IPv6 address keeps its brackets (`[::1]:8443`
/// → `[::1]`).
pub(crate) fn without_port(host: &str) -> &str {
    match host.strip_prefix('[').and_then(|rest| rest.find(']')) {
        Some(end) => &host[..end + 2],
        None => host.split_once(':').map_or(host, |(name, _)| name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(public: &str, allowed: &[&str]) -> OwnHosts {
        let allowed: Vec<String> = allowed
            .iter()
            .map(|&name| check_name(name).unwrap())
            .collect();
        OwnHosts::new(public, &allowed)
    }

    #[test]
    fn ip_literals_loopback_names_and_single_labels_pass() {
        let hosts = own("http://127.0.0.1:8899", &[]);
        for host in [
            "127.0.0.1:8899",
            "127.0.0.1",
            "10.1.2.3:80",
            "[::1]:8899",
            "[::1]",
            "[fe80::1]:1",
            "localhost",
            "LocalHost:8899",
            "app.localhost:8899",
            "simulator:8899",
            "gopay-sim_1",
            "host.docker.internal:8899",
            "Gateway.Docker.Internal",
            "host.containers.internal:8899",
            "",
            " localhost ",
        ] {
            assert_eq!(hosts.refused([host]), None, "{host:?}");
        }
        assert_eq!(hosts.refused([]), None, "no Host header at all");
    }

    #[test]
    fn public_names_and_malformed_values_are_refused() {
        let hosts = own("http://127.0.0.1:8899", &[]);
        for host in [
            "evil.example",
            "evil.example:8899",
            "EVIL.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "simulator.",
            "localhost.",
            "127.1.example",
            "host.docker.internal.evil.example",
            "evil.docker.internal",
            "[::1",
            "[::1]x",
            "[::1]:x",
            "[evil.example]",
            "localhost:99999999",
            "localhost:80:80",
            "local host",
            "<script>",
            "user@localhost",
            "ex\u{e1}mple",
        ] {
            assert_eq!(hosts.refused([host]), Some(host), "{host:?}");
        }
        // Every Host header must pass, not just the first.
        let two = ["localhost", "evil.example"];
        assert_eq!(hosts.refused(two), Some("evil.example"));
    }

    #[test]
    fn the_public_url_and_allowed_names_pass() {
        let hosts = own("https://sim.test:8443", &["Dev.Example", " ci.internal "]);
        for host in ["sim.test", "SIM.test:8443", "dev.example:1", "ci.internal"] {
            assert_eq!(hosts.refused([host]), None, "{host:?}");
        }
        for host in ["sim.test.evil.example", "x.dev.example", "sim.test."] {
            assert_eq!(hosts.refused([host]), Some(host), "{host:?}");
        }
    }

    #[test]
    fn allowed_names_are_host_names_or_addresses_without_a_port() {
        for name in ["sim.test", "10.0.0.1", "[::1]", "UPPER.example"] {
            assert!(check_name(name).is_some(), "{name}");
        }
        for name in [
            "",
            " ",
            "sim.test:8899",
            "http://sim.test",
            "a b",
            "<x>",
            "[::1]:80",
        ] {
            assert_eq!(check_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn only_plain_hosts_are_quoted() {
        assert_eq!(quoted("evil.example:8899"), Some("evil.example:8899"));
        assert_eq!(without_port("evil.example:8899"), "evil.example");
        assert_eq!(without_port("evil.example"), "evil.example");
        assert_eq!(without_port("[::1]:8443"), "[::1]");
        assert_eq!(without_port("[::1]"), "[::1]");
        for hostile in [
            "<script>alert(1)</script>",
            "evil.example\"><b>",
            "a\r\nSet-Cookie: x",
            "ex\u{e1}mple",
            &"a".repeat(MAX_QUOTED + 1),
        ] {
            assert_eq!(quoted(hostile), None, "{hostile:?}");
        }
    }
}
