//! [`V4Config`]: what a v4 client needs to reach the simulator, and the test card tokens.

use crate::gateway::v4::cards;

/// Where and how an API v4 (preview) client reaches a [`Simulator`](crate::Simulator),
/// from [`Simulator::v4_config`](crate::Simulator::v4_config).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct V4Config {
    /// The v4 base URL, `{public_url}/gp-gw/api/4.0`; paths such as `/oauth2/token` follow it.
    pub base_url: String,
    /// The e-shop's goid, as v4 writes ids: a decimal string.
    pub goid: String,
    /// The client id of the `client_credentials` grant.
    pub client_id: String,
    /// The client secret of the `client_credentials` grant.
    pub client_secret: String,
    /// The public shareable key: `Basic client_id:shareable_key` opens `GET /cards/public-key`
    /// and `GET /cards/card-form-url`.
    pub shareable_key: String,
}

impl V4Config {
    /// The well-known test card tokens, usable in `CARD_TOKEN` charges with no set-up:
    /// frictionless (the charge succeeds), challenge (`ACTION_REQUIRED` with a 3DS page) and
    /// declined (the charge fails with a `fail_reason`).
    pub const TEST_CARDS: [&'static str; 3] =
        [cards::FRICTIONLESS, cards::CHALLENGE, cards::DECLINED];
}
