//! The customer's side of the simulated gateway: the payment page at `gw_url`, its pay and
//! cancel actions with the 303 back to the shop, the inline-gateway script and the
//! instruments' images; API v4's page behind its `gw_url` ([`v4_checkout`]), its 3DS
//! challenge page ([`challenge`]) and its card form behind `card_form_url` ([`card_form`]).

mod assets;
pub(crate) mod card_form;
pub(crate) mod challenge;
mod html;
mod memory;
pub(crate) mod v4_checkout;

use gopay::{Item, PaymentInstrument, PaymentState};

use crate::gateway::customer;
use crate::gateway::form;
use crate::gateway::responses::Reply;
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;
use crate::state::store::Record;

pub(crate) use assets::{embed_js, image};
pub(crate) use html::{escape, frame, money};
pub(crate) use memory::PageTokens;

/// The path of a page's actions under `gw_url`: `/gw/v3/{key}/act`.
pub(crate) const ACTION: &str = "act";

/// What the page shows of one payment, copied out of the store so no lock is held while
/// rendering.
struct View {
    id: u64,
    key: String,
    order_number: String,
    amount: i64,
    currency: String,
    state: PaymentState,
    preauthorized: bool,
    items: Vec<Item>,
    instruments: Vec<PaymentInstrument>,
    selected: Option<PaymentInstrument>,
}

impl View {
    fn of(shared: &Shared, key: &str, record: &Record) -> View {
        let payment = &record.payment;
        let preauthorized = record.is_preauthorized();
        let payer = payment.payer.as_ref();
        let mut instruments = payer
            .map(|p| p.allowed_payment_instruments.clone())
            .unwrap_or_default();
        if instruments.is_empty() {
            instruments =
                crate::gateway::catalog::instruments(&shared.settings.origin, &record.currency)
                    .enabled_payment_instruments
                    .into_iter()
                    .map(|method| method.payment_instrument)
                    .collect();
        }
        if preauthorized {
            // GoPay pre-authorises card payments only.
            instruments.retain(|i| *i == PaymentInstrument::PaymentCard);
        }
        let selected = payment
            .payment_instrument
            .clone()
            .or_else(|| payer.and_then(|p| p.default_payment_instrument.clone()));
        View {
            id: payment.id,
            key: key.to_owned(),
            order_number: payment.order_number.clone().unwrap_or_default(),
            amount: record.amount,
            currency: record.currency.to_string(),
            state: record.state(),
            preauthorized,
            items: record.items.clone(),
            instruments,
            selected,
        }
    }

    /// Whether the customer can still pay or cancel.
    fn open(&self) -> bool {
        matches!(
            self.state,
            PaymentState::Created | PaymentState::PaymentMethodChosen
        )
    }
}

/// `GET` or `POST /gw/v3/{key}`: the payment page. Opening it changes nothing.
pub(crate) fn show(shared: &Shared, key: &str) -> Reply {
    let view = {
        let store = shared.store.lock();
        match store.by_gateway_key(key) {
            Some(record) => View::of(shared, key, record),
            None => return html::not_found(),
        }
    };
    // A fresh one-time token per render: only a form this page rendered can act.
    let token = if view.open() {
        Some(shared.page_tokens.lock().issue(&shared.random, key))
    } else {
        None
    };
    Reply::html(200, html::page(&view, token.as_deref(), None))
}

/// `POST /gw/v3/{key}/act`: the page's pay or cancel button.
pub(crate) fn act(shared: &Shared, key: &str, request: &RecordedRequest) -> Reply {
    let Some(fields) = form::parse(&request.body) else {
        return html::message(400, "Bad request", "The form could not be read.");
    };
    let id = match shared.store.lock().by_gateway_key(key) {
        Some(record) => record.payment.id,
        None => return html::not_found(),
    };
    let token = form::get(&fields, "token").unwrap_or_default();
    if !shared.page_tokens.lock().redeem(key, token) {
        return html::expired(key);
    }
    let outcome = match form::get(&fields, "action") {
        Some("pay") => {
            let instrument = form::get(&fields, "payment_instrument")
                .filter(|text| !text.is_empty())
                .map(|text| {
                    text.parse::<PaymentInstrument>()
                        .unwrap_or_else(|e| match e {})
                });
            let choice = customer::Choice {
                instrument,
                swift: None,
                bnpl_type: None,
            };
            customer::pay_as(&mut shared.store.lock(), &shared.random, id, &choice, false)
        }
        Some("cancel") => customer::cancel(&mut shared.store.lock(), id),
        _ => return html::message(400, "Bad request", "Unknown action."),
    };
    let (view, return_url) = {
        let store = shared.store.lock();
        match store.by_gateway_key(key) {
            Some(record) => (View::of(shared, key, record), record.return_url.clone()),
            None => return html::not_found(),
        }
    };
    match outcome {
        Ok(notices) => {
            shared.notifier.send(notices);
            match return_url {
                Some(url) => {
                    let target = return_target(&url, id);
                    Reply::see_other(target.clone(), html::redirect(&target))
                }
                // A payment created without a callback: show where it ended.
                None => Reply::html(200, html::page(&view, None, None)),
            }
        }
        Err(error) => {
            let token = view
                .open()
                .then(|| shared.page_tokens.lock().issue(&shared.random, key));
            Reply::html(
                409,
                html::page(&view, token.as_deref(), Some(&refusal_text(&error))),
            )
        }
    }
}

/// What the page says when the customer's action is refused.
fn refusal_text(denied: &customer::Denied) -> String {
    match denied {
        customer::Denied::Unknown(id) => format!("Payment {id} does not exist."),
        customer::Denied::Refused { message, .. } => message.clone(),
    }
}

/// `return_url` with `id={id}` added to its query (before any fragment), as GoPay sends the
/// customer back, made a valid header value ([`header_safe`]).
fn return_target(return_url: &str, id: u64) -> String {
    let (base, fragment) = match return_url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (return_url, None),
    };
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut target = format!("{base}{separator}id={id}");
    if let Some(fragment) = fragment {
        target.push('#');
        target.push_str(fragment);
    }
    header_safe(&target)
}

/// `target` with control characters, spaces and non-ASCII characters percent-encoded (as
/// UTF-8), so that a shop's URL is a valid `Location` header and cannot add a header.
pub(crate) fn header_safe(target: &str) -> String {
    let mut safe = String::with_capacity(target.len());
    for c in target.chars() {
        if c.is_control() || c == ' ' || !c.is_ascii() {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                safe.push_str(&format!("%{byte:02X}"));
            }
        } else {
            safe.push(c);
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_target_keeps_the_query_and_fragment() {
        assert_eq!(
            return_target("https://shop.test/r", 7),
            "https://shop.test/r?id=7"
        );
        assert_eq!(
            return_target("https://shop.test/r?a=1", 7),
            "https://shop.test/r?a=1&id=7"
        );
        assert_eq!(
            return_target("https://shop.test/r?", 7),
            "https://shop.test/r?id=7"
        );
        assert_eq!(
            return_target("https://shop.test/r?a=1#top", 7),
            "https://shop.test/r?a=1&id=7#top"
        );
        assert_eq!(
            return_target("https://shop.test/a b\r\nX: y", 7),
            "https://shop.test/a%20b%0D%0AX:%20y?id=7"
        );
        assert_eq!(
            return_target("https://shop.test/ž", 7),
            "https://shop.test/%C5%BE?id=7"
        );
    }
}
