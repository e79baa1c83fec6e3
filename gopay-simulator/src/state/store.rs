//! The simulator's data: payments (the wire view plus bookkeeping), saved cards, the id
//! counters and the test clock payments time out by. Everything here lives behind one
//! mutex in the shared state.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::gateway::notify::Notice;
use crate::gateway::responses::{payment_not_found, Refusal};
use crate::state::ids::{Counter, Exhausted, IdKind, NoRoom, LAST_ID};
// EET was abolished in 2023; the simulator still keeps the data for its EET endpoints.
#[allow(deprecated)]
use gopay::Eet;
use gopay::{
    Card, Currency, Item, Payment, PaymentState, PreAuthState, Preauthorization, RecurrenceCycle,
    RecurrenceState, Refund, SubState,
};

/// First payment id handed out (GoPay's ids are ten digits).
const FIRST_PAYMENT_ID: u64 = 3_000_000_001;
/// First saved-card id.
const FIRST_CARD_ID: u64 = 3_011_000_001;
/// First refund id.
const FIRST_REFUND_ID: u64 = 4_000_000_001;

/// How long a payment waits for the customer before it is TIMEOUTED: GoPay's default
/// expiration window of 12 hours. Only the test clock
/// ([`Simulator::advance_clock`](crate::Simulator::advance_clock)) makes it pass in a test.
pub const PAYMENT_TIMEOUT: Duration = Duration::from_secs(12 * 3600);

/// One payment: what a status call returns, plus what GoPay keeps to itself.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// The wire view, kept up to date by every transition.
    pub(crate) payment: Payment,
    /// The amount: as created, or as captured after a partial capture.
    pub(crate) amount: i64,
    pub(crate) currency: Currency,
    pub(crate) notification_url: Option<String>,
    /// Where the customer page sends the customer back (the wire view does not keep it).
    pub(crate) return_url: Option<String>,
    /// The order rows the customer page shows (the wire view does not keep them).
    pub(crate) items: Vec<Item>,
    pub(crate) created: SystemTime,
    /// When it became PAID (statement date).
    pub(crate) paid: Option<SystemTime>,
    pub(crate) refunds: Vec<Refund>,
    /// Sum of the refunds.
    pub(crate) refunded: i64,
    /// EET data given at creation (obsolete EET).
    #[allow(deprecated)]
    pub(crate) eet: Option<Eet>,
}

impl Record {
    pub(crate) fn state(&self) -> PaymentState {
        self.payment.state.clone().unwrap_or(PaymentState::Created)
    }

    /// Moves to `state` with `sub_state`; returns the notification it causes, if any (none
    /// for CREATED and PAYMENT_METHOD_CHOSEN, as at GoPay).
    pub(crate) fn set_state(
        &mut self,
        state: PaymentState,
        sub_state: Option<SubState>,
    ) -> Option<Notice> {
        self.payment.state = Some(state.clone());
        self.payment.sub_state = sub_state;
        self.notice()
    }

    /// The notification of the payment's current state, when it has a notification URL and
    /// its state is one GoPay notifies.
    pub(crate) fn notice(&self) -> Option<Notice> {
        let state = self.state();
        if matches!(
            state,
            PaymentState::Created | PaymentState::PaymentMethodChosen
        ) {
            return None;
        }
        let url = self.notification_url.as_ref()?;
        Some(Notice::v3(url.clone(), self.payment.id, state))
    }

    /// Whether the payment was created with `preauthorization: true`.
    pub(crate) fn is_preauthorized(&self) -> bool {
        self.payment
            .preauthorization
            .as_ref()
            .is_some_and(|p| p.requested == Some(true))
    }

    pub(crate) fn preauth_state(&self) -> Option<PreAuthState> {
        self.payment.preauthorization.as_ref()?.state.clone()
    }

    pub(crate) fn set_preauth_state(&mut self, state: PreAuthState) {
        let mut preauthorization = Preauthorization::default();
        preauthorization.requested = Some(true);
        preauthorization.state = Some(state);
        self.payment.preauthorization = Some(preauthorization);
    }

    pub(crate) fn recurrence_cycle(&self) -> Option<RecurrenceCycle> {
        self.payment.recurrence.as_ref()?.recurrence_cycle.clone()
    }

