//! API v4's 3DS challenge in a real browser: a shop creates a payment and charges it with the
//! challenge test card over raw HTTP, headless Chromium opens the charge's `redirect_url`,
//! clicks `#approve` and follows the 303 back to the shop; the charge then settles on the
//! test clock to `SUCCEEDED`, the payment is `PAID`, and a refund reaches `SUCCESS`. Then
//! the same through the `gopay` client's v4 preview instead of raw HTTP. And the page
//! behind v4's `gw_url`: the customer pays there with the frictionless card, lands on the
//! return URL, and once the charge settles the shop gets its notification.

use crate::support;

use std::time::Duration;

use gopay::v4::{
    BrowserData, ChargeInput, ChargeRequest, ChargeState, Client, Customer, PaymentRequest,
    RefundState,
};
use gopay::{Currency, PaymentState};
use gopay_simulator::Simulator;
use serde_json::{json, Value};
use support::browser::Driver;
use support::shop::Shop;
use support::v4::{
    advance, call, card_charge, create, merchant_token, notified_body, V4Config, ALL_SCOPES,
};

#[test]
fn a_customer_approves_the_3ds_challenge_in_a_real_browser() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let base = shop.url.trim_end_matches("/notify").to_owned();
    let id = create(&config, &token, 15000, &format!("{base}/return"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/payments/{id}/charge");
    let charge = call(
        &config,
        &token,
        "POST",
        &path,
        &card_charge("gopay-sim-card-challenge"),
    );
    assert_eq!(charge.status, 201, "{}", charge.body);
    let charge = charge.json();
    assert_eq!(charge["state"], "ACTION_REQUIRED");
    let redirect = charge["action"]["redirect_url"]
        .as_str()
        .unwrap()
        .to_owned();

    let driver = Driver::start();
    let session = driver.session();
    session.open(&redirect);
    session.click("#approve");
    let back = format!("{base}/return?payment_id={id}");
    session.wait_for_url(&back);
    // The shop sees the customer's return (and maybe a favicon request).
    while shop.next() != format!("/return?payment_id={id}") {}
    drop(session);
    drop(driver);

    let get = |path: &str| -> Value {
        let answer = call(&config, &token, "GET", path, &Value::Null);
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json()
    };
    assert_eq!(get(&path)["action"]["state"], "AUTHENTICATED_CHALLENGE");
    advance(&sim, 5);
    assert_eq!(get(&path)["state"], "SUCCEEDED");
    assert_eq!(get(&format!("/payments/{id}"))["state"], "PAID");

    let refunds = format!("/payments/{id}/refunds");
    let refund = call(&config, &token, "POST", &refunds, &json!({"amount": 15000}));
    assert_eq!(refund.status, 201, "{}", refund.body);
    assert_eq!(refund.json()["state"], "REQUESTED");
    advance(&sim, 5);
    let refund_id = refund.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(get(&format!("/refunds/{refund_id}"))["state"], "SUCCESS");
    assert_eq!(get(&format!("/payments/{id}"))["state"], "REFUNDED");
}

#[test]
fn the_clients_charge_passes_a_challenge_a_real_browser_approves() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = Client::new(sim.v4_config()).unwrap();
    let base = shop.url.trim_end_matches("/notify").to_owned();
    let payment = client
        .create_payment(&PaymentRequest::new(
            15000,
            Currency::Czk,
            "v4-browser-client",
            Customer::new("customer@example.com"),
            format!("{base}/notify"),
            format!("{base}/return"),
        ))
        .unwrap();
    let browser = BrowserData::new(
        "cs-CZ",
        -60,
        1920,
        1080,
        24,
        "Mozilla/5.0 (X11; Linux x86_64)",
        BrowserData::accept_header_json(Some("text/html"), Some("cs-CZ"), None),
        true,
    );
    let card = ChargeInput::card_token("gopay-sim-card-challenge");
    let charge = client
        .charge_payment(&payment.id, &ChargeRequest::new(card, browser))
        .unwrap();
    assert_eq!(charge.state, Some(ChargeState::ActionRequired));
    let redirect = charge
        .redirect_url()
        .expect("a 3-D Secure challenge")
        .to_owned();

    let driver = Driver::start();
    let session = driver.session();
    session.open(&redirect);
    session.click("#approve");
    let back = format!("{base}/return?payment_id={}", payment.id);
    session.wait_for_url(&back);
    while shop.next() != format!("/return?payment_id={}", payment.id) {}
    drop(session);
    drop(driver);

    sim.advance_clock(Duration::from_secs(5));
    let charge = client.get_charge(&payment.id).unwrap();
    assert_eq!(charge.state, Some(ChargeState::Succeeded));
    assert_eq!(
        client.get_payment(&payment.id).unwrap().state,
        Some(PaymentState::Paid)
    );
    let refund = client.refund_payment(&payment.id, 15000).unwrap();
    assert_eq!(refund.state, Some(RefundState::Requested));
    sim.advance_clock(Duration::from_secs(5));
    assert_eq!(
        client.get_refund(&refund.id).unwrap().state,
        Some(RefundState::Success)
    );
}

#[test]
fn a_customer_pays_on_the_gw_url_page_in_a_real_browser() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let base = shop.url.trim_end_matches("/notify").to_owned();
    let body = notified_body(15000, &shop.url, &format!("{base}/return"));
    let path = format!("/eshops/{}/payments", config.goid);
    let created = call(&config, &token, "POST", &path, &body);
    assert_eq!(created.status, 201, "{}", created.body);
    let created = created.json();
    let id = created["id"].as_str().unwrap().to_owned();
    let gw_url = created["gw_url"].as_str().unwrap().to_owned();

    let driver = Driver::start();
    let session = driver.session();
    session.open(&gw_url);
    assert_eq!(session.texts("#amount"), ["150.00 CZK"]);
    session.click("#pay-frictionless");
    session.wait_for_url(&format!("{base}/return?payment_id={id}"));
    // The shop sees the customer's return (and maybe a favicon request).
    while shop.next() != format!("/return?payment_id={id}") {}
    drop(session);
    drop(driver);

    let payment = format!("/payments/{id}");
    let state =
        |path: &str| call(&config, &token, "GET", path, &Value::Null).json()["state"].clone();
    assert_eq!(state(&format!("{payment}/charge")), "PROCESSING");
    assert!(
        sim.notifications().is_empty(),
        "nothing to tell before it settles"
    );
    advance(&sim, 5);
    assert_eq!(state(&payment), "PAID");
    while shop.next() != format!("/notify?id={id}") {}
    let notifications = sim.notifications();
    assert_eq!(notifications.len(), 1);
    assert_eq!(notifications[0].state, PaymentState::Paid);
    assert!(notifications[0].delivered);
}
