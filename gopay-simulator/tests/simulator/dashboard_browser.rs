//! The dashboard in headless Chromium: a developer opens the payment list, opens a payment,
//! clicks its pay button (a plain form on the simulator's own origin) and sees the state
//! change and the shop's answers to the notification; and approves a v4 payment's 3-D
//! Secure challenge, which settles to SUCCEEDED/PAID once the test clock moves. Screenshots
//! of the list and of the payments go to `dashboard-list.png`, `dashboard-payment.png` and
//! `dashboard-v4-payment.png` in the target's test directory.

use crate::support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;
use support::browser::{Session, BROWSER_WAIT};
use support::shop::{Shop, WAIT};

/// Where the screenshots go.
fn screenshot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Waits until the page the browser is navigating to shows `expected` as the texts of
/// `css`.
fn wait_for_texts(session: &Session<'_>, css: &str, expected: &[&str]) {
    let deadline = Instant::now() + BROWSER_WAIT;
    loop {
        let texts = session.texts(css);
        if texts == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{css} shows {texts:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_developer_pays_from_the_dashboard_in_a_real_browser() {
    // The shop's handler fails once, so the payment's page shows a retry.
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![500]));
    let client = Client::new(sim.config()).unwrap();
    let shop_base = shop.url.trim_end_matches("/notify").to_owned();
    let order = |number: &str, amount: i64| {
        PaymentRequest::new(amount, Currency::Czk, number)
            .item(Item::new("Blue mug", amount))
            .contact_email("payer@example.cz")
    };
    // Some history, one order number a shop should never have let through, and the payment
    // the developer pays.
    let paid = client.create_payment(&order("ORD-1001", 49900)).unwrap();
    sim.pay(paid.id).unwrap();
    let canceled = client.create_payment(&order("ORD-1002", 12000)).unwrap();
    sim.cancel(canceled.id).unwrap();
    let hostile = "<script>alert(1)</script>";
    let odd = client.create_payment(&order(hostile, 100)).unwrap();
    let request =
        order("ORD-1003", 15000).callback(format!("{shop_base}/return"), shop.url.clone());
    let id = client.create_payment(&request).unwrap().id;
    client.get_status(id).unwrap();

    let driver = support::browser::Driver::start();
    let session = driver.session();
    let origin = format!("http://127.0.0.1:{}", sim.port());
    session.open(&format!("{origin}/_simulator/"));
    let row = |id: u64, cell: &str| format!("tr[data-payment-id=\"{id}\"] {cell}");
    assert_eq!(session.texts(&row(id, "td.state")), ["CREATED"]);
    assert_eq!(session.texts(&row(paid.id, "td.state")), ["PAID"]);
    assert_eq!(session.texts(&row(canceled.id, "td.state")), ["CANCELED"]);
    // The hostile order number is text on the page, never markup.
    assert_eq!(session.texts(&row(odd.id, "td.order")), [hostile]);
    assert!(session.texts("script, img").is_empty());

    session.click(&row(id, "a"));
    let page = format!("{origin}/_simulator/ui/payments/{id}");
    session.wait_for_url(&page);
    assert_eq!(session.texts("#state"), ["CREATED"]);
    session.click("#action-pay");

    // The 303 brings the browser back to the payment, now paid; the notification is on
    // its way, and once GoPay is done retrying the page shows both attempts.
    wait_for_texts(&session, "#state", &["PAID"]);
    session.wait_for_url(&page);
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Paid));
    assert!(sim.wait_for_notifications(WAIT));
    session.refresh();
    let statuses = session.texts("tr.attempt td.status");
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert_eq!(statuses[1], "200");
    assert_eq!(
        session.texts("#action-notify"),
        ["Send the notification again"]
    );
    assert!(session.texts("#action-pay").is_empty());
    session.resize(1280, 1500);
    let payment_png = session.screenshot(&screenshot("dashboard-payment.png"));

    session.click("a[href=\"/_simulator/\"]");
    session.wait_for_url(&format!("{origin}/_simulator/"));
    assert_eq!(session.texts(&row(id, "td.state")), ["PAID"]);
    session.resize(1280, 640);
    let list_png = session.screenshot(&screenshot("dashboard-list.png"));
    eprintln!(
        "screenshots: {} ({list_png} bytes), {} ({payment_png} bytes)",
        screenshot("dashboard-list.png").display(),
        screenshot("dashboard-payment.png").display()
    );
}

#[test]
fn a_developer_approves_a_v4_challenge_from_the_dashboard_in_a_real_browser() {
    use serde_json::json;
    use support::v4::{call, card_charge, merchant_token, payment_body, V4Config, ALL_SCOPES};

    let sim = Simulator::start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let hostile = "<script>alert(1)</script>";
    let mut body = payment_body(15000, "https://shop.example/return");
    body["order_number"] = json!(hostile);
    let path = format!("/eshops/{}/payments", config.goid);
    let created = call(&config, &token, "POST", &path, &body);
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let charge = call(
        &config,
        &token,
        "POST",
        &format!("/payments/{id}/charge"),
        &card_charge("gopay-sim-card-challenge"),
    );
    assert_eq!(charge.json()["state"], "ACTION_REQUIRED", "{}", charge.body);

    let driver = support::browser::Driver::start();
    let session = driver.session();
    let origin = format!("http://127.0.0.1:{}", sim.port());
    session.open(&format!("{origin}/_simulator/"));
    let row = |cell: &str| format!("tr.v4[data-payment-id=\"{id}\"] {cell}");
    assert_eq!(session.texts(&row("span.pill")), ["v4"]);
    assert_eq!(session.texts(&row("td.state")), ["CREATED"]);
    assert_eq!(session.texts(&row("td.charge")), ["ACTION_REQUIRED"]);
    assert_eq!(session.texts(&row("td.order")), [hostile]);
    assert!(session.texts("script, img").is_empty());

    session.click(&row("a"));
    let page = format!("{origin}/_simulator/ui/payments/{id}");
    session.wait_for_url(&page);
    assert_eq!(session.texts("#action-state"), ["CHALLENGE_REQUIRED"]);
    assert_eq!(session.texts("#order"), [hostile]);
    session.click("#action-approve");

    // The 303 brings the browser back: authenticated, settling on the test clock.
    wait_for_texts(&session, "#charge-state", &["PROCESSING"]);
    session.wait_for_url(&page);
    assert_eq!(session.texts("#action-state"), ["AUTHENTICATED_CHALLENGE"]);
    assert!(session.texts("#action-approve").is_empty());
    sim.advance_clock(Duration::from_secs(5));
    session.refresh();
    wait_for_texts(&session, "#state", &["PAID"]);
    assert_eq!(session.texts("#charge-state"), ["SUCCEEDED"]);
    session.resize(1280, 1200);
    let png = session.screenshot(&screenshot("dashboard-v4-payment.png"));
    eprintln!(
        "screenshot: {} ({png} bytes)",
        screenshot("dashboard-v4-payment.png").display()
    );
}