    pub(crate) fn recurrence_state(&self) -> Option<RecurrenceState> {
        self.payment.recurrence.as_ref()?.recurrence_state.clone()
    }

    pub(crate) fn set_recurrence_state(&mut self, state: RecurrenceState) {
        if let Some(recurrence) = self.payment.recurrence.as_mut() {
            recurrence.recurrence_state = Some(state);
        }
    }

    /// Whether money reached the e-shop (PAID, or refunded afterwards).
    pub(crate) fn was_paid(&self) -> bool {
        matches!(
            self.state(),
            PaymentState::Paid | PaymentState::PartiallyRefunded | PaymentState::Refunded
        )
    }
}

/// One payment with what the store keeps beside it: what a state file holds of it.
pub(crate) struct Kept {
    pub(crate) record: Record,
    /// The create body the shop sent, when it came through the API.
    pub(crate) request: Option<Value>,
    /// The key of its customer page.
    pub(crate) gateway_key: Option<String>,
    /// When it times out on the test clock, while it waits for the customer.
    pub(crate) deadline: Option<SystemTime>,
}

/// The next id of each counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NextIds {
    pub(crate) payment: u64,
    pub(crate) card: u64,
    pub(crate) refund: u64,
}

/// A store taken apart, to be saved and put together again.
pub(crate) struct Parts {
    /// In id order.
    pub(crate) payments: Vec<Kept>,
    /// In id order.
    pub(crate) cards: Vec<Card>,
    pub(crate) next_ids: NextIds,
    /// How far the test clock is ahead of the real one.
    pub(crate) clock_offset: Duration,
}

/// Payments, cards and counters.
pub(crate) struct Store {
    payments: HashMap<u64, Record>,
    pub(crate) cards: HashMap<u64, Card>,
    /// Gateway page key → payment id.
    gateway_pages: HashMap<String, u64>,
    /// Payment id → the create body the shop sent, when it came through the API.
    requests: HashMap<u64, Value>,
    /// Payment id → when it times out on the test clock, while it waits for the customer.
    deadlines: HashMap<u64, SystemTime>,
    /// How far the test clock is ahead of the real one.
    clock_offset: Duration,
    payment_ids: Counter,
    card_ids: Counter,
    refund_ids: Counter,
}

impl Store {
    pub(crate) fn new() -> Store {
        Store {
            payments: HashMap::new(),
            cards: HashMap::new(),
            gateway_pages: HashMap::new(),
            requests: HashMap::new(),
            deadlines: HashMap::new(),
            clock_offset: Duration::ZERO,
            payment_ids: Counter::starting_at(IdKind::Payment, FIRST_PAYMENT_ID),
            card_ids: Counter::starting_at(IdKind::Card, FIRST_CARD_ID),
            refund_ids: Counter::starting_at(IdKind::Refund, FIRST_REFUND_ID),
        }
    }

    /// An id no payment has: never one already stored, never wrapped.
    pub(crate) fn new_payment_id(&mut self) -> Result<u64, Exhausted> {
        let payments = &self.payments;
        self.payment_ids.next(|id| payments.contains_key(&id))
    }

    /// An id no card has.
    pub(crate) fn new_card_id(&mut self) -> Result<u64, Exhausted> {
        let cards = &self.cards;
        self.card_ids.next(|id| cards.contains_key(&id))
    }

    /// A refund id not handed out before.
    pub(crate) fn new_refund_id(&mut self) -> Result<u64, Exhausted> {
        self.refund_ids.next(|_| false)
    }

    /// Adds a payment (its id must come from [`Store::new_payment_id`], or be seeded with
    /// [`Store::seed`]). One still waiting for the customer times out [`PAYMENT_TIMEOUT`]
    /// from now on the test clock.
    pub(crate) fn insert(&mut self, record: Record, gateway_key: Option<String>) {
        let id = record.payment.id;
        if let Some(key) = gateway_key {
            self.gateway_pages.insert(key, id);
        }
        if matches!(
            record.state(),
            PaymentState::Created | PaymentState::PaymentMethodChosen
        ) {
            self.deadlines.insert(id, self.now() + PAYMENT_TIMEOUT);
        } else {
            self.deadlines.remove(&id);
        }
        self.payments.insert(id, record);
    }

