//! One handler per API endpoint: decode the path parameters and body as GoPay does, run the
//! operation on the store, and answer.

use crate::gateway::api::Media;
use crate::gateway::cards;
use crate::gateway::create;
use crate::gateway::documents;
use crate::gateway::form;
use crate::gateway::merchant;
use crate::gateway::responses::{payment_not_found, Refusal, Reply, CARD_NOT_FOUND, WRONG_FORMAT};
use crate::gateway::wire;
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;
use gopay::{Currency, QrFormat};

/// At most this much of a path parameter is quoted back in a message.
const QUOTE_LIMIT: usize = 40;

fn quoted(text: &str) -> String {
    text.chars().take(QUOTE_LIMIT).collect()
}

/// A positive decimal id from a path segment.
fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|id| *id > 0)
}

/// The payment id of a path; an id that cannot exist is "not found", like an unknown one.
fn payment_id(text: &str) -> Result<u64, Refusal> {
    parse_id(text).ok_or_else(|| payment_not_found(quoted(text)))
}

/// The e-shop GoID of a path or body: must be the simulator's.
fn own_goid(shared: &Shared, goid: Option<u64>, shown: &str) -> Result<(), Refusal> {
    if goid == Some(shared.settings.goid) {
        Ok(())
    } else {
        Err(Refusal::field(
            409,
            WRONG_FORMAT,
            "goid",
            format!(
                "goid {} is not the e-shop of these credentials",
                quoted(shown)
            ),
        ))
    }
}

/// `POST /payments/payment`.
pub(crate) fn create_payment(
    shared: &Shared,
    request: &RecordedRequest,
    media: Media,
) -> Result<Reply, Refusal> {
    let body = wire::object(request, media)?;
    let payment = wire::new_payment(&body, shared.settings.goid).map_err(Refusal::fields)?;
    let created = create::create(&mut shared.store.lock(), payment, &shared.context())?;
    Ok(Reply::ok(&created))
}

/// `GET /payments/payment/{id}`.
pub(crate) fn status(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let payment = shared.store.lock().get(id)?.payment.clone();
    Ok(Reply::ok(&payment))
}

/// `POST /payments/payment/{id}/refund`: form `amount=` or JSON `{amount, items, eet}`.
pub(crate) fn refund(
    shared: &Shared,
    request: &RecordedRequest,
    media: Media,
    id: &str,
) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let amount = wire::refund(&wire::object(request, media)?).map_err(Refusal::fields)?;
    let mut notices = Vec::new();
    let result = merchant::refund(&mut shared.store.lock(), id, amount, &mut notices);
    shared.notifier.send(notices);
    Ok(Reply::ok(&result?))
}

/// `GET /payments/payment/{id}/refunds`.
pub(crate) fn refunds(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let refunds = shared.store.lock().get(id)?.refunds.clone();
    Ok(Reply::ok(&refunds))
}

/// `POST /payments/payment/{id}/capture`: empty body (all) or JSON `{amount, items}`.
pub(crate) fn capture(
    shared: &Shared,
    request: &RecordedRequest,
    media: Media,
    id: &str,
) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let body = wire::object(request, media)?;
    let amount = wire::capture(&body, media).map_err(Refusal::fields)?;
    let mut notices = Vec::new();
    let result = merchant::capture(&mut shared.store.lock(), id, amount, &mut notices);
    shared.notifier.send(notices);
    Ok(Reply::ok(&result?))
}

/// `POST /payments/payment/{id}/void-authorization`.
pub(crate) fn void_authorization(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let mut notices = Vec::new();
    let result = merchant::void_authorization(&mut shared.store.lock(), id, &mut notices);
    shared.notifier.send(notices);
    Ok(Reply::ok(&result?))
}

/// `POST /payments/payment/{id}/create-recurrence`.
pub(crate) fn create_recurrence(
    shared: &Shared,
    request: &RecordedRequest,
    media: Media,
    id: &str,
) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let body = wire::object(request, media)?;
    // The fields' own errors come first, before what the parent allows.
    wire::next_fields(&body).map_err(Refusal::fields)?;
    let mut notices = Vec::new();
    let result = merchant::create_recurrence(
        &mut shared.store.lock(),
        id,
        &body,
        &shared.context(),
        &mut notices,
    );
    shared.notifier.send(notices);
    Ok(Reply::ok(&result?))
}

