//! The network settings of a client: which proxy to go through and which certificate
//! authorities to trust, checked once by `build()` and turned into ureq's settings.

use std::fmt;
use std::net::Ipv6Addr;

#[cfg(feature = "extra-roots")]
use ureq::tls::Certificate;
use ureq::tls::RootCerts;
use ureq::{Proxy, ProxyProtocol};

use crate::config::display_url;
use crate::error::Error;
use crate::secret::REDACTED;

/// Where requests go through. Payments must not silently go through a proxy: the
/// environment is read only when asked.
#[derive(Clone, Default)]
pub(crate) enum ProxyChoice {
    /// Straight to the gateway.
    #[default]
    Direct,
    /// An explicit HTTP CONNECT proxy, `http://[user:pass@]host[:port]`.
    Url(String),
    /// `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY`, and `NO_PROXY`, read by `build()`.
    FromEnv,
}

/// The variables `proxy_from_env` reads, the first one set winning.
const PROXY_VARIABLES: [&str; 6] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

impl ProxyChoice {
    /// ureq's proxy for this choice, bypassed for the hosts matching `no_proxy` (patterns
    /// in `NO_PROXY` syntax, for an explicit proxy only).
    pub(crate) fn to_proxy(&self, no_proxy: &[String]) -> Result<Option<Proxy>, Error> {
        match self {
            ProxyChoice::Direct if no_proxy.is_empty() => Ok(None),
            ProxyChoice::Direct => Err(Error::config("no_proxy was given but no proxy was set")),
            ProxyChoice::FromEnv if no_proxy.is_empty() => proxy_from_env(),
            ProxyChoice::FromEnv => Err(Error::config(
                "no_proxy applies to an explicit proxy; with proxy_from_env, NO_PROXY is read \
                 from the environment",
            )),
            ProxyChoice::Url(url) => {
                let what = || format!("proxy URL {}", shown(url));
                ProxyUrl::parse(url, false)
                    .and_then(|parsed| parsed.to_proxy(no_proxy.iter().map(String::as_str)))
                    .map(Some)
                    .map_err(|why| Error::config(format!("{} {why}", what())))
            }
        }
    }
}

/// The proxy named by the first of [`PROXY_VARIABLES`] that is set and not empty, parsed as
/// strictly as an explicit one (a missing scheme means `http://`, as for curl), bypassed
/// for the hosts in `NO_PROXY` (or `no_proxy`).
fn proxy_from_env() -> Result<Option<Proxy>, Error> {
    for name in PROXY_VARIABLES {
        let url = match std::env::var(name) {
            Ok(url) if url.is_empty() => continue,
            Ok(url) => url,
            Err(std::env::VarError::NotPresent) => continue,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Error::config(format!("{name} is not valid Unicode")))
            }
        };
        let no_proxy = ["NO_PROXY", "no_proxy"]
            .iter()
            .find_map(|name| std::env::var(name).ok())
            .unwrap_or_default();
        let patterns = no_proxy.split(',').map(str::trim).filter(|p| !p.is_empty());
        return ProxyUrl::parse(&url, true)
            .and_then(|parsed| parsed.to_proxy(patterns))
            .map(Some)
            .map_err(|why| Error::config(format!("the proxy in {name}, {}, {why}", shown(&url))));
    }
    Ok(None)
}

/// A proxy URL as it may be shown in a message: everything before its last `@` (where
/// credentials would be, even in a URL too malformed to tell) is redacted, then
/// [`display_url`]'s rules apply.
fn shown(url: &str) -> String {
    let Some(at) = url.rfind('@') else {
        return display_url(url);
    };
    let scheme = match url.find("://") {
        Some(end) if end < at => &url[..end + 3],
        _ => "",
    };
    display_url(&format!("{scheme}{REDACTED}{}", &url[at..]))
}

