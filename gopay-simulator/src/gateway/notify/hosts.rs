//! Where a notification may go and what it calls: the payment id added to the shop's URL,
//! and the strict reading of its host (loopback, or one of the allowed hosts) that keeps an
//! offline simulator from calling anywhere else.

/// Where notifications may go: loopback hosts, and the hosts the simulator was told to allow.
pub(crate) struct Destinations {
    /// The allowed hosts besides loopback ones, lower case, IPv6 without brackets.
    hosts: Vec<String>,
}

impl Destinations {
    /// Loopback hosts and `hosts` (names or IP addresses, IPv6 with or without brackets).
    pub(crate) fn new(hosts: &[String]) -> Destinations {
        Destinations {
            hosts: hosts
                .iter()
                .map(|host| unbracketed(&host.to_ascii_lowercase()).to_owned())
                .collect(),
        }
    }

    /// Whether a notification may call `url`.
    pub(crate) fn allow(&self, url: &str) -> bool {
        is_loopback_url(url) || is_allowed_url(url, &self.hosts)
    }
}

/// `url` with `id=<payment id>` added to its query (before any `#fragment`).
pub(crate) fn with_id(url: &str, payment_id: u64) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}id={payment_id}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Whether `url` is `http(s)://` to a loopback host: an IPv4 address in `127.0.0.0/8`
/// written as four decimal numbers, the IPv6 address `[::1]`, or the name `localhost` or
/// one under it (`shop.localhost`, RFC 6761), in any letter case, with an optional decimal
/// port.
///
/// Strict on purpose, since anything else may leave the machine: a URL with user info
/// (`http://127.0.0.1@evil.example/`, where the host is `evil.example`), a name that only
/// starts like a loopback address (`127.0.0.1.evil.example`), percent-encoded, shortened
/// (`127.1`) or IPv4-mapped (`[::ffff:127.0.0.1]`) forms, a trailing dot, a zone id, a
/// backslash, whitespace or a bad port are all refused.
fn is_loopback_url(url: &str) -> bool {
    match http_host(url) {
        Some(Host::Bracketed(host)) => host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback()),
        Some(Host::Plain(host)) => is_loopback_host(&host),
        None => false,
    }
}

/// Whether `url` is `http(s)://` to exactly one of `hosts` (lower case, IPv6 without
/// brackets), parsed as strictly as [`is_loopback_url`].
fn is_allowed_url(url: &str, hosts: &[String]) -> bool {
    let host = match http_host(url) {
        Some(Host::Bracketed(host) | Host::Plain(host)) => host,
        None => return false,
    };
    hosts.contains(&host)
}

/// The host of an `http(s)://` URL, lower case.
enum Host {
    /// An IPv6 literal, without its brackets.
    Bracketed(String),
    /// A name or an IPv4 address.
    Plain(String),
}

/// The host of `url` when it is `http(s)://` with a well-formed authority: no user info,
/// no backslash, no whitespace, and at most a decimal port that fits 16 bits.
fn http_host(url: &str) -> Option<Host> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))?;
    // The authority ends at the first '/', '?' or '#'; WHATWG parsers also end it at '\',
    // so a backslash anywhere in it is refused rather than guessed at.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty()
        || authority.contains(['@', '\\'])
        || authority.contains(char::is_whitespace)
    {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            let port = match after {
                "" => None,
                after => Some(after.strip_prefix(':')?),
            };
            (Host::Bracketed(host.to_owned()), port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (Host::Plain(host.to_owned()), Some(port)),
            None => (Host::Plain(authority.to_owned()), None),
        },
    };
    let port_ok = port.is_none_or(|port| {
        (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok()
    });
    port_ok.then_some(host)
}

