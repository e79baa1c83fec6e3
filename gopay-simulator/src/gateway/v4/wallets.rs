//! The wallet helpers of API v4: what a browser needs to open Google Pay or Apple Pay for
//! a payment (its amount as a decimal string), and Apple Pay's merchant validation, whose
//! session the simulator invents.

use serde_json::{json, Value};

use crate::control::host;
use crate::gateway::v4::errors::V4Error;
use crate::gateway::v4::state::Payment;
use crate::gateway::v4::wire;

/// The merchant name the wallets show.
const MERCHANT: &str = "GoPay Simulator";

/// `amount` in minor units as the wallets write it: `"1.00"` for 100.
fn decimal(amount: i64) -> String {
    format!("{}.{:02}", amount / 100, amount % 100)
}

/// Wallets open only for a payment still waiting to be paid (409 otherwise).
fn waiting(payment: &Payment) -> Result<(), V4Error> {
    if payment.state == "CREATED" {
        Ok(())
    } else {
        Err(V4Error::conflict(format!(
            "the payment is {}",
            payment.state
        )))
    }
}

/// `GET /payments/{id}/google-pay/info`.
pub(crate) fn google_pay(payment: &Payment, goid: u64) -> Result<Value, V4Error> {
    waiting(payment)?;
    Ok(json!({
        "environment": "TEST",
        "paymentDataRequest": {
            "apiVersion": 2,
            "apiVersionMinor": 0,
            "allowedPaymentMethods": [{
                "type": "CARD",
                "parameters": {
                    "allowedAuthMethods": ["PAN_ONLY", "CRYPTOGRAM_3DS"],
                    "allowedCardNetworks": ["VISA", "MASTERCARD"],
                },
                "tokenizationSpecification": {
                    "type": "PAYMENT_GATEWAY",
                    "parameters": {"gateway": "gopay", "gatewayMerchantId": goid.to_string()},
                },
            }],
            "transactionInfo": {
                "totalPriceStatus": "FINAL",
                "totalPrice": decimal(payment.amount),
                "currencyCode": payment.currency,
            },
            "merchantInfo": {"merchantName": MERCHANT},
            "emailRequired": false,
        },
    }))
}

/// `GET /payments/{id}/apple-pay/info` (`total`) and `…/app-info` (`paymentSummaryItems`).
pub(crate) fn apple_pay(payment: &Payment, app: bool) -> Result<Value, V4Error> {
    waiting(payment)?;
    let total = json!({"label": MERCHANT, "amount": decimal(payment.amount), "type": "final"});
    let mut request = json!({
        "merchantCapabilities": ["supports3DS"],
        "supportedNetworks": ["visa", "masterCard", "maestro"],
        "countryCode": "CZ",
        "currencyCode": payment.currency,
        "requiredBillingContactFields": [],
        "requiredShippingContactFields": [],
        "applicationData": payment.id,
    });
    if app {
        request["paymentSummaryItems"] = json!([total]);
    } else {
        request["total"] = total;
    }
    Ok(json!({
        "applepayVersion": 6,
        "merchantIdentifier": "merchant.com.gopay.simulator",
        "applePayPaymentRequest": request,
    }))
}

/// The body of `POST /payments/{id}/apple-pay/validate`.
#[derive(serde::Deserialize)]
struct Validate {
    #[serde(rename = "validationUrl")]
    validation_url: String,
}

/// `POST /payments/{id}/apple-pay/validate`: the `Origin` header and `validationUrl` are
/// required; the merchant session is opaque to the shop, so the simulator's is invented.
pub(crate) fn apple_pay_validate(
    payment: &Payment,
    origin: Option<&str>,
    body: &[u8],
    session: String,
    now_ms: u128,
) -> Result<Value, V4Error> {
    let origin = origin
        .filter(|o| !o.is_empty())
        .ok_or_else(|| V4Error::bad_request("the Origin header is required"))?;
    let request: Validate = wire::read(body)?;
    // URL schemes are case-insensitive (RFC 3986 §3.1): `HTTPS://` is as good as `https://`.
    let scheme = request.validation_url.get(..8).unwrap_or_default();
    if !scheme.eq_ignore_ascii_case("https://") {
        return Err(V4Error::bad_request("validationUrl: must be an https URL"));
    }
    waiting(payment)?;
    let domain = domain_of(origin);
    Ok(json!({
        "merchantSessionIdentifier": session,
        "epochTimestamp": now_ms,
        "expiresAt": now_ms + 3_600_000,
        "merchantIdentifier": "merchant.com.gopay.simulator",
        "displayName": MERCHANT,
        "domainName": domain,
    }))
}

/// The bare domain of an origin, as Apple's merchant session names it: no scheme and no
/// port (`https://shop.example:8443` → `shop.example`; `[::1]:8443` → `[::1]`).
fn domain_of(origin: &str) -> &str {
    host::without_port(origin.split_once("://").map_or(origin, |(_, rest)| rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sessions_domain_is_bare() {
        assert_eq!(domain_of("https://shop.example"), "shop.example");
        assert_eq!(domain_of("https://shop.example:8443"), "shop.example");
        assert_eq!(domain_of("https://[::1]:8443"), "[::1]");
        assert_eq!(domain_of("https://[::1]"), "[::1]");
    }

    #[test]
    fn amounts_as_decimal_strings() {
        assert_eq!(decimal(100), "1.00");
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(123456), "1234.56");
    }
}
