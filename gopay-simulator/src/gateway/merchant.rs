//! What the e-shop does through the API after creating a payment: refund, capture or void a
//! pre-authorisation, charge or stop a recurrence; with GoPay's refusals.

use std::time::SystemTime;

use crate::gateway::create::Context;
use crate::gateway::echo;
use crate::gateway::notify::Notice;
use crate::gateway::recurring::{self, Charge, Child};
use crate::gateway::responses::{
    Refusal, AUTH_VOID_DONE, AUTH_VOID_FAILED, CAPTURE_DONE, CAPTURE_FAILED, PAYMENT_WRONG_STATE,
    RECURRENCE_NOT_SUPPORTED, RECURRENCE_STOPPED, REFUND_NOT_SUPPORTED, WRONG_AMOUNT,
};
use crate::gateway::wire;
use crate::state::clock::{self, Date};
use crate::state::store::Store;
use gopay::{
    Payment, PaymentResult, PaymentState, PreAuthState, RecurrenceCycle, RecurrenceState, Refund,
    RefundState, ResultCode,
};
use serde_json::{Map, Value};

fn finished(id: u64) -> PaymentResult {
    PaymentResult::new(id, ResultCode::Finished)
}

/// Refunds `amount` of a paid payment: → PARTIALLY_REFUNDED or REFUNDED.
pub(crate) fn refund(
    store: &mut Store,
    id: u64,
    amount: i64,
    notices: &mut Vec<Notice>,
) -> Result<PaymentResult, Refusal> {
    let refund_id = store.new_refund_id()?;
    let record = store.get_mut(id)?;
    let state = record.state();
    if !matches!(state, PaymentState::Paid | PaymentState::PartiallyRefunded) {
        return Err(Refusal::global(
            409,
            REFUND_NOT_SUPPORTED,
            format!(
                "payment {id} is {state}: only PAID or PARTIALLY_REFUNDED payments can be refunded"
            ),
        ));
    }
    let remaining = record.amount - record.refunded;
    if amount <= 0 || amount > remaining {
        return Err(Refusal::field(
            409,
            WRONG_AMOUNT,
            "amount",
            format!(
                "refund amount {amount} must be between 1 and the {remaining} not refunded yet"
            ),
        ));
    }
    let now = clock::now_timestamp();
    record.refunded += amount;
    record.refunds.push(
        Refund::new(refund_id, RefundState::Success, amount)
            .currency(record.currency.clone())
            .date_requested(now.clone())
            .date_last_change(now),
    );
    let state = if record.refunded == record.amount {
        PaymentState::Refunded
    } else {
        PaymentState::PartiallyRefunded
    };
    notices.extend(record.set_state(state, None));
    Ok(finished(id))
}

/// Captures an AUTHORIZED pre-authorised payment, all of it or `amount`: → PAID.
pub(crate) fn capture(
    store: &mut Store,
    id: u64,
    amount: Option<i64>,
    notices: &mut Vec<Notice>,
) -> Result<PaymentResult, Refusal> {
    let record = store.get_mut(id)?;
    if !record.is_preauthorized() {
        return Err(Refusal::global(
            409,
            CAPTURE_FAILED,
            format!("payment {id} is not a pre-authorised payment"),
        ));
    }
    if record.preauth_state() == Some(PreAuthState::Captured) {
        return Err(Refusal::global(
            409,
            CAPTURE_DONE,
            format!("payment {id} has already been captured"),
        ));
    }
    let state = record.state();
    if state != PaymentState::Authorized {
        return Err(Refusal::global(
            409,
            CAPTURE_FAILED,
            format!("payment {id} is {state}, not AUTHORIZED"),
        ));
    }
    if let Some(amount) = amount {
        if amount <= 0 || amount > record.amount {
            return Err(Refusal::field(
                409,
                WRONG_AMOUNT,
                "amount",
                format!(
                    "capture amount {amount} must be between 1 and the authorised {}",
                    record.amount
                ),
            ));
        }
        record.amount = amount;
        record.payment.amount = Some(amount);
    }
    record.set_preauth_state(PreAuthState::Captured);
    record.paid = Some(SystemTime::now());
    notices.extend(record.set_state(PaymentState::Paid, None));
    Ok(finished(id))
}

