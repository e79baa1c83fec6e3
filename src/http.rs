//! The ureq transport: one keep-alive [`ureq::Agent`] per client, every call bounded by its
//! deadline, every answer (2xx, 4xx or 5xx) read whole, and ureq's errors mapped to
//! [`Error`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::http::{header, HeaderValue, Method, Request};

use crate::error::Error;
use crate::resolve::CachingResolver;

/// What a request carries, which also decides its `Content-Type`.
pub(crate) enum Payload {
    /// No body and no `Content-Type` (GETs).
    None,
    /// `application/x-www-form-urlencoded`; an empty string is GoPay's body-less POST.
    Form(String),
    /// `application/json`, raw UTF-8.
    Json(Vec<u8>),
}

/// An answer of any status, read whole.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The `Retry-After` of a 429 or 503, in seconds.
    pub(crate) retry_after: Option<Duration>,
}

/// Settings of the transport, from the client builder.
pub(crate) struct TransportSettings {
    pub(crate) user_agent: String,
    pub(crate) accept_language: &'static str,
    pub(crate) max_idle_connections_per_host: usize,
    /// The client's timeout: the agent's own bound on every phase of an exchange.
    pub(crate) timeout: Duration,
}

pub(crate) struct Transport {
    agent: ureq::Agent,
    accept_language: HeaderValue,
    timeout: Duration,
}

/// A request whose remaining time is within this of the full timeout runs on the agent's
/// own phase timeouts (the client's timeout): configuring a request clones the agent's
/// whole configuration, which cost a few percent of throughput under load.
const TIMEOUT_SLACK: Duration = Duration::from_millis(50);

/// Answers larger than this are refused instead of filling memory (statements excepted).
pub(crate) const MAX_JSON_BODY: u64 = 16 * 1024 * 1024;

impl Transport {
    pub(crate) fn new(settings: &TransportSettings) -> Result<Transport, Error> {
        HeaderValue::from_str(&settings.user_agent)
            .map_err(|_| Error::config("user agent must be visible ASCII"))?;
        let config = ureq::Agent::config_builder()
            // GoPay's error JSON comes with 4xx/5xx statuses: read it, don't turn it into Err.
            .http_status_as_error(false)
            // Payments must not silently go through a proxy picked up from the environment.
            .proxy(None)
            .max_redirects(0)
            .user_agent(settings.user_agent.as_str())
            .accept("application/json")
            .accept_encoding("")
            .max_idle_connections_per_host(settings.max_idle_connections_per_host)
            .max_idle_connections(settings.max_idle_connections_per_host.max(10))
            .max_idle_age(Duration::from_secs(55))
            .timeout_resolve(Some(settings.timeout))
            .timeout_connect(Some(settings.timeout))
            .timeout_send_request(Some(settings.timeout))
            .timeout_send_body(Some(settings.timeout))
            .timeout_recv_response(Some(settings.timeout))
            .timeout_recv_body(Some(settings.timeout))
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            CachingResolver::default(),
        );
        Ok(Transport {
            agent,
            accept_language: HeaderValue::from_static(settings.accept_language),
            timeout: settings.timeout,
        })
    }

    /// Sends one request and reads the whole answer, all before `deadline`.
    pub(crate) fn send(
        &self,
        method: Method,
        url: &str,
        authorization: &str,
        payload: &Payload,
        deadline: Instant,
        body_limit: u64,
    ) -> Result<RawResponse, Error> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Error::timed_out("before the request was sent"));
        }
        let authorization = HeaderValue::from_str(authorization)
            .map_err(|_| Error::invalid_input("authorization", "not a valid header value"))?;
        let builder = Request::builder()
            .method(method)
            .uri(url)
            .header(header::ACCEPT_LANGUAGE, self.accept_language.clone())
            .header(header::AUTHORIZATION, authorization);
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        let json = HeaderValue::from_static("application/json");
        let built = match payload {
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
            .and_then(crate::retry::parse_retry_after);
        let body = response
            .body_mut()
            .with_config()
            .limit(body_limit)
            .read_to_vec()
            .map_err(|e| match e {
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

impl Transport {
    /// Runs `request` with every phase bounded by what is left of the call's time.
    fn run(
        &self,
        request: Request<impl ureq::AsSendBody>,
        remaining: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, Error> {
        if remaining + TIMEOUT_SLACK >= self.timeout {
            // A call's first exchange: the agent's phase timeouts are the call's.
            return self.agent.run(request).map_err(map_ureq_error);
        }
        let some = Some(remaining);
        let request = self
            .agent
            .configure_request(request)
            .timeout_resolve(some)
            .timeout_connect(some)
            .timeout_send_request(some)
            .timeout_send_body(some)
            .timeout_recv_response(some)
            .timeout_recv_body(some)
            .build();
        self.agent.run(request).map_err(map_ureq_error)
    }
}

fn map_ureq_error(err: ureq::Error) -> Error {
    let timeout = match &err {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        _ => false,
    };
    let message = match &err {
        ureq::Error::HostNotFound => "could not resolve the gateway host".to_owned(),
        ureq::Error::ConnectionFailed => "could not connect to the gateway".to_owned(),
        ureq::Error::Io(io) if crate::retry::is_connect_failure(io) => {
            format!("could not reach the gateway: {io}")
        }
        ureq::Error::Timeout(_) => "timed out talking to the gateway".to_owned(),
        other => other.to_string(),
    };
    Error::transport(message, timeout, Some(Arc::new(err)))
}
