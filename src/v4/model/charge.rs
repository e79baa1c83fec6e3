//! Charging a v4 payment: [`ChargeRequest`] with its [`ChargeInput`] and [`BrowserData`],
//! and the answer, [`Charge`], with its 3-D Secure [`ChargeAction`].

use serde::{Deserialize, Serialize};

use super::enums::{
    ActionType, CardScheme, ChallengePreference, ChargeInstrument, ChargeState, InputType,
    ThreeDsState,
};
use crate::model::option_setters;

/// `POST /payments/{id}/charge`: the card (or wallet token) to charge and the customer's
/// browser, which 3-D Secure needs.
///
/// ```
/// use gopay::v4::{BrowserData, ChallengePreference, ChargeInput, ChargeRequest};
/// let browser: BrowserData = serde_json::from_str(r#"{"language":"cs-CZ","timezone":-60,
///     "screen_width":1920,"screen_height":1080,"color_depth":24,"user_agent":"Mozilla/5.0",
///     "accept_header":"{}","javascript_enabled":true}"#)?;
/// let request = ChargeRequest::new(ChargeInput::card_token("J7HjFNwz"), browser)
///     .challenge_preference(ChallengePreference::Auto);
/// let wire = serde_json::to_value(&request)?;
/// assert_eq!(wire["payment_instrument"]["input"]["input_type"], "CARD_TOKEN");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChargeRequest {
    /// The card charge (the only kind of charge v4 has).
    pub payment_instrument: CardCharge,
}

impl ChargeRequest {
    /// A card charge with `input`, described by the customer's `browser_data`.
    pub fn new(input: ChargeInput, browser_data: BrowserData) -> ChargeRequest {
        ChargeRequest {
            payment_instrument: CardCharge {
                payment_instrument: ChargeInstrument::PaymentCard,
                input,
                browser_data,
                challenge_preference: None,
            },
        }
    }

    /// Sets the customer's 3-D Secure challenge preference.
    #[must_use]
    pub fn challenge_preference(mut self, preference: ChallengePreference) -> ChargeRequest {
        self.payment_instrument.challenge_preference = Some(preference);
        self
    }
}

/// A card charge (`Payment-Card-Charge-Data`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardCharge {
    /// Always [`ChargeInstrument::PaymentCard`].
    pub payment_instrument: ChargeInstrument,
    /// The card or wallet token.
    pub input: ChargeInput,
    /// The customer's browser.
    pub browser_data: BrowserData,
    /// The customer's 3-D Secure challenge preference; GoPay decides when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_preference: Option<ChallengePreference>,
}

/// What card a charge uses, by `input_type`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "input_type")]
#[non_exhaustive]
pub enum ChargeInput {
    /// A permanent card token: its [`token`](crate::v4::CardToken::token), not its `card_id`.
    #[serde(rename = "CARD_TOKEN")]
    CardToken {
        /// The token's `token` value.
        card_token: String,
    },
    /// The JWE payload GoPay's card form produced, forwarded unmodified.
    #[serde(rename = "ENCRYPTED_CARD")]
    EncryptedCard {
        /// JWE compact serialisation.
        payload: String,
    },
    /// A Google Pay token.
    #[serde(rename = "GOOGLE_PAY")]
    GooglePay(GooglePayToken),
    /// An Apple Pay token.
    #[serde(rename = "APPLE_PAY")]
    ApplePay(ApplePayToken),
}

impl ChargeInput {
    /// A [`ChargeInput::CardToken`].
    pub fn card_token(token: impl Into<String>) -> ChargeInput {
        ChargeInput::CardToken {
            card_token: token.into(),
        }
    }

    /// A [`ChargeInput::EncryptedCard`].
    pub fn encrypted_card(payload: impl Into<String>) -> ChargeInput {
        ChargeInput::EncryptedCard {
            payload: payload.into(),
        }
    }

    /// The `input_type` this input is sent with.
    pub fn input_type(&self) -> InputType {
        match self {
            ChargeInput::CardToken { .. } => InputType::CardToken,
            ChargeInput::EncryptedCard { .. } => InputType::EncryptedCard,
            ChargeInput::GooglePay(_) => InputType::GooglePay,
            ChargeInput::ApplePay(_) => InputType::ApplePay,
        }
    }
}

/// Google Pay's token, as parsed from `tokenizationData.token` (no field is required).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GooglePayToken {
    /// E.g. `ECv2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<String>,
    /// Signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The intermediate signing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_signing_key: Option<IntermediateSigningKey>,
    /// The signed message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_message: Option<String>,
}

option_setters!(GooglePayToken {
    /// Sets the protocol version.
    protocol_version: String,
    /// Sets the signature.
    signature: String,
    /// Sets the intermediate signing key.
    intermediate_signing_key: IntermediateSigningKey,
    /// Sets the signed message.
    signed_message: String,
});

/// Google Pay's `intermediateSigningKey`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IntermediateSigningKey {
    /// The signed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_key: Option<String>,
    /// Its signatures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<String>,
}

impl IntermediateSigningKey {
    /// A key with its signatures.
    pub fn new(signed_key: impl Into<String>, signatures: Vec<String>) -> IntermediateSigningKey {
        IntermediateSigningKey {
            signed_key: Some(signed_key.into()),
            signatures,
        }
    }
}

/// Apple Pay's payment token (`paymentData`); every field is required.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplePayToken {
    /// Encrypted payment data.
    pub data: String,
    /// Signature.
    pub signature: String,
    /// E.g. `EC_v1`.
    pub version: String,
    /// The token's header.
    pub header: ApplePayHeader,
}

