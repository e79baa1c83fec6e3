//! GoPay's charges of a recurrence without the customer: the next payment of an automatic
//! (DAY/WEEK/MONTH) recurrence, and the child payments the e-shop asks for on demand.

use std::time::SystemTime;

use crate::gateway::create::Context;
use crate::gateway::customer::Denied;
use crate::gateway::notify::Notice;
use crate::state::ids::Exhausted;
use crate::state::store::{Record, Store};
use gopay::{AdditionalParam, Payment, PaymentState, RecurrenceCycle, RecurrenceState};

/// What a child payment is charged for.
pub(crate) struct Charge {
    pub(crate) amount: i64,
    pub(crate) order_number: String,
    pub(crate) additional_params: Vec<AdditionalParam>,
}

/// A child payment just charged.
pub(crate) struct Child {
    /// The child as the operation answers it.
    pub(crate) answer: Payment,
    /// Its notification, when the parent has a notification URL.
    pub(crate) notice: Option<Notice>,
}

/// GoPay charges the next payment of an automatic (DAY/WEEK/MONTH) recurrence: a new PAID
/// child payment of the parent's amount.
pub(crate) fn recur(store: &mut Store, id: u64) -> Result<(Payment, Vec<Notice>), Denied> {
    let parent = store.get(id).map_err(|_| Denied::Unknown(id))?;
    match parent.recurrence_cycle() {
        Some(RecurrenceCycle::Day | RecurrenceCycle::Week | RecurrenceCycle::Month) => {}
        _ => {
            return Err(Denied::refused(
                "id",
                format!(
                    "payment {id} has no automatic (DAY/WEEK/MONTH) recurrence; \
                     ON_DEMAND recurrences are charged with create_recurrence"
                ),
            ))
        }
    }
    if parent.recurrence_state() != Some(RecurrenceState::Started) || !parent.was_paid() {
        return Err(Denied::refused(
            "state",
            format!("the recurrence of payment {id} is not running (the parent must be paid and the recurrence not stopped)"),
        ));
    }
    let charge = Charge {
        amount: parent.amount,
        order_number: parent.payment.order_number.clone().unwrap_or_default(),
        additional_params: parent.payment.additional_params.clone(),
    };
    let parent = parent.clone();
    let child = charge_child(store, &parent, charge)
        .map_err(|exhausted| Denied::refused("id", exhausted.message()))?;
    Ok((child.answer, child.notice.into_iter().collect()))
}

/// GoPay's on-demand charge (`create-recurrence`): a child payment of `parent`, answered as
/// GoPay answers it — state CREATED, with a `gw_url` (GoPay's `recurrence_ondemand`
/// example) — and charged to the parent's card at once, before the answer leaves: from the
/// shop's first look after the answer, the child is PAID and its notification is on its way,
/// as GoPay informs the shop of the child's final state by notification.
///
/// # Errors
///
/// [`Exhausted`] when no payment id is left.
pub(crate) fn create_on_demand(
    store: &mut Store,
    parent: &Record,
    charge: Charge,
    context: &Context<'_>,
) -> Result<Child, Exhausted> {
    let id = store.new_payment_id()?;
    let key = context.random.hex(16);
    let mut payment = child_payment(id, parent, charge);
    payment.gw_url = Some(format!("{}/gw/v3/{key}", context.origin));
    let answer = payment.clone();
    let (_, notice) = charged(store, parent, payment, Some(key));
    Ok(Child { answer, notice })
}

/// Creates a PAID child payment of `parent`, charged to the parent's payer without the
/// customer, and answers it as charged.
///
/// # Errors
///
/// [`Exhausted`] when no payment id is left.
fn charge_child(store: &mut Store, parent: &Record, charge: Charge) -> Result<Child, Exhausted> {
    let id = store.new_payment_id()?;
    let payment = child_payment(id, parent, charge);
    let (answer, notice) = charged(store, parent, payment, None);
    Ok(Child { answer, notice })
}

/// Child payment `id` of `parent` as just created (CREATED, no `sub_state`, as in GoPay's
/// example): the parent's currency, payer, target, recurrence and language.
fn child_payment(id: u64, parent: &Record, charge: Charge) -> Payment {
    let mut payment = Payment::new(id);
    payment.parent_id = Some(parent.payment.id);
    payment.order_number = Some(charge.order_number);
    payment.state = Some(PaymentState::Created);
    payment.amount = Some(charge.amount);
    payment.currency = Some(parent.currency.clone());
    payment.payment_instrument = parent.payment.payment_instrument.clone();
    payment.payer = parent.payment.payer.clone();
    payment.target = parent.payment.target.clone();
    payment.recurrence = parent.payment.recurrence.clone();
    payment.additional_params = charge.additional_params;
    payment.lang = parent.payment.lang.clone();
    payment
}

/// Stores `payment` PAID (with its gateway page `key`, if any); the stored payment and its
/// notification.
fn charged(
    store: &mut Store,
    parent: &Record,
    mut payment: Payment,
    key: Option<String>,
) -> (Payment, Option<Notice>) {
    payment.state = Some(PaymentState::Paid);
    let amount = payment.amount.unwrap_or_default();
    let record = Record {
        payment: payment.clone(),
        amount,
        currency: parent.currency.clone(),
        notification_url: parent.notification_url.clone(),
        // Charged without the customer: no customer ever returns from a page for it.
        return_url: None,
        items: Vec::new(),
        created: SystemTime::now(),
        paid: Some(SystemTime::now()),
        refunds: Vec::new(),
        refunded: 0,
        eet: None,
    };
    let notice = record.notice();
    store.insert(record, key);
    (payment, notice)
}