    /// Stores a payment with the id it names (replacing one of that id), and lets later
    /// ids continue after it.
    ///
    /// # Errors
    ///
    /// [`NoRoom`] (nothing stored) when no payment id could follow the seeded one.
    pub(crate) fn seed(
        &mut self,
        record: Record,
        gateway_key: Option<String>,
    ) -> Result<(), NoRoom> {
        let id = record.payment.id;
        self.payment_ids.seeded(id)?;
        self.requests.remove(&id);
        self.gateway_pages.retain(|_, page| *page != id);
        self.insert(record, gateway_key);
        Ok(())
    }

    /// Stores a card with the id it names, and lets later card ids continue after it.
    ///
    /// # Errors
    ///
    /// [`NoRoom`] (nothing stored) when no card id could follow the seeded one.
    pub(crate) fn seed_card(&mut self, card: Card) -> Result<(), NoRoom> {
        self.card_ids.seeded(card.card_id)?;
        self.cards.insert(card.card_id, card);
        Ok(())
    }

    /// Keeps the create body the shop sent for payment `id`.
    pub(crate) fn keep_request(&mut self, id: u64, body: Value) {
        self.requests.insert(id, body);
    }

    /// The create body the shop sent for payment `id`, if it came through the API.
    pub(crate) fn request(&self, id: u64) -> Option<&Value> {
        self.requests.get(&id)
    }

    /// Now on the test clock: the real time plus every
    /// [`advance_clock`](Store::advance_clock) so far.
    pub(crate) fn now(&self) -> SystemTime {
        SystemTime::now() + self.clock_offset
    }

