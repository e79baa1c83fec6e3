//! The single-flight token manager: one token request in flight per client, however many
//! threads need a token, and no lock held across network or cache I/O.
//!
//! State machine, guarded by one `parking_lot::Mutex` and woken through one `Condvar`:
//! - a fresh token in memory is returned at once (the hit path: one lock, one clock read);
//! - the first thread that finds none marks the state "refreshing", drops the lock, asks the
//!   [`TokenCache`] and, on a miss, the token endpoint, then publishes the result and wakes
//!   everyone;
//! - threads arriving meanwhile keep using the old token while it is still valid (refresh
//!   ahead), otherwise wait for the refresher, bounded by their own deadline;
//! - a drop guard publishes a failure if the refresher unwinds, so no waiter is left behind.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::cache::{CachedToken, TokenCache};
use super::clock::Clock;
use crate::error::Error;
use crate::event::{Event, EventHook, ExchangeKind};
use crate::text::one_line;

/// While another thread refreshes, an old token is still used if it stays valid this long
/// (at most half the refresh margin, so that a refresh always starts with the old token
/// still usable): enough for a call to reach GoPay before the token expires.
const REFRESH_AHEAD_FLOOR: Duration = Duration::from_secs(5);

/// Longest pause between two looks at the cache while another client holds the refresh lock.
const MAX_LOCK_POLL: Duration = Duration::from_millis(100);

/// The longest cache error message passed on to the event hook.
const MAX_CACHE_ERROR_LEN: usize = 300;

/// What the manager asked of its token cache, for the events that report cache problems.
#[derive(Clone, Copy)]
enum CacheOp {
    Get,
    Set,
    Delete,
    Lock,
}

impl CacheOp {
    fn as_str(self) -> &'static str {
        match self {
            CacheOp::Get => "GET",
            CacheOp::Set => "SET",
            CacheOp::Delete => "DELETE",
            CacheOp::Lock => "LOCK",
        }
    }
}

pub(crate) struct TokenManager {
    cache: Arc<dyn TokenCache>,
    key: String,
    margin: Duration,
    /// How long a fleet-wide refresh lock may be held: one token request's budget.
    lock_ttl: Duration,
    state: Mutex<State>,
    refreshed: Condvar,
    clock: Clock,
    /// Told about token cache problems (the client's event hook).
    on_event: Option<EventHook>,
}

#[derive(Default)]
struct State {
    current: Option<Arc<CachedToken>>,
    /// When `current` stops being fresh, on the monotonic clock: the hit path compares it
    /// with the instant the call started instead of reading the wall clock again.
    fresh_until: Option<Instant>,
    refreshing: bool,
    /// Incremented each time a refresh ends, so waiters can tell that one did.
    generation: u64,
    /// Why the last refresh failed, handed to the threads that waited for it.
    last_failure: Option<Error>,
    /// The last token GoPay refused, never to be taken from the cache again.
    revoked: Option<String>,
    /// Threads blocked on the condvar right now.
    waiters: usize,
}

impl TokenManager {
    pub(crate) fn new(
        cache: Arc<dyn TokenCache>,
        key: String,
        margin: Duration,
        lock_ttl: Duration,
        on_event: Option<EventHook>,
    ) -> TokenManager {
        TokenManager {
            cache,
            key,
            margin,
            lock_ttl,
            state: Mutex::new(State::default()),
            refreshed: Condvar::new(),
            clock: Clock::default(),
            on_event,
        }
    }

    /// The same manager on `clock` (tests move it forward instead of sleeping).
    #[cfg(test)]
    fn with_clock(mut self, clock: Clock) -> TokenManager {
        self.clock = clock;
        self
    }

    pub(crate) fn cache_key(&self) -> &str {
        &self.key
    }

