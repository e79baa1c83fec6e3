//! The control API under `/_simulator/`: what a test of any language does to the simulator
//! over HTTP — play the customer, seed and inspect payments, see and resend notifications,
//! read the request log, inject faults, move the test clock, reset, save the state. JSON in
//! and out; errors in GoPay's envelope (an
//! unknown payment 404, an action its state does not allow 409, a state-changing request
//! from another site's page 403, any request naming a host a page could have re-pointed at
//! the simulator 403). Each handler calls the same operation ([`ops`]) as the
//! matching [`Simulator`](crate::Simulator) method. The dashboard's pages
//! ([`crate::dashboard`]) share the prefix, the host rule ([`host`]) and the origin rule
//! ([`origin`]).

pub(crate) mod fault_json;
pub(crate) mod host;
pub(crate) mod notifications;
pub(crate) mod ops;
pub(crate) mod origin;
pub(crate) mod seed;

use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::gateway::customer::Choice;
use crate::gateway::responses::{
    payment_not_found, Refusal, Reply, INVALID_REQUEST, SYSTEM_ERROR, UNAUTHORIZED, WRONG_FORMAT,
};
use crate::server::record::{LoggedExchange, RecordedRequest};
use crate::state::shared::Shared;
use crate::Error;
use gopay::{BnplType, Payment, PaymentInstrument, Swift};

/// The first path segment of the control API.
const PREFIX: &str = "_simulator";

/// Whether `route` (a path without query) belongs to the control API.
pub(crate) fn is_control(route: &str) -> bool {
    route
        .strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(PREFIX))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Answers one control request.
pub(crate) fn answer(shared: &Shared, request: &RecordedRequest) -> Reply {
    let hosts = request
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.as_str());
    if let Some(refused) = shared.settings.own_hosts.refused(hosts) {
        return foreign_host(refused).into_reply();
    }
    let origin = request.header("Origin");
    if changes_state(&request.method) && !shared.settings.own_origins.allows(origin) {
        return cross_origin(origin.unwrap_or_default(), &shared.settings.origin).into_reply();
    }
    let segments: Vec<&str> = request
        .route()
        .split('/')
        .filter(|s| !s.is_empty())
        .skip(1)
        .collect();
    if let Some(reply) = crate::dashboard::answer(shared, request, &segments) {
        return reply;
    }
    handle(shared, request, &segments).unwrap_or_else(Refusal::into_reply)
}

fn handle(shared: &Shared, request: &RecordedRequest, segments: &[&str]) -> Result<Reply, Refusal> {
    match (request.method.as_str(), segments) {
        ("GET", ["payments"]) => Ok(list_payments(shared)),
        ("POST", ["payments"]) => seed_payment(shared, request),
        ("GET", ["payments", id]) => show_payment(shared, id),
        ("GET", ["payments", id, "notifications"]) => {
            notifications::list(shared, Some(payment_id(id)?))
        }
        ("POST", ["payments", id, "notify"]) => notifications::resend(shared, payment_id(id)?),
        ("GET", ["notifications"]) => notifications::list(shared, None),
        ("POST", ["payments", id, action]) => {
            match crate::gateway::v4::control::payment_action(shared, id, action) {
                Some(reply) => Ok(reply),
                None => customer_action(shared, request, id, action),
            }
        }
        ("POST", ["cards", "tokens", id, action]) => {
            Ok(crate::gateway::v4::control::card_action(shared, id, action))
        }
        ("POST", ["refunds", id, action]) => Ok(crate::gateway::v4::control::refund_action(
            shared, id, action,
        )),
        ("POST", ["cards"]) => seed_card(shared, request),
        ("GET", ["requests"]) => Ok(Reply::ok(
            &ops::exchanges(shared)
                .iter()
                .map(exchange)
                .collect::<Vec<_>>(),
        )),
        ("DELETE", ["requests"]) => {
            shared.log.lock().clear();
            Ok(Reply::no_content())
        }
        ("POST", ["faults"]) => {
            let faults = fault_json::parse(&request.body).map_err(bad_request)?;
            let queued = faults.len();
            ops::inject(shared, faults);
            Ok(Reply::ok(&json!({ "queued": queued })))
        }
        ("DELETE", ["faults"]) => {
            shared.faults.lock().clear();
            Ok(Reply::no_content())
        }
        ("POST", ["clock", "advance"]) => advance_clock(shared, request),
        ("POST", ["reset"]) => {
            ops::reset(shared);
            Ok(Reply::no_content())
        }
        ("POST", ["save"]) => save(shared),
        _ => Err(Refusal::global(
            404,
            INVALID_REQUEST,
            format!(
                "no such control service ({} {})",
                request.method.chars().take(10).collect::<String>(),
                request.route().chars().take(80).collect::<String>()
            ),
        )),
    }
}

