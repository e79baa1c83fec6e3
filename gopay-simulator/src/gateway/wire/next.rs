//! The body of an on-demand recurrence's next payment (NextPayment, GOPAY_API §5.9).

use serde_json::{Map, Value};

use super::lists::CURRENCIES;
use super::object::Object;
use super::order::{self, Param, EET, ITEM, PARAM};
use super::schema::{self, optional, required, Field, Kind, POSITIVE};
use super::untouched;
use crate::gateway::responses::{FieldError, WRONG_FORMAT};

/// The next payment. `order_description` and `items`, marked required by the 2021
/// documentation, stay optional as they are for a payment.
pub(crate) const NEXT_PAYMENT: &[Field] = &[
    required("amount", POSITIVE),
    required("currency", Kind::OneOf(CURRENCIES)),
    required("order_number", Kind::Text { max: 128 }),
    optional("order_description", Kind::Text { max: 256 }),
    optional("items", Kind::List(&Kind::Object(ITEM))),
    optional("additional_params", Kind::List(&Kind::Object(PARAM))),
    optional("eet", Kind::Object(EET)),
];

/// A next payment as the simulator reads it (its rows are only checked to add up: the
/// child payment keeps none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NextPayment {
    pub(crate) amount: i64,
    pub(crate) order_number: String,
    pub(crate) additional_params: Vec<Param>,
}

/// Reads the body of a next payment of a parent in `parent_currency`.
///
/// # Errors
///
/// Every field error: 110 and 111 from the definitions, 111 for another currency than the
/// parent's, 360 for rows not adding up.
pub(crate) fn read(
    body: &Map<String, Value>,
    parent_currency: &str,
) -> Result<NextPayment, Vec<FieldError>> {
    let (normal, mut errors) = schema::check(body, NEXT_PAYMENT);
    let next = Object(&normal);
    if let Some(currency) = next.text("currency").filter(|c| c != parent_currency) {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "currency",
            format!(
                "the recurrence must be in the parent's currency {parent_currency}, not {currency}"
            ),
        ));
    }
    let items = order::items(next);
    if let (Some(amount), true) = (next.int("amount"), untouched(&errors, "items")) {
        errors.extend(order::items_sum(&items, amount));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NextPayment {
        amount: next.int("amount").unwrap_or_default(),
        order_number: next.text("order_number").unwrap_or_default(),
        additional_params: order::params(next),
    })
}

/// Only the fields' own checks (before the parent is known).
pub(crate) fn check_fields(body: &Map<String, Value>) -> Result<(), Vec<FieldError>> {
    let (_, errors) = schema::check(body, NEXT_PAYMENT);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
