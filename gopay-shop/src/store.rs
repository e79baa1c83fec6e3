//! The shop's own record of its orders: the [`OrderStore`] seam and an in-memory store.
//!
//! GoPay knows payments; the shop knows orders. Each order keeps the id of its GoPay payment
//! and a status that only moves forward. Replace [`MemoryOrders`] with a database behind the
//! same trait: every method is one transaction.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use gopay::{Currency, PaymentState};

/// Where an order stands, as far as the shop is concerned.
///
/// The order is `AwaitingPayment < Paid < PartiallyRefunded < Refunded`, and
/// `AwaitingPayment → Canceled`; a status never moves back (see [`OrderStatus::can_become`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderStatus {
    /// Created; the customer has not paid (yet).
    AwaitingPayment,
    /// Paid in full.
    Paid,
    /// Paid, then refunded in part.
    PartiallyRefunded,
    /// Paid, then refunded in full.
    Refunded,
    /// The customer canceled, or the payment timed out, before paying.
    Canceled,
}

impl OrderStatus {
    /// The order status that GoPay's authoritative payment `state` means; `None` for a state
    /// that says nothing new to this shop (pre-authorisation, which it does not use, or a
    /// state newer than this code).
    pub fn from_payment_state(state: &PaymentState) -> Option<OrderStatus> {
        match state {
            PaymentState::Created | PaymentState::PaymentMethodChosen => {
                Some(OrderStatus::AwaitingPayment)
            }
            PaymentState::Paid => Some(OrderStatus::Paid),
            PaymentState::PartiallyRefunded => Some(OrderStatus::PartiallyRefunded),
            PaymentState::Refunded => Some(OrderStatus::Refunded),
            PaymentState::Canceled | PaymentState::Timeouted => Some(OrderStatus::Canceled),
            _ => None,
        }
    }

    /// Whether an order in this status may be moved to `next`. Concurrent handlers (a
    /// notification, the customer's return, a refund) each read GoPay's state at a slightly
    /// different moment; refusing to move back keeps a late `PAID` from undoing a refund.
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        match (self, next) {
            (AwaitingPayment, _) => next != AwaitingPayment,
            (Paid, PartiallyRefunded | Refunded) => true,
            (PartiallyRefunded, Refunded) => true,
            // GoPay is the authority on money: should it ever report a payment paid after
            // the shop saw it canceled, the shop must know, or it keeps money for nothing.
            (Canceled, Paid | PartiallyRefunded | Refunded) => true,
            _ => false,
        }
    }

    /// Whether the customer's money reached the shop (whatever was refunded since).
    pub fn was_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::PartiallyRefunded | OrderStatus::Refunded
        )
    }
}

/// One order of the shop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// The shop's order number, also sent to GoPay as `order_number`.
    pub number: String,
    /// The price in minor units (hundredths) of `currency`.
    pub amount: i64,
    /// The currency of `amount`.
    pub currency: Currency,
    /// The customer's e-mail address.
    pub email: String,
    /// The GoPay payment, once created.
    pub payment_id: Option<u64>,
    /// Where the order stands.
    pub status: OrderStatus,
    /// How much was refunded so far, in minor units.
    pub refunded: i64,
}

/// What [`OrderStore::create_order`] needs.
#[derive(Clone, Debug)]
pub struct NewOrder {
    /// The price in minor units (hundredths).
    pub amount: i64,
    /// The currency of `amount`.
    pub currency: Currency,
    /// The customer's e-mail address.
    pub email: String,
}

/// A message the shop queued for sending (an outbox row: a mailer sends them later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// The order it is about.
    pub order_number: String,
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
}

/// What [`OrderStore::record_status`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The order after the call.
    pub order: Order,
    /// Whether its status changed (`false`: a repeated notification, or a stale state).
    pub changed: bool,
}

