//! API v4's notifications against a real shop endpoint on 127.0.0.1: one per state change
//! (charge settled → PAID, charge FAILED, CANCELED, TIMEOUTED, each successful refund), as a
//! GET like v3's or a POST of `{"id": …}`, none when off; v3's retries, resend and allowed
//! hosts apply, the records say `"api": "v4"`, and a restart tells nothing twice.

use std::time::Duration;

use crate::support;

use gopay::v4::ChargeState;
use gopay::PaymentState;
use gopay_simulator::{
    NotificationApi, NotificationMethod, Simulator, V4Notifications, PAYMENT_TIMEOUT,
};
use serde_json::{json, Value};
use support::http::{control as control_at, Answer};
use support::shop::{Shop, WAIT};
use support::v4::{
    advance, answer_challenge, call, card_charge, control, merchant_token, notified_body, V4Config,
    ALL_SCOPES,
};

/// A simulator notifying v4 payments as `mode` says, with a token for its v4 API.
struct Gateway {
    sim: Simulator,
    config: V4Config,
    token: String,
}

impl Gateway {
    fn start(mode: V4Notifications) -> Gateway {
        Gateway::of(Simulator::builder().v4_notifications(mode).start().unwrap())
    }

    fn of(sim: Simulator) -> Gateway {
        let config = V4Config::of(&sim);
        let token = merchant_token(&config, ALL_SCOPES);
        Gateway { sim, config, token }
    }

    /// A payment of `amount` whose notifications go to `notification_url`; its id.
    fn payment(&self, amount: i64, notification_url: &str) -> String {
        let path = format!("/eshops/{}/payments", self.config.goid);
        let body = notified_body(amount, notification_url, "https://shop.example/return");
        let answer = call(&self.config, &self.token, "POST", &path, &body);
        assert_eq!(answer.status, 201, "{}", answer.body);
        answer.json()["id"].as_str().unwrap().to_owned()
    }

    /// `POST /payments/{id}/charge` with the test card `card`: the charge.
    fn charge(&self, id: &str, card: &str) -> Value {
        let path = format!("/payments/{id}/charge");
        let answer = call(&self.config, &self.token, "POST", &path, &card_charge(card));
        assert_eq!(answer.status, 201, "{}", answer.body);
        answer.json()
    }

    /// `POST /payments/{id}/refunds` of `amount`: the refund's id.
    fn refund(&self, id: &str, amount: i64) -> String {
        let path = format!("/payments/{id}/refunds");
        let body = json!({ "amount": amount });
        let answer = call(&self.config, &self.token, "POST", &path, &body);
        assert_eq!(answer.status, 201, "{}", answer.body);
        answer.json()["id"].as_str().unwrap().to_owned()
    }

    /// `GET /payments/{id}`: the payment's state.
    fn state(&self, id: &str) -> String {
        let path = format!("/payments/{id}");
        let answer = call(&self.config, &self.token, "GET", &path, &Value::Null);
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json()["state"].as_str().unwrap().to_owned()
    }

    /// `method /_simulator{path}` with no body.
    fn control(&self, method: &str, path: &str) -> Answer {
        let origin = format!("http://127.0.0.1:{}", self.sim.port());
        control_at(&origin, method, path, &Value::Null)
    }

