//! The request log as the dashboard shows it: the newest exchanges, and those of one
//! payment.

use crate::server::record::LoggedExchange;
use crate::state::shared::Shared;

/// How many exchanges the request log page shows (the JSON at `/_simulator/requests` has
/// every one): enough for a test run, few enough for a page a browser opens at once.
pub(super) const SHOWN: usize = 500;

/// The path payments are created at (and, under it, every call about one payment).
const PAYMENTS: &str = "/api/payments/payment";

/// The newest [`SHOWN`] exchanges, newest first, and how many the log holds.
pub(super) fn newest(shared: &Shared) -> (Vec<LoggedExchange>, usize) {
    let log = shared.log.lock().exchanges();
    let total = log.len();
    (log.into_iter().rev().take(SHOWN).collect(), total)
}

/// The exchanges about payment `id`, newest first: its API calls, the request that created
/// it, and its customer page's (`gateway_key`).
pub(super) fn of_payment(
    shared: &Shared,
    id: u64,
    gateway_key: Option<&str>,
) -> Vec<LoggedExchange> {
    let mut log = shared.log.lock().exchanges();
    log.retain(|exchange| concerns(exchange, id, gateway_key));
    log.reverse();
    log
}

fn concerns(exchange: &LoggedExchange, id: u64, gateway_key: Option<&str>) -> bool {
    let route = exchange.request.route();
    let id_text = id.to_string();
    if route.split('/').any(|segment| segment == id_text) {
        return true;
    }
    if let Some(key) = gateway_key {
        let page = format!("/gw/v3/{key}");
        if route == page || route.starts_with(&format!("{page}/")) {
            return true;
        }
    }
    // A create call (or a recurrence's, under the parent) names the new id in its answer.
    exchange.request.method == "POST"
        && route.starts_with(PAYMENTS)
        && exchange.answer.as_ref().is_some_and(|answer| {
            serde_json::from_slice::<serde_json::Value>(&answer.body)
                .is_ok_and(|body| body["id"].as_u64() == Some(id))
        })
}