/// `POST /payments/payment/{id}/void-recurrence`.
pub(crate) fn void_recurrence(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let result = merchant::void_recurrence(&mut shared.store.lock(), id)?;
    Ok(Reply::ok(&result))
}

/// `GET /payments/payment/{id}/qr-payment[?format=png|svg]`.
pub(crate) fn qr_payment(
    shared: &Shared,
    request: &RecordedRequest,
    id: &str,
) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let query = form::parse(request.query().as_bytes()).unwrap_or_default();
    let format = match form::get(&query, "format") {
        None => QrFormat::Png,
        Some(text) if text.eq_ignore_ascii_case("png") => QrFormat::Png,
        Some(text) if text.eq_ignore_ascii_case("svg") => QrFormat::Svg,
        Some(_) => {
            return Err(Refusal::field(
                409,
                WRONG_FORMAT,
                "format",
                "format must be png or svg",
            ))
        }
    };
    let record = shared.store.lock().get(id)?.clone();
    Ok(Reply::ok(&documents::qr_payment(&record, &format)))
}

/// `GET /payments/payment/{id}/eet-receipts`.
pub(crate) fn eet_receipts(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let receipts = documents::eet_receipts(shared.store.lock().get(id)?);
    Ok(Reply::ok(&receipts))
}

/// `POST /eet-receipts`.
pub(crate) fn find_eet_receipts(
    shared: &Shared,
    request: &RecordedRequest,
    media: Media,
) -> Result<Reply, Refusal> {
    let filter = wire::eet_filter(&wire::object(request, media)?).map_err(Refusal::fields)?;
    let receipts = documents::find_eet_receipts(&shared.store.lock(), &filter);
    Ok(Reply::ok(&receipts))
}

/// `GET /eshops/eshop/{goid}/payment-instruments[/{currency}]`.
pub(crate) fn instruments(
    shared: &Shared,
    goid: &str,
    currency: Option<&str>,
) -> Result<Reply, Refusal> {
    own_goid(shared, parse_id(goid), goid)?;
    let origin = &shared.settings.origin;
    let Some(currency) = currency else {
        return Ok(Reply::ok(&crate::gateway::catalog::all_instruments(origin)));
    };
    let parsed: Currency = currency.parse().unwrap_or(Currency::Unknown(String::new()));
    if parsed.is_unknown() {
        return Err(Refusal::field(
            409,
            WRONG_FORMAT,
            "currency",
            format!("unknown currency {}", quoted(currency)),
        ));
    }
    Ok(Reply::ok(&crate::gateway::catalog::instruments(
        origin, &parsed,
    )))
}

/// `POST /accounts/account-statement`: the statement file.
pub(crate) fn account_statement(
    shared: &Shared,
    request: &RecordedRequest,
    media: Media,
) -> Result<Reply, Refusal> {
    let statement = wire::statement(&wire::object(request, media)?).map_err(Refusal::fields)?;
    own_goid(shared, Some(statement.goid), &statement.goid.to_string())?;
    let body = documents::statement(&shared.store.lock(), &statement);
    Ok(Reply::file(documents::STATEMENT_CONTENT_TYPE, body))
}

fn card_not_found(id: &str) -> Refusal {
    Refusal::global(
        404,
        CARD_NOT_FOUND,
        format!("card {} not found", quoted(id)),
    )
}

/// `GET /payments/cards/{card_id}`.
pub(crate) fn card(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let card_id = parse_id(id).ok_or_else(|| card_not_found(id))?;
    let card = shared.store.lock().cards.get(&card_id).cloned();
    card.map(|card| Reply::ok(&card))
        .ok_or_else(|| card_not_found(id))
}

/// `DELETE /payments/cards/{card_id}`: 204, also for a card deleted before.
pub(crate) fn delete_card(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    let card_id = parse_id(id).ok_or_else(|| card_not_found(id))?;
    if cards::delete(&mut shared.store.lock(), card_id) {
        Ok(Reply::no_content())
    } else {
        Err(card_not_found(id))
    }
}

/// `GET` or `POST /gw/v3/{key}`: the customer's payment page (see [`super::page`]).
pub(crate) fn gateway_page(shared: &Shared, key: &str) -> Reply {
    crate::page::show(shared, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_positive_decimals() {
        assert_eq!(parse_id("3000000001"), Some(3_000_000_001));
        for bad in ["", "0", "-1", "+1", "1x", "99999999999999999999", "١"] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
