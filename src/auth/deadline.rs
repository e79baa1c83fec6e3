//! The deadline of the API call on whose behalf a [`TokenCache`](super::TokenCache) runs.
//!
//! The client calls its token cache on the calling thread, inside an API call that must
//! return by its deadline. The trait's methods take no deadline (a cache that only stores
//! and loads needs none), so the client publishes it here for the duration of each cache
//! call; caches that do I/O bound it by [`token_cache_deadline`].

use std::cell::Cell;
use std::thread::LocalKey;
use std::time::Instant;

thread_local! {
    static CURRENT: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The instant by which the API call that is consulting the token cache on this thread must
/// return, or `None` outside such a call.
///
/// A [`TokenCache`](crate::TokenCache) that talks to a server or a disk bounds every wait by
/// it, so that a slow cache can never hold a payment past the client's timeout: when the
/// time is up, give up and return an error (the client then counts the look-up as a miss).
///
/// ```
/// use std::time::{Duration, Instant};
///
/// /// What a cache may still spend on one command: its own bound, or less when the call
/// /// it serves has less left.
/// fn budget(own_bound: Duration) -> Duration {
///     match gopay::token_cache_deadline() {
///         Some(deadline) => own_bound.min(deadline.saturating_duration_since(Instant::now())),
///         None => own_bound,
///     }
/// }
/// assert_eq!(budget(Duration::from_millis(500)), Duration::from_millis(500));
/// ```
pub fn token_cache_deadline() -> Option<Instant> {
    CURRENT.with(Cell::get)
}

/// Runs `f` with `deadline` published to the token cache, restoring the previous value after
/// (also when `f` unwinds).
pub(crate) fn with_deadline<T>(deadline: Instant, f: impl FnOnce() -> T) -> T {
    let _published = Published::new(&CURRENT, deadline);
    f()
}

/// A deadline published in a thread-local cell while this lives; the cell's previous value
/// comes back when it is dropped (also when unwinding), so publications nest.
pub(crate) struct Published {
    cell: &'static LocalKey<Cell<Option<Instant>>>,
    previous: Option<Instant>,
}

impl Published {
    pub(crate) fn new(
        cell: &'static LocalKey<Cell<Option<Instant>>>,
        deadline: Instant,
    ) -> Published {
        Published {
            cell,
            previous: cell.with(|current| current.replace(Some(deadline))),
        }
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        self.cell.with(|current| current.set(self.previous));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn published_only_inside_and_restored_after_a_panic() {
        assert_eq!(token_cache_deadline(), None);
        let deadline = Instant::now() + Duration::from_secs(1);
        with_deadline(deadline, || {
            assert_eq!(token_cache_deadline(), Some(deadline))
        });
        assert_eq!(token_cache_deadline(), None);
        let unwound = std::panic::catch_unwind(|| with_deadline(deadline, || panic!("cache")));
        assert!(unwound.is_err());
        assert_eq!(token_cache_deadline(), None);
    }
}
