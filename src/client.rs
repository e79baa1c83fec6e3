//! [`Client`] and [`ClientBuilder`]: the one request path every operation goes through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::Method;

use crate::auth::endpoint::{TokenEndpoint, MAX_TOKEN_BODY};
use crate::auth::token::TokenManager;
use crate::auth::{CachedToken, InMemoryTokenCache, TokenCache};
use crate::config::{Config, Gateway};
use crate::error::{decode_error, parse_error_details, Error};
use crate::event::{Event, EventHook, ExchangeKind};
use crate::http::{Payload, RawResponse, Transport, TransportSettings, MAX_JSON_BODY};
use crate::model::{Language, Scope};
use crate::retry::{failed_before_sending, is_retryable_status, RetryPolicy};
use crate::secret::Secret;

/// Default bound on one call, token request and re-authentication included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time before its expiry at which a token is replaced.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Default number of idle keep-alive connections kept to the gateway.
pub const DEFAULT_MAX_IDLE_CONNECTIONS: usize = 32;

/// The longest timeout or refresh margin `build()` accepts.
const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// A GoPay client: cheap to clone, meant to be built once and shared by all threads.
///
/// Every method is blocking, bounded by the configured timeout, and fetches or reuses an
/// access token by itself: at most one token request is in flight per client (and per
/// shared [`TokenCache`]), however many threads call at once.
///
/// ```no_run
/// use gopay::{Client, Config, Currency, Item, PaymentRequest};
///
/// let client = Client::new(Config::from_env()?)?;
/// let payment = client.create_payment(
///     &PaymentRequest::new(15000, Currency::Czk, "order-2025-0001")
///         .item(Item::new("T-shirt", 15000))
///         .callback("https://shop.example/return", "https://shop.example/notify"),
/// )?;
/// println!("send the customer to {:?}", payment.gw_url);
/// let status = client.get_status(payment.id)?;
/// println!("state: {:?}", status.state);
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    gateway: Gateway,
    scope: Scope,
    language: Language,
    timeout: Duration,
    transport: Transport,
    endpoint: TokenEndpoint,
    tokens: TokenManager,
    retry: RetryPolicy,
    on_event: Option<EventHook>,
    /// `client_id:client_secret`, as the Basic credentials carry it: never to be quoted.
    basic_credentials: Secret,
}

impl Client {
    /// A client with the default settings; see [`ClientBuilder`] for them.
    pub fn new(config: Config) -> Result<Client, Error> {
        Client::builder(config).build()
    }

