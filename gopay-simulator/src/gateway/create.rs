//! Creating payments: a new payment's first state (CREATED, with its gateway page), from a
//! create-payment request as the simulator read it ([`crate::wire`]).

use std::time::SystemTime;

use crate::gateway::echo;
use crate::gateway::wire::NewPayment;
use crate::state::ids::Exhausted;
use crate::state::random::Random;
use crate::state::store::{Record, Store};
use gopay::{Language, Payment, PaymentState, PreAuthState, Preauthorization, SubState, Target};

/// What creating a payment needs besides the request.
pub(crate) struct Context<'a> {
    /// `http://127.0.0.1:PORT`, for `gw_url`.
    pub(crate) origin: &'a str,
    pub(crate) random: &'a Random,
}

/// Creates a payment from a request the simulator read; state CREATED.
///
/// # Errors
///
/// [`Exhausted`] when every payment id has been handed out.
pub(crate) fn create(
    store: &mut Store,
    request: NewPayment,
    context: &Context<'_>,
) -> Result<Payment, Exhausted> {
    let id = store.new_payment_id()?;
    let key = context.random.hex(16);
    let currency = echo::currency(&request.currency);
    let mut payment = Payment::new(id);
    if request.preauthorization {
        let mut preauthorization = Preauthorization::default();
        preauthorization.requested = Some(true);
        preauthorization.state = Some(PreAuthState::Requested);
        payment.preauthorization = Some(preauthorization);
    }
    payment.order_number = Some(request.order_number);
    payment.state = Some(PaymentState::Created);
    payment.sub_state = Some(SubState::S101);
    payment.amount = Some(request.amount);
    payment.currency = Some(currency.clone());
    payment.payer = request.payer.as_ref().map(echo::payer);
    payment.target = Some(Target::account(request.goid));
    payment.recurrence = request.recurrence.as_ref().map(echo::recurrence);
    payment.additional_params = echo::params(&request.additional_params);
    payment.lang = Some(request.lang.as_deref().map_or(Language::En, echo::language));
    payment.gw_url = Some(format!("{}/gw/v3/{key}", context.origin));
    let (return_url, notification_url) = request
        .callback
        .map(|c| (c.return_url, c.notification_url))
        .unzip();
    let record = Record {
        payment: payment.clone(),
        amount: request.amount,
        currency,
        return_url,
        items: echo::items(&request.items),
        notification_url,
        created: SystemTime::now(),
        paid: None,
        refunds: Vec::new(),
        refunded: 0,
        eet: request.eet.as_ref().map(echo::eet),
    };
    store.insert(record, Some(key));
    Ok(payment)
}
