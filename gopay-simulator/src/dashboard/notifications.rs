//! The notifications as the dashboard shows them: [`shown`] reads the notification log
//! through the control API's own list, [`dropped`] how many the bound dropped, and the pages
//! render only [`Shown`], [`Attempt`] and [`Dropped`].

use gopay::PaymentState;

use crate::control::ops;
use crate::gateway::notify::NotificationRecord;
use crate::state::clock::rfc3339;
use crate::state::shared::Shared;

/// One notification.
pub(super) struct Shown {
    pub(super) payment_id: u64,
    pub(super) url: String,
    /// The state that caused it.
    pub(super) state: PaymentState,
    /// An attempt got `200`.
    pub(super) delivered: bool,
    /// No attempt will follow.
    pub(super) finished: bool,
    /// `false` when its host is not one the simulator calls.
    pub(super) sent: bool,
    /// Oldest first.
    pub(super) attempts: Vec<Attempt>,
}

/// One call of the shop's notification URL.
pub(super) struct Attempt {
    /// When it was made (RFC 3339), when known.
    pub(super) at: Option<String>,
    /// The shop's HTTP status; `None` when there was none, or it was not kept.
    pub(super) status: Option<u16>,
    pub(super) duration_ms: Option<u64>,
    /// Why there is no status.
    pub(super) error: Option<String>,
}

impl Shown {
    /// Whether it was never sent: its host is not one the simulator calls.
    pub(super) fn unsent(&self) -> bool {
        !self.sent
    }

    /// Its outcome in a word or two (a notification to a host the simulator does not call
    /// is "not sent").
    pub(super) fn outcome(&self) -> &'static str {
        if self.delivered {
            "delivered"
        } else if self.unsent() {
            "not sent"
        } else if self.finished {
            "given up"
        } else if self.attempts.is_empty() {
            "sending"
        } else {
            "retrying"
        }
    }
}

/// How many notifications were dropped to keep the bound, and the bound.
pub(super) struct Dropped {
    pub(super) count: u64,
    pub(super) max: usize,
}

/// How many notifications were dropped so far.
pub(super) fn dropped(shared: &Shared) -> Dropped {
    Dropped {
        count: shared.notifier.dropped(),
        max: shared.notifier.max_kept(),
    }
}

/// Every notification kept, oldest first (the one list the control API also answers).
pub(super) fn shown(shared: &Shared) -> Vec<Shown> {
    ops::notifications(shared, None)
        .unwrap_or_default()
        .into_iter()
        .map(from_log)
        .collect()
}

/// A notification as the log keeps it: every attempt with its time, status and error.
fn from_log(record: NotificationRecord) -> Shown {
    let attempts = record
        .attempts
        .iter()
        .map(|attempt| Attempt {
            at: Some(rfc3339(attempt.at())),
            status: attempt.status,
            duration_ms: Some(attempt.duration_ms),
            error: attempt.error.clone(),
        })
        .collect();
    Shown {
        payment_id: record.payment_id,
        url: record.url,
        state: record.payment_state,
        delivered: record.delivered,
        finished: record.finished,
        sent: record.sent,
        attempts,
    }
}
