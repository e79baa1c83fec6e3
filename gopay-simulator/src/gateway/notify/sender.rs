//! The notification sender: the record of the notifications kept ([`Kept`], bounded), the
//! queue of attempts due on the notifications' test clock, and the background threads that
//! make them. State
//! changes hand it notices and never wait; a resend makes its first attempt on the caller's
//! thread; moving the test clock waits for the attempts that fell due.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use parking_lot::{Condvar, Mutex};

use super::attempt::{self, Call, Outcome};
use super::hosts::{with_id, Destinations};
use super::kept::Kept;
use super::record::{epoch_ms, AttemptRecord, NotificationRecord};
use super::schedule;
use super::{Notice, NotificationApi, NotificationMethod};
use crate::state::shared::off_the_workers;

/// How many notifications are sent at the same time.
const SENDER_THREADS: usize = 4;

/// How long moving the test clock waits at most for the attempts that fell due.
pub(crate) const MAX_CLOCK_WAIT: Duration = Duration::from_secs(30);

/// How notifications are paced.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pacing {
    /// Attempts per notification; 0 sends none.
    pub(crate) max_attempts: u32,
    /// The first pause; later ones grow ([`schedule::pause`]).
    pub(crate) retry_delay: Duration,
}

pub(crate) struct Notifier {
    shared: Arc<Inner>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

struct Inner {
    state: Mutex<State>,
    /// Wakes senders: new work, a moved clock, or shutdown.
    work: Condvar,
    /// Wakes waiters: an attempt ended, notifications were added or forgotten, or shutdown.
    progress: Condvar,
    pacing: Pacing,
    destinations: Destinations,
    agent: ureq::Agent,
}

struct State {
    log: Kept,
    /// (due on the test clock in ms, sequence number, notification id), earliest first;
    /// holds no attempt of a notification `log` no longer keeps.
    queue: BinaryHeap<Reverse<(u64, u64, u64)>>,
    sequence: u64,
    /// Attempts under way, whichever thread makes them.
    in_flight: usize,
    /// Changes at each reset, so that an attempt begun before it is not recorded after it.
    generation: u64,
    /// How far the notifications' test clock is ahead of the real one.
    clock_offset: Duration,
    shutdown: bool,
}

/// An attempt taken from the queue (or a resend's first one), to be made without the lock.
struct Job {
    generation: u64,
    /// The notification's id.
    id: u64,
    call: Call,
    at_ms: u64,
}

impl Notifier {
    /// Starts the sender threads; at most `max_kept` notifications are kept (at least one).
    pub(crate) fn start(
        pacing: Pacing,
        allowed_hosts: &[String],
        max_kept: usize,
    ) -> std::io::Result<Notifier> {
        let shared = Arc::new(Inner {
            state: Mutex::new(State {
                log: Kept::new(max_kept),
                queue: BinaryHeap::new(),
                sequence: 0,
                in_flight: 0,
                generation: 0,
                clock_offset: Duration::ZERO,
                shutdown: false,
            }),
            work: Condvar::new(),
            progress: Condvar::new(),
            pacing,
            destinations: Destinations::new(allowed_hosts),
            agent: attempt::agent(),
        });
        let notifier = Notifier {
            shared,
            threads: Mutex::new(Vec::new()),
        };
        for n in 0..SENDER_THREADS {
            let shared = Arc::clone(&notifier.shared);
            let handle = std::thread::Builder::new()
                .name(format!("gopay-sim-notify-{n}"))
                .spawn(move || shared.run());
            match handle {
                Ok(handle) => notifier.threads.lock().push(handle),
                Err(e) => {
                    notifier.stop();
                    return Err(e);
                }
            }
        }
        Ok(notifier)
    }

    /// Records `notices` and makes their first attempt due now. Never blocks on I/O.
    pub(crate) fn send(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        let mut state = self.shared.state.lock();
        for notice in notices {
            let entry = self.shared.record(&mut state, &notice);
            let now = state.now_ms();
            if entry.sent {
                state.schedule(now, entry.id);
            }
        }
        drop(state);
        self.shared.work.notify_all();
        self.shared.progress.notify_all();
    }

