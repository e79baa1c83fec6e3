//! One handler per API endpoint: decode the path parameters and body as GoPay does, run the
//! operation on the store, and answer.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api::Media;
use super::cards;
use super::clock::Date;
use super::create;
use super::documents;
use super::form;
use super::merchant;
use super::record::RecordedRequest;
use super::responses::{
    payment_not_found, FieldError, Refusal, Reply, CARD_NOT_FOUND, INVALID_REQUEST, REQUIRED,
    WRONG_FORMAT,
};
use super::shared::Shared;
// EET was abolished in 2023; the simulator still answers its endpoints like GoPay does.
#[allow(deprecated)]
use gopay::EetReceiptFilter;
use gopay::{
    AccountStatementRequest, CaptureRequest, Currency, PaymentRequest, QrFormat, RecurrenceRequest,
    RefundRequest,
};

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

/// The body as a JSON object (400 `INVALID_REQUEST` otherwise).
fn json_object(request: &RecordedRequest) -> Result<Value, Refusal> {
    let value: Value = serde_json::from_slice(&request.body).map_err(|e| {
        Refusal::global(
            400,
            INVALID_REQUEST,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(Refusal::global(
            400,
            INVALID_REQUEST,
            "the body must be a JSON object",
        ))
    }
}

/// The JSON object `body` as `T`, after checking `required` fields are present.
fn decode<T: DeserializeOwned>(body: Value, required: &[&'static str]) -> Result<T, Refusal> {
    let missing = create::missing(&body, required);
    if !missing.is_empty() {
        return Err(Refusal::fields(missing));
    }
    serde_json::from_value(body).map_err(|e| {
        Refusal::global(
            409,
            WRONG_FORMAT,
            format!("a field has the wrong type or format: {e}"),
        )
    })
}

/// A `yyyy-MM-dd` field.
fn date(field: &'static str, text: &str) -> Result<Date, FieldError> {
    Date::parse(text).ok_or_else(|| {
        FieldError::new(
            WRONG_FORMAT,
            field,
            format!("{field} must be a yyyy-MM-dd date"),
        )
    })
}

/// A date range whose start is not after its end.
fn date_range(from: &str, to: &str) -> Result<(Date, Date), Refusal> {
    let from = date("date_from", from);
    let to = date("date_to", to);
    match (from, to) {
        (Ok(from), Ok(to)) if from <= to => Ok((from, to)),
        (Ok(_), Ok(_)) => Err(Refusal::field(
            409,
            WRONG_FORMAT,
            "date_to",
            "date_to must not be before date_from",
        )),
        (from, to) => Err(Refusal::fields(
            [from.err(), to.err()].into_iter().flatten().collect(),
        )),
    }
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

/// An amount from a form body.
fn form_amount(request: &RecordedRequest) -> Result<Option<i64>, Refusal> {
    let fields = form::parse(&request.body).ok_or_else(|| {
        Refusal::global(
            400,
            INVALID_REQUEST,
            "the body must be application/x-www-form-urlencoded UTF-8",
        )
    })?;
    match form::get(&fields, "amount") {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            Refusal::field(409, WRONG_FORMAT, "amount", "amount must be a whole number")
        }),
    }
}

/// `POST /payments/payment`.
pub(crate) fn create_payment(shared: &Shared, request: &RecordedRequest) -> Result<Reply, Refusal> {
    let body = json_object(request)?;
    let payment: PaymentRequest = decode(body, &["amount", "currency", "order_number"])?;
    let errors = create::check_payment(&payment, shared.settings.goid);
    if !errors.is_empty() {
        return Err(Refusal::fields(errors));
    }
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
    let amount = if media == Media::Json {
        decode::<RefundRequest>(json_object(request)?, &["amount"])?.amount
    } else {
        form_amount(request)?
            .ok_or_else(|| Refusal::field(409, REQUIRED, "amount", "amount is required"))?
    };
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
    let amount = if request.body.trim_ascii().is_empty() {
        None
    } else if media == Media::Json {
        Some(decode::<CaptureRequest>(json_object(request)?, &["amount"])?.amount)
    } else {
        form_amount(request)?
    };
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
    id: &str,
) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let next: RecurrenceRequest = decode(
        json_object(request)?,
        &["amount", "currency", "order_number"],
    )?;
    let mut notices = Vec::new();
    let result = merchant::create_recurrence(
        &mut shared.store.lock(),
        id,
        next,
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
#[allow(deprecated)]
pub(crate) fn find_eet_receipts(
    shared: &Shared,
    request: &RecordedRequest,
) -> Result<Reply, Refusal> {
    let filter: EetReceiptFilter = decode(
        json_object(request)?,
        &["date_from", "date_to", "id_provozovny"],
    )?;
    let (from, to) = date_range(&filter.date_from, &filter.date_to)?;
    let receipts =
        documents::find_eet_receipts(&shared.store.lock(), from, to, filter.id_provozovny);
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
        return Ok(Reply::ok(&super::catalog::all_instruments(origin)));
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
    Ok(Reply::ok(&super::catalog::instruments(origin, &parsed)))
}

/// `POST /accounts/account-statement`: the statement file.
pub(crate) fn account_statement(
    shared: &Shared,
    request: &RecordedRequest,
) -> Result<Reply, Refusal> {
    let statement: AccountStatementRequest = decode(
        json_object(request)?,
        &["date_from", "date_to", "goid", "currency", "format"],
    )?;
    let (from, to) = date_range(&statement.date_from, &statement.date_to)?;
    own_goid(shared, Some(statement.goid), &statement.goid.to_string())?;
    let mut errors = Vec::new();
    if statement.currency.is_unknown() {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "currency",
            "unknown currency",
        ));
    }
    if statement.format.is_unknown() {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "format",
            "unknown statement format",
        ));
    }
    if !errors.is_empty() {
        return Err(Refusal::fields(errors));
    }
    let body = documents::statement(&shared.store.lock(), &statement, from, to);
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
    super::page::show(shared, key)
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

    #[test]
    fn date_ranges() {
        assert!(date_range("2025-01-01", "2025-01-01").is_ok());
        assert_eq!(
            date_range("2025-01-02", "2025-01-01").unwrap_err().status,
            409
        );
        let both = date_range("x", "2025-02-30").unwrap_err();
        assert_eq!(both.errors.len(), 2);
    }
}
