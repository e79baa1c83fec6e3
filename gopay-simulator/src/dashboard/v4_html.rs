//! A v4 payment's page on the dashboard: its state, its charge with the 3-D Secure action's
//! state, its refunds, the payment as v4 answers it, its exchanges, and the buttons for what
//! the control API allows on it. Every text from the shop or the gateway goes through
//! [`escape`].

use std::fmt::Write as _;

use super::html::{actions, document, exchanges_section, state_cell, time};
use super::v4::{ChargeView, V4Detail};
use crate::page::{escape, money};
use crate::server::record::LoggedExchange;

/// `/_simulator/ui/payments/{id}` for a v4 payment; `error` says why an action was refused.
pub(super) fn payment(
    detail: &V4Detail,
    exchanges: &[LoggedExchange],
    error: Option<&str>,
) -> String {
    let row = &detail.row;
    let state = escape(&row.state);
    let url = escape(&detail.gw_url);
    let mut body = format!(
        "<section><div class=\"muted\">Payment <span id=\"payment-id\">{id}</span>\
         <span class=\"pill v4\" id=\"api\">API v4</span> &middot; created {}</div>\
         <h1>Order <span id=\"order\">{}</span> &middot; {}</h1>\
         <p class=\"state {state}\" id=\"state\">{state}</p>\
         <p class=\"muted\">Customer page: <a href=\"{url}\" id=\"gw-url\">{url}</a></p>",
        time(row.created),
        escape(&row.order_number),
        money(row.amount, &row.currency),
        id = escape(&row.id),
    );
    if let Some(error) = error {
        let _ = write!(
            body,
            "<p class=\"error\" id=\"error\">{}</p>",
            escape(error)
        );
    }
    actions(&mut body, &row.id, &detail.actions);
    body.push_str("</section>");
    charge(&mut body, detail.charge.as_ref());
    refunds(&mut body, detail);
    let _ = write!(
        body,
        "<section><h2>As GoPay's API v4 answers it</h2><pre id=\"payment\">{}</pre></section>",
        escape(&detail.payment),
    );
    exchanges_section(&mut body, exchanges);
    document(&format!("Payment {} (v4)", row.id), &body)
}

fn charge(body: &mut String, charge: Option<&ChargeView>) {
    body.push_str("<section id=\"charge\"><h2>Charge</h2>");
    let Some(charge) = charge else {
        body.push_str("<p class=\"muted\" id=\"no-charge\">No charge yet.</p></section>");
        return;
    };
    let state = escape(charge.state);
    let action = charge.action.map(escape).unwrap_or_default();
    let settles = charge
        .settles
        .map(|at| format!("{} (test clock)", time(at)))
        .unwrap_or_default();
    let _ = write!(
        body,
        "<table class=\"grid\"><tr><th>Charge</th><th>State</th><th>3-D Secure</th>\
         <th>Input</th><th>Card</th><th>Settles</th></tr><tr><td>{}</td>\
         <td class=\"state {state}\" id=\"charge-state\">{state}</td>\
         <td class=\"state {action}\" id=\"action-state\">{action}</td><td>{}</td><td>{}</td>\
         <td class=\"time\">{settles}</td></tr></table>",
        escape(&charge.id),
        escape(charge.input_type),
        escape(charge.masked_pan.as_deref().unwrap_or("")),
    );
    if let Some(url) = &charge.challenge_url {
        let url = escape(url);
        let _ = write!(
            body,
            "<p class=\"muted\">The customer's 3-D Secure page: \
             <a href=\"{url}\" id=\"challenge-url\">{url}</a></p>"
        );
    }
    if let Some(reason) = &charge.fail_reason {
        let _ = write!(
            body,
            "<p class=\"error\" id=\"fail-reason\">{}</p>",
            escape(reason)
        );
    }
    body.push_str("</section>");
}

fn refunds(body: &mut String, detail: &V4Detail) {
    body.push_str("<section id=\"refunds\"><h2>Refunds</h2>");
    if detail.refunds.is_empty() {
        body.push_str("<p class=\"muted\">None.</p></section>");
        return;
    }
    body.push_str(
        "<table class=\"grid\"><tr><th>Refund</th><th class=\"n\">Amount</th><th>State</th>\
         <th>Requested</th><th>Settled</th></tr>",
    );
    for refund in &detail.refunds {
        let _ = write!(
            body,
            "<tr class=\"refund\"><td>{}</td><td class=\"n\">{}</td>{}<td class=\"time\">{}</td>\
             <td class=\"time\">{}</td></tr>",
            escape(&refund.id),
            money(refund.amount, &detail.row.currency),
            state_cell(refund.state),
            time(refund.created),
            refund.updated.map(time).unwrap_or_default(),
        );
    }
    body.push_str("</table></section>");
}
