//! The payloads of the simulator's own card form (`/gw/v4/card-form`). They are shaped as a
//! compact JWE (five base64url parts) so they travel wherever GoPay's encrypted cards do, but
//! nothing in them is encrypted: the "ciphertext" names only the test card's behaviour and a
//! random nonce, never a card number, expiry or CVC. [`encode`] makes one (as the form's
//! script does); [`read`] tells the form's payloads from any other JWE.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;

use crate::gateway::v4::cards::{Behaviour, KEY_ID};
use crate::state::random::Random;

/// The `cty` of the protected header that marks a payload of the card form.
pub(crate) const CONTENT_TYPE: &str = "gopay-sim-card";
/// The `alg` and `enc` the form's header names, those of GoPay's own card payloads.
const ALG: &str = "RSA-OAEP-256";
const ENC: &str = "A256GCM";

/// The test card numbers the card form accepts, one per behaviour. They pass the Luhn check
/// and share the test card tokens' BIN and last four digits.
pub(crate) const FRICTIONLESS_PAN: &str = "4068211000030001";
pub(crate) const CHALLENGE_PAN: &str = "4068211000020002";
pub(crate) const DECLINED_PAN: &str = "4068211000010003";

/// The longest part (in base64url characters) read from a payload. The form's parts are far
/// shorter: a longer header is not the form's, a longer other part makes a payload of the
/// form malformed. Bounds the work a hostile payload can cause.
const MAX_PART: usize = 1024;

/// The nonce's length bounds, in hex digits (the form writes 32).
const NONCE_DIGITS: std::ops::RangeInclusive<usize> = 16..=64;

/// A test card the card form accepts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FormCard {
    /// The card number, digits only.
    pub(crate) pan: &'static str,
    pub(crate) behaviour: Behaviour,
}

impl FormCard {
    /// The masked card number a token of this card shows: BIN, six `*`, last four digits.
    pub(crate) fn masked_pan(&self) -> String {
        format!("{}******{}", &self.pan[..6], &self.pan[12..])
    }
}

/// The card form's test cards, in the order the page lists them.
pub(crate) const FORM_CARDS: [FormCard; 3] = [
    FormCard {
        pan: FRICTIONLESS_PAN,
        behaviour: Behaviour::Frictionless,
    },
    FormCard {
        pan: CHALLENGE_PAN,
        behaviour: Behaviour::Challenge,
    },
    FormCard {
        pan: DECLINED_PAN,
        behaviour: Behaviour::Declined,
    },
];

/// The test card with number `pan` (spaces allowed, as people type them).
pub(crate) fn form_card(pan: &str) -> Option<&'static FormCard> {
    let digits: String = pan.chars().filter(|c| *c != ' ').collect();
    FORM_CARDS.iter().find(|card| card.pan == digits)
}

/// The protected header of every payload of the form, in the order the form's script
/// writes it (so both give the same first part).
fn header() -> String {
    format!(r#"{{"alg":"{ALG}","enc":"{ENC}","kid":"{KEY_ID}","cty":"{CONTENT_TYPE}"}}"#)
}

/// A payload for `card` as the card form makes it: the header, random stand-ins for the
/// encrypted key, IV and tag, and a "ciphertext" naming the behaviour and a random nonce.
pub(crate) fn encode(card: &FormCard, random: &Random) -> String {
    let inside = format!(
        r#"{{"card":"{}","nonce":"{}"}}"#,
        card.behaviour.name(),
        random.hex(16)
    );
    let part = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    [
        part(header().as_bytes()),
        part(&random.bytes(32)),
        part(&random.bytes(12)),
        part(inside.as_bytes()),
        part(&random.bytes(16)),
    ]
    .join(".")
}

/// What a compact JWE turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    /// A payload of the simulator's card form, for this test card.
    Own(&'static FormCard),
    /// Any other JWE: an opaque card (GOPAY_V4 §7.3).
    Foreign,
}

/// The "ciphertext" of a form payload.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inside {
    card: String,
    nonce: String,
}

