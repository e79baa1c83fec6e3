//! Recurring payments: the `Recurrence` settings and the on-demand `RecurrenceRequest`.

use super::lenient;
use super::validate;
#[cfg(feature = "eet")]
#[allow(deprecated)] // the obsolete EET data stays on the wire for old integrations
use super::Eet;
use super::{AdditionalParam, Currency, Item, RecurrenceCycle, RecurrenceState};
use serde::{Deserialize, Serialize};

/// Recurrence of a payment (`recurrence`): sent when creating a recurring
/// payment, reported back with its `recurrence_state`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Recurrence {
    /// Unit of the cycle, or `ON_DEMAND` (GoPay may leave it out of a child payment's
    /// status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_cycle: Option<RecurrenceCycle>,
    /// Every n-th cycle unit (`DAY` + 3 = every third day); none for `ON_DEMAND`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub recurrence_period: Option<u32>,
    /// Last day of the recurrence, `yyyy-MM-dd`, after today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_date_to: Option<String>,
    /// State of the recurrence (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_state: Option<RecurrenceState>,
}

impl Recurrence {
    /// Automatic recurrence every `period` `cycle`s until `date_to` (`yyyy-MM-dd`).
    pub fn periodic(cycle: RecurrenceCycle, period: u32, date_to: impl Into<String>) -> Recurrence {
        Recurrence {
            recurrence_cycle: Some(cycle),
            recurrence_period: Some(period),
            recurrence_date_to: Some(date_to.into()),
            recurrence_state: None,
        }
    }

    /// On-demand recurrence until `date_to` (`yyyy-MM-dd`); the shop triggers each
    /// payment with a [`RecurrenceRequest`].
    pub fn on_demand(date_to: impl Into<String>) -> Recurrence {
        Recurrence {
            recurrence_cycle: Some(RecurrenceCycle::OnDemand),
            recurrence_period: None,
            recurrence_date_to: Some(date_to.into()),
            recurrence_state: None,
        }
    }
}

/// Body of "create next on-demand recurrence" (`NextPayment`): charges the payer
/// of a paid `ON_DEMAND` parent payment again.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "eet", allow(deprecated))] // the `eet` field
pub struct RecurrenceRequest {
    /// Amount in hundredths of the currency unit, in every currency (HUF included); must be
    /// more than zero.
    #[serde(deserialize_with = "lenient::int")]
    pub amount: i64,
    /// Currency of the amount.
    pub currency: Currency,
    /// The shop's order id (at most 128 characters).
    pub order_number: String,
    /// Order description (at most 256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_description: Option<String>,
    /// Order rows; when present their amounts must add up to `amount`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub items: Vec<Item>,
    /// Free name/value pairs, echoed back in the payment.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub additional_params: Vec<AdditionalParam>,
    /// EET data (obsolete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "eet")]
    pub eet: Option<Eet>,
}

impl RecurrenceRequest {
    /// A next payment of `amount` (hundredths of the currency unit, in every currency, HUF
    /// included: see [`minor_units`](crate::minor_units)) for the order `order_number`.
    pub fn new(
        amount: i64,
        currency: Currency,
        order_number: impl Into<String>,
    ) -> RecurrenceRequest {
        RecurrenceRequest {
            amount,
            currency,
            order_number: order_number.into(),
            order_description: None,
            items: Vec::new(),
            additional_params: Vec::new(),
            #[cfg(feature = "eet")]
            eet: None,
        }
    }

    /// Sets the order description.
    #[must_use]
    pub fn order_description(mut self, description: impl Into<String>) -> RecurrenceRequest {
        self.order_description = Some(description.into());
        self
    }

    /// Appends an order row.
    #[must_use]
    pub fn item(mut self, item: Item) -> RecurrenceRequest {
        self.items.push(item);
        self
    }

    /// Appends a name/value pair to `additional_params`.
    #[must_use]
    pub fn additional_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> RecurrenceRequest {
        self.additional_params
            .push(AdditionalParam::new(name, value));
        self
    }