    /// A builder to choose the scope, timeout, token cache, language and user agent.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            scope: Scope::PaymentAll,
            token_refresh_margin: DEFAULT_TOKEN_REFRESH_MARGIN,
            token_cache: None,
            timeout: DEFAULT_TIMEOUT,
            language: Language::En,
            user_agent: None,
            max_idle_connections: DEFAULT_MAX_IDLE_CONNECTIONS,
            retry: RetryPolicy::default(),
            on_event: None,
        }
    }

    /// The configuration the client was built from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The normalised API base URL, e.g. `https://gw.sandbox.gopay.com/api`.
    pub fn api_base_url(&self) -> &str {
        &self.inner.gateway.api_base
    }

    /// The key under which this client's tokens live in its [`TokenCache`]:
    /// `"{client_id}-{api_base_url}-{scope}"`.
    pub fn token_cache_key(&self) -> &str {
        self.inner.tokens.cache_key()
    }

    /// The configured language (default `lang` of payments and `Accept-Language`).
    pub fn language(&self) -> &Language {
        &self.inner.language
    }

    /// URL of GoPay's inline-gateway script for this gateway, e.g.
    /// `https://gw.sandbox.gopay.com/gp-gw/js/embed.js`.
    pub fn embed_js_url(&self) -> String {
        format!("{}/gp-gw/js/embed.js", self.inner.gateway.origin)
    }

    /// Asks GoPay for a fresh token with the configured credentials and scope, bypassing
    /// every token cache: a deploy check. A warm cache would otherwise hide a wrong secret
    /// until its token expires.
    ///
    /// The token obtained replaces the cached one, so the check costs no later call a
    /// token request.
    ///
    /// # Errors
    ///
    /// [`Error::Auth`] when GoPay refuses the client id, secret or scope;
    /// [`Error::Config`] when the gateway URL does not lead to GoPay's API (its token
    /// endpoint answered a 404, a redirect or a web page); [`Error::Transport`] or
    /// [`Error::Api`] (5xx) when GoPay could not be asked. Nothing is created or charged.
    ///
    /// ```no_run
    /// let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// if let Err(err) = client.check_credentials() {
    ///     eprintln!("GoPay credentials do not work: {err}");
    ///     std::process::exit(1);
    /// }
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn check_credentials(&self) -> Result<(), Error> {
        let deadline = Instant::now() + self.inner.timeout;
        let token = self.fetch_token(deadline)?;
        self.inner.tokens.replace(token, deadline);
        Ok(())
    }

    /// Asks the token endpoint for a new token, with retries, before `deadline`.
    fn fetch_token(&self, deadline: Instant) -> Result<CachedToken, Error> {
        let inner = &*self.inner;
        inner.endpoint.fetch(|authorization, form| {
            let exchange = Exchange {
                kind: ExchangeKind::Token,
                method: Method::POST,
                path: "/oauth2/token",
                url: inner.endpoint.url(),
                // Creates nothing: repeating it cannot charge anyone.
                repeatable: true,
                token_refreshed: false,
            };
            self.exchange(&exchange, authorization, &form, deadline, MAX_TOKEN_BODY)
        })
    }

    pub(crate) fn tokens(&self) -> &TokenManager {
        &self.inner.tokens
    }

    /// Sends one API request and decodes GoPay's JSON answer into `T`.
    pub(crate) fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
    ) -> Result<T, Error> {
        let response = self.execute(method, path, payload, MAX_JSON_BODY)?;
        serde_json::from_slice(&response.body).map_err(|e| {
            // Whatever the status, the body may quote what the request carried.
            let token = response
                .sent_with
                .as_deref()
                .map_or("", CachedToken::access_token);
            decode_error(
                response.status,
                e.to_string(),
                &response.body,
                &self.secrets(token),
            )
        })
    }

    /// What no error may quote: the access token a request was sent with, the client secret
    /// and the Basic credentials (`decode_error` and `parse_error_details` also catch their
    /// URL-encoded and base64 forms).
    fn secrets<'a>(&'a self, access_token: &'a str) -> [&'a str; 3] {
        [
            access_token,
            self.inner.config.client_secret().expose(),
            self.inner.basic_credentials.expose(),
        ]
    }

    /// JSON for a request body: raw UTF-8, never `\u` escapes (GoPay's firewall refuses them).
    pub(crate) fn json(body: &impl Serialize) -> Result<Payload, Error> {
        serde_json::to_vec(body)
            .map(Payload::Json)
            .map_err(|e| Error::invalid_input("request", e.to_string()))
    }

    /// The one request path: token, request, one re-authentication on a refused token, and
    /// GoPay's error answers turned into [`Error`]s; all within the client's timeout.
    pub(crate) fn execute(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        body_limit: u64,
    ) -> Result<RawResponse, Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = started + inner.timeout;
        let url = format!("{}{}", inner.gateway.api_base, path);
        let fetch = |deadline| self.fetch_token(deadline);
        let repeatable = method == Method::GET;
        let mut reauthenticated = false;
        loop {
            let now = if reauthenticated {
                Instant::now()
            } else {
                started
            };
            let (token, refreshed) = inner.tokens.token(now, deadline, &fetch)?;
            let authorization = format!("Bearer {}", token.access_token());
            let exchange = Exchange {
                kind: ExchangeKind::Api,
                method: method.clone(),
                path,
                url: &url,
                repeatable,
                token_refreshed: refreshed,
            };
            let response =
                self.exchange(&exchange, &authorization, &payload, deadline, body_limit)?;
            let status = response.status;
            if (200..300).contains(&status) {
                return Ok(RawResponse {
                    sent_with: Some(token),
                    ..response
                });
            }
            let errors = parse_error_details(&response.body, &self.secrets(token.access_token()));
            let token_refused =
                status == 401 || (status == 403 && errors.iter().any(|e| e.is_auth_code()));
            if !token_refused {
                return Err(Error::Api { status, errors });
            }
            inner.tokens.invalidate(&token, deadline);
            if reauthenticated {
                return Err(Error::Auth {
                    status: Some(status),
                    errors,
                    message: "GoPay refused a freshly obtained access token".into(),
                });
            }
            reauthenticated = true;
        }
    }

    /// One HTTP exchange with its retries (see [`crate::retry`]), each attempt reported to
    /// the event hook.
    fn exchange(
        &self,
        exchange: &Exchange<'_>,
        authorization: &str,
        payload: &Payload,
        deadline: Instant,
        body_limit: u64,
    ) -> Result<RawResponse, Error> {
        let inner = &*self.inner;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let result = inner.transport.send(
                exchange.method.clone(),
                exchange.url,
                authorization,
                payload,
                deadline,
                body_limit,
            );
            self.report(exchange, attempt, started.elapsed(), &result);
            let retry_after = match &result {
                Ok(response) if exchange.repeatable && is_retryable_status(response.status) => {
                    response.retry_after
                }
                Err(error @ Error::Transport { .. })
                    if failed_before_sending(error)
                        || (exchange.repeatable && !error.is_timeout()) =>
                {
                    None
                }
                _ => return result,
            };
            if attempt > inner.retry.max_retries {
                return result;
            }
            let pause = inner.retry.backoff(attempt, retry_after);
            if Instant::now() + pause >= deadline {
                return result;
            }
            std::thread::sleep(pause);
        }
    }

    fn report(
        &self,
        exchange: &Exchange<'_>,
        attempt: u32,
        duration: Duration,
        result: &Result<RawResponse, Error>,
    ) {
        let Some(hook) = &self.inner.on_event else {
            return;
        };
        let event = Event {
            kind: exchange.kind,
            method: match exchange.method {
                Method::GET => "GET",
                Method::DELETE => "DELETE",
                _ => "POST",
            },
            path: exchange.path.to_owned(),
            status: result.as_ref().ok().map(|r| r.status),
            duration,
            attempt,
            token_refreshed: exchange.token_refreshed,
            error: result.as_ref().err().map(ToString::to_string),
        };
        // An observer that panics must not fail the payment it observes.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(&event)));
    }
}

