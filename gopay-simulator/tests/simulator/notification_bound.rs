//! The bound on the notifications kept, with a shop endpoint on 127.0.0.1 and a bound lowered
//! to a few: the oldest finished notifications go first, pending ones stay and still deliver,
//! a pending one dropped when all are pending is never attempted again, the drop count shows
//! in the control API's header, the Rust API and the dashboard, v3 and v4 notifications
//! share the bound, the list never grows past it, a state file holding more is trimmed at
//! start, and no notification makes more than the most attempts allowed.

use std::time::Duration;

use crate::support;

use gopay::{Currency, Item, PaymentRequest};
use gopay_simulator::{
    Error, NotificationApi, Simulator, MAX_NOTIFICATIONS, MAX_NOTIFICATION_ATTEMPTS,
};
use serde_json::{json, Value};
use support::http::{send, Answer};
use support::scratch::Scratch;
use support::shop::Shop;
use support::v4::{control, create, merchant_token, V4Config, ALL_SCOPES};

/// A retry delay real time never reaches in a test: only the test clock moves the schedule.
const HOUR: Duration = Duration::from_secs(3600);

/// A notification URL on a host the simulator never calls: its notifications are finished
/// at once, unsent, which makes them cheap to pile up.
const FOREIGN: &str = "https://shop.example/notify";

/// The header that counts the dropped notifications.
const DROPPED: &str = "x-simulator-notifications-dropped";

/// `GET /_simulator{path}`, answered 200.
fn get(sim: &Simulator, path: &str) -> Answer {
    let url = format!("http://127.0.0.1:{}/_simulator{path}", sim.port());
    let answer = send("GET", &url, &[], b"");
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

/// The ids of the notifications the control API lists, and its dropped count.
fn listed(sim: &Simulator) -> (Vec<u64>, Option<u64>) {
    let answer = get(sim, "/notifications");
    let ids = answer
        .json()
        .as_array()
        .expect("a bare array, as pinned")
        .iter()
        .map(|n| n["id"].as_u64().unwrap())
        .collect();
    let dropped = answer.header(DROPPED).map(|v| v.parse().unwrap());
    (ids, dropped)
}

/// A v3 payment whose notifications go to `notification_url`.
fn payment(sim: &Simulator, number: &str, notification_url: &str) -> u64 {
    let request = PaymentRequest::new(1000, Currency::Czk, number)
        .item(Item::new("Goods", 1000))
        .callback("https://shop.example/return", notification_url);
    sim.create_payment(&request).unwrap().id
}

/// A v3 payment to a foreign host, cancelled: one finished notification.
fn finished_v3(sim: &Simulator, number: &str) -> u64 {
    let id = payment(sim, number, FOREIGN);
    sim.cancel(id).unwrap();
    id
}

#[test]
fn past_the_bound_the_oldest_finished_go_and_a_pending_one_stays_and_delivers() {
    let sim = Simulator::builder()
        .notification_retry_delay(HOUR)
        .max_notifications(3)
        .start()
        .unwrap();
    assert_eq!(sim.max_notifications(), 3);
    let retrying = Shop::start(vec![500]);
    let delivering = Shop::start(vec![]);

    // 1: pending (the shop answered 500; its retry is an hour away).
    let pending = payment(&sim, "b-pending", &retrying.url);
    sim.pay(pending).unwrap();
    assert_eq!(retrying.next(), format!("/notify?id={pending}"));
    sim.advance_clock(Duration::ZERO);
    // 2: finished unsent; 3: delivered.
    let unsent = finished_v3(&sim, "b-unsent");
    let delivered = payment(&sim, "b-delivered", &delivering.url);
    sim.pay(delivered).unwrap();
    assert_eq!(delivering.next(), format!("/notify?id={delivered}"));
    sim.advance_clock(Duration::ZERO);
    assert_eq!(listed(&sim), (vec![1, 2, 3], Some(0)));
    assert!(
        !get(&sim, "/").body.contains("notifications-dropped"),
        "nothing dropped yet"
    );

    // 4 and 5 drop 2 and 3, the oldest finished ones, never the older pending 1.
    sim.notify(unsent).unwrap();
    assert_eq!(listed(&sim), (vec![1, 3, 4], Some(1)));
    sim.notify(unsent).unwrap();
    assert_eq!(listed(&sim), (vec![1, 4, 5], Some(2)));
    assert_eq!(sim.notifications_dropped(), 2);
    assert!(sim.payment_notifications(delivered).unwrap().is_empty());

    // The pending one still delivers when its retry falls due.
    sim.advance_clock(HOUR);
    assert_eq!(retrying.next(), format!("/notify?id={pending}"));
    let kept = sim.payment_notifications(pending).unwrap();
    assert_eq!(kept.len(), 1);
    let statuses: Vec<_> = kept[0].history.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(200)]);
    assert!(kept[0].delivered && kept[0].finished);

    // The dashboard says so, on the list and on a payment's page.
    let page = get(&sim, "/").body;
    assert!(
        page.contains(
            "id=\"notifications-dropped\">2 older notifications dropped: the simulator keeps \
             the newest 3"
        ),
        "{page}"
    );
    let own = get(&sim, &format!("/ui/payments/{delivered}")).body;
    assert!(
        own.contains("id=\"notifications-dropped\">2 older"),
        "{own}"
    );

    // However many follow, the list stays at the bound and every drop is counted.
    for made in 1..=50 {
        sim.notify(unsent).unwrap();
        assert_eq!(sim.notifications().len(), 3, "after {made} more");
    }
    assert_eq!(listed(&sim), (vec![53, 54, 55], Some(52)));
    let header = get(&sim, &format!("/payments/{unsent}/notifications"));
    assert_eq!(
        header.header(DROPPED),
        Some("52"),
        "on one payment's list too"
    );

    // A reset forgets the count with the notifications.
    sim.reset();
    assert_eq!(listed(&sim), (vec![], Some(0)));
    finished_v3(&sim, "b-after-reset");
    assert_eq!(listed(&sim), (vec![1], Some(0)));
}

