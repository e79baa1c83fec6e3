//! Fault injection of `gopay_simulator` seen through `gopay::Client`: delays, 5xx answers,
//! a refused token, malformed bodies, failing notification endpoints, and the request log.

use crate::support;

use std::time::{Duration, Instant};

use gopay::{Client, Currency, Error, Item, PaymentRequest, PaymentState};
use gopay_simulator::{Fault, FaultTarget, Simulator};
use support::shop::{Shop, WAIT};

/// A client that does not repeat anything, so each fault shows as it is.
fn strict_client(sim: &Simulator, timeout: Duration) -> Client {
    Client::builder(sim.config())
        .timeout(timeout)
        .max_retries(0)
        .build()
        .expect("a client")
}

fn order(number: &str) -> PaymentRequest {
    PaymentRequest::new(1000, Currency::Czk, number).item(Item::new("Goods", 1000))
}

fn seeded(sim: &Simulator) -> u64 {
    sim.create_payment(&order("seeded"))
        .expect("seed a payment")
        .id
}

#[test]
fn token_delay_longer_than_the_timeout_times_out() {
    let sim = Simulator::start().unwrap();
    let client = strict_client(&sim, Duration::from_millis(300));
    sim.inject(Fault::Delay {
        target: FaultTarget::Token,
        delay: Duration::from_secs(3),
        count: 1,
    });
    let started = Instant::now();
    let err = client.get_payment_instruments(Currency::Czk).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "bounded by the timeout"
    );
    // The fault is used up: the next call gets a token at once.
    client.get_payment_instruments(Currency::Czk).unwrap();
    assert_eq!(sim.token_requests(), 2);
}

#[test]
fn api_delay_longer_than_the_timeout_times_out() {
    let sim = Simulator::start().unwrap();
    let id = seeded(&sim);
    let client = strict_client(&sim, Duration::from_millis(400));
    client.get_status(id).unwrap();
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::from_secs(3),
        count: 1,
    });
    let err = client.get_status(id).unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(client.get_status(id).unwrap().id, id);
    // A delay shorter than the timeout only slows the call down.
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::from_millis(150),
        count: 1,
    });
    let started = Instant::now();
    client.get_status(id).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[test]
fn token_5xx_is_an_api_error_with_that_status() {
    let sim = Simulator::start().unwrap();
    let client = strict_client(&sim, Duration::from_secs(5));
    sim.inject(Fault::Status {
        target: FaultTarget::Token,
        status: 503,
        count: 1,
    });
    let err = client.get_payment_instruments(Currency::Czk).unwrap_err();
    assert!(matches!(err, Error::Api { status: 503, .. }), "{err:?}");
    assert_eq!(err.api_errors()[0].error_code, 100);
    client.get_payment_instruments(Currency::Czk).unwrap();
    assert_eq!(sim.token_requests(), 2);
}

#[test]
fn api_5xx_is_an_api_error_with_that_status() {
    let sim = Simulator::start().unwrap();
    let client = strict_client(&sim, Duration::from_secs(5));
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 500,
        count: 2,
    });
    let err = client.create_payment(&order("a")).unwrap_err();
    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    assert_eq!(
        err.api_errors()[0].error_name.as_deref(),
        Some("SYSTEM_ERROR")
    );
    let err = client.get_payment_instruments(Currency::Czk).unwrap_err();
    assert_eq!(err.status(), Some(500));
    // Nothing was created by the refused calls; the next one goes through.
    let created = client.create_payment(&order("b")).unwrap();
    assert_eq!(created.order_number.as_deref(), Some("b"));
    assert!(sim.payment(created.id - 1).is_none());
}

#[test]
fn a_retrying_client_rides_out_one_5xx_on_a_get() {
    let sim = Simulator::start().unwrap();
    let id = seeded(&sim);
    let client = Client::builder(sim.config())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap();
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 502,
        count: 1,
    });
    assert_eq!(client.get_status(id).unwrap().id, id);
    let gets = sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == format!("/api/payments/payment/{id}"))
        .count();
    assert_eq!(gets, 2);
}

