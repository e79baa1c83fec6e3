//! [`ClientBuilder`]: every setting of a [`Client`], its default, and the checks `build()`
//! makes before anything touches the network.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::TokenCache;
use crate::client::{Client, Inner};
use crate::config::{check_scope_name, Config};
use crate::error::{parse_error_details, Error};
use crate::event::Event;
use crate::model::{Language, Scope};
use crate::settings::{EngineTarget, Settings};
use crate::transport::network::ProxyChoice;

/// Default bound on one call, token request and re-authentication included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time before its expiry at which a token is replaced.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Default number of idle keep-alive connections kept to the gateway.
pub const DEFAULT_MAX_IDLE_CONNECTIONS: usize = 32;

/// Builds a [`Client`]; every setting has a sensible default.
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use gopay::{Client, Config, Language, Scope};
///
/// let client = Client::builder(Config::new(8123456789, "id", "secret", gopay::SANDBOX_URL))
///     .scope(Scope::PaymentAll)
///     .token_refresh_margin(Duration::from_secs(30))
///     .token_cache(Arc::new(gopay::InMemoryTokenCache::new()))
///     .timeout(Duration::from_secs(30))
///     .language(Language::Cs)
///     .build()?;
/// # Ok::<(), gopay::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    config: Config,
    scope: Scope,
    language: Language,
    /// Everything but the credentials, scope and language: shared with the v4 builder.
    settings: Settings,
}

impl Client {
    /// A client with the default settings; see [`ClientBuilder`] for them.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the configuration cannot make a client (see
    /// [`ClientBuilder::build`]).
    pub fn new(config: Config) -> Result<Client, Error> {
        Client::builder(config).build()
    }

    /// A builder to choose the scope, timeout, token cache, language, user agent, proxy
    /// and trusted certificate authorities.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder::new(config)
    }
}

