//! The dashboard's HTML, in the customer page's look: tables, collapsible exchanges and
//! plain POST forms, no JavaScript: the list, a v3 payment's page and the request log here,
//! a v4 payment's page in [`super::v4_html`]. Every text that came from the shop or the
//! gateway (order numbers, URLs, bodies, headers, states) goes through [`escape`].

use std::fmt::Write as _;
use std::time::SystemTime;

use super::exchanges::SHOWN;
use super::notifications::{Attempt, Dropped, Shown};
use super::view::{Detail, Row};
use super::{Action, PAYMENT_PAGE};
use crate::control::shown_header;
use crate::gateway::responses::Reply;
use crate::page::{escape, frame, money};
use crate::server::record::LoggedExchange;
use crate::state::clock;

/// The dashboard's additions to the customer page's style: a wide page, navigation, grids.
const STYLE: &str = "\
main{max-width:72rem;margin:1.5rem auto}\
header .part{margin:0 auto 0 .6rem}header nav a{color:#fff;text-decoration:none;margin-left:1.25rem;opacity:.85}header nav a:hover{opacity:1;text-decoration:underline}\
h1{font-size:1.35rem;margin:0 0 .35rem}h2{font-size:1.05rem;margin:0 0 .6rem;color:#1a4d8f}h3{font-size:.95rem;margin:.6rem 0 .3rem}\
section+section{border-top:1px solid #e6e9ee}\
a{color:#1a4d8f}\
.grid{font-size:.92rem}.grid th{text-align:left;font-weight:600;color:#5b6675;padding:.45rem .6rem;border-bottom:2px solid #e6e9ee;white-space:nowrap}\
.grid td{padding:.45rem .6rem;vertical-align:baseline}.grid tr:hover td:not(.state){background:#f6f8fb}\
.grid td.n,.grid th.n{text-align:right}.grid .time{white-space:nowrap}\
td.state{font-size:.78rem;font-weight:700;letter-spacing:.03em;padding:.45rem .6rem;border-radius:0;white-space:nowrap}\
p.state{display:inline-block;margin:.2rem 0 .8rem}\
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}\
pre{background:#f6f8fb;border:1px solid #e6e9ee;border-radius:8px;padding:.7rem;margin:0;overflow:auto;max-height:26rem;font-size:.8rem;white-space:pre-wrap;word-break:break-all}\
code{font-size:.88em;word-break:break-all}\
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin:.4rem 0 0}.actions form{margin:0}\
.actions button{flex:none;padding:.55rem 1.1rem;background:#1a4d8f;color:#fff}\
#action-pay,#action-authorize,#action-approve{background:#1e8e3e}#action-cancel,#action-expire,#action-decline{background:#e9ecf1;color:#1d2530}\
.state.SUCCEEDED,.state.SUCCESS{background:#e3f4e8;color:#14632b}.state.FAILED{background:#fbe9e9;color:#8a1f1f}\
.pill.v4{background:#e6eefa;color:#1a4d8f;margin-left:.4rem}\
details.exchange{border:1px solid #e6e9ee;border-radius:8px;margin:.4rem 0;background:#fff}\
details.exchange summary{cursor:pointer;padding:.5rem .7rem;display:flex;gap:.7rem;align-items:baseline}\
details.exchange>div{padding:0 .7rem .7rem}\
.method{font-weight:700;min-width:3.6rem}\
.status{font-weight:700}.s2{color:#14632b}.s3{color:#1a4d8f}.s4,.s5{color:#8a1f1f}\
.notification{margin:.2rem 0 1rem}.notification .grid{margin-top:.3rem}\
.pill{font-size:.8rem;font-weight:600;padding:.1rem .5rem;border-radius:99px;background:#e9ecf1}\
.pill.delivered{background:#e3f4e8;color:#14632b}.pill.given-up,.pill.not-sent{background:#fbe9e9;color:#8a1f1f}";

/// A dashboard page: `title`, and the navigation in the header.
pub(super) fn document(title: &str, body: &str) -> String {
    let header = "<small class=\"part\">simulator dashboard</small><nav><a href=\"/_simulator/\">Payments</a>\
                  <a href=\"/_simulator/ui/requests\">Request log</a></nav>";
    frame(&format!("{title} – GoPay simulator"), STYLE, header, body)
}

/// A time on the test clock, to the second, in UTC.
pub(super) fn time(at: SystemTime) -> String {
    let stamp = clock::timestamp(at);
    stamp.get(..19).unwrap_or(&stamp).replacen('T', " ", 1)
}

/// The state as a table cell (`class="state {STATE}"` for the customer page's colours).
pub(super) fn state_cell(state: &str) -> String {
    let state = escape(state);
    format!("<td class=\"state {state}\">{state}</td>")
}

