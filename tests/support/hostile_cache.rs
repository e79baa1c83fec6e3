//! Checks that a token cache talking to a hostile server fails within its bound and that a
//! client using it still goes through, and the fake servers that play the hostile part:
//! shared by the Redis and memcached hostile tests.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, TokenCache};

use super::FakeGateway;

/// Every cache method fails, each within `budget` plus a little slack, with an error that
/// does not quote the server (whose hostile answers hold `hunter2`).
pub fn assert_every_method_fails_within(cache: &dyn TokenCache, budget: Duration, name: &str) {
    let slack = Duration::from_millis(150);
    let timed = |what: &str, outcome: Result<(), String>, start: Instant| {
        let took = start.elapsed();
        eprintln!("{name}: cache {what} failed in {} ms", took.as_millis());
        let message = outcome
            .err()
            .unwrap_or_else(|| panic!("{name}: {what} succeeded"));
        assert!(took <= budget + slack, "{name}: {what} took {took:?}");
        assert!(!message.contains("hunter2"), "{name}: {message}");
    };
    let token = CachedToken::new(
        "ToKeN-cached",
        "bearer",
        SystemTime::now() + Duration::from_secs(600),
    );
    let start = Instant::now();
    timed(
        "get",
        cache.get("k").map(drop).map_err(|e| e.to_string()),
        start,
    );
    let start = Instant::now();
    timed(
        "set",
        cache.set("k", &token).map_err(|e| e.to_string()),
        start,
    );
    let start = Instant::now();
    timed(
        "delete",
        cache.delete("k").map_err(|e| e.to_string()),
        start,
    );
    let start = Instant::now();
    timed(
        "try_lock_refresh",
        cache
            .try_lock_refresh("k", Duration::from_secs(5))
            .map(drop)
            .map_err(|e| e.to_string()),
        start,
    );
}

/// A client with a 2 s timeout, using `cache` with its default 500 ms bound, gets its own
/// token from the gateway (one token request) and completes its call within `within`.
pub fn assert_the_call_goes_through(cache: Arc<dyn TokenCache>, within: Duration, name: &str) {
    let timeout = Duration::from_secs(2);
    let gw = FakeGateway::start();
    let client = Client::builder(gw.config())
        .token_cache(cache)
        .timeout(timeout)
        .build()
        .unwrap();
    let start = Instant::now();
    let outcome = client.get_status(1);
    let took = start.elapsed();
    eprintln!(
        "{name}: call returned in {} ms with a 2 s timeout and a 500 ms cache timeout",
        took.as_millis()
    );
    outcome.unwrap_or_else(|e| panic!("{name}: the call failed: {e}"));
    assert!(took <= within, "{name}: {took:?}");
    assert_eq!(gw.token_requests(), 1, "{name}");
    assert_eq!(gw.api_requests(), 1, "{name}");
}

/// A fake cache server on 127.0.0.1: one thread accepts, one thread per connection runs
/// the behaviour (given the connection's number from 1), then keeps the connection open
/// until the client closes it.
pub struct FakeServer {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
}

impl FakeServer {
    pub fn start(behaviour: impl Fn(usize, &mut TcpStream) + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        let behaviour = Arc::new(behaviour);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let behaviour = behaviour.clone();
                std::thread::spawn(move || {
                    let mut stream = stream;
                    behaviour(n, &mut stream);
                    drain(&mut stream);
                });
            }
        });
        FakeServer { port, accepted }
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Reads and discards until the client closes the connection.
pub fn drain(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
}
