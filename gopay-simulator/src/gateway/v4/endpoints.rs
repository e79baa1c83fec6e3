//! One handler per v4 endpoint: read the body with [`wire`], run the state machine of
//! [`state`], answer in v4's shapes (creates 201, reads 200, delete 204).

use std::time::{Duration, SystemTime};

use base64::Engine;
use serde_json::json;

use crate::gateway::picture;
use crate::gateway::responses::Reply;
use crate::gateway::v4::cards::{self, Behaviour, CardToken};
use crate::gateway::v4::errors::V4Error;
use crate::gateway::v4::state::{quoted, Charge, Outcome, Payment, Refund, V4State, SETTLE_DELAY};
use crate::gateway::v4::wire::{self, CardInput, ChallengePreference, ChargeData};
use crate::state::random::Random;
use crate::state::store::PAYMENT_TIMEOUT;

/// GoPay's answer to a partial refund of a card payment the acquirer has not processed yet.
const PARTIAL_REFUND_REFUSED: &str = "Partial refund is not allowed for this payment; only a full \
     refund is possible (e.g. a card payment before settlement can only be fully reversed)";

/// The path of the 3DS challenge page of a payment.
pub(crate) fn challenge_path(payment: &str) -> String {
    format!("/gw/v4/3ds/{payment}")
}

/// `POST /eshops/{goid}/payments`.
pub(crate) fn create_payment(
    v4: &mut V4State,
    body: &[u8],
    path_goid: &str,
    goid: u64,
    origin: &str,
    random: &Random,
    now: SystemTime,
) -> Result<Reply, V4Error> {
    if path_goid != goid.to_string() {
        return Err(V4Error::not_found(format!(
            "e-shop {} not found",
            quoted(path_goid)
        )));
    }
    let request: wire::CreatePayment = wire::read(body)?;
    request.check()?;
    let id = v4.next_id();
    let payment = Payment {
        gw_url: format!("{origin}/gw/v4/{id}"),
        id: id.clone(),
        order_number: request.order_number,
        state: "CREATED",
        amount: request.amount,
        currency: request.currency,
        customer: request.customer,
        return_url: request.callback.return_url,
        notification_url: request.callback.notification_url,
        secret: random.hex(16),
        charge: None,
        paid_at: None,
        deadline: now + PAYMENT_TIMEOUT,
    };
    let reply = Reply::json(201, &payment.json());
    v4.payments.insert(id, payment);
    Ok(reply)
}

/// `POST /payments/{id}/charge`.
pub(crate) fn charge(
    v4: &mut V4State,
    body: &[u8],
    id: &str,
    origin: &str,
    now: SystemTime,
) -> Result<Reply, V4Error> {
    v4.payment(id)?;
    let request: wire::ChargeRequest = wire::read(body)?;
    let ChargeData::PaymentCard(card) = request.payment_instrument;
    card.browser_data.check()?;
    let (behaviour, masked_pan) = match &card.input {
        CardInput::CardToken { card_token } => {
            let token = find_token(v4, card_token)
                .ok_or_else(|| V4Error::bad_request("input.card_token: unknown card token"))?;
            if token.status != "ACTIVE" {
                return Err(V4Error::conflict(format!(
                    "the card token is {}",
                    token.status
                )));
            }
            (token.behaviour, Some(token.masked_pan))
        }
        CardInput::EncryptedCard { payload } => {
            let card = cards::encrypted_card("input.payload", payload)?;
            (card.behaviour, Some(card.masked_pan))
        }
        CardInput::GooglePay {} | CardInput::ApplePay { .. } => (Behaviour::Frictionless, None),
    };
    let preference = card
        .challenge_preference
        .unwrap_or(ChallengePreference::Auto);
    let behaviour = match (behaviour, preference) {
        (Behaviour::Frictionless, ChallengePreference::ChallengePreferred) => Behaviour::Challenge,
        (other, _) => other,
    };
    let charge = begin_charge(
        v4,
        id,
        card.input.name(),
        behaviour,
        masked_pan,
        origin,
        now,
    )?;
    Ok(Reply::json(201, &charge))
}

