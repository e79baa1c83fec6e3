//! The names a v4 client needs besides its [`gopay::v4::Config`]: the well-known test card
//! tokens every simulator answers, and the test card numbers its card form accepts.

use crate::gateway::v4::{card_payload, cards};
use crate::state::random::Random;

/// The test card whose `CARD_TOKEN` charges succeed without a challenge.
pub const FRICTIONLESS: &str = cards::FRICTIONLESS;
/// The test card whose `CARD_TOKEN` charges answer `ACTION_REQUIRED` with an `EMV3DS` action
/// whose `redirect_url` opens the simulator's 3-D Secure page.
pub const CHALLENGE: &str = cards::CHALLENGE;
/// The test card whose `CARD_TOKEN` charges fail with a `fail_reason`.
pub const DECLINED: &str = cards::DECLINED;
/// All three test cards, usable in `CARD_TOKEN` charges with no set-up and answered by
/// `GET {base}/cards/tokens/{id}` as active permanent tokens.
pub const ALL: [&str; 3] = [FRICTIONLESS, CHALLENGE, DECLINED];

/// The test card number the simulator's card form (at `GET {base}/cards/card-form-url`)
/// turns into a card whose charges succeed without a challenge (masked `406821******0001`).
pub const FRICTIONLESS_PAN: &str = card_payload::FRICTIONLESS_PAN;
/// The test card number the card form turns into a card whose charges need a 3DS challenge
/// (masked `406821******0002`).
pub const CHALLENGE_PAN: &str = card_payload::CHALLENGE_PAN;
/// The test card number the card form turns into a card whose charges fail (masked
/// `406821******0003`).
pub const DECLINED_PAN: &str = card_payload::DECLINED_PAN;
/// The three test card numbers, the only ones the card form accepts.
pub const ALL_PANS: [&str; 3] = [FRICTIONLESS_PAN, CHALLENGE_PAN, DECLINED_PAN];

/// The payload the simulator's card form hands its page for the test card number `pan`
/// (spaces allowed): for `POST {base}/cards/tokens` or an `ENCRYPTED_CARD` charge, in tests
/// that do not drive a browser. Each call gives another payload (a random nonce); none holds
/// the card number. `None` for any number but the three test cards'.
///
/// ```
/// use gopay_simulator::v4_cards::{card_form_payload, CHALLENGE_PAN};
/// let payload = card_form_payload(CHALLENGE_PAN).unwrap();
/// assert_eq!(payload.split('.').count(), 5);
/// assert!(card_form_payload("4111111111111111").is_none());
/// ```
pub fn card_form_payload(pan: &str) -> Option<String> {
    card_payload::form_card(pan).map(|card| card_payload::encode(card, &Random::new()))
}
