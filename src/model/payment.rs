//! Payments: the create-payment request (`PaymentRequest` and its parts) and the `Payment` GoPay returns.

use super::lenient;
use super::validate;
use super::{
    Contact, Currency, ItemType, Language, Payer, PaymentInstrument, PaymentState, PreAuthState,
    Recurrence, ResultCode, SubState, TargetType,
};
#[cfg(feature = "eet")]
#[allow(deprecated)] // the obsolete EET data stays on the wire for old integrations
use super::{Eet, EetCode};
use serde::{Deserialize, Serialize};

/// Body of "create payment" (`BasePayment`).
///
/// ```
/// use gopay::{Currency, Item, PaymentRequest};
///
/// let request = PaymentRequest::new(15000, Currency::Czk, "2025-0001")
///     .order_description("Order 2025-0001")
///     .item(Item::new("T-shirt", 15000).vat_rate(21))
///     .callback("https://shop.example/return", "https://shop.example/notify")
///     .contact_email("jan@example.com");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "eet", allow(deprecated))] // the `eet` field
pub struct PaymentRequest {
    /// The payer and the payment methods offered (GoPay requires it since 3-D Secure 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    /// Recipient; the client fills `{ACCOUNT, goid}` from its config when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Amount in hundredths of the currency unit, in every currency (HUF included):
    /// 100.00 CZK = `10000`; must be more than zero. [`minor_units`](crate::minor_units)
    /// converts a decimal price exactly.
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
    /// Return and notification URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
    /// Free name/value pairs, echoed back in the payment.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub additional_params: Vec<AdditionalParam>,
    /// Gateway language; the client fills it from its config when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Language>,
    /// Makes this a recurring payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// `true` makes this a pre-authorised payment (funds held, captured later).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_boolean"
    )]
    pub preauthorization: Option<bool>,
    /// EET data (obsolete: EET was abolished in 2023).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "eet")]
    pub eet: Option<Eet>,
}

impl PaymentRequest {
    /// A payment of `amount` (hundredths of the currency unit, in every currency, HUF
    /// included: see [`minor_units`](crate::minor_units)) for the order `order_number`; add
    /// items, callback and payer with the chained setters.
    pub fn new(amount: i64, currency: Currency, order_number: impl Into<String>) -> PaymentRequest {
        PaymentRequest {
            payer: None,
            target: None,
            amount,
            currency,
            order_number: order_number.into(),
            order_description: None,
            items: Vec::new(),
            callback: None,
            additional_params: Vec::new(),
            lang: None,
            recurrence: None,
            preauthorization: None,
            #[cfg(feature = "eet")]
            eet: None,
        }
    }

    /// Sets the order description.
    #[must_use]
    pub fn order_description(mut self, description: impl Into<String>) -> PaymentRequest {
        self.order_description = Some(description.into());
        self
    }

    /// Appends an order row.
    #[must_use]
    pub fn item(mut self, item: Item) -> PaymentRequest {
        self.items.push(item);
        self
    }

    /// Sets the return URL (customer redirect) and notification URL (GoPay's HTTP GET).
    #[must_use]
    pub fn callback(
        mut self,
        return_url: impl Into<String>,
        notification_url: impl Into<String>,
    ) -> PaymentRequest {
        self.callback = Some(Callback::new(return_url, notification_url));
        self
    }

    /// Sets the whole payer object.
    #[must_use]
    pub fn payer(mut self, payer: Payer) -> PaymentRequest {
        self.payer = Some(payer);
        self
    }

    /// Sets the payer's contact details.
    #[must_use]
    pub fn contact(mut self, contact: Contact) -> PaymentRequest {
        self.payer_mut().contact = Some(contact);
        self
    }

    /// Sets the payer's contact e-mail, keeping any other contact details.
    #[must_use]
    pub fn contact_email(mut self, email: impl Into<String>) -> PaymentRequest {
        self.payer_mut()
            .contact
            .get_or_insert_with(Contact::default)
            .email = Some(email.into());
        self
    }

    /// Sets the payment methods offered on the gateway.
    #[must_use]
    pub fn allowed_payment_instruments(
        mut self,
        instruments: impl IntoIterator<Item = PaymentInstrument>,
    ) -> PaymentRequest {
        self.payer_mut().allowed_payment_instruments = instruments.into_iter().collect();
        self
    }

    /// Sets the payment method pre-selected on the gateway.
    #[must_use]
    pub fn default_payment_instrument(mut self, instrument: PaymentInstrument) -> PaymentRequest {
        self.payer_mut().default_payment_instrument = Some(instrument);
        self
    }

