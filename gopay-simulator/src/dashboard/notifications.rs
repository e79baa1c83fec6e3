//! The notifications as the dashboard shows them. [`shown`] is the one place that reads the
//! notification log: the pages render only [`Shown`] and [`Attempt`], so a richer log
//! (a record per attempt) changes this file alone.

use gopay::PaymentState;

use crate::gateway::notify::Notification;
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
        self.finished && self.attempts.is_empty()
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

/// Every notification, oldest first.
pub(super) fn shown(shared: &Shared) -> Vec<Shown> {
    shared.notifier.log().into_iter().map(from_log).collect()
}

/// The log keeps, per notification, a count of attempts and the last attempt's status. The
/// earlier attempts were retried, so they did not get `200`; what they got is not kept.
fn from_log(notification: Notification) -> Shown {
    let count = notification.attempts;
    let attempts = (1..=count)
        .map(|number| {
            let last = number == count;
            let status = if last { notification.last_status } else { None };
            let error = match (last, status) {
                (false, _) => Some("not 200 (the answer is not kept)"),
                (true, None) => Some("no answer (refused or timed out)"),
                (true, Some(_)) => None,
            };
            Attempt {
                at: None,
                status,
                duration_ms: None,
                error: error.map(str::to_owned),
            }
        })
        .collect();
    Shown {
        payment_id: notification.payment_id,
        url: notification.url,
        state: notification.state,
        delivered: notification.delivered,
        finished: notification.finished,
        attempts,
    }
}
