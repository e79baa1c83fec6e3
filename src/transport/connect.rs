//! Connections to the gateway: ureq's connector chain (HTTP CONNECT proxy, TCP, rustls)
//! with every wait on a socket bound by the deadline of the exchange using it, and every
//! set-up failure marked as one that happened before anything was sent.

use std::cell::Cell;
use std::time::{Duration, Instant};

use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, NextTimeout,
    RustlsConnector, TcpConnector, Transport as UreqTransport,
};

use super::failure::not_sent;

thread_local! {
    /// The deadline of the exchange [`Transport::send`] runs on this thread, read by every
    /// wait on a socket (see [`BoundByDeadline`]).
    pub(super) static EXCHANGE_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
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
pub(super) fn connection_set_up() -> impl Connector<(), Out = Box<dyn UreqTransport>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Published;

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
}
