//! EET receipts (Czech electronic sales registration). EET was abolished on 1 January 2023;
//! these calls are kept, deprecated, for parity with GoPay's v3 SDKs only.
// The calls use the (equally deprecated) EET models.
#![allow(deprecated)]

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::model::{EetReceipt, EetReceiptFilter};
use crate::transport::Payload;
use crate::Client;

impl Client {
    /// EET receipts of a payment: `GET /payments/payment/{id}/eet-receipts`, scope
    /// `payment-all`. Obsolete: EET was abolished in 2023.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for the id 0, before anything is sent; [`Error::Api`] when
    /// GoPay refuses it (unknown payment, scope); [`Error::Auth`], [`Error::Config`] for
    /// credentials or the gateway URL; transport errors and undecodable answers as for
    /// every call (a read is retried by the client when that is safe).
    ///
    /// ```no_run
    /// # #![allow(deprecated)]
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let receipts = client.get_eet_receipt_by_payment_id(3000006529)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    pub fn get_eet_receipt_by_payment_id(&self, id: u64) -> Result<Vec<EetReceipt>, Error> {
        let path = format!("/payments/payment/{}/eet-receipts", payment_id(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// EET receipts of a shop in a date range (30 days at most): `POST /eet-receipts`
    /// (JSON), scope `payment-all`. Obsolete: EET was abolished in 2023.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when GoPay refuses it (a range over 30 days, scope); [`Error::Auth`],
    /// [`Error::Config`] for credentials or the gateway URL; transport errors and
    /// undecodable answers as for every call.
    ///
    /// ```no_run
    /// # #![allow(deprecated)]
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let filter = gopay::EetReceiptFilter::new("2017-03-02", "2017-04-02", 11);
    /// let receipts = client.find_eet_receipts_by_filter(&filter)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    pub fn find_eet_receipts_by_filter(
        &self,
        filter: &EetReceiptFilter,
    ) -> Result<Vec<EetReceipt>, Error> {
        self.call(Method::POST, "/eet-receipts", Client::json(filter)?)
    }
}
