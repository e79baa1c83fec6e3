//! Parsing of `memcache://` and `memcaches://` URLs, `host[:port][/]`. Errors never quote
//! the URL.

use std::fmt;

use crate::auth::remote::{parse_host_port, split_url, Node, UrlParts, UrlProblem};
use crate::error::Error;

/// The port memcached listens on unless the URL names another (TLS included, as memcached
/// and ElastiCache use it).
const DEFAULT_PORT: u16 = 11211;

/// Where the memcached server is, from a `memcache://` or `memcaches://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Address {
    pub(crate) node: Node,
    /// `memcaches://`: TLS.
    pub(crate) tls: bool,
}

impl Address {
    /// Parses `url`, or fails with [`Error::Config`] saying what is wrong but not quoting it.
    pub(crate) fn parse(url: &str) -> Result<Address, Error> {
        let UrlParts {
            tls,
            authority,
            path,
        } = match split_url(url, "memcache", "memcaches") {
            Ok(parts) => parts,
            Err(UrlProblem::Scheme) => {
                return Err(Error::config(
                    "the memcached URL must look like memcache://host[:port] \
                     (memcaches:// for TLS)",
                ))
            }
            Err(UrlProblem::QueryOrFragment) => {
                return Err(invalid("query strings and fragments are not supported"))
            }
        };
        if authority.contains('@') {
            return Err(Error::config(
                "the memcached URL holds a user name or password, but memcached's text \
                 protocol has no authentication (SASL is not supported): remove them, and \
                 keep memcached on a private network or use memcaches:// (TLS)",
            ));
        }
        if !path.is_empty() {
            return Err(invalid(
                "memcached has no databases: no path after the port",
            ));
        }
        let node = parse_host_port(authority, DEFAULT_PORT, invalid)?;
        Ok(Address { node, tls })
    }
}

fn invalid(why: &str) -> Error {
    Error::config(format!(
        "the memcached URL is not valid ({why}); expected memcache[s]://host[:port]"
    ))
}

impl fmt::Display for Address {
    /// `host:port`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.node, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::remote::Host;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    fn ok(url: &str) -> Address {
        Address::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn refused(url: &str) -> String {
        match Address::parse(url) {
            Ok(address) => panic!("{url} was accepted as {address:?}"),
            Err(err @ Error::Config { .. }) => err.to_string(),
            Err(other) => panic!("{url}: not a config error: {other:?}"),
        }
    }

    #[test]
    fn hosts_and_ports() {
        let address = ok("memcache://127.0.0.1:11311");
        assert_eq!(address.node.host, Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(address.node.port, 11311);
        assert!(!address.tls);
        let address = ok("MEMCACHE://Cache.Internal/");
        assert_eq!(address.node.host, Host::Name("cache.internal".to_owned()));
        assert_eq!(address.node.port, 11211);
        assert_eq!(ok("memcache://h:").node.port, 11211);
        assert_eq!(ok("memcache://h").to_string(), "h:11211");
        let address = ok("memcache://[::1]:7000");
        assert_eq!(address.node.host, Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(address.to_string(), "[::1]:7000");
    }

    #[test]
    fn schemes() {
        let tls = ok("memcaches://shop.abc123.cache.amazonaws.com:11211");
        assert!(tls.tls);
        assert_eq!(tls.node.port, 11211);
        assert!(ok("MemCacheS://h").tls);
        assert!(refused("redis://h").contains("memcache://"));
        assert!(refused("memcached://h").contains("memcache://"));
        refused("");
        refused("memcache:/h");
    }

    #[test]
    fn user_info_is_refused_with_the_reason_and_without_the_url() {
        for url in [
            "memcache://user:hunter2@h:11211",
            "memcaches://:hunter2@h",
            "memcache://hunter2@h",
            "memcache://@h",
        ] {
            let message = refused(url);
            assert!(message.contains("no authentication"), "{url}: {message}");
            assert!(!message.contains("hunter2"), "{url}: {message}");
        }
    }

    #[test]
    fn malformed_urls_are_refused_without_being_quoted() {
        for url in [
            "memcache://",
            "memcache:///",
            "memcache://hunter2:0",
            "memcache://hunter2:65536",
            "memcache://hunter2:x",
            "memcache://hunter2/0",
            "memcache://hunter2//",
            "memcache://hunter2/x/",
            "memcache://hunter2?x=1",
            "memcache://hunter2/?x=1",
            "memcache://hunter2#x",
            "memcache://hunter2 st",
            "memcache://hunter2\u{e9}",
            "memcache://[::1",
            "memcache://::1",
            "memcaches://hunter2:11211x",
        ] {
            let message = refused(url);
            assert!(!message.contains("hunter2"), "{url}: {message}");
        }
    }
}
