//! Card tokens: the three well-known test cards every simulator answers, tokens issued from
//! a card-form payload, and how a card decides a charge (frictionless, challenge, declined).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::{json, Value};

use crate::gateway::v4::card_payload::{self, Reading};
use crate::gateway::v4::errors::V4Error;
use crate::gateway::v4::wire;

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

impl Behaviour {
    /// Its name wherever the simulator writes one down: in a card form's payload and in a
    /// state file.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Behaviour::Frictionless => "FRICTIONLESS",
            Behaviour::Challenge => "CHALLENGE",
            Behaviour::Declined => "DECLINED",
        }
    }

    /// The behaviour [`name`](Behaviour::name) gives `name`.
    pub(crate) fn from_name(name: &str) -> Option<Behaviour> {
        [
            Behaviour::Frictionless,
            Behaviour::Challenge,
            Behaviour::Declined,
        ]
        .into_iter()
        .find(|behaviour| behaviour.name() == name)
    }
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

/// The card an encrypted card payload stands for.
pub(crate) struct EncryptedCard {
    pub(crate) behaviour: Behaviour,
    pub(crate) masked_pan: String,
    pub(crate) fingerprint: String,
}

/// What the encrypted card `payload` is: the one decision of `POST /cards/tokens` and of
/// `ENCRYPTED_CARD` charges. A payload of the simulator's card form is its test card (with
/// that card's masked number and a fingerprint of the card, as for every tokenization of
/// it); any other compact JWE is an opaque frictionless card whose number and fingerprint
/// derive from the payload. `field` names the payload in error details.
///
/// # Errors
///
/// 400 when `payload` is no compact JWE, or is a malformed payload of the card form.
pub(crate) fn encrypted_card(field: &str, payload: &str) -> Result<EncryptedCard, V4Error> {
    if !wire::is_compact_jwe(payload) {
        return Err(V4Error::bad_request(format!("{field}: not a compact JWE")));
    }
    match card_payload::read(payload) {
        Ok(Reading::Own(card)) => Ok(EncryptedCard {
            behaviour: card.behaviour,
            masked_pan: card.masked_pan(),
            fingerprint: fingerprint(card.pan),
        }),
        Ok(Reading::Foreign) => {
            let fingerprint = fingerprint(payload);
            Ok(EncryptedCard {
                behaviour: Behaviour::Frictionless,
                masked_pan: masked_pan(&fingerprint),
                fingerprint,
            })
        }
        Err(why) => Err(V4Error::bad_request(format!(
            "{field}: a malformed payload of the simulator's card form: {why}"
        ))),
    }
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

/// The `kid` of the simulator's card-encryption key ([`public_key`]); the card form's
/// payloads name it.
pub(crate) const KEY_ID: &str = "gopay-sim-key-1";

/// The simulator's card-encryption key as a JWK: the shape GoPay publishes, with a fixed
/// modulus (nothing is encrypted to it for real).
pub(crate) fn public_key() -> Value {
    json!({
        "kty": "RSA",
        "use": "enc",
        "kid": KEY_ID,
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
    fn an_encrypted_card_is_the_forms_test_card_or_an_opaque_one() {
        use crate::gateway::v4::card_payload::{encode, form_card, CHALLENGE_PAN};
        let random = crate::state::random::Random::new();
        let challenge = form_card(CHALLENGE_PAN).unwrap();
        let (a, b) = (encode(challenge, &random), encode(challenge, &random));
        let (a, b) = (
            encrypted_card("payload", &a).unwrap(),
            encrypted_card("payload", &b).unwrap(),
        );
        assert_eq!(a.behaviour, Behaviour::Challenge);
        assert_eq!(a.masked_pan, "406821******0002");
        // Two tokenizations of one card: one fingerprint.
        assert_eq!(a.fingerprint, b.fingerprint);

        let opaque = encrypted_card("payload", "eyJhbGciOiJkaXIifQ.a.b.c.d").unwrap();
        assert_eq!(opaque.behaviour, Behaviour::Frictionless);
        assert_eq!(
            opaque.fingerprint,
            fingerprint("eyJhbGciOiJkaXIifQ.a.b.c.d")
        );

        let refused = |payload: &str| encrypted_card("input.payload", payload).err().unwrap();
        let not_jwe = refused("a.b.c.d");
        assert_eq!(
            (not_jwe.status, not_jwe.detail.as_str()),
            (400, "input.payload: not a compact JWE")
        );
        // The form's header over garbage.
        let header = encode(challenge, &random);
        let header = header.split('.').next().unwrap();
        let garbage = refused(&format!("{header}.a2V5.aXY.Z2FyYmFnZQ.dGFn"));
        assert_eq!(garbage.status, 400);
        assert!(
            garbage
                .detail
                .starts_with("input.payload: a malformed payload of the simulator's card form"),
            "{}",
            garbage.detail
        );
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
