//! The simulator's own reading of v4 request bodies: what GoPay's v4 specification requires,
//! checked field by field (serde names the missing or mistyped one).

use serde::{Deserialize, Serialize};

use crate::gateway::v4::errors::V4Error;

/// The currencies v4 knows (no BGN, unlike v3).
pub(crate) const CURRENCIES: [&str; 7] = ["CZK", "EUR", "PLN", "USD", "GBP", "HUF", "RON"];

/// Reads `body` as `T`, or a 400 naming what is wrong.
pub(crate) fn read<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, V4Error> {
    serde_json::from_slice(body).map_err(|e| V4Error::bad_request(format!("invalid body: {e}")))
}

/// `POST /eshops/{goid}/payments`.
#[derive(Deserialize)]
pub(crate) struct CreatePayment {
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) order_number: String,
    #[serde(default, rename = "order_description")]
    pub(crate) _order_description: Option<String>,
    #[serde(default)]
    pub(crate) additional_params: Vec<AdditionalParam>,
    pub(crate) customer: Customer,
    pub(crate) callback: Callback,
}

/// One `additional_params` entry.
#[derive(Deserialize)]
pub(crate) struct AdditionalParam {
    #[serde(rename = "name")]
    pub(crate) _name: String,
    #[serde(rename = "value")]
    pub(crate) _value: String,
}

/// The payer; echoed in Payment-Details as sent.
#[derive(Deserialize, Serialize, Clone)]
pub(crate) struct Customer {
    pub(crate) email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) customer_id: Option<String>,
}

/// Where the customer returns and where notifications go.
#[derive(Deserialize, Clone)]
pub(crate) struct Callback {
    pub(crate) notification_url: String,
    pub(crate) return_url: String,
}

impl CreatePayment {
    /// The limits of the specification the types do not express.
    pub(crate) fn check(&self) -> Result<(), V4Error> {
        let bad = |detail: &str| Err(V4Error::bad_request(detail));
        if self.amount < 0 {
            return bad("amount: must be at least 0");
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            return bad("currency: unknown currency");
        }
        if self.order_number.is_empty() || self.order_number.chars().count() > 128 {
            return bad("order_number: 1 to 128 characters");
        }
        if self.additional_params.len() > 4 {
            return bad("additional_params: at most 4");
        }
        let c = &self.customer;
        if !c.email.contains('@') || c.email.chars().count() > 128 {
            return bad("customer.email: not an e-mail address of at most 128 characters");
        }
        let long = |field: &Option<String>, max: usize| {
            field.as_ref().is_some_and(|v| v.chars().count() > max)
        };
        if long(&c.first_name, 256) || long(&c.last_name, 256) {
            return bad("customer: names are at most 256 characters");
        }
        let short_fields = [
            &c.phone_number,
            &c.city,
            &c.street,
            &c.postal_code,
            &c.country_code,
            &c.customer_id,
        ];
        if short_fields.into_iter().any(|f| long(f, 128)) {
            return bad("customer: contact fields are at most 128 characters");
        }
        if self.callback.return_url.is_empty() {
            return bad("callback.return_url: required");
        }
        Ok(())
    }
}

/// `POST /payments/{id}/charge`: Payment-Charge-Input.
#[derive(Deserialize)]
pub(crate) struct ChargeRequest {
    pub(crate) payment_instrument: ChargeData,
}

/// The union on `payment_instrument`; cards (and wallets, which are cards) only.
#[derive(Deserialize)]
#[serde(tag = "payment_instrument")]
pub(crate) enum ChargeData {
    #[serde(rename = "PAYMENT_CARD")]
    PaymentCard(CardCharge),
}

/// Payment-Card-Charge-Data.
#[derive(Deserialize)]
pub(crate) struct CardCharge {
    pub(crate) input: CardInput,
    pub(crate) browser_data: BrowserData,
    #[serde(default)]
    pub(crate) challenge_preference: Option<ChallengePreference>,
}

/// Whether the shop asks for a 3DS challenge.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum ChallengePreference {
    Auto,
    ChallengePreferred,
    NoChallengePreferred,
}

/// The union on `input_type`.
#[derive(Deserialize)]
#[serde(tag = "input_type")]
pub(crate) enum CardInput {
    #[serde(rename = "CARD_TOKEN")]
    CardToken { card_token: String },
    #[serde(rename = "ENCRYPTED_CARD")]
    EncryptedCard { payload: String },
    /// No field of Google's token is required by the specification.
    #[serde(rename = "GOOGLE_PAY")]
    GooglePay {},
    #[serde(rename = "APPLE_PAY")]
    ApplePay {
        #[serde(rename = "data")]
        _data: String,
        #[serde(rename = "signature")]
        _signature: String,
        #[serde(rename = "version")]
        _version: String,
        #[serde(rename = "header")]
        _header: ApplePayHeader,
    },
}

