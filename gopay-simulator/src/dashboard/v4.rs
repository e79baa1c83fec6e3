//! What the dashboard shows of API v4's payments, copied out of the v4 state (settled to the
//! test clock's now first, as every v4 request settles it) so that no lock is held while a
//! page is rendered.

use std::time::SystemTime;

use super::view::Row;
use super::Action;
use crate::gateway::v4::notices;
use crate::gateway::v4::state::{Payment, V4State};
use crate::state::shared::Shared;
use crate::state::store::PAYMENT_TIMEOUT;

/// A v4 payment as its page shows it.
pub(super) struct V4Detail {
    pub(super) row: Row,
    /// The payment as `GET /payments/{id}` answers it, pretty JSON.
    pub(super) payment: String,
    pub(super) gw_url: String,
    pub(super) charge: Option<ChargeView>,
    pub(super) refunds: Vec<RefundView>,
    /// The buttons the payment's state allows.
    pub(super) actions: Vec<Action>,
}

/// A v4 payment's charge.
pub(super) struct ChargeView {
    pub(super) id: String,
    pub(super) state: &'static str,
    pub(super) input_type: &'static str,
    pub(super) masked_pan: Option<String>,
    /// The 3-D Secure action's state.
    pub(super) action: Option<&'static str>,
    /// The 3-D Secure page, while its challenge waits.
    pub(super) challenge_url: Option<String>,
    /// Why it failed, once it has.
    pub(super) fail_reason: Option<String>,
    /// When a `PROCESSING` charge settles, on the test clock.
    pub(super) settles: Option<SystemTime>,
}

/// A v4 refund.
pub(super) struct RefundView {
    pub(super) id: String,
    pub(super) amount: i64,
    pub(super) state: &'static str,
    pub(super) created: SystemTime,
    /// When it settled.
    pub(super) updated: Option<SystemTime>,
}

/// `read` on the v4 state settled to the test clock's now.
fn settled<T>(shared: &Shared, read: impl FnOnce(&V4State) -> T) -> T {
    let now = shared.store.lock().now();
    // Through the notifying lock: what settles while the dashboard is open notifies then.
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    read(&v4)
}

/// Every v4 payment as the list shows it.
pub(super) fn rows(shared: &Shared) -> Vec<Row> {
    settled(shared, |v4| v4.payments.values().map(row).collect())
}

fn row(payment: &Payment) -> Row {
    Row {
        id: payment.id.clone(),
        v4: true,
        order_number: payment.order_number.clone(),
        amount: payment.amount,
        currency: payment.currency.clone(),
        state: payment.state.to_owned(),
        // Every v4 charge is a card's (wallets pay by card too).
        instrument: payment.charge.as_ref().map(|_| "PAYMENT_CARD".to_owned()),
        charge: payment.charge.as_ref().map(|c| c.state.to_owned()),
        created: created(payment),
    }
}

/// When `payment` was created: v4 keeps when it times out, which is [`PAYMENT_TIMEOUT`]
/// after its creation and never moves.
fn created(payment: &Payment) -> SystemTime {
    payment
        .deadline
        .checked_sub(PAYMENT_TIMEOUT)
        .unwrap_or(payment.deadline)
}

/// V4 payment `id`, or `None` when the simulator has no such v4 payment.
pub(super) fn detail(shared: &Shared, id: &str) -> Option<V4Detail> {
    settled(shared, |v4| {
        let payment = v4.payments.get(id)?;
        let charge = payment.charge.as_ref().map(|charge| ChargeView {
            id: charge.id.clone(),
            state: charge.state,
            input_type: charge.input_type,
            masked_pan: charge.masked_pan.clone(),
            action: charge.action,
            challenge_url: charge
                .redirect_url
                .clone()
                .filter(|_| charge.state == "ACTION_REQUIRED"),
            fail_reason: charge
                .fail_reason
                .clone()
                .filter(|_| charge.state == "FAILED"),
            settles: charge.due.map(|(at, _)| at),
        });
        let refunds = v4
            .refunds_of(id)
            .map(|refund| RefundView {
                id: refund.id.clone(),
                amount: refund.amount,
                state: refund.state,
                created: refund.created,
                updated: refund.updated,
            })
            .collect();
        Some(V4Detail {
            row: row(payment),
            payment: serde_json::to_string_pretty(&payment.json()).unwrap_or_default(),
            gw_url: payment.gw_url.clone(),
            charge,
            refunds,
            actions: actions(payment),
        })
    })
}

/// What the control API lets a developer do to `payment` now: answer a waiting 3-D Secure
/// challenge, and pay, cancel or expire it while it is `CREATED`.
fn actions(payment: &Payment) -> Vec<Action> {
    let mut actions = Vec::new();
    let challenge = payment
        .charge
        .as_ref()
        .is_some_and(|c| c.state == "ACTION_REQUIRED");
    if challenge {
        actions.extend([Action::Approve, Action::Decline]);
    }
    if payment.state == "CREATED" {
        actions.extend([Action::Pay, Action::Cancel, Action::Expire]);
    }
    actions
}
