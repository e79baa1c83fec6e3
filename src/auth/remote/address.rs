//! Hosts, ports and percent-encoded credentials of cache-server URLs. Errors never quote
//! the URL: it may hold a password.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::Error;

/// A server's host: an address, or a name resolved when a connection is opened.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Host {
    Ip(IpAddr),
    /// A host name, in lower case.
    Name(String),
}

/// One server: where connections go and what idle ones are pooled by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Node {
    pub(crate) host: Host,
    pub(crate) port: u16,
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// Why a cache URL could not be cut into its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// It does not start with either scheme and `://`.
    Scheme,
    /// It has a query or a fragment.
    QueryOrFragment,
}

/// A cache URL cut into its parts: whether it asks for TLS, the authority, and the path
/// after the authority's `/` (empty when there is none).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    pub(crate) tls: bool,
    pub(crate) authority: &'a str,
    pub(crate) path: &'a str,
}

/// Cuts `url`, whose scheme must be `plain` or, for TLS, `tls` (in any case).
pub(crate) fn split_url<'a>(
    url: &'a str,
    plain: &str,
    tls: &str,
) -> Result<UrlParts<'a>, UrlProblem> {
    let (tls, rest) = match (after_scheme(url, plain), after_scheme(url, tls)) {
        (Some(rest), _) => (false, rest),
        (None, Some(rest)) => (true, rest),
        (None, None) => return Err(UrlProblem::Scheme),
    };
    if rest.contains(['?', '#']) {
        return Err(UrlProblem::QueryOrFragment);
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    Ok(UrlParts {
        tls,
        authority,
        path,
    })
}

/// What follows `scheme://` at the start of `url`, the scheme in any case.
fn after_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let head = url.get(..scheme.len() + 3)?;
    let (name, separator) = head.split_at(scheme.len());
    (name.eq_ignore_ascii_case(scheme) && separator == "://").then(|| &url[head.len()..])
}

/// Parses `host[:port]` (a bracketed IPv6 address, an IPv4 address or a host name of
/// letters, digits, `-`, `.` and `_`), with `default_port` when no port is written. A
/// written port must be a number from 1 to 65535. `invalid` makes the error from a reason.
pub(crate) fn parse_host_port(
    text: &str,
    default_port: u16,
    invalid: impl Fn(&str) -> Error,
) -> Result<Node, Error> {
    let (host, port) = if let Some(bracketed) = text.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return Err(invalid("an IPv6 host needs its closing ]"));
        };
        let ip: Ipv6Addr = inside
            .parse()
            .map_err(|_| invalid("bad IPv6 address in brackets"))?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| invalid("bad text after the IPv6 address"))?,
            ),
        };
        (Host::Ip(IpAddr::V6(ip)), port)
    } else {
        let (name, port) = match text.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (text, None),
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        {
            return Err(invalid("bad or missing host name"));
        }
        let host = match name.parse::<Ipv4Addr>() {
            Ok(ip) => Host::Ip(IpAddr::V4(ip)),
            Err(_) => Host::Name(name.to_ascii_lowercase()),
        };
        (host, port)
    };
    let port = match port {
        None | Some("") => default_port,
        Some(digits) if digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            match digits.parse::<u16>() {
                Ok(port) if port != 0 => port,
                _ => return Err(invalid("bad port")),
            }
        }
        Some(_) => return Err(invalid("bad port")),
    };
    Ok(Node { host, port })
}

/// Percent-decodes a user name or password; `None` for a bad escape.
#[cfg_attr(not(feature = "redis"), allow(dead_code))] // memcached URLs hold no credentials
pub(crate) fn decode_percent(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, Error> {
        parse_host_port(text, 11211, |why| Error::config(why.to_owned()))
    }

    #[test]
    fn hosts_and_ports() {
        let node = parse("Cache.Example:7000").unwrap();
        assert_eq!(node.host, Host::Name("cache.example".into()));
        assert_eq!(node.to_string(), "cache.example:7000");
        assert_eq!(parse("[::1]").unwrap().to_string(), "[::1]:11211");
        assert_eq!(parse("10.0.0.1:").unwrap().port, 11211);
        for bad in [
            "", ":1", "h:0", "h:65536", "h:1x", "h st", "[::1", "[::1]x", "::1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_cut_at_their_scheme_and_first_slash() {
        let parts = split_url("MemCacheS://h:1/x/y", "memcache", "memcaches").unwrap();
        assert_eq!(
            (parts.tls, parts.authority, parts.path),
            (true, "h:1", "x/y")
        );
        let parts = split_url("redis://h", "redis", "rediss").unwrap();
        assert_eq!((parts.tls, parts.authority, parts.path), (false, "h", ""));
        for (url, problem) in [
            ("http://h", UrlProblem::Scheme),
            ("redis:/h", UrlProblem::Scheme),
            ("redi", UrlProblem::Scheme),
            ("r\u{e9}dis://h", UrlProblem::Scheme),
            ("redis://h?db=1", UrlProblem::QueryOrFragment),
            ("rediss://h/0#x", UrlProblem::QueryOrFragment),
        ] {
            assert_eq!(split_url(url, "redis", "rediss"), Err(problem), "{url}");
        }
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(decode_percent("p%40ss%3A%2F%25").unwrap(), b"p@ss:/%");
        assert!(decode_percent("%4").is_none());
        assert!(decode_percent("%zz").is_none());
    }
}