    /// Records `notice` and makes its first attempt at once on this thread (at most
    /// [`attempt::ATTEMPT_TIMEOUT`]); returns the notification as it is then. Retries are
    /// queued as for [`send`](Notifier::send).
    pub(crate) fn send_now(&self, notice: &Notice) -> NotificationRecord {
        let mut state = self.shared.state.lock();
        let entry = self.shared.record(&mut state, notice);
        if !entry.sent {
            drop(state);
            self.shared.progress.notify_all();
            return entry;
        }
        let job = state.begin(entry.id, entry.call());
        drop(state);
        let outcome = off_the_workers(|| attempt::attempt(&self.shared.agent, &job.call));
        self.shared.finish(&job, outcome).unwrap_or(entry)
    }

    /// Every notification kept, oldest first.
    pub(crate) fn log(&self) -> Vec<NotificationRecord> {
        self.shared.state.lock().log.iter().cloned().collect()
    }

    /// How many notifications were dropped to keep the bound, since the last reset.
    pub(crate) fn dropped(&self) -> u64 {
        self.shared.state.lock().log.dropped()
    }

    /// How many notifications are kept at most.
    pub(crate) fn max_kept(&self) -> usize {
        self.shared.state.lock().log.max()
    }

    /// The notifications of payment `id` of `api`, oldest first.
    pub(crate) fn of_payment(&self, api: NotificationApi, id: u64) -> Vec<NotificationRecord> {
        let state = self.shared.state.lock();
        state
            .log
            .iter()
            .filter(|entry| entry.api == api && entry.payment_id == id)
            .cloned()
            .collect()
    }

    /// Moves the notifications' test clock `by` forward: pending attempts fall due that
    /// much sooner.
    pub(crate) fn advance_clock(&self, by: Duration) {
        let mut state = self.shared.state.lock();
        state.clock_offset = state.clock_offset.saturating_add(by);
        drop(state);
        self.shared.work.notify_all();
    }

    /// Waits until every attempt due now on the test clock has been made (and those under
    /// way have ended), at most [`MAX_CLOCK_WAIT`]. Retries they schedule are later, so
    /// this ends.
    pub(crate) fn wait_due(&self) {
        let deadline = Instant::now() + MAX_CLOCK_WAIT;
        off_the_workers(|| {
            let mut state = self.shared.state.lock();
            let until = state.now_ms();
            while !state.shutdown && (state.in_flight > 0 || state.due_by(until)) {
                if self
                    .shared
                    .progress
                    .wait_until(&mut state, deadline)
                    .timed_out()
                {
                    return;
                }
            }
        });
    }

    /// Takes over the log (and its count of dropped notifications) and test clock of a
    /// saved simulator. The notifications not finished then are attempted again now, when
    /// their host may still be called and attempts are left; the others are finished. A log
    /// longer than the bound is then shrunk as it would have been while running.
    pub(crate) fn restore(
        &self,
        log: Vec<NotificationRecord>,
        dropped: u64,
        clock_offset: Duration,
    ) {
        let mut state = self.shared.state.lock();
        state.generation += 1;
        state.queue.clear();
        state.clock_offset = clock_offset;
        state.log.replace(log, dropped);
        let max_attempts = self.shared.pacing.max_attempts as usize;
        let mut retried = Vec::new();
        for entry in state.log.iter_mut().filter(|entry| !entry.finished) {
            let retry = entry.sent
                && self.shared.destinations.allow(&entry.url)
                && entry.attempts.len() < max_attempts;
            if retry {
                retried.push(entry.id);
            } else {
                entry.finished = true;
                entry.next_attempt_ms = None;
            }
        }
        let gone = state.log.shrink();
        let now = state.now_ms();
        for id in retried.into_iter().filter(|id| !gone.contains(id)) {
            state.schedule(now, id);
        }
        drop(state);
        self.shared.work.notify_all();
        self.shared.progress.notify_all();
    }

    /// Forgets every notification and the clock's offset; ids start again from 1. An
    /// attempt under way ends unrecorded.
    pub(crate) fn reset(&self) {
        let mut state = self.shared.state.lock();
        state.generation += 1;
        state.log.clear();
        state.queue.clear();
        state.clock_offset = Duration::ZERO;
        drop(state);
        self.shared.progress.notify_all();
    }

