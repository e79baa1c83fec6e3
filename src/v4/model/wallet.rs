//! What a payment page needs to start Google Pay or Apple Pay for a v4 payment, and Apple
//! Pay's merchant validation. The inner objects are Google's and Apple's own, handed to their
//! JavaScript APIs as they are, so they stay JSON values.

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

/// The body of `POST /payments/{id}/apple-pay/validate`: the URL Apple's JavaScript handed
/// the page in its `onvalidatemerchant` event.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplePayValidationRequest {
    /// Apple's validation URL (`event.validationURL`), an https URL.
    #[serde(rename = "validationUrl")]
    pub validation_url: String,
}

impl ApplePayValidationRequest {
    /// A validation request for `validation_url`.
    pub fn new(validation_url: impl Into<String>) -> ApplePayValidationRequest {
        ApplePayValidationRequest {
            validation_url: validation_url.into(),
        }
    }
}

/// Apple Pay's merchant session, as GoPay answers a merchant validation: Apple's own object,
/// opaque to the shop, which hands it to its page unchanged for
/// `ApplePaySession.completeMerchantValidation`. It serialises back to the JSON object GoPay
/// sent, every field and value kept (as JSON objects go, their order is not part of it).
///
/// ```
/// use serde_json::json;
/// let sent = json!({"merchantSessionIdentifier": "SSH1", "epochTimestamp": 1, "nonce": "n"});
/// let session: gopay::v4::ApplePayMerchantSession = serde_json::from_value(sent.clone())?;
/// assert_eq!(session.get("epochTimestamp"), Some(&json!(1)));
/// // What the page receives and passes to `completeMerchantValidation`:
/// let body = serde_json::to_string(&session)?;
/// assert_eq!(serde_json::from_str::<serde_json::Value>(&body)?, sent);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(transparent)]
#[non_exhaustive]
pub struct ApplePayMerchantSession {
    fields: serde_json::Map<String, serde_json::Value>,
}

impl ApplePayMerchantSession {
    /// One field of the session, e.g. `merchantSessionIdentifier` or `expiresAt`.
    pub fn get(&self, field: &str) -> Option<&serde_json::Value> {
        self.fields.get(field)
    }

    /// Every field.
    pub fn as_map(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.fields
    }

    /// The JSON object itself.
    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.fields
    }
}
