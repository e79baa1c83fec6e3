//! The notifications the simulator keeps: oldest first, at most a bound
//! ([`MAX_NOTIFICATIONS`] unless the builder sets another), so a long-running sandbox or a
//! runaway test cannot fill memory. When full, the oldest finished notification goes first;
//! one still waiting for its next attempt goes only when every kept one is waiting, and then
//! its attempts go with it (the caller drops them from its queue). What was dropped is
//! counted.

use std::collections::VecDeque;

use super::record::NotificationRecord;

/// How many notifications the simulator keeps unless
/// [`SimulatorBuilder::max_notifications`](crate::SimulatorBuilder::max_notifications) sets
/// another bound. Past it, the oldest finished notification (delivered, out of attempts, or
/// not sent) is dropped first; the count of dropped ones is
/// [`Simulator::notifications_dropped`](crate::Simulator::notifications_dropped).
pub const MAX_NOTIFICATIONS: usize = 10_000;

/// The kept notifications, in the order of their ids.
pub(crate) struct Kept {
    records: VecDeque<NotificationRecord>,
    /// At least 1: the newest notification always stays.
    max: usize,
    /// The id the next notification gets (ids keep counting when old ones are dropped).
    next_id: u64,
    /// How many were dropped since the last reset.
    dropped: u64,
}

impl Kept {
    /// An empty list of at most `max` notifications (at least one).
    pub(crate) fn new(max: usize) -> Kept {
        Kept {
            records: VecDeque::new(),
            max: max.max(1),
            next_id: 1,
            dropped: 0,
        }
    }

    /// The bound.
    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// How many notifications were dropped since the last reset.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The id the next notification gets.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Adds `record` (its id is [`next_id`](Kept::next_id)) and drops what the bound
    /// requires; returns the ids of dropped notifications that were still pending.
    pub(crate) fn push(&mut self, record: NotificationRecord) -> Vec<u64> {
        self.next_id = self.next_id.max(record.id.saturating_add(1));
        self.records.push_back(record);
        self.shrink()
    }

    /// Drops notifications until the bound holds: the oldest finished one first, else the
    /// oldest of all. Returns the ids of dropped pending ones.
    pub(crate) fn shrink(&mut self) -> Vec<u64> {
        let mut pending = Vec::new();
        while self.records.len() > self.max {
            let oldest_finished = self.records.iter().position(|record| record.finished);
            let Some(dropped) = self.records.remove(oldest_finished.unwrap_or(0)) else {
                break;
            };
            self.dropped = self.dropped.saturating_add(1);
            if !dropped.finished {
                pending.push(dropped.id);
            }
        }
        pending
    }

    /// The notification `id`, while it is kept.
    pub(crate) fn get(&self, id: u64) -> Option<&NotificationRecord> {
        let index = self.index(id)?;
        self.records.get(index)
    }

    /// The notification `id`, while it is kept.
    pub(crate) fn get_mut(&mut self, id: u64) -> Option<&mut NotificationRecord> {
        let index = self.index(id)?;
        self.records.get_mut(index)
    }

    fn index(&self, id: u64) -> Option<usize> {
        self.records
            .binary_search_by_key(&id, |record| record.id)
            .ok()
    }

    /// Every kept notification, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &NotificationRecord> {
        self.records.iter()
    }

    /// Every kept notification, oldest first, to change in place (never their ids).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut NotificationRecord> {
        self.records.iter_mut()
    }

    /// Forgets every notification and the dropped count; ids start again from 1.
    pub(crate) fn clear(&mut self) {
        self.records.clear();
        self.next_id = 1;
        self.dropped = 0;
    }

    /// Takes over saved notifications and their dropped count, not shrunk yet (the caller
    /// first decides which of them are finished). Sorted by id, so that lookups work
    /// whatever order a file held them in.
    pub(crate) fn replace(&mut self, mut records: Vec<NotificationRecord>, dropped: u64) {
        records.sort_by_key(|record| record.id);
        self.next_id = records.last().map_or(1, |last| last.id.saturating_add(1));
        self.records = records.into();
        self.dropped = dropped;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::notify::{NotificationApi, NotificationMethod};
    use gopay::PaymentState;

    fn record(id: u64, finished: bool) -> NotificationRecord {
        NotificationRecord {
            id,
            payment_id: 3_000_000_000 + id,
            url: format!("http://127.0.0.1:1/n?id={id}"),
            api: NotificationApi::V3,
            method: NotificationMethod::Get,
            payment_state: PaymentState::Paid,
            charge_state: None,
            attempts: Vec::new(),
            delivered: false,
            finished,
            sent: true,
            next_attempt_ms: None,
        }
    }

    fn ids(kept: &Kept) -> Vec<u64> {
        kept.iter().map(|record| record.id).collect()
    }

    #[test]
    fn the_oldest_finished_goes_first_and_pending_ones_stay() {
        let mut kept = Kept::new(3);
        assert!(kept.push(record(1, false)).is_empty());
        assert!(kept.push(record(2, true)).is_empty());
        assert!(kept.push(record(3, true)).is_empty());
        assert!(kept.push(record(4, false)).is_empty(), "2 was finished");
        assert_eq!(ids(&kept), [1, 3, 4]);
        assert!(kept.push(record(5, false)).is_empty(), "3 was finished");
        assert_eq!(ids(&kept), [1, 4, 5]);
        assert_eq!(kept.dropped(), 2);
        // All pending: the oldest goes, and the caller learns it was pending.
        assert_eq!(kept.push(record(6, false)), [1]);
        assert_eq!(ids(&kept), [4, 5, 6]);
        assert_eq!((kept.dropped(), kept.next_id()), (3, 7));
        assert!(kept.get(1).is_none() && kept.get(5).is_some());
        kept.get_mut(5).unwrap().finished = true;
        kept.push(record(7, true));
        assert_eq!(ids(&kept), [4, 6, 7]);
        kept.clear();
        assert_eq!(
            (ids(&kept).len(), kept.dropped(), kept.next_id()),
            (0, 0, 1)
        );
    }

    #[test]
    fn a_bound_of_zero_keeps_the_newest() {
        let mut kept = Kept::new(0);
        assert_eq!(kept.max(), 1);
        kept.push(record(1, true));
        kept.push(record(2, true));
        assert_eq!(ids(&kept), [2]);
        assert_eq!(kept.dropped(), 1);
    }

    #[test]
    fn saved_notifications_are_sorted_and_shrunk_on_request() {
        let mut kept = Kept::new(2);
        kept.replace(vec![record(9, true), record(4, false), record(6, true)], 5);
        assert_eq!(ids(&kept), [4, 6, 9]);
        assert_eq!(kept.next_id(), 10);
        assert!(kept.shrink().is_empty());
        assert_eq!(ids(&kept), [4, 9]);
        assert_eq!(kept.dropped(), 6);
        assert_eq!(kept.get(9).map(|record| record.id), Some(9));
    }
}