/// Whether a request with `method` may change the simulator's state (anything but a read).
fn changes_state(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// The answer to a state-changing request sent by a page of another site: `403`.
fn cross_origin(origin: &str, own: &str) -> Refusal {
    Refusal::global(
        403,
        UNAUTHORIZED,
        format!(
            "a request from another origin ({}) cannot change the simulator's state: send it \
             without an Origin header (as curl and SDKs do) or from {own}",
            origin.chars().take(100).collect::<String>()
        ),
    )
}

/// The answer to a request naming a host that is not the simulator's own (a page's domain
/// re-pointed at it, as in DNS rebinding): `403`. The host is quoted only when it is a plain
/// `host[:port]`.
fn foreign_host(refused: &str) -> Refusal {
    let (host, name) = match host::quoted(refused) {
        Some(host) if !host::without_port(host).is_empty() => (host, host::without_port(host)),
        _ => ("a host that is not a plain name", "NAME"),
    };
    Refusal::global(
        403,
        UNAUTHORIZED,
        format!(
            "the control API and the dashboard answer only for the simulator's own host names \
             (IP addresses, localhost, names without a dot, the public URL's host), not for \
             {host}: if that is how you reach the simulator, allow it with --allowed-hosts \
             {name} (GOPAY_SIMULATOR_ALLOWED_HOSTS={name}, or SimulatorBuilder::allowed_host)"
        ),
    )
}

fn bad_request(message: impl Into<String>) -> Refusal {
    Refusal::global(400, INVALID_REQUEST, message)
}

/// The body as `T`; an empty body is `T`'s default when `optional`.
fn body<T: serde::de::DeserializeOwned + Default>(
    request: &RecordedRequest,
    optional: bool,
) -> Result<T, Refusal> {
    if optional && request.body.trim_ascii().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(&request.body)
        .map_err(|e| bad_request(format!("the body is not the expected JSON: {e}")))
}

fn payment_id(text: &str) -> Result<u64, Refusal> {
    text.parse::<u64>()
        .ok()
        .filter(|id| *id > 0 && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| payment_not_found(text.chars().take(40).collect::<String>()))
}

/// The payment as GoPay answers it, plus `"request"`: the create body the shop sent
/// (`null` for payments seeded or created without the API).
fn with_request(payment: &Payment, request: Option<&Value>) -> Value {
    let mut value = serde_json::to_value(payment).unwrap_or_else(|_| Value::Object(Map::new()));
    if let Value::Object(fields) = &mut value {
        fields.insert("request".into(), request.cloned().unwrap_or(Value::Null));
    }
    value
}

fn list_payments(shared: &Shared) -> Reply {
    let store = shared.store.lock();
    let mut records: Vec<_> = store.payments().collect();
    records.sort_by_key(|record| record.payment.id);
    let list: Vec<Value> = records
        .iter()
        .map(|record| with_request(&record.payment, store.request(record.payment.id)))
        .collect();
    Reply::ok(&list)
}

fn show_payment(shared: &Shared, id: &str) -> Result<Reply, Refusal> {
    if let Some(reply) = crate::gateway::v4::control::show_payment(shared, id) {
        return Ok(reply);
    }
    let id = payment_id(id)?;
    let store = shared.store.lock();
    let record = store.get(id)?;
    Ok(Reply::ok(&with_request(&record.payment, store.request(id))))
}

/// The optional body of `…/pay` and `…/authorize`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayBody {
    #[serde(default)]
    payment_instrument: Option<PaymentInstrument>,
    #[serde(default)]
    swift: Option<Swift>,
    #[serde(default)]
    bnpl_type: Option<BnplType>,
}

