//! Creating payments: GoPay's checks of a create-payment or next-recurrence body (409 with
//! field errors) and the new payment's first state.

use std::time::SystemTime;

use serde_json::Value;

use super::clock::Date;
use super::ids::Exhausted;
use super::random::Random;
use super::responses::{
    FieldError, ITEMS_SUM_MISMATCH, PAYEE_CANNOT_ACCEPT, REQUIRED, WRONG_FORMAT,
};
use super::store::{Record, Store};
use gopay::{
    Currency, Item, Language, Payment, PaymentRequest, PaymentState, PreAuthState,
    Preauthorization, RecurrenceCycle, RecurrenceState, SubState, TargetType,
};

/// What creating a payment needs besides the request.
pub(crate) struct Context<'a> {
    /// `http://127.0.0.1:PORT`, for `gw_url`.
    pub(crate) origin: &'a str,
    pub(crate) random: &'a Random,
}

/// 110 errors for each of `fields` missing (or `null`) in the JSON object `body`.
pub(crate) fn missing(body: &Value, fields: &[&'static str]) -> Vec<FieldError> {
    fields
        .iter()
        .filter(|field| body.get(**field).is_none_or(Value::is_null))
        .map(|field| FieldError::new(REQUIRED, *field, format!("{field} is required")))
        .collect()
}

/// The checks every order (payment or next recurrence) must pass.
fn check_order(
    errors: &mut Vec<FieldError>,
    amount: i64,
    currency: &Currency,
    order_number: &str,
    order_description: Option<&str>,
    items: &[Item],
) {
    if amount <= 0 {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "amount",
            format!("amount must be greater than 0, got {amount}"),
        ));
    }
    if currency.is_unknown() {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "currency",
            format!("unknown currency {currency}"),
        ));
    }
    if order_number.trim().is_empty() {
        errors.push(FieldError::new(
            REQUIRED,
            "order_number",
            "order_number is required",
        ));
    } else if order_number.chars().count() > 128 {
        errors.push(too_long("order_number", 128));
    }
    if order_description.is_some_and(|d| d.chars().count() > 256) {
        errors.push(too_long("order_description", 256));
    }
    for item in items {
        if item.name.chars().count() > 256 {
            errors.push(too_long("items.name", 256));
        }
        if item.count == Some(0) {
            errors.push(FieldError::new(
                WRONG_FORMAT,
                "items.count",
                "an item's count must be greater than 0",
            ));
        }
    }
    if !items.is_empty() {
        let sum = items
            .iter()
            .try_fold(0_i64, |sum, item| sum.checked_add(item.amount));
        if sum != Some(amount) {
            let sum = sum.map_or_else(|| "more than i64 holds".to_owned(), |s| s.to_string());
            errors.push(FieldError::new(
                ITEMS_SUM_MISMATCH,
                "items",
                format!("the items' amounts add up to {sum}, but amount is {amount}"),
            ));
        }
    }
}

fn too_long(field: &str, max: usize) -> FieldError {
    FieldError::new(
        WRONG_FORMAT,
        field,
        format!("{field} is longer than {max} characters"),
    )
}