/// Releases the funds of an AUTHORIZED pre-authorised payment: → CANCELED.
pub(crate) fn void_authorization(
    store: &mut Store,
    id: u64,
    notices: &mut Vec<Notice>,
) -> Result<PaymentResult, Refusal> {
    let record = store.get_mut(id)?;
    if record.preauth_state() == Some(PreAuthState::Canceled) {
        return Err(Refusal::global(
            409,
            AUTH_VOID_DONE,
            format!("the pre-authorisation of payment {id} has already been voided"),
        ));
    }
    let state = record.state();
    if !record.is_preauthorized() || state != PaymentState::Authorized {
        return Err(Refusal::global(
            409,
            AUTH_VOID_FAILED,
            format!("payment {id} is {state}, not an AUTHORIZED pre-authorised payment"),
        ));
    }
    record.set_preauth_state(PreAuthState::Canceled);
    notices.extend(record.set_state(PaymentState::Canceled, None));
    Ok(finished(id))
}

/// Charges the next payment of a paid ON_DEMAND recurrence: a new child payment, answered
/// CREATED with its `gw_url` and charged at once (see [`recurring::create_on_demand`]).
pub(crate) fn create_recurrence(
    store: &mut Store,
    parent_id: u64,
    next: &Map<String, Value>,
    context: &Context<'_>,
    notices: &mut Vec<Notice>,
) -> Result<Payment, Refusal> {
    let parent = store.get(parent_id)?;
    if parent.recurrence_cycle() != Some(RecurrenceCycle::OnDemand) {
        return Err(Refusal::global(
            409,
            RECURRENCE_NOT_SUPPORTED,
            format!("payment {parent_id} is not an ON_DEMAND recurring payment"),
        ));
    }
    if parent.recurrence_state() == Some(RecurrenceState::Stopped) {
        return Err(Refusal::global(
            409,
            RECURRENCE_STOPPED,
            format!("the recurrence of payment {parent_id} has been stopped"),
        ));
    }
    let ended = parent
        .payment
        .recurrence
        .as_ref()
        .and_then(|r| r.recurrence_date_to.as_deref())
        .and_then(Date::parse)
        .is_some_and(|end| end < Date::today());
    if ended {
        return Err(Refusal::global(
            409,
            RECURRENCE_STOPPED,
            format!("the recurrence of payment {parent_id} has ended"),
        ));
    }
    if !parent.was_paid() {
        let state = parent.state();
        return Err(Refusal::global(
            409,
            PAYMENT_WRONG_STATE,
            format!("payment {parent_id} is {state}: the parent must be paid first"),
        ));
    }
    let next = wire::next_payment(next, parent.currency.as_str()).map_err(Refusal::fields)?;
    let parent = parent.clone();
    let charge = Charge {
        amount: next.amount,
        order_number: next.order_number,
        additional_params: echo::params(&next.additional_params),
    };
    let Child { answer, notice } = recurring::create_on_demand(store, &parent, charge, context)?;
    notices.extend(notice);
    Ok(answer)
}

