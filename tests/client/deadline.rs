//! The client's timeout is one hard deadline per call: a gateway that pauses before its
//! headers and again before its body, drips its body, or a token endpoint that does the same,
//! a custom cache that blocks or a refresh lock that is never given back: the call returns
//! within its timeout plus a small slack, whatever the other side does.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use gopay::{CacheError, CachedToken, Client, Error, Event, ExchangeKind, RefreshLock, TokenCache};
use support::{payment_json, FakeGateway, Reply};

const TIMEOUT: Duration = Duration::from_secs(2);

/// What a call may take beyond its timeout: scheduling, not another phase's budget. (The
/// defect this guards against overshot by 1.8 s: a second phase timeout.)
const SLACK: Duration = Duration::from_millis(250);

/// Runs `call` and checks it ended within the timeout plus slack; returns its result and
/// how far past the timeout it ended (printed, for the record).
fn bounded<T>(call: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = call();
    let elapsed = started.elapsed();
    eprintln!(
        "call returned after {elapsed:?} (overshoot {:?})",
        elapsed.saturating_sub(TIMEOUT)
    );
    assert!(elapsed < TIMEOUT + SLACK, "took {elapsed:?}");
    result
}

fn client(gw: &FakeGateway) -> Client {
    Client::builder(gw.config())
        .timeout(TIMEOUT)
        .build()
        .unwrap()
}

#[test]
fn an_api_answer_that_pauses_before_its_head_and_its_body_is_cut_at_the_deadline() {
    let gw = FakeGateway::start();
    let pause = Duration::from_millis(1900);
    gw.on_api(move |request, _, _| {
        Reply::pausing(
            pause,
            pause,
            200,
            &payment_json(request_id(request), "PAID"),
        )
    });
    let client = client(&gw);
    let err = bounded(|| client.get_status(1)).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // The GET was sent and may have been read: a transport failure after sending.
    assert!(
        matches!(
            err,
            Error::Transport {
                request_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(gw.api_requests(), 1, "no retry once the time is up");
}

#[test]
fn a_token_endpoint_that_pauses_twice_is_cut_at_the_deadline() {
    let gw = FakeGateway::start();
    let pause = Duration::from_millis(1900);
    gw.on_token(move |request, _, gateway| {
        let issued = gateway.issue_token_reply(request);
        Reply::pausing(pause, pause, issued.status, &issued.body)
    });
    let client = client(&gw);
    let err = bounded(|| client.get_status(1)).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(gw.api_requests(), 0, "no API request without a token");
}

#[test]
fn a_body_dripped_byte_by_byte_is_cut_at_the_deadline() {
    let gw = FakeGateway::start();
    gw.on_api(|request, _, _| {
        Reply::dripping(
            Duration::from_millis(100),
            200,
            &payment_json(request_id(request), "PAID"),
        )
    });
    let client = client(&gw);
    let err = bounded(|| client.get_status(1)).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[test]
fn a_slow_token_request_leaves_the_api_call_only_what_is_left() {
    let gw = FakeGateway::start();
    // The token takes 1.5 s; the API answer pauses 0.4 s twice: each phase alone is short,
    // together they pass the 2 s deadline.
    gw.on_token(|request, _, gateway| {
        let issued = gateway.issue_token_reply(request);
        Reply::pausing(
            Duration::from_millis(1500),
            Duration::ZERO,
            issued.status,
            &issued.body,
        )
    });
    gw.on_api(|request, _, _| {
        let pause = Duration::from_millis(400);
        Reply::pausing(
            pause,
            pause,
            200,
            &payment_json(request_id(request), "PAID"),
        )
    });
    let client = client(&gw);
    let err = bounded(|| client.get_status(1)).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 1));
}

#[test]
fn a_post_that_times_out_is_sent_once_and_its_outcome_is_unknown() {
    let gw = FakeGateway::start();
    gw.on_api(|request, _, gateway| {
        let reply = gateway.default_api_reply(request);
        Reply::pausing(
            Duration::from_millis(2500),
            Duration::ZERO,
            reply.status,
            &reply.body,
        )
    });
    let client = client(&gw);
    let err = bounded(|| client.refund_payment(3000006529, 500)).unwrap_err();
    assert!(err.is_timeout() && err.outcome_unknown(), "{err:?}");
    assert_eq!(
        gw.api_requests(),
        1,
        "a POST that may have arrived is never repeated"
    );
}

#[test]
fn a_connection_refused_is_a_failure_before_sending() {
    let port = support::unused_port();
    let client = Client::builder(gopay::Config::new(
        1,
        "id",
        "secret",
        format!("http://127.0.0.1:{port}"),
    ))
    .max_retries(0)
    .build()
    .unwrap();
    let err = client.refund_payment(1, 100).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                request_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_unknown());
}

#[test]
fn a_failed_tls_handshake_is_a_failure_before_sending_so_even_a_post_is_repeated() {
    // A server that answers a TLS ClientHello in plain HTTP: the handshake fails, and no
    // request is ever written.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut hello = [0u8; 512];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            let _ = std::io::Write::write_all(&mut stream, b"HTTP/1.1 400 Bad Request\r\n\r\n");
        }
    });
    let cache = Arc::new(gopay::InMemoryTokenCache::new());
    let client = Client::builder(gopay::Config::new(
        support::GOID,
        support::CLIENT_ID,
        support::CLIENT_SECRET,
        format!("https://localhost:{port}"),
    ))
    .timeout(TIMEOUT)
    .token_cache(cache.clone())
    .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
    .build()
    .unwrap();
    // A cached token, so the POST is the call's only exchange.
    let far = SystemTime::now() + Duration::from_secs(3600);
    cache
        .set(
            client.token_cache_key(),
            &CachedToken::new("cached", "bearer", far),
        )
        .unwrap();
    let err = client.refund_payment(3000006529, 100).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                request_sent: false,
                timeout: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_unknown());
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1 + gopay::DEFAULT_MAX_RETRIES as usize,
        "the POST was tried again: it never left this machine"
    );
}

