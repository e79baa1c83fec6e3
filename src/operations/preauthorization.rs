//! Pre-authorised payments: capture in full or in part, or release the held funds.

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::http::Payload;
use crate::model::{CaptureRequest, PaymentResult};
use crate::Client;

impl Client {
    /// Captures the whole pre-authorised amount: `POST /payments/payment/{id}/capture`
    /// (form content type, empty body), scope `payment-all`.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// client.capture_authorization(3000006529)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn capture_authorization(&self, id: u64) -> Result<PaymentResult, Error> {
        let path = format!("/payments/payment/{}/capture", payment_id(id)?);
        self.call(Method::POST, &path, Payload::Form(String::new()))
    }

    /// Captures part of the pre-authorised amount and releases the rest:
    /// `POST /payments/payment/{id}/capture` (JSON), scope `payment-all`.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// use gopay::{CaptureRequest, Item};
    ///
    /// let capture = CaptureRequest::new(500).item(Item::new("Delivered part", 500));
    /// client.capture_authorization_partial(3000006529, &capture)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn capture_authorization_partial(
        &self,
        id: u64,
        capture: &CaptureRequest,
    ) -> Result<PaymentResult, Error> {
        capture.validate()?;
        let path = format!("/payments/payment/{}/capture", payment_id(id)?);
        self.call(Method::POST, &path, Client::json(capture)?)
    }

    /// Releases the held funds of a pre-authorised payment:
    /// `POST /payments/payment/{id}/void-authorization` (form content type, empty body),
    /// scope `payment-all`.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// client.void_authorization(3000006529)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn void_authorization(&self, id: u64) -> Result<PaymentResult, Error> {
        let path = format!("/payments/payment/{}/void-authorization", payment_id(id)?);
        self.call(Method::POST, &path, Payload::Form(String::new()))
    }
}
