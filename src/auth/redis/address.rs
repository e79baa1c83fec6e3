//! Parsing of `redis://` and `rediss://` URLs, `[[user]:password@]host[:port][/db]`.
//! Errors never quote the URL: it may hold a password.

use std::fmt;

use crate::auth::remote::{decode_percent, parse_host_port, split_url, Node, UrlParts, UrlProblem};
use crate::error::Error;

/// The port Redis listens on unless the URL names another (TLS included, as Redis and
/// most managed services use it; Azure's 6380 is written in the URL).
const DEFAULT_PORT: u16 = 6379;

/// Where the Redis server is and how to log in, from a `redis://` or `rediss://` URL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub(crate) node: Node,
    /// `rediss://`: TLS.
    pub(crate) tls: bool,
    /// `AUTH [user] password`, when the URL has a password.
    pub(crate) auth: Option<Credentials>,
    /// `SELECT db`, unless it is 0.
    pub(crate) db: u32,
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
        let UrlParts {
            tls,
            authority,
            path,
        } = match split_url(url, "redis", "rediss") {
            Ok(parts) => parts,
            Err(UrlProblem::Scheme) if is_unix_socket(url) => {
                return Err(Error::config(
                    "RedisTokenCache does not support unix sockets: use redis://host:port",
                ))
            }
            Err(UrlProblem::Scheme) => {
                return Err(Error::config(
                    "the Redis URL must look like redis://[[user]:password@]host[:port][/db] \
                     (rediss:// for TLS)",
                ))
            }
            Err(UrlProblem::QueryOrFragment) => {
                return Err(invalid("query strings and fragments are not supported"))
            }
        };
        let (userinfo, host_port) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let auth = match userinfo {
            None => None,
            Some(userinfo) => credentials(userinfo)?,
        };
        let node = parse_host_port(host_port, DEFAULT_PORT, invalid)?;
        let db = match path {
            "" => 0,
            digits if digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits.parse().map_err(|_| invalid("bad database number"))?
            }
            _ => return Err(invalid("the path must be a database number (/0)")),
        };
        Ok(Address {
            node,
            tls,
            auth,
            db,
        })
    }
}

/// Whether `url` names a unix socket (`unix:` or `redis+unix:`).
fn is_unix_socket(url: &str) -> bool {
    ["unix:", "redis+unix:"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
    })
}

/// `user:password` or `:password`, percent-decoded; `None` for an empty password.
fn credentials(userinfo: &str) -> Result<Option<Credentials>, Error> {
    let Some((user, password)) = userinfo.split_once(':') else {
        return Err(invalid("a user name needs a password (user:password@)"));
    };
    let decode = |text| {
        decode_percent(text).ok_or_else(|| invalid("bad percent-escape in the user or password"))
    };
    let user = decode(user)?;
    let password = decode(password)?;
    Ok(match (user.is_empty(), password.is_empty()) {
        (false, true) => return Err(invalid("a user name needs a password (user:password@)")),
        (true, true) => None,
        (true, false) => Some(Credentials {
            user: None,
            password,
        }),
        (false, false) => Some(Credentials {
            user: Some(user),
            password,
        }),
    })
}

fn invalid(why: &str) -> Error {
    Error::config(format!(
        "the Redis URL is not valid ({why}); expected \
         redis[s]://[[user]:password@]host[:port][/db]"
    ))
}

impl fmt::Display for Address {
    /// `host:port/db`, with no credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.node, self.db)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("server", &format_args!("{self}"))
            .field("tls", &self.tls)
            .field("auth", &self.auth.as_ref().map(|_| "[redacted]"))
            .finish()
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
    fn host_port_and_db() {
        let address = ok("redis://127.0.0.1:6380/3");
        assert_eq!(address.node.host, Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!((address.node.port, address.db), (6380, 3));
        assert!(!address.tls);
        assert!(address.auth.is_none());
        let address = ok("REDIS://Cache.Internal");
        assert_eq!(address.node.host, Host::Name("cache.internal".to_owned()));
        assert_eq!((address.node.port, address.db), (6379, 0));
        assert_eq!(ok("redis://h/").db, 0);
        assert_eq!(ok("redis://h:/15").node.port, 6379);
        assert_eq!(ok("redis://h/15").to_string(), "h:6379/15");
    }

    #[test]
    fn ipv6_hosts_in_brackets() {
        let address = ok("redis://[::1]:7000/2");
        assert_eq!(address.node.host, Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!((address.node.port, address.db), (7000, 2));
        assert_eq!(ok("redis://[::1]").node.port, 6379);
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
    fn schemes() {
        let tls = ok("rediss://shop:p%40ss%3Aw%25rd%2F1@cache.example:6380/0");
        assert!(tls.tls);
        assert_eq!(tls.node.port, 6380);
        let auth = tls.auth.unwrap();
        assert_eq!(auth.user.as_deref(), Some(&b"shop"[..]));
        assert_eq!(auth.password, b"p@ss:w%rd/1");
        assert!(ok("REDISS://h").tls);
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
            "rediss://:hunter2@h:x/0",
            "rediss://user:hunter2@/0",
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