    /// Sets the (obsolete) EET data.
    #[must_use]
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    #[allow(deprecated)] // its parameter
    #[cfg(feature = "eet")]
    pub fn eet(mut self, eet: Eet) -> RecurrenceRequest {
        self.eet = Some(eet);
        self
    }

    /// Checks the request locally: `amount` > 0, `order_number` not blank and at
    /// most 128 characters, `order_description` at most 256, item lengths, and
    /// items' amounts adding up to `amount` when there are items. No text field may hold
    /// a control character (GoPay's firewall refuses them).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming the first field that
    /// fails (its wire name, dotted for nested fields: `items.name`).
    pub fn validate(&self) -> Result<(), crate::Error> {
        validate::positive_amount(self.amount)?;
        validate::order_number(&self.order_number)?;
        validate::opt_max_chars("order_description", self.order_description.as_deref(), 256)?;
        validate::items(&self.items)?;
        validate::items_sum(&self.items, self.amount)?;
        validate::additional_params(&self.additional_params)?;
        #[cfg(feature = "eet")]
        validate::eet(self.eet.as_ref())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validate::InvalidParts;
    use serde_json::json;

    #[test]
    fn recurrence_constructors_and_wire_form() {
        assert_eq!(
            serde_json::to_value(Recurrence::periodic(
                RecurrenceCycle::Month,
                1,
                "2099-12-31"
            ))
            .unwrap(),
            json!({"recurrence_cycle": "MONTH", "recurrence_period": 1,
                   "recurrence_date_to": "2099-12-31"})
        );
        assert_eq!(
            serde_json::to_value(Recurrence::on_demand("2099-12-31")).unwrap(),
            json!({"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2099-12-31"})
        );
        let reported: Recurrence = serde_json::from_value(json!({
            "recurrence_cycle": "WEEK", "recurrence_period": "2",
            "recurrence_date_to": "2030-01-01", "recurrence_state": "REQUESTED"
        }))
        .unwrap();
        assert_eq!(reported.recurrence_period, Some(2));
        assert_eq!(reported.recurrence_state, Some(RecurrenceState::Requested));
    }

    #[test]
    fn next_payment_matches_the_reference_example() {
        let json = json!({"amount": 500, "currency": "CZK", "order_number": "002",
            "order_description": "Subscription 02",
            "items": [{"name": "Subscription", "amount": 500, "count": 1}]});
        let parsed: RecurrenceRequest = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json);
        parsed.validate().unwrap();
        let built = RecurrenceRequest::new(500, Currency::Czk, "002")
            .order_description("Subscription 02")
            .item(Item::new("Subscription", 500))
            .additional_param("k", "v");
        built.validate().unwrap();
    }

    #[test]
    fn next_payment_validation() {
        let base = || RecurrenceRequest::new(500, Currency::Czk, "002");
        base().validate().unwrap();
        let mut r = base();
        r.amount = 0;
        assert_eq!(r.validate().unwrap_err().field(), "amount");
        let r = base().item(Item::new("a", 499));
        assert_eq!(r.validate().unwrap_err().field(), "items.amount");
        let r = RecurrenceRequest::new(i64::MAX, Currency::Czk, "x")
            .item(Item::new("a", i64::MAX))
            .item(Item::new("b", i64::MAX));
        assert_eq!(r.validate().unwrap_err().field(), "items.amount");
        let mut r = base();
        r.order_number = String::new();
        assert_eq!(r.validate().unwrap_err().field(), "order_number");
        let r = base().order_description("d".repeat(257));
        assert_eq!(r.validate().unwrap_err().field(), "order_description");
        let r = base().item(Item::new("n".repeat(257), 500));
        assert_eq!(r.validate().unwrap_err().field(), "items.name");
        let r = base().order_description("line\nbreak");
        assert_eq!(r.validate().unwrap_err().field(), "order_description");
        let r = base().additional_param("k", "v\u{0}");
        assert_eq!(r.validate().unwrap_err().field(), "additional_params.value");
        assert!(r.validate().is_err());
    }
}
