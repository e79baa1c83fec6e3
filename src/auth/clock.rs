//! The token manager's clock: the real one, or in unit tests one that can be moved forward,
//! so that tests of expiry and refresh timing need no sleeping.

use std::time::{Instant, SystemTime};

#[cfg(test)]
use std::{sync::Arc, time::Duration};

/// Wall-clock and monotonic time, read together.
#[derive(Clone, Default)]
pub(crate) struct Clock {
    /// How far a test has moved this clock ahead of the real one.
    #[cfg(test)]
    ahead: Option<Arc<parking_lot::Mutex<Duration>>>,
}

impl Clock {
    pub(crate) fn system(&self) -> SystemTime {
        let now = SystemTime::now();
        #[cfg(test)]
        if let Some(ahead) = &self.ahead {
            return now + *ahead.lock();
        }
        now
    }

    pub(crate) fn instant(&self) -> Instant {
        let now = Instant::now();
        #[cfg(test)]
        if let Some(ahead) = &self.ahead {
            return now + *ahead.lock();
        }
        now
    }

    /// A clock that [`advance`](Clock::advance) moves forward.
    #[cfg(test)]
    pub(crate) fn manual() -> Clock {
        Clock {
            ahead: Some(Arc::default()),
        }
    }

    /// Moves a manual clock `by` ahead, both its wall-clock and its monotonic time.
    #[cfg(test)]
    pub(crate) fn advance(&self, by: Duration) {
        let ahead = self.ahead.as_ref().expect("a manual clock");
        *ahead.lock() += by;
    }
}
