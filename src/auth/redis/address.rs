//! Parsing of `redis://[[user]:password@]host[:port][/db]` URLs. Errors never quote the URL:
//! it may hold a password.

use std::fmt;
use std::net::IpAddr;

use crate::error::Error;

/// The port Redis listens on unless the URL names another.
const DEFAULT_PORT: u16 = 6379;

/// Where the Redis server is and how to log in, from a `redis://` URL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub(crate) host: Host,
    pub(crate) port: u16,
    /// `AUTH [user] password`, when the URL has a password.
    pub(crate) auth: Option<Credentials>,
    /// `SELECT db`, unless it is 0.
    pub(crate) db: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    Ip(IpAddr),
    /// A name, resolved when a connection is opened.
    Name(String),
}

/// Percent-decoded user name and password; never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) user: Option<Vec<u8>>,
    pub(crate) password: Vec<u8>,
}

impl Address {
    /// Parses `url`, or fails with [`Error::Config`] saying what is wrong but not quoting it.
    pub(crate) fn parse(url: &str) -> Result<Address, Error> {
        let lower = url.get(..12).unwrap_or(url).to_ascii_lowercase();
        let rest = if lower.starts_with("redis://") {
            &url["redis://".len()..]
        } else if lower.starts_with("rediss://") {
            return Err(Error::config(
                "the Redis URL asks for TLS (rediss://), which RedisTokenCache does not support: \
                 reach Redis over a private network or a tunnel and use redis://",
            ));
        } else if lower.starts_with("unix:") || lower.starts_with("redis+unix:") {
            return Err(Error::config(
                "RedisTokenCache does not support unix sockets: use redis://host:port",
            ));
        } else {
            return Err(Error::config(
                "the Redis URL must look like redis://[[user]:password@]host[:port][/db]",
            ));
        };
        if rest.contains(['?', '#']) {
            return Err(invalid("query strings and fragments are not supported"));
        }
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash + 1..]),
            None => (rest, ""),
        };
        let (userinfo, host_port) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let auth = match userinfo {
            None => None,
            Some(userinfo) => {
                let Some((user, password)) = userinfo.split_once(':') else {
                    return Err(invalid("a user name needs a password (user:password@)"));
                };
                let user = decode(user)?;
                let password = decode(password)?;
                match (user.is_empty(), password.is_empty()) {
                    (_, true) if !user.is_empty() => {
                        return Err(invalid("a user name needs a password (user:password@)"))
                    }
                    (_, true) => None,
                    (true, false) => Some(Credentials {
                        user: None,
                        password,
                    }),
                    (false, false) => Some(Credentials {
                        user: Some(user),
                        password,
                    }),
                }
            }
        };
        let (host, port) = host_and_port(host_port)?;
        let db = match path {
            "" => 0,
            digits if digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits.parse().map_err(|_| invalid("bad database number"))?
            }
            _ => return Err(invalid("the path must be a database number (/0)")),
        };
        Ok(Address {
            host,
            port,
            auth,
            db,
        })
    }
}

fn host_and_port(text: &str) -> Result<(Host, u16), Error> {
    let (host, port) = if let Some(bracketed) = text.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return Err(invalid("an IPv6 host needs its closing ]"));
        };
        let ip: std::net::Ipv6Addr = inside
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
        let host = match name.parse::<std::net::Ipv4Addr>() {
            Ok(ip) => Host::Ip(IpAddr::V4(ip)),
            Err(_) => Host::Name(name.to_ascii_lowercase()),
        };
        (host, port)
    };
    let port = match port {
        None | Some("") => DEFAULT_PORT,
        Some(digits) if digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            match digits.parse::<u16>() {
                Ok(port) if port != 0 => port,
                _ => return Err(invalid("bad port")),
            }
        }
        Some(_) => return Err(invalid("bad port")),
    };
    Ok((host, port))
}

