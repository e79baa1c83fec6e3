//! What the simulator keeps of each notification: plain data (serialisable, so a saved state
//! can hold it), read by the control API, the Rust API and the dashboard alike; and the call
//! each attempt makes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use gopay::v4::ChargeState;
use gopay::PaymentState;
use serde_json::json;

use super::attempt::Call;
use super::{NotificationApi, NotificationMethod};

/// One notification: what caused it, every attempt to deliver it, and what comes next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NotificationRecord {
    /// Counts from 1 in the order notifications were made (again from 1 after a reset).
    pub(crate) id: u64,
    pub(crate) payment_id: u64,
    /// The URL called: the payment's `notification_url` with `id=<payment id>` added (as
    /// given, for a POST).
    pub(crate) url: String,
    /// The payment's API (saved states from before v4 notifications hold v3 ones only).
    #[serde(default)]
    pub(crate) api: NotificationApi,
    /// How the shop is called.
    #[serde(default)]
    pub(crate) method: NotificationMethod,
    /// The state that caused it (the payment's state when it was made).
    pub(crate) payment_state: PaymentState,
    /// API v4: the state of the payment's charge then, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) charge_state: Option<ChargeState>,
    /// Every attempt so far, oldest first.
    pub(crate) attempts: Vec<AttemptRecord>,
    /// Whether an attempt was answered `200`.
    pub(crate) delivered: bool,
    /// Whether no attempt will follow: delivered, out of attempts, or never sent.
    pub(crate) finished: bool,
    /// Whether it may be sent at all: `false` when its host is not allowed (or no attempts
    /// are allowed); such a notification is finished with no attempt.
    pub(crate) sent: bool,
    /// When the next attempt falls due on the test clock, in milliseconds since the Unix
    /// epoch; `None` when finished or while an attempt is under way.
    pub(crate) next_attempt_ms: Option<u64>,
}

/// One attempt to deliver a notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AttemptRecord {
    /// When it started on the test clock, in milliseconds since the Unix epoch.
    pub(crate) at_ms: u64,
    /// The shop's HTTP status; `None` when there was no answer.
    pub(crate) status: Option<u16>,
    /// How long it took in real time, in whole milliseconds.
    pub(crate) duration_ms: u64,
    /// Why there was no answer (`refused`, `timeout`, …); `None` when there was one.
    pub(crate) error: Option<String>,
}

impl NotificationRecord {
    /// The status of the last attempt, when it got an answer.
    pub(crate) fn last_status(&self) -> Option<u16> {
        self.attempts.last().and_then(|attempt| attempt.status)
    }

    /// What each attempt sends: a GET of the URL, or a POST of `{"id": "<payment id>"}`
    /// (v4 writes ids as strings).
    pub(crate) fn call(&self) -> Call {
        let body = match self.method {
            NotificationMethod::Get => None,
            NotificationMethod::Post => {
                Some(json!({ "id": self.payment_id.to_string() }).to_string())
            }
        };
        Call {
            url: self.url.clone(),
            body,
        }
    }
}

impl AttemptRecord {
    /// When it started on the test clock.
    pub(crate) fn at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.at_ms)
    }
}

/// `time` in whole milliseconds since the Unix epoch (0 before it).
pub(crate) fn epoch_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_plain_data() {
        let record = NotificationRecord {
            id: 1,
            payment_id: 3_000_000_001,
            url: "http://127.0.0.1:1/n?id=3000000001".into(),
            api: NotificationApi::V3,
            method: NotificationMethod::Get,
            payment_state: PaymentState::Paid,
            charge_state: None,
            attempts: vec![AttemptRecord {
                at_ms: 1_741_079_722_481,
                status: None,
                duration_ms: 2,
                error: Some("refused".into()),
            }],
            delivered: false,
            finished: false,
            sent: true,
            next_attempt_ms: Some(1_741_079_722_531),
        };
        let text = serde_json::to_string(&record).unwrap();
        assert!(text.contains(r#""payment_state":"PAID""#), "{text}");
        let back: NotificationRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back, record);
        assert_eq!(epoch_ms(record.attempts[0].at()), 1_741_079_722_481);
        assert_eq!(epoch_ms(UNIX_EPOCH - Duration::from_secs(1)), 0);
        assert_eq!(record.call().body, None);
    }

    #[test]
    fn a_record_saved_before_v4_reads_as_v3_and_a_post_sends_the_id() {
        let old = r#"{"id":1,"payment_id":7,"url":"http://127.0.0.1:1/n?id=7",
            "payment_state":"PAID","attempts":[],"delivered":false,"finished":false,
            "sent":true,"next_attempt_ms":null}"#;
        let mut record: NotificationRecord = serde_json::from_str(old).unwrap();
        assert_eq!(
            (record.api, record.method, record.charge_state.clone()),
            (NotificationApi::V3, NotificationMethod::Get, None)
        );
        record.api = NotificationApi::V4;
        record.method = NotificationMethod::Post;
        record.charge_state = Some(ChargeState::Failed);
        let text = serde_json::to_string(&record).unwrap();
        assert!(
            text.contains(r#""api":"v4","method":"POST""#)
                && text.contains(r#""charge_state":"FAILED""#),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<NotificationRecord>(&text).unwrap(),
            record
        );
        assert_eq!(record.call().body.as_deref(), Some(r#"{"id":"7"}"#));
    }
}
