//! What the customer does on the (simulated) payment gateway: choose a method, pay,
//! authorise, cancel, let the payment expire.

use std::time::SystemTime;

use crate::gateway::cards;
use crate::gateway::notify::Notice;
use crate::gateway::responses::{payment_not_found, Refusal, PAYMENT_WRONG_STATE, WRONG_FORMAT};
use crate::state::random::Random;
use crate::state::store::{Record, Store};
use crate::Error;
use gopay::{
    BnplType, PaymentInstrument, PaymentState, PreAuthState, RecurrenceState, SubState, Swift,
};

/// Why a customer action was not done. One type for both callers: the Rust API turns it
/// into [`Error::Refused`], the control API into GoPay's error envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Denied {
    /// The simulator has no such payment.
    Unknown(u64),
    /// The payment exists but does not allow the action; `field` names what is wrong
    /// (`id`, `state`, `instrument`, `swift` or `bnpl_type`).
    Refused {
        field: &'static str,
        message: String,
    },
}

impl Denied {
    pub(crate) fn refused(field: &'static str, message: String) -> Denied {
        Denied::Refused { field, message }
    }

    /// The error the Rust API returns.
    pub(crate) fn into_error(self) -> Error {
        match self {
            Denied::Unknown(id) => {
                Error::refused("id", format!("the simulator has no payment {id}"))
            }
            Denied::Refused { field, message } => Error::refused(field, message),
        }
    }

    /// The answer of the control API: 404 for an unknown payment, 409 otherwise.
    pub(crate) fn into_refusal(self) -> Refusal {
        match self {
            Denied::Unknown(id) => payment_not_found(id),
            Denied::Refused { field, message } => match field {
                "instrument" => Refusal::field(409, WRONG_FORMAT, "payment_instrument", message),
                "swift" | "bnpl_type" => Refusal::field(409, WRONG_FORMAT, field, message),
                _ => Refusal::global(409, PAYMENT_WRONG_STATE, message),
            },
        }
    }
}

/// What the customer picks on the gateway when paying; `None` takes the payment's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Choice {
    pub(crate) instrument: Option<PaymentInstrument>,
    /// The bank, for a bank transfer.
    pub(crate) swift: Option<Swift>,
    /// The buy-now-pay-later variant, for a BNPL method.
    pub(crate) bnpl_type: Option<BnplType>,
}

fn record(store: &Store, id: u64) -> Result<&Record, Denied> {
    store.get(id).map_err(|_| Denied::Unknown(id))
}

fn record_mut(store: &mut Store, id: u64) -> Result<&mut Record, Denied> {
    store.get_mut(id).map_err(|_| Denied::Unknown(id))
}

/// The payment must still wait for the customer (CREATED or PAYMENT_METHOD_CHOSEN).
fn awaiting_customer(record: &Record, action: &str) -> Result<(), Denied> {
    match record.state() {
        PaymentState::Created | PaymentState::PaymentMethodChosen => Ok(()),
        other => Err(Denied::refused(
            "state",
            format!(
                "cannot {action} payment {}: it is {other}, not CREATED or PAYMENT_METHOD_CHOSEN",
                record.payment.id
            ),
        )),
    }
}

