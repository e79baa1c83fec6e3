//! The shop's HTML: a few small pages, no JavaScript, every inserted value escaped.

use axum::response::Html;

use crate::money::format_minor_units;
use crate::store::{Order, OrderStatus};

/// The product page with its "Pay" form.
pub fn home() -> Html<String> {
    let total = format_minor_units(crate::PRODUCT_PRICE + crate::DELIVERY_PRICE);
    let currency = crate::CURRENCY.as_str();
    page(
        "GoPay shop",
        &format!(
            "<h1>{name}</h1>\n\
             <p>{name}: {price} {currency}, delivery: {delivery} {currency}.</p>\n\
             <form method=\"post\" action=\"/orders\">\n\
             <label>E-mail <input type=\"email\" name=\"email\" required></label>\n\
             <button type=\"submit\">Pay {total} {currency}</button>\n\
             </form>",
            name = escape(crate::PRODUCT_NAME),
            price = format_minor_units(crate::PRODUCT_PRICE),
            delivery = format_minor_units(crate::DELIVERY_PRICE),
        ),
    )
}

/// What the customer sees on coming back from the gateway.
pub fn order(order: &Order) -> Html<String> {
    let said = match order.status {
        OrderStatus::Paid => "paid",
        OrderStatus::AwaitingPayment => "not paid yet",
        OrderStatus::Canceled => "canceled",
        OrderStatus::PartiallyRefunded => "paid, partly refunded",
        OrderStatus::Refunded => "refunded",
    };
    page(
        "Your order",
        &format!(
            "<h1>Order {number}</h1>\n<p id=\"status\">Your order is {said}.</p>\n\
             <p>{amount} {currency}</p>",
            number = escape(&order.number),
            amount = format_minor_units(order.amount),
            currency = escape(order.currency.as_str()),
        ),
    )
}

/// The administrator's view after a refund: what happened and GoPay's refund history.
pub fn refund(order: &Order, outcome: &str, history: &[gopay::Refund]) -> Html<String> {
    let rows: String = history
        .iter()
        .map(|refund| {
            format!(
                "<li>refund {id}: {amount} {state}</li>\n",
                id = refund.id,
                amount = format_minor_units(refund.amount),
                state = escape(refund.state.as_str()),
            )
        })
        .collect();
    page(
        "Refund",
        &format!(
            "<h1>Order {number}</h1>\n<p id=\"outcome\">{outcome}</p>\n\
             <p>Refunded so far: {refunded} {currency}</p>\n<ul id=\"refunds\">\n{rows}</ul>",
            number = escape(&order.number),
            outcome = escape(outcome),
            refunded = format_minor_units(order.refunded),
            currency = escape(order.currency.as_str()),
        ),
    )
}

/// A page that explains a failure in one sentence.
pub fn message(title: &str, text: &str) -> Html<String> {
    page(
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>", escape(title), escape(text)),
    )
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body>\n{body}\n</body>\n</html>\n",
        escape(title)
    ))
}

/// `text` safe to put in HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        let Html(html) = message("Oops", "<script>");
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    }

    #[test]
    fn the_home_page_offers_to_pay_the_total() {
        let Html(html) = home();
        assert!(html.contains("Pay 150.00 CZK"), "{html}");
        assert!(html.contains("action=\"/orders\""));
    }
}