impl ApplePayToken {
    /// A token from its four parts.
    pub fn new(
        data: impl Into<String>,
        signature: impl Into<String>,
        version: impl Into<String>,
        header: ApplePayHeader,
    ) -> ApplePayToken {
        ApplePayToken {
            data: data.into(),
            signature: signature.into(),
            version: version.into(),
            header,
        }
    }
}

/// Apple Pay's token header; every field is required.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApplePayHeader {
    /// The ephemeral public key.
    pub ephemeral_public_key: String,
    /// Hash of the merchant's public key.
    pub public_key_hash: String,
    /// Transaction id.
    pub transaction_id: String,
}

impl ApplePayHeader {
    /// A header from its three parts.
    pub fn new(
        ephemeral_public_key: impl Into<String>,
        public_key_hash: impl Into<String>,
        transaction_id: impl Into<String>,
    ) -> ApplePayHeader {
        ApplePayHeader {
            ephemeral_public_key: ephemeral_public_key.into(),
            public_key_hash: public_key_hash.into(),
            transaction_id: transaction_id.into(),
        }
    }
}

/// The customer's browser, for 3-D Secure (`browser_data`): GoPay requires all eight
/// fields. Usually collected in the browser and deserialised from its JSON.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BrowserData {
    /// Browser language, e.g. `cs-CZ`.
    pub language: String,
    /// Minutes from UTC as JavaScript's `getTimezoneOffset()` gives them (`-60` for CET).
    pub timezone: i32,
    /// Screen width in pixels.
    pub screen_width: u32,
    /// Screen height in pixels.
    pub screen_height: u32,
    /// Colour depth in bits, e.g. `24`.
    pub color_depth: u32,
    /// The browser's `User-Agent`.
    pub user_agent: String,
    /// A JSON-encoded object with the browser's `accept`, `accept-language` and
    /// `accept-encoding` headers; see [`BrowserData::accept_header_json`].
    pub accept_header: String,
    /// Whether JavaScript runs in the browser.
    pub javascript_enabled: bool,
}

impl BrowserData {
    /// Browser data from all eight fields GoPay requires.
    #[allow(clippy::too_many_arguments)] // GoPay requires every one of them
    pub fn new(
        language: impl Into<String>,
        timezone: i32,
        screen_width: u32,
        screen_height: u32,
        color_depth: u32,
        user_agent: impl Into<String>,
        accept_header: impl Into<String>,
        javascript_enabled: bool,
    ) -> BrowserData {
        BrowserData {
            language: language.into(),
            timezone,
            screen_width,
            screen_height,
            color_depth,
            user_agent: user_agent.into(),
            accept_header: accept_header.into(),
            javascript_enabled,
        }
    }

    /// The `accept_header` value from the customer's request headers: a JSON object with
    /// the headers that are present (`{}` is valid but tells 3-D Secure nothing).
    ///
    /// ```
    /// let value = gopay::v4::BrowserData::accept_header_json(Some("text/html"), Some("cs-CZ"), None);
    /// assert_eq!(value, r#"{"accept":"text/html","accept-language":"cs-CZ"}"#);
    /// ```
    pub fn accept_header_json(
        accept: Option<&str>,
        accept_language: Option<&str>,
        accept_encoding: Option<&str>,
    ) -> String {
        let mut object = serde_json::Map::new();
        for (name, value) in [
            ("accept", accept),
            ("accept-language", accept_language),
            ("accept-encoding", accept_encoding),
        ] {
            if let Some(value) = value {
                object.insert(name.to_owned(), value.into());
            }
        }
        serde_json::Value::Object(object).to_string()
    }
}

/// A charge as GoPay reports it (`Payment-Charge-Response` and
/// `Payment-Charge-Status-Response`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Charge {
    /// The charge's id.
    pub id: String,
    /// State; `None` when GoPay sent none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ChargeState>,
    /// The instrument charged and what GoPay tells of the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_instrument: Option<ChargeInstrumentData>,
    /// Where the customer lands after the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// What the customer must do, e.g. a 3-D Secure challenge: send them to its
    /// `redirect_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ChargeAction>,
    /// Why the charge failed (free text; only with [`ChargeState::Failed`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
}

impl Charge {
    /// The URL to send the customer to, when the charge waits for them.
    pub fn redirect_url(&self) -> Option<&str> {
        self.action.as_ref()?.redirect_url.as_deref()
    }
}

/// The instrument of a charge (`payment_instrument` of a charge answer).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct ChargeInstrumentData {
    /// The instrument, e.g. [`ChargeInstrument::PaymentCard`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_instrument: Option<ChargeInstrument>,
    /// What GoPay tells of the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<CardChargeDetails>,
}

/// The card of a charge (`Payment-Card-Charge-Details`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct CardChargeDetails {
    /// How the card was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_type: Option<InputType>,
    /// First six and last four digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_pan: Option<String>,
    /// Two digits, `01`–`12`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_month: Option<String>,
    /// Two digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_year: Option<String>,
    /// Card scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<CardScheme>,
    /// Stable fingerprint of the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// What the customer must do for a charge to go on (`action`): an EMV 3-D Secure
/// authentication is the only kind GoPay documents.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct ChargeAction {
    /// The kind of action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_type: Option<ActionType>,
    /// The 3-D Secure state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ThreeDsState>,
    /// Where to send the customer (a top-level navigation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}