/// Reads `jwe` (already known to be five base64url parts). A payload whose protected header
/// names the simulator's `kid` and the form's `cty` is the form's and must be whole; any
/// other is foreign (a header with the simulator's `kid` alone is what a client that
/// encrypted to the published key for real sends: it stays opaque too).
///
/// # Errors
///
/// Why a payload with the form's header is malformed.
pub(crate) fn read(jwe: &str) -> Result<Reading, String> {
    let parts: Vec<&str> = jwe.split('.').collect();
    let [header, key, iv, ciphertext, tag] = parts.as_slice() else {
        return Ok(Reading::Foreign);
    };
    let Some(header) = json_part(header) else {
        return Ok(Reading::Foreign);
    };
    if header["kid"] != KEY_ID || header["cty"] != CONTENT_TYPE {
        return Ok(Reading::Foreign);
    }
    if header["alg"] != ALG || header["enc"] != ENC {
        return Err(format!("the card form's payloads are {ALG} with {ENC}"));
    }
    for (name, part) in [("encrypted key", key), ("IV", iv), ("tag", tag)] {
        if decode(part).is_none() {
            return Err(format!(
                "its {name} is not base64url of at most {MAX_PART} characters"
            ));
        }
    }
    let inside = decode(ciphertext).ok_or_else(|| {
        format!("its ciphertext is not base64url of at most {MAX_PART} characters")
    })?;
    let inside: Inside = serde_json::from_slice(&inside)
        .map_err(|_| "its ciphertext is not the card form's {card, nonce}".to_owned())?;
    let nonce_ok = NONCE_DIGITS.contains(&inside.nonce.len())
        && inside.nonce.bytes().all(|b| b.is_ascii_hexdigit());
    if !nonce_ok {
        return Err("its nonce is not 16 to 64 hex digits".to_owned());
    }
    FORM_CARDS
        .iter()
        .find(|card| card.behaviour.name() == inside.card)
        .map(Reading::Own)
        .ok_or_else(|| "its card is none of FRICTIONLESS, CHALLENGE, DECLINED".to_owned())
}