/// `/_simulator/`: every payment, newest first.
pub(super) fn list(rows: &[Row], notifications: &[Shown], dropped: &Dropped) -> String {
    let mut body = format!(
        "<section><h1>Payments</h1><p class=\"muted\">{} payment{}, newest first. \
         As JSON: <a href=\"/_simulator/payments\">/_simulator/payments</a>.</p>",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    dropped_note(&mut body, dropped);
    if rows.is_empty() {
        body.push_str(
            "<p id=\"empty\">No payments yet: create one through GoPay's API, or seed one \
             with <code>POST /_simulator/payments</code>.</p></section>",
        );
        return document("Payments", &body);
    }
    body.push_str(
        "<table class=\"grid\" id=\"payments\"><tr><th>Payment</th><th>Order</th>\
         <th class=\"n\">Amount</th><th>State</th><th>Charge</th><th>Method</th>\
         <th>Last notification</th><th>Created</th></tr>",
    );
    for row in rows {
        // Notifications name v3's numeric ids.
        let last = notifications
            .iter()
            .rev()
            .filter(|_| !row.v4)
            .find(|notification| notification.payment_id.to_string() == row.id);
        let (class, marker) = if row.v4 {
            (" class=\"v4\"", "<span class=\"pill v4\">v4</span>")
        } else {
            ("", "")
        };
        let _ = write!(
            body,
            "<tr data-payment-id=\"{id}\"{class}><td><a href=\"{PAYMENT_PAGE}/{id}\">{id}</a>\
             {marker}</td><td class=\"order\">{}</td><td class=\"n\">{}</td>{}\
             <td class=\"charge\">{}</td><td>{}</td><td>{}</td><td class=\"time\">{}</td></tr>",
            escape(&row.order_number),
            money(row.amount, &row.currency),
            state_cell(&row.state),
            escape(row.charge.as_deref().unwrap_or("")),
            escape(row.instrument.as_deref().unwrap_or("")),
            last.map(summary).unwrap_or_default(),
            time(row.created),
            id = escape(&row.id),
        );
    }
    body.push_str("</table></section>");
    document("Payments", &body)
}

/// A notification's outcome as a pill, with the last status the shop answered.
fn summary(notification: &Shown) -> String {
    let outcome = notification.outcome();
    let status = notification
        .attempts
        .last()
        .and_then(|attempt| attempt.status)
        .map(|status| format!(" {status}"))
        .unwrap_or_default();
    let class = outcome.replace(' ', "-");
    format!("<span class=\"pill {class}\">{outcome}{status}</span>")
}

/// `/_simulator/ui/payments/{id}`: one payment, everything about it, and its actions.
pub(super) fn payment(
    detail: &Detail,
    (notifications, dropped): (&[Shown], &Dropped),
    exchanges: &[LoggedExchange],
    error: Option<&str>,
) -> String {
    let row = &detail.row;
    let state = escape(&row.state);
    let mut body = format!(
        "<section><div class=\"muted\">Payment <span id=\"payment-id\">{id}</span> &middot; \
         created {}</div><h1>Order <span id=\"order\">{}</span> &middot; {}</h1>\
         <p class=\"state {state}\" id=\"state\">{state}</p>",
        time(row.created),
        escape(&row.order_number),
        money(row.amount, &row.currency),
        id = escape(&row.id),
    );
    if let Some(url) = &detail.gw_url {
        let url = escape(url);
        let _ = write!(
            body,
            "<p class=\"muted\">Customer page: <a href=\"{url}\" id=\"gw-url\">{url}</a></p>"
        );
    }
    if let Some(error) = error {
        let _ = write!(
            body,
            "<p class=\"error\" id=\"error\">{}</p>",
            escape(error)
        );
    }
    actions(&mut body, &row.id, &detail.actions);
    body.push_str("</section>");

    notifications_section(&mut body, notifications, dropped);
    refunds(&mut body, detail);
    let request = match &detail.request {
        Some(json) => format!("<pre id=\"request\">{}</pre>", escape(json)),
        None => "<p class=\"muted\" id=\"request\">Seeded, or created without the API: no \
                 request.</p>"
            .to_owned(),
    };
    let _ = write!(
        body,
        "<section class=\"cols\"><div><h2>As GoPay answers it</h2><pre id=\"payment\">{}</pre>\
         </div><div><h2>The request the shop sent</h2>{request}</div></section>",
        escape(&detail.payment),
    );
    exchanges_section(&mut body, exchanges);
    document(&format!("Payment {}", row.id), &body)
}

/// The exchanges about one payment, newest first.
pub(super) fn exchanges_section(body: &mut String, exchanges: &[LoggedExchange]) {
    let _ = write!(
        body,
        "<section id=\"exchanges\"><h2>Exchanges</h2><p class=\"muted\">{} request{} about \
         this payment, newest first.</p>",
        exchanges.len(),
        if exchanges.len() == 1 { "" } else { "s" }
    );
    for exchange in exchanges {
        exchange_details(body, exchange);
    }
    body.push_str("</section>");
}

/// The buttons: one POST form each.
pub(super) fn actions(body: &mut String, id: &str, actions: &[Action]) {
    if actions.is_empty() {
        return;
    }
    body.push_str("<div class=\"actions\">");
    for action in actions {
        let name = action.name();
        let label = match action {
            Action::Pay => "Pay",
            Action::Authorize => "Authorise",
            Action::Cancel => "Cancel",
            Action::Expire => "Expire",
            Action::Notify => "Send the notification again",
            Action::Approve => "Approve 3-D Secure",
            Action::Decline => "Decline 3-D Secure",
        };
        let _ = write!(
            body,
            "<form method=\"post\" action=\"{PAYMENT_PAGE}/{}/{name}\">\
             <button type=\"submit\" id=\"action-{name}\">{label}</button></form>",
            escape(id)
        );
    }
    body.push_str("</div>");
}

fn refunds(body: &mut String, detail: &Detail) {
    body.push_str("<section id=\"refunds\"><h2>Refunds</h2>");
    if detail.refunds.is_empty() {
        body.push_str("<p class=\"muted\">None.</p></section>");
        return;
    }
    body.push_str(
        "<table class=\"grid\"><tr><th>Refund</th><th class=\"n\">Amount</th><th>State</th>\
         <th>Requested</th></tr>",
    );
    for refund in &detail.refunds {
        let currency = refund
            .currency
            .as_ref()
            .map_or_else(|| detail.row.currency.clone(), ToString::to_string);
        let _ = write!(
            body,
            "<tr class=\"refund\"><td>{}</td><td class=\"n\">{}</td>{}<td>{}</td></tr>",
            refund.id,
            money(refund.amount, &currency),
            state_cell(refund.state.as_str()),
            escape(refund.date_requested.as_deref().unwrap_or("")),
        );
    }
    body.push_str("</table></section>");
}

/// Says how many notifications the bound dropped, when it dropped any: a payment's older
/// notifications may be among them.
fn dropped_note(body: &mut String, dropped: &Dropped) {
    if dropped.count == 0 {
        return;
    }
    let _ = write!(
        body,
        "<p class=\"muted\" id=\"notifications-dropped\">{count} older notification{s} \
         dropped: the simulator keeps the newest {max}, finished ones go first.</p>",
        count = dropped.count,
        s = if dropped.count == 1 { "" } else { "s" },
        max = dropped.max,
    );
}

fn notifications_section(body: &mut String, notifications: &[Shown], dropped: &Dropped) {
    body.push_str("<section id=\"notifications\"><h2>Notifications</h2>");
    dropped_note(body, dropped);
    if notifications.is_empty() {
        body.push_str("<p class=\"muted\">None sent.</p>");
    }
    for notification in notifications {
        let _ = write!(
            body,
            "<div class=\"notification\">State <b>{}</b> &rarr; <code>{}</code> {}",
            escape(notification.state.as_str()),
            escape(&notification.url),
            summary(notification),
        );
        if !notification.attempts.is_empty() {
            body.push_str(
                "<table class=\"grid\"><tr><th>Attempt</th><th>At</th><th>Shop's status</th>\
                 <th class=\"n\">Duration</th><th>Error</th></tr>",
            );
            for (number, attempt) in notification.attempts.iter().enumerate() {
                attempt_row(body, number + 1, attempt);
            }
            body.push_str("</table>");
        }
        body.push_str("</div>");
    }
    body.push_str("</section>");
}

fn attempt_row(body: &mut String, number: usize, attempt: &Attempt) {
    let status = attempt.status.map_or_else(
        || "<td class=\"status\">&mdash;</td>".to_owned(),
        |status| format!("<td class=\"status s{}\">{status}</td>", status / 100),
    );
    let _ = write!(
        body,
        "<tr class=\"attempt\"><td>{number}</td><td>{}</td>{status}<td class=\"n\">{}</td>\
         <td>{}</td></tr>",
        escape(attempt.at.as_deref().unwrap_or("—")),
        attempt
            .duration_ms
            .map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms")),
        escape(attempt.error.as_deref().unwrap_or("")),
    );
}

/// `/_simulator/ui/requests`: the newest exchanges of `total`.
pub(super) fn requests(exchanges: &[LoggedExchange], total: usize) -> String {
    let mut body = format!(
        "<section><h1>Request log</h1><p class=\"muted\">{total} request{} recorded, newest \
         first{}. Requests to <code>/_simulator/</code> are not recorded. As JSON: \
         <a href=\"/_simulator/requests\">/_simulator/requests</a>.</p>",
        if total == 1 { "" } else { "s" },
        if total > SHOWN {
            format!("; the newest {SHOWN} are shown")
        } else {
            String::new()
        },
    );
    for exchange in exchanges {
        exchange_details(&mut body, exchange);
    }
    body.push_str("</section>");
    document("Request log", &body)
}

/// How many characters of a body a page shows; the JSON has the rest.
const SHOWN_BODY: usize = 16 * 1024;

/// One exchange: method, path and status; opened, the headers and both bodies.
fn exchange_details(body: &mut String, exchange: &LoggedExchange) {
    let request = &exchange.request;
    let status = exchange.answer.as_ref().map_or_else(
        || "<span class=\"status\">no answer</span>".to_owned(),
        |answer| {
            format!(
                "<span class=\"status s{}\">{}</span>",
                answer.status / 100,
                answer.status
            )
        },
    );
    let _ = write!(
        body,
        "<details class=\"exchange\"><summary><span class=\"method\">{}</span>\
         <code class=\"path\">{}</code>{status}</summary><div class=\"cols\"><div>\
         <h3>Request</h3><table class=\"grid\">",
        escape(&request.method),
        escape(&request.path),
    );
    for (name, value) in &request.headers {
        let _ = write!(
            body,
            "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
            escape(name),
            escape(&shown_header(name, value)),
        );
    }
    body.push_str("</table>");
    body_block(body, &request.body, request.body_truncated);
    body.push_str("</div><div><h3>Answer</h3>");
    match &exchange.answer {
        Some(answer) => {
            if !answer.content_type.is_empty() {
                let _ = write!(
                    body,
                    "<p class=\"muted\"><code>{}</code></p>",
                    escape(answer.content_type)
                );
            }
            body_block(body, &answer.body, exchange.answer_truncated);
        }
        None => body.push_str("<p class=\"muted\">None recorded.</p>"),
    }
    body.push_str("</div></div></details>");
}

/// A body as text (JSON indented), cut at [`SHOWN_BODY`] characters; `cut` says it was
/// already cut in the log.
fn body_block(body: &mut String, bytes: &[u8], cut: bool) {
    if bytes.is_empty() {
        body.push_str("<p class=\"muted\">No body.</p>");
        return;
    }
    let text = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|json| serde_json::to_string_pretty(&json).ok())
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned());
    let mut chars = text.char_indices();
    let shown = match chars.nth(SHOWN_BODY) {
        Some((end, _)) => &text[..end],
        None => text.as_str(),
    };
    let note = if cut || shown.len() < text.len() {
        "<p class=\"muted\">Cut: the whole body is longer.</p>"
    } else {
        ""
    };
    let _ = write!(body, "<pre>{}</pre>{note}", escape(shown));
}

