//! The v4 operations, one method of [`Client`] per endpoint of GoPay's v4 API.

use ureq::http::Method;

use super::client::Client;
use super::model::{
    ApplePayInfo, ApplePayMerchantSession, ApplePayValidationRequest, CardFormUrl, CardPublicKey,
    CardToken, CardTokenRequest, Charge, ChargeRequest, GooglePayInfo, Payment, PaymentRequest,
    Refund, RefundRequest,
};
use super::web::{check_https_url, check_origin};
use crate::engine::Engine;
use crate::error::Error;
use crate::transport::Payload;
use crate::{QrFormat, QrPayment};

/// Percent-encodes an id for a path segment: v4 ids are strings, so an id holding `/` or
/// `?` must not change which resource is asked for.
fn segment(id: &str) -> Result<String, Error> {
    if id.is_empty() {
        return Err(Error::invalid_input("id", "must not be empty"));
    }
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(out)
}

impl Client {
    /// Creates a payment: `POST /eshops/{goid}/payments` (scope `payment:write`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when GoPay refuses the request (400 for a missing or invalid field),
    /// and the errors every call can have (see [`Error`]). A create that timed out
    /// ([`Error::outcome_unknown`]) may have created a payment: v4 has no idempotency key.
    pub fn create_payment(&self, request: &PaymentRequest) -> Result<Payment, Error> {
        let path = format!("/eshops/{}/payments", segment(self.goid())?);
        self.call(Method::POST, &path, Engine::json(request)?)
    }