/// Percent-decoding of the user name or password.
fn decode(text: &str) -> Result<Vec<u8>, Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| invalid("bad percent-escape in the user or password"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| invalid("bad percent-escape"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn invalid(why: &str) -> Error {
    Error::config(format!(
        "the Redis URL is not valid ({why}); expected redis://[[user]:password@]host[:port][/db]"
    ))
}

impl fmt::Display for Address {
    /// `host:port/db`, with no credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]")?,
            Host::Ip(ip) => write!(f, "{ip}")?,
            Host::Name(name) => f.write_str(name)?,
        }
        write!(f, ":{}/{}", self.port, self.db)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("server", &format_args!("{self}"))
            .field("auth", &self.auth.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

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
    fn host_port_and_db() {
        let address = ok("redis://127.0.0.1:6380/3");
        assert_eq!(address.host, Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!((address.port, address.db), (6380, 3));
        assert!(address.auth.is_none());
        let address = ok("REDIS://Cache.Internal");
        assert_eq!(address.host, Host::Name("cache.internal".to_owned()));
        assert_eq!((address.port, address.db), (6379, 0));
        assert_eq!(ok("redis://h/").db, 0);
        assert_eq!(ok("redis://h:/15").port, 6379);
        assert_eq!(ok("redis://h/15").to_string(), "h:6379/15");
    }

    #[test]
    fn ipv6_hosts_in_brackets() {
        let address = ok("redis://[::1]:7000/2");
        assert_eq!(address.host, Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!((address.port, address.db), (7000, 2));
        assert_eq!(ok("redis://[::1]").port, 6379);
        assert_eq!(address.to_string(), "[::1]:7000/2");
        refused("redis://[::1/0");
        refused("redis://[zz]/0");
        refused("redis://[::1]x/0");
        refused("redis://::1/0");
    }

    #[test]
    fn percent_decoded_credentials() {
        let address = ok("redis://:p%40ss%3Aw%2Fd%25@h/1");
        let auth = address.auth.unwrap();
        assert_eq!(auth.user, None);
        assert_eq!(auth.password, b"p@ss:w/d%");
        let auth = ok("redis://app%2D1:s3cr3t@h").auth.unwrap();
        assert_eq!(auth.user.as_deref(), Some(&b"app-1"[..]));
        assert_eq!(auth.password, b"s3cr3t");
        // The last @ ends the credentials.
        let auth = ok("redis://:a@b@h").auth.unwrap();
        assert_eq!(auth.password, b"a@b");
        assert!(ok("redis://:@h").auth.is_none());
    }

    #[test]
    fn refused_schemes_say_why() {
        assert!(refused("rediss://:pw@h:6380/0").contains("TLS"));
        assert!(refused("unix:///run/redis.sock").contains("unix sockets"));
        assert!(refused("redis+unix:///run/redis.sock").contains("unix sockets"));
        assert!(refused("http://h/0").contains("redis://"));
        refused("");
        refused("redis:/h");
    }

    #[test]
    fn malformed_urls_are_refused_without_being_quoted() {
        for url in [
            "redis://",
            "redis://:hunter2@",
            "redis://:hunter2@h:0/0",
            "redis://:hunter2@h:65536/0",
            "redis://:hunter2@h:x/0",
            "redis://:hunter2@h/x",
            "redis://:hunter2@h/-1",
            "redis://:hunter2@h/0/1",
            "redis://:hunter2@h/99999999999",
            "redis://:hunter2@h?db=1",
            "redis://:hunter2@h#x",
            "redis://hunter2@h/0",
            "redis://user:@h/0",
            "redis://:hunter2%4@h/0",
            "redis://:hunter2%zz@h/0",
            "redis://:hunter2@h st/0",
            "redis://:hunter2@h\u{e9}/0",
        ] {
            let message = refused(url);
            assert!(!message.contains("hunter2"), "{url}: {message}");
        }
    }

    #[test]
    fn debug_and_display_hide_the_credentials() {
        let address = ok("redis://admin:hunter2@h:1/2");
        assert!(!format!("{address:?}").contains("hunter2"));
        assert!(!format!("{address:?}").contains("admin"));
        assert!(!address.to_string().contains("hunter2"));
    }
}
