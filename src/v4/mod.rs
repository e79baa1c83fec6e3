//! GoPay's payments API v4 (**preview: may change in a minor release**), beside v3.
//!
//! GoPay's v4 API is beta. Its core — token, create and read a payment, charge it with a
//! card token, an encrypted card from GoPay's card form, Google Pay or Apple Pay, the
//! charge's state and 3-D Secure action, QR details, card tokens, the card public key and
//! card-form URL — has been stable since mid-2026; refunds were removed and restored, and
//! base URLs moved twice. This module follows the core exactly and keeps the rest
//! configurable (the base URL is a full prefix; the scopes are a list). Not here:
//! recurrences, payment links and webhooks, which are not in the stable core; and the
//! browser's payment-credentials grant. Google Pay and Apple Pay info are read with
//! [`Client::get_google_pay_info`] and [`Client::get_apple_pay_info`]; Apple Pay's merchant
//! validation, which carries the customer page's `Origin` header, with
//! [`Client::validate_apple_pay_merchant`].
//!
//! [`Client`] shares everything but paths and models with [`gopay::Client`](crate::Client):
//! the single-flight token manager, the [`TokenCache`](crate::TokenCache)s, the transport,
//! the call's deadline and the retry rules (a POST or DELETE that reached GoPay is never
//! repeated). A v4 token is cached under `"{client_id}-{base_url}-{scopes}"`, so a cache
//! shared by v3 and v4 clients never hands one's token to the other. v4's error body
//! (`{code, error, message, detail, path, timestamp}`) becomes an
//! [`Error::Api`](crate::Error::Api) whose one [`ApiErrorDetail`](crate::ApiErrorDetail)
//! has `error_code` = `code`, `error_name` = `error`, `message` and `description` =
//! `detail`, so [`Error::kind`](crate::Error::kind) and the other accessors work as for v3.
//!
//! ```no_run
//! use gopay::v4::{BrowserData, ChargeInput, ChargeRequest, Client, Config, Customer};
//! use gopay::v4::{ChargeState, PaymentRequest, SANDBOX_URL};
//!
//! let client = Client::new(Config::new("8123456789", "id", "secret", SANDBOX_URL))?;
//! let payment = client.create_payment(&PaymentRequest::new(
//!     10000,
//!     gopay::Currency::Czk,
//!     "order-42",
//!     Customer::new("john.doe@example.com"),
//!     "https://shop.example/notify",
//!     "https://shop.example/return",
//! ))?;
//! # let browser_data_from_the_page = String::new();
//! let browser: BrowserData = serde_json::from_str(&browser_data_from_the_page)
//!     .map_err(|e| gopay::Error::invalid_input("browser_data", e.to_string()))?;
//! let charge = client.charge_payment(
//!     &payment.id,
//!     &ChargeRequest::new(ChargeInput::card_token("J7HjFNwz…"), browser),
//! )?;
//! if let Some(url) = charge.redirect_url() {
//!     println!("3-D Secure: send the customer to {url}");
//! } else if charge.state == Some(ChargeState::Succeeded) {
//!     println!("paid");
//! }
//! # Ok::<(), gopay::Error>(())
//! ```
//!
//! # Decisions where GoPay's sources leave questions open
//!
//! Decided conservatively: decode what is unknown, assume no state the sources do not show.
//!
//! 1. **Base URL**: no default is assumed final; [`SANDBOX_URL`] and [`PRODUCTION_URL`] are
//!    the current ones, and any https prefix (plain http on loopback) is accepted.
//! 2. **Token lifetime**: whatever `expires_in` says (GoPay's example is 900 s), refreshed
//!    30 s ahead as for v3; no refresh token is used.
//! 3. **Errors**: no catalogue of `error` values exists, so none is enumerated; `error` is
//!    kept as a string. A v3-style body (`errors[]`) is read as v3 reads it; any other
//!    body gives an error with the status and no details. A 401 is re-authenticated once,
//!    as in v3; a 403 (missing scope) is not.
//! 4. **Notifications and the return URL's query**: GoPay has not documented v4's
//!    notifications (method, parameters, signing), so nothing here parses one; whatever
//!    arrives, and whenever the customer returns, call [`Client::get_payment`] and trust
//!    only its answer. (The bundled simulator sends `GET {notification_url}?id=…` as v3
//!    does, or a JSON `POST`, as a test chooses.)
//! 5. **Several charges per payment**: [`Client::get_charge`] returns what GoPay answers;
//!    nothing assumes a charge exists before one was made (a 404 stays an error).
//! 6. **Refunds**: no remaining amount is computed; every refund starts
//!    [`RefundState::Requested`] and only GoPay's later answers tell its end. A refund
//!    whose outcome is unknown is resolved with [`Client::get_refunds`], never by
//!    repeating it.
//! 7. **`AUTHORIZED` and `PAYMENT_METHOD_CHOSEN`**: decoded (the payment's state is v3's
//!    [`PaymentState`](crate::PaymentState), whose eight values v4 keeps), never assumed to follow from
//!    anything this client does.
//! 8. **Card tokens**: after a delete, whatever GoPay answers (404, or `status: DELETED`)
//!    is passed on; `SUSPENDED` is decoded. Tokens are requested with `card:write` for
//!    create and delete, as GoPay's specification says.
//! 9. **Idempotency**: none exists, so no POST is ever repeated automatically.
//! 10. **Request ids, rate limits, refund paging**: not modelled.
//! 11. **Spec oddities**: the QR `bic` is an open string, expiration months are strings as
//!     sent, every enum keeps unknown values in `Unknown(String)`, and every field of an
//!     answer may be missing without the decoding failing.

mod client;
mod config;
mod error;
mod model;
mod operations;
mod web;

pub use client::{Client, ClientBuilder};
pub use config::{Config, PRODUCTION_URL, SANDBOX_URL};
pub use model::{
    ActionType, ApplePayHeader, ApplePayInfo, ApplePayMerchantSession, ApplePayToken,
    ApplePayValidationRequest, BrowserData, CardCharge, CardChargeDetails, CardFormUrl,
    CardPublicKey, CardScheme, CardToken, CardTokenRequest, CardTokenStatus, ChallengePreference,
    Charge, ChargeAction, ChargeInput, ChargeInstrument, ChargeInstrumentData, ChargeRequest,
    ChargeState, Customer, GooglePayInfo, GooglePayToken, InputType, IntermediateSigningKey,
    Payment, PaymentCallback, PaymentRequest, Refund, RefundRequest, RefundState, Scope,
    ServiceType, ThreeDsState,
};
