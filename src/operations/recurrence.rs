//! Recurring payments: the next on-demand payment and cancelling a recurrence.

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::model::{Payment, PaymentResult, RecurrenceRequest};
use crate::transport::Payload;
use crate::Client;

impl Client {
    /// Charges the next payment of an on-demand recurrence:
    /// `POST /payments/payment/{id}/create-recurrence` (JSON), scope `payment-all`, where
    /// `id` is the paid parent payment created with `recurrence_cycle: ON_DEMAND`.
    /// Returns the new child payment (its `parent_id` is `id`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: a child payment may have been created and charged. Read the
    /// parent with [`get_status`](Client::get_status) (and your own records of child ids);
    /// charge again only once you know the previous attempt did not create one, since the
    /// customer's card is charged without their presence.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// use gopay::{Currency, Item, RecurrenceRequest};
    ///
    /// let next = RecurrenceRequest::new(500, Currency::Czk, "2025-0002")
    ///     .order_description("Subscription 02")
    ///     .item(Item::new("Subscription", 500));
    /// let child = client.create_recurrence(3000006529, &next)?;
    /// assert_eq!(child.parent_id, Some(3000006529));
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn create_recurrence(&self, id: u64, next: &RecurrenceRequest) -> Result<Payment, Error> {
        next.validate()?;
        let path = format!("/payments/payment/{}/create-recurrence", payment_id(id)?);
        self.call(Method::POST, &path, Client::json(next)?)
    }

    /// Stops a recurrence: `POST /payments/payment/{id}/void-recurrence` (form content type,
    /// empty body), scope `payment-all`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_status`](Client::get_status); the recurrence is
    /// stopped when its `recurrence.recurrence_state` is `STOPPED`. Repeating a stop is
    /// harmless (GoPay refuses it with an error if already stopped).
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// client.void_recurrence(3000006529)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn void_recurrence(&self, id: u64) -> Result<PaymentResult, Error> {
        let path = format!("/payments/payment/{}/void-recurrence", payment_id(id)?);
        self.call(Method::POST, &path, Payload::Form(String::new()))
    }
}
