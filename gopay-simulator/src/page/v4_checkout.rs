//! The customer page behind API v4's `gw_url` (`/gw/v4/{id}`), GoPay's escape hatch beside
//! the API's own charge: the order and the amount, a button per test card (frictionless,
//! 3-D Secure challenge, declined) and one to cancel. Paying starts the charge
//! `POST /payments/{id}/charge` starts (one implementation); then the customer goes (303)
//! to the 3DS page for a challenge, else back to the payment's return URL, as GoPay sends
//! them. Its forms carry a one-time token as the v3 page's do, so a page of another site
//! cannot pay or cancel; a payment no longer waiting shows its state and takes no charge.

use std::fmt::Write as _;

use crate::gateway::form;
use crate::gateway::responses::Reply;
use crate::gateway::v4::cards::{self, CardToken};
use crate::gateway::v4::endpoints::{begin_charge, challenge_path};
use crate::gateway::v4::notices;
use crate::gateway::v4::state::Payment;
use crate::gateway::v4::{config, control};
use crate::page::html::{frame, message, redirect};
use crate::page::{escape, header_safe, money, ACTION};
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;

/// The page's own look besides the gateway's: one button per card, one under the other.
const STYLE: &str = "\
.cards{display:flex;flex-direction:column;gap:.6rem;margin-top:1rem}\
.cards button{flex:none;background:#1e8e3e;color:#fff;text-align:left}\
.cards button.declined{background:#8a1f1f}";

/// The card buttons: element id, test card, and what the customer reads.
const CARDS: [(&str, &str, &str); 3] = [
    (
        "pay-frictionless",
        config::FRICTIONLESS,
        "Visa •••• 0001: paid at once",
    ),
    (
        "pay-challenge",
        config::CHALLENGE,
        "Visa •••• 0002: 3-D Secure challenge",
    ),
    (
        "pay-declined",
        config::DECLINED,
        "Visa •••• 0003: declined by the bank",
    ),
];

/// What the page shows of a payment, copied out so no lock is held while rendering.
struct View {
    id: String,
    order_number: String,
    amount: i64,
    currency: String,
    state: &'static str,
    charge: Option<&'static str>,
    fail_reason: Option<String>,
}

impl View {
    fn of(payment: &Payment) -> View {
        let charge = payment.charge.as_ref();
        View {
            id: payment.id.clone(),
            order_number: payment.order_number.clone(),
            amount: payment.amount,
            currency: payment.currency.clone(),
            state: payment.state,
            charge: charge.map(|c| c.state),
            fail_reason: charge.and_then(|c| c.fail_reason.clone()),
        }
    }

    /// Whether the customer can still pay or cancel: waiting, with no charge under way.
    fn open(&self) -> bool {
        self.state == "CREATED" && matches!(self.charge, None | Some("FAILED"))
    }
}

/// `GET` or `POST /gw/v4/{id}`: the page. Opening it changes nothing (but settles what the
/// test clock made due, as every v4 request does).
pub(crate) fn show(shared: &Shared, id: &str) -> Reply {
    let Some(view) = view(shared, id) else {
        return not_found();
    };
    let token = view.open().then(|| {
        shared
            .page_tokens
            .lock()
            .issue(&shared.random, &form_key(id))
    });
    Reply::html(200, page(&view, token.as_deref(), None))
}

/// The payment `id` as the page shows it, after settling what is due.
fn view(shared: &Shared, id: &str) -> Option<View> {
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    v4.payments.get(id).map(View::of)
}

/// What a button asks for.
enum Choice {
    Pay(CardToken),
    Cancel,
}

/// `POST /gw/v4/{id}/act`: a card button or cancel, then 303 onwards; the page again with
/// the reason (409) when the payment no longer allows it.
pub(crate) fn act(shared: &Shared, id: &str, request: &RecordedRequest) -> Reply {
    let Some(fields) = form::parse(&request.body) else {
        return message(400, "Bad request", "The form could not be read.");
    };
    if !shared.v4.lock().payments.contains_key(id) {
        return not_found();
    }
    let token = form::get(&fields, "token").unwrap_or_default();
    if !shared.page_tokens.lock().redeem(&form_key(id), token) {
        return expired(id);
    }
    let choice = match (form::get(&fields, "action"), form::get(&fields, "card")) {
        (Some("cancel"), _) => Choice::Cancel,
        (_, Some(card)) => match cards::test_card(card) {
            Some(card) => Choice::Pay(card),
            None => return message(400, "Bad request", "Unknown card."),
        },
        _ => return message(400, "Bad request", "Unknown action."),
    };
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    v4.settle(now);
    let under_way = v4
        .payments
        .get(id)
        .is_some_and(|p| p.state == "CREATED" && !View::of(p).open());
    let outcome = match choice {
        // The page shows no buttons then; a form kept from before cannot cancel a charge
        // the bank is processing.
        _ if under_way => Err("A payment of this order is already under way.".to_owned()),
        Choice::Pay(card) => begin_charge(
            &mut v4,
            id,
            "CARD_TOKEN",
            card.behaviour,
            Some(card.masked_pan),
            &shared.settings.origin,
            now,
        )
        .map(drop)
        .map_err(|e| e.detail),
        Choice::Cancel => control::act(&mut v4, id, "cancel", now).map_err(|e| e.detail),
    };
    let Some(payment) = v4.payments.get(id) else {
        return not_found();
    };
    let view = View::of(payment);
    let onwards = onwards(shared, payment);
    drop(v4);
    match outcome {
        Ok(()) => {
            let target = header_safe(&onwards);
            Reply::see_other(target.clone(), redirect(&target))
        }
        Err(reason) => {
            let token = view.open().then(|| {
                shared
                    .page_tokens
                    .lock()
                    .issue(&shared.random, &form_key(id))
            });
            Reply::html(409, page(&view, token.as_deref(), Some(&reason)))
        }
    }
}

