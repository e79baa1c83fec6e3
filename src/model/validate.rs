//! Pure checks behind the request models' `validate` methods (no network).

#[allow(deprecated)] // the obsolete EET data is still checked
#[cfg(feature = "eet")]
use super::Eet;
use super::{AdditionalParam, Contact, Item};
use crate::Error;

/// Result of a check: a failure is the crate's own [`Error::InvalidInput`] naming the
/// field (its wire name, dotted for nested fields: `items.name`), so there is one error type
/// for invalid input whether the check runs in `validate` or inside a call.
pub(crate) type Check = Result<(), Error>;

/// The same failure with `prefix` (which row or parameter) put before its message.
fn prefixed(prefix: &str, error: Error) -> Error {
    match error {
        Error::InvalidInput { field, message } => {
            Error::invalid_input(field, format!("{prefix}: {message}"))
        }
        other => other,
    }
}

/// The parts of an [`Error::InvalidInput`], for the models' tests.
#[cfg(test)]
pub(crate) trait InvalidParts {
    /// The field named; panics on any other error.
    fn field(&self) -> &'static str;
    /// The explanation; panics on any other error.
    fn message(&self) -> &str;
}

#[cfg(test)]
impl InvalidParts for Error {
    fn field(&self) -> &'static str {
        match self {
            Error::InvalidInput { field, .. } => field,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    fn message(&self) -> &str {
        match self {
            Error::InvalidInput { message, .. } => message,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
}

/// `amount` must be more than zero.
pub(crate) fn positive_amount(amount: i64) -> Check {
    if amount > 0 {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "amount",
            format!("amount must be greater than 0 (minor units), got {amount}"),
        ))
    }
}

/// `value` must hold no control character (U+0000–U+001F, U+007F–U+009F).
///
/// JSON sends them as `\uXXXX` (or `\n`-style) escapes, which GoPay's firewall refuses
/// with an HTTP 403 that says nothing about the field; refusing them here names it.
pub(crate) fn no_control(field: &'static str, value: &str) -> Check {
    match value.chars().enumerate().find(|(_, c)| c.is_control()) {
        None => Ok(()),
        Some((at, c)) => Err(Error::invalid_input(
            field,
            format!(
                "{field} holds the control character U+{:04X} at character {at}; GoPay \
                 refuses control characters (line breaks and tabs included)",
                u32::from(c)
            ),
        )),
    }
}

/// Like [`no_control`] for an optional value; `None` passes.
pub(crate) fn opt_no_control(field: &'static str, value: Option<&str>) -> Check {
    value.map_or(Ok(()), |v| no_control(field, v))
}

/// `value` is free text: no control character ([`no_control`]), and at most `max`
/// characters (not bytes) long.
pub(crate) fn max_chars(field: &'static str, value: &str, max: usize) -> Check {
    no_control(field, value)?;
    let len = value.chars().count();
    if len <= max {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            format!("{field} is {len} characters long, at most {max} allowed"),
        ))
    }
}

/// Like [`max_chars`] for an optional value; `None` passes.
pub(crate) fn opt_max_chars(field: &'static str, value: Option<&str>, max: usize) -> Check {
    value.map_or(Ok(()), |v| max_chars(field, v, max))
}

/// `order_number`: not blank, at most 128 characters.
pub(crate) fn order_number(value: &str) -> Check {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(
            "order_number",
            "order_number must not be empty",
        ));
    }
    max_chars("order_number", value, 128)
}

/// No control character in any name or value.
pub(crate) fn additional_params(params: &[AdditionalParam]) -> Check {
    for (index, param) in params.iter().enumerate() {
        let prefix = format!("parameter {index}");
        no_control("additional_params.name", &param.name).map_err(|e| prefixed(&prefix, e))?;
        no_control("additional_params.value", &param.value).map_err(|e| prefixed(&prefix, e))?;
    }
    Ok(())
}

/// No control character in the (obsolete) EET data's text.
#[cfg(feature = "eet")]
#[allow(deprecated)]
pub(crate) fn eet(eet: Option<&Eet>) -> Check {
    opt_no_control(
        "eet.dic_poverujiciho",
        eet.and_then(|eet| eet.dic_poverujiciho.as_deref()),
    )
}

/// Text, lengths and counts of every item.
pub(crate) fn items(items: &[Item]) -> Check {
    for (index, item) in items.iter().enumerate() {
        let prefix = format!("item {index}");
        let at = |check: Check| check.map_err(|e| prefixed(&prefix, e));
        at(max_chars("items.name", &item.name, 256))?;
        at(opt_max_chars("items.ean", item.ean.as_deref(), 13))?;
        at(opt_max_chars(
            "items.product_url",
            item.product_url.as_deref(),
            512,
        ))?;
        if item.count == Some(0) {
            return Err(Error::invalid_input(
                "items.count",
                format!("item {index}: count must be greater than 0"),
            ));
        }
    }
    Ok(())
}

/// When there are items, their amounts must add up to `amount` (GoPay error 360 otherwise).
pub(crate) fn items_sum(items: &[Item], amount: i64) -> Check {
    if items.is_empty() {
        return Ok(());
    }
    let mut sum: i64 = 0;
    for item in items {
        sum = sum.checked_add(item.amount).ok_or_else(|| {
            Error::invalid_input(
                "items.amount",
                "the sum of the items' amounts overflows i64",
            )
        })?;
    }
    if sum == amount {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "items.amount",
            format!("the items' amounts add up to {sum}, but amount is {amount}"),
        ))
    }
}

/// Text and maximum lengths of the contact fields.
pub(crate) fn contact(contact: &Contact) -> Check {
    let fields: [(&'static str, &Option<String>, usize); 8] = [
        ("payer.contact.first_name", &contact.first_name, 256),
        ("payer.contact.last_name", &contact.last_name, 256),
        ("payer.contact.email", &contact.email, 128),
        ("payer.contact.phone_number", &contact.phone_number, 128),
        ("payer.contact.city", &contact.city, 128),
        ("payer.contact.street", &contact.street, 128),
        ("payer.contact.postal_code", &contact.postal_code, 16),
        ("payer.contact.country_code", &contact.country_code, 3),
    ];
    for (field, value, max) in fields {
        opt_max_chars(field, value.as_deref(), max)?;
    }
    Ok(())
}

/// `verify_pin`: exactly four ASCII digits.
pub(crate) fn verify_pin(pin: &str) -> Check {
    if pin.len() == 4 && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "payer.verify_pin",
            "verify_pin must be exactly 4 digits",
        ))
    }
}
