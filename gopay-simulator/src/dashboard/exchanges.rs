//! The request log as the dashboard shows it: the newest exchanges, and those of one
//! payment of either API.

use crate::server::record::LoggedExchange;
use crate::state::shared::Shared;

/// How many exchanges the request log page shows (the JSON at `/_simulator/requests` has
/// every one): enough for a test run, few enough for a page a browser opens at once.
pub(super) const SHOWN: usize = 500;

/// The path v3 payments are created at (and, under it, every call about one payment).
const PAYMENTS: &str = "/api/payments/payment";

/// The newest [`SHOWN`] exchanges, newest first, and how many the log holds.
pub(super) fn newest(shared: &Shared) -> (Vec<LoggedExchange>, usize) {
    let log = shared.log.lock().exchanges();
    let total = log.len();
    (log.into_iter().rev().take(SHOWN).collect(), total)
}

/// What ties an exchange to one payment.
pub(super) struct About<'a> {
    /// The payment's id, in digits.
    pub(super) id: &'a str,
    /// Other ids whose paths concern it (a v4 payment's refunds).
    pub(super) related: &'a [String],
    /// The last segment of a v3 payment's customer page.
    pub(super) gateway_key: Option<&'a str>,
}

/// The exchanges about a payment, newest first: its API calls (of either version), the
/// request that created it, its customer page's and its 3-D Secure page's.
pub(super) fn of_payment(shared: &Shared, about: &About<'_>) -> Vec<LoggedExchange> {
    let mut log = shared.log.lock().exchanges();
    log.retain(|exchange| concerns(exchange, about));
    log.reverse();
    log
}

fn concerns(exchange: &LoggedExchange, about: &About<'_>) -> bool {
    let route = exchange.request.route();
    if route
        .split('/')
        .any(|segment| segment == about.id || about.related.iter().any(|id| id == segment))
    {
        return true;
    }
    if let Some(key) = about.gateway_key {
        let page = format!("/gw/v3/{key}");
        if route == page || route.starts_with(&format!("{page}/")) {
            return true;
        }
    }
    // A create call (or a v3 recurrence's, under the parent) names the new id in its answer:
    // a number in v3, a string in v4.
    if exchange.request.method != "POST" {
        return false;
    }
    let v3 = route.starts_with(PAYMENTS);
    let v4 = route
        .strip_prefix(crate::gateway::v4::PREFIX)
        .is_some_and(|rest| rest.starts_with("/eshops/") && rest.ends_with("/payments"));
    (v3 || v4)
        && exchange.answer.as_ref().is_some_and(|answer| {
            serde_json::from_slice::<serde_json::Value>(&answer.body).is_ok_and(|body| match &body
                ["id"]
            {
                serde_json::Value::Number(n) => v3 && n.to_string() == about.id,
                serde_json::Value::String(s) => v4 && s == about.id,
                _ => false,
            })
        })
}
