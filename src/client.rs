//! [`Client`]: the handle every operation is a method of, and [`Client::execute`], the one
//! request path they all go through (the shared [`Engine`]: token, retries and events, one
//! re-authentication when GoPay refuses the token).

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::Method;

#[cfg(feature = "__bench")]
use crate::auth::token::TokenManager;
use crate::auth::CachedToken;
use crate::config::{Config, Gateway};
use crate::engine::Engine;
use crate::error::Error;
use crate::model::{Language, Scope};
use crate::transport::{Payload, RawResponse};

/// A GoPay client: cheap to clone, meant to be built once and shared by all threads.
///
/// Every method is blocking, bounded by the configured timeout, and fetches or reuses an
/// access token by itself: at most one token request is in flight per client (and per
/// shared [`TokenCache`](crate::TokenCache)), however many threads call at once.
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

/// What a client is made of; [`ClientBuilder::build`](crate::ClientBuilder::build) puts it
/// together.
pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) gateway: Gateway,
    pub(crate) scope: Scope,
    pub(crate) language: Language,
    /// Token, transport and retries: shared code with every other API version's client.
    pub(crate) engine: Engine,
}

impl Client {
    pub(crate) fn from_inner(inner: Inner) -> Client {
        Client {
            inner: Arc::new(inner),
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

    /// The key under which this client's tokens live in its [`TokenCache`](crate::TokenCache):
    /// `"{client_id}-{api_base_url}-{scope}"`.
    pub fn token_cache_key(&self) -> &str {
        self.inner.engine.tokens.cache_key()
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
        self.inner.engine.check_credentials()
    }

    /// The token manager, for the benchmarks' hooks.
    #[cfg(feature = "__bench")]
    pub(crate) fn tokens(&self) -> &TokenManager {
        &self.inner.engine.tokens
    }

    /// Sends one API request and decodes GoPay's JSON answer into `T`.
    pub(crate) fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
    ) -> Result<T, Error> {
        self.inner.engine.call(method, path, payload)
    }

    /// JSON for a request body: raw UTF-8, never `\u` escapes (GoPay's firewall refuses them).
    pub(crate) fn json(body: &impl Serialize) -> Result<Payload, Error> {
        Engine::json(body)
    }

    /// The one request path (see [`Engine::execute`]).
    pub(crate) fn execute(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        body_limit: u64,
    ) -> Result<(RawResponse, Arc<CachedToken>), Error> {
        self.inner
            .engine
            .execute(method, path, payload, body_limit, None)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("api_base_url", &self.inner.gateway.api_base)
            .field("scope", &self.inner.scope)
            .field("language", &self.inner.language)
            .field("timeout", &self.inner.engine.timeout)
            .finish_non_exhaustive()
    }
}
