//! When a failed exchange may be repeated, and how long to wait first.
//!
//! Repeating must never charge twice: GETs (and token requests, which create nothing) are
//! repeated after transport failures, 5xx and 429 answers; any request is repeated when it
//! provably never left this machine (DNS, connect, TLS handshake). A POST or DELETE that
//! reached GoPay is never repeated: GoPay has no idempotency key.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;

/// Default number of repetitions after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first backoff; it doubles with each repetition.
pub const DEFAULT_RETRY_BASE: Duration = Duration::from_millis(200);
/// Default longest backoff, also the most a `Retry-After` is honoured for.
pub const DEFAULT_RETRY_CAP: Duration = Duration::from_secs(2);

/// The retry settings of a client.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base: DEFAULT_RETRY_BASE,
            cap: DEFAULT_RETRY_CAP,
        }
    }
}

impl RetryPolicy {
    /// The pause before repetition number `retry` (1-based): "full jitter", a random
    /// duration up to `base * 2^(retry-1)`, capped; a server's `Retry-After` wins, up to
    /// the cap.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.cap);
        }
        let ceiling = self
            .base
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.cap);
        ceiling.mul_f64(jitter())
    }
}

/// Whether an answer with `status` to a repeatable request is worth repeating.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// Whether a transport error happened before the request left this machine (name lookup,
/// connection set-up, TLS handshake; classified in [`super::failure`]): then even a payment
/// can be sent again safely.
pub(crate) fn failed_before_sending(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport {
            request_sent: false,
            ..
        }
    )
}

/// A number in [0, 1): splitmix64 over time and a counter. Only spreads retries apart;
/// nothing secret depends on it.
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let mut z = STATE
        .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
        .wrapping_add(nanos);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for _ in 0..200 {
            assert!(policy.backoff(1, None) <= Duration::from_millis(200));
            assert!(policy.backoff(2, None) <= Duration::from_millis(400));
            assert!(policy.backoff(40, None) <= Duration::from_secs(2));
        }
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(120))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn jitter_spreads_values() {
        let values: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.iter().any(|v| *v < 0.5) && values.iter().any(|v| *v >= 0.5));
    }

    #[test]
    fn statuses_worth_repeating() {
        assert!(is_retryable_status(500) && is_retryable_status(503) && is_retryable_status(429));
        assert!(
            !is_retryable_status(400) && !is_retryable_status(404) && !is_retryable_status(409)
        );
    }
}
