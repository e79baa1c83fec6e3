//! API v4's notifications: what changed since the shop was last told, and the lock that
//! tells it. Code that may change v4 payments takes the v4 state through [`lock`]; when it
//! is taken and when it is let go, every payment that reached a state GoPay notifies
//! (`PAID`, `CANCELED`, `TIMEOUTED`), every charge that `FAILED` (the payment stays
//! `CREATED`) and every refund that succeeded (`PARTIALLY_REFUNDED` / `REFUNDED`) makes one
//! notice, sent by the one notification machinery of both APIs as [`V4Notifications`] says.
//!
//! Changes are found by comparing each payment with what the shop was last told
//! ([`Announced`]) rather than by each transition reporting itself, so a change made by any
//! code path is notified exactly once. A payment seen for the first time (just created, or
//! restored) is taken as it is, without a notice.

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

use parking_lot::MutexGuard;

use crate::gateway::customer::Denied;
use crate::gateway::notify::{Notice, NotificationApi, NotificationMethod};
use crate::gateway::v4::state::{Payment, Refund, V4State};
use crate::state::shared::Shared;

/// How the simulator notifies the shops of API v4 payments
/// ([`SimulatorBuilder::v4_notifications`](crate::SimulatorBuilder::v4_notifications)).
/// GoPay has not documented v4's notifications (v3 GETs the URL; one official SDK's
/// example reads a POST), so the shape is the test's choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum V4Notifications {
    /// `GET {notification_url}?id={payment id}`, as API v3 notifies.
    #[default]
    Get,
    /// `POST {notification_url}` with `Content-Type: application/json` and the body
    /// `{"id": "<payment id>"}`.
    Post,
    /// No notification for v4 payments (none is recorded either).
    Off,
}

/// What the shop was last told of one payment: its state, its charge (id and state) and
/// its successful refunds.
pub(crate) struct Announced {
    state: &'static str,
    charge: Option<(String, &'static str)>,
    refunds: BTreeSet<String>,
}

/// One change to tell the shop of.
struct Change {
    payment: String,
    notification_url: String,
    state: &'static str,
    charge: Option<&'static str>,
}

/// The v4 state, locked; letting it go sends the notices of what changed meanwhile.
pub(crate) struct Notifying<'a> {
    shared: &'a Shared,
    v4: MutexGuard<'a, V4State>,
}

/// Locks the v4 state, first sending the notices of changes made without this lock.
pub(crate) fn lock(shared: &Shared) -> Notifying<'_> {
    let mut v4 = shared.v4.lock();
    shared.notifier.send(notices(&mut v4, shared));
    Notifying { shared, v4 }
}

impl Deref for Notifying<'_> {
    type Target = V4State;

    fn deref(&self) -> &V4State {
        &self.v4
    }
}

impl DerefMut for Notifying<'_> {
    fn deref_mut(&mut self) -> &mut V4State {
        &mut self.v4
    }
}

impl Drop for Notifying<'_> {
    fn drop(&mut self) {
        // Sending only queues them (no I/O), so the lock is held a moment longer at most,
        // and the notices leave in the order the changes were made.
        let notices = notices(&mut self.v4, self.shared);
        self.shared.notifier.send(notices);
    }
}

/// The notices of every change since the last call, as the settings shape them (none
/// when v4 notifications are off; the changes count as told all the same).
fn notices(v4: &mut V4State, shared: &Shared) -> Vec<Notice> {
    let changes = v4.changes();
    let Some(method) = method(shared) else {
        return Vec::new();
    };
    changes
        .into_iter()
        .filter_map(|change| notice(change, method))
        .collect()
}

/// The HTTP method of v4 notifications; `None` when they are off.
fn method(shared: &Shared) -> Option<NotificationMethod> {
    match shared.settings.v4_notifications {
        V4Notifications::Get => Some(NotificationMethod::Get),
        V4Notifications::Post => Some(NotificationMethod::Post),
        V4Notifications::Off => None,
    }
}

fn notice(change: Change, method: NotificationMethod) -> Option<Notice> {
    // A payment restored from a file saved before v4 notified has nowhere to go, as a v3
    // payment without a notification URL.
    if change.notification_url.is_empty() {
        return None;
    }
    // v4 ids are strings; the simulator's are decimal numbers, as the log keeps them.
    let payment_id = change.payment.parse::<u64>().ok()?;
    Some(Notice {
        notification_url: change.notification_url,
        payment_id,
        state: known(change.state),
        api: NotificationApi::V4,
        method,
        charge_state: change.charge.map(known),
    })
}

