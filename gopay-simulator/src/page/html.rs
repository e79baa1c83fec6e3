//! The HTML of the customer page: plain forms that work without JavaScript, every
//! shop-supplied string escaped.

use std::fmt::Write as _;

use gopay::{PaymentInstrument, PaymentState};

use super::{View, ACTION};
use crate::gateway::documents::major_units;

/// Shared look of every page.
const STYLE: &str = "\
body{margin:0;background:#eef1f5;font:16px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2530}\
main{max-width:30rem;margin:2.5rem auto;background:#fff;border-radius:12px;box-shadow:0 4px 18px rgba(0,0,0,.09);overflow:hidden}\
header{background:#1a4d8f;color:#fff;padding:1rem 1.5rem;display:flex;justify-content:space-between;align-items:center}\
header b{font-size:1.15rem;letter-spacing:.02em}header small{opacity:.8}\
section{padding:1.25rem 1.5rem}\
.amount{font-size:2rem;font-weight:700;margin:.1rem 0 .6rem}\
.muted{color:#5b6675;font-size:.9rem}\
table{width:100%;border-collapse:collapse;margin:.5rem 0 0}td{padding:.35rem 0;border-top:1px solid #e6e9ee}\
td.n{text-align:right;white-space:nowrap}\
label{display:block;font-weight:600;margin:.4rem 0}\
select{width:100%;padding:.55rem;font-size:1rem;border:1px solid #b8c0cc;border-radius:8px;background:#fff}\
.instruments{display:flex;flex-wrap:wrap;gap:.4rem;margin:.6rem 0 0}.instruments img{height:28px;border-radius:4px}\
.buttons{display:flex;gap:.75rem;margin-top:1.25rem}\
button{flex:1;padding:.75rem;font-size:1rem;font-weight:600;border-radius:8px;border:0;cursor:pointer}\
#pay{background:#1e8e3e;color:#fff}#cancel{background:#e9ecf1;color:#1d2530}\
.state{font-size:1.2rem;font-weight:700;padding:.75rem 1rem;border-radius:8px;background:#e9ecf1}\
.state.PAID,.state.AUTHORIZED{background:#e3f4e8;color:#14632b}\
.state.CANCELED,.state.TIMEOUTED{background:#fbe9e9;color:#8a1f1f}\
.error{background:#fdf1dc;color:#7a4b00;padding:.6rem .8rem;border-radius:8px}";

/// Text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn document(title: &str, body: &str) -> String {
    frame(title, "", "<small>simulated gateway</small>", body)
}

/// A whole page in the gateway's look: `title` (escaped here), the shared style followed by
/// `style`, a header with GoPay's name and then `header`, and `body` in `<main>`. `style`,
/// `header` and `body` are HTML the caller has already escaped.
pub(crate) fn frame(title: &str, style: &str, header: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}{style}</style></head>\
         <body><main><header><b>GoPay</b>{header}</header>{body}</main></body></html>\n",
        escape(title)
    )
}

/// The name the page shows for a method.
fn label(instrument: &PaymentInstrument) -> &str {
    use PaymentInstrument as P;
    match instrument {
        P::PaymentCard => "Payment card",
        P::BankAccount => "Bank transfer",
        P::Gopay => "GoPay account",
        P::Gpay => "Google Pay",
        P::ApplePay => "Apple Pay",
        P::Paypal => "PayPal",
        P::Twisto => "Twisto",
        P::Skippay => "Skip Pay",
        other => other.as_str(),
    }
}

/// `amount` (hundredths) in major units with its currency, escaped.
pub(crate) fn money(amount: i64, currency: &str) -> String {
    format!("{} {}", major_units(amount), escape(currency))
}

