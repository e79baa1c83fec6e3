//! The operations behind both the control API and the matching [`Simulator`](crate::Simulator)
//! methods: each takes the shared state, acts under the locks it needs, and sends the
//! notifications after letting go of them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use gopay::{Card, Currency, Payment, PaymentState};

use crate::gateway::auth::Tokens;
use crate::gateway::customer::{self, Choice, Denied};
use crate::gateway::notify::{NotificationApi, NotificationRecord};
use crate::gateway::recurring;
use crate::gateway::v4::notices as v4_notices;
use crate::page::PageTokens;
use crate::server::record::LoggedExchange;
use crate::state::faults::Fault;
use crate::state::ids::NoRoom;
use crate::state::persist::{self, Saved};
use crate::state::shared::Shared;
use crate::state::store::{Record, Store};
use crate::Error;

/// The largest single step of the test clock (about a hundred years): far beyond any
/// timeout, and small enough for the platform's clock arithmetic.
pub(crate) const MAX_CLOCK_STEP: Duration = Duration::from_secs(100 * 365 * 86_400);

/// The payment as a status call would answer it.
fn current(store: &Store, id: u64) -> Result<Payment, Denied> {
    store
        .get(id)
        .map(|record| record.payment.clone())
        .map_err(|_| Denied::Unknown(id))
}

/// The customer pays (or, with `authorize_only`, authorises) as `choice` says.
pub(crate) fn pay(
    shared: &Shared,
    id: u64,
    choice: &Choice,
    authorize_only: bool,
) -> Result<Payment, Denied> {
    let (notices, payment) = {
        let mut store = shared.store.lock();
        let notices = customer::pay_as(&mut store, &shared.random, id, choice, authorize_only)?;
        (notices, current(&store, id)?)
    };
    shared.notifier.send(notices);
    Ok(payment)
}

/// The customer cancels on the gateway.
pub(crate) fn cancel(shared: &Shared, id: u64) -> Result<Payment, Denied> {
    let (notices, payment) = {
        let mut store = shared.store.lock();
        let notices = customer::cancel(&mut store, id)?;
        (notices, current(&store, id)?)
    };
    shared.notifier.send(notices);
    Ok(payment)
}

/// The payment times out before the customer pays.
pub(crate) fn expire(shared: &Shared, id: u64) -> Result<Payment, Denied> {
    let (notices, payment) = {
        let mut store = shared.store.lock();
        let notices = customer::expire(&mut store, id)?;
        (notices, current(&store, id)?)
    };
    shared.notifier.send(notices);
    Ok(payment)
}

/// GoPay charges the next payment of an automatic recurrence; returns the new child.
pub(crate) fn recur(shared: &Shared, id: u64) -> Result<Payment, Denied> {
    let (child, notices) = recurring::recur(&mut shared.store.lock(), id)?;
    shared.notifier.send(notices);
    Ok(child)
}

/// Moves the test clock `by` forward (at most [`MAX_CLOCK_STEP`]): tokens come closer to
/// their expiry, payments whose time runs out become TIMEOUTED and notify, API v4's charges
/// and refunds due by then settle and notify, and notification attempts fall due; returns
/// once the attempts due by then are made. Returns the ids of the payments that timed out:
/// v3's, then API v4's (v4 ids are strings).
pub(crate) fn advance_clock(shared: &Shared, by: Duration) -> (Vec<u64>, Vec<String>) {
    let by = by.min(MAX_CLOCK_STEP);
    shared.notifier.advance_clock(by);
    let (timed_out, notices) = {
        // Both clocks move under both locks, so that a save never sees them apart.
        let mut tokens = shared.tokens.lock();
        tokens.advance_clock(by);
        let mut store = shared.store.lock();
        drop(tokens);
        let mut notices = Vec::new();
        let mut timed_out = Vec::new();
        for id in store.advance_clock(by) {
            // Due payments still wait for the customer, so this cannot be refused.
            if let Ok(sent) = customer::expire(&mut store, id) {
                notices.extend(sent);
                timed_out.push(id);
            }
        }
        (timed_out, notices)
    };
    shared.notifier.send(notices);
    let v4_timed_out = {
        // v4 settles when it is next asked; asked now, its notifications go out at once.
        let now = shared.store.lock().now();
        v4_notices::lock(shared).settle(now)
    };
    shared.notifier.wait_due();
    (timed_out, v4_timed_out)
}

/// Forgets payments, cards, tokens, recorded requests, faults, notifications (pending
/// attempts too) and the test clock; ids start again from the first, or after the seed
/// file's, whose payments and cards are stored again.
pub(crate) fn reset(shared: &Shared) {
    let store = match &shared.settings.seed {
        // The seed was stored the same way at start, so it cannot be refused now.
        Some(seed) => seed
            .store(&shared.settings.origin)
            .unwrap_or_else(|_| Store::new()),
        None => Store::new(),
    };
    {
        // Tokens, store and v4 together (in the order every holder of several takes them),
        // so that a save never sees one reset and another not.
        let mut tokens = shared.tokens.lock();
        let mut held_store = shared.store.lock();
        *shared.v4.lock() = Default::default();
        *held_store = store;
        *tokens = Tokens::default();
    }
    shared.notifier.reset();
    shared.faults.lock().clear();
    shared.log.lock().clear();
    *shared.page_tokens.lock() = PageTokens::default();
    shared.token_requests.store(0, Ordering::SeqCst);
}