/// Stops the recurrence of a recurring payment.
pub(crate) fn void_recurrence(store: &mut Store, id: u64) -> Result<PaymentResult, Refusal> {
    let record = store.get_mut(id)?;
    if record.payment.recurrence.is_none() {
        return Err(Refusal::global(
            409,
            RECURRENCE_NOT_SUPPORTED,
            format!("payment {id} is not a recurring payment"),
        ));
    }
    if record.recurrence_state() == Some(RecurrenceState::Stopped) {
        return Err(Refusal::global(
            409,
            RECURRENCE_STOPPED,
            format!("the recurrence of payment {id} has already been stopped"),
        ));
    }
    record.set_recurrence_state(RecurrenceState::Stopped);
    Ok(finished(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::create::create;
    use crate::gateway::customer;
    use crate::state::random::Random;
    use serde_json::json;

    /// A store with one payment created from `body` (the e-shop is GoID 8).
    fn setup(mut body: Value) -> (Store, Random, u64) {
        body["target"] = json!({"type": "ACCOUNT", "goid": 8});
        let request = wire::new_payment(body.as_object().unwrap(), 8).unwrap();
        let mut store = Store::new();
        let random = Random::new();
        let context = Context {
            origin: "http://127.0.0.1:1",
            random: &random,
        };
        let id = create(&mut store, request, &context).unwrap().id;
        (store, random, id)
    }

    #[test]
    fn refunds_follow_the_remaining_amount() {
        let (mut store, random, id) =
            setup(json!({"amount": 1000, "currency": "CZK", "order_number": "o"}));
        let mut notices = Vec::new();
        let code = |r: Result<PaymentResult, Refusal>| r.map(|_| ()).map_err(|r| r.code());
        assert_eq!(code(refund(&mut store, id, 100, &mut notices)), Err(330));
        customer::pay(&mut store, &random, id, None, false).unwrap();
        assert_eq!(code(refund(&mut store, id, 1001, &mut notices)), Err(332));
        assert_eq!(code(refund(&mut store, id, 0, &mut notices)), Err(332));
        assert_eq!(code(refund(&mut store, id, 400, &mut notices)), Ok(()));
        assert_eq!(
            store.get(id).unwrap().state(),
            PaymentState::PartiallyRefunded
        );
        assert_eq!(code(refund(&mut store, id, 601, &mut notices)), Err(332));
        assert_eq!(code(refund(&mut store, id, 600, &mut notices)), Ok(()));
        assert_eq!(store.get(id).unwrap().state(), PaymentState::Refunded);
        assert_eq!(code(refund(&mut store, id, 1, &mut notices)), Err(330));
        assert_eq!(store.get(id).unwrap().refunds.len(), 2);
        assert_eq!(code(refund(&mut store, id + 1, 1, &mut notices)), Err(304));
        // No notification URL, no notices.
        assert!(notices.is_empty());
    }

    #[test]
    fn preauthorisation_capture_and_void() {
        let (mut store, random, id) = setup(json!({
            "amount": 1000, "currency": "EUR", "order_number": "o", "preauthorization": true
        }));
        let mut n = Vec::new();
        let code = |r: Result<PaymentResult, Refusal>| r.map(|_| ()).map_err(|r| r.code());
        assert_eq!(code(capture(&mut store, id, None, &mut n)), Err(350));
        assert_eq!(code(void_authorization(&mut store, id, &mut n)), Err(352));
        customer::pay(&mut store, &random, id, None, true).unwrap();
        assert_eq!(store.get(id).unwrap().state(), PaymentState::Authorized);
        assert_eq!(code(capture(&mut store, id, Some(1001), &mut n)), Err(332));
        assert_eq!(code(capture(&mut store, id, Some(700), &mut n)), Ok(()));
        assert_eq!(store.get(id).unwrap().amount, 700);
        assert_eq!(code(capture(&mut store, id, None, &mut n)), Err(351));
        assert_eq!(code(void_authorization(&mut store, id, &mut n)), Err(352));
    }

    #[test]
    fn on_demand_recurrence() {
        let (mut store, random, id) = setup(json!({
            "amount": 500, "currency": "CZK", "order_number": "o",
            "recurrence": {"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2100-04-01"}
        }));
        let mut n = Vec::new();
        let body = |currency: &str| {
            json!({"amount": 200, "currency": currency, "order_number": "o-2"})
                .as_object()
                .unwrap()
                .clone()
        };
        let next = || body("CZK");
        let code = |r: Result<Payment, Refusal>| r.map(|p| p.id).map_err(|r| r.code());
        let context = Context {
            origin: "http://127.0.0.1:1",
            random: &random,
        };
        assert_eq!(
            code(create_recurrence(&mut store, id, &next(), &context, &mut n)),
            Err(303)
        );
        customer::pay(&mut store, &random, id, None, false).unwrap();
        assert_eq!(
            code(create_recurrence(
                &mut store,
                id,
                &body("EUR"),
                &context,
                &mut n
            )),
            Err(111)
        );
        let answer = create_recurrence(&mut store, id, &next(), &context, &mut n).unwrap();
        assert_eq!(answer.state, Some(PaymentState::Created));
        let child = store.get(answer.id).unwrap();
        assert_eq!(child.payment.parent_id, Some(id));
        assert_eq!(child.state(), PaymentState::Paid);
        assert_eq!(child.payment.gw_url, answer.gw_url);
        assert!(void_recurrence(&mut store, id).is_ok());
        assert_eq!(void_recurrence(&mut store, id).unwrap_err().code(), 342);
        assert_eq!(
            code(create_recurrence(&mut store, id, &next(), &context, &mut n)),
            Err(342)
        );
    }
}
