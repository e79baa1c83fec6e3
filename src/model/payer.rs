//! The payer: `Payer`, its `Contact`, and the card / bank account details GoPay reports back.

use super::lenient;
use super::{BnplType, PaymentInstrument, Swift, ThreeDsResult};
use serde::{Deserialize, Serialize};

/// The customer side of a payment (`payer`).
///
/// In requests it says which payment methods the gateway offers; in responses
/// GoPay echoes it and adds the chosen method and card / bank account details.
///
/// ```
/// use gopay::{Contact, Currency, Payer, PaymentInstrument, PaymentRequest, Swift};
///
/// let payer = Payer::new()
///     .allowed_payment_instruments([PaymentInstrument::PaymentCard, PaymentInstrument::BankAccount])
///     .default_payment_instrument(PaymentInstrument::PaymentCard)
///     .allowed_swifts([Swift::FIOBCZPP])
///     .default_swift(Swift::FIOBCZPP)
///     .contact(Contact::new().email("jan@example.com").first_name("Jan").last_name("Novák"));
/// let request = PaymentRequest::new(15000, Currency::Czk, "2025-0001").payer(payer);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Payer {
    /// Payment methods offered on the gateway.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub allowed_payment_instruments: Vec<PaymentInstrument>,
    /// Method pre-selected on the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_payment_instrument: Option<PaymentInstrument>,
    /// Banks offered for `BANK_ACCOUNT`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub allowed_swifts: Vec<Swift>,
    /// Bank pre-selected when the default method is `BANK_ACCOUNT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_swift: Option<Swift>,
    /// Buy-now-pay-later variants offered (with `TWISTO` / `SKIPPAY`).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub allowed_bnpl_types: Vec<BnplType>,
    /// Buy-now-pay-later variant pre-selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_bnpl_type: Option<BnplType>,
    /// The payer's contact details (GoPay wants them for 3-D Secure 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Ask the gateway to save (tokenise) the card for later payments.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_boolean"
    )]
    pub request_card_token: Option<bool>,
    /// Pay with a card token obtained from an earlier payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_card_token: Option<String>,
    /// PIN of an identification payment: exactly 4 digits, shown on the
    /// cardholder's bank statement.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub verify_pin: Option<String>,
    /// Method the customer chose (responses; PSD2 wallet payments in requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_instrument: Option<PaymentInstrument>,
    /// E-mail of the payer's GoPay account (PSD2 wallet payments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Id of the saved card, for the card details endpoint.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub card_id: Option<u64>,
    /// Masked card number of the saved card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_pan: Option<String>,
    /// Details of the card paid with (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_card: Option<PaymentCard>,
    /// Details of the bank account paid from (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account: Option<BankAccount>,
}

/// Contact details of the payer (`payer.contact`). Maximum lengths in characters
/// are checked by [`PaymentRequest::validate`](super::PaymentRequest::validate).
///
/// ```
/// let contact = gopay::Contact::new()
///     .first_name("Jan")
///     .last_name("Novák")
///     .email("jan@example.com")
///     .phone_number("+420777000000")
///     .country_code("CZE");
/// assert_eq!(contact.email.as_deref(), Some("jan@example.com"));
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Contact {
    /// First name (at most 256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name (at most 256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail (at most 128 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number with country prefix, e.g. `+420777000000` (at most 128 characters).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub phone_number: Option<String>,
    /// City (at most 128 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Street and number (at most 128 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Postal code (at most 16 characters).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-3 country code, e.g. `CZE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

impl Payer {
    /// An empty payer (`{}`): set what the gateway should offer with the setters.
    pub fn new() -> Payer {
        Payer::default()
    }

    /// Sets the payment methods offered on the gateway.
    #[must_use]
    pub fn allowed_payment_instruments(
        mut self,
        instruments: impl IntoIterator<Item = PaymentInstrument>,
    ) -> Payer {
        self.allowed_payment_instruments = instruments.into_iter().collect();
        self
    }

    /// Sets the banks offered for `BANK_ACCOUNT`.
    #[must_use]
    pub fn allowed_swifts(mut self, swifts: impl IntoIterator<Item = Swift>) -> Payer {
        self.allowed_swifts = swifts.into_iter().collect();
        self
    }

    /// Sets the buy-now-pay-later variants offered.
    #[must_use]
    pub fn allowed_bnpl_types(mut self, types: impl IntoIterator<Item = BnplType>) -> Payer {
        self.allowed_bnpl_types = types.into_iter().collect();
        self
    }
}

option_setters!(Payer {
    /// Sets the payment method pre-selected on the gateway.
    default_payment_instrument: PaymentInstrument,
    /// Sets the bank pre-selected when the default method is `BANK_ACCOUNT`.
    default_swift: Swift,
    /// Sets the buy-now-pay-later variant pre-selected.
    default_bnpl_type: BnplType,
    /// Sets the payer's contact details.
    contact: Contact,
    /// `true` asks the gateway to save (tokenise) the card for later payments.
    request_card_token: bool,
    /// Pays with a card token obtained from an earlier payment.
    allowed_card_token: String,
    /// Sets the PIN of an identification payment (exactly 4 digits).
    verify_pin: String,
    /// Sets the method paid with (PSD2 wallet payments).
    payment_instrument: PaymentInstrument,
    /// Sets the e-mail of the payer's GoPay account (PSD2 wallet payments).
    email: String,
});

impl Contact {
    /// A contact with no details (`{}`): add them with the setters.
    pub fn new() -> Contact {
        Contact::default()
    }
}

option_setters!(Contact {
    /// Sets the first name (at most 256 characters).
    first_name: String,
    /// Sets the last name (at most 256 characters).
    last_name: String,
    /// Sets the e-mail (at most 128 characters).
    email: String,
    /// Sets the phone number with its country prefix, e.g. `+420777000000`.
    phone_number: String,
    /// Sets the city (at most 128 characters).
    city: String,
    /// Sets the street and number (at most 128 characters).
    street: String,
    /// Sets the postal code (at most 16 characters).
    postal_code: String,
    /// Sets the ISO 3166-1 alpha-3 country code, e.g. `CZE`.
    country_code: String,
});

/// Card the payer paid with (`payer.payment_card`, responses only).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PaymentCard {
    /// Masked card number, e.g. `444444******4448`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    /// Expiry as `YYMM`, e.g. `1909`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub card_expiration: Option<String>,
    /// Card brand, e.g. `VISA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    /// ISO 3166-1 alpha-3 country of the issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_issuer_country: Option<String>,
    /// Name of the issuing bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_issuer_bank: Option<String>,
    /// Card token for later payments (identification payments, saved cards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_token: Option<String>,
    /// 3-D Secure outcome (wire key `3ds_result`).
    #[serde(
        rename = "3ds_result",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub three_ds_result: Option<ThreeDsResult>,
    /// Fingerprint identifying the card across payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_fingerprint: Option<String>,
}

