//! The HTTP handlers: ordering, the customer's return, GoPay's notification, refunds.

use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::pages;
use crate::payments::{GatewayError, RefundOutcome};
use crate::store::{NewOrder, Order, OrderStatus, OrderStore, StoreError};
use crate::AppState;

/// `GET /`.
pub(crate) async fn home() -> Html<String> {
    pages::home()
}

/// The "Pay" form.
#[derive(Deserialize)]
pub(crate) struct OrderForm {
    email: String,
}

/// `POST /orders`: order, payment, then off to GoPay's gateway.
pub(crate) async fn create_order<S: OrderStore>(
    State(state): State<AppState<S>>,
    Form(form): Form<OrderForm>,
) -> Response {
    let email = form.email.trim();
    // GoPay checks the address too; refusing here gives the customer a better page.
    if email.len() > 128 || !email.contains('@') || email.chars().any(char::is_control) {
        return page(
            StatusCode::BAD_REQUEST,
            "Check your e-mail",
            "Please enter a valid e-mail address.",
        );
    }
    let new = NewOrder {
        amount: crate::PRODUCT_PRICE + crate::DELIVERY_PRICE,
        currency: crate::CURRENCY,
        email: email.to_owned(),
    };
    let order = match state.orders.create_order(new).await {
        Ok(order) => order,
        Err(err) => return store_failed(&err),
    };
    let payment = state
        .payments
        .create(
            &order,
            format!("{}/return", state.public_url),
            format!("{}/notify", state.public_url),
        )
        .await;
    let payment = match payment {
        Ok(payment) => payment,
        // Even when the outcome is unknown, the customer may try again: a payment nobody
        // pays costs nothing and times out at GoPay.
        Err(err) => return gateway_failed(&order, &err),
    };
    let Some(gw_url) = payment.gw_url else {
        eprintln!(
            "payment {} of order {} has no gw_url",
            payment.id, order.number
        );
        return page(
            StatusCode::BAD_GATEWAY,
            "Payment unavailable",
            "The payment gateway did not say where to pay. Please try again.",
        );
    };
    // Stored before the customer is sent to pay: GoPay notifies only after the customer
    // acts on the gateway, so every notification finds its order. If this fails the customer
    // is not sent to pay at all: a payment the shop cannot find must not be paid.
    if let Err(err) = state.orders.attach_payment(&order.number, payment.id).await {
        return store_failed(&err);
    }
    Redirect::to(&gw_url).into_response()
}

/// `GET /return?id=…`: the customer is back from the gateway.
pub(crate) async fn customer_return<S: OrderStore>(
    State(state): State<AppState<S>>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(id) = gopay::notification_payment_id(query.as_deref().unwrap_or("")) else {
        return page(StatusCode::BAD_REQUEST, "Unknown order", "No payment id.");
    };
    // The query is the customer's to edit: only the id is used, and the state comes from
    // GoPay itself.
    match sync(&state, id).await {
        Ok(Some(order)) => pages::order(&order).into_response(),
        Ok(None) => page(StatusCode::NOT_FOUND, "Unknown order", "No such order."),
        Err(SyncError::Store(err)) => store_failed(&err),
        Err(SyncError::Gateway(err)) => {
            eprintln!("return of payment {id}: {err}");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Checking your payment",
                "We could not ask the payment gateway just now: please reload this page \
                 in a moment.",
            )
        }
    }
}

/// `GET /notify?id=…`: GoPay says payment `id` changed state.
///
/// GoPay repeats a notification until it is answered `200`: so `200` only once the new state
/// is stored, `500` when reading or storing it failed (the next attempt may succeed). The
/// handling is idempotent, so a repeated notification changes nothing more.
pub(crate) async fn notify<S: OrderStore>(
    State(state): State<AppState<S>>,
    RawQuery(query): RawQuery,
) -> (StatusCode, &'static str) {
    let Ok(id) = gopay::notification_payment_id(query.as_deref().unwrap_or("")) else {
        // Not GoPay's format: GoPay always sends a payment id.
        return (StatusCode::BAD_REQUEST, "no payment id");
    };
    match sync(&state, id).await {
        Ok(Some(_)) => (StatusCode::OK, "OK"),
        Ok(None) => {
            // Not one of this shop's payments (another shop on the same GoID, a payment made
            // outside the shop, a test leftover, or a forged request). Retrying cannot make
            // it ours: the payment id is stored before the customer can pay, so it is not a
            // race. Answering 500 would only make GoPay call again and again, so: log, 200.
            eprintln!("notification for unknown payment {id}: ignored");
            (StatusCode::OK, "OK")
        }
        Err(SyncError::Store(err)) => {
            eprintln!("notification of payment {id}: {err}");
            (StatusCode::INTERNAL_SERVER_ERROR, "not stored, try again")
        }
        Err(SyncError::Gateway(err)) => {
            eprintln!("notification of payment {id}: {err}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "state not read, try again",
            )
        }
    }
}

/// Why an order could not be brought up to date.
enum SyncError {
    Store(StoreError),
    Gateway(GatewayError),
}

