//! API v4's 3DS challenge in a real browser: a shop creates a payment and charges it with the
//! challenge test card over raw HTTP, headless Chromium opens the charge's `redirect_url`,
//! clicks `#approve` and follows the 303 back to the shop; the charge then settles on the
//! test clock to `SUCCEEDED`, the payment is `PAID`, and a refund reaches `SUCCESS`.

use crate::support;

use gopay_simulator::Simulator;
use serde_json::{json, Value};
use support::browser::Driver;
use support::shop::Shop;
use support::v4::{advance, call, card_charge, create, merchant_token, ALL_SCOPES};

#[test]
fn a_customer_approves_the_3ds_challenge_in_a_real_browser() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let config = sim.v4_config();
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