impl CardInput {
    /// The `input_type` as GoPay spells it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            CardInput::CardToken { .. } => "CARD_TOKEN",
            CardInput::EncryptedCard { .. } => "ENCRYPTED_CARD",
            CardInput::GooglePay {} => "GOOGLE_PAY",
            CardInput::ApplePay { .. } => "APPLE_PAY",
        }
    }
}

/// Apple Pay's `header`, all three fields required.
#[derive(Deserialize)]
pub(crate) struct ApplePayHeader {
    #[serde(rename = "ephemeralPublicKey")]
    pub(crate) _ephemeral_public_key: String,
    #[serde(rename = "publicKeyHash")]
    pub(crate) _public_key_hash: String,
    #[serde(rename = "transactionId")]
    pub(crate) _transaction_id: String,
}

/// Browser-Data: all eight fields required since 2026-08-01.
#[derive(Deserialize)]
pub(crate) struct BrowserData {
    #[serde(rename = "language")]
    pub(crate) _language: String,
    #[serde(rename = "timezone")]
    pub(crate) _timezone: i32,
    #[serde(rename = "screen_width")]
    pub(crate) _screen_width: u32,
    #[serde(rename = "screen_height")]
    pub(crate) _screen_height: u32,
    #[serde(rename = "color_depth")]
    pub(crate) _color_depth: u32,
    #[serde(rename = "user_agent")]
    pub(crate) _user_agent: String,
    /// A JSON-encoded object (`{}` is valid).
    pub(crate) accept_header: String,
    #[serde(rename = "javascript_enabled")]
    pub(crate) _javascript_enabled: bool,
}

impl BrowserData {
    pub(crate) fn check(&self) -> Result<(), V4Error> {
        match serde_json::from_str::<serde_json::Value>(&self.accept_header) {
            Ok(serde_json::Value::Object(_)) => Ok(()),
            _ => Err(V4Error::bad_request(
                "browser_data.accept_header: must be a JSON-encoded object",
            )),
        }
    }
}

/// `POST /payments/{id}/refunds`.
#[derive(Deserialize)]
pub(crate) struct RefundRequest {
    pub(crate) amount: i64,
}

/// `POST /cards/tokens`.
#[derive(Deserialize)]
pub(crate) struct TokenCreate {
    pub(crate) payload: String,
}

/// Whether `text` has the shape of a compact JWE (five base64url parts).
pub(crate) fn is_compact_jwe(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 5
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        && !parts[0].is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROWSER: &str = r#"{"language":"cs-CZ","timezone":-60,"screen_width":1920,"screen_height":1080,"color_depth":24,"user_agent":"UA","javascript_enabled":true,"accept_header":"{}"}"#;

    #[test]
    fn a_charge_with_each_input_reads() {
        for input in [
            r#"{"input_type":"CARD_TOKEN","card_token":"t"}"#,
            r#"{"input_type":"ENCRYPTED_CARD","payload":"a.b.c.d.e"}"#,
            r#"{"input_type":"GOOGLE_PAY","protocolVersion":"ECv2"}"#,
            r#"{"input_type":"APPLE_PAY","data":"d","signature":"s","version":"EC_v1","header":{"ephemeralPublicKey":"k","publicKeyHash":"h","transactionId":"t"}}"#,
        ] {
            let body = format!(
                r#"{{"payment_instrument":{{"payment_instrument":"PAYMENT_CARD","input":{input},"browser_data":{BROWSER},"challenge_preference":"AUTO"}}}}"#
            );
            read::<ChargeRequest>(body.as_bytes()).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        }
    }

    #[test]
    fn a_missing_browser_field_is_named() {
        let browser = BROWSER.replace(r#""user_agent":"UA","#, "");
        let body = format!(
            r#"{{"payment_instrument":{{"payment_instrument":"PAYMENT_CARD","input":{{"input_type":"CARD_TOKEN","card_token":"t"}},"browser_data":{browser}}}}}"#
        );
        let error = read::<ChargeRequest>(body.as_bytes()).err().unwrap();
        assert!(error.detail.contains("user_agent"), "{}", error.detail);
    }

    #[test]
    fn jwe_shape() {
        assert!(is_compact_jwe("eyJh.a.b-c.d_e.f"));
        assert!(!is_compact_jwe("a.b.c.d"));
        assert!(!is_compact_jwe("a.b.c.d.e f"));
    }
}