/// Where the customer goes once they acted: the 3DS page while a challenge waits, else the
/// return URL with `payment_id={id}` added (as from the 3DS page).
fn onwards(shared: &Shared, payment: &Payment) -> String {
    let challenge = payment
        .charge
        .as_ref()
        .is_some_and(|c| c.state == "ACTION_REQUIRED");
    if challenge {
        format!("{}{}", shared.settings.origin, challenge_path(&payment.id))
    } else {
        payment.return_target()
    }
}

/// The page: order, amount, and the card and cancel buttons (`token` given, the payment
/// open) or where the payment stands. `error` explains a refused action.
fn page(view: &View, token: Option<&str>, error: Option<&str>) -> String {
    let mut body = String::from("<section>");
    let _ = write!(
        body,
        "<div class=\"muted\">Order <span id=\"order\">{}</span> &middot; payment {}</div>\
         <div class=\"amount\" id=\"amount\">{}</div></section><section>",
        escape(&view.order_number),
        escape(&view.id),
        money(view.amount, &view.currency),
    );
    if let Some(error) = error {
        let _ = write!(
            body,
            "<p class=\"error\" id=\"error\">{}</p>",
            escape(error)
        );
    }
    match token {
        Some(token) if view.open() => buttons(&mut body, view, token),
        _ => standing(&mut body, view),
    }
    body.push_str("</section>");
    let title = format!("GoPay – order {}", view.order_number);
    frame(&title, STYLE, "<small>simulated gateway</small>", &body)
}

fn buttons(body: &mut String, view: &View, token: &str) {
    if view.charge == Some("FAILED") {
        let reason = view.fail_reason.as_deref().unwrap_or("declined");
        let _ = write!(
            body,
            "<p class=\"error\" id=\"failed\">The last attempt failed: {}. Try another card.</p>",
            escape(reason)
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/gw/v4/{}/{ACTION}\">\
         <input type=\"hidden\" name=\"token\" value=\"{}\">\
         <p class=\"muted\">Pay {} with a test card:</p><div class=\"cards\">",
        escape(&view.id),
        escape(token),
        money(view.amount, &view.currency),
    );
    for (element, card, label) in CARDS {
        let class = if card == config::DECLINED {
            " class=\"declined\""
        } else {
            ""
        };
        let _ = write!(
            body,
            "<button type=\"submit\" id=\"{element}\"{class} name=\"card\" value=\"{card}\">\
             {}</button>",
            escape(label)
        );
    }
    body.push_str(
        "<button type=\"submit\" id=\"cancel\" name=\"action\" value=\"cancel\">Cancel</button>\
         </div></form>",
    );
}

/// Where a payment that takes no button stands: a challenge to answer, a charge under way,
/// or its final state.
fn standing(body: &mut String, view: &View) {
    let (class, text) = match (view.state, view.charge) {
        ("CREATED", Some("ACTION_REQUIRED")) => {
            let _ = write!(
                body,
                "<p class=\"state\" id=\"state\">Your bank asks you to confirm the payment.</p>\
                 <p><a id=\"challenge\" href=\"{}\">Continue to 3-D Secure</a></p>",
                escape(&challenge_path(&view.id)),
            );
            return;
        }
        ("CREATED", _) => ("PROCESSING", "Being processed"),
        ("PAID", _) => ("PAID", "Paid"),
        ("CANCELED", _) => ("CANCELED", "Canceled"),
        ("TIMEOUTED", _) => ("TIMEOUTED", "Expired"),
        ("REFUNDED", _) => ("REFUNDED", "Refunded"),
        ("PARTIALLY_REFUNDED", _) => ("PARTIALLY_REFUNDED", "Partially refunded"),
        (other, _) => (other, "Cannot be paid"),
    };
    let _ = write!(
        body,
        "<p class=\"state {class}\" id=\"state\">{text}</p><p class=\"muted\">State {}.</p>",
        escape(view.state),
    );
}

fn not_found() -> Reply {
    message(404, "No such payment", "This payment page does not exist.")
}

/// A form without a valid one-time token: a replay, or a form from elsewhere.
fn expired(id: &str) -> Reply {
    Reply::html(
        403,
        frame(
            "Form expired",
            "",
            "<small>simulated gateway</small>",
            &format!(
                "<section><h1>Form expired</h1><p>This form was already used or did not come \
                 from this page. <a href=\"/gw/v4/{}\">Open the payment again</a>.</p></section>",
                escape(id)
            ),
        ),
    )
}

/// The key the page's one-time form tokens are issued for (apart from v3's gateway keys
/// and the 3DS page's).
fn form_key(payment: &str) -> String {
    format!("v4-page:{payment}")
}