    /// Sets the recipient (normally left to the client, which uses its GoID).
    #[must_use]
    pub fn target(mut self, target: Target) -> PaymentRequest {
        self.target = Some(target);
        self
    }

    /// Sets the gateway language.
    #[must_use]
    pub fn lang(mut self, lang: Language) -> PaymentRequest {
        self.lang = Some(lang);
        self
    }

    /// Appends a name/value pair to `additional_params`.
    #[must_use]
    pub fn additional_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> PaymentRequest {
        self.additional_params
            .push(AdditionalParam::new(name, value));
        self
    }

    /// Makes the payment recurring.
    #[must_use]
    pub fn recurrence(mut self, recurrence: Recurrence) -> PaymentRequest {
        self.recurrence = Some(recurrence);
        self
    }

    /// Sets `preauthorization` (`true`: hold the funds, capture them later).
    #[must_use]
    pub fn preauthorization(mut self, preauthorize: bool) -> PaymentRequest {
        self.preauthorization = Some(preauthorize);
        self
    }

    /// Sets the (obsolete) EET data.
    #[must_use]
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    #[allow(deprecated)] // its parameter
    #[cfg(feature = "eet")]
    pub fn eet(mut self, eet: Eet) -> PaymentRequest {
        self.eet = Some(eet);
        self
    }

    fn payer_mut(&mut self) -> &mut Payer {
        self.payer.get_or_insert_with(Payer::default)
    }

    /// Checks the request locally, without the network: `amount` > 0; `order_number`
    /// not blank and at most 128 characters; `order_description` at most 256; items'
    /// amounts add up to `amount` when there are items; item, callback and contact
    /// lengths; `verify_pin` exactly 4 digits. Lengths count characters, not bytes.
    ///
    /// No text field (order number, description, item names, URLs, contact, additional
    /// parameters, …) may hold a control character, line breaks and tabs included: GoPay's
    /// firewall refuses them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming the first field that
    /// fails (its wire name, dotted for nested fields: `items.name`).
    ///
    /// ```
    /// use gopay::{Currency, Error, PaymentRequest};
    ///
    /// let err = PaymentRequest::new(100, Currency::Czk, "2025\u{1}0001").validate().unwrap_err();
    /// assert!(matches!(err, Error::InvalidInput { field: "order_number", .. }));
    /// ```
    pub fn validate(&self) -> Result<(), crate::Error> {
        validate::positive_amount(self.amount)?;
        validate::order_number(&self.order_number)?;
        validate::opt_max_chars("order_description", self.order_description.as_deref(), 256)?;
        validate::items(&self.items)?;
        validate::items_sum(&self.items, self.amount)?;
        if let Some(callback) = &self.callback {
            validate::max_chars("callback.return_url", &callback.return_url, 512)?;
            validate::max_chars("callback.notification_url", &callback.notification_url, 512)?;
        }
        if let Some(payer) = &self.payer {
            if let Some(contact) = &payer.contact {
                validate::contact(contact)?;
            }
            if let Some(pin) = &payer.verify_pin {
                validate::verify_pin(pin)?;
            }
            validate::opt_no_control(
                "payer.allowed_card_token",
                payer.allowed_card_token.as_deref(),
            )?;
            validate::opt_no_control("payer.email", payer.email.as_deref())?;
        }
        if let Some(target) = &self.target {
            validate::opt_no_control("target.email", target.email.as_deref())?;
        }
        if let Some(recurrence) = &self.recurrence {
            validate::opt_no_control(
                "recurrence.recurrence_date_to",
                recurrence.recurrence_date_to.as_deref(),
            )?;
        }
        validate::additional_params(&self.additional_params)?;
        #[cfg(feature = "eet")]
        validate::eet(self.eet.as_ref())?;
        Ok(())
    }
}

/// Recipient of a payment (`target`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Target {
    /// Kind of recipient; e-shops use `ACCOUNT`.
    #[serde(rename = "type")]
    pub target_type: TargetType,
    /// GoID of the e-shop (required for e-shop payments).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub goid: Option<u64>,
    /// E-mail of the recipient's GoPay account (PSD2 wallet payments instead of `goid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Target {
    /// The e-shop with this GoID: `{"type": "ACCOUNT", "goid": goid}`.
    pub fn account(goid: u64) -> Target {
        Target {
            target_type: TargetType::Account,
            goid: Some(goid),
            email: None,
        }
    }

    /// The GoPay account with this e-mail (PSD2 wallet payments).
    pub fn account_email(email: impl Into<String>) -> Target {
        Target {
            target_type: TargetType::Account,
            goid: None,
            email: Some(email.into()),
        }
    }
}