    /// The control API's notifications of payment `id`.
    fn notifications(&self, id: &str) -> Vec<Value> {
        let answer = self.control("GET", &format!("/payments/{id}/notifications"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json().as_array().unwrap().clone()
    }

    /// `(payment_state, charge_state)` of each notification of payment `id`, oldest first.
    fn states(&self, id: &str) -> Vec<(Value, Value)> {
        self.notifications(id)
            .iter()
            .map(|n| (n["payment_state"].clone(), n["charge_state"].clone()))
            .collect()
    }
}

fn id_number(id: &str) -> u64 {
    id.parse().expect("a numeric v4 id")
}

#[test]
fn a_settled_charge_notifies_paid_once_by_get() {
    let gateway = Gateway::start(V4Notifications::Get);
    let shop = Shop::start(vec![]);
    let id = gateway.payment(15000, &shop.url);
    assert_eq!(
        gateway.charge(&id, "gopay-sim-card-frictionless")["state"],
        "PROCESSING"
    );
    assert!(gateway.sim.notifications().is_empty(), "not paid yet");

    advance(&gateway.sim, 5);
    let received = shop.next_request();
    assert_eq!(received.method, "GET");
    assert_eq!(received.url, format!("/notify?id={id}"));
    assert_eq!(received.body, "");
    // Later requests and clock moves settle nothing new: still one notification.
    assert_eq!(gateway.state(&id), "PAID");
    advance(&gateway.sim, 60);
    assert_eq!(gateway.states(&id), [(json!("PAID"), json!("SUCCEEDED"))]);
    let shown = &gateway.notifications(&id)[0];
    assert_eq!(
        (&shown["api"], &shown["method"], &shown["delivered"]),
        (&json!("v4"), &json!("GET"), &json!(true))
    );
    assert_eq!(shown["url"], format!("{}?id={id}", shop.url));
    assert_eq!(shown["payment_id"], id_number(&id));
    let rust = &gateway.sim.notifications()[0];
    assert_eq!(
        (rust.api, rust.method, &rust.state, &rust.charge_state),
        (
            NotificationApi::V4,
            NotificationMethod::Get,
            &PaymentState::Paid,
            &Some(ChargeState::Succeeded)
        )
    );
    assert!(shop.requests.try_recv().is_err(), "one request only");
}

#[test]
fn failed_charges_notify_and_the_payment_stays_created() {
    let gateway = Gateway::start(V4Notifications::Get);
    let shop = Shop::start(vec![]);
    // Declined: fails when it settles on the test clock.
    let declined = gateway.payment(100, &shop.url);
    gateway.charge(&declined, "gopay-sim-card-declined");
    advance(&gateway.sim, 5);
    assert_eq!(shop.next(), format!("/notify?id={declined}"));
    // A 3-D Secure challenge the customer declines: fails at once.
    let challenged = gateway.payment(100, &shop.url);
    let charge = gateway.charge(&challenged, "gopay-sim-card-challenge");
    let redirect = charge["action"]["redirect_url"].as_str().unwrap();
    assert_eq!(answer_challenge(redirect, "decline").status, 303);
    assert_eq!(shop.next(), format!("/notify?id={challenged}"));

    for id in [&declined, &challenged] {
        assert_eq!(gateway.state(id), "CREATED");
        assert_eq!(gateway.states(id), [(json!("CREATED"), json!("FAILED"))]);
    }
    // Another charge after the failure succeeds: one more notification, PAID.
    gateway.charge(&declined, "gopay-sim-card-frictionless");
    advance(&gateway.sim, 5);
    assert_eq!(shop.next(), format!("/notify?id={declined}"));
    assert_eq!(
        gateway.states(&declined),
        [
            (json!("CREATED"), json!("FAILED")),
            (json!("PAID"), json!("SUCCEEDED"))
        ]
    );
}

#[test]
fn cancel_and_timeout_notify_once_each() {
    let gateway = Gateway::start(V4Notifications::Get);
    let shop = Shop::start(vec![]);
    let canceled = gateway.payment(100, &shop.url);
    let expiring = gateway.payment(100, &shop.url);
    assert_eq!(
        control(&gateway.sim, &format!("/payments/{canceled}/cancel")).status,
        200
    );
    assert_eq!(shop.next(), format!("/notify?id={canceled}"));
    gateway
        .sim
        .advance_clock(PAYMENT_TIMEOUT + Duration::from_secs(1));
    assert_eq!(shop.next(), format!("/notify?id={expiring}"));
    assert_eq!(
        gateway.states(&canceled),
        [(json!("CANCELED"), Value::Null)]
    );
    assert_eq!(
        gateway.states(&expiring),
        [(json!("TIMEOUTED"), Value::Null)]
    );
    assert_eq!(gateway.sim.notifications().len(), 2);
}

#[test]
fn each_successful_refund_notifies() {
    let gateway = Gateway::start(V4Notifications::Get);
    let shop = Shop::start(vec![]);
    let id = gateway.payment(10000, &shop.url);
    gateway.charge(&id, "gopay-sim-card-frictionless");
    advance(&gateway.sim, 5);
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    gateway.refund(&id, 4000);
    advance(&gateway.sim, 5);
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    // Settled by the control API this time.
    let rest = gateway.refund(&id, 6000);
    let settled = control(&gateway.sim, &format!("/refunds/{rest}/succeed"));
    assert_eq!(settled.status, 200, "{}", settled.body);
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    let states: Vec<Value> = gateway.states(&id).into_iter().map(|s| s.0).collect();
    assert_eq!(
        states,
        [
            json!("PAID"),
            json!("PARTIALLY_REFUNDED"),
            json!("REFUNDED")
        ]
    );
    // A refund refused (and kept as FAILED) changes nothing and notifies nothing.
    let path = format!("/payments/{id}/refunds");
    let refused = call(
        &gateway.config,
        &gateway.token,
        "POST",
        &path,
        &json!({"amount": 1}),
    );
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(gateway.notifications(&id).len(), 3);
}

#[test]
fn post_sends_the_id_as_json() {
    let gateway = Gateway::start(V4Notifications::Post);
    let shop = Shop::start(vec![]);
    let id = gateway.payment(100, &shop.url);
    assert_eq!(
        control(&gateway.sim, &format!("/payments/{id}/pay")).status,
        200
    );
    let received = shop.next_request();
    assert_eq!(received.method, "POST");
    assert_eq!(
        received.url, "/notify",
        "the id is in the body, not the query"
    );
    assert_eq!(received.content_type.as_deref(), Some("application/json"));
    let body: Value = serde_json::from_str(&received.body).unwrap();
    assert_eq!(body, json!({ "id": id }));
    let shown = &gateway.notifications(&id)[0];
    assert_eq!(
        (&shown["method"], &shown["url"]),
        (&json!("POST"), &json!(shop.url))
    );
}

#[test]
fn off_sends_and_records_none() {
    let gateway = Gateway::start(V4Notifications::Off);
    let shop = Shop::start(vec![]);
    let paid = gateway.payment(100, &shop.url);
    let canceled = gateway.payment(100, &shop.url);
    gateway.charge(&paid, "gopay-sim-card-frictionless");
    advance(&gateway.sim, 5);
    assert_eq!(gateway.state(&paid), "PAID");
    control(&gateway.sim, &format!("/payments/{canceled}/cancel"));
    gateway.refund(&paid, 100);
    advance(&gateway.sim, 5);
    assert_eq!(gateway.state(&paid), "REFUNDED");
    // Records are made when the state changes, before anything is sent: none were.
    assert!(gateway.sim.notifications().is_empty());
    let again = gateway.control("POST", &format!("/payments/{paid}/notify"));
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again.body.contains("v4 notifications are off"),
        "{}",
        again.body
    );
    assert!(shop.requests.try_recv().is_err());
}

#[test]
fn a_shop_answering_500_is_retried_until_200() {
    let gateway = Gateway::start(V4Notifications::Post);
    let shop = Shop::start(vec![500, 500]);
    let id = gateway.payment(100, &shop.url);
    control(&gateway.sim, &format!("/payments/{id}/pay"));
    for _ in 0..3 {
        assert_eq!(shop.next_request().method, "POST");
    }
    assert!(gateway.sim.wait_for_notifications(WAIT));
    let shown = &gateway.notifications(&id)[0];
    let statuses: Vec<&Value> = shown["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(500), &json!(200)]);
    assert_eq!(shown["delivered"], true);
    assert_eq!(
        gateway.sim.notifications().len(),
        1,
        "retries, not new ones"
    );
}

#[test]
fn resending_makes_a_new_notification_of_the_current_state() {
    let gateway = Gateway::start(V4Notifications::Get);
    let shop = Shop::start(vec![]);
    let id = gateway.payment(100, &shop.url);
    // Nothing to notify while it waits.
    let early = gateway.control("POST", &format!("/payments/{id}/notify"));
    assert_eq!(early.status, 409, "{}", early.body);
    control(&gateway.sim, &format!("/payments/{id}/pay"));
    assert_eq!(shop.next(), format!("/notify?id={id}"));

    let again = gateway.control("POST", &format!("/payments/{id}/notify"));
    assert_eq!(again.status, 200, "{}", again.body);
    let again = again.json();
    assert_eq!((&again["id"], &again["api"]), (&json!(2), &json!("v4")));
    assert_eq!(again["payment_state"], "PAID");
    assert_eq!(
        again["attempts"][0]["status"], 200,
        "answered after its attempt"
    );
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    // The Rust API resends the same way.
    let third = gateway.sim.notify(id_number(&id)).unwrap();
    assert_eq!((third.id, third.api), (3, NotificationApi::V4));
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert_eq!(
        gateway
            .sim
            .payment_notifications(id_number(&id))
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_v3_payment_with_the_same_id_keeps_its_own_notifications() {
    let gateway = Gateway::start(V4Notifications::Get);
    let shop = Shop::start(vec![]);
    let id = gateway.payment(100, &shop.url);
    let origin = format!("http://127.0.0.1:{}", gateway.sim.port());
    let seeded = control_at(
        &origin,
        "POST",
        "/payments",
        &json!({"id": id_number(&id), "state": "CREATED", "amount": 100, "currency": "CZK",
                "notification_url": shop.url}),
    );
    assert_eq!(seeded.status, 200, "{}", seeded.body);
    gateway.sim.pay(id_number(&id)).unwrap(); // the v3 payment
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert_eq!(gateway.state(&id), "CREATED", "the v4 payment did not move");
    assert!(
        gateway.notifications(&id).is_empty(),
        "{:?}",
        gateway.notifications(&id)
    );
    control(&gateway.sim, &format!("/payments/{id}/pay")); // the v4 payment
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    let mine = gateway.notifications(&id);
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["api"], "v4");
    // The whole list holds both; v3's record keeps the pinned shape (no "api").
    let all = gateway.control("GET", "/notifications").json();
    assert_eq!(all[0].get("api"), None, "{all}");
    assert_eq!(all[1]["api"], "v4");
}

#[test]
fn a_host_not_allowed_is_recorded_not_sent() {
    let gateway = Gateway::start(V4Notifications::Post);
    let id = gateway.payment(100, "https://shop.example/notify");
    control(&gateway.sim, &format!("/payments/{id}/pay"));
    let shown = &gateway.notifications(&id)[0];
    assert_eq!(shown["url"], "https://shop.example/notify");
    assert_eq!(
        (&shown["sent"], &shown["finished"], &shown["attempts"]),
        (&json!(false), &json!(true), &json!([]))
    );
}

#[test]
fn after_a_restart_a_settling_charge_notifies_once_and_nothing_is_told_twice() {
    let dir = support::scratch::Scratch::new("v4-notify-restart");
    let path = dir.join("state.json");
    let shop = Shop::start(vec![]);
    let first = Gateway::of(Simulator::builder().state_file(&path).start().unwrap());
    let paid = first.payment(100, &shop.url);
    first.charge(&paid, "gopay-sim-card-frictionless");
    advance(&first.sim, 5);
    assert_eq!(shop.next(), format!("/notify?id={paid}"));
    let settling = first.payment(100, &shop.url);
    first.charge(&settling, "gopay-sim-card-frictionless");
    first.sim.stop().unwrap();

    let second = Gateway::of(Simulator::builder().state_file(&path).start().unwrap());
    assert_eq!(second.state(&paid), "PAID");
    advance(&second.sim, 5);
    assert_eq!(shop.next(), format!("/notify?id={settling}"));
    assert_eq!(second.states(&paid), [(json!("PAID"), json!("SUCCEEDED"))]);
    assert_eq!(
        second.states(&settling),
        [(json!("PAID"), json!("SUCCEEDED"))]
    );
    assert!(
        shop.requests.try_recv().is_ok(),
        "the first notification's request"
    );
    assert!(shop.requests.try_recv().is_ok(), "the second's");
    assert!(shop.requests.try_recv().is_err(), "and no other");
}