/// The store could not do what was asked (the database is down, a constraint failed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "order store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// The seam to the shop's database. Async, so that a real database driver can be awaited in
/// the handlers; implement the methods with `async fn`.
pub trait OrderStore: Send + Sync + 'static {
    /// Creates an order awaiting payment, with a new order number.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the order could not be stored.
    fn create_order(
        &self,
        order: NewOrder,
    ) -> impl Future<Output = Result<Order, StoreError>> + Send;

    /// Remembers the GoPay payment created for order `number`.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when it could not be stored or the order does not exist.
    fn attach_payment(
        &self,
        number: &str,
        payment_id: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The order numbered `number`, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be read.
    fn order(&self, number: &str)
        -> impl Future<Output = Result<Option<Order>, StoreError>> + Send;

    /// The order paid by GoPay payment `payment_id`, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be read.
    fn order_by_payment(
        &self,
        payment_id: u64,
    ) -> impl Future<Output = Result<Option<Order>, StoreError>> + Send;

    /// In one transaction: moves the order of `payment_id` to `status` if
    /// [`can_become`](OrderStatus::can_become) allows it, and when it becomes paid for the
    /// first time, queues the confirmation e-mail. So a repeated notification changes
    /// nothing and the e-mail is queued exactly once. `None` for an unknown payment.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when nothing could be stored: the caller must not answer GoPay `200`.
    fn record_status(
        &self,
        payment_id: u64,
        status: OrderStatus,
    ) -> impl Future<Output = Result<Option<Recorded>, StoreError>> + Send;

    /// Adds `amount` minor units to what order `number` had refunded.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when it could not be stored or the order does not exist.
    fn record_refund(
        &self,
        number: &str,
        amount: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every e-mail queued so far, oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be read.
    fn outbox(&self) -> impl Future<Output = Result<Vec<Email>, StoreError>> + Send;
}

/// Orders in memory: a `Mutex<HashMap>`, lost when the process stops. Fine for a demo and
/// for tests; a shop keeps its orders in a database.
#[derive(Default)]
pub struct MemoryOrders {
    data: Mutex<Data>,
    /// Signalled on every change, for [`MemoryOrders::wait_for`].
    changed: Condvar,
}

#[derive(Default)]
struct Data {
    orders: HashMap<String, Order>,
    by_payment: HashMap<u64, String>,
    outbox: Vec<Email>,
    next_number: u64,
}

impl MemoryOrders {
    /// An empty store.
    pub fn new() -> MemoryOrders {
        MemoryOrders::default()
    }

    /// Waits until order `number` satisfies `condition`, at most `timeout`; the order, or
    /// `None` on timeout. For tests and demos that wait for a notification to arrive.
    pub fn wait_for(
        &self,
        number: &str,
        timeout: Duration,
        condition: impl Fn(&Order) -> bool,
    ) -> Option<Order> {
        let deadline = Instant::now() + timeout;
        let mut data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(order) = data.orders.get(number).filter(|o| condition(o)) {
                return Some(order.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            data = self
                .changed
                .wait_timeout(data, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Data>, StoreError> {
        // A panic while holding the lock may have left half an update: refuse, as a database
        // would refuse after a failed transaction, rather than guess.
        self.data
            .lock()
            .map_err(|_| StoreError("a writer panicked".into()))
    }

    fn touched(&self) {
        self.changed.notify_all();
    }
}

impl OrderStore for MemoryOrders {
    async fn create_order(&self, new: NewOrder) -> Result<Order, StoreError> {
        let mut data = self.lock()?;
        data.next_number += 1;
        let order = Order {
            number: format!("shop-{:06}", data.next_number),
            amount: new.amount,
            currency: new.currency,
            email: new.email,
            payment_id: None,
            status: OrderStatus::AwaitingPayment,
            refunded: 0,
        };
        data.orders.insert(order.number.clone(), order.clone());
        drop(data);
        self.touched();
        Ok(order)
    }

    async fn attach_payment(&self, number: &str, payment_id: u64) -> Result<(), StoreError> {
        let mut data = self.lock()?;
        let order = data
            .orders
            .get_mut(number)
            .ok_or_else(|| StoreError(format!("no order {number}")))?;
        order.payment_id = Some(payment_id);
        data.by_payment.insert(payment_id, number.to_owned());
        drop(data);
        self.touched();
        Ok(())
    }

    async fn order(&self, number: &str) -> Result<Option<Order>, StoreError> {
        Ok(self.lock()?.orders.get(number).cloned())
    }

    async fn order_by_payment(&self, payment_id: u64) -> Result<Option<Order>, StoreError> {
        let data = self.lock()?;
        Ok(data
            .by_payment
            .get(&payment_id)
            .and_then(|number| data.orders.get(number))
            .cloned())
    }

    async fn record_status(
        &self,
        payment_id: u64,
        status: OrderStatus,
    ) -> Result<Option<Recorded>, StoreError> {
        let mut data = self.lock()?;
        let Some(number) = data.by_payment.get(&payment_id).cloned() else {
            return Ok(None);
        };
        let Data { orders, outbox, .. } = &mut *data;
        let Some(order) = orders.get_mut(&number) else {
            return Ok(None);
        };
        let changed = order.status.can_become(status);
        if changed {
            // The e-mail is queued in the same transaction as the status change, so that it
            // is queued exactly once however often GoPay notifies.
            if !order.status.was_paid() && status.was_paid() {
                outbox.push(Email {
                    order_number: order.number.clone(),
                    to: order.email.clone(),
                    subject: format!("Order {} is paid: thank you", order.number),
                });
            }
            order.status = status;
        }
        let order = order.clone();
        drop(data);
        if changed {
            self.touched();
        }
        Ok(Some(Recorded { order, changed }))
    }

    async fn record_refund(&self, number: &str, amount: i64) -> Result<(), StoreError> {
        let mut data = self.lock()?;
        let order = data
            .orders
            .get_mut(number)
            .ok_or_else(|| StoreError(format!("no order {number}")))?;
        order.refunded += amount;
        drop(data);
        self.touched();
        Ok(())
    }

    async fn outbox(&self) -> Result<Vec<Email>, StoreError> {
        Ok(self.lock()?.outbox.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;

    #[test]
    fn statuses_only_move_forward() {
        assert!(AwaitingPayment.can_become(Paid));
        assert!(AwaitingPayment.can_become(Canceled));
        assert!(Paid.can_become(PartiallyRefunded));
        assert!(PartiallyRefunded.can_become(Refunded));
        assert!(!Paid.can_become(Paid));
        assert!(!Paid.can_become(AwaitingPayment));
        assert!(!Refunded.can_become(Paid));
        assert!(!PartiallyRefunded.can_become(Paid));
        assert!(Canceled.can_become(Paid));
        assert!(!Canceled.can_become(AwaitingPayment));
        assert!(!AwaitingPayment.can_become(AwaitingPayment));
    }
}