/// One order row (`items[]`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Item {
    /// Kind of row (`ITEM`, `DISCOUNT`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<ItemType>,
    /// Product name (at most 256 characters).
    pub name: String,
    /// **Total** price of the row (not the unit price) in hundredths of the currency unit, in
    /// every currency (HUF included); may be negative.
    #[serde(deserialize_with = "lenient::int")]
    pub amount: i64,
    /// Number of units (more than zero).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub count: Option<u64>,
    /// VAT rate in percent, e.g. `21`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub vat_rate: Option<u32>,
    /// EAN code (at most 13 characters).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub ean: Option<String>,
    /// Product page URL (at most 512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_url: Option<String>,
}

impl Item {
    /// One unit (`count` 1) of type `ITEM` costing `amount` in total, in hundredths of the
    /// currency unit in every currency (HUF included; see [`minor_units`](crate::minor_units)).
    pub fn new(name: impl Into<String>, amount: i64) -> Item {
        Item {
            item_type: Some(ItemType::Item),
            name: name.into(),
            amount,
            count: Some(1),
            ..Item::default()
        }
    }

    /// Sets the kind of row (e.g. `ItemType::Discount`).
    #[must_use]
    pub fn item_type(mut self, item_type: ItemType) -> Item {
        self.item_type = Some(item_type);
        self
    }

    /// Sets the number of units (`amount` stays the row total).
    #[must_use]
    pub fn count(mut self, count: u64) -> Item {
        self.count = Some(count);
        self
    }

    /// Sets the VAT rate in percent.
    #[must_use]
    pub fn vat_rate(mut self, vat_rate: u32) -> Item {
        self.vat_rate = Some(vat_rate);
        self
    }

    /// Sets the EAN code.
    #[must_use]
    pub fn ean(mut self, ean: impl Into<String>) -> Item {
        self.ean = Some(ean.into());
        self
    }

    /// Sets the product page URL.
    #[must_use]
    pub fn product_url(mut self, url: impl Into<String>) -> Item {
        self.product_url = Some(url.into());
        self
    }
}

/// Where GoPay sends the customer and its notifications (`callback`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Callback {
    /// URL the customer returns to after the gateway; GoPay appends `?id=<payment id>`
    /// (at most 512 characters).
    pub return_url: String,
    /// URL GoPay calls (HTTP GET) when the payment changes state (at most 512 characters).
    pub notification_url: String,
}

impl Callback {
    /// Both callback URLs.
    pub fn new(return_url: impl Into<String>, notification_url: impl Into<String>) -> Callback {
        Callback {
            return_url: return_url.into(),
            notification_url: notification_url.into(),
        }
    }
}

/// A free name/value pair stored with the payment (`additional_params[]`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AdditionalParam {
    /// Name.
    pub name: String,
    /// Value.
    #[serde(deserialize_with = "lenient::string")]
    pub value: String,
}

impl AdditionalParam {
    /// A name/value pair.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> AdditionalParam {
        AdditionalParam {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Pre-authorisation of a payment, as reported by GoPay (`preauthorization`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Preauthorization {
    /// Whether pre-authorisation was requested.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_boolean"
    )]
    pub requested: Option<bool>,
    /// Where the pre-authorisation stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PreAuthState>,
}

/// GoPay reports `{"requested": true, "state": …}`; an echo of the request's bare flag
/// (`true`) is read as `{"requested": true}` rather than failing the whole payment.
fn preauthorization_object_or_flag<'de, D>(d: D) -> Result<Option<Preauthorization>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Object(Preauthorization),
        Flag(#[serde(deserialize_with = "lenient::boolean")] bool),
    }
    Ok(Option::<Shape>::deserialize(d)?.map(|shape| match shape {
        Shape::Object(object) => object,
        Shape::Flag(requested) => Preauthorization {
            requested: Some(requested),
            state: None,
        },
    }))
}

/// A payment as GoPay reports it (create payment, payment status, next recurrence).
///
/// Only `id` is required when decoding; every other field is optional so that a
/// sparse answer still decodes. To build one (in a test), start from
/// [`Payment::new`] or `Payment::default()` and set the fields.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[cfg_attr(feature = "eet", allow(deprecated))] // the `eet_code` field
pub struct Payment {
    /// Payment id.
    #[serde(deserialize_with = "lenient::int")]
    pub id: u64,
    /// Id of the parent payment, for payments of a recurrence.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub parent_id: Option<u64>,
    /// The shop's order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// State of the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PaymentState>,
    /// Detail of the state (e.g. why a card was declined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_state: Option<SubState>,
    /// Amount in hundredths of the currency unit, in every currency (HUF included).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub amount: Option<i64>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Method the customer chose, once chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_instrument: Option<PaymentInstrument>,
    /// The payer, with card or bank account details once paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    /// Recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Recurrence settings and state, for recurring payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Pre-authorisation, for pre-authorised payments.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "preauthorization_object_or_flag"
    )]
    pub preauthorization: Option<Preauthorization>,
    /// Name/value pairs given at creation.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub additional_params: Vec<AdditionalParam>,
    /// Gateway language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Language>,
    /// URL of the payment gateway to send the customer to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gw_url: Option<String>,
    /// EET codes (obsolete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "eet")]
    pub eet_code: Option<EetCode>,
    /// Order rows, when GoPay returns them.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub items: Vec<Item>,
}

