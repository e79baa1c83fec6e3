//! Which browser origins are the simulator's own. A page on any other site can make a
//! developer's browser send requests to the simulator (a form needs no permission), so
//! requests that change its state are accepted only without an `Origin` header (curl, SDKs)
//! or with one of these: the public URL and the listening address, and on loopback every
//! spelling of it (`localhost`, `127.0.0.1`, `[::1]`).

use std::net::SocketAddr;

/// One origin: scheme, host (lower case, IPv6 in brackets) and port.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// The loopback spellings a browser may use for the same server.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

impl Origin {
    /// `scheme://host[:port]` exactly (no path, no user); `None` otherwise, `null` included.
    fn parse(text: &str) -> Option<Origin> {
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
            return None;
        }
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => {
                let (address, after) = v6.split_once(']')?;
                (format!("[{address}]"), after.strip_prefix(':'))
            }
            None => match rest.rsplit_once(':') {
                Some((host, port)) => (host.to_owned(), Some(port)),
                None => (rest.to_owned(), None),
            },
        };
        let port = match port {
            Some(port) => port.parse().ok()?,
            None => default_port,
        };
        if host.is_empty() || host == "[]" {
            return None;
        }
        Some(Origin {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    fn is_loopback(&self) -> bool {
        LOOPBACK_HOSTS.contains(&self.host.as_str())
    }

    /// The same server spelled with each loopback host.
    fn loopback_spellings(&self) -> impl Iterator<Item = Origin> + '_ {
        LOOPBACK_HOSTS.iter().map(|host| Origin {
            scheme: self.scheme.clone(),
            host: (*host).to_owned(),
            port: self.port,
        })
    }
}

/// The origins the simulator's own pages are served from.
#[derive(Clone, Debug)]
pub(crate) struct OwnOrigins {
    origins: Vec<Origin>,
}

impl OwnOrigins {
    /// The origins of a simulator reached at `public` (`http(s)://host[:port]`) and
    /// listening on `listening`.
    pub(crate) fn new(public: &str, listening: SocketAddr) -> OwnOrigins {
        let mut origins = Vec::new();
        let ip = listening.ip();
        let served = Origin {
            scheme: "http".to_owned(),
            host: match ip {
                std::net::IpAddr::V4(v4) => v4.to_string(),
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            },
            port: listening.port(),
        };
        // Listening on every interface includes loopback.
        if ip.is_loopback() || ip.is_unspecified() {
            origins.extend(served.loopback_spellings());
        }
        origins.push(served);
        if let Some(public) = Origin::parse(public) {
            if public.is_loopback() {
                origins.extend(public.loopback_spellings());
            }
            origins.push(public);
        }
        OwnOrigins { origins }
    }

    /// Whether a request with this `Origin` header (if any) may change the simulator's
    /// state: no header, or one of its own origins. `null` (a sandboxed frame, a file) is
    /// not.
    pub(crate) fn allows(&self, origin: Option<&str>) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        Origin::parse(origin.trim()).is_some_and(|origin| self.origins.contains(&origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(public: &str, listening: &str) -> OwnOrigins {
        OwnOrigins::new(public, listening.parse().unwrap())
    }

    #[test]
    fn loopback_is_own_in_every_spelling() {
        let origins = own("http://127.0.0.1:8899", "127.0.0.1:8899");
        for allowed in [
            None,
            Some("http://127.0.0.1:8899"),
            Some("http://localhost:8899"),
            Some("http://LOCALHOST:8899"),
            Some("http://[::1]:8899"),
        ] {
            assert!(origins.allows(allowed), "{allowed:?}");
        }
        for refused in [
            "null",
            "",
            "https://evil.example",
            "http://127.0.0.1:8898",
            "https://127.0.0.1:8899",
            "http://127.0.0.1:8899/",
            "http://127.0.0.1:8899.evil.example",
            "http://user@127.0.0.1:8899",
            "file://",
        ] {
            assert!(!origins.allows(Some(refused)), "{refused}");
        }
    }

    #[test]
    fn the_public_url_and_the_bind_address_are_own() {
        let origins = own("https://sim.test", "0.0.0.0:8899");
        assert!(origins.allows(Some("https://sim.test")));
        assert!(origins.allows(Some("https://sim.test:443")));
        assert!(origins.allows(Some("http://localhost:8899")));
        assert!(origins.allows(Some("http://0.0.0.0:8899")));
        assert!(!origins.allows(Some("http://sim.test")));
        assert!(!origins.allows(Some("https://sim.test.evil.example")));
        let v6 = own("http://[::1]:9000", "[::]:9000");
        assert!(v6.allows(Some("http://[::1]:9000")));
        assert!(v6.allows(Some("http://localhost:9000")));
        assert!(!v6.allows(Some("http://[::2]:9000")));
        // Not on loopback: only what it is reached at.
        let lan = own("http://192.168.1.5:8899", "192.168.1.5:8899");
        assert!(lan.allows(Some("http://192.168.1.5:8899")));
        assert!(!lan.allows(Some("http://localhost:8899")));
    }
}
