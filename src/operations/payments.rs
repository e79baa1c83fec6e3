//! Creating payments and reading their status.

use ureq::http::Method;

use crate::error::Error;
use crate::model::{Payment, PaymentRequest, Target};
use crate::transport::Payload;
use crate::Client;

impl Client {
    /// Creates a payment: `POST /payments/payment` (JSON), scope `payment-create` or
    /// `payment-all`.
    ///
    /// Fills `target` (`ACCOUNT` with the configured GoID) and `lang` (the configured
    /// language) when the request leaves them out, and never overwrites what it sets.
    /// The request is validated first ([`PaymentRequest::validate`]), so an amount that is
    /// not positive or items that do not add up are refused before anything is sent.
    ///
    /// Send the customer to the returned payment's `gw_url`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown** ([`Error::outcome_unknown`]): GoPay may have created a payment,
    /// but nobody has its id or `gw_url`, so the customer can never open or pay it; it
    /// expires unpaid. Creating a new payment for the order is therefore safe: the customer
    /// is sent to the new `gw_url` only, and only one payment can be paid. (If your order
    /// numbers must be unique at GoPay, create the new one with a new `order_number`.)
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// use gopay::{Currency, Item, PaymentRequest};
    ///
    /// let payment = client.create_payment(
    ///     &PaymentRequest::new(15000, Currency::Czk, "2025-0001")
    ///         .item(Item::new("T-shirt", 15000))
    ///         .callback("https://shop.example/return", "https://shop.example/notify"),
    /// )?;
    /// println!("{} {:?}", payment.id, payment.gw_url);
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn create_payment(&self, payment: &PaymentRequest) -> Result<Payment, Error> {
        let mut payment = payment.clone();
        if payment.target.is_none() {
            payment.target = Some(Target::account(self.config().goid()));
        }
        if payment.lang.is_none() {
            payment.lang = Some(self.language().clone());
        }
        payment.validate()?;
        self.call(Method::POST, "/payments/payment", Client::json(&payment)?)
    }

    /// Reads a payment's authoritative state: `GET /payments/payment/{id}`, scope
    /// `payment-all`.
    ///
    /// Call it after every notification and every return of the customer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an id 0, before anything is sent; [`Error::Api`] when
    /// GoPay refuses it (unknown id: 404, missing scope: 403); [`Error::Auth`] and
    /// [`Error::Config`] for credentials or the gateway URL; transport errors, timeouts and
    /// undecodable answers as for every call. A read is repeated by the client itself when
    /// that is safe, so an error here is final for this call.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let payment = client.get_status(3000006529)?;
    /// println!("{:?} {:?}", payment.state, payment.sub_state);
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_status(&self, id: u64) -> Result<Payment, Error> {
        let path = format!("/payments/payment/{}", payment_id(id)?);
        self.call(Method::GET, &path, Payload::None)
    }
}

/// A payment id, refused when 0.
pub(crate) fn payment_id(id: u64) -> Result<u64, Error> {
    super::positive_id("id", id)
}
