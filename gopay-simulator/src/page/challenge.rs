//! The simulated 3DS challenge of API v4: the page a charge's `action.redirect_url` opens,
//! with an approve and a decline button, and the 303 back to the shop's return URL. Its
//! form carries a one-time token as the customer page's does, so a page of another site
//! cannot answer a challenge by posting a form.

use std::time::SystemTime;

use crate::gateway::form;
use crate::gateway::responses::Reply;
use crate::gateway::v4::notices;
use crate::gateway::v4::state::{Payment, V4State};
use crate::page::html::{frame, message, redirect};
use crate::page::{escape, header_safe, money};
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;

/// `GET /gw/v4/3ds/{payment}`: the challenge, or a message when none is waiting.
pub(crate) fn page(shared: &Shared, payment: &str) -> Reply {
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    let Some(payment) = settled_payment(&mut v4, payment, now) else {
        return no_such_page();
    };
    let waiting = payment
        .charge
        .as_ref()
        .is_some_and(|c| c.state == "ACTION_REQUIRED");
    if !waiting {
        return message(
            409,
            "No challenge waiting",
            "This payment has no 3-D Secure challenge waiting.",
        );
    }
    let body = format!(
        "<section><h1>3-D Secure</h1><p>Order {}: {}</p>\
         <p>Your bank asks you to confirm this payment.</p>\
         <form method=\"post\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
         <button id=\"approve\" name=\"decision\" value=\"approve\">Approve</button> \
         <button id=\"decline\" name=\"decision\" value=\"decline\">Decline</button>\
         </form></section>",
        escape(&payment.order_number),
        money(payment.amount, &payment.currency),
        shared
            .page_tokens
            .lock()
            .issue(&shared.random, &form_key(&payment.id)),
    );
    Reply::html(
        200,
        frame(
            "GoPay – 3-D Secure",
            "",
            "<small>simulated bank</small>",
            &body,
        ),
    )
}

/// `POST /gw/v4/3ds/{payment}` with `decision=approve|decline`: answers the challenge and
/// sends the customer back to the shop (303).
pub(crate) fn act(shared: &Shared, payment: &str, request: &RecordedRequest) -> Reply {
    let fields = form::parse(&request.body).unwrap_or_default();
    let approved = match form::get(&fields, "decision") {
        Some("approve") => true,
        Some("decline") => false,
        _ => return message(400, "Unknown decision", "Approve or decline the payment."),
    };
    let token = form::get(&fields, "token").unwrap_or_default();
    if !shared.page_tokens.lock().redeem(&form_key(payment), token) {
        return message(
            403,
            "Form expired",
            "This form was already used or does not come from this page: open the 3-D Secure \
             page again.",
        );
    }
    let now = shared.store.lock().now();
    let mut v4 = notices::lock(shared);
    let Some(payment) = settled_payment(&mut v4, payment, now) else {
        return no_such_page();
    };
    if let Err(error) = payment.authenticate(approved, now) {
        return message(409, "No challenge waiting", &error.detail);
    }
    let target = header_safe(&payment.return_target());
    Reply::see_other(target.clone(), redirect(&target))
}

/// The payment `id` after settling what is due by `now`.
fn settled_payment<'a>(v4: &'a mut V4State, id: &str, now: SystemTime) -> Option<&'a mut Payment> {
    v4.settle(now);
    v4.payments.get_mut(id)
}

fn no_such_page() -> Reply {
    message(
        404,
        "No such payment",
        "This 3-D Secure page does not exist.",
    )
}

/// The key the page's one-time form tokens are issued for (apart from v3's gateway keys).
fn form_key(payment: &str) -> String {
    format!("v4-3ds:{payment}")
}
