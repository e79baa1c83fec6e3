//! GoPay's notifications: an HTTP GET of `notification_url?id=<payment id>` after a state
//! change (for API v4 payments, a GET or a POST as configured), repeated on a growing
//! schedule until the shop answers `200` ([`schedule`]), made by background threads
//! ([`sender`]) and kept with every attempt ([`record`]) for the control API, the Rust API
//! and the dashboard to show. Both APIs' notifications go through this one machinery.

pub(crate) mod attempt;
pub(crate) mod hosts;
pub(crate) mod kept;
pub(crate) mod record;
pub(crate) mod schedule;
pub(crate) mod sender;

use std::time::{Duration, SystemTime};

use gopay::v4::ChargeState;
use gopay::PaymentState;
use serde::{Deserialize, Serialize};

pub(crate) use record::NotificationRecord;
pub(crate) use sender::{Notifier, Pacing};

/// One notification the simulator made for an e-shop, with every attempt to deliver it.
///
/// The simulator sends notifications only to loopback hosts (`127.0.0.0/8`, `[::1]`,
/// `localhost` and names under it such as `shop.localhost`; never a URL with user info) and
/// the [notification hosts](crate::SimulatorBuilder::notify_hosts), since it is meant to
/// stay offline; one for any other host is recorded with `sent == false`, no attempt and
/// `finished == true`, and never sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// Counts from 1 in the order notifications were made (again from 1 after
    /// [`reset`](crate::Simulator::reset)).
    pub id: u64,
    /// The URL called: the payment's `callback.notification_url` with `id=<payment id>`
    /// added to its query; for a POST, the `notification_url` as the shop gave it.
    pub url: String,
    /// The API of the payment: [`V3`](NotificationApi::V3), or [`V4`](NotificationApi::V4)
    /// for a payment created under `/gp-gw/api/4.0`.
    pub api: NotificationApi,
    /// How the shop is called: always [`Get`](NotificationMethod::Get) for API v3; for API
    /// v4 as [`SimulatorBuilder::v4_notifications`](crate::SimulatorBuilder::v4_notifications)
    /// says.
    pub method: NotificationMethod,
    /// The payment the notification is about.
    pub payment_id: u64,
    /// The state that caused it (what a status call would have shown then).
    pub state: PaymentState,
    /// API v4 only: the state of the payment's charge then, when it has one (`FAILED` for
    /// a notification of a failed charge, whose payment stays `CREATED`).
    pub charge_state: Option<ChargeState>,
    /// How many times the URL was called so far (the length of
    /// [`history`](Notification::history)).
    pub attempts: u32,
    /// Every attempt so far, oldest first.
    pub history: Vec<NotificationAttempt>,
    /// Whether an attempt was answered `200`.
    pub delivered: bool,
    /// Whether no further attempt will be made: delivered, out of attempts, or not sent.
    pub finished: bool,
    /// Whether it may be sent at all: `false` when its host is not allowed (or
    /// [`notification_attempts`](crate::SimulatorBuilder::notification_attempts) is 0).
    pub sent: bool,
    /// The HTTP status of the last attempt; `None` before the first answer or when the last
    /// attempt got none (connection refused, timeout).
    pub last_status: Option<u16>,
}

/// One attempt to deliver a [`Notification`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotificationAttempt {
    /// When it started, on the simulator's test clock
    /// ([`advance_clock`](crate::Simulator::advance_clock) moves it).
    pub at: SystemTime,
    /// The shop's HTTP status; `None` when there was no answer.
    pub status: Option<u16>,
    /// How long it took (real time, whole milliseconds).
    pub duration: Duration,
    /// Why there was no answer: `refused`, `timeout`, `closed without an answer`,
    /// `host not found`, `not an HTTP answer`, or another short reason; `None` when the
    /// shop answered.
    pub error: Option<String>,
}

impl From<&NotificationRecord> for Notification {
    fn from(record: &NotificationRecord) -> Notification {
        Notification {
            id: record.id,
            url: record.url.clone(),
            api: record.api,
            method: record.method,
            payment_id: record.payment_id,
            state: record.payment_state.clone(),
            charge_state: record.charge_state.clone(),
            attempts: u32::try_from(record.attempts.len()).unwrap_or(u32::MAX),
            history: record
                .attempts
                .iter()
                .map(|attempt| NotificationAttempt {
                    at: attempt.at(),
                    status: attempt.status,
                    duration: Duration::from_millis(attempt.duration_ms),
                    error: attempt.error.clone(),
                })
                .collect(),
            delivered: record.delivered,
            finished: record.finished,
            sent: record.sent,
            last_status: record.last_status(),
        }
    }
}

/// Which of GoPay's APIs a [`Notification`] belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum NotificationApi {
    /// REST API v3 (`/api`).
    #[default]
    V3,
    /// API v4 (`/gp-gw/api/4.0`).
    V4,
}

impl NotificationApi {
    /// `"v3"` or `"v4"`, as the control API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationApi::V3 => "v3",
            NotificationApi::V4 => "v4",
        }
    }
}

/// The HTTP method a [`Notification`] calls the shop with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum NotificationMethod {
    /// `GET {notification_url}?id={payment id}`, no body.
    #[default]
    Get,
    /// `POST {notification_url}` with the JSON body `{"id": "<payment id>"}`.
    Post,
}

impl NotificationMethod {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationMethod::Get => "GET",
            NotificationMethod::Post => "POST",
        }
    }
}

/// A notification to send, produced by a state change.
#[derive(Clone, Debug)]
pub(crate) struct Notice {
    pub(crate) notification_url: String,
    pub(crate) payment_id: u64,
    pub(crate) state: PaymentState,
    pub(crate) api: NotificationApi,
    pub(crate) method: NotificationMethod,
    /// API v4: the payment's charge state then.
    pub(crate) charge_state: Option<ChargeState>,
}

impl Notice {
    /// A notification of a v3 payment: always a GET.
    pub(crate) fn v3(notification_url: String, payment_id: u64, state: PaymentState) -> Notice {
        Notice {
            notification_url,
            payment_id,
            state,
            api: NotificationApi::V3,
            method: NotificationMethod::Get,
            charge_state: None,
        }
    }
}