fn customer_action(
    shared: &Shared,
    request: &RecordedRequest,
    id: &str,
    action: &str,
) -> Result<Reply, Refusal> {
    let id = payment_id(id)?;
    let result = match action {
        "pay" | "authorize" => {
            let body: PayBody = body(request, true)?;
            let authorize_only = action == "authorize";
            if authorize_only
                && body
                    .payment_instrument
                    .as_ref()
                    .is_some_and(|i| *i != PaymentInstrument::PaymentCard)
            {
                return Err(Refusal::field(
                    409,
                    WRONG_FORMAT,
                    "payment_instrument",
                    "a pre-authorised payment is authorised by PAYMENT_CARD only",
                ));
            }
            let choice = Choice {
                instrument: if authorize_only {
                    Some(PaymentInstrument::PaymentCard)
                } else {
                    body.payment_instrument
                },
                swift: body.swift,
                bnpl_type: body.bnpl_type,
            };
            ops::pay(shared, id, &choice, authorize_only)
        }
        "cancel" => ops::cancel(shared, id),
        "expire" => ops::expire(shared, id),
        "recur" => ops::recur(shared, id),
        _ => {
            return Err(Refusal::global(
                404,
                INVALID_REQUEST,
                "no such payment action (pay, authorize, cancel, expire, recur, notify)",
            ))
        }
    };
    result
        .map(|payment| Reply::ok(&payment))
        .map_err(|denied| denied.into_refusal())
}

/// `POST /_simulator/payments`: see [`seed::payment_body`].
fn seed_payment(shared: &Shared, request: &RecordedRequest) -> Result<Reply, Refusal> {
    let (payment, notification_url) = seed::payment_body(body(request, false)?)?;
    Ok(Reply::ok(&ops::seed_payment(
        shared,
        payment,
        notification_url,
    )?))
}

/// `POST /_simulator/cards`: see [`seed::card_body`].
fn seed_card(shared: &Shared, request: &RecordedRequest) -> Result<Reply, Refusal> {
    let card = seed::card_body(body(request, false)?)?;
    Ok(Reply::ok(&ops::seed_card(shared, card)?))
}

/// `POST /_simulator/save`: the state file written now; what it holds. Without a state
/// file 409, and 500 when it cannot be written.
fn save(shared: &Shared) -> Result<Reply, Refusal> {
    match ops::save(shared) {
        Ok(saved) => Ok(Reply::ok(&saved)),
        Err(e @ Error::Refused { .. }) => Err(Refusal::global(409, INVALID_REQUEST, e.to_string())),
        Err(e) => Err(Refusal::global(500, SYSTEM_ERROR, e.to_string())),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: u64,
}

fn advance_clock(shared: &Shared, request: &RecordedRequest) -> Result<Reply, Refusal> {
    let advance: Advance = body(request, false)?;
    let by = Duration::from_secs(advance.seconds);
    if by > ops::MAX_CLOCK_STEP {
        return Err(Refusal::field(
            409,
            WRONG_FORMAT,
            "seconds",
            format!(
                "at most {} seconds at a time",
                ops::MAX_CLOCK_STEP.as_secs()
            ),
        ));
    }
    let (timed_out, v4_timed_out) = ops::advance_clock(shared, by);
    Ok(Reply::ok(&json!({
        "advanced_seconds": advance.seconds,
        "timed_out": timed_out,
        "v4_timed_out": v4_timed_out,
    })))
}

/// A header value as shown in the request log: credentials are replaced, their scheme kept.
pub(crate) fn shown_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        match value.trim().split_once(' ') {
            Some((scheme, _)) => format!("{scheme} [redacted]"),
            None => "[redacted]".to_owned(),
        }
    } else {
        value.to_owned()
    }
}

/// One entry of `GET /_simulator/requests`.
fn exchange(exchange: &LoggedExchange) -> Value {
    let request = &exchange.request;
    let headers: Vec<Value> = request
        .headers
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": shown_header(name, value) }))
        .collect();
    let response = exchange.answer.as_ref().map(|answer| {
        json!({
            "status": answer.status,
            "content_type": answer.content_type,
            "body": String::from_utf8_lossy(&answer.body),
            "body_truncated": exchange.answer_truncated,
        })
    });
    json!({
        "method": request.method,
        "path": request.route(),
        "query": request.query(),
        "headers": headers,
        "body": request.body_text(),
        "body_truncated": request.body_truncated,
        "response": response,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_paths_and_redaction() {
        assert!(is_control("/_simulator"));
        assert!(is_control("/_simulator/reset"));
        assert!(!is_control("/_simulatorx"));
        assert!(!is_control("/api/_simulator"));
        assert_eq!(
            shown_header("Authorization", "Bearer abc"),
            "Bearer [redacted]"
        );
        assert_eq!(shown_header("authorization", "abc"), "[redacted]");
        assert_eq!(shown_header("Accept", "a/b"), "a/b");
    }
}