impl ClientBuilder {
    pub(crate) fn new(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            scope: Scope::PaymentAll,
            language: Language::En,
            settings: Settings::default(),
        }
    }

    /// The OAuth2 scope tokens are requested with. Defaults to [`Scope::PaymentAll`];
    /// [`Scope::PaymentCreate`] only allows creating payments.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// How long before its expiry a token is replaced. Defaults to 30 s.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.settings.token_refresh_margin = margin;
        self
    }

    /// Where tokens are kept between calls. Defaults to a new [`InMemoryTokenCache`](crate::InMemoryTokenCache) for
    /// this client; give several clients (or processes, with a shared cache) the same one
    /// so they share tokens.
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.settings.token_cache = Some(cache);
        self
    }

    /// The bound on every call, token request and re-authentication included.
    /// Defaults to 30 s; must be more than zero and at most a day.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The language of GoPay's messages (`Accept-Language`: `cs-CZ` for Czech and Slovak,
    /// else `en-US`) and the default `lang` of new payments. Defaults to [`Language::En`].
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// The `User-Agent` header. Defaults to `GoPay Rust <crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.settings.user_agent = Some(user_agent.into());
        self
    }

    /// How many idle keep-alive connections to the gateway are kept for reuse. Defaults to
    /// 32, enough for a threaded server; 0 closes every connection after its call.
    pub fn max_idle_connections(mut self, connections: usize) -> Self {
        self.settings.max_idle_connections = connections;
        self
    }

    /// How many times a failed exchange may be repeated when repeating cannot charge twice:
    /// GETs and token requests after transport failures, 5xx and 429 answers, and any
    /// request that never left this machine (DNS, connect, TLS). A POST or DELETE that
    /// reached GoPay is never repeated. Defaults to 2; 0 turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.retry.max_retries = retries;
        self
    }

    /// The backoff between retries: full jitter up to `base * 2^n`, at most `cap` (which
    /// also bounds an honoured `Retry-After`). Defaults to 200 ms and 2 s. Retries never
    /// outlast the call's timeout.
    pub fn retry_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.settings.retry.base = base;
        self.settings.retry.cap = cap;
        self
    }

    /// A hook that receives one [`Event`] per HTTP exchange (method, path, status,
    /// duration, attempt, whether a token was refreshed), never a secret. Called on the
    /// calling thread; keep it quick. A panicking hook is ignored.
    pub fn on_event(mut self, hook: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.settings.on_event = Some(Arc::new(hook));
        self
    }

    /// Sends every request through the HTTP CONNECT proxy at `url`,
    /// `http://[user:password@]host[:port][/]` (`https://` for a proxy spoken to over TLS;
    /// percent-encode `@`, `:`, `/`, `%` and spaces in the credentials; without a port,
    /// 80 or 443). The TLS session to GoPay runs end to end through the tunnel, and the
    /// call's timeout bounds everything that passes through the proxy, its answer to the
    /// CONNECT included. Defaults to no proxy: the environment (`HTTPS_PROXY` and the like)
    /// is never read unless [`proxy_from_env`] is called. Replaces an earlier
    /// `proxy_from_env`.
    ///
    /// `build()` fails with [`Error::Config`] for a URL that does not parse completely:
    /// another scheme (SOCKS is not supported), a port that is not a number from 1 to
    /// 65535, an empty host, a path, query or fragment, whitespace or any other stray
    /// character; a request is never sent anywhere the URL did not say. Neither the error
    /// nor `Debug` shows the credentials.
    ///
    /// ```
    /// let client = gopay::Client::builder(gopay::Config::new(1, "id", "secret", gopay::SANDBOX_URL))
    ///     .proxy("http://shop:pa55@proxy.corp.example:3128")
    ///     .build()?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    ///
    /// [`proxy_from_env`]: ClientBuilder::proxy_from_env
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = ProxyChoice::Url(url.into());
        self
    }

    /// Hosts that bypass the proxy set with [`proxy`](ClientBuilder::proxy), in the syntax of
    /// the `NO_PROXY` variable: comma-separated `host` (exactly that host),
    /// `.example.com` or `*.example.com` (its subdomains), `*` (every host). May be called
    /// several times; the lists add up. Defaults to none. Pass
    /// `std::env::var("NO_PROXY")` yourself to honour the environment's list.
    ///
    /// `build()` fails with [`Error::Config`] when no explicit proxy is set (with
    /// [`proxy_from_env`](ClientBuilder::proxy_from_env), `NO_PROXY` is read by itself).
    pub fn no_proxy(mut self, hosts: &str) -> Self {
        self.settings.add_no_proxy(hosts);
        self
    }

    /// Takes the proxy from the environment when `build()` runs: the first of `ALL_PROXY`,
    /// `all_proxy`, `HTTPS_PROXY`, `https_proxy`, `HTTP_PROXY` and `http_proxy` that is set
    /// and not empty (a URL as for [`proxy`](ClientBuilder::proxy), where a missing scheme
    /// means `http://`), bypassed for the hosts in `NO_PROXY`; no proxy when none is set.
    /// Defaults to off: the environment is read only when this is called. Replaces an
    /// earlier [`proxy`](ClientBuilder::proxy).
    ///
    /// `build()` fails with [`Error::Config`] when that variable is malformed, as for
    /// [`proxy`](ClientBuilder::proxy) (it is not skipped for the next one), or names a
    /// SOCKS proxy, rather than connect around it.
    pub fn proxy_from_env(mut self) -> Self {
        self.settings.proxy = ProxyChoice::FromEnv;
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more `CERTIFICATE` blocks)
    /// besides the built-in Mozilla (webpki) roots: for a TLS-inspecting firewall or a
    /// gateway behind a private CA. May be called several times. Defaults to the built-in
    /// roots only.
    ///
    /// `build()` fails with [`Error::Config`] when `pem` holds no certificate, a private
    /// key, or anything that is not a well-formed certificate.
    ///
    /// Needs the `extra-roots` feature.
    #[cfg(feature = "extra-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extra-roots")))]
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.settings.extra_roots.push(pem.as_ref().to_vec());
        self
    }

    /// Verifies the gateway's certificate with the operating system's verifier and trust
    /// store (`true`) instead of the built-in Mozilla roots: for a firewall CA that the
    /// administrators installed system-wide. Defaults to `false`. Needs the
    /// `platform-verifier` feature.
    ///
    /// `build()` fails with [`Error::Config`] when combined with
    /// [`add_root_certificate_pem`](ClientBuilder::add_root_certificate_pem): add those to
    /// the system store instead.
    #[cfg(feature = "platform-verifier")]
    #[cfg_attr(docsrs, doc(cfg(feature = "platform-verifier")))]
    pub fn tls_platform_verifier(mut self, enabled: bool) -> Self {
        self.settings.platform_verifier = enabled;
        self
    }

    /// Validates the settings and builds the client. Never touches the network: the first
    /// call fetches the first token.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the first setting that is wrong: the configuration (see
    /// [`Config::new`]), a timeout, margin or backoff of zero or over a day, an empty or
    /// non-ASCII user agent, a scope that cannot be sent, a proxy or root certificate that
    /// cannot be used.
    pub fn build(self) -> Result<Client, Error> {
        let gateway = self.config.validate()?;
        let scope = valid_scope(&self.scope)?;
        let engine = self.settings.engine(&EngineTarget {
            api_base: &gateway.api_base,
            client_id: self.config.client_id(),
            client_secret: self.config.client_secret(),
            scope,
            form_scope: scope,
            accept_language: self.language.accept_language(),
            error_details: parse_error_details,
        })?;
        Ok(Client::from_inner(Inner {
            config: self.config,
            gateway,
            scope: self.scope,
            language: self.language,
            engine,
        }))
    }
}

/// The scope as the token request's form body carries it, as it is: so only characters
/// that need no encoding.
fn valid_scope(scope: &Scope) -> Result<&str, Error> {
    let scope = scope.as_str();
    check_scope_name(scope)?;
    Ok(scope)
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("scope", &self.scope)
            .field("language", &self.language)
            .field("token_refresh_margin", &self.settings.token_refresh_margin)
            .field("custom_token_cache", &self.settings.token_cache.is_some())
            .field("timeout", &self.settings.timeout)
            .field("user_agent", &self.settings.user_agent)
            .field("max_idle_connections", &self.settings.max_idle_connections)
            .field("retry", &self.settings.retry)
            .field("on_event", &self.settings.on_event.is_some())
            .field("proxy", &self.settings.proxy)
            .field("no_proxy", &self.settings.no_proxy)
            .field("extra_root_certificates", &self.settings.extra_roots.len())
            .field("platform_verifier", &self.settings.platform_verifier)
            .finish()
    }
}
