//! The ureq transport: one keep-alive [`ureq::Agent`] per client, every exchange bounded
//! as a whole by its call's deadline (every wait on a socket, proxies included), every
//! answer (2xx, 4xx or 5xx) read whole, and each failure classified once: the request never
//! left this machine, or it may have reached GoPay.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::http::{header, HeaderValue, Method, Request};
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, NextTimeout,
    RustlsConnector, TcpConnector, Transport as UreqTransport,
};

use crate::auth::{CachedToken, Published};
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
    /// The access token the request was sent with (API calls), for redacting the answer.
    pub(crate) sent_with: Option<Arc<CachedToken>>,
}

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

/// Answers larger than this are refused instead of filling memory (statements excepted).
pub(crate) const MAX_JSON_BODY: u64 = 16 * 1024 * 1024;

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
        // Every socket wait of the exchange reads it (see `BoundByDeadline`).
        let _published = Published::new(&EXCHANGE_DEADLINE, deadline);
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
        let body = read_body(response.body_mut(), body_limit).map_err(|e| match e {
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
            sent_with: None,
        })
    }
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
        request: Request<impl ureq::AsSendBody>,
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

thread_local! {
    /// The deadline of the exchange [`Transport::send`] runs on this thread, read by every
    /// wait on a socket (see [`BoundByDeadline`]).
    static EXCHANGE_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// ureq's default connector chain for this crate's features (HTTP CONNECT proxies, TCP,
/// rustls; no SOCKS), with every socket bound by the exchange's deadline, and every
/// failure marked as one that happened before the request was written: nothing of it
/// reached GoPay.
///
/// Through a proxy, [`ConnectProxyConnector`] runs this whole chain again to reach the
/// proxy, then writes the CONNECT and reads the answer on that connection; TLS to the
/// gateway then runs inside the tunnel. ureq hands every wait of that set-up the same
/// relative timeout, so a proxy dripping its answer a byte at a time could hold a call for
/// ever; below every one of them sits the TCP socket, bound by [`BoundByDeadline`].
fn connection_set_up() -> ConnectionSetUp<impl Connector<()>> {
    ConnectionSetUp(
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(BindToDeadline)
            .chain(RustlsConnector::default()),
    )
}

/// A connector chain whose failures are marked as not sent.
#[derive(Debug)]
struct ConnectionSetUp<C>(C);

impl<C: Connector<()>> Connector<()> for ConnectionSetUp<C> {
    type Out = Box<dyn UreqTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        match self.0.connect(details, chained) {
            Ok(transport) => Ok(transport.map(|t| Box::new(t) as Box<dyn UreqTransport>)),
            Err(error) => Err(not_sent(error)),
        }
    }
}

/// Follows [`TcpConnector`]: binds the socket it opened (`Either::B`) to the deadline, and
/// passes on what it passed on (`Either::A`: a proxy tunnel, whose socket is bound already).
#[derive(Debug)]
struct BindToDeadline;

impl<Earlier: UreqTransport, Opened: UreqTransport> Connector<Either<Earlier, Opened>>
    for BindToDeadline
{
    type Out = Either<Earlier, BoundByDeadline<Opened>>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<Either<Earlier, Opened>>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|transport| match transport {
            Either::A(earlier) => Either::A(earlier),
            Either::B(opened) => Either::B(BoundByDeadline(opened)),
        }))
    }
}

/// A socket whose every wait ends by the deadline of the exchange using it (read at each
/// wait, so a pooled connection serves each call by that call's deadline).
#[derive(Debug)]
struct BoundByDeadline<T>(T);

impl<T: UreqTransport> UreqTransport for BoundByDeadline<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, within_deadline(timeout)?)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(within_deadline(timeout)?)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// `timeout`, cut to what is left before the published deadline; ureq's timeout error
/// when nothing is left.
fn within_deadline(timeout: NextTimeout) -> Result<NextTimeout, ureq::Error> {
    let Some(deadline) = EXCHANGE_DEADLINE.with(Cell::get) else {
        return Ok(timeout);
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ureq::Error::Timeout(ureq::Timeout::Global));
    }
    let (after, reason) = if *timeout.after <= left {
        if timeout.after.is_not_happening() {
            return Ok(timeout);
        }
        (*timeout.after, timeout.reason)
    } else {
        (left, ureq::Timeout::Global)
    };
    Ok(NextTimeout {
        after: UreqDuration::Exact(round_up(after, SOCKET_TIMEOUT_STEP)),
        reason,
        ..timeout
    })
}

/// Socket timeouts are rounded up to this step, so that calls in a row hand a pooled
/// socket the same timeout and it is set once instead of twice a call (a system call
/// each); a wait may therefore end at most this much after the deadline.
const SOCKET_TIMEOUT_STEP: Duration = Duration::from_millis(10);

/// `duration` rounded up to a whole number of `step`s (or left as it is when that would
/// overflow: such a timeout never ends anyway).
fn round_up(duration: Duration, step: Duration) -> Duration {
    let step_nanos = step.as_nanos();
    let nanos = duration.as_nanos();
    let rounded = nanos.div_ceil(step_nanos) * step_nanos;
    match (
        u64::try_from(rounded / 1_000_000_000),
        u32::try_from(rounded % 1_000_000_000),
    ) {
        (Ok(secs), Ok(subsec)) => Duration::new(secs, subsec),
        _ => duration,
    }
}