/// A cache whose `get` blocks for `block`, counting its calls.
struct BlockingCache {
    block: Duration,
    gets: AtomicUsize,
    other_calls: AtomicUsize,
}

impl TokenCache for BlockingCache {
    fn get(&self, _: &str) -> Result<Option<CachedToken>, CacheError> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.block);
        Ok(None)
    }
    fn set(&self, _: &str, _: &CachedToken) -> Result<(), CacheError> {
        self.other_calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), CacheError> {
        self.other_calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn a_blocking_custom_cache_is_asked_once_and_never_after_the_deadline() {
    let gw = FakeGateway::start();
    let cache = Arc::new(BlockingCache {
        block: TIMEOUT + Duration::from_millis(300),
        gets: AtomicUsize::new(0),
        other_calls: AtomicUsize::new(0),
    });
    let client = Client::builder(gw.config())
        .timeout(TIMEOUT)
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_status(1).unwrap_err();
    let elapsed = started.elapsed();
    // A cache method that does not return cannot be interrupted; what the client controls
    // is that nothing more is done once the deadline has passed.
    assert!(elapsed < cache.block + SLACK, "took {elapsed:?}");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(cache.gets.load(Ordering::SeqCst), 1, "one look per refresh");
    assert_eq!(cache.other_calls.load(Ordering::SeqCst), 0);
    assert_eq!(gw.token_requests() + gw.api_requests(), 0);
}

/// A cache that fails every operation slowly, as a hung Redis does within its bound.
#[derive(Default)]
struct HungCache {
    calls: AtomicUsize,
}

impl HungCache {
    fn fail(&self) -> CacheError {
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(300));
        "timed out".into()
    }
}

impl TokenCache for HungCache {
    fn get(&self, _: &str) -> Result<Option<CachedToken>, CacheError> {
        Err(self.fail())
    }
    fn set(&self, _: &str, _: &CachedToken) -> Result<(), CacheError> {
        Err(self.fail())
    }
    fn delete(&self, _: &str) -> Result<(), CacheError> {
        Err(self.fail())
    }
    fn try_lock_refresh(&self, _: &str, _: Duration) -> Result<Option<RefreshLock>, CacheError> {
        Err(self.fail())
    }
}

#[test]
fn a_cache_that_fails_costs_a_call_one_cache_budget_not_one_per_operation() {
    let gw = FakeGateway::start();
    let cache = Arc::new(HungCache::default());
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let seen = events.clone();
    let client = Client::builder(gw.config())
        .timeout(TIMEOUT)
        .token_cache(cache.clone())
        .on_event(move |event| seen.lock().unwrap().push(event.clone()))
        .build()
        .unwrap();
    client.get_status(1).unwrap();
    assert_eq!(
        cache.calls.load(Ordering::SeqCst),
        1,
        "get failed: no lock, no set"
    );
    assert_eq!(gw.token_requests(), 1);
    let events = events.lock().unwrap();
    let problems: Vec<_> = events
        .iter()
        .filter(|e| e.kind == ExchangeKind::TokenCache)
        .collect();
    assert_eq!(problems.len(), 1, "{events:?}");
    assert_eq!(problems[0].method, "GET");
    assert_eq!(problems[0].error.as_deref(), Some("timed out"));
}

/// A cache whose refresh lock is always held by somebody else and never given back.
#[derive(Default)]
struct StuckLockCache {
    tokens: Mutex<Option<CachedToken>>,
}

