//! The customer page in a real browser: headless Chromium driven over the W3C WebDriver
//! protocol opens `gw_url`, chooses a method, clicks `#pay` and follows the 303 back to the
//! shop; and pages of another site that try to drive the control API (or the dashboard's
//! buttons) through the browser.
//! The driver is `support::browser`.

use crate::support;

use std::sync::mpsc;
use std::sync::Mutex;

use gopay::{Client, Currency, Item, PaymentInstrument, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;
use support::browser::{Driver, BROWSER_WAIT};
use support::shop::Shop;
use support::site::Site;

#[test]
fn a_customer_pays_in_a_real_browser_and_returns_to_the_shop() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = Client::new(sim.config()).unwrap();
    let base = shop.url.trim_end_matches("/notify").to_owned();
    let request = PaymentRequest::new(15000, Currency::Czk, "WEB-1")
        .item(Item::new("Blue mug", 15000))
        .contact_email("payer@example.cz")
        .callback(format!("{base}/return"), shop.url.clone());
    let payment = client.create_payment(&request).unwrap();
    let id = payment.id;

    let driver = Driver::start();
    let session = driver.session();
    session.open(payment.gw_url.as_deref().unwrap());
    session.click("#payment_instrument option[value=\"BANK_ACCOUNT\"]");
    session.click("#pay");

    session.wait_for_url(&format!("{base}/return?id={id}"));
    // The shop sees the notification and the customer's return (and maybe a favicon).
    let (mut notified, mut came_back) = (false, false);
    while !(notified && came_back) {
        let path = shop.next();
        notified |= path == format!("/notify?id={id}");
        came_back |= path == format!("/return?id={id}");
    }
    drop(session);
    drop(driver);

    let status = client.get_status(id).unwrap();
    assert_eq!(status.state, Some(PaymentState::Paid));
    assert_eq!(
        status.payment_instrument,
        Some(PaymentInstrument::BankAccount)
    );
}

#[test]
fn another_sites_pages_cannot_pay_through_the_browser_but_the_simulators_own_can() {
    // Every control request the simulator answers, as the access log sees it.
    let (seen, answered) = mpsc::channel::<(String, u16)>();
    let seen = Mutex::new(seen);
    let sim = Simulator::builder()
        .on_exchange(move |exchange| {
            if exchange.path.starts_with("/_simulator/") {
                let _ = seen
                    .lock()
                    .unwrap()
                    .send((exchange.path.clone(), exchange.status));
            }
        })
        .start()
        .unwrap();
    let order = |number: &str| {
        let request = PaymentRequest::new(1000, Currency::Czk, number).item(Item::new("Mug", 1000));
        sim.create_payment(&request).unwrap()
    };
    let (top, framed, own) = (order("XO-1"), order("XO-2"), order("XO-3"));
    let dashboard = order("XO-4");
    let control = |id: u64| format!("/_simulator/payments/{id}/pay");
    let button = |id: u64| format!("/_simulator/ui/payments/{id}/pay");
    let form = |path: &str| {
        format!(
            "<form method='post' enctype='text/plain' action='http://127.0.0.1:{}{path}'></form><script>document.forms[0].submit()</script>",
            sim.port()
        )
    };
    // A plain cross-site form, one in a sandboxed frame (which sends `Origin: null`), and
    // one copying a dashboard button.
    let framed_page = format!(
        "<iframe sandbox='allow-forms allow-scripts' srcdoc=\"{}\"></iframe>",
        form(&control(framed.id))
    );
    let site = Site::start(vec![
        ("/top".to_owned(), form(&control(top.id))),
        ("/framed".to_owned(), framed_page),
        ("/dashboard".to_owned(), form(&button(dashboard.id))),
    ]);
    let driver = Driver::start();
    let session = driver.session();
    for (page, id, target) in [
        ("/top", top.id, control(top.id)),
        ("/framed", framed.id, control(framed.id)),
        ("/dashboard", dashboard.id, button(dashboard.id)),
    ] {
        session.open(&format!("{}{page}", site.url));
        let (path, status) = answered
            .recv_timeout(BROWSER_WAIT)
            .expect("the form was sent");
        assert_eq!((path, status), (target, 403), "{page}");
        assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Created));
    }

    // The simulator's own page, reached as localhost rather than 127.0.0.1, may act.
    let gw_url = own.gw_url.unwrap().replace("127.0.0.1", "localhost");
    session.open(&gw_url);
    let status = session.run_async(&format!(
        "fetch('/_simulator/payments/{}/pay', {{method: 'POST'}}).then(r => done(r.status), e => done(String(e)))",
        own.id
    ));
    assert_eq!(status, 200);
    assert_eq!(
        answered.recv_timeout(BROWSER_WAIT).unwrap(),
        (format!("/_simulator/payments/{}/pay", own.id), 200)
    );
    assert_eq!(sim.payment(own.id).unwrap().state, Some(PaymentState::Paid));
}
