//! What the dashboard shows of v3's payments, copied out of the store so that no lock is held
//! while a page is rendered; v4's are in [`super::v4`].

use std::cmp::Reverse;
use std::time::SystemTime;

use gopay::{PaymentState, Refund};

use super::Action;
use crate::state::shared::Shared;
use crate::state::store::Record;

/// One payment, of either API, as the list shows it.
pub(super) struct Row {
    /// In digits, as both APIs' paths spell it.
    pub(super) id: String,
    /// A payment of API v4 (its id is a string there; no notifications).
    pub(super) v4: bool,
    pub(super) order_number: String,
    pub(super) amount: i64,
    pub(super) currency: String,
    pub(super) state: String,
    pub(super) instrument: Option<String>,
    /// A v4 payment's charge state.
    pub(super) charge: Option<String>,
    /// On the test clock.
    pub(super) created: SystemTime,
}

impl Row {
    fn of(record: &Record) -> Row {
        let payment = &record.payment;
        Row {
            id: payment.id.to_string(),
            v4: false,
            order_number: payment.order_number.clone().unwrap_or_default(),
            amount: record.amount,
            currency: record.currency.to_string(),
            state: record.state().as_str().to_owned(),
            instrument: payment
                .payment_instrument
                .as_ref()
                .map(|i| i.as_str().to_owned()),
            charge: None,
            created: record.created,
        }
    }
}

/// Every payment of both APIs, newest first (equal times: the higher id first).
pub(super) fn rows(shared: &Shared) -> Vec<Row> {
    let mut rows: Vec<Row> = shared.store.lock().payments().map(Row::of).collect();
    rows.extend(super::v4::rows(shared));
    rows.sort_by_key(|row| Reverse((row.created, row.id.parse::<u64>().unwrap_or(0))));
    rows
}

/// One payment as its page shows it.
pub(super) struct Detail {
    pub(super) row: Row,
    /// The payment as a status call answers it, pretty JSON.
    pub(super) payment: String,
    /// The create body the shop sent, pretty JSON; `None` for a payment seeded or created
    /// without the API.
    pub(super) request: Option<String>,
    pub(super) refunds: Vec<Refund>,
    pub(super) gw_url: Option<String>,
    /// The last segment of `gw_url`: the customer page's requests carry it.
    pub(super) gateway_key: Option<String>,
    /// The buttons the payment's state allows.
    pub(super) actions: Vec<Action>,
}

/// Payment `id`, or `None` when the simulator has none.
pub(super) fn detail(shared: &Shared, id: u64) -> Option<Detail> {
    let store = shared.store.lock();
    let record = store.get(id).ok()?;
    let gw_url = record.payment.gw_url.clone();
    Some(Detail {
        row: Row::of(record),
        payment: pretty(&record.payment),
        request: store.request(id).map(pretty),
        refunds: record.refunds.clone(),
        gateway_key: gw_url
            .as_deref()
            .and_then(|url| url.rsplit('/').next())
            .filter(|key| !key.is_empty())
            .map(str::to_owned),
        gw_url,
        actions: actions(record),
    })
}

/// The actions `record`'s state allows: the customer's while it waits for them (pay, or
/// authorise a pre-authorised one; cancel; expire), and a new notification whenever GoPay
/// would notify its state.
fn actions(record: &Record) -> Vec<Action> {
    let waiting = matches!(
        record.state(),
        PaymentState::Created | PaymentState::PaymentMethodChosen
    );
    let settle = if record.is_preauthorized() {
        Action::Authorize
    } else {
        Action::Pay
    };
    let mut actions = Vec::new();
    if waiting {
        actions.extend([settle, Action::Cancel, Action::Expire]);
    }
    if record.notice().is_some() {
        actions.push(Action::Notify);
    }
    actions
}

/// `value` as indented JSON.
fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