/// Marks `error` as one that happened before the request left this machine (once: the
/// proxy's own connection is set up by a nested run of the same chain).
pub(crate) fn not_sent(error: ureq::Error) -> ureq::Error {
    match error {
        ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<NotSent>()) => {
            ureq::Error::Io(io)
        }
        other => ureq::Error::Io(std::io::Error::other(NotSent(Arc::new(other)))),
    }
}

/// A connection set-up failure carried through ureq inside an I/O error, so that the
/// classification below reads a type, not an error text.
#[derive(Debug)]
struct NotSent(Arc<ureq::Error>);

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for NotSent {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}

/// Maps a ureq error to [`Error::Transport`], deciding once whether the request may have
/// reached GoPay: only connection set-up failures and errors ureq raises before it opens a
/// connection mean it did not.
fn map_ureq_error(err: ureq::Error) -> Error {
    let (err, request_sent) = match err {
        ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<NotSent>()) => {
            let set_up = io
                .into_inner()
                .and_then(|inner| inner.downcast::<NotSent>().ok())
                .map(|not_sent| not_sent.0);
            match set_up {
                Some(inner) => (inner, false),
                None => unreachable!("checked to hold a NotSent above"),
            }
        }
        other => {
            let sent = !fails_before_connecting(&other);
            (Arc::new(other), sent)
        }
    };
    let timeout = match err.as_ref() {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        _ => false,
    };
    let message = match err.as_ref() {
        ureq::Error::HostNotFound => "could not resolve the gateway host".to_owned(),
        ureq::Error::ConnectionFailed => "could not connect to the gateway".to_owned(),
        ureq::Error::Timeout(_) if request_sent => {
            "timed out waiting for the gateway (the request may have reached it)".to_owned()
        }
        ureq::Error::Timeout(_) => "timed out connecting to the gateway".to_owned(),
        other if request_sent => other.to_string(),
        other => format!("could not connect to the gateway: {other}"),
    };
    Error::Transport {
        message,
        timeout,
        request_sent,
        source: Some(err),
    }
}

/// Errors ureq raises before it opens (or reuses) a connection.
fn fails_before_connecting(err: &ureq::Error) -> bool {
    matches!(
        err,
        ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::BadUri(_)
            | ureq::Error::TlsRequired
            | ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeout_of(after: Duration) -> NextTimeout {
        NextTimeout {
            after: UreqDuration::Exact(after),
            reason: ureq::Timeout::Connect,
            per_read: None,
            per_write: None,
        }
    }

    #[test]
    fn waits_are_cut_to_the_published_deadline() {
        let long = timeout_of(Duration::from_secs(30));
        // No exchange on this thread: ureq's own timeout.
        assert_eq!(within_deadline(long).unwrap(), long);
        {
            let _published =
                Published::new(&EXCHANGE_DEADLINE, Instant::now() + Duration::from_secs(1));
            let cut = within_deadline(long).unwrap();
            assert!(*cut.after <= Duration::from_secs(1), "{cut:?}");
            assert_eq!(cut.reason, ureq::Timeout::Global);
            // A shorter timeout of ureq's own stays.
            let short = timeout_of(Duration::from_millis(10));
            assert_eq!(within_deadline(short).unwrap(), short);
            let never = NextTimeout {
                after: UreqDuration::NotHappening,
                ..long
            };
            assert!(*within_deadline(never).unwrap().after <= Duration::from_secs(1));
            {
                let _nested = Published::new(&EXCHANGE_DEADLINE, Instant::now());
                assert!(matches!(
                    within_deadline(short),
                    Err(ureq::Error::Timeout(ureq::Timeout::Global))
                ));
            }
            assert!(within_deadline(long).is_ok(), "the outer deadline is back");
        }
        assert_eq!(within_deadline(long).unwrap(), long);
    }

    #[test]
    fn socket_timeouts_are_rounded_up_to_a_step_so_calls_in_a_row_share_one() {
        let step = SOCKET_TIMEOUT_STEP;
        assert_eq!(round_up(Duration::from_nanos(1), step), step);
        assert_eq!(round_up(step, step), step);
        assert_eq!(
            round_up(Duration::from_secs(30) - Duration::from_micros(70), step),
            Duration::from_secs(30)
        );
        assert_eq!(round_up(Duration::MAX, step), Duration::MAX, "no overflow");
        // Two calls a few microseconds apart, each with a 30 s deadline: the socket is
        // handed the same timeout, so ureq does not set it again.
        let long = timeout_of(Duration::from_secs(60));
        let first = {
            let _published =
                Published::new(&EXCHANGE_DEADLINE, Instant::now() + Duration::from_secs(30));
            within_deadline(long).unwrap()
        };
        let second = {
            let _published =
                Published::new(&EXCHANGE_DEADLINE, Instant::now() + Duration::from_secs(30));
            within_deadline(long).unwrap()
        };
        assert_eq!(*first.after, Duration::from_secs(30));
        assert_eq!(first, second);
    }

    #[test]
    fn a_nested_set_up_failure_is_marked_not_sent_once() {
        // The proxy's own connection fails inside a nested run of the chain.
        let twice = not_sent(not_sent(ureq::Error::Timeout(ureq::Timeout::Connect)));
        match map_ureq_error(twice) {
            Error::Transport {
                timeout,
                request_sent,
                message,
                ..
            } => {
                assert!(timeout && !request_sent, "{message}");
                assert_eq!(message, "timed out connecting to the gateway");
            }
            other => panic!("{other:?}"),
        }
        let unresolved = map_ureq_error(not_sent(not_sent(ureq::Error::HostNotFound)));
        assert!(
            unresolved.to_string().contains("could not resolve"),
            "{unresolved}"
        );
    }
}