#[test]
fn when_every_kept_one_is_pending_the_oldest_goes_and_is_never_attempted_again() {
    let sim = Simulator::builder()
        .notification_retry_delay(HOUR)
        .max_notifications(2)
        .start()
        .unwrap();
    let shop = Shop::start(vec![500; 3]);
    let ids: Vec<u64> = (1..=3)
        .map(|n| {
            let id = payment(&sim, &format!("b-all-pending-{n}"), &shop.url);
            sim.pay(id).unwrap();
            assert_eq!(shop.next(), format!("/notify?id={id}"));
            sim.advance_clock(Duration::ZERO);
            id
        })
        .collect();
    // The third dropped the first, though it was pending.
    assert_eq!(listed(&sim), (vec![2, 3], Some(1)));
    assert!(
        !sim.wait_for_notifications(Duration::ZERO),
        "two are pending"
    );

    // An hour on, the two kept are retried (and delivered); the dropped one is not.
    sim.advance_clock(HOUR);
    let mut retried = vec![shop.next(), shop.next()];
    retried.sort();
    assert_eq!(
        retried,
        [
            format!("/notify?id={}", ids[1]),
            format!("/notify?id={}", ids[2])
        ]
    );
    sim.advance_clock(30 * 24 * HOUR);
    assert!(
        shop.received.try_recv().is_err(),
        "a dropped notification was attempted"
    );
    assert!(sim.wait_for_notifications(Duration::ZERO));
    assert!(sim.payment_notifications(ids[0]).unwrap().is_empty());
    for notification in sim.notifications() {
        assert_eq!(notification.attempts, 2, "{notification:?}");
        assert!(notification.delivered);
    }
}