/// `instrument` must be known and, when the payment restricts the methods, allowed.
fn allowed(record: &Record, instrument: &PaymentInstrument) -> Result<(), Denied> {
    if instrument.is_unknown() {
        return Err(Denied::refused(
            "instrument",
            format!("{instrument} is not a payment method the simulator knows"),
        ));
    }
    let allowed = record
        .payment
        .payer
        .as_ref()
        .map(|p| p.allowed_payment_instruments.as_slice())
        .unwrap_or_default();
    if allowed.is_empty() || allowed.contains(instrument) {
        Ok(())
    } else {
        Err(Denied::refused(
            "instrument",
            format!(
                "payment {} does not allow {instrument} (allowed: {})",
                record.payment.id,
                allowed
                    .iter()
                    .map(PaymentInstrument::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}

/// The method a customer pays with when none is given: the one chosen on the gateway, else
/// the payment's default, else PAYMENT_CARD when allowed, else the first allowed one.
fn default_instrument(record: &Record) -> PaymentInstrument {
    if let Some(chosen) = &record.payment.payment_instrument {
        return chosen.clone();
    }
    let payer = record.payment.payer.as_ref();
    if let Some(default) = payer.and_then(|p| p.default_payment_instrument.clone()) {
        return default;
    }
    let allowed = payer
        .map(|p| p.allowed_payment_instruments.as_slice())
        .unwrap_or_default();
    if allowed.is_empty() || allowed.contains(&PaymentInstrument::PaymentCard) {
        PaymentInstrument::PaymentCard
    } else {
        allowed[0].clone()
    }
}

/// A bank chosen for a bank transfer must be one the payment allows.
fn check_swift(
    record: &Record,
    instrument: &PaymentInstrument,
    swift: Option<&Swift>,
) -> Result<(), Denied> {
    let Some(swift) = swift else {
        return Ok(());
    };
    if *instrument != PaymentInstrument::BankAccount {
        return Err(Denied::refused(
            "swift",
            format!("a bank (swift {swift}) is chosen only for BANK_ACCOUNT, not {instrument}"),
        ));
    }
    let allowed = record
        .payment
        .payer
        .as_ref()
        .map(|p| p.allowed_swifts.as_slice())
        .unwrap_or_default();
    if allowed.is_empty() || allowed.contains(swift) {
        Ok(())
    } else {
        Err(Denied::refused(
            "swift",
            format!(
                "payment {} does not allow the bank {swift}",
                record.payment.id
            ),
        ))
    }
}

/// A buy-now-pay-later variant needs a BNPL method and must be one the payment allows.
fn check_bnpl(
    record: &Record,
    instrument: &PaymentInstrument,
    bnpl_type: Option<&BnplType>,
) -> Result<(), Denied> {
    let Some(bnpl_type) = bnpl_type else {
        return Ok(());
    };
    if !matches!(
        instrument,
        PaymentInstrument::Twisto | PaymentInstrument::Skippay
    ) {
        return Err(Denied::refused(
            "bnpl_type",
            format!("{bnpl_type} is a buy-now-pay-later variant, not one of {instrument}"),
        ));
    }
    let allowed = record
        .payment
        .payer
        .as_ref()
        .map(|p| p.allowed_bnpl_types.as_slice())
        .unwrap_or_default();
    if allowed.is_empty() || allowed.contains(bnpl_type) {
        Ok(())
    } else {
        Err(Denied::refused(
            "bnpl_type",
            format!("payment {} does not allow {bnpl_type}", record.payment.id),
        ))
    }
}

/// CREATED/PAYMENT_METHOD_CHOSEN → PAYMENT_METHOD_CHOSEN (no notification).
pub(crate) fn choose_method(
    store: &mut Store,
    id: u64,
    instrument: PaymentInstrument,
) -> Result<(), Denied> {
    let record = record_mut(store, id)?;
    awaiting_customer(record, "choose a method for")?;
    allowed(record, &instrument)?;
    let sub_state = if instrument == PaymentInstrument::BankAccount {
        SubState::S102
    } else {
        SubState::S101
    };
    record.payment.payment_instrument = Some(instrument.clone());
    record
        .payment
        .payer
        .get_or_insert_with(Default::default)
        .payment_instrument = Some(instrument);
    record.set_state(PaymentState::PaymentMethodChosen, Some(sub_state));
    Ok(())
}

/// The customer pays: → PAID, or → AUTHORIZED for a pre-authorised payment.
/// `authorize_only` refuses payments that are not pre-authorised.
#[cfg(test)]
pub(crate) fn pay(
    store: &mut Store,
    random: &Random,
    id: u64,
    instrument: Option<PaymentInstrument>,
    authorize_only: bool,
) -> Result<Vec<Notice>, Denied> {
    let choice = Choice {
        instrument,
        ..Choice::default()
    };
    pay_as(store, random, id, &choice, authorize_only)
}

/// The customer pays as `choice` says: → PAID, or → AUTHORIZED for a pre-authorised
/// payment. `authorize_only` refuses payments that are not pre-authorised.
pub(crate) fn pay_as(
    store: &mut Store,
    random: &Random,
    id: u64,
    choice: &Choice,
    authorize_only: bool,
) -> Result<Vec<Notice>, Denied> {
    let record = record(store, id)?;
    let action = if authorize_only { "authorize" } else { "pay" };
    awaiting_customer(record, action)?;
    let preauthorized = record.is_preauthorized();
    if authorize_only && !preauthorized {
        return Err(Denied::refused(
            "id",
            format!("payment {id} was not created with preauthorization: true; use pay"),
        ));
    }
    let instrument = choice
        .instrument
        .clone()
        .unwrap_or_else(|| default_instrument(record));
    allowed(record, &instrument)?;
    if preauthorized && instrument != PaymentInstrument::PaymentCard {
        return Err(Denied::refused(
            "instrument",
            format!("pre-authorised payment {id} can only be paid by PAYMENT_CARD"),
        ));
    }
    check_swift(record, &instrument, choice.swift.as_ref())?;
    check_bnpl(record, &instrument, choice.bnpl_type.as_ref())?;
    let mut payer = record.payment.payer.clone().unwrap_or_default();
    match instrument {
        PaymentInstrument::PaymentCard => {
            let save = payer.request_card_token == Some(true);
            let (card, card_id) =
                cards::card_for_payment(store, random, payer.allowed_card_token.as_deref(), save)
                    .map_err(|exhausted| Denied::refused("id", exhausted.message()))?;
            if card_id.is_some() {
                payer.masked_pan = card.card_number.clone();
            }
            payer.card_id = card_id;
            payer.payment_card = Some(card);
        }
        PaymentInstrument::BankAccount => {
            let mut account = cards::bank_account(payer.contact.as_ref());
            if let Some(swift) = &choice.swift {
                account.bic = Some(swift.as_str().to_owned());
            }
            payer.bank_account = Some(account);
        }
        _ => {}
    }
    payer.payment_instrument = Some(instrument.clone());
    let record = record_mut(store, id)?;
    record.payment.payer = Some(payer);
    let notice = if preauthorized {
        record.set_preauth_state(PreAuthState::Authorized);
        record.set_state(PaymentState::Authorized, None)
    } else {
        record.paid = Some(SystemTime::now());
        let sub_state = (instrument == PaymentInstrument::BankAccount).then_some(SubState::S3001);
        record.set_state(PaymentState::Paid, sub_state)
    };
    record.payment.payment_instrument = Some(instrument);
    if record.payment.recurrence.is_some() {
        record.set_recurrence_state(RecurrenceState::Started);
    }
    Ok(notice.into_iter().collect())
}

/// The customer cancels on the gateway: → CANCELED.
pub(crate) fn cancel(store: &mut Store, id: u64) -> Result<Vec<Notice>, Denied> {
    finish_unpaid(store, id, PaymentState::Canceled, SubState::S5043, "cancel")
}

/// The customer does not pay in time: → TIMEOUTED.
pub(crate) fn expire(store: &mut Store, id: u64) -> Result<Vec<Notice>, Denied> {
    finish_unpaid(
        store,
        id,
        PaymentState::Timeouted,
        SubState::S5024,
        "expire",
    )
}

fn finish_unpaid(
    store: &mut Store,
    id: u64,
    state: PaymentState,
    sub_state: SubState,
    action: &str,
) -> Result<Vec<Notice>, Denied> {
    let record = record_mut(store, id)?;
    awaiting_customer(record, action)?;
    if record.payment.recurrence.is_some() {
        record.set_recurrence_state(RecurrenceState::Stopped);
    }
    Ok(record
        .set_state(state, Some(sub_state))
        .into_iter()
        .collect())
}