impl Payment {
    /// A payment with this id and nothing else, as the sparsest answer decodes.
    pub fn new(id: u64) -> Payment {
        Payment {
            id,
            ..Payment::default()
        }
    }
}

/// Answer to refund, capture, void and void-recurrence (`PaymentResult`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentResult {
    /// Id of the payment concerned.
    #[serde(deserialize_with = "lenient::int")]
    pub id: u64,
    /// Outcome.
    pub result: ResultCode,
    /// Explanation, usually with `FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl PaymentResult {
    /// The outcome `result` for payment `id`, with no description (for tests and
    /// simulators; the client decodes GoPay's answers).
    pub fn new(id: u64, result: ResultCode) -> PaymentResult {
        PaymentResult {
            id,
            result,
            description: None,
        }
    }
}

option_setters!(PaymentResult {
    /// Sets the explanation.
    description: String,
});

#[cfg(test)]
#[cfg_attr(feature = "eet", allow(deprecated))] // the EET field is checked like the others
mod tests {
    use super::*;
    use crate::model::validate::InvalidParts;
    use crate::model::{BankAccount, RecurrenceCycle, Swift};
    use serde_json::{json, Value};

    fn example_request_json() -> Value {
        json!({
          "payer": {
            "allowed_payment_instruments": ["PAYMENT_CARD", "BANK_ACCOUNT"],
            "default_payment_instrument": "PAYMENT_CARD",
            "allowed_swifts": ["GIBACZPX", "FIOBCZPP"],
            "default_swift": "FIOBCZPP",
            "contact": {"first_name": "Jan", "last_name": "Novak", "email": "jan@example.com",
                        "phone_number": "+420777000000", "city": "Praha", "street": "Ulice 1",
                        "postal_code": "11000", "country_code": "CZE"}
          },
          "target": {"type": "ACCOUNT", "goid": 8123456789_u64},
          "amount": 15000, "currency": "CZK",
          "order_number": "2025-0001", "order_description": "Order 2025-0001",
          "items": [{"type": "ITEM", "name": "T-shirt", "amount": 15000, "count": 1, "vat_rate": 21}],
          "callback": {"return_url": "https://shop.example/return",
                       "notification_url": "https://shop.example/notify"},
          "additional_params": [{"name": "invoicenumber", "value": "2025001"}],
          "lang": "CS"
        })
    }

    fn built_example() -> PaymentRequest {
        PaymentRequest::new(15000, Currency::Czk, "2025-0001")
            .order_description("Order 2025-0001")
            .item(Item::new("T-shirt", 15000).vat_rate(21))
            .callback("https://shop.example/return", "https://shop.example/notify")
            .payer(Payer {
                allowed_payment_instruments: vec![
                    PaymentInstrument::PaymentCard,
                    PaymentInstrument::BankAccount,
                ],
                default_payment_instrument: Some(PaymentInstrument::PaymentCard),
                allowed_swifts: vec![Swift::GIBACZPX, Swift::FIOBCZPP],
                default_swift: Some(Swift::FIOBCZPP),
                contact: Some(Contact {
                    first_name: Some("Jan".into()),
                    last_name: Some("Novak".into()),
                    email: Some("jan@example.com".into()),
                    phone_number: Some("+420777000000".into()),
                    city: Some("Praha".into()),
                    street: Some("Ulice 1".into()),
                    postal_code: Some("11000".into()),
                    country_code: Some("CZE".into()),
                }),
                ..Payer::default()
            })
            .target(Target::account(8_123_456_789))
            .additional_param("invoicenumber", "2025001")
            .lang(Language::Cs)
    }