    /// Reads a payment, its state and its charge: `GET /payments/{id}` (`payment:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with status 404 for an unknown id, and the errors every call can have.
    pub fn get_payment(&self, id: &str) -> Result<Payment, Error> {
        let path = format!("/payments/{}", segment(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// Charges a payment with a card token, an encrypted card, Google Pay or Apple Pay:
    /// `POST /payments/{id}/charge` (`payment:write`). When the answer's
    /// [`Charge::action`] has a `redirect_url`, send the customer there (3-D Secure); the
    /// bank then sends them to the payment's return URL, and [`get_charge`] tells the end.
    ///
    /// Never repeated automatically. When the outcome is unknown
    /// ([`Error::outcome_unknown`]), ask [`get_charge`] before charging again.
    ///
    /// # Errors
    ///
    /// [`Error::Api`]: 400 for invalid input (e.g. missing browser data), 409 when the
    /// payment cannot be charged in its state; and the errors every call can have.
    ///
    /// [`get_charge`]: Client::get_charge
    pub fn charge_payment(&self, id: &str, request: &ChargeRequest) -> Result<Charge, Error> {
        let path = format!("/payments/{}/charge", segment(id)?);
        self.call(Method::POST, &path, Engine::json(request)?)
    }

    /// The state of a payment's charge: `GET /payments/{id}/charge` (`payment:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with status 404 for an unknown payment (or, possibly, one without a
    /// charge yet), and the errors every call can have.
    pub fn get_charge(&self, id: &str) -> Result<Charge, Error> {
        let path = format!("/payments/{}/charge", segment(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// Bank-transfer details and QR codes of a payment:
    /// `GET /payments/{id}/qr-payment/info[?format=png|svg]` (`payment:read`). The answer has
    /// v3's shape, so it is the same [`QrPayment`].
    ///
    /// # Errors
    ///
    /// [`Error::Api`]: 404 for an unknown payment, 409 when it cannot be paid by transfer;
    /// and the errors every call can have.
    pub fn get_qr_payment(&self, id: &str, format: Option<QrFormat>) -> Result<QrPayment, Error> {
        let mut path = format!("/payments/{}/qr-payment/info", segment(id)?);
        if let Some(format) = format {
            path.push_str("?format=");
            path.push_str(&segment(format.as_str())?);
        }
        self.call(Method::GET, &path, Payload::None)
    }

    /// What the payment page needs for Google Pay:
    /// `GET /payments/{id}/google-pay/info` (`payment:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`]: 404 for an unknown payment, 409 when Google Pay cannot pay it; and
    /// the errors every call can have.
    pub fn get_google_pay_info(&self, id: &str) -> Result<GooglePayInfo, Error> {
        let path = format!("/payments/{}/google-pay/info", segment(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// What a web page needs for Apple Pay: `GET /payments/{id}/apple-pay/info`
    /// (`payment:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`]: 404 for an unknown payment, 409 when Apple Pay cannot pay it; and
    /// the errors every call can have.
    pub fn get_apple_pay_info(&self, id: &str) -> Result<ApplePayInfo, Error> {
        let path = format!("/payments/{}/apple-pay/info", segment(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// What an iOS app needs for Apple Pay: `GET /payments/{id}/apple-pay/app-info`
    /// (`payment:read`).
    ///
    /// # Errors
    ///
    /// As [`get_apple_pay_info`](Client::get_apple_pay_info).
    pub fn get_apple_pay_app_info(&self, id: &str) -> Result<ApplePayInfo, Error> {
        let path = format!("/payments/{}/apple-pay/app-info", segment(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// Apple Pay's merchant validation for a web page:
    /// `POST /payments/{id}/apple-pay/validate` (`payment:read`). When Safari opens Apple Pay
    /// it fires the page's `onvalidatemerchant` with a `validationURL`; the page sends it to
    /// the shop's server, which calls this with the page's `origin` (`scheme://host[:port]`,
    /// as `window.location.origin` gives it) and that `validation_url`. The answer is Apple's
    /// merchant session: hand it to the page unchanged for `completeMerchantValidation`.
    ///
    /// The `Origin` header goes on this request only, and both inputs are checked before
    /// anything is sent. Never repeated automatically (a POST).
    ///
    /// ```no_run
    /// # use gopay::v4::{Client, Config, SANDBOX_URL};
    /// # let client = Client::new(Config::new("8123456789", "id", "secret", SANDBOX_URL))?;
    /// # let validation_url_from_the_page = String::new();
    /// let session = client.validate_apple_pay_merchant(
    ///     "300000001",
    ///     "https://shop.example",
    ///     &validation_url_from_the_page,
    /// )?;
    /// // The page's answer, for `session.completeMerchantValidation(JSON.parse(body))`.
    /// let body = serde_json::to_string(&session)
    ///     .map_err(|e| gopay::Error::invalid_input("session", e.to_string()))?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming `id`, `origin` or `validation_url` when one is empty
    /// or malformed (an origin with a path, query, user information, whitespace or a control
    /// character; a validation URL that is not https), with nothing sent. [`Error::Api`]: 400
    /// when GoPay refuses the origin or the URL, 404 for an unknown payment, 409 when Apple
    /// Pay cannot pay it; [`Error::Decode`] when the answer is not a JSON object; and the
    /// errors every call can have.
    pub fn validate_apple_pay_merchant(
        &self,
        id: &str,
        origin: &str,
        validation_url: &str,
    ) -> Result<ApplePayMerchantSession, Error> {
        let path = format!("/payments/{}/apple-pay/validate", segment(id)?);
        check_origin(origin)?;
        check_https_url("validation_url", validation_url)?;
        let request = ApplePayValidationRequest::new(validation_url);
        self.call_with_origin(Method::POST, &path, Engine::json(&request)?, origin)
    }

    /// Tokenises a card from the encrypted `payload` GoPay's card form produced:
    /// `POST /cards/tokens` (`card:write`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when GoPay refuses the payload; and the errors every call can have.
    pub fn create_card_token(&self, payload: &str) -> Result<CardToken, Error> {
        let request = CardTokenRequest {
            payload: payload.to_owned(),
        };
        self.call(Method::POST, "/cards/tokens", Engine::json(&request)?)
    }

    /// Reads a card token: `GET /cards/tokens/{card_id}` (`card:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with status 404 for an unknown token; and the errors every call can
    /// have.
    pub fn get_card_token(&self, card_id: &str) -> Result<CardToken, Error> {
        let path = format!("/cards/tokens/{}", segment(card_id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// Deletes a card token: `DELETE /cards/tokens/{card_id}` (`card:write`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with status 404 for an unknown token; and the errors every call can
    /// have.
    pub fn delete_card_token(&self, card_id: &str) -> Result<(), Error> {
        let path = format!("/cards/tokens/{}", segment(card_id)?);
        self.call_empty(Method::DELETE, &path)
    }

    /// GoPay's card-encryption public key (a JWK): `GET /cards/public-key` (`shared:read`).
    ///
    /// # Errors
    ///
    /// The errors every call can have.
    pub fn card_public_key(&self) -> Result<CardPublicKey, Error> {
        self.call(Method::GET, "/cards/public-key", Payload::None)
    }

    /// Where GoPay's card form lives: `GET /cards/card-form-url` (`shared:read`).
    ///
    /// # Errors
    ///
    /// The errors every call can have.
    pub fn card_form_url(&self) -> Result<CardFormUrl, Error> {
        self.call(Method::GET, "/cards/card-form-url", Payload::None)
    }

    /// Refunds `amount` minor units (at least 1) of a paid payment:
    /// `POST /payments/{id}/refunds` (`payment:write`). The answer is always
    /// [`RefundState::Requested`](super::RefundState::Requested); [`get_refund`] tells the end.
    ///
    /// Never repeated automatically. When the outcome is unknown
    /// ([`Error::outcome_unknown`]), ask [`get_refunds`] before refunding again.
    ///
    /// # Errors
    ///
    /// [`Error::Api`]: 400 for an amount below 1, 409 when the payment is not `PAID` or
    /// `PARTIALLY_REFUNDED` or a partial refund is not allowed yet; and the errors every
    /// call can have.
    ///
    /// [`get_refund`]: Client::get_refund
    /// [`get_refunds`]: Client::get_refunds
    pub fn refund_payment(&self, id: &str, amount: i64) -> Result<Refund, Error> {
        let path = format!("/payments/{}/refunds", segment(id)?);
        self.call(
            Method::POST,
            &path,
            Engine::json(&RefundRequest::new(amount))?,
        )
    }

    /// Every refund of a payment, failed ones included: `GET /payments/{id}/refunds`
    /// (`payment:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with status 404 for an unknown payment; and the errors every call can
    /// have.
    pub fn get_refunds(&self, id: &str) -> Result<Vec<Refund>, Error> {
        let path = format!("/payments/{}/refunds", segment(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// One refund by its own id: `GET /refunds/{refund_id}` (`payment:read`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with status 404 for an unknown refund; and the errors every call can
    /// have.
    pub fn get_refund(&self, refund_id: &str) -> Result<Refund, Error> {
        let path = format!("/refunds/{}", segment(refund_id)?);
        self.call(Method::GET, &path, Payload::None)
    }
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn ids_cannot_change_the_path() {
        assert_eq!(segment("300000001").unwrap(), "300000001");
        assert_eq!(segment("a/../b?c").unwrap(), "a%2F..%2Fb%3Fc");
        assert!(segment("").is_err());
    }
}