/// A state name as the client's enum (which keeps unknown names).
fn known<T: FromStr<Err = Infallible>>(name: &str) -> T {
    match name.parse() {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// Whether reaching `state` is notified by itself (the refunded states are notified per
/// refund).
fn notifies(state: &str) -> bool {
    matches!(state, "PAID" | "AUTHORIZED" | "CANCELED" | "TIMEOUTED")
}

impl V4State {
    /// Every change since the last call, in order, and remembers them as told.
    fn changes(&mut self) -> Vec<Change> {
        let mut succeeded: BTreeMap<&str, Vec<&Refund>> = BTreeMap::new();
        for refund in self.refunds.values().filter(|r| r.state == "SUCCESS") {
            succeeded
                .entry(refund.payment.as_str())
                .or_default()
                .push(refund);
        }
        let mut changes = Vec::new();
        for payment in self.payments.values() {
            let refunds = succeeded.remove(payment.id.as_str()).unwrap_or_default();
            let charge = || payment.charge.as_ref().map(|c| (c.id.clone(), c.state));
            let Some(told) = self.announced.get_mut(&payment.id) else {
                let refunds = refunds.iter().map(|r| r.id.clone()).collect();
                let state = payment.state;
                let first = Announced {
                    state,
                    charge: charge(),
                    refunds,
                };
                self.announced.insert(payment.id.clone(), first);
                continue;
            };
            // Every request scans every payment: compare in place, and copy only what
            // changed.
            let charge_now = payment.charge.as_ref().map(|c| (c.id.as_str(), c.state));
            let charge_told = told
                .charge
                .as_ref()
                .map(|(id, state)| (id.as_str(), *state));
            if payment.state == told.state
                && charge_now == charge_told
                && refunds.len() == told.refunds.len()
            {
                continue;
            }
            let charge = charge();
            let charge_state = charge.as_ref().map(|(_, state)| *state);
            let change = |state| Change {
                payment: payment.id.clone(),
                notification_url: payment.notification_url.clone(),
                state,
                charge: charge_state,
            };
            // One notice per change: a cancel that fails a pending charge is the cancel.
            let reached = payment.state != told.state && notifies(payment.state);
            let failed = charge != told.charge && charge_state == Some("FAILED");
            if reached || failed {
                changes.push(change(payment.state));
            }
            changes.extend(refund_changes(payment, &refunds, &mut told.refunds, change));
            told.state = payment.state;
            told.charge = charge;
        }
        changes
    }
}

/// One change per refund of `payment` that succeeded since the shop was last told (in the
/// order they settled), each with the state it left the payment in; `told` takes them.
fn refund_changes(
    payment: &Payment,
    succeeded: &[&Refund],
    told: &mut BTreeSet<String>,
    change: impl Fn(&'static str) -> Change,
) -> Vec<Change> {
    let (old, mut new): (Vec<&Refund>, Vec<&Refund>) =
        succeeded.iter().partition(|r| told.contains(&r.id));
    new.sort_by(|a, b| (a.updated, &a.id).cmp(&(b.updated, &b.id)));
    let mut refunded: i64 = old.iter().map(|r| r.amount).sum();
    new.into_iter()
        .map(|refund| {
            told.insert(refund.id.clone());
            refunded += refund.amount;
            change(if refunded >= payment.amount {
                "REFUNDED"
            } else {
                "PARTIALLY_REFUNDED"
            })
        })
        .collect()
}

/// The notice of v4 payment `id` as it is now, for a resend; `None` when there is no such
/// v4 payment. Refused when v4 notifications are off, when the payment's state is not one
/// GoPay notifies (`CREATED` without a failed charge), or without a notification URL.
pub(crate) fn resend(shared: &Shared, id: u64) -> Option<Result<Notice, Denied>> {
    let now = shared.store.lock().now();
    let mut v4 = lock(shared);
    v4.settle(now);
    let payment = v4.payments.get(&id.to_string())?;
    let Some(method) = method(shared) else {
        return Some(Err(Denied::refused(
            "v4_notifications",
            "v4 notifications are off (--v4-notifications off)".to_owned(),
        )));
    };
    let charge = payment.charge.as_ref().map(|c| c.state);
    let refunded = matches!(payment.state, "REFUNDED" | "PARTIALLY_REFUNDED");
    if !(notifies(payment.state) || refunded || charge == Some("FAILED")) {
        return Some(Err(Denied::refused(
            "state",
            format!(
                "payment {id} is {} with no failed charge: GoPay sends no notification for that",
                payment.state
            ),
        )));
    }
    if payment.notification_url.is_empty() {
        return Some(Err(Denied::refused(
            "notification_url",
            format!("payment {id} has no notification URL to notify"),
        )));
    }
    let change = Change {
        payment: payment.id.clone(),
        notification_url: payment.notification_url.clone(),
        state: payment.state,
        charge,
    };
    Some(notice(change, method).ok_or(Denied::Unknown(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    use crate::gateway::v4::state::Charge;
    use crate::gateway::v4::wire::Customer;

    fn payment(id: &str, amount: i64) -> Payment {
        Payment {
            id: id.to_owned(),
            order_number: "o".to_owned(),
            state: "CREATED",
            amount,
            currency: "CZK".to_owned(),
            customer: Customer {
                email: "a@b.cz".to_owned(),
                first_name: None,
                last_name: None,
                phone_number: None,
                city: None,
                street: None,
                postal_code: None,
                country_code: None,
                customer_id: None,
            },
            return_url: "http://127.0.0.1:1/r".to_owned(),
            notification_url: "http://127.0.0.1:1/n".to_owned(),
            secret: "s".to_owned(),
            gw_url: String::new(),
            charge: None,
            paid_at: None,
            deadline: SystemTime::UNIX_EPOCH,
        }
    }

    fn charge(id: &str, state: &'static str) -> Charge {
        Charge {
            id: id.to_owned(),
            state,
            input_type: "CARD_TOKEN",
            masked_pan: None,
            action: None,
            redirect_url: None,
            fail_reason: None,
            due: None,
        }
    }

    fn refund(id: &str, payment: &str, amount: i64, settled: u64) -> Refund {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(settled);
        Refund {
            id: id.to_owned(),
            payment: payment.to_owned(),
            state: "SUCCESS",
            amount,
            currency: "CZK".to_owned(),
            created: at,
            updated: Some(at),
            due: None,
        }
    }

    /// The changes as `(payment, state, charge state)`.
    fn told(v4: &mut V4State) -> Vec<(String, &'static str, Option<&'static str>)> {
        v4.changes()
            .into_iter()
            .map(|c| (c.payment, c.state, c.charge))
            .collect()
    }

    #[test]
    fn each_change_is_told_once() {
        let mut v4 = V4State::default();
        v4.payments.insert("1".into(), payment("1", 1000));
        assert!(told(&mut v4).is_empty(), "a new payment is taken as it is");

        let p = v4.payments.get_mut("1").unwrap();
        p.charge = Some(charge("c1", "PROCESSING"));
        assert!(told(&mut v4).is_empty(), "a charge under way is not told");
        v4.payments.get_mut("1").unwrap().charge = Some(charge("c1", "FAILED"));
        assert_eq!(told(&mut v4), [("1".into(), "CREATED", Some("FAILED"))]);
        assert!(told(&mut v4).is_empty(), "told once");

        // A second charge that fails is told again; one that succeeds tells PAID.
        v4.payments.get_mut("1").unwrap().charge = Some(charge("c2", "FAILED"));
        assert_eq!(told(&mut v4).len(), 1);
        let p = v4.payments.get_mut("1").unwrap();
        p.charge = Some(charge("c3", "SUCCEEDED"));
        p.state = "PAID";
        assert_eq!(told(&mut v4), [("1".into(), "PAID", Some("SUCCEEDED"))]);

        // Two refunds settled together: one notice each, in the order they settled.
        v4.refunds.insert("r2".into(), refund("r2", "1", 600, 20));
        v4.refunds.insert("r1".into(), refund("r1", "1", 400, 10));
        v4.payments.get_mut("1").unwrap().state = "REFUNDED";
        let states: Vec<_> = told(&mut v4).into_iter().map(|c| c.1).collect();
        assert_eq!(states, ["PARTIALLY_REFUNDED", "REFUNDED"]);
        assert!(told(&mut v4).is_empty());
    }

    #[test]
    fn cancelling_a_pending_charge_is_one_notice() {
        let mut v4 = V4State::default();
        let mut p = payment("2", 100);
        p.charge = Some(charge("c", "ACTION_REQUIRED"));
        v4.payments.insert("2".into(), p);
        told(&mut v4);
        let p = v4.payments.get_mut("2").unwrap();
        p.charge = Some(charge("c", "FAILED"));
        p.state = "CANCELED";
        assert_eq!(told(&mut v4), [("2".into(), "CANCELED", Some("FAILED"))]);
    }

    #[test]
    fn a_payment_first_seen_paid_and_refunded_is_not_told() {
        // As after a restore: what it already was is not news.
        let mut v4 = V4State::default();
        let mut p = payment("3", 100);
        p.state = "PARTIALLY_REFUNDED";
        p.charge = Some(charge("c", "SUCCEEDED"));
        v4.payments.insert("3".into(), p);
        v4.refunds.insert("r".into(), refund("r", "3", 50, 1));
        assert!(told(&mut v4).is_empty());
        v4.refunds.insert("s".into(), refund("s", "3", 50, 2));
        assert_eq!(told(&mut v4), [("3".into(), "REFUNDED", Some("SUCCEEDED"))]);
    }
}