/// A proxy URL taken apart, every part checked: `scheme://[user[:password]@]host[:port][/]`.
#[derive(Debug, PartialEq, Eq)]
struct ProxyUrl {
    protocol: ProxyProtocol,
    /// Percent-decoded.
    user: Option<String>,
    /// Percent-decoded.
    password: Option<String>,
    /// As written; an IPv6 address keeps its brackets.
    host: String,
    /// As written, or the scheme's default when none was.
    port: u16,
}

impl ProxyUrl {
    /// Parses `url`, or says what is wrong with it (never quoting it: it may hold
    /// credentials). Without `://`, `scheme_optional` takes it as `http://`.
    fn parse(url: &str, scheme_optional: bool) -> Result<ProxyUrl, &'static str> {
        if !url.chars().all(|c| c.is_ascii_graphic()) {
            return Err(
                "holds whitespace, a control character or a non-ASCII character \
                        (percent-encode those in the user name or password)",
            );
        }
        let (scheme, rest) = match url.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None if scheme_optional => ("http".to_owned(), url),
            None => return Err("must start with http:// or https://"),
        };
        let protocol = match scheme.as_str() {
            "http" => ProxyProtocol::Http,
            "https" => ProxyProtocol::Https,
            "socks" | "socks4" | "socks4a" | "socks5" | "socks5h" => {
                return Err("is a SOCKS proxy; only HTTP CONNECT proxies (http:// or \
                            https://) are supported")
            }
            _ => return Err("must start with http:// or https://"),
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, after) = rest.split_at(authority_end);
        match after {
            "" | "/" => {}
            _ if after.contains('#') => return Err("has a fragment (#…); a proxy URL has none"),
            _ if after.contains('?') => return Err("has a query (?…); a proxy URL has none"),
            _ => return Err("has a path; a proxy URL has none but an optional /"),
        }
        let (user_info, host_port) = match authority.split_once('@') {
            Some((_, host_port)) if host_port.contains('@') => {
                return Err("has more than one @ (percent-encode @ in the user name or \
                            password as %40)")
            }
            Some(("", _)) => return Err("has an empty user name and password before its @"),
            Some((user_info, host_port)) => (Some(user_info), host_port),
            None => (None, authority),
        };
        let (user, password) = match user_info {
            None => (None, None),
            Some(user_info) => {
                let (user, password) = match user_info.split_once(':') {
                    Some((user, password)) => (user, Some(password)),
                    None => (user_info, None),
                };
                (Some(decode(user)?), password.map(decode).transpose()?)
            }
        };
        let (host, port) = split_host_port(host_port)?;
        Ok(ProxyUrl {
            port: port.unwrap_or(match protocol {
                ProxyProtocol::Https => 443,
                _ => 80,
            }),
            protocol,
            user,
            password,
            host: host.to_owned(),
        })
    }

    /// ureq's proxy for this URL, bypassed for the hosts matching `no_proxy`.
    fn to_proxy<'a>(&self, no_proxy: impl Iterator<Item = &'a str>) -> Result<Proxy, &'static str> {
        let mut builder = Proxy::builder(self.protocol)
            .host(&self.host)
            .port(self.port);
        if let Some(user) = &self.user {
            builder = builder.username(user);
        }
        if let Some(password) = &self.password {
            builder = builder.password(password);
        }
        for pattern in no_proxy {
            builder = builder.no_proxy(pattern);
        }
        let proxy = builder.build().map_err(|_| "is not a valid URL")?;
        // ureq parses the URL it makes of these parts once more: what it connects to must
        // be what was written.
        let same = proxy.protocol() == self.protocol
            && proxy.host().eq_ignore_ascii_case(&self.host)
            && proxy.port() == self.port
            && proxy.username() == self.user.as_deref()
            && proxy.password() == self.password.as_deref();
        if !same {
            return Err("could not be passed on as written");
        }
        Ok(proxy)
    }
}