/// GoPay's checks of a create-payment request for the e-shop `goid`.
pub(crate) fn check_payment(request: &PaymentRequest, goid: u64) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_order(
        &mut errors,
        request.amount,
        &request.currency,
        &request.order_number,
        request.order_description.as_deref(),
        &request.items,
    );
    match &request.target {
        None => errors.push(FieldError::new(REQUIRED, "target", "target is required")),
        Some(target) => {
            if target.target_type != TargetType::Account {
                errors.push(FieldError::new(
                    WRONG_FORMAT,
                    "target.type",
                    "target.type must be ACCOUNT",
                ));
            }
            match target.goid {
                None => errors.push(FieldError::new(
                    REQUIRED,
                    "target.goid",
                    "target.goid is required",
                )),
                Some(other) if other != goid => errors.push(FieldError::new(
                    PAYEE_CANNOT_ACCEPT,
                    "target.goid",
                    format!("goid {other} is not the e-shop of these credentials ({goid})"),
                )),
                Some(_) => {}
            }
        }
    }
    if request.lang.as_ref().is_some_and(Language::is_unknown) {
        errors.push(FieldError::new(WRONG_FORMAT, "lang", "unknown language"));
    }
    if let Some(callback) = &request.callback {
        for (field, url) in [
            ("callback.return_url", &callback.return_url),
            ("callback.notification_url", &callback.notification_url),
        ] {
            let lower = url.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                errors.push(FieldError::new(
                    WRONG_FORMAT,
                    field,
                    format!("{field} must be an http(s) URL"),
                ));
            } else if url.chars().count() > 512 {
                errors.push(too_long(field, 512));
            }
        }
    }
    if let Some(payer) = &request.payer {
        if payer
            .allowed_payment_instruments
            .iter()
            .any(|i| i.is_unknown())
            || payer
                .default_payment_instrument
                .as_ref()
                .is_some_and(|i| i.is_unknown())
        {
            errors.push(FieldError::new(
                WRONG_FORMAT,
                "payer.allowed_payment_instruments",
                "unknown payment instrument",
            ));
        }
        if let Some(pin) = &payer.verify_pin {
            if pin.len() != 4 || !pin.bytes().all(|b| b.is_ascii_digit()) {
                errors.push(FieldError::new(
                    WRONG_FORMAT,
                    "payer.verify_pin",
                    "verify_pin must be 4 digits",
                ));
            }
        }
    }
    if let Some(recurrence) = &request.recurrence {
        check_recurrence(&mut errors, recurrence);
    }
    errors
}

fn check_recurrence(errors: &mut Vec<FieldError>, recurrence: &gopay::Recurrence) {
    match &recurrence.recurrence_cycle {
        None => errors.push(FieldError::new(
            REQUIRED,
            "recurrence.recurrence_cycle",
            "recurrence.recurrence_cycle is required",
        )),
        Some(cycle) if cycle.is_unknown() => errors.push(FieldError::new(
            WRONG_FORMAT,
            "recurrence.recurrence_cycle",
            "recurrence_cycle must be DAY, WEEK, MONTH or ON_DEMAND",
        )),
        Some(RecurrenceCycle::OnDemand) => {}
        Some(_) => match recurrence.recurrence_period {
            None => errors.push(FieldError::new(
                REQUIRED,
                "recurrence.recurrence_period",
                "recurrence.recurrence_period is required for DAY, WEEK and MONTH",
            )),
            Some(0) => errors.push(FieldError::new(
                WRONG_FORMAT,
                "recurrence.recurrence_period",
                "recurrence_period must be greater than 0",
            )),
            Some(_) => {}
        },
    }
    let field = "recurrence.recurrence_date_to";
    match recurrence.recurrence_date_to.as_deref() {
        None => errors.push(FieldError::new(
            REQUIRED,
            field,
            "recurrence.recurrence_date_to is required",
        )),
        Some(text) => match Date::parse(text) {
            None => errors.push(FieldError::new(
                WRONG_FORMAT,
                field,
                "recurrence_date_to must be a yyyy-MM-dd date",
            )),
            // Any valid date after today: the help page's "lower than 2099-12-31" is not
            // what the gateway enforces (GoPay's own SDK CI creates recurrences until
            // 2100-04-01 and expects them created).
            Some(date) => {
                if date <= Date::today() {
                    errors.push(FieldError::new(
                        WRONG_FORMAT,
                        field,
                        "recurrence_date_to must be after today",
                    ));
                }
            }
        },
    }
}

/// GoPay's checks of a next on-demand recurrence of a parent in `parent_currency`.
pub(crate) fn check_next(
    next: &gopay::RecurrenceRequest,
    parent_currency: &Currency,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_order(
        &mut errors,
        next.amount,
        &next.currency,
        &next.order_number,
        next.order_description.as_deref(),
        &next.items,
    );
    if !next.currency.is_unknown() && &next.currency != parent_currency {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "currency",
            format!("the recurrence must be in the parent's currency {parent_currency}"),
        ));
    }
    errors
}