    /// A token to call the API with, fetched with `fetch` when none is fresh; `now` is when
    /// the call started.
    ///
    /// Returns the token and whether this call refreshed it.
    pub(crate) fn token(
        &self,
        now: Instant,
        deadline: Instant,
        fetch: &dyn Fn(Instant) -> Result<CachedToken, Error>,
    ) -> Result<(Arc<CachedToken>, bool), Error> {
        let mut state = self.state.lock();
        if let (Some(token), Some(fresh_until)) = (&state.current, state.fresh_until) {
            if now < fresh_until {
                return Ok((Arc::clone(token), false));
            }
        }
        let mut waited_for = None;
        loop {
            let now = self.clock.system();
            match &state.current {
                Some(token) if token.is_valid_for(self.margin, now) => {
                    return Ok((Arc::clone(token), false));
                }
                // The refresh we waited for ended: take what it left, even if it is inside the
                // margin already (a short-lived token), rather than refresh again at once.
                Some(token)
                    if waited_for.is_some_and(|g| g != state.generation)
                        && token.is_valid_for(Duration::ZERO, now) =>
                {
                    return Ok((Arc::clone(token), false));
                }
                _ => {}
            }
            if let (Some(generation), Some(failure)) = (waited_for, &state.last_failure) {
                if generation != state.generation {
                    return Err(failure.clone());
                }
            }
            if !state.refreshing {
                state.refreshing = true;
                drop(state);
                return self.refresh(deadline, fetch).map(|token| (token, true));
            }
            if let Some(token) = &state.current {
                if token.is_valid_for((self.margin / 2).min(REFRESH_AHEAD_FLOOR), now) {
                    return Ok((Arc::clone(token), false));
                }
            }
            waited_for.get_or_insert(state.generation);
            state.waiters += 1;
            let timed_out = self.refreshed.wait_until(&mut state, deadline).timed_out();
            state.waiters -= 1;
            if timed_out && state.refreshing {
                return Err(Error::timed_out(
                    "waiting for another thread's token request",
                ));
            }
        }
    }

    /// Runs in the one thread that marked the state "refreshing"; no lock is held here.
    fn refresh(
        &self,
        deadline: Instant,
        fetch: &dyn Fn(Instant) -> Result<CachedToken, Error>,
    ) -> Result<Arc<CachedToken>, Error> {
        let guard = RefreshGuard {
            manager: self,
            finished: false,
        };
        let revoked = self.state.lock().revoked.clone();
        let visit = CacheVisit::new(deadline);
        let cached = self.cached_token(&visit, revoked.as_deref());
        let now = self.clock.system();
        let result = match cached {
            Some(token) if token.is_valid_for(self.margin, now) => Ok(token),
            cached => {
                // A token inside the margin but still valid (another client's or process's)
                // serves the other threads while this one fetches its successor.
                if let Some(token) = cached.filter(|t| t.is_valid_for(Duration::ZERO, now)) {
                    let mut state = self.state.lock();
                    if state
                        .current
                        .as_ref()
                        .is_none_or(|current| current.expires_at() < token.expires_at())
                    {
                        self.set_current(&mut state, Arc::new(token));
                    }
                }
                self.fetch_once_per_fleet(&visit, fetch, revoked.as_deref())
            }
        };
        guard.finish(result.map(Arc::new))
    }

    /// The cached token, unless it is the one GoPay refused or one that cannot be sent (a
    /// cache holding garbage must not fail every call until the entry expires: the token
    /// fetched instead replaces it).
    fn cached_token(&self, visit: &CacheVisit, revoked: Option<&str>) -> Option<CachedToken> {
        let token = self
            .cache_call(visit, CacheOp::Get, |cache| cache.get(&self.key))
            .flatten()
            .filter(|token| revoked != Some(token.access_token()))?;
        if !token.is_sendable() {
            self.report_cache_problem(
                CacheOp::Get,
                Duration::ZERO,
                "the cached token cannot be sent in a header (empty, too long, not printable \
                 ASCII or not a bearer token); replacing it"
                    .into(),
            );
            return None;
        }
        Some(token)
    }

