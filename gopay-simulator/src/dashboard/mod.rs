//! The dashboard a developer opens in a browser: `/_simulator/` lists the payments,
//! `/_simulator/ui/payments/{id}` shows one (as GoPay answers it, the request the shop sent,
//! its refunds, notifications and exchanges) with the customer's and the notification's
//! actions as buttons, and `/_simulator/ui/requests` shows the request log. Plain HTML
//! without JavaScript. Each button is a POST form that runs the same operation as the
//! control API ([`ops`]) and redirects back (303); the control API's origin rule guards it.

mod exchanges;
mod html;
mod notifications;
mod view;

use gopay::PaymentInstrument;

use crate::control::ops;
use crate::gateway::customer::{Choice, Denied};
use crate::gateway::responses::Reply;
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;

/// Where one payment's page lives; its actions are under it.
const PAYMENT_PAGE: &str = "/_simulator/ui/payments";

/// What a button on a payment's page does; each is the control API's operation of the same
/// name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Pay,
    Authorize,
    Cancel,
    Expire,
    Notify,
}

impl Action {
    const ALL: [Action; 5] = [
        Action::Pay,
        Action::Authorize,
        Action::Cancel,
        Action::Expire,
        Action::Notify,
    ];

    /// The last segment of its path, and the end of its button's id (`action-{name}`).
    fn name(self) -> &'static str {
        match self {
            Action::Pay => "pay",
            Action::Authorize => "authorize",
            Action::Cancel => "cancel",
            Action::Expire => "expire",
            Action::Notify => "notify",
        }
    }

    fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.name() == name)
    }

    /// Runs it on payment `id`.
    fn run(self, shared: &Shared, id: u64) -> Result<(), Denied> {
        let card = Choice {
            instrument: Some(PaymentInstrument::PaymentCard),
            ..Choice::default()
        };
        match self {
            Action::Pay => ops::pay(shared, id, &Choice::default(), false).map(drop),
            // As the control API's `authorize`: by card, pre-authorised payments only.
            Action::Authorize => ops::pay(shared, id, &card, true).map(drop),
            Action::Cancel => ops::cancel(shared, id).map(drop),
            Action::Expire => ops::expire(shared, id).map(drop),
            Action::Notify => ops::notify(shared, id).map(drop),
        }
    }
}

/// Answers `request` when it is one of the dashboard's; `segments` is its path after
/// `/_simulator`. `None` leaves it to the control API.
pub(crate) fn answer(
    shared: &Shared,
    request: &RecordedRequest,
    segments: &[&str],
) -> Option<Reply> {
    let reply = match (request.method.as_str(), segments) {
        ("GET", []) => Reply::html(
            200,
            html::list(&view::rows(shared), &notifications::shown(shared)),
        ),
        ("GET", ["ui"]) => Reply::see_other("/_simulator/".to_owned(), html::moved("/_simulator/")),
        ("GET", ["ui", "requests"]) => {
            let (shown, total) = exchanges::newest(shared);
            Reply::html(200, html::requests(&shown, total))
        }
        ("GET", ["ui", "payments", id]) => match payment_id(id) {
            Some(id) => payment_page(shared, id, 200, None),
            None => html::not_found(),
        },
        ("POST", ["ui", "payments", id, action]) => match (payment_id(id), Action::parse(action)) {
            (Some(id), Some(action)) => act(shared, id, action),
            _ => html::not_found(),
        },
        (_, ["ui", ..]) => html::not_found(),
        _ => return None,
    };
    Some(reply)
}

/// A payment id as the path spells it: digits only, not zero.
fn payment_id(text: &str) -> Option<u64> {
    text.parse::<u64>()
        .ok()
        .filter(|id| *id > 0 && text.bytes().all(|b| b.is_ascii_digit()))
}

/// The page of payment `id`, with `error` saying why an action was refused.
fn payment_page(shared: &Shared, id: u64, status: u16, error: Option<&str>) -> Reply {
    let Some(detail) = view::detail(shared, id) else {
        return html::not_found();
    };
    let notifications: Vec<_> = notifications::shown(shared)
        .into_iter()
        .filter(|notification| notification.payment_id == id)
        .collect();
    let exchanges = exchanges::of_payment(shared, id, detail.gateway_key.as_deref());
    Reply::html(
        status,
        html::payment(&detail, &notifications, &exchanges, error),
    )
}

/// A button's POST: the operation, then 303 back to the payment's page; a refused action
/// shows the page again (409) with the reason.
fn act(shared: &Shared, id: u64, action: Action) -> Reply {
    match action.run(shared, id) {
        Ok(()) => {
            let page = format!("{PAYMENT_PAGE}/{id}");
            let body = html::moved(&page);
            Reply::see_other(page, body)
        }
        Err(Denied::Unknown(_)) => html::not_found(),
        Err(Denied::Refused { message, .. }) => payment_page(shared, id, 409, Some(&message)),
    }
}
