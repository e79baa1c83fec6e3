//! Creating and reading a v4 payment: [`PaymentRequest`], [`Customer`], [`PaymentCallback`]
//! and the answer, [`Payment`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::charge::Charge;
use crate::model::option_setters;
use crate::{AdditionalParam, Currency, PaymentState};

/// `POST /eshops/{goid}/payments`: what to charge, who pays and where GoPay reports back.
///
/// ```
/// use gopay::v4::{Customer, PaymentRequest};
/// let request = PaymentRequest::new(
///     10000,
///     gopay::Currency::Czk,
///     "order-42",
///     Customer::new("john.doe@example.com"),
///     "https://shop.example/notify",
///     "https://shop.example/return",
/// )
/// .order_description("T-shirt");
/// assert_eq!(request.amount, 10000);
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaymentRequest {
    /// Total amount in minor units (cents), at least 0.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// The shop's order number, at most 128 characters.
    pub order_number: String,
    /// Description of the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_description: Option<String>,
    /// At most four name/value pairs stored with the payment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_params: Vec<AdditionalParam>,
    /// The customer; the e-mail is required.
    pub customer: Customer,
    /// Where GoPay notifies the shop and where the customer returns.
    pub callback: PaymentCallback,
}

impl PaymentRequest {
    /// A request with every required field.
    pub fn new(
        amount: i64,
        currency: Currency,
        order_number: impl Into<String>,
        customer: Customer,
        notification_url: impl Into<String>,
        return_url: impl Into<String>,
    ) -> PaymentRequest {
        PaymentRequest {
            amount,
            currency,
            order_number: order_number.into(),
            order_description: None,
            additional_params: Vec::new(),
            customer,
            callback: PaymentCallback {
                notification_url: notification_url.into(),
                return_url: return_url.into(),
            },
        }
    }

    /// Adds one name/value pair (GoPay accepts at most four).
    #[must_use]
    pub fn additional_param(mut self, param: AdditionalParam) -> PaymentRequest {
        self.additional_params.push(param);
        self
    }
}

option_setters!(PaymentRequest {
    /// Sets the order's description.
    order_description: String,
});

/// The customer of a v4 payment (`customer`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Customer {
    /// E-mail, required: GoPay authenticates and notifies the customer with it.
    #[serde(default)]
    pub email: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Phone number, e.g. `+420123456789`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-3 country code, e.g. `CZE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The shop's id of the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

impl Customer {
    /// A customer with only the required e-mail.
    pub fn new(email: impl Into<String>) -> Customer {
        Customer {
            email: email.into(),
            ..Customer::default()
        }
    }
}

option_setters!(Customer {
    /// Sets the first name.
    first_name: String,
    /// Sets the last name.
    last_name: String,
    /// Sets the phone number.
    phone_number: String,
    /// Sets the city.
    city: String,
    /// Sets the street.
    street: String,
    /// Sets the postal code.
    postal_code: String,
    /// Sets the ISO 3166-1 alpha-3 country code.
    country_code: String,
    /// Sets the shop's id of the customer.
    customer_id: String,
});

/// Where GoPay notifies the shop and where the customer returns (`callback`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PaymentCallback {
    /// Where GoPay sends notifications.
    pub notification_url: String,
    /// Where the customer lands after paying or after a 3-D Secure challenge.
    pub return_url: String,
}

/// A v4 payment as GoPay reports it (`Payment-Details`).
///
/// `Debug` hides the `payment_secret`: GoPay asks that it is never logged.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Payment {
    /// The payment's id (a string in v4).
    pub id: String,
    /// The shop's order number.
    pub order_number: String,
    /// State (v4 has v3's eight values); `None` when GoPay sent none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<PaymentState>,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The customer, as echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// GoPay's hosted gateway for this payment (the v3-style fallback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gw_url: Option<String>,
    /// The secret a browser exchanges for a payment-scoped token: never log or store it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_secret: Option<String>,
    /// The payment's charge, once one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge: Option<Charge>,
}

impl fmt::Debug for Payment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payment")
            .field("id", &self.id)
            .field("order_number", &self.order_number)
            .field("state", &self.state)
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .field("customer", &self.customer)
            .field("gw_url", &self.gw_url)
            .field(
                "payment_secret",
                &self
                    .payment_secret
                    .as_ref()
                    .map(|_| crate::secret::REDACTED),
            )
            .field("charge", &self.charge)
            .finish()
    }
}
