//! Refunds and captures: `RefundRequest`, `CaptureRequest` and the refund-history `Refund`.

use super::lenient;
use super::validate;
#[cfg(feature = "eet")]
#[allow(deprecated)] // the obsolete EET data stays on the wire for old integrations
use super::Eet;
use super::{Currency, Item, RefundState};
use serde::{Deserialize, Serialize};

/// JSON body of a refund with items and/or EET (`RefundPayment`).
///
/// A plain amount-only refund does not need this type. GoPay's own example
/// gives the refunded items negative amounts, so items are not summed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "eet", allow(deprecated))] // the `eet` field
pub struct RefundRequest {
    /// Amount to refund in hundredths of the currency unit, in every currency (HUF
    /// included); must be more than zero.
    #[serde(deserialize_with = "lenient::int")]
    pub amount: i64,
    /// Refunded order rows.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub items: Vec<Item>,
    /// EET data of the refund (obsolete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "eet")]
    pub eet: Option<Eet>,
}

impl RefundRequest {
    /// A refund of `amount`, in hundredths of the currency unit in every currency (HUF
    /// included; see [`minor_units`](crate::minor_units)).
    pub fn new(amount: i64) -> RefundRequest {
        RefundRequest {
            amount,
            ..RefundRequest::default()
        }
    }

    /// Appends a refunded order row.
    #[must_use]
    pub fn item(mut self, item: Item) -> RefundRequest {
        self.items.push(item);
        self
    }

    /// Sets the (obsolete) EET data.
    #[must_use]
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    #[allow(deprecated)] // its parameter
    #[cfg(feature = "eet")]
    pub fn eet(mut self, eet: Eet) -> RefundRequest {
        self.eet = Some(eet);
        self
    }

    /// Checks the request locally: `amount` > 0, item lengths and counts, and no control
    /// character in any text (GoPay's firewall refuses them).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming the first field that
    /// fails (its wire name, dotted for nested fields: `items.name`).
    pub fn validate(&self) -> Result<(), crate::Error> {
        validate::positive_amount(self.amount)?;
        validate::items(&self.items)?;
        #[cfg(feature = "eet")]
        validate::eet(self.eet.as_ref())?;
        Ok(())
    }
}

/// JSON body of a partial capture of a pre-authorised payment (`CapturePayment`).
///
/// The rest of the held amount is released to the card. A full capture needs no body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "eet", allow(deprecated))] // the `eet` field
pub struct CaptureRequest {
    /// Amount to capture in hundredths of the currency unit, in every currency (HUF
    /// included); more than zero, at most the authorised amount.
    #[serde(deserialize_with = "lenient::int")]
    pub amount: i64,
    /// Captured order rows.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub items: Vec<Item>,
    /// EET data, replacing the payment's original EET data (obsolete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "eet")]
    pub eet: Option<Eet>,
}

impl CaptureRequest {
    /// A capture of `amount`, in hundredths of the currency unit in every currency (HUF
    /// included; see [`minor_units`](crate::minor_units)).
    pub fn new(amount: i64) -> CaptureRequest {
        CaptureRequest {
            amount,
            ..CaptureRequest::default()
        }
    }

    /// Appends a captured order row.
    #[must_use]
    pub fn item(mut self, item: Item) -> CaptureRequest {
        self.items.push(item);
        self
    }

    /// Sets the (obsolete) EET data.
    #[must_use]
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    #[allow(deprecated)] // its parameter
    #[cfg(feature = "eet")]
    pub fn eet(mut self, eet: Eet) -> CaptureRequest {
        self.eet = Some(eet);
        self
    }

    /// Checks the request locally: `amount` > 0, item lengths and counts, and no control
    /// character in any text (GoPay's firewall refuses them).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming the first field that
    /// fails (its wire name, dotted for nested fields: `items.name`).
    pub fn validate(&self) -> Result<(), crate::Error> {
        validate::positive_amount(self.amount)?;
        validate::items(&self.items)?;
        #[cfg(feature = "eet")]
        validate::eet(self.eet.as_ref())?;
        Ok(())
    }
}

