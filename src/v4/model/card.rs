//! Card tokens, the card public key and the card-form URL of the v4 API.

use serde::{Deserialize, Serialize};

use super::enums::{CardScheme, CardTokenStatus, ServiceType};

/// A permanent card token (`Permanent-Card-Token-Details`): reusable until the card
/// expires or the token is deleted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct CardToken {
    /// The token's id: the path id of [`get_card_token`](crate::v4::Client::get_card_token)
    /// and [`delete_card_token`](crate::v4::Client::delete_card_token).
    pub card_id: String,
    /// First six and last four digits.
    pub masked_pan: String,
    /// The network token's masked number.
    pub masked_virtual_pan: String,
    /// Two digits, `01`–`12`.
    pub expiration_month: String,
    /// Two digits.
    pub expiration_year: String,
    /// Card scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<CardScheme>,
    /// Whether it is a corporate card.
    pub corporate: bool,
    /// Stable across tokenisations of the same card.
    pub fingerprint: String,
    /// The value a [`ChargeInput::CardToken`](crate::v4::ChargeInput::CardToken) carries.
    pub token: String,
    /// Picture of the card.
    pub card_art_url: String,
    /// Card brand, e.g. `GOLD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Debit or credit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<ServiceType>,
    /// Status; `None` when GoPay sent none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CardTokenStatus>,
}

/// The body of `POST /cards/tokens`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardTokenRequest {
    /// The JWE payload from GoPay's card form.
    pub payload: String,
}

/// GoPay's card-encryption public key, a JSON Web Key (RFC 7517).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct CardPublicKey {
    /// Key type, `RSA`.
    pub kty: String,
    /// Use, `enc`.
    #[serde(rename = "use")]
    pub use_: String,
    /// Key id.
    pub kid: String,
    /// Algorithm, e.g. `RSA-OAEP-256`.
    pub alg: String,
    /// RSA modulus (base64url).
    pub n: String,
    /// RSA exponent (base64url), e.g. `AQAB`.
    pub e: String,
}

/// Where GoPay's card form lives (`GET /cards/card-form-url`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct CardFormUrl {
    /// The form's URL; `None` when GoPay sent none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_form_url: Option<String>,
}
