//! [`Client`] and [`ClientBuilder`] of the v4 API: the same engine as the v3 client (token
//! manager, caches, transport, deadline, retries), other paths, models and error bodies.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use ureq::http::Method;

use super::config::Config;
use super::error::parse_v4_error_details;
use crate::auth::TokenCache;
use crate::engine::Engine;
use crate::error::Error;
use crate::event::Event;
use crate::settings::{EngineTarget, Settings};
use crate::transport::network::ProxyChoice;
use crate::transport::Payload;

/// A v4 client (preview): cheap to clone, meant to be built once and shared by all threads.
///
/// Every method is blocking and bounded by the configured timeout, and fetches or reuses a
/// token by itself, exactly as [`gopay::Client`](crate::Client) does: the same single-flight
/// token manager and [`TokenCache`]s. A v4 token is cached under its own key (base URL and
/// scopes), so it never serves a v3 call, nor a v3 token a v4 call.
///
/// ```no_run
/// use gopay::v4::{Client, Config, Customer, PaymentRequest, SANDBOX_URL};
///
/// let client = Client::new(Config::new("8123456789", "id", "secret", SANDBOX_URL))?;
/// let payment = client.create_payment(&PaymentRequest::new(
///     10000,
///     gopay::Currency::Czk,
///     "order-42",
///     Customer::new("john.doe@example.com"),
///     "https://shop.example/notify",
///     "https://shop.example/return",
/// ))?;
/// println!("created {}", payment.id);
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    engine: Engine,
}

/// Builds a v4 [`Client`]; the options and defaults are those of
/// [`gopay::ClientBuilder`](crate::ClientBuilder).
#[must_use]
pub struct ClientBuilder {
    config: Config,
    settings: Settings,
}

impl Client {
    /// A client with the default settings.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the configuration cannot make a client (see
    /// [`ClientBuilder::build`]).
    pub fn new(config: Config) -> Result<Client, Error> {
        Client::builder(config).build()
    }

    /// A builder to choose the timeout, token cache, retries, events, proxy and roots.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            settings: Settings::default(),
        }
    }

    /// The configuration the client was built from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The normalised base URL every path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.engine.api_base
    }

    /// The key under which this client's tokens live in its [`TokenCache`]:
    /// `"{client_id}-{base_url}-{scopes}"`.
    pub fn token_cache_key(&self) -> &str {
        self.inner.engine.tokens.cache_key()
    }

    /// Asks GoPay for a fresh token, bypassing every cache: a deploy check.
    ///
    /// # Errors
    ///
    /// [`Error::Auth`] when GoPay refuses the credentials or scopes; [`Error::Config`] when
    /// the base URL does not lead to GoPay's API; [`Error::Transport`] or [`Error::Api`]
    /// when GoPay could not be asked.
    pub fn check_credentials(&self) -> Result<(), Error> {
        self.inner.engine.check_credentials()
    }

    pub(crate) fn goid(&self) -> &str {
        self.inner.config.goid()
    }

    pub(crate) fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
    ) -> Result<T, Error> {
        self.inner.engine.call(method, path, payload)
    }

    /// [`call`](Client::call) with the `Origin` header `origin` on this request only,
    /// checked by the caller.
    pub(crate) fn call_with_origin<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        origin: &str,
    ) -> Result<T, Error> {
        self.inner
            .engine
            .call_with_origin(method, path, payload, origin)
    }

    /// A request whose success has no body (`204`).
    pub(crate) fn call_empty(&self, method: Method, path: &str) -> Result<(), Error> {
        self.inner
            .engine
            .execute(
                method,
                path,
                Payload::None,
                crate::transport::MAX_JSON_BODY,
                None,
            )
            .map(drop)
    }
}