/// Starts a charge of payment `id` by a card that behaves as `behaviour`: the one charge
/// logic of the API and the customer page. Refused (409) unless the payment is `CREATED`
/// and has no charge, or only a `FAILED` one. Answers the charge as v4 does.
pub(crate) fn begin_charge(
    v4: &mut V4State,
    id: &str,
    input_type: &'static str,
    behaviour: Behaviour,
    masked_pan: Option<String>,
    origin: &str,
    now: SystemTime,
) -> Result<serde_json::Value, V4Error> {
    let charge_id = v4.next_id();
    let payment = v4.payment(id)?;
    if payment.state != "CREATED" {
        return Err(V4Error::conflict(format!(
            "the payment is {}",
            payment.state
        )));
    }
    if payment.charge.as_ref().is_some_and(|c| c.state != "FAILED") {
        return Err(V4Error::conflict("the payment already has a charge"));
    }
    let due = now + SETTLE_DELAY;
    let (state, action, due) = match behaviour {
        Behaviour::Frictionless => (
            "PROCESSING",
            "AUTHENTICATED_FRICTIONLESS",
            Some((due, Outcome::Succeed)),
        ),
        Behaviour::Declined => (
            "PROCESSING",
            "AUTHENTICATED_FRICTIONLESS",
            Some((due, Outcome::Fail)),
        ),
        Behaviour::Challenge => ("ACTION_REQUIRED", "CHALLENGE_REQUIRED", None),
    };
    let charge = Charge {
        id: charge_id,
        state,
        input_type,
        masked_pan,
        action: Some(action),
        redirect_url: Some(format!("{origin}{}", challenge_path(id))),
        fail_reason: None,
        due,
    };
    let answer = charge.json(&payment.return_url);
    payment.charge = Some(charge);
    Ok(answer)
}

/// The card token whose `token` value is `value`: a test card or one the simulator issued.
fn find_token(v4: &V4State, value: &str) -> Option<CardToken> {
    cards::test_card(value).or_else(|| v4.cards.values().find(|c| c.token == value).cloned())
}

/// `GET /payments/{id}/charge`: 404 before any charge (the sources leave it open).
pub(crate) fn charge_state(v4: &mut V4State, id: &str) -> Result<Reply, V4Error> {
    let payment = v4.payment(id)?;
    let charge = payment
        .charge
        .as_ref()
        .ok_or_else(|| V4Error::not_found("the payment has no charge yet"))?;
    Ok(Reply::ok(&charge.json(&payment.return_url)))
}

/// `GET /payments/{id}/qr-payment/info[?format=png|svg]`.
pub(crate) fn qr(v4: &mut V4State, id: &str, query: &str) -> Result<Reply, V4Error> {
    let svg = match query {
        "" | "format=png" => false,
        "format=svg" => true,
        _ => return Err(V4Error::bad_request("format: png or svg")),
    };
    let payment = v4.payment(id)?;
    if payment.state != "CREATED" {
        return Err(V4Error::conflict(format!(
            "the payment is {}",
            payment.state
        )));
    }
    let spayd = format!(
        "SPD*1.0*ACC:CZ5120100000000009878039*AM:{}.{:02}*CC:{}*X-VS:{}",
        payment.amount / 100,
        payment.amount % 100,
        payment.currency,
        payment.id
    );
    let image = if svg {
        picture::svg(&spayd)
    } else {
        picture::png(&spayd)
    };
    Ok(Reply::ok(&json!({
        "amount": payment.amount,
        "currency": payment.currency,
        "recipient": {
            "name": "GoPay Simulator",
            "bank_account": {
                "local": {"prefix": "000000", "account_number": "9878039", "bank_code": "2010", "variable_symbol": payment.id},
                "international": {"bic": "FIOBCZPP", "iban": "CZ5120100000000009878039", "reference": payment.id},
            },
        },
        "qr_code": { "spayd": base64::engine::general_purpose::STANDARD.encode(image) },
    })))
}