/// The bytes of a base64url part of at most [`MAX_PART`] characters.
fn decode(part: &str) -> Option<Vec<u8>> {
    if part.len() > MAX_PART {
        return None;
    }
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// A part holding a JSON object.
fn json_part(part: &str) -> Option<Value> {
    let value: Value = serde_json::from_slice(&decode(part)?).ok()?;
    value.is_object().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    /// A payload with the form's header and `inside` as its ciphertext.
    fn own_with(inside: &str) -> String {
        format!("{}.a2V5.aXY.{}.dGFn", b64(&header()), b64(inside))
    }

    #[test]
    fn each_test_card_reads_back_and_payloads_differ() {
        let random = Random::new();
        for card in &FORM_CARDS {
            let (a, b) = (encode(card, &random), encode(card, &random));
            assert_ne!(a, b, "a random nonce");
            assert!(crate::gateway::v4::wire::is_compact_jwe(&a), "{a}");
            assert_eq!(read(&a), Ok(Reading::Own(card)));
            // Nothing of the card number travels.
            let decoded: Vec<Vec<u8>> = a.split('.').map(|p| decode(p).unwrap()).collect();
            for part in decoded {
                let text = String::from_utf8_lossy(&part);
                assert!(!text.contains(&card.pan[6..]), "{text}");
            }
        }
    }

    #[test]
    fn the_header_is_the_documented_one() {
        let payload = encode(&FORM_CARDS[1], &Random::new());
        let header: Value =
            serde_json::from_slice(&decode(payload.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(
            header,
            serde_json::json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "gopay-sim-key-1", "cty": "gopay-sim-card"})
        );
    }

    #[test]
    fn test_cards_are_found_by_number_and_masked_like_the_tokens() {
        assert_eq!(form_card("4068 2110 0002 0002"), Some(&FORM_CARDS[1]));
        assert_eq!(form_card("4111111111111111"), None);
        assert_eq!(form_card(""), None);
        assert_eq!(FORM_CARDS[0].masked_pan(), "406821******0001");
        assert_eq!(FORM_CARDS[2].masked_pan(), "406821******0003");
    }

    #[test]
    fn other_jwes_are_foreign() {
        let foreign = |header: &str| read(&format!("{}.a.b.c.d", b64(header)));
        // Another key, the simulator's key without the form's cty, no kid at all.
        assert_eq!(
            foreign(r#"{"kid":"key_20250406_001","cty":"gopay-sim-card"}"#),
            Ok(Reading::Foreign)
        );
        assert_eq!(
            foreign(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"gopay-sim-key-1"}"#),
            Ok(Reading::Foreign)
        );
        assert_eq!(foreign(r#"{"alg":"dir"}"#), Ok(Reading::Foreign));
        // Headers that are no JSON object, or no base64url at all.
        assert_eq!(foreign("[1,2]"), Ok(Reading::Foreign));
        assert_eq!(foreign("\"gopay-sim-key-1\""), Ok(Reading::Foreign));
        assert_eq!(read("a.b.c.d.e"), Ok(Reading::Foreign));
        assert_eq!(read("x.b.c.d.e"), Ok(Reading::Foreign));
        // The kid as a number or an object is not the simulator's.
        assert_eq!(
            foreign(r#"{"kid":{"kid":"gopay-sim-key-1"},"cty":"gopay-sim-card"}"#),
            Ok(Reading::Foreign)
        );
        // Too few or too many parts.
        assert_eq!(read("a.b.c.d"), Ok(Reading::Foreign));
        assert_eq!(read(&format!("{}.x", own_with("{}"))), Ok(Reading::Foreign));
    }

    #[test]
    fn a_huge_header_is_not_read_and_not_the_forms() {
        let padding = "x".repeat(MAX_PART * 4);
        let header = format!(
            r#"{{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"gopay-sim-key-1","cty":"gopay-sim-card","pad":"{padding}"}}"#
        );
        let inside = r#"{"card":"CHALLENGE","nonce":"00112233445566778899aabbccddeeff"}"#;
        let jwe = format!("{}.a2V5.aXY.{}.dGFn", b64(&header), b64(inside));
        assert_eq!(read(&jwe), Ok(Reading::Foreign));
    }

    #[test]
    fn a_malformed_payload_of_the_form_is_refused() {
        let nonce = "00112233445566778899aabbccddeeff";
        let good = format!(r#"{{"card":"DECLINED","nonce":"{nonce}"}}"#);
        assert_eq!(read(&own_with(&good)), Ok(Reading::Own(&FORM_CARDS[2])));
        for inside in [
            "",
            "not json",
            "[]",
            "null",
            r#"{"card":"DECLINED"}"#,
            &format!(r#"{{"card":"STOLEN","nonce":"{nonce}"}}"#),
            &format!(r#"{{"card":"declined","nonce":"{nonce}"}}"#),
            &format!(r#"{{"card":{{"card":"DECLINED"}},"nonce":"{nonce}"}}"#),
            &format!(r#"{{"card":"DECLINED","nonce":"{nonce}","pan":"4111111111111111"}}"#),
            r#"{"card":"DECLINED","nonce":"short"}"#,
            r#"{"card":"DECLINED","nonce":"zz112233445566778899aabbccddeeff"}"#,
            &format!(r#"{{"card":"DECLINED","nonce":"{}"}}"#, "a".repeat(65)),
            &"[".repeat(10_000),
            &format!("{}{}", "{\"card\":".repeat(300), "1"),
        ] {
            let why = read(&own_with(inside)).expect_err(inside);
            assert!(why.starts_with("its "), "{why}");
        }
    }

    #[test]
    fn a_payload_of_the_form_with_bad_parts_is_refused() {
        let inside = b64(r#"{"card":"CHALLENGE","nonce":"00112233445566778899aabbccddeeff"}"#);
        let header = b64(&header());
        let huge = "A".repeat(MAX_PART + 1);
        for (key, iv, ciphertext, tag) in [
            // A base64url character count that no bytes give (one left over).
            ("a2V5a", "aXY", inside.as_str(), "dGFn"),
            ("a2V5", "a", inside.as_str(), "dGFn"),
            ("a2V5", "aXY", inside.as_str(), "dGFnZ"),
            ("a2V5", "aXY", "e", "dGFn"),
            // Parts beyond the bound.
            (huge.as_str(), "aXY", inside.as_str(), "dGFn"),
            ("a2V5", "aXY", huge.as_str(), "dGFn"),
        ] {
            let jwe = format!("{header}.{key}.{iv}.{ciphertext}.{tag}");
            assert!(read(&jwe).is_err(), "{key} {iv} {tag}");
        }
        // Another algorithm under the form's kid and cty.
        let header =
            b64(r#"{"alg":"dir","enc":"A256GCM","kid":"gopay-sim-key-1","cty":"gopay-sim-card"}"#);
        assert!(read(&format!("{header}.a2V5.aXY.{inside}.dGFn")).is_err());
    }
}
