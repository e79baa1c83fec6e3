//! Id counters of payments, cards and refunds: each hands out increasing ids that never
//! wrap and never take an id already in use, and refuses to be seeded past the last id.

use crate::Error;

use crate::gateway::responses::{Refusal, PAYMENT_CREATE_FAILED, WRONG_FORMAT};

/// The largest id the simulator stores or hands out. GoPay's ids are Java `long`s (its Java
/// and .NET SDKs model them as `Long`/`long`, PHP holds them in a signed 64-bit `int`), so
/// no GoPay payment, card or refund can have a larger one.
pub(crate) const LAST_ID: u64 = i64::MAX as u64;

/// What an id names, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    Payment,
    Card,
    Refund,
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Payment => "payment",
            IdKind::Card => "card",
            IdKind::Refund => "refund",
        }
    }

    /// The field that names the id in a seeded body.
    fn field(self) -> &'static str {
        match self {
            IdKind::Payment | IdKind::Refund => "id",
            IdKind::Card => "card_id",
        }
    }
}

/// Increasing ids from a first one up to [`LAST_ID`].
#[derive(Clone, Debug)]
pub(crate) struct Counter {
    kind: IdKind,
    /// The next id to try; `LAST_ID + 1` once every id has been handed out.
    next: u64,
}

impl Counter {
    pub(crate) const fn starting_at(kind: IdKind, first: u64) -> Counter {
        Counter { kind, next: first }
    }

    /// A counter that hands out `next` next, as a saved one did; `None` when `next` is not
    /// a value a counter can hold (0, or past `LAST_ID + 1`).
    pub(crate) fn resumed(kind: IdKind, next: u64) -> Option<Counter> {
        (1..=LAST_ID + 1)
            .contains(&next)
            .then_some(Counter { kind, next })
    }

    /// The id tried next (`LAST_ID + 1` once every id was handed out).
    pub(crate) fn upcoming(&self) -> u64 {
        self.next
    }

    /// The next id for which `taken` is false.
    ///
    /// # Errors
    ///
    /// [`Exhausted`] once [`LAST_ID`] has been handed out: ids never wrap.
    pub(crate) fn next(&mut self, taken: impl Fn(u64) -> bool) -> Result<u64, Exhausted> {
        while self.next <= LAST_ID {
            let id = self.next;
            self.next += 1;
            if !taken(id) {
                return Ok(id);
            }
        }
        Err(Exhausted(self.kind))
    }

    /// Lets later ids continue after a seeded `id`.
    ///
    /// # Errors
    ///
    /// [`NoRoom`] when `id` is [`LAST_ID`] or above: no id could follow it (and none above
    /// it is a GoPay id). The counter is then left as it was.
    pub(crate) fn seeded(&mut self, id: u64) -> Result<(), NoRoom> {
        if id >= LAST_ID {
            return Err(NoRoom {
                kind: self.kind,
                id,
            });
        }
        self.next = self.next.max(id + 1);
        Ok(())
    }
}

/// A seeded id that leaves no room for the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NoRoom {
    kind: IdKind,
    id: u64,
}

impl NoRoom {
    fn message(self) -> String {
        format!(
            "{} id {} leaves no room for the next one: seeded ids must be below {LAST_ID} \
             (GoPay's ids are signed 64-bit numbers, and ids never wrap)",
            self.kind.noun(),
            self.id
        )
    }

    /// The error the Rust API returns.
    pub(crate) fn into_error(self) -> Error {
        Error::refused(self.kind.field(), self.message())
    }
}

impl From<NoRoom> for Refusal {
    /// The control API's answer: 409 in GoPay's envelope, naming the id field.
    fn from(no_room: NoRoom) -> Refusal {
        Refusal::field(409, WRONG_FORMAT, no_room.kind.field(), no_room.message())
    }
}

/// Every id up to [`LAST_ID`] has been handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exhausted(IdKind);

impl Exhausted {
    pub(crate) fn message(self) -> String {
        format!(
            "no {} id is left after {LAST_ID}: reset the simulator or seed lower ids",
            self.0.noun()
        )
    }
}

impl From<Exhausted> for Refusal {
    /// GoPay's "cannot create payment" (301) with the reason.
    fn from(exhausted: Exhausted) -> Refusal {
        Refusal::global(409, PAYMENT_CREATE_FAILED, exhausted.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_skip_taken_ones_and_never_wrap() {
        let mut counter = Counter::starting_at(IdKind::Payment, LAST_ID - 3);
        assert_eq!(counter.next(|id| id == LAST_ID - 2), Ok(LAST_ID - 3));
        assert_eq!(counter.next(|id| id == LAST_ID - 2), Ok(LAST_ID - 1));
        assert_eq!(counter.next(|_| false), Ok(LAST_ID));
        assert_eq!(counter.next(|_| false), Err(Exhausted(IdKind::Payment)));
        assert_eq!(counter.next(|_| false), Err(Exhausted(IdKind::Payment)));
    }

    #[test]
    fn a_resumed_counter_continues_and_refuses_impossible_values() {
        let mut counter = Counter::resumed(IdKind::Payment, 42).unwrap();
        assert_eq!(counter.next(|_| false), Ok(42));
        assert_eq!(counter.upcoming(), 43);
        let spent = Counter::resumed(IdKind::Refund, LAST_ID + 1).unwrap();
        assert_eq!(
            spent.clone().next(|_| false),
            Err(Exhausted(IdKind::Refund))
        );
        for next in [0, LAST_ID + 2, u64::MAX] {
            assert!(Counter::resumed(IdKind::Card, next).is_none(), "{next}");
        }
    }

    #[test]
    fn seeding_leaves_room_for_the_next_id() {
        let mut counter = Counter::starting_at(IdKind::Card, 10);
        counter.seeded(5).unwrap();
        assert_eq!(counter.next(|_| false), Ok(10));
        counter.seeded(LAST_ID - 1).unwrap();
        assert_eq!(counter.next(|_| false), Ok(LAST_ID));
        for id in [LAST_ID, LAST_ID + 1, u64::MAX] {
            let refused = counter.seeded(id).unwrap_err();
            assert!(refused.message().contains("no room"), "{id}");
            let refusal = Refusal::from(refused);
            assert_eq!((refusal.status, refusal.code()), (409, 111));
        }
        let err = Counter::starting_at(IdKind::Card, 1)
            .seeded(u64::MAX)
            .unwrap_err()
            .into_error();
        assert!(matches!(
            err,
            Error::Refused {
                field: "card_id",
                ..
            }
        ));
    }
}