impl ClientBuilder {
    /// See [`gopay::ClientBuilder::token_refresh_margin`](crate::ClientBuilder::token_refresh_margin).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.settings.token_refresh_margin = margin;
        self
    }

    /// See [`gopay::ClientBuilder::token_cache`](crate::ClientBuilder::token_cache): a cache
    /// may be shared with v3 clients, whose tokens live under other keys.
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.settings.token_cache = Some(cache);
        self
    }

    /// See [`gopay::ClientBuilder::timeout`](crate::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// See [`gopay::ClientBuilder::user_agent`](crate::ClientBuilder::user_agent).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.settings.user_agent = Some(user_agent.into());
        self
    }

    /// See [`gopay::ClientBuilder::max_idle_connections`](crate::ClientBuilder::max_idle_connections).
    pub fn max_idle_connections(mut self, connections: usize) -> Self {
        self.settings.max_idle_connections = connections;
        self
    }

    /// See [`gopay::ClientBuilder::max_retries`](crate::ClientBuilder::max_retries): only
    /// GETs and requests that never left this machine are repeated, never a charge, refund
    /// or card-token request that reached GoPay.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.retry.max_retries = retries;
        self
    }

    /// See [`gopay::ClientBuilder::retry_backoff`](crate::ClientBuilder::retry_backoff).
    pub fn retry_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.settings.retry.base = base;
        self.settings.retry.cap = cap;
        self
    }

    /// See [`gopay::ClientBuilder::on_event`](crate::ClientBuilder::on_event).
    pub fn on_event(mut self, hook: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.settings.on_event = Some(Arc::new(hook));
        self
    }

    /// See [`gopay::ClientBuilder::proxy`](crate::ClientBuilder::proxy).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = ProxyChoice::Url(url.into());
        self
    }

    /// See [`gopay::ClientBuilder::no_proxy`](crate::ClientBuilder::no_proxy).
    pub fn no_proxy(mut self, hosts: &str) -> Self {
        self.settings.add_no_proxy(hosts);
        self
    }

    /// See [`gopay::ClientBuilder::proxy_from_env`](crate::ClientBuilder::proxy_from_env).
    pub fn proxy_from_env(mut self) -> Self {
        self.settings.proxy = ProxyChoice::FromEnv;
        self
    }

    /// See [`gopay::ClientBuilder::add_root_certificate_pem`](crate::ClientBuilder::add_root_certificate_pem).
    #[cfg(feature = "extra-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extra-roots")))]
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.settings.extra_roots.push(pem.as_ref().to_vec());
        self
    }

    /// See [`gopay::ClientBuilder::tls_platform_verifier`](crate::ClientBuilder::tls_platform_verifier).
    #[cfg(feature = "platform-verifier")]
    #[cfg_attr(docsrs, doc(cfg(feature = "platform-verifier")))]
    pub fn tls_platform_verifier(mut self, enabled: bool) -> Self {
        self.settings.platform_verifier = enabled;
        self
    }

    /// Validates the settings and builds the client. Never touches the network.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the first setting that is wrong: an empty or non-alphanumeric
    /// GoID, credentials Basic authentication cannot carry, no scope or a malformed one, a
    /// base URL that is not https (plain http only on loopback) or has a query, and the
    /// shared settings' checks (see [`gopay::ClientBuilder::build`](crate::ClientBuilder::build)).
    pub fn build(self) -> Result<Client, Error> {
        let api_base = self.config.validate()?;
        let scope = self.config.scope_string();
        // Form encoding of the token request: `:` as `%3A`, spaces as `+`.
        let form_scope = scope.replace(':', "%3A").replace(' ', "+");
        let engine = self.settings.engine(&EngineTarget {
            api_base: &api_base,
            client_id: self.config.client_id(),
            client_secret: self.config.client_secret(),
            scope: &scope,
            form_scope: &form_scope,
            accept_language: "en-US",
            error_details: parse_v4_error_details,
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                config: self.config,
                engine,
            }),
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("base_url", &self.inner.engine.api_base)
            .field("timeout", &self.inner.engine.timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("timeout", &self.settings.timeout)
            .finish_non_exhaustive()
    }
}
