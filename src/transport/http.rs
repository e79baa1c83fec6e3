//! The ureq transport: one keep-alive [`ureq::Agent`] per client, every exchange bounded
//! as a whole by its call's deadline (every wait on a socket, proxies included), every
//! answer (2xx, 4xx or 5xx) read whole, and each failure classified once: the request never
//! left this machine, or it may have reached GoPay.

use std::io::Read;
use std::time::{Duration, Instant};

use ureq::http::{self, header, HeaderValue};

use super::connect::{connection_set_up, EXCHANGE_DEADLINE};
use super::failure::map_ureq_error;
use super::request::{Payload, RawResponse, Request};
use super::resolve::CachingResolver;
use crate::auth::Published;
use crate::error::Error;

/// Settings of the transport, from the client builder.
pub(crate) struct TransportSettings {
    pub(crate) user_agent: String,
    pub(crate) accept_language: &'static str,
    pub(crate) max_idle_connections_per_host: usize,
    /// The client's timeout: the agent's own bound on a whole exchange.
    pub(crate) timeout: Duration,
    /// The HTTP CONNECT proxy to go through, if any.
    pub(crate) proxy: Option<ureq::Proxy>,
    /// The certificate authorities trusted for HTTPS.
    pub(crate) root_certs: ureq::tls::RootCerts,
}

pub(crate) struct Transport {
    agent: ureq::Agent,
    accept_language: HeaderValue,
    timeout: Duration,
}

/// A request whose remaining time is within this of the full timeout runs on the agent's
/// own global timeout (the client's timeout), so it may overshoot its deadline by at most
/// this much: configuring a request clones the agent's whole configuration, a cost worth
/// avoiding on the common path (a cached token, the call's first exchange).
const TIMEOUT_SLACK: Duration = Duration::from_millis(10);

impl Transport {
    pub(crate) fn new(settings: &TransportSettings) -> Result<Transport, Error> {
        HeaderValue::from_str(&settings.user_agent)
            .map_err(|_| Error::config("user agent must be visible ASCII"))?;
        let config = ureq::Agent::config_builder()
            // GoPay's error JSON comes with 4xx/5xx statuses: read it, don't turn it into Err.
            .http_status_as_error(false)
            // Only the proxy the builder chose: never one picked up from the environment
            // unless the user asked for it (ureq's default reads it).
            .proxy(settings.proxy.clone())
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(settings.root_certs.clone())
                    .build(),
            )
            .max_redirects(0)
            .user_agent(settings.user_agent.as_str())
            .accept("application/json")
            .accept_encoding("")
            .max_idle_connections_per_host(settings.max_idle_connections_per_host)
            .max_idle_connections(settings.max_idle_connections_per_host.max(10))
            .max_idle_age(Duration::from_secs(55))
            // One bound on the whole exchange: resolve, connect, TLS, send, wait, read the
            // body. Per-phase timeouts alone restart with each phase, so a server pausing
            // before its headers and again before its body could hold a call twice as long.
            .timeout_global(Some(settings.timeout))
            .build();
        let agent =
            ureq::Agent::with_parts(config, connection_set_up(), CachingResolver::default());
        Ok(Transport {
            agent,
            accept_language: HeaderValue::from_static(settings.accept_language),
            timeout: settings.timeout,
        })
    }

    /// Sends `request` and reads the whole answer, all before `deadline`.
    pub(crate) fn send(
        &self,
        request: &Request<'_>,
        deadline: Instant,
    ) -> Result<RawResponse, Error> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Error::timed_out("before the request was sent"));
        }
        // Every socket wait of the exchange reads it (see `connect::BoundByDeadline`).
        let _published = Published::new(&EXCHANGE_DEADLINE, deadline);
        let authorization = HeaderValue::from_str(request.authorization)
            .map_err(|_| Error::invalid_input("authorization", "not a valid header value"))?;
        let mut builder = http::Request::builder()
            .method(request.method.clone())
            .uri(request.url)
            .header(header::ACCEPT_LANGUAGE, self.accept_language.clone())
            .header(header::AUTHORIZATION, authorization);
        if let Some(origin) = request.origin {
            // Checked by the caller already; refusing here too keeps a line break out of the
            // headers whoever builds the request.
            let origin = HeaderValue::from_str(origin)
                .map_err(|_| Error::invalid_input("origin", "not a valid header value"))?;
            builder = builder.header(header::ORIGIN, origin);
        }
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        let json = HeaderValue::from_static("application/json");
        let built = match request.payload {
            Payload::None => builder.body(()).map(|r| self.run(r, remaining)),
            Payload::Form(body) => builder
                .header(header::CONTENT_TYPE, form)
                .body(body.as_bytes())
                .map(|r| self.run(r, remaining)),
            Payload::Json(body) => builder
                .header(header::CONTENT_TYPE, json)
                .body(body.as_slice())
                .map(|r| self.run(r, remaining)),
        };
        let mut response = built
            .map_err(|e| Error::invalid_input("request", format!("could not build it: {e}")))??;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = read_body(response.body_mut(), request.body_limit).map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(limit) => Error::Decode {
                status,
                message: format!("the response is larger than {limit} bytes"),
                snippet: String::new(),
            },
            other => map_ureq_error(other),
        })?;
        Ok(RawResponse {
            status,
            body,
            retry_after,
        })
    }
}

/// `Retry-After` in seconds (the HTTP-date form is left to the normal backoff).
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Reads the whole body, at most `limit` bytes, into a buffer sized from its
/// `Content-Length` (when it has one) so that the read takes no growing steps.
fn read_body(body: &mut ureq::Body, limit: u64) -> Result<Vec<u8>, ureq::Error> {
    // One byte more than announced, so the end is seen without growing the buffer.
    let expected = body
        .content_length()
        .map_or(0, |length| length.min(limit) + 1);
    let mut buffer = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    body.with_config()
        .limit(limit)
        .reader()
        .read_to_end(&mut buffer)
        .map_err(ureq::Error::from)?;
    Ok(buffer)
}

impl Transport {
    /// Runs `request`, the whole exchange (body included) bounded by what is left of the
    /// call's time.
    fn run(
        &self,
        request: http::Request<impl ureq::AsSendBody>,
        remaining: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, Error> {
        if remaining + TIMEOUT_SLACK >= self.timeout {
            // The call's first exchange: the agent's global timeout is the call's.
            return self.agent.run(request).map_err(map_ureq_error);
        }
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(remaining))
            .build();
        self.agent.run(request).map_err(map_ureq_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
