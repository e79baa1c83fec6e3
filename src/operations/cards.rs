//! Saved cards (card tokens): details and deletion.

use ureq::http::Method;

use crate::error::Error;
use crate::model::Card;
use crate::transport::{Payload, MAX_JSON_BODY};
use crate::Client;

impl Client {
    /// Reads a saved card: `GET /payments/cards/{card_id}`, scope `payment-all`. A deleted
    /// card still answers, with status `DELETED`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a card id 0, before anything is sent; [`Error::Api`] when
    /// GoPay refuses it (unknown id: 404, missing scope: 403); [`Error::Auth`] and
    /// [`Error::Config`] for credentials or the gateway URL; transport errors, timeouts and
    /// undecodable answers as for every call. A read is repeated by the client itself when
    /// that is safe, so an error here is final for this call.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let card = client.get_card_details(3011475940)?;
    /// println!("{:?} {:?}", card.card_number, card.status);
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_card_details(&self, card_id: u64) -> Result<Card, Error> {
        let path = format!("/payments/cards/{}", card(card_id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// Deletes a saved card: `DELETE /payments/cards/{card_id}`, scope `payment-all`;
    /// GoPay answers `204 No Content`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Api`] when GoPay refuses it
    /// (4xx: wrong state, amount or scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL. When [`Error::outcome_unknown`] is true (a timeout or
    /// broken connection after sending, an undecodable success, a 5xx) GoPay may have
    /// carried it out; the client never repeats it by itself.
    ///
    /// **Outcome unknown**: read [`get_card_details`](Client::get_card_details): a deleted
    /// card reads with `status` `DELETED`. Deleting twice charges nobody.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// client.delete_card(3011475940)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn delete_card(&self, card_id: u64) -> Result<(), Error> {
        let path = format!("/payments/cards/{}", card(card_id)?);
        self.execute(Method::DELETE, &path, Payload::None, MAX_JSON_BODY)
            .map(drop)
    }
}

fn card(card_id: u64) -> Result<u64, Error> {
    super::positive_id("card_id", card_id)
}