    /// Waits until every notification so far is finished, at most `timeout`.
    pub(crate) fn wait_finished(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.shared.state.lock();
        loop {
            let all_finished = state.log.iter().all(|n| n.finished);
            if all_finished || state.shutdown {
                return all_finished;
            }
            match deadline {
                Some(deadline) => {
                    if self
                        .shared
                        .progress
                        .wait_until(&mut state, deadline)
                        .timed_out()
                    {
                        return state.log.iter().all(|n| n.finished);
                    }
                }
                None => self.shared.progress.wait(&mut state),
            }
        }
    }

    /// Stops the senders (pending attempts are dropped) and joins them; an attempt in
    /// flight finishes first (at most [`attempt::ATTEMPT_TIMEOUT`]).
    pub(crate) fn stop(&self) {
        self.shared.state.lock().shutdown = true;
        self.shared.work.notify_all();
        self.shared.progress.notify_all();
        let threads = std::mem::take(&mut *self.threads.lock());
        for thread in threads {
            let _ = thread.join();
        }
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        self.stop();
    }
}

impl State {
    /// Now on the notifications' test clock, in ms since the Unix epoch.
    fn now_ms(&self) -> u64 {
        let now = SystemTime::now();
        // The control API bounds the offset, so this never falls back in practice.
        epoch_ms(now.checked_add(self.clock_offset).unwrap_or(now))
    }

    fn schedule(&mut self, due_ms: u64, id: u64) {
        self.sequence += 1;
        self.queue.push(Reverse((due_ms, self.sequence, id)));
        if let Some(entry) = self.log.get_mut(id) {
            entry.next_attempt_ms = Some(due_ms);
        }
    }

    /// Forgets the queued attempts of notifications the log dropped, so that none runs
    /// against a record that is gone (and waiting for due attempts never waits on them).
    fn unqueue(&mut self, dropped: &[u64]) {
        if !dropped.is_empty() {
            self.queue
                .retain(|Reverse((_, _, id))| !dropped.contains(id));
        }
    }

    /// Whether an attempt is queued for `until_ms` or earlier.
    fn due_by(&self, until_ms: u64) -> bool {
        self.queue
            .peek()
            .is_some_and(|Reverse((due, _, _))| *due <= until_ms)
    }

    /// Marks the attempt of notification `id` as under way.
    fn begin(&mut self, id: u64, call: Call) -> Job {
        self.in_flight += 1;
        if let Some(entry) = self.log.get_mut(id) {
            entry.next_attempt_ms = None;
        }
        Job {
            generation: self.generation,
            id,
            call,
            at_ms: self.now_ms(),
        }
    }
}

impl Inner {
    /// Adds the notification of `notice` to the log (dropping what the bound requires, with
    /// its queued attempts); returns it as recorded (the newest is always kept).
    fn record(&self, state: &mut State, notice: &Notice) -> NotificationRecord {
        let url = match notice.method {
            NotificationMethod::Get => with_id(&notice.notification_url, notice.payment_id),
            NotificationMethod::Post => notice.notification_url.clone(),
        };
        // A notification to any other host is not sent; it stays in the log, finished
        // with no attempt, for the test to see.
        let sent = self.pacing.max_attempts > 0 && self.destinations.allow(&url);
        let entry = NotificationRecord {
            id: state.log.next_id(),
            payment_id: notice.payment_id,
            url,
            api: notice.api,
            method: notice.method,
            payment_state: notice.state.clone(),
            charge_state: notice.charge_state.clone(),
            attempts: Vec::new(),
            delivered: false,
            finished: !sent,
            sent,
            next_attempt_ms: None,
        };
        let dropped = state.log.push(entry.clone());
        state.unqueue(&dropped);
        entry
    }

    fn run(&self) {
        while let Some(job) = self.next_due() {
            let outcome = attempt::attempt(&self.agent, &job.call);
            self.finish(&job, outcome);
        }
    }

    /// Waits for the next due attempt and takes it; `None` on shutdown.
    fn next_due(&self) -> Option<Job> {
        let mut state = self.state.lock();
        loop {
            if state.shutdown {
                return None;
            }
            let now = state.now_ms();
            match state.queue.peek().copied() {
                Some(Reverse((due, _, id))) if due <= now => {
                    state.queue.pop();
                    let call = state.log.get(id).map(NotificationRecord::call);
                    if let Some(call) = call {
                        return Some(state.begin(id, call));
                    }
                }
                Some(Reverse((due, _, _))) => {
                    self.work
                        .wait_for(&mut state, Duration::from_millis(due - now));
                }
                None => self.work.wait(&mut state),
            }
        }
    }