/// Bank account the payer paid from (`payer.bank_account`, responses only).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BankAccount {
    /// Account number prefix.
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
    /// Bank code, e.g. `0100`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub bank_code: Option<String>,
    /// IBAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// BIC (SWIFT) of the bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// Name of the account holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// Country of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Token of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_payer_with_card_decodes() {
        let payer: Payer = serde_json::from_value(json!({
            "payment_instrument": "PAYMENT_CARD",
            "payment_card": {
                "card_number": "444444******4448", "card_expiration": 1909,
                "card_brand": "VISA", "card_issuer_country": "CZE",
                "card_issuer_bank": "AIR BANK, A.S.", "card_token": "tok",
                "3ds_result": "Y/Y", "card_fingerprint": "fp", "new_field": 1
            },
            "card_id": "3011475940",
            "masked_pan": "444444******4448",
            "allowed_swifts": null,
            "contact": {"email": "a@b.cz", "phone_number": 420777000000_u64}
        }))
        .unwrap();
        let card = payer.payment_card.as_ref().unwrap();
        assert_eq!(card.card_expiration.as_deref(), Some("1909"));
        assert_eq!(card.three_ds_result, Some(ThreeDsResult::Authenticated));
        assert_eq!(payer.card_id, Some(3_011_475_940));
        assert!(payer.allowed_swifts.is_empty());
        let contact = payer.contact.as_ref().unwrap();
        assert_eq!(contact.phone_number.as_deref(), Some("420777000000"));

        let back = serde_json::to_value(&payer).unwrap();
        assert_eq!(back["payment_card"]["3ds_result"], "Y/Y");
        assert_eq!(back["card_id"], 3_011_475_940_u64);
        assert!(back.get("allowed_swifts").is_none());
    }

    #[test]
    fn empty_payer_is_an_empty_object() {
        assert_eq!(serde_json::to_string(&Payer::default()).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&Contact::default()).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&Contact::new().email("jan@example.com")).unwrap(),
            r#"{"email":"jan@example.com"}"#
        );
    }

    #[test]
    fn builders_set_what_the_literal_would() {
        let built = Payer::new()
            .allowed_payment_instruments([PaymentInstrument::PaymentCard])
            .default_payment_instrument(PaymentInstrument::PaymentCard)
            .allowed_swifts([Swift::FIOBCZPP])
            .default_swift(Swift::FIOBCZPP)
            .allowed_bnpl_types([BnplType::PayInThree])
            .default_bnpl_type(BnplType::PayInThree)
            .request_card_token(true)
            .allowed_card_token("tok")
            .verify_pin("1234")
            .payment_instrument(PaymentInstrument::Gopay)
            .email("payer@example.com")
            .contact(
                Contact::new()
                    .first_name("Jan")
                    .last_name("Novák")
                    .email("jan@example.com")
                    .phone_number("+420777000000")
                    .city("Praha")
                    .street("Ulice 1")
                    .postal_code("11000")
                    .country_code("CZE"),
            );
        let literal = Payer {
            allowed_payment_instruments: vec![PaymentInstrument::PaymentCard],
            default_payment_instrument: Some(PaymentInstrument::PaymentCard),
            allowed_swifts: vec![Swift::FIOBCZPP],
            default_swift: Some(Swift::FIOBCZPP),
            allowed_bnpl_types: vec![BnplType::PayInThree],
            default_bnpl_type: Some(BnplType::PayInThree),
            request_card_token: Some(true),
            allowed_card_token: Some("tok".into()),
            verify_pin: Some("1234".into()),
            payment_instrument: Some(PaymentInstrument::Gopay),
            email: Some("payer@example.com".into()),
            contact: Some(Contact {
                first_name: Some("Jan".into()),
                last_name: Some("Novák".into()),
                email: Some("jan@example.com".into()),
                phone_number: Some("+420777000000".into()),
                city: Some("Praha".into()),
                street: Some("Ulice 1".into()),
                postal_code: Some("11000".into()),
                country_code: Some("CZE".into()),
            }),
            ..Payer::default()
        };
        assert_eq!(built, literal);
        assert_eq!(Payer::new(), Payer::default());
    }
}