#[test]
fn refused_token_is_replaced_once() {
    let sim = Simulator::start().unwrap();
    let id = seeded(&sim);
    let client = strict_client(&sim, Duration::from_secs(5));
    client.get_status(id).unwrap();
    assert_eq!(sim.token_requests(), 1);
    let first_token = sim
        .requests()
        .last()
        .unwrap()
        .header("Authorization")
        .unwrap()
        .to_owned();

    sim.inject(Fault::RefuseToken);
    assert_eq!(client.get_status(id).unwrap().id, id);
    assert_eq!(sim.token_requests(), 2);
    let requests = sim.requests();
    let api: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/api/payments"))
        .collect();
    assert_eq!(api.len(), 3, "first call, refused call, repeated call");
    assert_eq!(api[1].header("Authorization"), Some(first_token.as_str()));
    assert_ne!(api[2].header("Authorization"), Some(first_token.as_str()));

    // The refused token stays refused: another client sharing it would have to re-authenticate.
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .new_agent();
    let response = agent
        .get(format!("{}/payments/payment/{id}", sim.gateway_url()))
        .header("Authorization", &first_token)
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[test]
fn malformed_token_answer_is_a_decode_error() {
    let sim = Simulator::start().unwrap();
    let client = strict_client(&sim, Duration::from_secs(5));
    sim.inject(Fault::MalformedBody {
        target: FaultTarget::Token,
        count: 1,
    });
    let err = client.get_payment_instruments(Currency::Czk).unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    client.get_payment_instruments(Currency::Czk).unwrap();
}

#[test]
fn malformed_api_answer_is_a_decode_error() {
    let sim = Simulator::start().unwrap();
    let id = seeded(&sim);
    let client = strict_client(&sim, Duration::from_secs(5));
    sim.inject(Fault::MalformedBody {
        target: FaultTarget::Api,
        count: 1,
    });
    let err = client.get_status(id).unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    // The request took effect, only its answer was cut: a refund goes through but the
    // caller cannot read the result.
    sim.pay(id).unwrap();
    sim.inject(Fault::MalformedBody {
        target: FaultTarget::Api,
        count: 1,
    });
    let err = client.refund_payment(id, 100).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(
        client.get_status(id).unwrap().state,
        Some(PaymentState::PartiallyRefunded)
    );
}

#[test]
fn faults_are_consumed_in_order() {
    let sim = Simulator::start().unwrap();
    let id = seeded(&sim);
    let client = strict_client(&sim, Duration::from_secs(5));
    client.get_status(id).unwrap();
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 503,
        count: 2,
    });
    sim.inject(Fault::MalformedBody {
        target: FaultTarget::Api,
        count: 1,
    });
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 504,
        count: 1,
    });
    let statuses: Vec<String> = (0..5)
        .map(|_| match client.get_status(id) {
            Ok(_) => "ok".to_owned(),
            Err(Error::Decode { .. }) => "decode".to_owned(),
            Err(err) => err.status().unwrap().to_string(),
        })
        .collect();
    assert_eq!(statuses, ["503", "503", "decode", "504", "ok"]);
    // Token faults are a separate queue; clear_faults drops what is left.
    sim.inject(Fault::Status {
        target: FaultTarget::Token,
        status: 500,
        count: 3,
    });
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 500,
        count: 3,
    });
    sim.clear_faults();
    client.get_status(id).unwrap();
}

#[test]
fn notification_answered_500_twice_is_delivered_on_the_third_attempt() {
    let sim = Simulator::builder()
        .notification_retry_delay(Duration::from_millis(20))
        .start()
        .unwrap();
    let shop = Shop::start(vec![500, 500]);
    let id = sim
        .create_payment(&order("n-1").callback("https://shop.example/r", &shop.url))
        .unwrap()
        .id;
    sim.pay(id).unwrap();
    let expected = format!("/notify?id={id}");
    for _ in 0..3 {
        assert_eq!(shop.received.recv_timeout(WAIT).unwrap(), expected);
    }
    assert!(sim.wait_for_notifications(WAIT));
    let notifications = sim.notifications();
    assert_eq!(notifications.len(), 1);
    let notification = &notifications[0];
    assert_eq!(notification.payment_id, id);
    assert_eq!(notification.state, PaymentState::Paid);
    assert_eq!(notification.attempts, 3);
    assert!(notification.delivered && notification.finished);
    assert_eq!(notification.last_status, Some(200));
    assert_eq!(notification.url, format!("{}?id={id}", shop.url));
    assert!(shop.received.try_recv().is_err(), "no fourth attempt");
}

