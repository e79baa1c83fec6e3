//! EET receipts (Czech electronic sales registration). EET was abolished on 1 January 2023;
//! these calls are kept for parity with GoPay's v3 SDKs only.

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::http::Payload;
use crate::model::{EetReceipt, EetReceiptFilter};
use crate::Client;

impl Client {
    /// EET receipts of a payment: `GET /payments/payment/{id}/eet-receipts`, scope
    /// `payment-all`. Obsolete: EET was abolished in 2023.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let receipts = client.get_eet_receipt_by_payment_id(3000006529)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_eet_receipt_by_payment_id(&self, id: u64) -> Result<Vec<EetReceipt>, Error> {
        let path = format!("/payments/payment/{}/eet-receipts", payment_id(id)?);
        self.call(Method::GET, &path, Payload::None)
    }

    /// EET receipts of a shop in a date range (30 days at most): `POST /eet-receipts`
    /// (JSON), scope `payment-all`. Obsolete: EET was abolished in 2023.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let filter = gopay::EetReceiptFilter::new("2017-03-02", "2017-04-02", 11);
    /// let receipts = client.find_eet_receipts_by_filter(&filter)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn find_eet_receipts_by_filter(
        &self,
        filter: &EetReceiptFilter,
    ) -> Result<Vec<EetReceipt>, Error> {
        self.call(Method::POST, "/eet-receipts", Client::json(filter)?)
    }
}
