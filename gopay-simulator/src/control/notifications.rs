//! The control API's notifications: `GET /_simulator/notifications`,
//! `GET /_simulator/payments/{id}/notifications` and `POST /_simulator/payments/{id}/notify`,
//! each notification as JSON in the shape DESIGN pins (`id`, `payment_id`, `url`,
//! `payment_state`, `attempts[]`, `delivered`, `finished`, `sent`).

use serde_json::{json, Value};

use super::ops;
use crate::gateway::notify::NotificationRecord;
use crate::gateway::responses::{Refusal, Reply};
use crate::state::clock::rfc3339;
use crate::state::shared::Shared;

/// Every notification (with `payment`, only that payment's), oldest first.
pub(crate) fn list(shared: &Shared, payment: Option<u64>) -> Result<Reply, Refusal> {
    let records = ops::notifications(shared, payment).map_err(|denied| denied.into_refusal())?;
    Ok(Reply::ok(&records.iter().map(to_json).collect::<Vec<_>>()))
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
    json!({
        "id": record.id,
        "payment_id": record.payment_id,
        "url": record.url,
        "payment_state": record.payment_state,
        "attempts": attempts,
        "delivered": record.delivered,
        "finished": record.finished,
        "sent": record.sent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::notify::record::AttemptRecord;
    use gopay::PaymentState;

    #[test]
    fn the_pinned_shape() {
        let record = NotificationRecord {
            id: 3,
            payment_id: 3_000_000_001,
            url: "http://127.0.0.1:9/n?id=3000000001".into(),
            payment_state: PaymentState::Paid,
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
}
