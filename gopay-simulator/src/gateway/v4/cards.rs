//! Card tokens: the three well-known test cards every simulator answers, tokens issued from
//! a card-form payload, and how a card decides a charge (frictionless, challenge, declined).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::{json, Value};

/// The test card whose charges succeed without a challenge.
pub(crate) const FRICTIONLESS: &str = "gopay-sim-card-frictionless";
/// The test card whose charges need a 3DS challenge.
pub(crate) const CHALLENGE: &str = "gopay-sim-card-challenge";
/// The test card whose charges fail.
pub(crate) const DECLINED: &str = "gopay-sim-card-declined";

/// What a card does to a charge.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Behaviour {
    Frictionless,
    Challenge,
    Declined,
}

/// A permanent card token.
#[derive(Clone)]
pub(crate) struct CardToken {
    pub(crate) card_id: String,
    pub(crate) token: String,
    pub(crate) masked_pan: String,
    pub(crate) fingerprint: String,
    /// `ACTIVE` or `SUSPENDED`; a deleted token is forgotten (later reads are 404).
    pub(crate) status: &'static str,
    pub(crate) behaviour: Behaviour,
}

impl CardToken {
    /// Permanent-Card-Token-Details, all required fields.
    pub(crate) fn json(&self) -> Value {
        json!({
            "card_id": self.card_id,
            "masked_pan": self.masked_pan,
            "masked_virtual_pan": format!("489537******{}", &self.masked_pan[12..]),
            "expiration_month": "12",
            "expiration_year": "30",
            "scheme": "VISA",
            "corporate": false,
            "fingerprint": self.fingerprint,
            "token": self.token,
            "card_art_url": "https://card.art.invalid/visa.png",
            "service_type": "DEBIT",
            "status": self.status,
        })
    }
}

/// The test card named `name` (its card id and token are both the name).
pub(crate) fn test_card(name: &str) -> Option<CardToken> {
    let (behaviour, last) = match name {
        FRICTIONLESS => (Behaviour::Frictionless, "0001"),
        CHALLENGE => (Behaviour::Challenge, "0002"),
        DECLINED => (Behaviour::Declined, "0003"),
        _ => return None,
    };
    Some(CardToken {
        card_id: name.to_owned(),
        token: name.to_owned(),
        masked_pan: format!("406821******{last}"),
        fingerprint: fingerprint(name),
        status: "ACTIVE",
        behaviour,
    })
}

/// A stable 64-hex-digit fingerprint of `card`: the same payload gives the same one.
pub(crate) fn fingerprint(card: &str) -> String {
    (0..4u8)
        .map(|round| {
            let mut hasher = DefaultHasher::new();
            (round, card).hash(&mut hasher);
            format!("{:016x}", hasher.finish())
        })
        .collect()
}

/// The card's last four digits, derived from the fingerprint (not a real card).
pub(crate) fn masked_pan(fingerprint: &str) -> String {
    let digits: String = fingerprint
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .take(4)
        .collect();
    format!("406821******{digits}")
}

/// The simulator's card-encryption key as a JWK: the shape GoPay publishes, with a fixed
/// modulus (nothing is encrypted to it for real).
pub(crate) fn public_key() -> Value {
    json!({
        "kty": "RSA",
        "use": "enc",
        "kid": "gopay-sim-key-1",
        "alg": "RSA-OAEP-256",
        "n": "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw",
        "e": "AQAB",
    })
}

/// Where GoPay's card form would load from; the simulator names its own origin.
pub(crate) fn card_form_url(origin: &str) -> Value {
    json!({ "card_form_url": format!("{origin}/gw/v4/card-form") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("a").len(), 64);
        assert_eq!(masked_pan(&fingerprint("a")).len(), 16);
    }

    #[test]
    fn the_three_test_cards() {
        assert_eq!(
            test_card(CHALLENGE).unwrap().behaviour,
            Behaviour::Challenge
        );
        assert_eq!(test_card(DECLINED).unwrap().behaviour, Behaviour::Declined);
        assert_eq!(test_card(FRICTIONLESS).unwrap().json()["status"], "ACTIVE");
        assert!(test_card("tok_visa").is_none());
    }
}
