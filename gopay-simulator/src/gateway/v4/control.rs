//! The control API's actions on v4 payments and refunds: the customer's actions (`pay`,
//! `cancel`, `expire`, `approve`, `decline` the 3DS challenge, `fail` the charge) and
//! settling a refund (`succeed`, `fail`), suspending and reactivating a card token
//! (`suspend`, `activate`), each answering the payment, refund or card as v4 does.

use std::time::SystemTime;

use crate::gateway::responses::Reply;
use crate::gateway::v4::errors::V4Error;
use crate::gateway::v4::notices;
use crate::gateway::v4::state::{finish_charge, quoted, Charge, Outcome, V4State};
use crate::state::shared::Shared;

/// The answer to `POST /_simulator/payments/{id}/{action}` when `id` is a v4 payment;
/// `None` when it is not (v3 answers then).
pub(crate) fn payment_action(shared: &Shared, id: &str, action: &str) -> Option<Reply> {
    with_payment(shared, id, |v4, now| {
        let path = format!("/_simulator/payments/{id}/{action}");
        match act(v4, id, action, now).and_then(|()| v4.payment(id).map(|p| p.json())) {
            Ok(payment) => Reply::ok(&payment),
            Err(error) => error.reply(&path, now),
        }
    })
}

/// Runs `action` (as `POST /_simulator/payments/{id}/{action}` names it) on v4 payment `id`,
/// for the dashboard's buttons: `None` when `id` is not a v4 payment, else why the action
/// was refused, if it was.
pub(crate) fn perform(shared: &Shared, id: &str, action: &str) -> Option<Result<(), V4Error>> {
    with_payment(shared, id, |v4, now| act(v4, id, action, now))
}

/// `then` on the v4 state settled to now, when it holds payment `id`.
fn with_payment<T>(
    shared: &Shared,
    id: &str,
    then: impl FnOnce(&mut V4State, SystemTime) -> T,
) -> Option<T> {
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    v4.payments.contains_key(id).then(|| then(&mut v4, now))
}

/// The customer's (or the test's) `action` on payment `id`: the one implementation behind
/// the control API and the customer page.
pub(crate) fn act(
    v4: &mut V4State,
    id: &str,
    action: &str,
    now: SystemTime,
) -> Result<(), V4Error> {
    let charge_id = v4.next_id();
    let payment = v4.payment(id)?;
    let pending = payment
        .charge
        .as_ref()
        .is_some_and(|c| matches!(c.state, "REQUESTED" | "PROCESSING" | "ACTION_REQUIRED"));
    let waiting = payment.state == "CREATED";
    match action {
        "approve" => payment.authenticate(true, now),
        "decline" => payment.authenticate(false, now),
        "pay" if pending => {
            finish_charge(payment, Outcome::Succeed, now);
            Ok(())
        }
        "pay" if waiting => {
            // Paid without a charge through the API (as on GoPay's own page).
            payment.charge = Some(Charge {
                id: charge_id,
                state: "PROCESSING",
                input_type: "CARD_TOKEN",
                masked_pan: None,
                action: None,
                redirect_url: None,
                fail_reason: None,
                due: None,
            });
            finish_charge(payment, Outcome::Succeed, now);
            Ok(())
        }
        "fail" if pending => {
            finish_charge(payment, Outcome::Fail, now);
            Ok(())
        }
        "cancel" | "expire" if waiting => {
            if pending {
                finish_charge(payment, Outcome::Fail, now);
            }
            payment.state = if action == "cancel" {
                "CANCELED"
            } else {
                "TIMEOUTED"
            };
            Ok(())
        }
        "pay" | "fail" | "cancel" | "expire" => Err(V4Error::conflict(format!(
            "the payment is {}{}",
            payment.state,
            if pending {
                ""
            } else {
                " with no pending charge"
            }
        ))),
        _ => Err(V4Error::not_found(
            "no such v4 payment action (pay, fail, cancel, expire, approve, decline)",
        )),
    }
}

/// `GET /_simulator/payments/{id}` when `id` is a v4 payment: its Payment-Details, as
/// v4 answers them; `None` otherwise.
pub(crate) fn show_payment(shared: &Shared, id: &str) -> Option<Reply> {
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    v4.payments.get(id).map(|p| Reply::ok(&p.json()))
}

/// `POST /_simulator/refunds/{id}/{succeed|fail}`: settles a REQUESTED refund now.
pub(crate) fn refund_action(shared: &Shared, id: &str, action: &str) -> Reply {
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    let path = format!("/_simulator/refunds/{id}/{action}");
    let result = match action {
        "succeed" | "fail" => v4.finish_refund(id, action == "succeed", now),
        _ => Err(V4Error::not_found("no such refund action (succeed, fail)")),
    };
    match result.and_then(|()| {
        v4.refunds
            .get(id)
            .map(|r| Reply::ok(&r.json()))
            .ok_or_else(|| V4Error::not_found("refund not found"))
    }) {
        Ok(reply) => reply,
        Err(error) => error.reply(&path, now),
    }
}

/// `POST /_simulator/cards/tokens/{card_id}/{suspend|activate}`: a suspended token reads as
/// `SUSPENDED` and its charges are refused (409) until it is activated again.
pub(crate) fn card_action(shared: &Shared, id: &str, action: &str) -> Reply {
    let now = shared.store.lock().now();
    let mut v4 = shared.v4.lock();
    let path = format!("/_simulator/cards/tokens/{id}/{action}");
    let status = match action {
        "suspend" => "SUSPENDED",
        "activate" => "ACTIVE",
        _ => {
            return V4Error::not_found("no such card action (suspend, activate)").reply(&path, now)
        }
    };
    match v4.cards.get_mut(id) {
        Some(card) => {
            card.status = status;
            Reply::ok(&card.json())
        }
        None => V4Error::not_found(format!(
            "card {} not found (test cards cannot be suspended)",
            quoted(id)
        ))
        .reply(&path, now),
    }
}
