//! The event hook: one event per HTTP exchange, with what an operator needs and nothing
//! secret.

use crate::support;

use std::sync::{Arc, Mutex};

use gopay::{Client, Event, ExchangeKind};
use support::{FakeGateway, Reply};

fn recorder() -> (
    Arc<Mutex<Vec<Event>>>,
    impl Fn(&Event) + Send + Sync + 'static,
) {
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = events.clone();
    (events, move |event: &Event| {
        sink.lock().unwrap().push(event.clone())
    })
}

#[test]
fn every_exchange_is_reported_with_attempts_and_token_refreshes() {
    let gw = FakeGateway::start();
    gw.on_api(|request, n, gateway| {
        if n == 1 {
            Reply::error(503, 100, "BUSY").header("Retry-After", "0")
        } else {
            gateway.default_api_reply(request)
        }
    });
    let (events, hook) = recorder();
    let client = Client::builder(gw.config()).on_event(hook).build().unwrap();
    client.get_status(3000006529).unwrap();
    client.get_status(3000006529).unwrap();
    let events = events.lock().unwrap().clone();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.kind,
                e.method,
                e.path.as_str(),
                e.status,
                e.attempt,
                e.token_refreshed,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                ExchangeKind::Token,
                "POST",
                "/oauth2/token",
                Some(200),
                1,
                false
            ),
            (
                ExchangeKind::Api,
                "GET",
                "/payments/payment/3000006529",
                Some(503),
                1,
                true
            ),
            (
                ExchangeKind::Api,
                "GET",
                "/payments/payment/3000006529",
                Some(200),
                2,
                true
            ),
            (
                ExchangeKind::Api,
                "GET",
                "/payments/payment/3000006529",
                Some(200),
                1,
                false
            ),
        ]
    );
    assert!(events.iter().all(|e| e.error.is_none()));
}

#[test]
fn transport_failures_are_reported_with_their_error_and_a_panicking_hook_is_ignored() {
    let port = support::unused_port();
    let (events, hook) = recorder();
    let client = Client::builder(gopay::Config::new(
        1,
        "id",
        "s",
        format!("http://127.0.0.1:{port}"),
    ))
    .max_retries(0)
    .on_event(move |event| {
        hook(event);
        panic!("a broken observer");
    })
    .build()
    .unwrap();
    let err = client.get_status(1).unwrap_err();
    assert!(
        matches!(
            err,
            gopay::Error::Transport {
                request_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_unknown());
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, ExchangeKind::Token);
    assert_eq!(events[0].status, None);
    assert!(events[0]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("could not connect")));
}
