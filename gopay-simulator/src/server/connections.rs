//! The open connections: how many the server keeps, and which one it closes to make room.
//! A client that opens connections and never finishes a request must not use up the
//! process's file descriptors and leave the next client unanswered: past the limit, the
//! connection that has waited longest for a request is closed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

/// Marks a connection whose request is being answered: never the one closed.
const BUSY: u64 = u64::MAX;

/// File descriptors left to the rest of the process (notifications, the log, the runtime)
/// when the connection limit comes from the process's open-file limit.
const RESERVED_DESCRIPTORS: usize = 64;

/// The smallest default limit, whatever the open-file limit says.
const MIN_DEFAULT_LIMIT: usize = 64;

/// The default connection limit: the process's open-file limit less what the rest of the
/// process needs (1024 when the limit cannot be read).
pub(crate) fn default_limit() -> usize {
    open_file_limit()
        .map_or(1024, |limit| limit.saturating_sub(RESERVED_DESCRIPTORS))
        .max(MIN_DEFAULT_LIMIT)
}

/// The soft open-file limit, where the platform says it without a system call of our own.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Whether an accept error means the process is out of file descriptors (`EMFILE`,
/// `ENFILE`; `WSAEMFILE` on Windows).
pub(crate) fn out_of_descriptors(error: &std::io::Error) -> bool {
    matches!(error.raw_os_error(), Some(23 | 24)) && cfg!(unix)
        || matches!(error.raw_os_error(), Some(10024)) && cfg!(windows)
}

/// The table of open connections.
pub(crate) struct Connections {
    limit: usize,
    open: Mutex<HashMap<u64, Arc<Slot>>>,
    next_id: AtomicU64,
    /// Orders the moments connections start waiting: the smallest waited longest.
    ticks: AtomicU64,
}

/// One open connection's entry.
pub(crate) struct Slot {
    /// The tick at which it started waiting for a request, or [`BUSY`].
    waiting_since: AtomicU64,
    close: Notify,
}

/// A connection's place in the table; dropping it frees the place.
pub(crate) struct Admitted {
    id: u64,
    slot: Arc<Slot>,
    table: Arc<Connections>,
}

impl Connections {
    /// A table that keeps at most `limit` connections (at least one).
    pub(crate) fn new(limit: usize) -> Connections {
        Connections {
            limit: limit.max(1),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            ticks: AtomicU64::new(0),
        }
    }

    /// Registers a new connection, waiting for its first request; past the limit, closes the
    /// connection that has waited longest (the new one when every other is busy).
    pub(crate) fn admit(self: &Arc<Self>) -> Admitted {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            waiting_since: AtomicU64::new(self.tick()),
            close: Notify::new(),
        });
        let over = {
            let mut open = self.open.lock();
            open.insert(id, Arc::clone(&slot));
            open.len() > self.limit
        };
        if over {
            self.shed();
        }
        Admitted {
            id,
            slot,
            table: Arc::clone(self),
        }
    }

    /// Closes the connection that has waited longest for a request; `false` when every
    /// connection is busy answering one.
    pub(crate) fn shed(&self) -> bool {
        let open = self.open.lock();
        let longest = open
            .values()
            .filter(|slot| slot.waiting_since.load(Ordering::Relaxed) != BUSY)
            .min_by_key(|slot| slot.waiting_since.load(Ordering::Relaxed));
        match longest {
            Some(slot) => {
                // Mark it so that the next shed picks another one.
                slot.waiting_since.store(BUSY, Ordering::Relaxed);
                slot.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn tick(&self) -> u64 {
        self.ticks.fetch_add(1, Ordering::Relaxed)
    }
}

impl Admitted {
    /// The connection's request is being answered: it is not closed to make room.
    pub(crate) fn busy(&self) {
        self.slot.waiting_since.store(BUSY, Ordering::Relaxed);
    }

    /// The connection waits for its next request (from now on).
    pub(crate) fn waiting(&self) {
        self.slot
            .waiting_since
            .store(self.table.tick(), Ordering::Relaxed);
    }

    /// Returns once the connection is chosen to be closed.
    pub(crate) async fn closed(&self) {
        self.slot.close.notified().await;
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.table.open.lock().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_waiting_connection_makes_room() {
        let table = Arc::new(Connections::new(2));
        let first = table.admit();
        let second = table.admit();
        first.busy();
        // A third connection: the second waited longest among those not busy.
        let third = table.admit();
        assert_eq!(table.open.lock().len(), 3);
        assert_eq!(second.slot.waiting_since.load(Ordering::Relaxed), BUSY);
        assert_ne!(third.slot.waiting_since.load(Ordering::Relaxed), BUSY);
        drop(second);
        // The first answered and waits again, since after the third: the third goes first.
        first.waiting();
        assert!(table.shed());
        assert_eq!(third.slot.waiting_since.load(Ordering::Relaxed), BUSY);
        assert!(table.shed());
        assert!(!table.shed(), "every connection is busy or already closing");
        drop((first, third));
        assert!(table.open.lock().is_empty());
    }

    #[test]
    fn the_default_limit_leaves_room() {
        assert!(default_limit() >= MIN_DEFAULT_LIMIT);
        if let Some(limit) = open_file_limit() {
            assert!(default_limit() <= limit.max(MIN_DEFAULT_LIMIT));
        }
        let emfile = std::io::Error::from_raw_os_error(24);
        assert_eq!(out_of_descriptors(&emfile), cfg!(unix));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(!out_of_descriptors(&reset));
    }
}
