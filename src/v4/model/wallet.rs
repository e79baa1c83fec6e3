//! What a payment page needs to start Google Pay or Apple Pay for a v4 payment. The inner
//! objects are Google's and Apple's own, handed to their JavaScript APIs as they are, so
//! they stay JSON values.

use serde::{Deserialize, Serialize};

/// `GET /payments/{id}/google-pay/info` (every field optional in GoPay's schema).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct GooglePayInfo {
    /// `TEST` or `PRODUCTION`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Google's `PaymentDataRequest`, for `loadPaymentData`.
    #[serde(rename = "paymentDataRequest", skip_serializing_if = "Option::is_none")]
    pub payment_data_request: Option<serde_json::Value>,
}

/// `GET /payments/{id}/apple-pay/info` and `…/apple-pay/app-info` (every field optional).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct ApplePayInfo {
    /// Apple Pay JS version, e.g. `6`.
    #[serde(rename = "applepayVersion", skip_serializing_if = "Option::is_none")]
    pub applepay_version: Option<u32>,
    /// The merchant identifier.
    #[serde(rename = "merchantIdentifier", skip_serializing_if = "Option::is_none")]
    pub merchant_identifier: Option<String>,
    /// Apple's `ApplePayPaymentRequest` (with `total`, or `paymentSummaryItems` in the
    /// app variant).
    #[serde(
        rename = "applePayPaymentRequest",
        skip_serializing_if = "Option::is_none"
    )]
    pub apple_pay_payment_request: Option<serde_json::Value>,
}
