//! [`Settings`]: the builder options every client of this crate has whatever API version it
//! speaks (timeout, token cache, retries, events, proxy, roots), and how they make the
//! shared [`Engine`].

use std::sync::Arc;
use std::time::Duration;

use crate::auth::endpoint::TokenEndpoint;
use crate::auth::token::TokenManager;
use crate::auth::{InMemoryTokenCache, TokenCache};
use crate::builder::{DEFAULT_MAX_IDLE_CONNECTIONS, DEFAULT_TIMEOUT, DEFAULT_TOKEN_REFRESH_MARGIN};
use crate::engine::{Engine, ErrorParser};
use crate::error::Error;
use crate::event::EventHook;
use crate::secret::Secret;
use crate::transport::network::{root_certs, ProxyChoice};
use crate::transport::retry::RetryPolicy;
use crate::transport::{Exchanger, Transport, TransportSettings};

/// The longest timeout or refresh margin `build()` accepts.
const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// Options shared by the v3 and v4 builders; each builder's methods document them.
pub(crate) struct Settings {
    pub(crate) token_refresh_margin: Duration,
    pub(crate) token_cache: Option<Arc<dyn TokenCache>>,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: Option<String>,
    pub(crate) max_idle_connections: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) on_event: Option<EventHook>,
    pub(crate) proxy: ProxyChoice,
    /// Hosts that bypass an explicit proxy (kept apart so that the calls' order is free).
    pub(crate) no_proxy: Vec<String>,
    pub(crate) extra_roots: Vec<Vec<u8>>,
    pub(crate) platform_verifier: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            token_refresh_margin: DEFAULT_TOKEN_REFRESH_MARGIN,
            token_cache: None,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
            max_idle_connections: DEFAULT_MAX_IDLE_CONNECTIONS,
            retry: RetryPolicy::default(),
            on_event: None,
            proxy: ProxyChoice::Direct,
            no_proxy: Vec::new(),
            extra_roots: Vec::new(),
            platform_verifier: false,
        }
    }
}

/// What differs between API versions when an engine is made.
pub(crate) struct EngineTarget<'a> {
    /// Normalised base URL; the token endpoint is `{api_base}/oauth2/token`.
    pub(crate) api_base: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) client_secret: &'a Secret,
    /// The scope as the cache key names it.
    pub(crate) scope: &'a str,
    /// The scope as the token request's form body carries it (form-encoded).
    pub(crate) form_scope: &'a str,
    pub(crate) accept_language: &'static str,
    pub(crate) error_details: ErrorParser,
}

impl Settings {
    /// Validates the settings and makes the engine. Never touches the network.
    pub(crate) fn engine(self, target: &EngineTarget<'_>) -> Result<Engine, Error> {
        self.check_durations()?;
        let transport = Transport::new(&TransportSettings {
            user_agent: self.user_agent_or_default()?,
            accept_language: target.accept_language,
            max_idle_connections_per_host: self.max_idle_connections,
            timeout: self.timeout,
            proxy: self.proxy.to_proxy(&self.no_proxy)?,
            root_certs: root_certs(&self.extra_roots, self.platform_verifier)?,
        })?;
        let endpoint = TokenEndpoint::new(
            target.api_base,
            target.client_id,
            target.client_secret,
            target.form_scope,
        );
        // `"{client_id}-{api_base}-{scope}"`: clients share a token exactly when GoPay would
        // give them the same one, and the base URL keeps v3 and v4 tokens apart.
        let key = format!("{}-{}-{}", target.client_id, target.api_base, target.scope);
        let cache = self
            .token_cache
            .unwrap_or_else(|| Arc::new(InMemoryTokenCache::new()));
        Ok(Engine {
            api_base: target.api_base.to_owned(),
            timeout: self.timeout,
            tokens: TokenManager::new(
                cache,
                key,
                self.token_refresh_margin,
                self.timeout,
                self.on_event.clone(),
            ),
            exchanger: Exchanger::new(transport, self.retry, self.on_event),
            endpoint,
            client_secret: target.client_secret.clone(),
            basic_credentials: Secret::new(format!(
                "{}:{}",
                target.client_id,
                target.client_secret.expose()
            )),
            error_details: target.error_details,
        })
    }

    /// Adds hosts to the proxy bypass list (comma-separated, `NO_PROXY` syntax).
    pub(crate) fn add_no_proxy(&mut self, hosts: &str) {
        self.no_proxy.extend(
            hosts
                .split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_owned),
        );
    }

    fn check_durations(&self) -> Result<(), Error> {
        if self.timeout.is_zero() || self.timeout > MAX_DURATION {
            return Err(Error::config(
                "timeout must be more than zero and at most a day",
            ));
        }
        if self.token_refresh_margin > MAX_DURATION {
            return Err(Error::config("token refresh margin must be at most a day"));
        }
        if self.retry.base > MAX_DURATION || self.retry.cap > MAX_DURATION {
            return Err(Error::config("retry backoff must be at most a day"));
        }
        Ok(())
    }

    fn user_agent_or_default(&self) -> Result<String, Error> {
        match &self.user_agent {
            Some(ua) if ua.trim().is_empty() => Err(Error::config("user agent must not be empty")),
            Some(ua) => Ok(ua.clone()),
            None => Ok(format!("GoPay Rust {}", env!("CARGO_PKG_VERSION"))),
        }
    }
}