/// Reads payment `id`'s authoritative state from GoPay and records it on its order (see
/// [`OrderStore::record_status`]). `None` when no order has that payment.
async fn sync<S: OrderStore>(state: &AppState<S>, id: u64) -> Result<Option<Order>, SyncError> {
    // The store first: an unknown id costs no call to GoPay.
    let Some(order) = state
        .orders
        .order_by_payment(id)
        .await
        .map_err(SyncError::Store)?
    else {
        return Ok(None);
    };
    let payment = state
        .payments
        .status(id)
        .await
        .map_err(SyncError::Gateway)?;
    if payment.order_number.as_deref() != Some(order.number.as_str())
        || payment.amount != Some(order.amount)
    {
        // Cannot happen for payments this shop created; if it does, a person must look.
        eprintln!(
            "payment {id} does not match order {}: {:?} {:?}",
            order.number, payment.order_number, payment.amount
        );
        return Ok(Some(order));
    }
    let Some(status) = payment
        .state
        .as_ref()
        .and_then(OrderStatus::from_payment_state)
    else {
        eprintln!("payment {id}: state {:?} left as it is", payment.state);
        return Ok(Some(order));
    };
    let recorded = state
        .orders
        .record_status(id, status)
        .await
        .map_err(SyncError::Store)?;
    Ok(Some(recorded.map_or(order, |recorded| recorded.order)))
}

/// The refund form: `amount` as a decimal price ("30.00"); empty or absent refunds what is
/// left.
#[derive(Deserialize)]
pub(crate) struct RefundForm {
    #[serde(default)]
    amount: Option<String>,
}

/// `POST /orders/{order}/refund`: an administrator refunds all or part of a paid order.
pub(crate) async fn refund<S: OrderStore>(
    State(state): State<AppState<S>>,
    Path(number): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RefundForm>,
) -> Response {
    if !is_admin(&headers, &state.admin_token) {
        return page(
            StatusCode::UNAUTHORIZED,
            "Not allowed",
            "Refunds are for administrators.",
        );
    }
    let order = match state.orders.order(&number).await {
        Ok(Some(order)) => order,
        Ok(None) => return page(StatusCode::NOT_FOUND, "Unknown order", "No such order."),
        Err(err) => return store_failed(&err),
    };
    let (Some(id), OrderStatus::Paid | OrderStatus::PartiallyRefunded) =
        (order.payment_id, order.status)
    else {
        return page(
            StatusCode::CONFLICT,
            "Nothing to refund",
            "Only a paid order can be refunded.",
        );
    };
    let left = order.amount - order.refunded;
    let amount = match form.amount.as_deref().map(str::trim) {
        None | Some("") => Some(left),
        // Negative amounts are refused with the rest below.
        Some(text) => gopay::minor_units(text).ok(),
    };
    let Some(amount) = amount.filter(|amount| (1..=left).contains(amount)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Wrong amount",
            "The amount must be a price such as 30.00, at most what is left to refund.",
        );
    };

    let outcome = match state.payments.refund(id, amount).await {
        Ok(RefundOutcome::Done(result)) => format!("Refund {}.", result.as_str()),
        Ok(RefundOutcome::FoundInHistory) => {
            "The refund's answer was lost, but GoPay's refund history shows it: refunded."
                .to_owned()
        }
        Ok(RefundOutcome::NotInHistory) => {
            return page(
                StatusCode::BAD_GATEWAY,
                "Not refunded",
                "The refund's answer was lost and GoPay's refund history does not show it: \
                 nothing was refunded. Check the history, then try again.",
            )
        }
        Ok(RefundOutcome::Failed(description)) => {
            let description = description.unwrap_or_default();
            return page(
                StatusCode::BAD_GATEWAY,
                "Refund failed",
                &format!("GoPay answered FAILED. {description}"),
            );
        }
        Err(err) if err.outcome_unknown() => {
            eprintln!("refund of payment {id}: {err}");
            return page(
                StatusCode::BAD_GATEWAY,
                "Refund outcome unknown",
                "GoPay may have refunded, and its refund history could not be read. Do not \
                 refund again until the history shows whether it happened.",
            );
        }
        Err(err) => {
            eprintln!("refund of payment {id}: {err}");
            return page(
                StatusCode::BAD_GATEWAY,
                "Refund refused",
                &format!("GoPay refused the refund: {err}"),
            );
        }
    };

    // The money went back: whatever fails now must not lead anyone to refund again.
    if let Err(err) = state.orders.record_refund(&order.number, amount).await {
        eprintln!("refund of {amount} for {}: {err}", order.number);
        return page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Refunded, not recorded",
            "GoPay refunded, but the shop could not record it: do not refund again.",
        );
    }
    // The new state (PARTIALLY_REFUNDED or REFUNDED) from GoPay, as for a notification; if
    // this fails, GoPay's notification of the refund will bring it.
    let order = match sync(&state, id).await {
        Ok(Some(order)) => order,
        _ => order,
    };
    let history = state.payments.refunds(id).await.unwrap_or_else(|err| {
        eprintln!("refund history of payment {id}: {err}");
        Vec::new()
    });
    pages::refund(&order, &outcome, &history).into_response()
}

/// Whether the request carries `Authorization: Bearer <token>`.
fn is_admin(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
    else {
        return false;
    };
    // Compared in time independent of where they differ, so that timing does not reveal
    // the token one character at a time.
    // An empty token would let anyone in who sends "Bearer ": no token, no refunds.
    !token.is_empty()
        && given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    (status, pages::message(title, text)).into_response()
}

fn store_failed(err: &StoreError) -> Response {
    eprintln!("{err}");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry",
        "The shop could not save your order. Please try again.",
    )
}

fn gateway_failed(order: &Order, err: &GatewayError) -> Response {
    eprintln!("payment of order {}: {err}", order.number);
    page(
        StatusCode::BAD_GATEWAY,
        "Payment unavailable",
        "The payment gateway could not be reached. Please try again.",
    )
}
