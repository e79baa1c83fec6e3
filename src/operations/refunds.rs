//! Refunds: by amount (form body), with items (JSON), and the refund history.

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::model::{PaymentResult, Refund, RefundRequest};
use crate::transport::Payload;
use crate::Client;

impl Client {
    /// Refunds `amount` (hundredths of the currency unit, in every currency, HUF included:
    /// see [`minor_units`](crate::minor_units)) of a paid payment, fully or in part:
    /// `POST /payments/payment/{id}/refund` with the **form** body `amount=…`, scope
    /// `payment-all`. Several partial refunds may follow each other.
    ///
    /// Never repeated automatically: if the call fails in transport, check
    /// [`get_history_of_refunds`](Client::get_history_of_refunds) before refunding again.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_history_of_refunds`](Client::get_history_of_refunds)
    /// (or [`get_status`](Client::get_status): `state` `PARTIALLY_REFUNDED` / `REFUNDED`)
    /// and refund again only if the refund is not there.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let result = client.refund_payment(3000006620, 1000)?;
    /// println!("{:?}", result.result); // FINISHED or ACCEPTED
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn refund_payment(&self, id: u64, amount: i64) -> Result<PaymentResult, Error> {
        if amount <= 0 {
            return Err(Error::invalid_input("amount", "must be more than zero"));
        }
        let path = format!("/payments/payment/{}/refund", payment_id(id)?);
        self.call(
            Method::POST,
            &path,
            Payload::Form(format!("amount={amount}")),
        )
    }

    /// Refunds with order rows (and EET data): `POST /payments/payment/{id}/refund` with a
    /// JSON body, scope `payment-all`. In GoPay's examples the refunded rows' amounts are
    /// negative.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_history_of_refunds`](Client::get_history_of_refunds)
    /// and refund again only if the refund is not there.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// use gopay::{Item, RefundRequest};
    ///
    /// let refund = RefundRequest::new(5000).item(Item::new("Returned T-shirt", -5000));
    /// let result = client.refund_payment_with_items(3000006620, &refund)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn refund_payment_with_items(
        &self,
        id: u64,
        refund: &RefundRequest,
    ) -> Result<PaymentResult, Error> {
        refund.validate()?;
        let path = format!("/payments/payment/{}/refund", payment_id(id)?);
        self.call(Method::POST, &path, Client::json(refund)?)
    }

    /// Lists the refunds of a payment: `GET /payments/payment/{id}/refunds`, scope
    /// `payment-all`.
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
    /// for refund in client.get_history_of_refunds(3000006620)? {
    ///     println!("{} {:?} {}", refund.id, refund.state, refund.amount);
    /// }
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_history_of_refunds(&self, id: u64) -> Result<Vec<Refund>, Error> {
        let path = format!("/payments/payment/{}/refunds", payment_id(id)?);
        self.call(Method::GET, &path, Payload::None)
    }
}
