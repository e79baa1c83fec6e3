//! [`Client`]: the handle every operation is a method of, and [`Client::execute`], the one
//! request path they all go through: token, [`Exchanger`] (retries and events), one
//! re-authentication when GoPay refuses the token.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::Method;

use crate::auth::endpoint::TokenEndpoint;
use crate::auth::token::TokenManager;
use crate::auth::CachedToken;
use crate::config::{Config, Gateway};
use crate::error::{decode_error, is_token_refusal, parse_error_details, Error};
use crate::event::ExchangeKind;
use crate::model::{Language, Scope};
use crate::secret::Secret;
use crate::transport::{Exchanger, Payload, RawResponse, Request, MAX_JSON_BODY};

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
    pub(crate) timeout: Duration,
    /// Sends every request, token requests included: retries and events.
    pub(crate) exchanger: Exchanger,
    pub(crate) endpoint: TokenEndpoint,
    pub(crate) tokens: TokenManager,
    /// `client_id:client_secret`, as the Basic credentials carry it: never to be quoted.
    pub(crate) basic_credentials: Secret,
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
        let inner = &*self.inner;
        let deadline = Instant::now() + inner.timeout;
        let token = inner.endpoint.fetch(&inner.exchanger, deadline)?;
        inner.tokens.replace(token, deadline);
        Ok(())
    }

    /// The token manager, for the benchmarks' hooks.
    #[cfg(feature = "__bench")]
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
        let (response, token) = self.execute(method, path, payload, MAX_JSON_BODY)?;
        // Checked as UTF-8 once here, so that the decoder does not check every string again
        // (about a fifth of a status answer's decoding time).
        let decoded = match std::str::from_utf8(&response.body) {
            Ok(text) => serde_json::from_str(text).map_err(|e| e.to_string()),
            Err(e) => Err(format!("the answer is not UTF-8 ({e})")),
        };
        decoded.map_err(|message| {
            // Whatever the status, the body may quote what the request carried.
            decode_error(
                response.status,
                message,
                &response.body,
                &self.secrets(token.access_token()),
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
    /// GoPay's error answers turned into [`Error`]s; all within the client's timeout. A
    /// success comes with the token it was sent with, which no error may quote.
    pub(crate) fn execute(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        body_limit: u64,
    ) -> Result<(RawResponse, Arc<CachedToken>), Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = started + inner.timeout;
        let url = format!("{}{}", inner.gateway.api_base, path);
        // How the token manager gets a new token when it has none fresh.
        let fetch = |deadline| inner.endpoint.fetch(&inner.exchanger, deadline);
        let mut reauthenticated = false;
        loop {
            let now = if reauthenticated {
                Instant::now()
            } else {
                started
            };
            let (token, refreshed) = inner.tokens.token(now, deadline, &fetch)?;
            let authorization = format!("Bearer {}", token.access_token());
            let request = Request {
                kind: ExchangeKind::Api,
                method: method.clone(),
                path,
                url: &url,
                authorization: &authorization,
                payload: &payload,
                body_limit,
                // Only a GET is sure to change nothing when it is repeated.
                repeatable: method == Method::GET,
                token_refreshed: refreshed,
            };
            let response = inner.exchanger.send(&request, deadline)?;
            let status = response.status;
            if (200..300).contains(&status) {
                return Ok((response, token));
            }
            let errors = parse_error_details(&response.body, &self.secrets(token.access_token()));
            if !is_token_refusal(status, &errors) {
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