impl TokenCache for StuckLockCache {
    fn get(&self, _: &str) -> Result<Option<CachedToken>, CacheError> {
        Ok(self.tokens.lock().unwrap().clone())
    }
    fn set(&self, _: &str, token: &CachedToken) -> Result<(), CacheError> {
        *self.tokens.lock().unwrap() = Some(token.clone());
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), CacheError> {
        *self.tokens.lock().unwrap() = None;
        Ok(())
    }
    fn try_lock_refresh(&self, _: &str, _: Duration) -> Result<Option<RefreshLock>, CacheError> {
        Ok(None)
    }
}

#[test]
fn a_refresh_lock_that_is_never_given_back_costs_half_the_timeout_not_the_call() {
    let gw = FakeGateway::start();
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let seen = events.clone();
    let client = Client::builder(gw.config())
        .timeout(TIMEOUT)
        .token_cache(Arc::new(StuckLockCache::default()))
        .on_event(move |event| seen.lock().unwrap().push(event.clone()))
        .build()
        .unwrap();
    let started = Instant::now();
    let payment = client.get_status(7).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(payment.id, 7);
    assert!(
        elapsed >= TIMEOUT / 2 - Duration::from_millis(150),
        "{elapsed:?}"
    );
    assert!(elapsed < TIMEOUT, "{elapsed:?}");
    assert_eq!(gw.token_requests(), 1);
    let events = events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == ExchangeKind::TokenCache && e.method == "LOCK"),
        "{events:?}"
    );
}

/// A cache that hands out one planted token, as a shared cache holding garbage would.
struct PlantedCache(Mutex<CachedToken>);

impl TokenCache for PlantedCache {
    fn get(&self, _: &str) -> Result<Option<CachedToken>, CacheError> {
        Ok(Some(self.0.lock().unwrap().clone()))
    }
    fn set(&self, _: &str, token: &CachedToken) -> Result<(), CacheError> {
        *self.0.lock().unwrap() = token.clone();
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), CacheError> {
        Ok(())
    }
}

#[test]
fn a_cached_token_that_cannot_be_sent_is_replaced_not_used_until_it_expires() {
    let far = SystemTime::now() + Duration::from_secs(3600);
    let huge = "A".repeat(1024 * 1024);
    for planted in ["abc\r\nX-Injected: 1", "nul\0byte", "tok\u{e9}n", &huge] {
        let gw = FakeGateway::start();
        let cache = Arc::new(PlantedCache(Mutex::new(CachedToken::new(
            planted, "bearer", far,
        ))));
        let client = Client::builder(gw.config())
            .timeout(TIMEOUT)
            .token_cache(cache.clone())
            .build()
            .unwrap();
        client.get_status(1).unwrap();
        client.get_status(2).unwrap();
        assert_eq!(gw.token_requests(), 1);
        let stored = cache.0.lock().unwrap().clone();
        assert!(stored.access_token().starts_with(support::TOKEN_PREFIX));
    }
}

#[test]
fn a_token_endpoint_that_is_not_gopay_is_reported_as_a_wrong_url() {
    for reply in [
        || Reply::typed(404, "<html>Not Found</html>", "text/html"),
        || Reply::typed(200, "<html>Welcome to our shop</html>", "text/html"),
        || Reply::json(301, "").header("Location", "https://elsewhere.example/"),
    ] {
        let gw = FakeGateway::start();
        gw.on_token(move |_, _, _| reply());
        let err = client(&gw).get_status(1).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(!err.is_auth(), "{err:?}");
        assert!(err.to_string().contains("gateway URL"), "{err}");
    }
    // Refused credentials are still reported as such.
    let gw = FakeGateway::start();
    gw.on_token(|_, _, _| Reply::error(403, 202, "WRONG_CREDENTIALS"));
    assert!(client(&gw).get_status(1).unwrap_err().is_auth());
}

#[test]
fn check_credentials_asks_gopay_even_with_a_warm_cache() {
    let gw = FakeGateway::start();
    let client = client(&gw);
    client.get_status(1).unwrap();
    assert_eq!(gw.token_requests(), 1);
    client.check_credentials().unwrap();
    assert_eq!(gw.token_requests(), 2, "the cache is bypassed");
    // The fresh token serves the next calls.
    client.get_status(2).unwrap();
    assert_eq!(gw.token_requests(), 2);
    let bearers: Vec<_> = gw
        .api_requests_log()
        .iter()
        .map(|r| r.bearer().unwrap().to_owned())
        .collect();
    assert_ne!(bearers[0], bearers[1]);

    // A secret changed since the cached token was issued: the calls still work off the
    // cache, the check does not.
    gw.on_token(|_, _, _| Reply::error(403, 202, "WRONG_CREDENTIALS"));
    client.get_status(3).unwrap();
    let err = client.check_credentials().unwrap_err();
    assert!(err.is_auth(), "{err:?}");
}

fn request_id(request: &support::Recorded) -> u64 {
    request
        .url
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or(1)
}