    /// Moves the test clock `by` forward; returns the payments whose time ran out, in id
    /// order (still to be moved to TIMEOUTED by the caller; those no longer waiting for the
    /// customer are left out and forgotten).
    pub(crate) fn advance_clock(&mut self, by: Duration) -> Vec<u64> {
        self.clock_offset = self.clock_offset.saturating_add(by);
        let now = self.now();
        let mut due: Vec<u64> = self
            .deadlines
            .iter()
            .filter(|(_, deadline)| **deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        due.sort_unstable();
        for id in &due {
            self.deadlines.remove(id);
        }
        due.retain(|id| {
            self.payments.get(id).is_some_and(|record| {
                matches!(
                    record.state(),
                    PaymentState::Created | PaymentState::PaymentMethodChosen
                )
            })
        });
        due
    }

    pub(crate) fn get(&self, id: u64) -> Result<&Record, Refusal> {
        self.payments.get(&id).ok_or_else(|| payment_not_found(id))
    }

    pub(crate) fn get_mut(&mut self, id: u64) -> Result<&mut Record, Refusal> {
        self.payments
            .get_mut(&id)
            .ok_or_else(|| payment_not_found(id))
    }

    /// The payment behind a gateway page key.
    pub(crate) fn by_gateway_key(&self, key: &str) -> Option<&Record> {
        self.payments.get(self.gateway_pages.get(key)?)
    }

    pub(crate) fn payments(&self) -> impl Iterator<Item = &Record> {
        self.payments.values()
    }

    /// Everything the store holds, to be saved.
    pub(crate) fn parts(&self) -> Parts {
        let mut keys: HashMap<u64, &String> = HashMap::new();
        for (key, id) in &self.gateway_pages {
            keys.insert(*id, key);
        }
        let mut payments: Vec<Kept> = self
            .payments
            .values()
            .map(|record| {
                let id = record.payment.id;
                Kept {
                    record: record.clone(),
                    request: self.requests.get(&id).cloned(),
                    gateway_key: keys.get(&id).map(|key| (*key).clone()),
                    deadline: self.deadlines.get(&id).copied(),
                }
            })
            .collect();
        payments.sort_by_key(|kept| kept.record.payment.id);
        let mut cards: Vec<Card> = self.cards.values().cloned().collect();
        cards.sort_by_key(|card| card.card_id);
        Parts {
            payments,
            cards,
            next_ids: NextIds {
                payment: self.payment_ids.upcoming(),
                card: self.card_ids.upcoming(),
                refund: self.refund_ids.upcoming(),
            },
            clock_offset: self.clock_offset,
        }
    }

    /// A store put together from saved parts.
    ///
    /// # Errors
    ///
    /// Why the parts cannot be a store (one line): an id of 0 or past the last, an id or
    /// page key twice, a counter out of range.
    pub(crate) fn from_parts(parts: Parts) -> Result<Store, String> {
        let counter = |kind: IdKind, next: u64, name: &str| {
            Counter::resumed(kind, next)
                .ok_or_else(|| format!("the next {name} id {next} is out of range"))
        };
        let mut store = Store {
            payment_ids: counter(IdKind::Payment, parts.next_ids.payment, "payment")?,
            card_ids: counter(IdKind::Card, parts.next_ids.card, "card")?,
            refund_ids: counter(IdKind::Refund, parts.next_ids.refund, "refund")?,
            clock_offset: parts.clock_offset,
            ..Store::new()
        };
        for kept in parts.payments {
            let id = kept.record.payment.id;
            if id == 0 || id > LAST_ID {
                return Err(format!("payment id {id} is out of range"));
            }
            if store.payments.contains_key(&id) {
                return Err(format!("payment {id} is there twice"));
            }
            if let Some(key) = kept.gateway_key {
                if key.is_empty() || key.contains('/') || store.gateway_pages.contains_key(&key) {
                    return Err(format!(
                        "the customer page key of payment {id} is not valid"
                    ));
                }
                store.gateway_pages.insert(key, id);
            }
            if let Some(request) = kept.request {
                store.requests.insert(id, request);
            }
            if let Some(deadline) = kept.deadline {
                store.deadlines.insert(id, deadline);
            }
            store.payments.insert(id, kept.record);
        }
        for card in parts.cards {
            let id = card.card_id;
            if id == 0 || id > LAST_ID {
                return Err(format!("card id {id} is out of range"));
            }
            if store.cards.insert(id, card).is_some() {
                return Err(format!("card {id} is there twice"));
            }
        }
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: u64, state: PaymentState) -> Record {
        let mut payment = Payment::new(id);
        payment.state = Some(state);
        Record {
            payment,
            amount: 100,
            currency: Currency::Czk,
            notification_url: None,
            return_url: None,
            items: Vec::new(),
            created: SystemTime::now(),
            paid: None,
            refunds: Vec::new(),
            refunded: 0,
            eet: None,
        }
    }

    #[test]
    fn unpaid_payments_fall_due_on_the_test_clock_only() {
        let mut store = Store::new();
        let open = store.new_payment_id().unwrap();
        store.insert(record(open, PaymentState::Created), None);
        store.seed(record(7, PaymentState::Paid), None).unwrap();
        assert!(store
            .advance_clock(PAYMENT_TIMEOUT - Duration::from_secs(1))
            .is_empty());
        let late = store.new_payment_id().unwrap();
        assert_eq!(late, open + 1, "seeding a lower id keeps the counter");
        store.insert(record(late, PaymentState::PaymentMethodChosen), None);
        assert_eq!(store.advance_clock(Duration::from_secs(1)), vec![open]);
        assert!(store.advance_clock(Duration::from_secs(1)).is_empty());
        assert_eq!(store.advance_clock(PAYMENT_TIMEOUT), vec![late]);
    }

    #[test]
    fn seeding_moves_the_counters_past_the_seeded_ids() {
        let mut store = Store::new();
        store
            .seed(record(FIRST_PAYMENT_ID + 41, PaymentState::Paid), None)
            .unwrap();
        assert_eq!(store.new_payment_id(), Ok(FIRST_PAYMENT_ID + 42));
        store.seed_card(Card::new(FIRST_CARD_ID + 9)).unwrap();
        assert_eq!(store.new_card_id(), Ok(FIRST_CARD_ID + 10));
    }

    #[test]
    fn a_new_id_never_replaces_a_stored_payment() {
        let mut store = Store::new();
        // A payment inserted under the counter's next id (as a restored state could hold).
        store.insert(record(FIRST_PAYMENT_ID, PaymentState::Paid), None);
        assert_eq!(store.new_payment_id(), Ok(FIRST_PAYMENT_ID + 1));
        store
            .seed(record(LAST_ID - 1, PaymentState::Paid), None)
            .unwrap();
        assert_eq!(store.new_payment_id(), Ok(LAST_ID));
        assert!(store.new_payment_id().is_err());
        assert!(store
            .seed(record(u64::MAX, PaymentState::Paid), None)
            .is_err());
        assert!(
            store.get(u64::MAX).is_err(),
            "a refused seed stores nothing"
        );
    }
}