/// Splits `host[:port]` or `[v6]:port`: the host not empty, DNS labels (letters, digits,
/// `-`, `_`), an IPv4 or a bracketed IPv6 address; the port, when there is a `:`, a number
/// from 1 to 65535.
fn split_host_port(host_port: &str) -> Result<(&str, Option<u16>), &'static str> {
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let end = v6.find(']').ok_or("has a [ without its ]")?;
        if v6[..end].parse::<Ipv6Addr>().is_err() {
            return Err("has a malformed IPv6 address");
        }
        let (host, after) = host_port.split_at(end + 2);
        match after {
            "" => (host, None),
            _ => (
                host,
                Some(
                    after
                        .strip_prefix(':')
                        .ok_or("has stray characters after its host")?,
                ),
            ),
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("has no host");
    }
    let label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !host.starts_with('[') && (host.len() > 253 || !host.split('.').all(label)) {
        return Err("has a malformed host");
    }
    let port = match port {
        None => None,
        Some("") => return Err("has a : but no port after it"),
        Some(port) if !port.bytes().all(|b| b.is_ascii_digit()) => {
            return Err("has a port that is not a number")
        }
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port != 0 => Some(port),
            _ => return Err("has a port out of range (1 to 65535)"),
        },
    };
    Ok((host, port))
}

/// Percent-decodes a user name or password, which must then be UTF-8.
fn decode(text: &str) -> Result<String, &'static str> {
    const BAD: &str = "has a malformed percent-escape or a character that must be \
                       percent-encoded in its user name or password";
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .ok_or(BAD)?;
                let hex = std::str::from_utf8(hex).map_err(|_| BAD)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| BAD)?);
                i += 3;
            }
            // RFC 3986 user-info: unreserved, sub-delims and `:`.
            b if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:".contains(&b) => {
                out.push(b);
                i += 1;
            }
            _ => return Err(BAD),
        }
    }
    String::from_utf8(out).map_err(|_| "has a user name or password that is not UTF-8 once decoded")
}

impl fmt::Debug for ProxyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyChoice::Direct => f.write_str("Direct"),
            ProxyChoice::FromEnv => f.write_str("FromEnv"),
            // Never the credentials: `shown` redacts the user-info.
            ProxyChoice::Url(url) => f
                .debug_tuple("Url")
                .field(&format_args!("{}", shown(url)))
                .finish(),
        }
    }
}

/// The certificate authorities a client trusts: Mozilla's (webpki) roots, plus the extra
/// PEM roots given, or the operating system's verifier.
pub(crate) fn root_certs(
    extra_pems: &[Vec<u8>],
    platform_verifier: bool,
) -> Result<RootCerts, Error> {
    if platform_verifier {
        if !extra_pems.is_empty() {
            return Err(Error::config(
                "extra root certificates cannot be combined with the platform verifier: add \
                 them to the operating system's trust store instead",
            ));
        }
        return Ok(RootCerts::PlatformVerifier);
    }
    if extra_pems.is_empty() {
        return Ok(RootCerts::WebPki);
    }
    with_extra_roots(extra_pems)
}

/// Mozilla's roots and the extra PEM roots, each PEM checked.
#[cfg(feature = "extra-roots")]
fn with_extra_roots(extra_pems: &[Vec<u8>]) -> Result<RootCerts, Error> {
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()))
        .collect();
    for (n, pem) in extra_pems.iter().enumerate() {
        roots.extend(crate::pem_roots::certificates(pem, n)?);
    }
    Ok(RootCerts::Specific(std::sync::Arc::new(roots)))
}