/// `host` without the brackets of an IPv6 literal.
fn unbracketed(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// `127.x.y.z` in plain dotted decimal, `localhost`, or a DNS name ending in `.localhost`.
fn is_loopback_host(host: &str) -> bool {
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return ip.is_loopback();
    }
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    labels_ok && (host == "localhost" || host.ends_with(".localhost"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_added_to_the_query() {
        assert_eq!(with_id("http://h/n", 7), "http://h/n?id=7");
        assert_eq!(with_id("http://h/n?shop=1", 7), "http://h/n?shop=1&id=7");
        assert_eq!(with_id("http://h/n?", 7), "http://h/n?id=7");
        assert_eq!(with_id("http://h/n?a=1&", 7), "http://h/n?a=1&id=7");
        assert_eq!(with_id("http://h/n#top", 7), "http://h/n?id=7#top");
    }

    #[test]
    fn allowed_hosts_are_called_exactly() {
        let hosts = vec![
            "shop.test".to_owned(),
            "10.0.2.2".to_owned(),
            "fd00::1".to_owned(),
        ];
        for url in [
            "http://shop.test/notify",
            "HTTPS://SHOP.TEST:8443/notify?x=1",
            "http://10.0.2.2:8080/n",
            "http://[fd00::1]:80/n",
        ] {
            assert!(is_allowed_url(url, &hosts), "{url}");
        }
        for url in [
            "http://shop.test.evil.example/notify",
            "http://evil.shop.test/notify",
            "http://shop.test@evil.example/notify",
            "http://evil.example/?shop.test",
            "http://shop.test:99999/n",
            "http://shop.test\\@evil.example/n",
            "ftp://shop.test/n",
            "http://10.0.2.22/n",
        ] {
            assert!(!is_allowed_url(url, &hosts), "{url}");
        }
        assert!(!is_allowed_url("http://shop.test/n", &[]));
        let destinations = Destinations::new(&["[FD00::1]".to_owned()]);
        assert!(destinations.allow("http://[fd00::1]/n"));
        assert!(destinations.allow("http://localhost/n"));
        assert!(!destinations.allow("http://shop.test/n"));
    }

    #[test]
    fn only_loopback_hosts_are_called() {
        for url in [
            "http://127.0.0.1:8080/notify",
            "http://127.1.2.3/n",
            "http://127.255.255.255/n",
            "http://localhost/n?id=1",
            "HTTP://LOCALHOST:1/n",
            "http://LocalHost:65535",
            "http://shop.localhost:8080/notify",
            "http://a.b-c.LOCALHOST/n",
            "http://[::1]:99/n",
            "http://[::1]",
            "http://[0:0:0:0:0:0:0:1]/n",
            "https://127.0.0.1",
            "http://127.0.0.1?id=1",
            "http://127.0.0.1#top",
            "http://localhost/n?next=http://evil.example/",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn anything_that_may_leave_the_machine_is_refused() {
        for url in [
            "https://shop.example/notify",
            "http://10.0.0.1/n",
            "http://128.0.0.1/n",
            "http://0.0.0.0/n",
            // A name that only starts like a loopback address or name.
            "http://127.0.0.1.example.com/n",
            "http://127.0.0.1.evil.example/n",
            "http://localhost.evil.example/n",
            "http://evil-localhost/n",
            "http://evillocalhost/n",
            "http://localhost./n",
            "http://.localhost/n",
            "http://a..localhost/n",
            "http://-a.localhost/n",
            // User info: the host is what follows the '@'.
            "http://user@127.0.0.1/n",
            "http://127.0.0.1@evil.example/",
            "http://127.0.0.1:80@evil.example/",
            "http://localhost@evil.example/",
            "http://@localhost/n",
            "http://evil.example\\@127.0.0.1/n",
            "http://127.0.0.1\\@evil.example/n",
            "http://127.0.0.1\\.evil.example/n",
            // Other spellings of a loopback address, which resolvers disagree on.
            "http://127.1/n",
            "http://0177.0.0.1/n",
            "http://2130706433/n",
            "http://0x7f.0.0.1/n",
            "http://127.0.0.%31/n",
            "http://[::ffff:127.0.0.1]/n",
            "http://[::1%25lo]/n",
            "http://[::2]/n",
            "http://[::1/n",
            "http://[::1]x/n",
            "http://[::1]evil.example/n",
            // Ports.
            "http://127.0.0.1:/n",
            "http://127.0.0.1:99999/n",
            "http://127.0.0.1:80:81/n",
            "http://127.0.0.1:http/n",
            "http://localhost:+80/n",
            // Not http(s), no host, whitespace.
            "ftp://127.0.0.1/n",
            "127.0.0.1/n",
            "http:///n",
            "http://",
            "http:// 127.0.0.1/n",
            "http://127.0.0.1 /n",
            "http://local host/n",
            "",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }
}