    /// Fetches a token under the cache's refresh lock, so that of all the clients sharing
    /// the cache only one asks GoPay; the others poll the cache for what it stores.
    fn fetch_once_per_fleet(
        &self,
        visit: &CacheVisit,
        fetch: &dyn Fn(Instant) -> Result<CachedToken, Error>,
        revoked: Option<&str>,
    ) -> Result<CachedToken, Error> {
        let fetch_and_store = || {
            fetch(visit.deadline).inspect(|token| {
                self.cache_call(visit, CacheOp::Set, |cache| cache.set(&self.key, token));
            })
        };
        // Another client's token is waited for at most half of what is left, keeping the
        // other half to fetch one and make the call, should the lock never be given back (a
        // holder that is stopped, a lock key that does not expire).
        let started = Instant::now();
        let stop_waiting = started + visit.deadline.saturating_duration_since(started) / 2;
        let mut pause = Duration::from_millis(5);
        loop {
            match self.cache_call(visit, CacheOp::Lock, |cache| {
                cache.try_lock_refresh(&self.key, self.lock_ttl)
            }) {
                // The lock cannot be consulted: fetch rather than fail the call.
                None => return fetch_and_store(),
                Some(Some(lock)) if !lock.is_guarded() => return fetch_and_store(),
                Some(Some(_lock)) => {
                    // Another client may have stored a token between our look and our lock.
                    return match self.fresh_cached_token(visit, revoked) {
                        Some(token) => Ok(token),
                        None => fetch_and_store(),
                    };
                }
                Some(None) => {
                    if Instant::now() + pause >= stop_waiting {
                        self.report_cache_problem(
                            CacheOp::Lock,
                            started.elapsed(),
                            "another client held the refresh lock and stored no token in \
                             time; fetching a token without the lock"
                                .into(),
                        );
                        return fetch_and_store();
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(MAX_LOCK_POLL);
                    if let Some(token) = self.fresh_cached_token(visit, revoked) {
                        return Ok(token);
                    }
                }
            }
        }
    }

    fn fresh_cached_token(&self, visit: &CacheVisit, revoked: Option<&str>) -> Option<CachedToken> {
        self.cached_token(visit, revoked)
            .filter(|token| token.is_valid_for(self.margin, self.clock.system()))
    }

    /// Makes `token`, just obtained from GoPay, the one every call uses, and stores it in
    /// the cache for the other clients sharing it.
    pub(crate) fn replace(&self, token: CachedToken, deadline: Instant) {
        let visit = &CacheVisit::new(deadline);
        self.cache_call(visit, CacheOp::Set, |cache| cache.set(&self.key, &token));
        let mut state = self.state.lock();
        self.set_current(&mut state, Arc::new(token));
    }

    /// Forgets `used` after GoPay refused it, unless a newer token replaced it meanwhile.
    pub(crate) fn invalidate(&self, used: &CachedToken, deadline: Instant) {
        let visit = &CacheVisit::new(deadline);
        {
            let mut state = self.state.lock();
            if state.current.as_deref() == Some(used) {
                state.current = None;
                state.fresh_until = None;
            }
            state.revoked = Some(used.access_token().to_owned());
        }
        let cached = self
            .cache_call(visit, CacheOp::Get, |cache| cache.get(&self.key))
            .flatten();
        if cached.is_some_and(|cached| cached.access_token() == used.access_token()) {
            self.cache_call(visit, CacheOp::Delete, |cache| cache.delete(&self.key));
        }
    }

    /// Calls the user's cache; its errors and panics count as "nothing there" and are
    /// reported to the event hook. Nothing is asked once the visit's deadline has passed,
    /// nor after the cache failed once in this visit (a hung cache costs a call one cache
    /// budget, not one per operation); the cache sees the deadline through
    /// [`token_cache_deadline`](crate::token_cache_deadline).
    fn cache_call<T>(
        &self,
        visit: &CacheVisit,
        op: CacheOp,
        call: impl FnOnce(&dyn TokenCache) -> Result<T, super::CacheError>,
    ) -> Option<T> {
        let started = Instant::now();
        if started >= visit.deadline || visit.failed.get() {
            return None;
        }
        let guarded = || super::with_deadline(visit.deadline, || call(self.cache.as_ref()));
        let problem = match catch_unwind(AssertUnwindSafe(guarded)) {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(error)) => error.to_string(),
            Err(_) => "the token cache panicked".to_owned(),
        };
        visit.failed.set(true);
        self.report_cache_problem(op, started.elapsed(), problem);
        None
    }