    /// Records the outcome of `job` and queues the next attempt when one follows; returns
    /// the notification as it is now (`None` when a reset forgot it meanwhile).
    fn finish(&self, job: &Job, outcome: Outcome) -> Option<NotificationRecord> {
        let mut state = self.state.lock();
        state.in_flight -= 1;
        let entry = if state.generation == job.generation {
            let now = state.now_ms();
            let max_attempts = self.pacing.max_attempts as usize;
            let retry_delay = self.pacing.retry_delay;
            // `None` when the bound dropped it meanwhile: no retry follows then.
            state.log.get_mut(job.id).map(|entry| {
                entry.attempts.push(AttemptRecord {
                    at_ms: job.at_ms,
                    status: outcome.status,
                    duration_ms: u64::try_from(outcome.took.as_millis()).unwrap_or(u64::MAX),
                    error: outcome.error,
                });
                entry.delivered = outcome.status == Some(200);
                entry.finished = entry.delivered || entry.attempts.len() >= max_attempts;
                let pause = schedule::pause(retry_delay, entry.attempts.len());
                let due = u64::try_from(pause.as_millis())
                    .map_or(u64::MAX, |pause| now.saturating_add(pause));
                (entry.clone(), (!entry.finished).then_some(due))
            })
        } else {
            None
        };
        let snapshot = entry.map(|(entry, due)| {
            if let Some(due) = due {
                state.schedule(due, job.id);
            }
            entry
        });
        drop(state);
        self.work.notify_all();
        self.progress.notify_all();
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopay::PaymentState;

    fn notice(url: &str, payment_id: u64) -> Notice {
        Notice::v3(url.into(), payment_id, PaymentState::Paid)
    }

    fn pacing(max_attempts: u32, retry_delay: Duration) -> Pacing {
        Pacing {
            max_attempts,
            retry_delay,
        }
    }

    #[test]
    fn unsendable_notifications_are_recorded_as_finished() {
        let notifier = Notifier::start(pacing(3, Duration::from_millis(1)), &[], 100).unwrap();
        notifier.send(vec![notice("https://shop.example/notify", 5)]);
        assert!(notifier.wait_finished(Duration::from_secs(1)));
        let log = notifier.log();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].url, "https://shop.example/notify?id=5");
        assert!(log[0].attempts.is_empty());
        assert!(!log[0].delivered && log[0].finished && !log[0].sent);
        assert_eq!(log[0].next_attempt_ms, None);
        notifier.stop();
    }

    #[test]
    fn refused_connections_are_retried_then_given_up() {
        // A port nobody listens on: bind, note the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let notifier = Notifier::start(pacing(3, Duration::from_millis(1)), &[], 100).unwrap();
        notifier.send(vec![notice(&format!("http://127.0.0.1:{port}/n"), 9)]);
        assert!(notifier.wait_finished(Duration::from_secs(20)));
        let log = notifier.log();
        assert_eq!(log[0].attempts.len(), 3);
        assert!(!log[0].delivered && log[0].sent);
        assert!(log[0]
            .attempts
            .iter()
            .all(|a| a.status.is_none() && a.error.as_deref() == Some("refused")));
        notifier.stop();
    }

    #[test]
    fn ids_count_from_one_again_after_a_reset() {
        let notifier = Notifier::start(pacing(0, Duration::ZERO), &[], 100).unwrap();
        notifier.send(vec![
            notice("http://127.0.0.1:1/a", 1),
            notice("http://127.0.0.1:1/b", 2),
        ]);
        let ids: Vec<u64> = notifier.log().iter().map(|n| n.id).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!(
            notifier.of_payment(NotificationApi::V3, 2)[0].url,
            "http://127.0.0.1:1/b?id=2"
        );
        assert!(notifier.of_payment(NotificationApi::V4, 2).is_empty());
        notifier.reset();
        assert!(notifier.log().is_empty());
        notifier.send(vec![notice("http://127.0.0.1:1/c", 3)]);
        assert_eq!(notifier.log()[0].id, 1);
        notifier.stop();
    }
}