/// The body of a 303 to `target` on the dashboard, for clients that do not follow it.
pub(super) fn moved(target: &str) -> String {
    let target = escape(target);
    document(
        "Moved",
        &format!("<section><p>See <a href=\"{target}\">{target}</a>.</p></section>"),
    )
}

/// A dashboard path that does not exist, or a payment the simulator does not have.
pub(super) fn not_found() -> Reply {
    Reply::html(
        404,
        document(
            "Not found",
            "<section><h1>Not found</h1><p>No such payment or page. \
             <a href=\"/_simulator/\">All payments</a>.</p></section>",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_indented_escaped_and_cut() {
        let mut out = String::new();
        body_block(&mut out, br#"{"order_number":"<script>"}"#, false);
        assert!(out.contains("&quot;order_number&quot;: &quot;&lt;script&gt;&quot;"));
        assert!(!out.contains("Cut"));
        let mut long = String::new();
        body_block(&mut long, "ž".repeat(SHOWN_BODY + 1).as_bytes(), false);
        assert!(long.contains("Cut") && long.contains(&"ž".repeat(SHOWN_BODY)));
        assert!(!long.contains(&"ž".repeat(SHOWN_BODY + 1)));
        let mut marked = String::new();
        body_block(&mut marked, b"abc", true);
        assert!(marked.contains("Cut"));
    }

    #[test]
    fn times_are_shown_to_the_second() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123);
        assert_eq!(time(at), "2023-11-14 22:13:20");
    }
}