#[test]
fn notification_gives_up_after_the_configured_attempts() {
    let sim = Simulator::builder()
        .notification_attempts(3)
        .notification_retry_delay(Duration::from_millis(10))
        .start()
        .unwrap();
    let shop = Shop::start(vec![500; 10]);
    let id = sim
        .create_payment(&order("n-2").callback("https://shop.example/r", &shop.url))
        .unwrap()
        .id;
    sim.cancel(id).unwrap();
    assert!(sim.wait_for_notifications(WAIT));
    let notification = &sim.notifications()[0];
    assert_eq!(notification.attempts, 3);
    assert!(!notification.delivered && notification.finished);
    assert_eq!(notification.last_status, Some(500));
    assert_eq!(shop.received.try_iter().count(), 3);
}

#[test]
fn notifications_to_other_hosts_are_recorded_not_sent() {
    let sim = Simulator::start().unwrap();
    let id = sim
        .create_payment(&order("n-3").callback("https://shop.example/r", "https://shop.example/n"))
        .unwrap()
        .id;
    sim.expire(id).unwrap();
    assert!(sim.wait_for_notifications(WAIT));
    let notification = &sim.notifications()[0];
    assert_eq!(notification.url, format!("https://shop.example/n?id={id}"));
    assert_eq!(notification.state, PaymentState::Timeouted);
    assert_eq!((notification.attempts, notification.delivered), (0, false));
    assert!(notification.finished);
}

#[test]
fn customer_action_does_not_wait_for_a_slow_notification_endpoint() {
    // An endpoint that accepts connections but never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/slow", listener.local_addr().unwrap());
    let sim = Simulator::builder()
        .notification_attempts(1)
        .start()
        .unwrap();
    let id = sim
        .create_payment(&order("n-4").callback("https://shop.example/r", &url))
        .unwrap()
        .id;
    let started = Instant::now();
    sim.pay(id).unwrap();
    assert!(started.elapsed() < Duration::from_millis(500));
    // The API answers meanwhile, too.
    let client = strict_client(&sim, Duration::from_secs(2));
    assert_eq!(
        client.get_status(id).unwrap().state,
        Some(PaymentState::Paid)
    );
    drop(listener);
}

#[test]
fn request_log_shows_a_create_call() {
    let sim = Simulator::start().unwrap();
    let client = strict_client(&sim, Duration::from_secs(5));
    let created = client
        .create_payment(&order("log-1").order_description("Příliš žluťoučký kůň"))
        .unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 2);
    let token = &requests[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/api/oauth2/token")
    );
    assert!(token.header("authorization").unwrap().starts_with("Basic "));
    assert_eq!(
        token.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.body_text(),
        "grant_type=client_credentials&scope=payment-all"
    );

    let create = &requests[1];
    assert_eq!(create.method, "POST");
    assert_eq!(create.path, "/api/payments/payment");
    assert_eq!(create.header("Content-Type"), Some("application/json"));
    assert_eq!(create.header("Accept"), Some("application/json"));
    assert!(create
        .header("Authorization")
        .unwrap()
        .starts_with("Bearer "));
    assert!(create.header("Accept-Language").is_some());
    let text = create.body_text();
    assert!(text.contains("Příliš žluťoučký kůň"), "raw UTF-8: {text}");
    let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body["amount"], 1000);
    assert_eq!(body["order_number"], "log-1");
    assert_eq!(body["target"]["goid"], sim.goid());
    assert_eq!(created.order_number.as_deref(), Some("log-1"));
    sim.clear_requests();
    assert!(sim.requests().is_empty());
    assert_eq!(sim.token_requests(), 1);
}
