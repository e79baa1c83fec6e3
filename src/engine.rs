//! [`Engine`]: the one request path every client of this crate goes through, whichever API
//! version it speaks: token (single flight, caches), [`Exchanger`] (transport, retries,
//! events), one re-authentication when the token is refused, all within the call's
//! deadline. The v3 [`Client`](crate::Client) and the v4 client differ only in their paths,
//! models and error bodies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::Method;

use crate::auth::endpoint::TokenEndpoint;
use crate::auth::token::TokenManager;
use crate::auth::CachedToken;
use crate::error::{decode_error, is_token_refusal, ApiErrorDetail, Error};
use crate::event::ExchangeKind;
use crate::secret::Secret;
use crate::transport::{Exchanger, Payload, RawResponse, Request, MAX_JSON_BODY};

/// Reads an error answer's body into details, with every form of every secret redacted.
pub(crate) type ErrorParser = fn(&[u8], &[&str]) -> Vec<ApiErrorDetail>;

/// Token, transport and retry machinery of one client.
pub(crate) struct Engine {
    /// Where the API lives; every path is appended to it.
    pub(crate) api_base: String,
    pub(crate) timeout: Duration,
    /// Sends every request, token requests included: retries and events.
    pub(crate) exchanger: Exchanger,
    pub(crate) endpoint: TokenEndpoint,
    pub(crate) tokens: TokenManager,
    pub(crate) client_secret: Secret,
    /// `client_id:client_secret`, as the Basic credentials carry it: never to be quoted.
    pub(crate) basic_credentials: Secret,
    /// How this API version's error bodies read.
    pub(crate) error_details: ErrorParser,
}

impl Engine {
    /// Asks for a fresh token, bypassing every cache, and stores it.
    pub(crate) fn check_credentials(&self) -> Result<(), Error> {
        let deadline = Instant::now() + self.timeout;
        let token = self.endpoint.fetch(&self.exchanger, deadline)?;
        self.tokens.replace(token, deadline);
        Ok(())
    }

    /// Sends one API request and decodes the JSON answer into `T`.
    pub(crate) fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
    ) -> Result<T, Error> {
        let response = self.execute(method, path, payload, MAX_JSON_BODY, None)?;
        self.decode(response)
    }

    /// [`call`](Engine::call) with the `Origin` header `origin`, on this request only; the
    /// caller has checked that it is `scheme://host[:port]`.
    #[cfg(feature = "v4")]
    pub(crate) fn call_with_origin<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        origin: &str,
    ) -> Result<T, Error> {
        let response = self.execute(method, path, payload, MAX_JSON_BODY, Some(origin))?;
        self.decode(response)
    }

    /// Decodes a successful answer's JSON into `T`; a failure quotes none of the secrets.
    fn decode<T: DeserializeOwned>(
        &self,
        (response, token): (RawResponse, Arc<CachedToken>),
    ) -> Result<T, Error> {
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
    /// and the Basic credentials (`decode_error` and the error parsers also catch their
    /// URL-encoded and base64 forms).
    fn secrets<'a>(&'a self, access_token: &'a str) -> [&'a str; 3] {
        [
            access_token,
            self.client_secret.expose(),
            self.basic_credentials.expose(),
        ]
    }

    /// JSON for a request body: raw UTF-8, never `\u` escapes (GoPay's firewall refuses them).
    pub(crate) fn json(body: &impl Serialize) -> Result<Payload, Error> {
        serde_json::to_vec(body)
            .map(Payload::Json)
            .map_err(|e| Error::invalid_input("request", e.to_string()))
    }

    /// The one request path: token, request, one re-authentication on a refused token, and
    /// error answers turned into [`Error`]s; all within the client's timeout. A success
    /// comes with the token it was sent with, which no error may quote. `origin` is the
    /// `Origin` header of the one request that needs it, already checked.
    pub(crate) fn execute(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        body_limit: u64,
        origin: Option<&str>,
    ) -> Result<(RawResponse, Arc<CachedToken>), Error> {
        let started = Instant::now();
        let deadline = started + self.timeout;
        let url = format!("{}{}", self.api_base, path);
        // How the token manager gets a new token when it has none fresh.
        let fetch = |deadline| self.endpoint.fetch(&self.exchanger, deadline);
        let mut reauthenticated = false;
        loop {
            let now = if reauthenticated {
                Instant::now()
            } else {
                started
            };
            let (token, refreshed) = self.tokens.token(now, deadline, &fetch)?;
            let authorization = format!("Bearer {}", token.access_token());
            let request = Request {
                kind: ExchangeKind::Api,
                method: method.clone(),
                path,
                url: &url,
                authorization: &authorization,
                origin,
                payload: &payload,
                body_limit,
                // Only a GET is sure to change nothing when it is repeated.
                repeatable: method == Method::GET,
                token_refreshed: refreshed,
            };
            let response = self.exchanger.send(&request, deadline)?;
            let status = response.status;
            if (200..300).contains(&status) {
                return Ok((response, token));
            }
            let errors = (self.error_details)(&response.body, &self.secrets(token.access_token()));
            if !is_token_refusal(status, &errors) {
                return Err(Error::Api { status, errors });
            }
            self.tokens.invalidate(&token, deadline);
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
