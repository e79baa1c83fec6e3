//! Deadlines as socket timeouts: what is left of an operation, in short slices.

use std::io;
use std::time::{Duration, Instant};

use super::NetError;

/// The longest single socket wait. The kernel rounds long socket timeouts up coarsely (by
/// up to an eighth of the wait), so a long wait is made of short slices, each followed by a
/// look at the deadline.
const WAIT_SLICE: Duration = Duration::from_millis(50);

/// The instant `timeout` from now, bounded by the deadline of the API call being served
/// ([`token_cache_deadline`](crate::token_cache_deadline)). Never overflows: a timeout too
/// long for the clock (`Duration::MAX`) leaves the call's deadline as the only bound.
pub(crate) fn deadline_after(timeout: Duration) -> Instant {
    deadline_within(timeout, crate::token_cache_deadline())
}

/// The instant `timeout` from now, bounded by `call` (the deadline of an API call), without
/// overflow.
pub(crate) fn deadline_within(timeout: Duration, call: Option<Instant>) -> Instant {
    let now = Instant::now();
    match (now.checked_add(timeout), call) {
        (Some(own), Some(call)) => own.min(call),
        (Some(own), None) => own,
        (None, Some(call)) => call,
        // Outside any call and with no bound of its own: as far off as the clock allows.
        (None, None) => far_future(now),
    }
}

/// The farthest instant from `now` the clock can express, at most about a century ahead.
fn far_future(now: Instant) -> Instant {
    let mut span = Duration::from_secs(100 * 365 * 24 * 3600);
    loop {
        if let Some(far) = now.checked_add(span) {
            return far;
        }
        span /= 2;
    }
}

/// What is left until `deadline`, or a timeout error once nothing is.
pub(crate) fn left(deadline: Instant) -> Result<Duration, NetError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(NetError::TimedOut)
    } else {
        Ok(left)
    }
}

/// The socket timeout of the next wait: what is left, in slices of [`WAIT_SLICE`].
pub(super) fn next_wait(deadline: Instant) -> Result<Option<Duration>, NetError> {
    Ok(Some(left(deadline)?.min(WAIT_SLICE)))
}

/// Whether a failed socket wait should simply be tried again: interrupted, or a slice that
/// ran out before the deadline (checked by the next [`next_wait`]).
pub(super) fn wait_again(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_timeout_gives_a_deadline_without_overflow() {
        let now = Instant::now();
        assert!(deadline_after(Duration::MAX) > now + Duration::from_secs(3600));
        assert!(deadline_after(Duration::ZERO) <= Instant::now());
        let call = now + Duration::from_millis(20);
        let bounded = crate::auth::with_deadline(call, || deadline_after(Duration::MAX));
        assert_eq!(bounded, call);
    }

    #[test]
    fn a_passed_deadline_leaves_nothing() {
        assert!(matches!(left(Instant::now()), Err(NetError::TimedOut)));
        let wait = next_wait(Instant::now() + Duration::from_secs(5)).unwrap();
        assert_eq!(wait, Some(WAIT_SLICE));
    }
}