/// `POST /payments/{id}/refunds`: 400 for an amount below 1 before anything else; a
/// payment that cannot be refunded answers 409 and keeps the attempt as a FAILED refund.
pub(crate) fn create_refund(
    v4: &mut V4State,
    body: &[u8],
    id: &str,
    now: SystemTime,
    acquirer_delay: Duration,
) -> Result<Reply, V4Error> {
    v4.payment(id)?;
    let request: wire::RefundRequest = wire::read(body)?;
    if request.amount < 1 {
        return Err(V4Error::bad_request("Refund amount must be positive"));
    }
    let refund_id = v4.next_id();
    let reserved = v4.refunded(id) + v4.requested(id);
    let payment = v4.payment(id)?;
    let refundable = matches!(payment.state, "PAID" | "PARTIALLY_REFUNDED");
    let mut refund = Refund {
        id: refund_id.clone(),
        payment: id.to_owned(),
        state: "REQUESTED",
        amount: request.amount,
        currency: payment.currency.clone(),
        created: now,
        updated: None,
        due: Some(now + SETTLE_DELAY),
    };
    if !refundable {
        let state = payment.state;
        refund.state = "FAILED";
        refund.updated = Some(now);
        refund.due = None;
        v4.refunds.insert(refund_id, refund);
        return Err(V4Error::conflict(format!(
            "a {state} payment cannot be refunded"
        )));
    }
    // Checked: an amount near the largest there is would overflow the sum.
    if reserved
        .checked_add(request.amount)
        .is_none_or(|sum| sum > payment.amount)
    {
        return Err(V4Error::conflict(format!(
            "the refunds would exceed the payment: {} of {} is refunded or requested",
            reserved, payment.amount
        )));
    }
    let processed = payment
        .paid_at
        .is_some_and(|paid| paid + acquirer_delay <= now);
    if !processed && request.amount != payment.amount {
        return Err(V4Error::conflict(PARTIAL_REFUND_REFUSED));
    }
    let reply = Reply::json(201, &refund.json());
    v4.refunds.insert(refund_id, refund);
    Ok(reply)
}

/// `GET /payments/{id}/refunds`: `[]` when none.
pub(crate) fn refunds(v4: &mut V4State, id: &str) -> Result<Reply, V4Error> {
    v4.payment(id)?;
    let list: Vec<_> = v4.refunds_of(id).map(Refund::json).collect();
    Ok(Reply::ok(&list))
}

/// `GET /refunds/{id}`.
pub(crate) fn refund(v4: &V4State, id: &str) -> Result<Reply, V4Error> {
    v4.refunds
        .get(id)
        .map(|r| Reply::ok(&r.json()))
        .ok_or_else(|| V4Error::not_found(format!("refund {} not found", quoted(id))))
}

/// `POST /cards/tokens`: a permanent `ACTIVE` token for the card in the payload (see
/// [`cards::encrypted_card`]); the same card gives the same fingerprint.
pub(crate) fn create_card(
    v4: &mut V4State,
    body: &[u8],
    random: &Random,
) -> Result<Reply, V4Error> {
    let request: wire::TokenCreate = wire::read(body)?;
    let card = cards::encrypted_card("payload", &request.payload)?;
    let card = CardToken {
        card_id: v4.next_id(),
        token: random.card_token(),
        masked_pan: card.masked_pan,
        fingerprint: card.fingerprint,
        status: "ACTIVE",
        behaviour: card.behaviour,
    };
    let reply = Reply::json(201, &card.json());
    v4.cards.insert(card.card_id.clone(), card);
    Ok(reply)
}

/// `GET /cards/tokens/{id}`: the test cards answer as active permanent tokens.
pub(crate) fn card(v4: &V4State, id: &str) -> Result<Reply, V4Error> {
    cards::test_card(id)
        .or_else(|| v4.cards.get(id).cloned())
        .map(|c| Reply::ok(&c.json()))
        .ok_or_else(|| V4Error::not_found(format!("card {} not found", quoted(id))))
}

/// `DELETE /cards/tokens/{id}`: 204, and the token is forgotten (then 404). The test
/// cards are well-known to every test, so they cannot be deleted (409).
pub(crate) fn delete_card(v4: &mut V4State, id: &str) -> Result<Reply, V4Error> {
    if cards::test_card(id).is_some() {
        return Err(V4Error::conflict(
            "the simulator's test cards cannot be deleted",
        ));
    }
    v4.cards
        .remove(id)
        .map(|_| Reply::no_content())
        .ok_or_else(|| V4Error::not_found(format!("card {} not found", quoted(id))))
}