    #[test]
    fn reference_example_request_round_trips() {
        let original = example_request_json();
        let request: PaymentRequest = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&request).unwrap(), original);
        assert_eq!(request, built_example());
        assert_eq!(serde_json::to_value(built_example()).unwrap(), original);
        request.validate().unwrap();
    }

    #[test]
    fn lenient_request_as_in_gopay_examples() {
        let request: PaymentRequest = serde_json::from_value(json!({
            "target": {"type": "ACCOUNT", "goid": "8123456789"},
            "amount": "1000", "currency": "CZK", "order_number": "001",
            "items": [{"name": "item01", "amount": "1000", "count": "1", "vat_rate": "21",
                       "ean": 1234567890123_u64}],
            "preauthorization": "true",
            "recurrence": {"recurrence_cycle": "DAY", "recurrence_period": "7",
                           "recurrence_date_to": "2099-12-31"}
        }))
        .unwrap();
        assert_eq!(request.amount, 1000);
        assert_eq!(request.target.as_ref().unwrap().goid, Some(8_123_456_789));
        assert_eq!(request.items[0].count, Some(1));
        assert_eq!(request.items[0].vat_rate, Some(21));
        assert_eq!(request.items[0].ean.as_deref(), Some("1234567890123"));
        assert_eq!(request.preauthorization, Some(true));
        let recurrence = request.recurrence.as_ref().unwrap();
        assert_eq!(recurrence.recurrence_cycle, Some(RecurrenceCycle::Day));
        assert_eq!(recurrence.recurrence_period, Some(7));
        // Re-encoded with proper JSON types.
        let value = serde_json::to_value(&request).unwrap();
        assert_eq!(value["amount"], 1000);
        assert_eq!(value["target"]["goid"], 8_123_456_789_u64);
        assert_eq!(value["preauthorization"], true);
    }

    #[test]
    fn unset_fields_and_empty_lists_are_omitted() {
        let request = PaymentRequest::new(100, Currency::Eur, "A1");
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"amount": 100, "currency": "EUR", "order_number": "A1"})
        );
        let item = Item {
            name: "x".into(),
            amount: 5,
            ..Item::default()
        };
        assert_eq!(
            serde_json::to_value(item).unwrap(),
            json!({"name": "x", "amount": 5})
        );
        let with_email = PaymentRequest::new(100, Currency::Eur, "A1").contact_email("a@b.cz");
        assert_eq!(
            serde_json::to_value(&with_email).unwrap()["payer"],
            json!({"contact": {"email": "a@b.cz"}})
        );
    }

    #[test]
    fn unicode_is_sent_as_raw_utf8() {
        let request = PaymentRequest::new(100, Currency::Czk, "1")
            .order_description("Příliš žluťoučký kůň")
            .item(Item::new("Привет, мир", 100));
        let text = serde_json::to_string(&request).unwrap();
        assert!(text.contains("Příliš žluťoučký kůň"), "{text}");
        assert!(text.contains("Привет"), "{text}");
        assert!(!text.contains("\\u"), "{text}");
    }

    #[test]
    fn builder_helpers() {
        let request = PaymentRequest::new(500, Currency::Czk, "X")
            .contact(Contact::new().email("a@b.cz"))
            .contact_email("c@d.cz")
            .allowed_payment_instruments([PaymentInstrument::PaymentCard])
            .default_payment_instrument(PaymentInstrument::PaymentCard)
            .preauthorization(true);
        let payer = request.payer.as_ref().unwrap();
        assert_eq!(
            payer.contact.as_ref().unwrap().email.as_deref(),
            Some("c@d.cz")
        );
        assert_eq!(
            payer.allowed_payment_instruments,
            vec![PaymentInstrument::PaymentCard]
        );
        assert_eq!(request.preauthorization, Some(true));
        let item = Item::new("Sale", -100)
            .item_type(ItemType::Discount)
            .count(2)
            .ean("1234")
            .product_url("https://x");
        assert_eq!(item.item_type, Some(ItemType::Discount));
        assert_eq!(item.count, Some(2));
        assert_eq!(Item::new("a", 1).count, Some(1));
        assert_eq!(Item::new("a", 1).item_type, Some(ItemType::Item));
    }

    fn failing_field(request: &PaymentRequest) -> &'static str {
        request.validate().unwrap_err().field()
    }

    fn valid() -> PaymentRequest {
        PaymentRequest::new(1000, Currency::Czk, "order-1")
            .item(Item::new("A", 600))
            .item(Item::new("B", 400))
            .callback("https://r", "https://n")
    }

    #[test]
    fn control_characters_in_any_text_field_are_refused() {
        type Edit = fn(&mut PaymentRequest, String);
        let edits: &[(&str, Edit)] = &[
            ("order_number", |r, v| r.order_number = v),
            ("order_description", |r, v| r.order_description = Some(v)),
            ("items.name", |r, v| r.items[1].name = v),
            ("items.ean", |r, v| r.items[0].ean = Some(v)),
            ("items.product_url", |r, v| r.items[0].product_url = Some(v)),
            ("callback.return_url", |r, v| {
                r.callback.as_mut().unwrap().return_url = v
            }),
            ("callback.notification_url", |r, v| {
                r.callback.as_mut().unwrap().notification_url = v
            }),
            ("additional_params.name", |r, v| {
                r.additional_params.push(AdditionalParam::new(v, "x"))
            }),
            ("additional_params.value", |r, v| {
                r.additional_params.push(AdditionalParam::new("x", v))
            }),
            ("payer.contact.first_name", |r, v| {
                r.payer_mut().contact = Some(Contact {
                    first_name: Some(v),
                    ..Contact::default()
                })
            }),
            ("payer.contact.street", |r, v| {
                r.payer_mut().contact = Some(Contact {
                    street: Some(v),
                    ..Contact::default()
                })
            }),
            ("payer.contact.email", |r, v| {
                *r = r.clone().contact_email(v)
            }),
            ("payer.email", |r, v| r.payer_mut().email = Some(v)),
            ("payer.allowed_card_token", |r, v| {
                r.payer_mut().allowed_card_token = Some(v)
            }),
            ("target.email", |r, v| {
                r.target = Some(Target::account_email(v))
            }),
            ("recurrence.recurrence_date_to", |r, v| {
                r.recurrence = Some(Recurrence::on_demand(v))
            }),
            #[cfg(feature = "eet")]
            ("eet.dic_poverujiciho", |r, v| {
                r.eet = Some(Eet {
                    dic_poverujiciho: Some(v),
                    ..Eet::default()
                })
            }),
        ];
        for (field, edit) in edits.iter().copied() {
            for bad in [
                "a\u{1}b",
                "a\nb",
                "x\r",
                "tab\t",
                "\u{1b}[31m",
                "del\u{7f}",
                "c1\u{9b}",
            ] {
                let mut request = valid();
                edit(&mut request, bad.to_owned());
                let err = request.validate().unwrap_err();
                match &err {
                    crate::Error::InvalidInput {
                        field: got,
                        message,
                    } => {
                        assert_eq!(*got, field, "{bad:?}: {message}");
                        assert!(message.contains("control character"), "{message}");
                        assert!(!message.contains(bad), "{message}");
                    }
                    other => panic!("{field} {bad:?}: {other:?}"),
                }
                assert!(!err.to_string().contains('\n'));
            }
            let mut request = valid();
            edit(&mut request, "Příliš žluťoučký kůň 🐎".to_owned());
            // Letters of any script and emoji are text, not control characters.
            if let Err(invalid) = request.validate() {
                assert!(
                    !invalid.message().contains("control"),
                    "{field}: {invalid:?}"
                );
            }
        }
    }

    #[test]
    fn validation_accepts_a_good_request_and_counts_characters() {
        valid().validate().unwrap();
        // 128 multi-byte characters are fine although they are 256 bytes.
        let mut request = valid();
        request.order_number = "ř".repeat(128);
        request.validate().unwrap();
        request.order_number = "ř".repeat(129);
        assert_eq!(failing_field(&request), "order_number");
        // No items: no sum check.
        PaymentRequest::new(1, Currency::Czk, "x")
            .validate()
            .unwrap();
    }

    #[test]
    fn validation_catches_each_bad_input() {
        type Breaker = Box<dyn Fn(&mut PaymentRequest)>;
        let cases: Vec<(&str, Breaker)> = vec![
            ("amount", Box::new(|r| r.amount = 0)),
            ("amount", Box::new(|r| r.amount = -5)),
            ("order_number", Box::new(|r| r.order_number.clear())),
            ("order_number", Box::new(|r| r.order_number = "  ".into())),
            (
                "order_description",
                Box::new(|r| r.order_description = Some("d".repeat(257))),
            ),
            ("items.amount", Box::new(|r| r.items[0].amount = 601)),
            (
                "items.name",
                Box::new(|r| r.items[1].name = "n".repeat(257)),
            ),
            (
                "items.ean",
                Box::new(|r| r.items[0].ean = Some("1".repeat(14))),
            ),
            (
                "items.product_url",
                Box::new(|r| r.items[0].product_url = Some("u".repeat(513))),
            ),
            ("items.count", Box::new(|r| r.items[0].count = Some(0))),
            (
                "callback.return_url",
                Box::new(|r| r.callback.as_mut().unwrap().return_url = "u".repeat(513)),
            ),
            (
                "callback.notification_url",
                Box::new(|r| r.callback.as_mut().unwrap().notification_url = "u".repeat(513)),
            ),
            (
                "payer.contact.first_name",
                Box::new(|r| {
                    r.payer = Some(Payer {
                        contact: Some(Contact {
                            first_name: Some("J".repeat(257)),
                            ..Contact::default()
                        }),
                        ..Payer::default()
                    })
                }),
            ),
            (
                "payer.contact.email",
                Box::new(|r| *r = r.clone().contact_email("e".repeat(129))),
            ),
            (
                "payer.contact.postal_code",
                Box::new(|r| {
                    *r = r.clone().contact(Contact {
                        postal_code: Some("1".repeat(17)),
                        ..Contact::default()
                    })
                }),
            ),
            (
                "payer.contact.country_code",
                Box::new(|r| {
                    *r = r.clone().contact(Contact {
                        country_code: Some("CZEE".into()),
                        ..Contact::default()
                    })
                }),
            ),
        ];
        for (field, break_it) in cases {
            let mut request = valid();
            break_it(&mut request);
            assert_eq!(failing_field(&request), field);
            assert!(request.validate().is_err());
        }
    }

    #[test]
    fn verify_pin_must_be_four_ascii_digits() {
        for (pin, ok) in [
            ("1234", true),
            ("0000", true),
            ("123", false),
            ("12345", false),
            ("12a4", false),
            ("١٢٣٤", false), // Arabic-Indic digits are not ASCII
            ("", false),
        ] {
            let request = valid().payer(Payer {
                verify_pin: Some(pin.into()),
                ..Payer::default()
            });
            assert_eq!(request.validate().is_ok(), ok, "{pin}");
            if !ok {
                assert_eq!(failing_field(&request), "payer.verify_pin");
            }
        }
    }

    #[test]
    fn item_sum_overflow_is_an_error_not_a_panic() {
        let request = PaymentRequest::new(i64::MAX, Currency::Czk, "o")
            .item(Item::new("a", i64::MAX))
            .item(Item::new("b", 1));
        let err = request.validate().unwrap_err();
        assert_eq!(err.field(), "items.amount");
        assert!(err.message().contains("overflow"));
        let request = PaymentRequest::new(1, Currency::Czk, "o")
            .item(Item::new("a", i64::MIN))
            .item(Item::new("b", -1));
        assert!(request.validate().is_err());
        // Extreme but non-overflowing sums are compared normally.
        let request = PaymentRequest::new(1, Currency::Czk, "o")
            .item(Item::new("a", i64::MAX))
            .item(Item::new("b", i64::MIN + 2));
        request.validate().unwrap();
    }

    fn status_example() -> Value {
        json!({"id": 3000006529_u64, "order_number": "001", "state": "PAID", "sub_state": "_3002",
         "amount": 1000, "currency": "CZK", "payment_instrument": "BANK_ACCOUNT",
         "payer": {"allowed_payment_instruments": ["BANK_ACCOUNT"], "default_swift": "FIOBCZPP",
                   "bank_account": {"prefix": "670100", "account_number": "7654322",
                                    "bank_code": "0100", "account_name": "JAN NOVAK"},
                   "contact": {"email": "test@example.com"}},
         "target": {"type": "ACCOUNT", "goid": 8123456789_u64},
         "additional_params": [{"name": "invoicenumber", "value": "2015001003"}],
         "lang": "cs", "gw_url": "https://gw.sandbox.gopay.com/gw/v3/bCcv..."})
    }

    #[test]
    fn reference_example_payment_decodes() {
        let payment: Payment = serde_json::from_value(status_example()).unwrap();
        assert_eq!(payment.id, 3_000_006_529);
        assert_eq!(payment.state, Some(PaymentState::Paid));
        assert_eq!(payment.sub_state, Some(SubState::S3002));
        assert_eq!(payment.amount, Some(1000));
        assert_eq!(payment.currency, Some(Currency::Czk));
        assert_eq!(
            payment.payment_instrument,
            Some(PaymentInstrument::BankAccount)
        );
        assert_eq!(payment.lang, Some(Language::Cs));
        let payer = payment.payer.as_ref().unwrap();
        assert_eq!(payer.default_swift, Some(Swift::FIOBCZPP));
        assert_eq!(
            payer.bank_account,
            Some(BankAccount {
                prefix: Some("670100".into()),
                account_number: Some("7654322".into()),
                bank_code: Some("0100".into()),
                account_name: Some("JAN NOVAK".into()),
                ..BankAccount::default()
            })
        );
        assert_eq!(payment.target, Some(Target::account(8_123_456_789)));
        assert_eq!(
            payment.additional_params,
            vec![AdditionalParam::new("invoicenumber", "2015001003")]
        );
        assert!(payment.parent_id.is_none());
        assert!(payment.items.is_empty());

        // Encoding gives the same JSON back, except `lang` in upper case.
        let mut expected = status_example();
        expected["lang"] = json!("CS");
        assert_eq!(serde_json::to_value(&payment).unwrap(), expected);
    }

    #[test]
    fn unknown_fields_and_values_are_tolerated() {
        let mut json = status_example();
        json["state"] = json!("ON_HOLD");
        json["sub_state"] = json!("_7777");
        json["payment_instrument"] = json!("CRYPTO_WALLET");
        json["brand_new_field"] = json!({"nested": [1, 2, 3]});
        json["payer"]["another_new_field"] = json!(true);
        json["parent_id"] = json!("3000006000");
        json["preauthorization"] = json!({"requested": true, "state": "REQUESTED"});
        json["recurrence"] = json!({"recurrence_cycle": "ON_DEMAND",
                                    "recurrence_date_to": "2099-12-31",
                                    "recurrence_state": "STARTED"});
        json["eet_code"] = json!({"fik": "f", "bkp": "b", "pkp": "p"});
        json["items"] = json!([{"type": "ITEM", "name": "x", "amount": 1000}]);
        let payment: Payment = serde_json::from_value(json).unwrap();
        assert_eq!(payment.state, Some(PaymentState::Unknown("ON_HOLD".into())));
        assert_eq!(payment.sub_state, Some(SubState::Unknown("_7777".into())));
        assert_eq!(
            payment.payment_instrument,
            Some(PaymentInstrument::Unknown("CRYPTO_WALLET".into()))
        );
        assert_eq!(payment.parent_id, Some(3_000_006_000));
        assert_eq!(
            payment.preauthorization,
            Some(Preauthorization {
                requested: Some(true),
                state: Some(PreAuthState::Requested)
            })
        );
        assert_eq!(payment.items.len(), 1);
        let back = serde_json::to_value(&payment).unwrap();
        assert_eq!(back["state"], "ON_HOLD");
        assert_eq!(back["sub_state"], "_7777");
        assert_eq!(back["payment_instrument"], "CRYPTO_WALLET");
        assert!(back.get("brand_new_field").is_none());
    }

    #[test]
    fn minimal_payment_and_result_decode() {
        let payment: Payment = serde_json::from_str(
            r#"{"id": "3000006529", "state": "CREATED", "amount": "1000", "currency": "CZK",
                "gw_url": "https://gw.sandbox.gopay.com/gw/v3/x", "additional_params": null}"#,
        )
        .unwrap();
        assert_eq!(payment.id, 3_000_006_529);
        assert_eq!(payment.amount, Some(1000));
        assert!(payment.payer.is_none());
        // Only the id is required.
        let sparse: Payment = serde_json::from_str(r#"{"id": 7}"#).unwrap();
        assert_eq!(
            sparse,
            Payment {
                id: 7,
                ..Payment::default()
            }
        );
        assert_eq!(serde_json::to_string(&sparse).unwrap(), r#"{"id":7}"#);
        assert!(serde_json::from_str::<Payment>(r#"{"state": "PAID"}"#).is_err());
        let result: PaymentResult =
            serde_json::from_str(r#"{"id": 3000006620, "result": "FINISHED"}"#).unwrap();
        assert_eq!(result.result, ResultCode::Finished);
        assert_eq!(result.description, None);
        let failed: PaymentResult =
            serde_json::from_str(r#"{"id": 1, "result": "FAILED", "description": "not possible"}"#)
                .unwrap();
        assert_eq!(failed.description.as_deref(), Some("not possible"));
        assert!(serde_json::from_str::<Payment>(r#"{"id": "x1", "state": "PAID"}"#).is_err());
    }

    #[test]
    fn preauthorization_decodes_from_object_or_bare_flag() {
        let object: Payment = serde_json::from_str(
            r#"{"id":1,"preauthorization":{"requested":true,"state":"AUTHORIZED"}}"#,
        )
        .unwrap();
        let pre = object.preauthorization.unwrap();
        assert_eq!(pre.requested, Some(true));
        assert_eq!(pre.state, Some(PreAuthState::Authorized));
        for flag in ["true", "\"true\""] {
            let json = format!(r#"{{"id":1,"preauthorization":{flag}}}"#);
            let payment: Payment = serde_json::from_str(&json).unwrap();
            assert_eq!(payment.preauthorization.unwrap().requested, Some(true));
        }
        assert!(serde_json::from_str::<Payment>(r#"{"id":1,"preauthorization":"maybe"}"#).is_err());
    }
}