/// The payment page: order, amount, items, and either the instrument choice with the pay
/// and cancel buttons (`token` given) or the payment's state. `error` explains a refused
/// action.
pub(crate) fn page(view: &View, token: Option<&str>, error: Option<&str>) -> String {
    let mut body = String::from("<section>");
    let _ = write!(
        body,
        "<div class=\"muted\">Order <span id=\"order\">{}</span> &middot; payment {}</div>\
         <div class=\"amount\" id=\"amount\">{}</div>",
        escape(&view.order_number),
        view.id,
        money(view.amount, &view.currency),
    );
    if !view.items.is_empty() {
        body.push_str("<table id=\"items\">");
        for item in &view.items {
            let _ = write!(
                body,
                "<tr><td>{}</td><td class=\"n\">{}&times;</td><td class=\"n\">{}</td></tr>",
                escape(&item.name),
                item.count.unwrap_or(1),
                money(item.amount, &view.currency),
            );
        }
        body.push_str("</table>");
    }
    body.push_str("</section><section>");
    if let Some(error) = error {
        let _ = write!(
            body,
            "<p class=\"error\" id=\"error\">{}</p>",
            escape(error)
        );
    }
    match token {
        Some(token) if view.open() => choice(&mut body, view, token),
        _ => {
            let state = view.state.as_str();
            let _ = write!(
                body,
                "<p class=\"state {state}\" id=\"state\">{}</p><p class=\"muted\">State {state}.</p>",
                state_text(&view.state),
            );
        }
    }
    body.push_str("</section>");
    document(&format!("GoPay – order {}", view.order_number), &body)
}

fn choice(body: &mut String, view: &View, token: &str) {
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/gw/v3/{}/{ACTION}\">\
         <input type=\"hidden\" name=\"token\" value=\"{}\">\
         <label for=\"payment_instrument\">Payment method</label>\
         <select id=\"payment_instrument\" name=\"payment_instrument\">",
        escape(&view.key),
        escape(token),
    );
    for instrument in &view.instruments {
        let selected = if view.selected.as_ref() == Some(instrument) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            body,
            "<option value=\"{}\"{selected}>{}</option>",
            escape(instrument.as_str()),
            escape(label(instrument)),
        );
    }
    body.push_str("</select><div class=\"instruments\">");
    for instrument in &view.instruments {
        let name = instrument.as_str().to_ascii_lowercase();
        let _ = write!(
            body,
            "<img src=\"/images/checkout/{}.png\" alt=\"{}\" width=\"56\" height=\"28\">",
            escape(&name),
            escape(label(instrument)),
        );
    }
    let pay = if view.preauthorized {
        "Authorise"
    } else {
        "Pay"
    };
    let _ = write!(
        body,
        "</div><div class=\"buttons\">\
         <button type=\"submit\" id=\"pay\" name=\"action\" value=\"pay\">{pay} {}</button>\
         <button type=\"submit\" id=\"cancel\" name=\"action\" value=\"cancel\">Cancel</button>\
         </div></form>",
        money(view.amount, &view.currency),
    );
}

fn state_text(state: &PaymentState) -> &'static str {
    match state {
        PaymentState::Paid => "Paid",
        PaymentState::Authorized => "Authorised",
        PaymentState::Canceled => "Canceled",
        PaymentState::Timeouted => "Expired",
        PaymentState::Refunded => "Refunded",
        PaymentState::PartiallyRefunded => "Partially refunded",
        _ => "Cannot be paid",
    }
}

/// The body of the 303 back to the shop, for clients that do not follow it.
pub(crate) fn redirect(target: &str) -> String {
    let target = escape(target);
    document(
        "GoPay – back to the shop",
        &format!("<section><p>Back to the shop: <a href=\"{target}\">{target}</a></p></section>"),
    )
}

/// A page with one message.
pub(crate) fn message(status: u16, title: &str, text: &str) -> super::Reply {
    super::Reply::html(
        status,
        document(
            title,
            &format!(
                "<section><h1>{}</h1><p>{}</p></section>",
                escape(title),
                escape(text)
            ),
        ),
    )
}

/// No payment has this gateway key.
pub(crate) fn not_found() -> super::Reply {
    message(404, "No such payment", "This payment page does not exist.")
}

/// A form without a valid one-time token: a replay, or a form from elsewhere.
pub(crate) fn expired(key: &str) -> super::Reply {
    super::Reply::html(
        403,
        document(
            "Form expired",
            &format!(
                "<section><h1>Form expired</h1><p>This form was already used or did not come \
                 from this page. <a href=\"/gw/v3/{}\">Open the payment again</a>.</p></section>",
                escape(key)
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