/// One refund in a payment's refund history.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refund {
    /// Refund id.
    #[serde(deserialize_with = "lenient::int")]
    pub id: u64,
    /// State of the refund.
    pub state: RefundState,
    /// Refunded amount in hundredths of the currency unit, in every currency (HUF included).
    #[serde(deserialize_with = "lenient::int")]
    pub amount: i64,
    /// Currency of the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// When the refund was requested, as GoPay sends it (`yyyy-MM-dd` or a timestamp).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub date_requested: Option<String>,
    /// When the refund last changed state, as GoPay sends it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub date_last_change: Option<String>,
}

impl Refund {
    /// Refund `id` of `amount` (hundredths of the currency unit) in `state`, with nothing
    /// else (for tests and simulators; the client decodes GoPay's answers).
    pub fn new(id: u64, state: RefundState, amount: i64) -> Refund {
        Refund {
            id,
            state,
            amount,
            currency: None,
            date_requested: None,
            date_last_change: None,
        }
    }
}

option_setters!(Refund {
    /// Sets the currency.
    currency: Currency,
    /// Sets when the refund was requested.
    date_requested: String,
    /// Sets when the refund last changed state.
    date_last_change: String,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validate::InvalidParts;
    use serde_json::json;

    #[test]
    fn refund_with_negative_items_is_valid() {
        let request = RefundRequest::new(119990).item(Item::new("Returned phone", -119990));
        request.validate().unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"amount": 119990, "items": [
                {"type": "ITEM", "name": "Returned phone", "amount": -119990, "count": 1}]})
        );
        assert_eq!(
            serde_json::to_value(RefundRequest::new(1000)).unwrap(),
            json!({"amount": 1000})
        );
    }

    #[test]
    fn refund_and_capture_validation() {
        assert_eq!(
            RefundRequest::new(0).validate().unwrap_err().field(),
            "amount"
        );
        assert_eq!(
            CaptureRequest::new(-1).validate().unwrap_err().field(),
            "amount"
        );
        let long = Item::new("n".repeat(257), 1);
        assert_eq!(
            RefundRequest::new(1)
                .item(long.clone())
                .validate()
                .unwrap_err()
                .field(),
            "items.name"
        );
        assert!(CaptureRequest::new(1).item(long).validate().is_err());
        let control = Item::new("a\u{1}", 1);
        let err = RefundRequest::new(1)
            .item(control.clone())
            .validate()
            .unwrap_err();
        assert_eq!(err.field(), "items.name");
        let err = CaptureRequest::new(1).item(control).validate().unwrap_err();
        assert_eq!(err.field(), "items.name");
        let zero = Item::new("a", 1).count(0);
        assert_eq!(
            CaptureRequest::new(1)
                .item(zero)
                .validate()
                .unwrap_err()
                .field(),
            "items.count"
        );
        // Item sums are not checked for partial captures and refunds.
        CaptureRequest::new(500)
            .item(Item::new("a", i64::MAX))
            .item(Item::new("b", i64::MAX))
            .validate()
            .unwrap();
    }

    #[test]
    fn capture_round_trips() {
        let json = json!({"amount": "500", "items": [{"name": "x", "amount": 500}]});
        let capture: CaptureRequest = serde_json::from_value(json).unwrap();
        assert_eq!(
            serde_json::to_value(&capture).unwrap(),
            json!({"amount": 500, "items": [{"name": "x", "amount": 500}]})
        );
    }

    #[test]
    fn refund_history_decodes() {
        let history: Vec<Refund> = serde_json::from_value(json!([
            {"id": 3000115093_u64, "state": "SUCCESS", "amount": 1000, "currency": "CZK",
             "date_requested": "2024-09-03T14:12:37.123+0200", "date_last_change": null},
            {"id": "3000115094", "state": "PENDING_NEW", "amount": "5",
             "date_requested": "2024-09-03", "extra": 1}
        ]))
        .unwrap();
        assert_eq!(history[0].state, RefundState::Success);
        assert_eq!(history[0].currency, Some(Currency::Czk));
        assert_eq!(history[0].date_last_change, None);
        assert_eq!(history[1].id, 3_000_115_094);
        assert_eq!(history[1].state, RefundState::Unknown("PENDING_NEW".into()));
        assert_eq!(history[1].date_requested.as_deref(), Some("2024-09-03"));
    }
}