#[test]
fn v3_and_v4_notifications_share_the_bound() {
    let sim = Simulator::builder().max_notifications(2).start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let v4_id = |payment: Value| -> u64 { payment["id"].as_str().unwrap().parse().unwrap() };
    let v4 = v4_id(create(&config, &token, 100, "https://shop.example/return"));
    let apis = |sim: &Simulator| -> Vec<(u64, NotificationApi)> {
        sim.notifications().iter().map(|n| (n.id, n.api)).collect()
    };

    let canceled = control(&sim, &format!("/payments/{v4}/cancel"));
    assert_eq!(canceled.status, 200, "{}", canceled.body);
    finished_v3(&sim, "b-v3-1");
    assert_eq!(
        apis(&sim),
        [(1, NotificationApi::V4), (2, NotificationApi::V3)]
    );
    // A v3 notification drops the older v4 one ...
    finished_v3(&sim, "b-v3-2");
    assert_eq!(
        apis(&sim),
        [(2, NotificationApi::V3), (3, NotificationApi::V3)]
    );
    assert!(sim.payment_notifications(v4).unwrap().is_empty());
    // ... and a v4 one the older v3 one.
    sim.notify(v4).unwrap();
    assert_eq!(
        apis(&sim),
        [(3, NotificationApi::V3), (4, NotificationApi::V4)]
    );
    assert_eq!(listed(&sim), (vec![3, 4], Some(2)));
    let shown = get(&sim, &format!("/payments/{v4}/notifications")).json();
    assert_eq!(shown[0]["api"], json!("v4"));
}

#[test]
fn a_state_file_holding_more_is_trimmed_at_start_and_keeps_the_count() {
    let scratch = Scratch::new("notification-bound");
    let file = scratch.join("state.json");
    let shop = Shop::start(vec![500]);
    let pending = {
        let sim = Simulator::builder()
            .notification_retry_delay(HOUR)
            .max_notifications(5)
            .state_file(&file)
            .start()
            .unwrap();
        let pending = payment(&sim, "b-saved-pending", &shop.url);
        sim.pay(pending).unwrap();
        assert_eq!(shop.next(), format!("/notify?id={pending}"));
        sim.advance_clock(Duration::ZERO);
        let unsent = finished_v3(&sim, "b-saved-unsent");
        for _ in 0..5 {
            sim.notify(unsent).unwrap();
        }
        assert_eq!(listed(&sim), (vec![1, 4, 5, 6, 7], Some(2)));
        sim.stop().unwrap();
        pending
    };
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["notifications"].as_array().unwrap().len(), 5);
    assert_eq!(saved["notifications_dropped"], json!(2));

    // Restarted with a lower bound: the oldest finished go first; the pending one stays and
    // is attempted again at once, as any pending notification of a state file is.
    let sim = Simulator::builder()
        .notification_retry_delay(HOUR)
        .max_notifications(2)
        .state_file(&file)
        .start()
        .unwrap();
    assert_eq!(shop.next(), format!("/notify?id={pending}"));
    sim.advance_clock(Duration::ZERO);
    assert_eq!(listed(&sim), (vec![1, 7], Some(5)));
    let kept = sim.payment_notifications(pending).unwrap();
    assert!(kept[0].delivered, "{kept:?}");
    // Ids go on from the newest kept.
    finished_v3(&sim, "b-restarted");
    assert_eq!(listed(&sim), (vec![7, 8], Some(6)));
}

#[test]
fn the_bound_is_at_least_one_and_defaults_to_ten_thousand() {
    assert_eq!(MAX_NOTIFICATIONS, 10_000);
    assert_eq!(Simulator::start().unwrap().max_notifications(), 10_000);
    match Simulator::builder().max_notifications(0).start() {
        Err(Error::Config { setting, .. }) => assert_eq!(setting, "max_notifications"),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a bound of zero was accepted"),
    }
}

#[test]
fn attempts_past_the_most_allowed_count_as_that_many() {
    let sim = Simulator::builder()
        .notification_attempts(1_000)
        .notification_retry_delay(Duration::ZERO)
        .start()
        .unwrap();
    // A port nobody listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let id = payment(&sim, "b-attempts", &format!("http://127.0.0.1:{port}/n"));
    sim.pay(id).unwrap();
    assert!(sim.wait_for_notifications(support::shop::WAIT));
    let notification = &sim.notifications()[0];
    assert_eq!(notification.attempts, MAX_NOTIFICATION_ATTEMPTS);
    assert_eq!(notification.history.len(), 50);
    assert!(notification.finished && !notification.delivered);
}
