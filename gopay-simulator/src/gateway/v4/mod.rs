//! API v4 (preview) as the simulator serves it under `/gp-gw/api/4.0`, beside v3's `/api`:
//! routing and token checks here; the token endpoint in [`auth`], one handler per endpoint
//! in [`endpoints`], the state machines in [`state`], request bodies in [`wire`], errors in
//! v4's shape in [`errors`], card tokens and test cards in [`cards`], the payloads of the
//! simulator's card form in [`card_payload`], the wallet helpers in [`wallets`], the state
//! file's `v4` section in [`persist`], notifications in [`notices`].
//!
//! Where GoPay's v4 sources leave a question open, the simulator decides conservatively:
//! - `GET /payments/{id}/charge` before any charge is 404.
//! - One charge per payment: another is 409 unless the last one `FAILED` (it replaces it).
//! - A deleted card token reads as 404; the test cards cannot be deleted (409); deleting
//!   takes `card:write` or `card:read` (the spec and one SDK disagree).
//! - `REQUESTED` refunds reserve their amount: a refund beyond what is neither refunded nor
//!   requested is 409. A refund of a payment that is not paid is 409 and kept as `FAILED`.
//! - The 3DS page returns to the return URL with `payment_id={id}` added.
//! - Notifications (their method and shape are undocumented) are a GET of
//!   `notification_url?id={id}` as v3's, a POST of `{"id": "…"}`, or none, as configured
//!   ([`notices::V4Notifications`]); they follow each state change GoPay notifies in v3,
//!   a failed charge, and each successful refund.
//! - An encrypted card is read only when it is a payload of the simulator's own card form
//!   (its `kid` and the form's `cty`); any other compact JWE, one encrypted to the published
//!   key included (the simulator holds no private key), is an opaque frictionless card.
//! - Tokens of both grants live as long as v3's (`SimulatorBuilder::token_lifetime`).
//! - A payment times out as v3's do, but not while a charge is under way (a challenge
//!   left unanswered keeps it `CREATED`; `POST /_simulator/payments/{id}/expire` ends it).

pub(crate) mod auth;
pub(crate) mod card_payload;
pub(crate) mod cards;
pub(crate) mod config;
pub(crate) mod control;
pub(crate) mod endpoints;
pub(crate) mod errors;
pub(crate) mod notices;
pub(crate) mod persist;
pub(crate) mod state;
pub(crate) mod wallets;
pub(crate) mod wire;

use crate::gateway::responses::Reply;
use crate::server::record::RecordedRequest;
use crate::state::faults::Action;
use crate::state::shared::Shared;
use auth::Access;
use errors::V4Error;

/// Where v4 is served, as GoPay's gateways serve it.
pub(crate) const PREFIX: &str = "/gp-gw/api/4.0";

