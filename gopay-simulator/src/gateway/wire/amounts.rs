//! The bodies that move money on an existing payment (GOPAY_API §5.10): a refund (a form
//! `amount=`, or JSON with items and EET) and a capture (empty for all of it, or JSON).

use serde_json::{Map, Value};

use super::object::Object;
use super::order::{EET, ITEM};
use super::schema::{self, optional, required, Field, Kind, AMOUNT};
use crate::gateway::api::Media;
use crate::gateway::responses::FieldError;

/// A refund: the amount to refund, with the refunded rows and EET data in the JSON form.
/// Its sign and size are the refund's own checks (332), not the field's.
pub(crate) const REFUND: &[Field] = &[
    required("amount", AMOUNT),
    optional("items", Kind::List(&Kind::Object(ITEM))),
    optional("eet", Kind::Object(EET)),
];

/// A partial capture (JSON); a full capture sends no body at all.
pub(crate) const CAPTURE: &[Field] = &[
    required("amount", AMOUNT),
    optional("items", Kind::List(&Kind::Object(ITEM))),
    optional("eet", Kind::Object(EET)),
];

/// The refund's amount.
///
/// # Errors
///
/// 110 without an amount, 111 for one that is no whole number (or a bad row or EET field).
pub(crate) fn refund(body: &Map<String, Value>) -> Result<i64, Vec<FieldError>> {
    amount(body, REFUND)
}

/// The amount of a partial capture, or `None` (all of it) for an empty form body.
///
/// # Errors
///
/// As for [`refund`], for a body that is not empty.
pub(crate) fn capture(
    body: &Map<String, Value>,
    media: Media,
) -> Result<Option<i64>, Vec<FieldError>> {
    if media != Media::Json && body.is_empty() {
        return Ok(None);
    }
    amount(body, CAPTURE).map(Some)
}

fn amount(body: &Map<String, Value>, fields: &[Field]) -> Result<i64, Vec<FieldError>> {
    let (normal, errors) = schema::check(body, fields);
    match Object(&normal).int("amount") {
        Some(amount) if errors.is_empty() => Ok(amount),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn refunds_and_captures_read_their_amount() {
        assert_eq!(refund(&object(json!({"amount": "1000"}))).ok(), Some(1000));
        let missing = refund(&object(json!({}))).unwrap_err();
        assert_eq!(
            (missing[0].code.number, missing[0].field.as_str()),
            (110, "amount")
        );
        let wrong = refund(&object(json!({"amount": "ten"}))).unwrap_err();
        assert_eq!(wrong[0].code.number, 111);
        // Refunded rows are negative and need not add up to the refund (GoPay's example).
        let with_items = json!({"amount": 119_990, "items": [{"type": "ITEM", "name": "lodicky",
            "ean": 1_234_567_890_123_i64, "amount": -119_990, "count": 1, "vat_rate": 21}],
            "eet": {"celk_trzba": -119_990, "mena": "CZK"}});
        assert_eq!(refund(&object(with_items)).ok(), Some(119_990));
        assert_eq!(capture(&Map::new(), Media::Form).ok(), Some(None));
        assert_eq!(capture(&Map::new(), Media::Ignored).ok(), Some(None));
        assert!(capture(&Map::new(), Media::Json).is_err());
        assert_eq!(
            capture(&object(json!({"amount": 500})), Media::Json).ok(),
            Some(Some(500))
        );
    }
}
