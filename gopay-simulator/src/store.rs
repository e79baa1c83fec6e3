//! The simulator's data: payments (the wire view plus bookkeeping), saved cards and the id
//! counters. Everything here lives behind one mutex in the shared state.

use std::collections::HashMap;
use std::time::SystemTime;

use super::notify::Notice;
use super::responses::{payment_not_found, Refusal};
// EET was abolished in 2023; the simulator still keeps the data for its EET endpoints.
#[allow(deprecated)]
use gopay::Eet;
use gopay::{
    Card, Currency, Payment, PaymentState, PreAuthState, Preauthorization, RecurrenceCycle,
    RecurrenceState, Refund, SubState,
};

/// First payment id handed out (GoPay's ids are ten digits).
const FIRST_PAYMENT_ID: u64 = 3_000_000_001;
/// First saved-card id.
const FIRST_CARD_ID: u64 = 3_011_000_001;
/// First refund id.
const FIRST_REFUND_ID: u64 = 4_000_000_001;

/// One payment: what a status call returns, plus what GoPay keeps to itself.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// The wire view, kept up to date by every transition.
    pub(crate) payment: Payment,
    /// The amount: as created, or as captured after a partial capture.
    pub(crate) amount: i64,
    pub(crate) currency: Currency,
    pub(crate) notification_url: Option<String>,
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
        Some(Notice {
            notification_url: url.clone(),
            payment_id: self.payment.id,
            state,
        })
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

/// Payments, cards and counters.
pub(crate) struct Store {
    payments: HashMap<u64, Record>,
    pub(crate) cards: HashMap<u64, Card>,
    /// Gateway page key → payment id.
    gateway_pages: HashMap<String, u64>,
    next_payment: u64,
    next_card: u64,
    next_refund: u64,
}

impl Store {
    pub(crate) fn new() -> Store {
        Store {
            payments: HashMap::new(),
            cards: HashMap::new(),
            gateway_pages: HashMap::new(),
            next_payment: FIRST_PAYMENT_ID,
            next_card: FIRST_CARD_ID,
            next_refund: FIRST_REFUND_ID,
        }
    }

    pub(crate) fn new_payment_id(&mut self) -> u64 {
        let id = self.next_payment;
        self.next_payment += 1;
        id
    }

    pub(crate) fn new_card_id(&mut self) -> u64 {
        let id = self.next_card;
        self.next_card += 1;
        id
    }

    pub(crate) fn new_refund_id(&mut self) -> u64 {
        let id = self.next_refund;
        self.next_refund += 1;
        id
    }

    /// Adds a payment (its id must come from [`Store::new_payment_id`]).
    pub(crate) fn insert(&mut self, record: Record, gateway_key: Option<String>) {
        if let Some(key) = gateway_key {
            self.gateway_pages.insert(key, record.payment.id);
        }
        self.payments.insert(record.payment.id, record);
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
}
