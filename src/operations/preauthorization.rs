//! Pre-authorised payments: capture in full or in part, or release the held funds.

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::model::{CaptureRequest, PaymentResult};
use crate::transport::Payload;
use crate::Client;

impl Client {
    /// Captures the whole pre-authorised amount: `POST /payments/payment/{id}/capture`
    /// (form content type, empty body), scope `payment-all`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_status`](Client::get_status): `PAID` means the
    /// capture happened, `AUTHORIZED` that it did not. GoPay captures a payment once at
    /// most (a second capture is refused), so repeating after `AUTHORIZED` is safe.
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
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_status`](Client::get_status): `PAID` means the
    /// capture happened (check its `amount`), `AUTHORIZED` that it did not.
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
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_status`](Client::get_status): `CANCELED` means the
    /// funds were released, `AUTHORIZED` that they are still held.
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
