//! The dashboard a developer opens in a browser: `/_simulator/` lists the payments of both
//! APIs, `/_simulator/ui/payments/{id}` shows one (as GoPay answers it; for v3 the request
//! the shop sent, its refunds, notifications and exchanges; for v4 its charge with the 3-D
//! Secure action, refunds and exchanges) with the customer's and the notification's actions
//! as buttons, and `/_simulator/ui/requests` shows the request log. Plain HTML without
//! JavaScript. Each button is a POST form that runs the same operation as the control API
//! ([`ops`], or v4's control actions) and redirects back (303); the control API's host rule
//! (no page re-pointing its domain at the simulator reads it) and origin rule (no other
//! site's page presses its buttons) guard it.

mod exchanges;
mod html;
mod notifications;
mod v4;
mod v4_html;
mod view;

use gopay::PaymentInstrument;

use crate::control::ops;
use crate::gateway::customer::{Choice, Denied};
use crate::gateway::responses::Reply;
use crate::gateway::v4::control::perform;
use crate::gateway::v4::errors::V4Error;
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
    /// The customer approves a v4 payment's waiting 3-D Secure challenge.
    Approve,
    /// The customer declines it.
    Decline,
}

impl Action {
    const ALL: [Action; 7] = [
        Action::Pay,
        Action::Authorize,
        Action::Cancel,
        Action::Expire,
        Action::Notify,
        Action::Approve,
        Action::Decline,
    ];

    /// The last segment of its path, and the end of its button's id (`action-{name}`).
    fn name(self) -> &'static str {
        match self {
            Action::Pay => "pay",
            Action::Authorize => "authorize",
            Action::Cancel => "cancel",
            Action::Expire => "expire",
            Action::Notify => "notify",
            Action::Approve => "approve",
            Action::Decline => "decline",
        }
    }

    fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.name() == name)
    }

    /// Runs it on v3 payment `id`.
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
            Action::Approve | Action::Decline => Err(Denied::refused(
                "state",
                "a 3-D Secure challenge belongs to a v4 payment's charge".to_owned(),
            )),
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
            html::list(
                &view::rows(shared),
                &notifications::shown(shared),
                &notifications::dropped(shared),
            ),
        ),
        ("GET", ["ui"]) => Reply::see_other("/_simulator/".to_owned(), html::moved("/_simulator/")),
        ("GET", ["ui", "requests"]) => {
            let (shown, total) = exchanges::newest(shared);
            Reply::html(200, html::requests(&shown, total))
        }
        // A v4 payment first, as the control API looks them up.
        ("GET", ["ui", "payments", id]) => match (v4_page(shared, id, 200, None), payment_id(id)) {
            (Some(page), _) => page,
            (None, Some(id)) => payment_page(shared, id, 200, None),
            (None, None) => html::not_found(),
        },
        ("POST", ["ui", "payments", id, action]) => match Action::parse(action) {
            Some(action) => match perform(shared, id, action.name()) {
                Some(done) => v4_act(shared, id, done),
                None => match payment_id(id) {
                    Some(id) => act(shared, id, action),
                    None => html::not_found(),
                },
            },
            None => html::not_found(),
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
    let id_text = id.to_string();
    let exchanges = exchanges::of_payment(
        shared,
        &exchanges::About {
            id: &id_text,
            related: &[],
            gateway_key: detail.gateway_key.as_deref(),
        },
    );
    Reply::html(
        status,
        html::payment(
            &detail,
            (&notifications, &notifications::dropped(shared)),
            &exchanges,
            error,
        ),
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

/// The page of v4 payment `id`, with `error` saying why an action was refused; `None` when
/// the simulator has no such v4 payment.
fn v4_page(shared: &Shared, id: &str, status: u16, error: Option<&str>) -> Option<Reply> {
    let detail = v4::detail(shared, id)?;
    let refunds: Vec<String> = detail.refunds.iter().map(|r| r.id.clone()).collect();
    let exchanges = exchanges::of_payment(
        shared,
        &exchanges::About {
            id,
            related: &refunds,
            gateway_key: None,
        },
    );
    Some(Reply::html(
        status,
        v4_html::payment(&detail, &exchanges, error),
    ))
}

/// A button's POST on v4 payment `id`, once run: 303 back to its page, or the page again
/// (409) with the reason it was refused.
fn v4_act(shared: &Shared, id: &str, done: Result<(), V4Error>) -> Reply {
    match done {
        Ok(()) => {
            let page = format!("{PAYMENT_PAGE}/{id}");
            let body = html::moved(&page);
            Reply::see_other(page, body)
        }
        Err(error) => v4_page(shared, id, 409, Some(&error.detail)).unwrap_or_else(html::not_found),
    }
}