/// Stores `payment` as given, with the notification URL its notifications go to; later
/// payment ids continue after its id. Returns it as a status call will answer it, or why
/// its id cannot be seeded (nothing stored then).
pub(crate) fn seed_payment(
    shared: &Shared,
    payment: Payment,
    notification_url: Option<String>,
) -> Result<Payment, NoRoom> {
    let mut store = shared.store.lock();
    seed_into(
        &mut store,
        &shared.settings.origin,
        payment.clone(),
        notification_url,
    )?;
    Ok(payment)
}

/// Stores `payment` in `store` as [`seed_payment`] does, for the simulator at `origin` (a
/// `gw_url` under it opens the customer page).
pub(crate) fn seed_into(
    store: &mut Store,
    origin: &str,
    payment: Payment,
    notification_url: Option<String>,
) -> Result<(), NoRoom> {
    let gateway_prefix = format!("{origin}/gw/v3/");
    let key = payment
        .gw_url
        .as_deref()
        .and_then(|url| url.strip_prefix(&gateway_prefix))
        .filter(|key| !key.is_empty() && !key.contains('/'))
        .map(str::to_owned);
    let now = store.now();
    let paid = matches!(
        payment.state,
        Some(PaymentState::Paid | PaymentState::PartiallyRefunded | PaymentState::Refunded)
    );
    let record = Record {
        amount: payment.amount.unwrap_or(0),
        currency: payment.currency.clone().unwrap_or(Currency::Czk),
        payment,
        notification_url,
        return_url: None,
        items: Vec::new(),
        created: now,
        paid: paid.then_some(now),
        refunds: Vec::new(),
        refunded: 0,
        eet: None,
    };
    store.seed(record, key)
}

/// Stores `card` as given; later card ids continue after its id.
pub(crate) fn seed_card(shared: &Shared, card: Card) -> Result<Card, NoRoom> {
    shared.store.lock().seed_card(card.clone())?;
    Ok(card)
}

/// Writes the state to the state file now; what it wrote.
///
/// # Errors
///
/// [`Error::Refused`] (field `state_file`) without a state file; [`Error::File`] when it
/// cannot be written.
pub(crate) fn save(shared: &Shared) -> Result<Saved, Error> {
    let Some(path) = &shared.settings.state_file else {
        return Err(Error::refused(
            "state_file",
            "the simulator was started without a state file (--state FILE)",
        ));
    };
    persist::save(shared, path)
}

/// Queues faults, in order.
pub(crate) fn inject(shared: &Shared, faults: impl IntoIterator<Item = Fault>) {
    let mut queue = shared.faults.lock();
    for fault in faults {
        queue.push(fault);
    }
}

/// Every recorded request with its answer, oldest first.
pub(crate) fn exchanges(shared: &Shared) -> Vec<LoggedExchange> {
    shared.log.lock().exchanges()
}

/// Every notification, oldest first; with `payment`, only that payment's (an API v4
/// payment's when one has that id, as for the other control actions; refused when the
/// gateway holds no such payment).
pub(crate) fn notifications(
    shared: &Shared,
    payment: Option<u64>,
) -> Result<Vec<NotificationRecord>, Denied> {
    let Some(id) = payment else {
        return Ok(shared.notifier.log());
    };
    if shared.v4.lock().payments.contains_key(&id.to_string()) {
        return Ok(shared.notifier.of_payment(NotificationApi::V4, id));
    }
    shared
        .store
        .lock()
        .get(id)
        .map_err(|_| Denied::Unknown(id))?;
    Ok(shared.notifier.of_payment(NotificationApi::V3, id))
}

/// Sends payment `id`'s notification again now, as a new notification of its current
/// state; returns it after its first attempt.
pub(crate) fn notify(shared: &Shared, id: u64) -> Result<NotificationRecord, Denied> {
    if let Some(notice) = v4_notices::resend(shared, id) {
        return Ok(shared.notifier.send_now(&notice?));
    }
    let notice = {
        let store = shared.store.lock();
        let record = store.get(id).map_err(|_| Denied::Unknown(id))?;
        if record.notification_url.is_none() {
            return Err(Denied::refused(
                "notification_url",
                format!("payment {id} has no notification URL to notify"),
            ));
        }
        record.notice().ok_or_else(|| {
            Denied::refused(
                "state",
                format!(
                    "payment {id} is {}: GoPay sends no notification for that state",
                    record.state()
                ),
            )
        })?
    };
    Ok(shared.notifier.send_now(&notice))
}
