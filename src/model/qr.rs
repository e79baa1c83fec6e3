//! QR payment details (`QrPaymentInfo`): recipient, account and base64 QR images.

use super::lenient;
use super::Currency;
use serde::{Deserialize, Serialize};

/// Everything needed to pay a payment by a QR code or a manual bank transfer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrPayment {
    /// Amount in hundredths of the currency unit, in every currency (HUF included).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub amount: Option<i64>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Who receives the money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<QrRecipient>,
    /// The QR images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_code: Option<QrCodes>,
}

/// Recipient of a QR payment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrRecipient {
    /// Name of the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Account to pay to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account: Option<QrBankAccount>,
    /// Address of the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<QrAddress>,
}

/// Account of the recipient, in local and international form.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrBankAccount {
    /// Domestic account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<QrLocalAccount>,
    /// IBAN form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international: Option<QrInternationalAccount>,
}

/// Domestic account number and payment reference.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrLocalAccount {
    /// Account number prefix (may be empty).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub prefix: Option<String>,
    /// Account number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub account_number: Option<String>,
    /// Bank code.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub bank_code: Option<String>,
    /// Variable symbol identifying the payment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub variable_symbol: Option<String>,
}

/// IBAN, BIC and payment reference.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrInternationalAccount {
    /// BIC (absent for some currencies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// IBAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// Payment reference.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub reference: Option<String>,
}

/// Postal address of the recipient.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrAddress {
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Postal code.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub zip_code: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// QR images, base64-encoded in the requested format; any may be absent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct QrCodes {
    /// Czech SPAYD (QR Platba).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spayd: Option<String>,
    /// Slovak PAY by square.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paybysquare: Option<String>,
    /// EPC / SEPA QR (EUR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa: Option<String>,
    /// Hungarian MNB QR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mnb_qr: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reference_example_decodes_and_round_trips() {
        let json = json!({"amount": 10000, "currency": "CZK",
         "recipient": {"name": "Shop s.r.o.",
           "bank_account": {"local": {"prefix": "", "account_number": "123456789",
                                      "bank_code": "0300", "variable_symbol": "3000006529"},
                            "international": {"bic": "CEKOCZPP", "iban": "CZ65...",
                                              "reference": "3000006529"}},
           "address": {"street": "Ulice 1", "city": "Praha", "zip_code": "11000", "country": "CZ"}},
         "qr_code": {"spayd": "iVBORw0KGgo=", "sepa": "iVBORw0KGgo="}});
        let qr: QrPayment = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(qr.amount, Some(10000));
        let local = qr
            .recipient
            .as_ref()
            .and_then(|r| r.bank_account.as_ref())
            .and_then(|b| b.local.as_ref())
            .unwrap();
        assert_eq!(local.prefix.as_deref(), Some(""));
        let codes = qr.qr_code.as_ref().unwrap();
        assert!(codes.paybysquare.is_none() && codes.mnb_qr.is_none());
        assert_eq!(serde_json::to_value(&qr).unwrap(), json);
        let empty: QrPayment = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, QrPayment::default());
    }
}
