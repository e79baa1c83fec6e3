//! A failing token endpoint: every caller gets a typed error within the timeout, no API
//! request goes out without a token, and the next call after recovery succeeds.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use gopay::{Client, Error};
use support::{FakeGateway, Reply};

const TIMEOUT: Duration = Duration::from_millis(1500);
const THREADS: usize = 8;

/// Runs `THREADS` concurrent calls against a token endpoint answering `broken`, checks each
/// error with `check`, then repairs the endpoint and checks that the next call succeeds.
///
/// The token endpoint answers only once every caller has started its call, so all of them
/// overlap one refresh: exactly one flight of `per_flight` requests (1, or 1 + the retries
/// of a repeatable failure) may reach it. One request per caller would be a broken single
/// flight.
fn every_caller_fails_then_recovers(
    gw: &FakeGateway,
    broken: impl Fn(&support::Recorded, &support::Gateway) -> Reply + Send + Sync + 'static,
    per_flight: usize,
    check: impl Fn(&Error),
) {
    let started = Arc::new(AtomicUsize::new(0));
    let all_started = started.clone();
    gw.on_token(move |request, _, gateway| {
        let waiting_since = Instant::now();
        while all_started.load(Ordering::SeqCst) < THREADS {
            assert!(waiting_since.elapsed() < Duration::from_secs(10));
            std::thread::yield_now();
        }
        // The last caller counted itself just before its call: give it the moment it needs
        // to reach the token manager (the refresh below takes far longer anyway).
        std::thread::sleep(Duration::from_millis(50));
        broken(request, gateway)
    });
    let client = Client::builder(gw.config())
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS as u64)
        .map(|i| {
            let (client, barrier, started) = (client.clone(), barrier.clone(), started.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let began = Instant::now();
                started.fetch_add(1, Ordering::SeqCst);
                let result = client.get_status(i + 1);
                (result, began.elapsed())
            })
        })
        .collect();
    for handle in handles {
        let (result, elapsed) = handle.join().unwrap();
        let err = result.expect_err("the token endpoint is broken");
        check(&err);
        // A generous bound: "within the timeout" plus scheduling noise, never a hang.
        assert!(
            elapsed < TIMEOUT + Duration::from_millis(500),
            "{elapsed:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(support::CLIENT_SECRET), "{shown}");
        assert!(!shown.contains(support::TOKEN_PREFIX), "{shown}");
    }
    assert_eq!(gw.api_requests(), 0, "no API request without a token");
    assert_eq!(
        gw.token_requests(),
        per_flight,
        "one flight for all callers"
    );
    gw.default_token_handler();
    let payment = client.get_status(42).unwrap();
    assert_eq!(payment.id, 42);
    assert_eq!(gw.api_requests(), 1);
}

#[test]
fn token_endpoint_401_is_an_auth_error() {
    let gw = FakeGateway::start();
    let broken = |_: &_, _: &_| Reply::error(401, 202, "WRONG_CREDENTIALS");
    every_caller_fails_then_recovers(&gw, broken, 1, |err| {
        assert!(err.is_auth(), "{err:?}");
        assert!(
            matches!(
                err,
                Error::Auth {
                    status: Some(401),
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.api_errors()[0].error_code, 202);
        assert_eq!(
            err.api_errors()[0].error_name.as_deref(),
            Some("WRONG_CREDENTIALS")
        );
    });
}

#[test]
fn token_endpoint_500_is_an_api_error() {
    let gw = FakeGateway::start();
    let broken = |_: &_, _: &_| Reply::error(500, 100, "SYSTEM_ERROR");
    // A 5xx token answer is repeated: one flight is the request and its retries.
    let per_flight = 1 + gopay::DEFAULT_MAX_RETRIES as usize;
    every_caller_fails_then_recovers(&gw, broken, per_flight, |err| {
        assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
        assert!(!err.is_auth());
        assert_eq!(err.api_errors()[0].error_code, 100);
    });
}

#[test]
fn token_endpoint_garbage_is_a_decode_error() {
    let gw = FakeGateway::start();
    let broken = |_: &_, _: &_| {
        Reply::json(
            200,
            format!(r#"{{"access_token": "{}oops", "#, support::TOKEN_PREFIX),
        )
    };
    every_caller_fails_then_recovers(&gw, broken, 1, |err| {
        assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    });
}

#[test]
fn token_endpoint_with_an_unusable_token_is_a_decode_error() {
    let gw = FakeGateway::start();
    let broken = |_: &_, _: &_| {
        Reply::json(
            200,
            format!(
                r#"{{"access_token":"{}a\nb","expires_in":1800}}"#,
                support::TOKEN_PREFIX
            ),
        )
    };
    every_caller_fails_then_recovers(&gw, broken, 1, |err| {
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    });
}

#[test]
fn token_endpoint_slower_than_the_timeout_is_a_timeout() {
    let gw = FakeGateway::start();
    // Hold every token request until the test ends (the sender is dropped then).
    let (_hold, held) = mpsc::channel::<()>();
    let held = Mutex::new(held);
    let broken = move |request: &_, gateway: &support::Gateway| {
        let _ = held.lock().unwrap().recv_timeout(Duration::from_secs(30));
        gateway.issue_token_reply(request)
    };
    // Cut by the deadline while waiting for the answer: not repeated.
    every_caller_fails_then_recovers(&gw, broken, 1, |err| {
        assert!(err.is_timeout(), "{err:?}");
        assert!(matches!(err, Error::Transport { .. }));
    });
}

#[test]
fn unreachable_gateway_is_a_transport_error() {
    let port = support::unused_port();
    let config = gopay::Config::new(1, "id", "secret", format!("http://127.0.0.1:{port}"));
    let client = Client::new(config).unwrap();
    let err = client.get_status(1).unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: false, .. }),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
