//! Notifications a developer can see and send again, against a real shop endpoint on
//! 127.0.0.1: every attempt with the shop's status (or why there was none), GoPay's retries
//! on a growing schedule that the test clock moves, at most 20 attempts, hosts not allowed,
//! resending, and the cross-origin guard on the resend.

use std::time::Duration;

use crate::support;

use gopay::{Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::{Error, Simulator};
use serde_json::{json, Value};
use support::http::{send, Answer};
use support::shop::{Shop, WAIT};

/// A retry delay real time never reaches in a test: only the test clock moves the schedule.
const HOUR: Duration = Duration::from_secs(3600);

/// `method` on `/_simulator{path}` with a JSON body (or none), as a shop's test sends it.
fn control(sim: &Simulator, method: &str, path: &str, body: Option<Value>) -> Answer {
    let url = format!("http://127.0.0.1:{}/_simulator{path}", sim.port());
    match body {
        Some(body) => send(
            method,
            &url,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        ),
        None => send(method, &url, &[], b""),
    }
}

/// `GET /_simulator{path}`: 200 and the JSON answer.
fn get(sim: &Simulator, path: &str) -> Value {
    let answer = control(sim, "GET", path, None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

/// `POST /_simulator/clock/advance` by `seconds`.
fn advance(sim: &Simulator, seconds: u64) {
    let answer = control(
        sim,
        "POST",
        "/clock/advance",
        Some(json!({ "seconds": seconds })),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// A payment whose notifications go to `notification_url`.
fn payment(sim: &Simulator, number: &str, notification_url: &str) -> u64 {
    let request = PaymentRequest::new(1000, Currency::Czk, number)
        .item(Item::new("Goods", 1000))
        .callback("https://shop.example/return", notification_url);
    sim.create_payment(&request).unwrap().id
}

/// The shop's statuses of a notification's attempts, in order.
fn statuses(notification: &Value) -> Vec<Value> {
    notification["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|attempt| attempt["status"].clone())
        .collect()
}

#[test]
fn a_shop_answering_500_twice_shows_three_attempts_then_delivered() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(vec![500, 500]);
    let id = payment(&sim, "n-500", &shop.url);
    let paid = control(&sim, "POST", &format!("/payments/{id}/pay"), None);
    assert_eq!(paid.status, 200, "{}", paid.body);
    for _ in 0..3 {
        assert_eq!(shop.next(), format!("/notify?id={id}"));
    }
    assert!(sim.wait_for_notifications(WAIT));

    let all = get(&sim, "/notifications");
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    let notification = &all[0];
    assert_eq!(notification["id"], 1);
    assert_eq!(notification["payment_id"], id);
    assert_eq!(notification["url"], format!("{}?id={id}", shop.url));
    assert_eq!(notification["payment_state"], "PAID");
    assert_eq!(statuses(notification), [json!(500), json!(500), json!(200)]);
    assert_eq!(
        (
            &notification["delivered"],
            &notification["finished"],
            &notification["sent"]
        ),
        (&json!(true), &json!(true), &json!(true))
    );
    let attempts = notification["attempts"].as_array().unwrap();
    let times: Vec<&str> = attempts.iter().map(|a| a["at"].as_str().unwrap()).collect();
    for (attempt, at) in attempts.iter().zip(&times) {
        assert_eq!(attempt["error"], Value::Null, "{attempt}");
        assert!(attempt["duration_ms"].is_u64(), "{attempt}");
        // RFC 3339 in UTC: 2025-03-04T09:15:22.481Z.
        assert_eq!((at.len(), &at[10..11], &at[23..]), (24, "T", "Z"), "{at}");
    }
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    // The same for the payment, and in Rust.
    assert_eq!(get(&sim, &format!("/payments/{id}/notifications")), all);
    let rust = &sim.notifications()[0];
    let history: Vec<Option<u16>> = rust.history.iter().map(|a| a.status).collect();
    assert_eq!(history, [Some(500), Some(500), Some(200)]);
    assert_eq!((rust.attempts, rust.last_status), (3, Some(200)));
    assert!(rust.delivered && rust.finished && rust.sent);
    assert!(shop.received.try_recv().is_err(), "no fourth attempt");
}

#[test]
fn a_refused_connection_shows_why() {
    // A port nobody listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sim = Simulator::builder()
        .notification_attempts(2)
        .start()
        .unwrap();
    let id = payment(&sim, "n-refused", &format!("http://127.0.0.1:{port}/n"));
    sim.cancel(id).unwrap();
    assert!(sim.wait_for_notifications(WAIT));

    let notification = &get(&sim, &format!("/payments/{id}/notifications"))[0];
    assert_eq!(notification["payment_state"], "CANCELED");
    for attempt in notification["attempts"].as_array().unwrap() {
        assert_eq!(attempt["status"], Value::Null, "{attempt}");
        assert_eq!(attempt["error"], "refused", "{attempt}");
    }
    assert_eq!(statuses(notification).len(), 2);
    assert_eq!(notification["delivered"], false);
    assert_eq!(notification["finished"], true);
    assert_eq!(notification["sent"], true);
    // The second attempt came at least the retry delay after the first.
    let rust = &sim.notifications()[0];
    let gap = rust.history[1]
        .at
        .duration_since(rust.history[0].at)
        .unwrap();
    assert!(
        gap >= gopay_simulator::DEFAULT_NOTIFICATION_RETRY_DELAY,
        "{gap:?}"
    );
}

#[test]
fn a_host_not_allowed_is_recorded_not_sent() {
    let sim = Simulator::start().unwrap();
    let id = payment(&sim, "n-host", "https://shop.example/notify");
    sim.pay(id).unwrap();
    let notification = &get(&sim, "/notifications")[0];
    assert_eq!(
        notification["url"],
        format!("https://shop.example/notify?id={id}")
    );
    assert_eq!(notification["attempts"], json!([]));
    assert_eq!(notification["sent"], false);
    assert_eq!(notification["finished"], true);
    assert_eq!(notification["delivered"], false);
}

#[test]
fn resending_makes_a_new_entry_after_its_first_attempt() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(vec![200, 400]);
    let id = payment(&sim, "n-again", &shop.url);
    let other = payment(&sim, "n-other", &shop.url);
    sim.pay(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert!(sim.wait_for_notifications(WAIT));

    // The shop's handler fails this time: the answer already shows it.
    let again = control(&sim, "POST", &format!("/payments/{id}/notify"), None);
    assert_eq!(again.status, 200, "{}", again.body);
    let again = again.json();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert_eq!(again["id"], 2);
    assert_eq!(again["payment_state"], "PAID");
    assert_eq!(statuses(&again), [json!(400)]);
    assert_eq!(
        (&again["delivered"], &again["finished"]),
        (&json!(false), &json!(false))
    );
    // The retry follows on the schedule and is delivered.
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert!(sim.wait_for_notifications(WAIT));
    let mine = get(&sim, &format!("/payments/{id}/notifications"));
    let ids: Vec<&Value> = mine.as_array().unwrap().iter().map(|n| &n["id"]).collect();
    assert_eq!(ids, [&json!(1), &json!(2)]);
    assert_eq!(statuses(&mine[1]), [json!(400), json!(200)]);
    assert_eq!(mine[1]["delivered"], true);

    // Another payment's list is its own; a payment that waits for the customer is not
    // notified (GoPay sends nothing for CREATED), an unknown one is 404.
    assert_eq!(
        get(&sim, &format!("/payments/{other}/notifications")),
        json!([])
    );
    let created = control(&sim, "POST", &format!("/payments/{other}/notify"), None);
    assert_eq!(created.status, 409, "{}", created.body);
    for (method, path) in [
        ("POST", "/payments/1/notify"),
        ("GET", "/payments/1/notifications"),
    ] {
        let unknown = control(&sim, method, path, None);
        assert_eq!(unknown.status, 404, "{method} {path}: {}", unknown.body);
        assert_eq!(unknown.json()["errors"][0]["error_code"], 304);
    }
    assert_eq!(get(&sim, "/notifications").as_array().unwrap().len(), 2);

    // The Rust API does the same.
    let third = sim.notify(id).unwrap();
    assert_eq!((third.id, third.attempts, third.delivered), (3, 1, true));
    assert_eq!(sim.payment_notifications(id).unwrap().len(), 3);
    assert!(matches!(
        sim.notify(other),
        Err(Error::Refused { field: "state", .. })
    ));
    assert!(matches!(
        sim.payment_notifications(1),
        Err(Error::Refused { field: "id", .. })
    ));
}

#[test]
fn a_payment_without_a_notification_url_has_nothing_to_resend() {
    let sim = Simulator::start().unwrap();
    let request = PaymentRequest::new(1000, Currency::Czk, "n-none").item(Item::new("Goods", 1000));
    let id = sim.create_payment(&request).unwrap().id;
    sim.pay(id).unwrap();
    assert!(matches!(
        sim.notify(id),
        Err(Error::Refused {
            field: "notification_url",
            ..
        })
    ));
    let answer = control(&sim, "POST", &format!("/payments/{id}/notify"), None);
    assert_eq!(answer.status, 409, "{}", answer.body);
    assert!(sim.notifications().is_empty());
}

#[test]
fn another_sites_page_cannot_resend() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(Vec::new());
    let id = payment(&sim, "n-origin", &shop.url);
    sim.pay(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    let url = format!(
        "http://127.0.0.1:{}/_simulator/payments/{id}/notify",
        sim.port()
    );
    let refused = send("POST", &url, &[("Origin", "https://evil.example")], b"");
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(sim.notifications().len(), 1, "nothing was sent again");
    // Reading needs no such care, and the simulator's own page may resend.
    let list = format!("http://127.0.0.1:{}/_simulator/notifications", sim.port());
    let read = send("GET", &list, &[("Origin", "https://evil.example")], b"");
    assert_eq!(read.status, 200);
    let own = format!("http://127.0.0.1:{}", sim.port());
    let resent = send("POST", &url, &[("Origin", &own)], b"");
    assert_eq!(resent.status, 200, "{}", resent.body);
    assert_eq!(shop.next(), format!("/notify?id={id}"));
}

#[test]
fn the_test_clock_moves_the_growing_schedule() {
    let sim = Simulator::builder()
        .notification_retry_delay(HOUR)
        .start()
        .unwrap();
    let shop = Shop::start(vec![500, 500]);
    let id = payment(&sim, "n-clock", &shop.url);
    sim.pay(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    // Moving the clock answers once the attempts due by then are made: by zero seconds,
    // once the first attempt has ended.
    advance(&sim, 0);
    let path = format!("/payments/{id}/notifications");
    assert_eq!(statuses(&get(&sim, &path)[0]), [json!(500)]);

    // The first pause is the retry delay, the second twice as long. A minute short of
    // each, nothing is sent; the minute makes the attempt, before the answer.
    let mut expected = vec![json!(500)];
    for (pause, status) in [(3600, 500), (7200, 200)] {
        advance(&sim, pause - 60);
        assert_eq!(statuses(&get(&sim, &path)[0]), expected, "{pause} s");
        assert!(shop.received.try_recv().is_err(), "{pause} s: nothing sent");
        advance(&sim, 60);
        expected.push(json!(status));
        assert_eq!(statuses(&get(&sim, &path)[0]), expected, "{pause} s");
        assert_eq!(
            shop.received.try_recv().unwrap(),
            format!("/notify?id={id}")
        );
    }
    let notification = &get(&sim, &path)[0];
    assert_eq!(notification["delivered"], true);
    assert_eq!(notification["finished"], true);

    // The attempts' times are on the test clock: an hour, then two, apart.
    let history = &sim.notifications()[0].history;
    let gap = |i: usize| history[i + 1].at.duration_since(history[i].at).unwrap();
    assert!(
        gap(0) >= HOUR && gap(0) < HOUR + Duration::from_secs(60),
        "{:?}",
        gap(0)
    );
    assert!(gap(1) >= 2 * HOUR && gap(1) < 2 * HOUR + Duration::from_secs(60));
}

#[test]
fn gopay_gives_up_after_twenty_attempts() {
    let sim = Simulator::builder()
        .notification_retry_delay(HOUR)
        .start()
        .unwrap();
    let shop = Shop::start(vec![503; 30]);
    let id = payment(&sim, "n-twenty", &shop.url);
    sim.expire(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    sim.advance_clock(Duration::ZERO);
    // No pause is longer than four hours: each step makes exactly the next attempt.
    for made in 2..=20 {
        sim.advance_clock(4 * HOUR);
        assert!(shop.received.try_recv().is_ok(), "attempt {made}");
        assert!(shop.received.try_recv().is_err(), "only attempt {made}");
        assert_eq!(sim.notifications()[0].attempts, made);
    }
    let notification = &sim.notifications()[0];
    assert!(notification.finished && !notification.delivered);
    assert_eq!(notification.state, PaymentState::Timeouted);
    assert!(notification.history.iter().all(|a| a.status == Some(503)));
    // Nothing follows, however far the clock moves.
    sim.advance_clock(Duration::from_secs(30 * 86_400));
    assert!(shop.received.try_recv().is_err(), "a 21st attempt");
    assert_eq!(sim.notifications()[0].attempts, 20);
    assert!(sim.wait_for_notifications(Duration::ZERO));
}

#[test]
fn reset_forgets_notifications_and_pending_attempts() {
    let sim = Simulator::builder()
        .notification_retry_delay(HOUR)
        .start()
        .unwrap();
    let shop = Shop::start(vec![500]);
    let id = payment(&sim, "n-reset", &shop.url);
    sim.pay(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    advance(&sim, 0);
    assert!(
        !sim.wait_for_notifications(Duration::ZERO),
        "a retry is pending"
    );
    let reset = control(&sim, "POST", "/reset", None);
    assert_eq!(reset.status, 204, "{}", reset.body);
    assert_eq!(get(&sim, "/notifications"), json!([]));
    // The pending retry is gone with it.
    advance(&sim, 86_400);
    assert!(
        shop.received.try_recv().is_err(),
        "a forgotten retry was sent"
    );
    assert!(sim.wait_for_notifications(Duration::ZERO));
}
