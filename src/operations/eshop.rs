//! What the e-shop has enabled, its account statements, and QR payment details.

use ureq::http::Method;

use super::payments::payment_id;
use crate::error::Error;
use crate::model::{AccountStatementRequest, Currency, PaymentInstruments, QrFormat, QrPayment};
use crate::transport::Payload;
use crate::Client;

/// Statements are files; allow far more than a JSON answer.
const MAX_STATEMENT_BODY: u64 = 512 * 1024 * 1024;

impl Client {
    /// Payment methods enabled for the configured GoID in `currency`:
    /// `GET /eshops/eshop/{goid}/payment-instruments/{currency}`, scope `payment-all`.
    /// GoPay advises calling it at most once per payment.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a `Currency::Unknown`, before anything
    /// is sent; [`Error::Api`] when GoPay refuses it (missing scope: 403); [`Error::Auth`] and
    /// [`Error::Config`] for credentials or the gateway URL; transport errors, timeouts and
    /// undecodable answers as for every call. A read is repeated by the client itself when
    /// that is safe, so an error here is final for this call.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let instruments = client.get_payment_instruments(gopay::Currency::Czk)?;
    /// for instrument in &instruments.enabled_payment_instruments {
    ///     println!("{:?}", instrument.payment_instrument);
    /// }
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_payment_instruments(&self, currency: Currency) -> Result<PaymentInstruments, Error> {
        if currency.is_unknown() {
            return Err(Error::invalid_input(
                "currency",
                "not a currency GoPay knows",
            ));
        }
        let path = format!(
            "/eshops/eshop/{}/payment-instruments/{}",
            self.config().goid(),
            currency.as_str()
        );
        self.call(Method::GET, &path, Payload::None)
    }

    /// Payment methods enabled for the configured GoID in all currencies:
    /// `GET /eshops/eshop/{goid}/payment-instruments`, scope `payment-all`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when GoPay refuses it (missing scope: 403); [`Error::Auth`] and
    /// [`Error::Config`] for credentials or the gateway URL; transport errors, timeouts and
    /// undecodable answers as for every call. A read is repeated by the client itself when
    /// that is safe, so an error here is final for this call.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let all = client.get_payment_instruments_all()?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_payment_instruments_all(&self) -> Result<PaymentInstruments, Error> {
        let path = format!("/eshops/eshop/{}/payment-instruments", self.config().goid());
        self.call(Method::GET, &path, Payload::None)
    }

    /// Downloads an account statement as the raw file GoPay produces (CSV, XLS, ABO, …):
    /// `POST /accounts/account-statement` (JSON), scope `payment-all`. Errors still come
    /// back as GoPay's JSON envelope and become [`Error`]s.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a date not written `YYYY-MM-DD`, before anything is
    /// sent; [`Error::Api`] when GoPay refuses it (a range it does not allow, another
    /// e-shop's GoID, missing scope); [`Error::Auth`] and [`Error::Config`] for credentials
    /// or the gateway URL; transport errors and timeouts as for every call.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// use gopay::{AccountStatementRequest, Currency, StatementFormat};
    ///
    /// let request = AccountStatementRequest::new(
    ///     "2025-01-01", "2025-01-31", 8123456789, Currency::Czk, StatementFormat::CsvA,
    /// );
    /// let csv: Vec<u8> = client.get_account_statement(&request)?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_account_statement(
        &self,
        request: &AccountStatementRequest,
    ) -> Result<Vec<u8>, Error> {
        check_date("date_from", &request.date_from)?;
        check_date("date_to", &request.date_to)?;
        let payload = Client::json(request)?;
        self.execute(
            Method::POST,
            "/accounts/account-statement",
            payload,
            MAX_STATEMENT_BODY,
        )
        .map(|(response, _)| response.body)
    }

    /// QR payment details (recipient account, amount, QR images in base64):
    /// `GET /payments/payment/{id}/qr-payment[?format=png|svg]`, scope `payment-all`.
    /// `None` leaves the image format to GoPay (PNG).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an id 0 or a `QrFormat::Unknown`, before anything is sent; [`Error::Api`] when
    /// GoPay refuses it (unknown id: 404, missing scope: 403); [`Error::Auth`] and
    /// [`Error::Config`] for credentials or the gateway URL; transport errors, timeouts and
    /// undecodable answers as for every call. A read is repeated by the client itself when
    /// that is safe, so an error here is final for this call.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let qr = client.get_qr_payment(3000006529, Some(gopay::QrFormat::Svg))?;
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn get_qr_payment(&self, id: u64, format: Option<QrFormat>) -> Result<QrPayment, Error> {
        let mut path = format!("/payments/payment/{}/qr-payment", payment_id(id)?);
        if let Some(format) = format {
            if format.is_unknown() {
                return Err(Error::invalid_input("format", "must be png or svg"));
            }
            path.push_str("?format=");
            path.push_str(format.as_str());
        }
        self.call(Method::GET, &path, Payload::None)
    }
}

/// GoPay takes statement dates as `YYYY-MM-DD`; anything else (control characters
/// included) is refused before sending.
fn check_date(field: &'static str, date: &str) -> Result<(), Error> {
    let bytes = date.as_bytes();
    let well_formed = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            "must be a date written YYYY-MM-DD",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_date;

    #[test]
    fn statement_dates_are_yyyy_mm_dd() {
        assert!(check_date("date_from", "2025-01-31").is_ok());
        for bad in [
            "",
            "2025-1-31",
            "2025/01/31",
            "2025-01-3\u{1}",
            "2025-01-31 ",
            "２０２５-01-31",
        ] {
            assert!(check_date("date_from", bad).is_err(), "{bad:?}");
        }
    }
}