/// Without the `extra-roots` feature the builder has no way to add roots.
#[cfg(not(feature = "extra-roots"))]
fn with_extra_roots(_: &[Vec<u8>]) -> Result<RootCerts, Error> {
    Err(Error::config(
        "extra root certificates need the extra-roots feature",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(url: &str) -> Result<Option<Proxy>, Error> {
        ProxyChoice::Url(url.into()).to_proxy(&[])
    }

    #[test]
    fn explicit_proxies_must_be_http_connect_proxies() {
        let p = proxy("http://user:p%40ss@proxy.example:3128")
            .unwrap()
            .unwrap();
        assert_eq!((p.host(), p.port()), ("proxy.example", 3128));
        assert_eq!((p.username(), p.password()), (Some("user"), Some("p@ss")));
        for bad in [
            "proxy.example:3128",
            "socks5://proxy.example",
            "ftp://p",
            "http://",
        ] {
            let err = proxy(bad).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{bad}: {err:?}");
        }
    }

    #[test]
    fn malformed_proxy_urls_are_config_errors() {
        for bad in [
            // Ports: not a number, out of range, missing after a colon.
            "http://u:p@127.0.0.1:notaport",
            "http://h:80x",
            "http://h:x80",
            "http://h:-1",
            "http://h:+80",
            "http://h:0",
            "http://h:65536",
            "http://h:99999999999",
            "http://h:",
            "http://h:80:90",
            "http://[::1]:notaport",
            "http://[::1]:0",
            // Schemes.
            "ftp://h:80",
            "htp://h:80",
            "socks5h://h:1080",
            "h:80",
            "//h:80",
            "://h:80",
            // Paths, queries, fragments.
            "http://h:80/path",
            "http://h:80//",
            "http://h:80?q",
            "http://h:80/?q",
            "http://h:80#f",
            "http://h?q",
            // Whitespace and control characters, anywhere.
            "http:// h:80",
            "http://h :80",
            "http://h: 80",
            " http://h:80",
            "http://h:80 ",
            "http://h:80\n",
            "http://u:p w@h:80",
            "http://u:p\t@h:80",
            "http://h\0:80",
            "http://h\u{7f}:80",
            "http://prøxy:80",
            // @ in the wrong place, bad user-info.
            "http://u:p@x@h:80",
            "http://@h:80",
            "http://u:p@",
            "http://u:p@:80",
            "http://u:%zz@h:80",
            "http://u:%4@h:80",
            "http://u:p%@h:80",
            "http://u:%ff@h:80",
            "http://u:p/x@h:80",
            "http://u:p#x@h:80",
            "http://u:p?x@h:80",
            "http://u:p[@h:80",
            // Hosts: empty, malformed.
            "http://:80",
            "http://",
            "http:///",
            "http://h..example:80",
            "http://-h:80",
            "http://h%41:80",
            "http://[::1:80",
            "http://[nope]:80",
            "http://[::1]x:80",
        ] {
            let err = proxy(bad).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{bad:?}: {err:?}");
        }
    }

    #[test]
    fn well_formed_proxy_urls_go_where_they_say() {
        let at = |url: &str| {
            let p = proxy(url).unwrap().unwrap();
            (p.protocol(), p.host().to_owned(), p.port())
        };
        use ProxyProtocol::{Http, Https};
        assert_eq!(
            at("http://proxy.example:3128"),
            (Http, "proxy.example".into(), 3128)
        );
        assert_eq!(
            at("http://proxy.example:3128/"),
            (Http, "proxy.example".into(), 3128)
        );
        assert_eq!(
            at("HTTP://Proxy.Example:08080"),
            (Http, "Proxy.Example".into(), 8080)
        );
        assert_eq!(at("http://10.0.0.1"), (Http, "10.0.0.1".into(), 80));
        assert_eq!(
            at("https://proxy.example"),
            (Https, "proxy.example".into(), 443)
        );
        assert_eq!(
            at("http://proxy_1.corp:1"),
            (Http, "proxy_1.corp".into(), 1)
        );
        assert_eq!(at("http://h:65535"), (Http, "h".into(), 65535));
        assert_eq!(at("http://[::1]:3128"), (Http, "[::1]".into(), 3128));
        assert_eq!(
            at("http://[2001:db8::1]"),
            (Http, "[2001:db8::1]".into(), 80)
        );
        let credentials = |url: &str| {
            let p = proxy(url).unwrap().unwrap();
            (
                p.username().map(str::to_owned),
                p.password().map(str::to_owned),
            )
        };
        assert_eq!(
            credentials("http://us%65r:p%40ss%3Aw%2Fd%25+!$&'()*,;=~:x@h:1"),
            (Some("user".into()), Some("p@ss:w/d%+!$&'()*,;=~:x".into()))
        );
        assert_eq!(credentials("http://user@h:1"), (Some("user".into()), None));
        assert_eq!(
            credentials("http://user:@h:1"),
            (Some("user".into()), Some("".into()))
        );
        assert_eq!(
            credentials("http://:pw@h:1"),
            (Some("".into()), Some("pw".into()))
        );
        assert_eq!(
            credentials("http://%C5%BEluv:x@h:1").0.as_deref(),
            Some("žluv")
        );
    }

    #[test]
    fn proxy_errors_and_debug_never_show_credentials() {
        let err = proxy("socks5://alice:pa55word@proxy.example:1080").unwrap_err();
        let choice = ProxyChoice::Url("http://alice:pa55word@proxy.example:3128".into());
        let shown = format!("{err} {err:?} {choice:?}");
        assert!(
            !shown.contains("pa55word") && !shown.contains("alice"),
            "{shown}"
        );
        assert!(shown.contains("proxy.example"), "{shown}");
        // Malformed URLs too, wherever the credentials end up.
        for url in [
            "http://alice:pa55word@proxy.example:notaport",
            "http://alice:pa55word@x@proxy.example:3128",
            "http://alice:pa55/word@proxy.example:3128",
            "http://alice:pa55#word@proxy.example:3128",
            "http://alice:pa55?word@proxy.example:3128",
            "http://alice:pa55 word@proxy.example:3128",
            "http://alice:pa55%zzword@proxy.example:3128",
            "alice:pa55word@proxy.example:3128",
            "socks5://alice:pa55word@proxy.example",
        ] {
            let err = proxy(url).unwrap_err();
            let choice = ProxyChoice::Url(url.into());
            let shown = format!("{err} {err:?} {choice:?}");
            assert!(
                !shown.contains("pa55") && !shown.contains("alice"),
                "{shown}"
            );
            // A value without a scheme is not shown at all (it may be a pasted secret).
            assert!(
                shown.contains("proxy.example") || !url.contains("://"),
                "{shown}"
            );
        }
        let err = proxy("http://u:p@127.0.0.1:notaport").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("not a number"), "{shown}");
        assert!(!shown.contains("u:p") && !shown.contains("//u"), "{shown}");
    }

    #[test]
    fn no_proxy_patterns_bypass_the_proxy() {
        let p = ProxyChoice::Url("http://u:pw@proxy.example:3128".into())
            .to_proxy(&["127.0.0.1".into(), ".internal.example".into()])
            .unwrap()
            .unwrap();
        let uri = |s: &str| s.parse::<ureq::http::Uri>().unwrap();
        assert!(p.is_no_proxy(&uri("http://127.0.0.1:8080/api")));
        assert!(p.is_no_proxy(&uri("https://gw.internal.example/api")));
        assert!(!p.is_no_proxy(&uri("https://gate.gopay.cz/api")));
        // Patterns need a proxy to bypass.
        for choice in [ProxyChoice::Direct, ProxyChoice::FromEnv] {
            assert!(choice.to_proxy(&["localhost".into()]).is_err());
        }
        // The credentials survive the rebuild.
        assert_eq!((p.username(), p.password()), (Some("u"), Some("pw")));
    }

    #[cfg(feature = "extra-roots")]
    #[test]
    fn bad_root_pems_are_config_errors() {
        let garbage =
            b"-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
        for pem in [
            &b""[..],
            b"not pem at all",
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
            garbage,
        ] {
            let err = root_certs(&[pem.to_vec()], false).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
        }
        assert!(matches!(root_certs(&[], false), Ok(RootCerts::WebPki)));
        assert!(root_certs(&[b"x".to_vec()], true).is_err());
    }
}
