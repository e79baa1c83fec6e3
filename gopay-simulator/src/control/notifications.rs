//! The control API's notifications: `GET /_simulator/notifications`,
//! `GET /_simulator/payments/{id}/notifications` and `POST /_simulator/payments/{id}/notify`,
//! each notification as JSON in the shape DESIGN pins (`id`, `payment_id`, `url`,
//! `payment_state`, `attempts[]`, `delivered`, `finished`, `sent`); an API v4 payment's
//! also has `api` (`"v4"`), `method` and `charge_state`. The lists say in a header how many
//! notifications the bound dropped.

use serde_json::{json, Value};

use super::ops;
use crate::gateway::notify::{NotificationApi, NotificationRecord};
use crate::gateway::responses::{Refusal, Reply};
use crate::state::clock::rfc3339;
use crate::state::shared::Shared;

/// The header that tells how many notifications the simulator dropped to keep its bound
/// (the list stays a bare array, as pinned).
pub(crate) const DROPPED_HEADER: &str = "x-simulator-notifications-dropped";

/// Every notification kept (with `payment`, only that payment's), oldest first; the
/// [`DROPPED_HEADER`] counts the ones dropped, of every payment.
pub(crate) fn list(shared: &Shared, payment: Option<u64>) -> Result<Reply, Refusal> {
    let records = ops::notifications(shared, payment).map_err(|denied| denied.into_refusal())?;
    Ok(Reply {
        count: Some((DROPPED_HEADER, shared.notifier.dropped())),
        ..Reply::ok(&records.iter().map(to_json).collect::<Vec<_>>())
    })
}

/// Sends the payment's notification again; answers the new one after its first attempt.
pub(crate) fn resend(shared: &Shared, id: u64) -> Result<Reply, Refusal> {
    let record = ops::notify(shared, id).map_err(|denied| denied.into_refusal())?;
    Ok(Reply::ok(&to_json(&record)))
}

/// One notification as the control API shows it.
pub(crate) fn to_json(record: &NotificationRecord) -> Value {
    let attempts: Vec<Value> = record
        .attempts
        .iter()
        .map(|attempt| {
            json!({
                "at": rfc3339(attempt.at()),
                "status": attempt.status,
                "duration_ms": attempt.duration_ms,
                "error": attempt.error,
            })
        })
        .collect();
    let mut shown = json!({
        "id": record.id,
        "payment_id": record.payment_id,
        "url": record.url,
        "payment_state": record.payment_state,
        "attempts": attempts,
        "delivered": record.delivered,
        "finished": record.finished,
        "sent": record.sent,
    });
    // v3's shape stays as pinned; v4's says which API, how it was sent, and the charge.
    if record.api == NotificationApi::V4 {
        shown["api"] = json!(record.api.as_str());
        shown["method"] = json!(record.method.as_str());
        shown["charge_state"] = json!(record.charge_state);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::notify::record::AttemptRecord;
    use crate::gateway::notify::NotificationMethod;
    use gopay::v4::ChargeState;
    use gopay::PaymentState;

    #[test]
    fn the_pinned_shape() {
        let record = NotificationRecord {
            id: 3,
            payment_id: 3_000_000_001,
            url: "http://127.0.0.1:9/n?id=3000000001".into(),
            api: NotificationApi::V3,
            method: NotificationMethod::Get,
            payment_state: PaymentState::Paid,
            charge_state: None,
            attempts: vec![
                AttemptRecord {
                    at_ms: 1_741_079_722_481,
                    status: None,
                    duration_ms: 1,
                    error: Some("refused".into()),
                },
                AttemptRecord {
                    at_ms: 1_741_079_722_531,
                    status: Some(200),
                    duration_ms: 4,
                    error: None,
                },
            ],
            delivered: true,
            finished: true,
            sent: true,
            next_attempt_ms: None,
        };
        assert_eq!(
            to_json(&record),
            json!({
                "id": 3,
                "payment_id": 3_000_000_001_u64,
                "url": "http://127.0.0.1:9/n?id=3000000001",
                "payment_state": "PAID",
                "attempts": [
                    {"at": "2025-03-04T09:15:22.481Z", "status": null, "duration_ms": 1,
                     "error": "refused"},
                    {"at": "2025-03-04T09:15:22.531Z", "status": 200, "duration_ms": 4,
                     "error": null},
                ],
                "delivered": true,
                "finished": true,
                "sent": true,
            })
        );
    }

    #[test]
    fn a_v4_notification_says_so() {
        let record = NotificationRecord {
            id: 1,
            payment_id: 9_400_000_001,
            url: "http://127.0.0.1:9/n".into(),
            api: NotificationApi::V4,
            method: NotificationMethod::Post,
            payment_state: PaymentState::Created,
            charge_state: Some(ChargeState::Failed),
            attempts: Vec::new(),
            delivered: false,
            finished: true,
            sent: false,
            next_attempt_ms: None,
        };
        let shown = to_json(&record);
        assert_eq!(
            (&shown["api"], &shown["method"], &shown["charge_state"]),
            (&json!("v4"), &json!("POST"), &json!("FAILED"))
        );
        assert_eq!(shown["payment_state"], "CREATED");
        assert_eq!(shown.as_object().unwrap().len(), 11, "{shown}");
    }
}