/// The v4 endpoints (GOPAY_V4 §3.1), with their path parameters.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Endpoint<'a> {
    Token,
    CreatePayment(&'a str),
    Payment(&'a str),
    Charge(&'a str),
    ChargeState(&'a str),
    Qr(&'a str),
    GooglePay(&'a str),
    ApplePay(&'a str),
    ApplePayApp(&'a str),
    ApplePayValidate(&'a str),
    CreateRefund(&'a str),
    Refunds(&'a str),
    Refund(&'a str),
    CreateCard,
    Card(&'a str),
    DeleteCard(&'a str),
    PublicKey,
    CardFormUrl,
}

impl<'a> Endpoint<'a> {
    fn resolve(method: &str, segments: &[&'a str]) -> Option<Endpoint<'a>> {
        use Endpoint as E;
        Some(match (method, segments) {
            ("POST", ["oauth2", "token"]) => E::Token,
            ("POST", ["eshops", goid, "payments"]) => E::CreatePayment(goid),
            ("GET", ["payments", id]) => E::Payment(id),
            ("POST", ["payments", id, "charge"]) => E::Charge(id),
            ("GET", ["payments", id, "charge"]) => E::ChargeState(id),
            ("GET", ["payments", id, "qr-payment", "info"]) => E::Qr(id),
            ("GET", ["payments", id, "google-pay", "info"]) => E::GooglePay(id),
            ("GET", ["payments", id, "apple-pay", "info"]) => E::ApplePay(id),
            ("GET", ["payments", id, "apple-pay", "app-info"]) => E::ApplePayApp(id),
            ("POST", ["payments", id, "apple-pay", "validate"]) => E::ApplePayValidate(id),
            ("POST", ["payments", id, "refunds"]) => E::CreateRefund(id),
            ("GET", ["payments", id, "refunds"]) => E::Refunds(id),
            ("GET", ["refunds", id]) => E::Refund(id),
            ("POST", ["cards", "tokens"]) => E::CreateCard,
            ("GET", ["cards", "tokens", id]) => E::Card(id),
            ("DELETE", ["cards", "tokens", id]) => E::DeleteCard(id),
            ("GET", ["cards", "public-key"]) => E::PublicKey,
            ("GET", ["cards", "card-form-url"]) => E::CardFormUrl,
            _ => return None,
        })
    }

    /// Who may call it: the scopes that let a token in (any one of them), whether a
    /// payment-credentials token may, and the payment it must then be limited to.
    fn access(self) -> Access<'a> {
        use Endpoint as E;
        match self {
            E::Token => Access::Open,
            E::CreatePayment(_) => Access::merchant(&["payment:write"]),
            E::Payment(id)
            | E::ChargeState(id)
            | E::Qr(id)
            | E::Refunds(id)
            | E::GooglePay(id)
            | E::ApplePay(id)
            | E::ApplePayApp(id)
            | E::ApplePayValidate(id) => Access::payment(&["payment:read"], id),
            E::Charge(id) => Access::payment(&["payment:write", "payment:charge"], id),
            E::CreateRefund(_) => Access::merchant(&["payment:write"]),
            E::Refund(_) => Access::merchant(&["payment:read"]),
            E::CreateCard => Access::merchant(&["card:write"]),
            E::Card(_) => Access::merchant(&["card:read"]),
            // The spec says card:write, one SDK card:read: either is accepted.
            E::DeleteCard(_) => Access::merchant(&["card:write", "card:read"]),
            E::PublicKey | E::CardFormUrl => Access::Shareable,
        }
    }
}

/// The answer of a status fault that hits a v4 route (a route fault: the general targets
/// aim at v3), in v4's error shape. `None` for other routes and faults (delays, malformed
/// bodies and canned answers work the same for both versions).
pub(crate) fn faulted(
    shared: &Shared,
    request: &RecordedRequest,
    action: &Action,
) -> Option<Reply> {
    let path = request.route().strip_prefix(PREFIX)?;
    let now = shared.store.lock().now();
    match action {
        Action::Status(status) => {
            Some(V4Error::new(*status, "simulated gateway failure").reply(path, now))
        }
        _ => None,
    }
}

/// Answers a request whose route starts with [`PREFIX`]; `segments` follow the prefix.
pub(crate) fn answer(shared: &Shared, request: &RecordedRequest, segments: &[&str]) -> Reply {
    let path = request
        .route()
        .strip_prefix(PREFIX)
        .unwrap_or("/")
        .to_owned();
    let now = shared.store.lock().now();
    let result = Endpoint::resolve(&request.method, segments)
        .ok_or_else(|| V4Error::not_found("no such endpoint"))
        .and_then(|endpoint| run(shared, request, endpoint));
    result.unwrap_or_else(|error| error.reply(&path, now))
}

fn run(
    shared: &Shared,
    request: &RecordedRequest,
    endpoint: Endpoint<'_>,
) -> Result<Reply, V4Error> {
    use Endpoint as E;
    if endpoint == E::Token {
        return auth::token(shared, request);
    }
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    auth::check(
        shared,
        &mut v4,
        request.header("Authorization"),
        endpoint.access(),
        now,
    )?;
    let body = &request.body;
    let origin = &shared.settings.origin;
    let goid = shared.settings.goid;
    match endpoint {
        E::Token => unreachable!("answered above"),
        E::CreatePayment(path_goid) => {
            endpoints::create_payment(&mut v4, body, path_goid, goid, origin, &shared.random, now)
        }
        E::Payment(id) => Ok(Reply::ok(&v4.payment(id)?.json())),
        E::Charge(id) => endpoints::charge(&mut v4, body, id, origin, now),
        E::ChargeState(id) => endpoints::charge_state(&mut v4, id),
        E::Qr(id) => endpoints::qr(&mut v4, id, request.query()),
        E::GooglePay(id) => Ok(Reply::ok(&wallets::google_pay(v4.payment(id)?, goid)?)),
        E::ApplePay(id) => Ok(Reply::ok(&wallets::apple_pay(v4.payment(id)?, false)?)),
        E::ApplePayApp(id) => Ok(Reply::ok(&wallets::apple_pay(v4.payment(id)?, true)?)),
        E::ApplePayValidate(id) => {
            let session = shared.random.hex(32);
            let now_ms = now
                .duration_since(std::time::SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis());
            let payment = v4.payment(id)?;
            let origin = request.header("Origin");
            Ok(Reply::ok(&wallets::apple_pay_validate(
                payment, origin, body, session, now_ms,
            )?))
        }
        E::CreateRefund(id) => {
            endpoints::create_refund(&mut v4, body, id, now, shared.settings.v4_acquirer_delay)
        }
        E::Refunds(id) => endpoints::refunds(&mut v4, id),
        E::Refund(id) => endpoints::refund(&v4, id),
        E::CreateCard => endpoints::create_card(&mut v4, body, &shared.random),
        E::Card(id) => endpoints::card(&v4, id),
        E::DeleteCard(id) => endpoints::delete_card(&mut v4, id),
        E::PublicKey => Ok(Reply::ok(&cards::public_key())),
        E::CardFormUrl => Ok(Reply::ok(&cards::card_form_url(origin))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_resolve() {
        let resolve = |method, path: &str| {
            let segments: Vec<&str> = path.split('/').collect();
            format!("{:?}", Endpoint::resolve(method, &segments))
        };
        assert_eq!(
            resolve("POST", "eshops/8/payments"),
            "Some(CreatePayment(\"8\"))"
        );
        assert_eq!(
            resolve("GET", "payments/1/charge"),
            "Some(ChargeState(\"1\"))"
        );
        assert_eq!(resolve("POST", "payments/1/charge"), "Some(Charge(\"1\"))");
        assert_eq!(
            resolve("DELETE", "cards/tokens/c"),
            "Some(DeleteCard(\"c\"))"
        );
        assert_eq!(resolve("GET", "refunds/5"), "Some(Refund(\"5\"))");
        assert_eq!(resolve("PUT", "payments/1"), "None");
    }
}