/// What one exchange is, for retries and events.
struct Exchange<'a> {
    kind: ExchangeKind,
    method: Method,
    path: &'a str,
    url: &'a str,
    repeatable: bool,
    token_refreshed: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("api_base_url", &self.inner.gateway.api_base)
            .field("scope", &self.inner.scope)
            .field("language", &self.inner.language)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

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
    token_refresh_margin: Duration,
    token_cache: Option<Arc<dyn TokenCache>>,
    timeout: Duration,
    language: Language,
    user_agent: Option<String>,
    max_idle_connections: usize,
    retry: RetryPolicy,
    on_event: Option<EventHook>,
}

impl ClientBuilder {
    /// The OAuth2 scope tokens are requested with. Defaults to [`Scope::PaymentAll`];
    /// [`Scope::PaymentCreate`] only allows creating payments.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// How long before its expiry a token is replaced. Defaults to 30 s.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// Where tokens are kept between calls. Defaults to a new [`InMemoryTokenCache`] for
    /// this client; give several clients (or processes, with a shared cache) the same one
    /// so they share tokens.
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.token_cache = Some(cache);
        self
    }

    /// The bound on every call, token request and re-authentication included.
    /// Defaults to 30 s; must be more than zero and at most a day.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How many idle keep-alive connections to the gateway are kept for reuse. Defaults to
    /// 32, enough for a threaded server; 0 closes every connection after its call.
    pub fn max_idle_connections(mut self, connections: usize) -> Self {
        self.max_idle_connections = connections;
        self
    }

    /// How many times a failed exchange may be repeated when repeating cannot charge twice:
    /// GETs and token requests after transport failures, 5xx and 429 answers, and any
    /// request that never left this machine (DNS, connect, TLS). A POST or DELETE that
    /// reached GoPay is never repeated. Defaults to 2; 0 turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The backoff between retries: full jitter up to `base * 2^n`, at most `cap` (which
    /// also bounds an honoured `Retry-After`). Defaults to 200 ms and 2 s. Retries never
    /// outlast the call's timeout.
    pub fn retry_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.retry.base = base;
        self.retry.cap = cap;
        self
    }

    /// A hook that receives one [`Event`] per HTTP exchange (method, path, status,
    /// duration, attempt, whether a token was refreshed), never a secret. Called on the
    /// calling thread; keep it quick. A panicking hook is ignored.
    pub fn on_event(mut self, hook: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.on_event = Some(Arc::new(hook));
        self
    }

    /// Validates the settings and builds the client. Never touches the network: the first
    /// call fetches the first token.
    pub fn build(self) -> Result<Client, Error> {
        let gateway = self.config.validate()?;
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
        let user_agent = match self.user_agent {
            Some(ua) if ua.trim().is_empty() => {
                return Err(Error::config("user agent must not be empty"))
            }
            Some(ua) => ua,
            None => format!("GoPay Rust {}", env!("CARGO_PKG_VERSION")),
        };
        let transport = Transport::new(&TransportSettings {
            user_agent,
            accept_language: self.language.accept_language(),
            max_idle_connections_per_host: self.max_idle_connections,
            timeout: self.timeout,
        })?;
        let scope = self.scope.as_str().to_owned();
        // The scope goes into the token request's form body as it is.
        if scope.is_empty()
            || !scope
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        {
            return Err(Error::config(format!(
                "scope {scope:?} is not a valid OAuth2 scope"
            )));
        }
        let endpoint = TokenEndpoint::new(
            &gateway.api_base,
            self.config.client_id(),
            self.config.client_secret(),
            &scope,
        );
        let key = format!("{}-{}-{}", self.config.client_id(), gateway.api_base, scope);
        let cache = self
            .token_cache
            .unwrap_or_else(|| Arc::new(InMemoryTokenCache::new()));
        let basic_credentials = Secret::new(format!(
            "{}:{}",
            self.config.client_id(),
            self.config.client_secret().expose()
        ));
        Ok(Client {
            inner: Arc::new(Inner {
                tokens: TokenManager::new(
                    cache,
                    key,
                    self.token_refresh_margin,
                    self.timeout,
                    self.on_event.clone(),
                ),
                config: self.config,
                gateway,
                scope: self.scope,
                language: self.language,
                timeout: self.timeout,
                transport,
                endpoint,
                retry: self.retry,
                on_event: self.on_event,
                basic_credentials,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("scope", &self.scope)
            .field("token_refresh_margin", &self.token_refresh_margin)
            .field("custom_token_cache", &self.token_cache.is_some())
            .field("timeout", &self.timeout)
            .field("language", &self.language)
            .field("user_agent", &self.user_agent)
            .field("max_idle_connections", &self.max_idle_connections)
            .field("retry", &self.retry)
            .field("on_event", &self.on_event.is_some())
            .finish()
    }
}
