//! The network settings of a client: which proxy to go through and which certificate
//! authorities to trust, checked once by `build()` and turned into ureq's settings.

use std::fmt;

#[cfg(feature = "extra-roots")]
use ureq::tls::Certificate;
use ureq::tls::RootCerts;
use ureq::{Proxy, ProxyProtocol};

use crate::config::display_url;
use crate::error::Error;

/// Where requests go through. Payments must not silently go through a proxy: the
/// environment is read only when asked.
#[derive(Clone, Default)]
pub(crate) enum ProxyChoice {
    /// Straight to the gateway.
    #[default]
    Direct,
    /// An explicit HTTP CONNECT proxy, `http://[user:pass@]host:port`.
    Url(String),
    /// `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY`, and `NO_PROXY`, read by `build()`.
    FromEnv,
}

impl ProxyChoice {
    /// ureq's proxy for this choice, bypassed for the hosts matching `no_proxy` (patterns
    /// in `NO_PROXY` syntax, for an explicit proxy only).
    pub(crate) fn to_proxy(&self, no_proxy: &[String]) -> Result<Option<Proxy>, Error> {
        match self {
            ProxyChoice::Direct if no_proxy.is_empty() => Ok(None),
            ProxyChoice::Direct => Err(Error::config("no_proxy was given but no proxy was set")),
            ProxyChoice::FromEnv if no_proxy.is_empty() => Proxy::try_from_env()
                .map(|proxy| connect_proxy(proxy, "the proxy from the environment"))
                .transpose(),
            ProxyChoice::FromEnv => Err(Error::config(
                "no_proxy applies to an explicit proxy; with proxy_from_env, NO_PROXY is read \
                 from the environment",
            )),
            ProxyChoice::Url(url) => {
                let shown = || format!("proxy URL {}", display_url(url));
                let url = url.trim();
                let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
                if !matches!(scheme.as_deref(), Some("http" | "https")) {
                    return Err(Error::config(format!(
                        "{} must start with http:// or https://",
                        shown()
                    )));
                }
                let proxy = Proxy::new(url)
                    .map_err(|_| Error::config(format!("{} is not a valid URL", shown())))?;
                let proxy = connect_proxy(proxy, &shown())?;
                if no_proxy.is_empty() {
                    return Ok(Some(proxy));
                }
                // ureq takes NO_PROXY patterns only through its proxy builder.
                let mut builder = Proxy::builder(proxy.protocol())
                    .host(proxy.host())
                    .port(proxy.port());
                if let Some(user) = proxy.username() {
                    builder = builder.username(user);
                }
                if let Some(password) = proxy.password() {
                    builder = builder.password(password);
                }
                for pattern in no_proxy {
                    builder = builder.no_proxy(pattern);
                }
                builder
                    .build()
                    .map(Some)
                    .map_err(|_| Error::config(format!("{} is not a valid URL", shown())))
            }
        }
    }
}

/// `proxy` if it is an HTTP CONNECT proxy: ureq would go around any other kind (SOCKS needs
/// a feature this crate does not enable), and a shop that set a proxy must not be connected
/// directly behind its back.
fn connect_proxy(proxy: Proxy, what: &str) -> Result<Proxy, Error> {
    match proxy.protocol() {
        ProxyProtocol::Http | ProxyProtocol::Https if !proxy.host().is_empty() => Ok(proxy),
        ProxyProtocol::Http | ProxyProtocol::Https => {
            Err(Error::config(format!("{what} has no host")))
        }
        other => Err(Error::config(format!(
            "{what} is a {other} proxy; only HTTP CONNECT proxies (http:// or https://) are \
             supported"
        ))),
    }
}

impl fmt::Debug for ProxyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyChoice::Direct => f.write_str("Direct"),
            ProxyChoice::FromEnv => f.write_str("FromEnv"),
            // Never the credentials: `display_url` redacts the user-info.
            ProxyChoice::Url(url) => f
                .debug_tuple("Url")
                .field(&format_args!("{}", display_url(url)))
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
    fn proxy_errors_and_debug_never_show_credentials() {
        let err = proxy("socks5://alice:pa55word@proxy.example:1080").unwrap_err();
        let choice = ProxyChoice::Url("http://alice:pa55word@proxy.example:3128".into());
        let shown = format!("{err} {err:?} {choice:?}");
        assert!(
            !shown.contains("pa55word") && !shown.contains("alice"),
            "{shown}"
        );
        assert!(shown.contains("proxy.example"), "{shown}");
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