    /// Tells the event hook that the cache failed (the call went on as on a miss).
    fn report_cache_problem(&self, op: CacheOp, duration: Duration, problem: String) {
        let Some(hook) = &self.on_event else {
            return;
        };
        let problem: String = one_line(&problem)
            .chars()
            .take(MAX_CACHE_ERROR_LEN)
            .collect();
        let event = Event {
            kind: ExchangeKind::TokenCache,
            method: op.as_str(),
            path: self.key.clone(),
            status: None,
            duration,
            attempt: 1,
            token_refreshed: false,
            error: Some(problem),
        };
        // An observer that panics must not fail the payment it observes.
        let _ = catch_unwind(AssertUnwindSafe(|| hook(&event)));
    }
}

/// One call's dealings with the token cache: bounded by the call's deadline, and over as
/// soon as the cache fails once.
struct CacheVisit {
    deadline: Instant,
    failed: Cell<bool>,
}

impl CacheVisit {
    fn new(deadline: Instant) -> CacheVisit {
        CacheVisit {
            deadline,
            failed: Cell::new(false),
        }
    }
}

/// Ends a refresh whatever happens: publishes the result, or a failure when the refreshing
/// thread unwinds, clears the "refreshing" mark and wakes every waiter.
struct RefreshGuard<'a> {
    manager: &'a TokenManager,
    finished: bool,
}

impl RefreshGuard<'_> {
    fn finish(
        mut self,
        result: Result<Arc<CachedToken>, Error>,
    ) -> Result<Arc<CachedToken>, Error> {
        self.finished = true;
        let mut state = self.manager.state.lock();
        let result = match result {
            Ok(token) => {
                self.manager.set_current(&mut state, Arc::clone(&token));
                state.last_failure = None;
                Ok(token)
            }
            Err(err) => {
                state.last_failure = Some(err.clone());
                // The old token still works: let this call go through with it too.
                match &state.current {
                    Some(token)
                        if token.is_valid_for(Duration::ZERO, self.manager.clock.system()) =>
                    {
                        Ok(Arc::clone(token))
                    }
                    _ => Err(err),
                }
            }
        };
        self.manager.end_refresh(&mut state);
        result
    }
}

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut state = self.manager.state.lock();
            state.last_failure = Some(Error::Auth {
                status: None,
                errors: Vec::new(),
                message: "the token request was interrupted by a panic".into(),
            });
            self.manager.end_refresh(&mut state);
        }
    }
}

impl TokenManager {
    /// Makes `token` the one every call uses, fresh until its expiry minus the margin.
    fn set_current(&self, state: &mut State, token: Arc<CachedToken>) {
        let left = token
            .expires_at()
            .checked_sub(self.margin)
            .and_then(|fresh_until| fresh_until.duration_since(self.clock.system()).ok())
            .unwrap_or_default();
        let now = self.clock.instant();
        state.fresh_until = Some(now.checked_add(left).unwrap_or(now));
        state.current = Some(token);
    }

    fn end_refresh(&self, state: &mut State) {
        state.refreshing = false;
        state.generation = state.generation.wrapping_add(1);
        self.refreshed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::InMemoryTokenCache;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Barrier};
    use std::time::SystemTime;

