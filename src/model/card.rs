//! `Card`: details of a saved (tokenised) payment card.

use super::lenient;
use super::CardStatus;
use serde::{Deserialize, Serialize};

/// A saved payment card, as returned by the card details endpoint.
///
/// A deleted card is still returned, with `status` `DELETED`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Card {
    /// Card id (the `card_id` of the payer in payment responses).
    #[serde(deserialize_with = "lenient::int")]
    pub card_id: u64,
    /// Masked card number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    /// Expiry as `YYMM`.
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
    /// Fingerprint identifying the card across payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_fingerprint: Option<String>,
    /// Card token for later payments (`payer.allowed_card_token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_token: Option<String>,
    /// Whether the card can still be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CardStatus>,
    /// Masked number of the real card behind a token (e.g. a wallet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_masked_pan: Option<String>,
    /// URL of the card's artwork.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_art_url: Option<String>,
}

impl Card {
    /// Card `card_id` with no details (for tests and simulators; the client decodes
    /// GoPay's answers). Set the rest with the setters.
    pub fn new(card_id: u64) -> Card {
        Card {
            card_id,
            card_number: None,
            card_expiration: None,
            card_brand: None,
            card_issuer_country: None,
            card_issuer_bank: None,
            card_fingerprint: None,
            card_token: None,
            status: None,
            real_masked_pan: None,
            card_art_url: None,
        }
    }
}

option_setters!(Card {
    /// Sets the masked card number.
    card_number: String,
    /// Sets the expiry (`YYMM`).
    card_expiration: String,
    /// Sets the card brand.
    card_brand: String,
    /// Sets the issuer's country.
    card_issuer_country: String,
    /// Sets the issuing bank.
    card_issuer_bank: String,
    /// Sets the card's fingerprint.
    card_fingerprint: String,
    /// Sets the card token.
    card_token: String,
    /// Sets the card's status.
    status: CardStatus,
    /// Sets the masked number of the real card behind a token.
    real_masked_pan: String,
    /// Sets the URL of the card's artwork.
    card_art_url: String,
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn card_decodes_with_string_id_and_unknown_status() {
        let json = json!({"card_id": "3011475940", "card_number": "444444******4448",
            "card_expiration": "2512", "card_brand": "VISA", "card_issuer_country": "CZE",
            "card_issuer_bank": "AIR BANK", "card_fingerprint": "fp", "card_token": "tok",
            "status": "ACTIVE", "real_masked_pan": "444444******4448",
            "card_art_url": "https://x/art.png", "something_new": [1]});
        let card: Card = serde_json::from_value(json).unwrap();
        assert_eq!(card.card_id, 3_011_475_940);
        assert_eq!(card.status, Some(CardStatus::Active));
        let back = serde_json::to_value(&card).unwrap();
        assert_eq!(back["card_id"], 3_011_475_940_u64);

        let deleted: Card =
            serde_json::from_value(json!({"card_id": 1, "status": "DELETED"})).unwrap();
        assert_eq!(deleted.status, Some(CardStatus::Deleted));
        let odd: Card = serde_json::from_value(json!({"card_id": 1, "status": "EXPIRED"})).unwrap();
        assert_eq!(odd.status, Some(CardStatus::Unknown("EXPIRED".into())));
        assert_eq!(
            serde_json::to_value(&odd).unwrap(),
            json!({"card_id": 1, "status": "EXPIRED"})
        );
    }
}