/// Creates a payment from a request that passed [`check_payment`]; state CREATED.
///
/// # Errors
///
/// [`Exhausted`] when every payment id has been handed out.
pub(crate) fn create(
    store: &mut Store,
    request: PaymentRequest,
    context: &Context<'_>,
) -> Result<Payment, Exhausted> {
    let id = store.new_payment_id()?;
    let key = context.random.hex(16);
    let mut payer = request.payer;
    if let Some(payer) = payer.as_mut() {
        // The PIN of an identification payment is not echoed.
        payer.verify_pin = None;
    }
    let mut recurrence = request.recurrence;
    if let Some(recurrence) = recurrence.as_mut() {
        recurrence.recurrence_state = Some(RecurrenceState::Requested);
    }
    let mut payment = Payment::new(id);
    if request.preauthorization == Some(true) {
        let mut preauthorization = Preauthorization::default();
        preauthorization.requested = Some(true);
        preauthorization.state = Some(PreAuthState::Requested);
        payment.preauthorization = Some(preauthorization);
    }
    payment.order_number = Some(request.order_number);
    payment.state = Some(PaymentState::Created);
    payment.sub_state = Some(SubState::S101);
    payment.amount = Some(request.amount);
    payment.currency = Some(request.currency.clone());
    payment.payer = payer;
    payment.target = request.target;
    payment.recurrence = recurrence;
    payment.additional_params = request.additional_params;
    payment.lang = Some(request.lang.unwrap_or(Language::En));
    payment.gw_url = Some(format!("{}/gw/v3/{key}", context.origin));
    let record = Record {
        payment: payment.clone(),
        amount: request.amount,
        currency: request.currency,
        return_url: request.callback.as_ref().map(|c| c.return_url.clone()),
        items: request.items,
        notification_url: request.callback.map(|c| c.notification_url),
        created: SystemTime::now(),
        paid: None,
        refunds: Vec::new(),
        refunded: 0,
        eet: request.eet,
    };
    store.insert(record, Some(key));
    Ok(payment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopay::{Callback, Payer, PaymentInstrument, Recurrence, Target};

    fn codes(errors: &[FieldError]) -> Vec<(u32, String)> {
        errors
            .iter()
            .map(|e| (e.code.number, e.field.clone()))
            .collect()
    }

    fn good() -> PaymentRequest {
        PaymentRequest::new(1000, Currency::Czk, "o-1")
            .item(Item::new("a", 400))
            .item(Item::new("b", 600))
            .target(Target::account(8))
            .callback("https://shop/return", "http://127.0.0.1:1/notify")
    }

    #[test]
    fn good_request_passes() {
        assert!(check_payment(&good(), 8).is_empty());
        let on_demand = good().recurrence(Recurrence::on_demand("2099-12-31"));
        assert!(check_payment(&on_demand, 8).is_empty());
    }

    #[test]
    fn bad_requests_name_their_fields() {
        let mut request = good();
        request.amount = 0;
        request.order_number = " ".into();
        request.target = Some(Target::account(9));
        request.callback = Some(Callback::new("shop/return", "http://x"));
        request.recurrence = Some(Recurrence::periodic(RecurrenceCycle::Day, 0, "2001-01-01"));
        request.payer = Some(
            Payer::new()
                .allowed_payment_instruments([PaymentInstrument::Unknown("X".into())])
                .verify_pin("12a4"),
        );
        let found = codes(&check_payment(&request, 8));
        for expected in [
            (111, "amount"),
            (110, "order_number"),
            (360, "items"),
            (321, "target.goid"),
            (111, "callback.return_url"),
            (111, "payer.allowed_payment_instruments"),
            (111, "payer.verify_pin"),
            (111, "recurrence.recurrence_period"),
            (111, "recurrence.recurrence_date_to"),
        ] {
            assert!(
                found.contains(&(expected.0, expected.1.to_owned())),
                "{expected:?} in {found:?}"
            );
        }
        request.target = None;
        request.recurrence = Some(Recurrence::default());
        let found = codes(&check_payment(&request, 8));
        assert!(found.contains(&(110, "target".into())));
        assert!(found.contains(&(110, "recurrence.recurrence_cycle".into())));
        assert!(found.contains(&(110, "recurrence.recurrence_date_to".into())));
    }

    #[test]
    fn overflowing_items_are_a_mismatch_not_a_panic() {
        let request = PaymentRequest::new(1, Currency::Czk, "o")
            .item(Item::new("a", i64::MAX))
            .item(Item::new("b", 1))
            .target(Target::account(8));
        assert_eq!(codes(&check_payment(&request, 8)), [(360, "items".into())]);
    }

    #[test]
    fn missing_fields_are_required_errors() {
        let body = serde_json::json!({"amount": 1, "currency": null});
        assert_eq!(
            codes(&missing(&body, &["amount", "currency", "order_number"])),
            [(110, "currency".into()), (110, "order_number".into())]
        );
    }
}