    fn manager() -> Arc<TokenManager> {
        Arc::new(TokenManager::new(
            Arc::new(InMemoryTokenCache::new()),
            "k".into(),
            Duration::from_secs(30),
            Duration::from_secs(10),
            None,
        ))
    }

    fn token(name: &str, lifetime: Duration) -> CachedToken {
        CachedToken::new(name, "bearer", SystemTime::now() + lifetime)
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(10)
    }

    #[test]
    fn panicking_refresher_releases_waiters_with_an_error() {
        let tm = manager();
        let (entered_tx, entered_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release_rx = Mutex::new(release_rx);
        let refresher = {
            let tm = Arc::clone(&tm);
            std::thread::spawn(move || {
                let fetch = move |_| -> Result<CachedToken, Error> {
                    entered_tx.send(()).unwrap();
                    release_rx.lock().recv().unwrap();
                    panic!("boom in the refresher");
                };
                tm.token(Instant::now(), soon(), &fetch)
            })
        };
        entered_rx.recv().unwrap();
        let waiter = {
            let tm = Arc::clone(&tm);
            std::thread::spawn(move || {
                tm.token(Instant::now(), soon(), &|_| {
                    panic!("the waiter must not fetch")
                })
                .map(|_| ())
            })
        };
        // Once the waiter blocks on the condvar, make the refresher panic.
        while tm.state.lock().waiters == 0 {
            std::thread::yield_now();
        }
        release_tx.send(()).unwrap();
        assert!(refresher.join().is_err(), "the refresher panicked");
        let waited = waiter.join().unwrap();
        assert!(matches!(waited, Err(Error::Auth { .. })), "{waited:?}");
        assert!(!tm.state.lock().refreshing);
        // The next call refreshes again.
        let (t, refreshed) = tm
            .token(Instant::now(), soon(), &|_| {
                Ok(token("new", Duration::from_secs(600)))
            })
            .unwrap();
        assert!(refreshed);
        assert_eq!(t.access_token(), "new");
    }

    #[test]
    fn concurrent_callers_share_one_fetch() {
        let tm = manager();
        let fetches = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(32));
        let handles: Vec<_> = (0..32)
            .map(|_| {
                let (tm, fetches, barrier) = (tm.clone(), fetches.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let fetch = |_| {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        std::thread::yield_now();
                        Ok(token("t", Duration::from_secs(600)))
                    };
                    tm.token(Instant::now(), soon(), &fetch).unwrap().0
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap().access_token(), "t");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn failed_refresh_keeps_a_still_valid_token() {
        let tm = manager();
        tm.token(Instant::now(), soon(), &|_| {
            Ok(token("old", Duration::from_secs(20)))
        })
        .unwrap();
        // 20 s left is inside the 30 s margin: a refresh is due, and it fails.
        let (t, _) = tm
            .token(Instant::now(), soon(), &|_| {
                Err(Error::timed_out("in test"))
            })
            .unwrap();
        assert_eq!(t.access_token(), "old");
    }

    #[test]
    fn invalidated_token_is_not_taken_from_the_cache_again() {
        let cache = Arc::new(InMemoryTokenCache::new());
        let tm = TokenManager::new(
            cache.clone(),
            "k".into(),
            Duration::from_secs(30),
            Duration::from_secs(10),
            None,
        );
        let (bad, _) = tm
            .token(Instant::now(), soon(), &|_| {
                Ok(token("bad", Duration::from_secs(600)))
            })
            .unwrap();
        tm.invalidate(&bad, soon());
        assert!(cache.get("k").unwrap().is_none());
        // A cache that failed to delete would hand the bad token back; the manager refuses it.
        cache.set("k", &bad).unwrap();
        let (t, refreshed) = tm
            .token(Instant::now(), soon(), &|_| {
                Ok(token("good", Duration::from_secs(600)))
            })
            .unwrap();
        assert!(refreshed);
        assert_eq!(t.access_token(), "good");
    }

    #[test]
    fn a_token_is_reused_until_its_margin_then_refreshed() {
        let clock = Clock::manual();
        let tm = TokenManager::new(
            Arc::new(InMemoryTokenCache::new()),
            "k".into(),
            Duration::from_secs(30),
            Duration::from_secs(10),
            None,
        )
        .with_clock(clock.clone());
        let fetches = AtomicUsize::new(0);
        // 32 s of life: fresh for the 2 s before the 30 s margin begins.
        let fetch = |_| {
            let n = fetches.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(CachedToken::new(
                format!("t{n}"),
                "bearer",
                clock.system() + Duration::from_secs(32),
            ))
        };
        let call = || tm.token(clock.instant(), soon(), &fetch).unwrap();
        let (first, refreshed) = call();
        assert!(refreshed);
        clock.advance(Duration::from_millis(1900));
        let (again, refreshed) = call();
        assert_eq!(
            (again.access_token(), refreshed),
            (first.access_token(), false)
        );
        clock.advance(Duration::from_millis(200));
        let (next, refreshed) = call();
        assert!(refreshed, "inside the margin the token is replaced");
        assert_ne!(next.access_token(), first.access_token());
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_cached_token_that_cannot_be_sent_is_a_miss_and_is_replaced() {
        let cache = Arc::new(InMemoryTokenCache::new());
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        let tm = TokenManager::new(
            cache.clone(),
            "k".into(),
            Duration::from_secs(30),
            Duration::from_secs(10),
            Some(Arc::new(move |event: &Event| {
                seen.lock().push(event.clone())
            })),
        );
        let far = SystemTime::now() + Duration::from_secs(600);
        let huge = "A".repeat(1024 * 1024);
        for planted in [
            "bad\r\nX-Injected: 1",
            "nul\0byte",
            "žluťoučký",
            huge.as_str(),
        ] {
            cache
                .set("k", &CachedToken::new(planted, "bearer", far))
                .unwrap();
            let (token, refreshed) = tm
                .token(Instant::now(), soon(), &|_| {
                    Ok(token("good", Duration::from_secs(600)))
                })
                .unwrap();
            assert!(refreshed);
            assert_eq!(token.access_token(), "good");
            assert_eq!(cache.get("k").unwrap().unwrap().access_token(), "good");
            tm.invalidate(&token, soon());
        }
        let events = events.lock();
        assert_eq!(events.len(), 4, "{events:?}");
        assert!(events
            .iter()
            .all(|e| e.kind == ExchangeKind::TokenCache && e.method == "GET"));
    }

    #[test]
    fn refresh_ahead_works_with_a_short_margin() {
        let tm = Arc::new(TokenManager::new(
            Arc::new(InMemoryTokenCache::new()),
            "k".into(),
            Duration::from_secs(2),
            Duration::from_secs(10),
            None,
        ));
        // 1.5 s left: inside the 2 s margin, so a refresh is due, but still usable.
        tm.token(Instant::now(), soon(), &|_| {
            Ok(token("old", Duration::from_millis(1500)))
        })
        .unwrap();
        let (entered_tx, entered_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release_rx = Mutex::new(release_rx);
        let refresher = {
            let tm = Arc::clone(&tm);
            std::thread::spawn(move || {
                let fetch = move |_| {
                    entered_tx.send(()).unwrap();
                    release_rx.lock().recv().unwrap();
                    Ok(token("new", Duration::from_secs(600)))
                };
                tm.token(Instant::now(), soon(), &fetch).unwrap().0
            })
        };
        entered_rx.recv().unwrap();
        // While the refresh hangs, another caller gets the old token instead of waiting.
        let (other, refreshed) = tm
            .token(Instant::now(), soon(), &|_| panic!("must not fetch"))
            .unwrap();
        assert_eq!(other.access_token(), "old");
        assert!(!refreshed);
        release_tx.send(()).unwrap();
        assert_eq!(refresher.join().unwrap().access_token(), "new");
    }
}
