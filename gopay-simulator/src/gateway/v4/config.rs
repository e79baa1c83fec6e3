//! The names a v4 client needs besides its [`gopay::v4::Config`]: the well-known test card
//! tokens every simulator answers.

use crate::gateway::v4::cards;

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
