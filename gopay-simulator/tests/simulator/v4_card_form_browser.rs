//! API v4's card form in a real browser, framed by a shop's page on another origin as
//! GoPay's card iframe is: the customer types the challenge test card, the form hands the
//! shop's page its payload by `postMessage` (for the origin the page was opened for only), and the shop's
//! server tokenizes it with the `gopay` client and charges the token into a 3-D Secure
//! challenge. A real-looking card number is refused on the page and no payload appears. No
//! typed card number ever reaches the simulator (its request log shows none).

use crate::support;

use gopay::v4::{
    BrowserData, CardTokenStatus, ChargeInput, ChargeRequest, ChargeState, Client, Customer,
    PaymentRequest,
};
use gopay::Currency;
use gopay_simulator::v4_cards::{self, card_form_payload};
use gopay_simulator::Simulator;
use support::browser::{Driver, Session};
use support::site::Site;

/// The shop's page: the card form in a frame, opened for `for_origin` (a JavaScript
/// expression), and a listener that notes the type of every message from the simulator's
/// origin in `#log` and shows the payload of the form's in `#received`.
fn shop_page(card_form_url: &str, simulator_origin: &str, for_origin: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Shop checkout</title></head>\
         <body><h1>Checkout</h1><p id=\"received\"></p><p id=\"log\"></p>\
         <iframe id=\"card-form\" width=\"520\" height=\"720\"></iframe>\
         <script>\
         window.addEventListener('message', function (event) {{\
           if (event.origin !== '{simulator_origin}' || !event.data) {{ return; }}\
           document.getElementById('log').textContent += event.data.type + ' ';\
           if (event.data.type === 'gopay-sim-card-payload') {{\
             document.getElementById('received').textContent = event.data.payload;\
           }}\
         }});\
         document.getElementById('card-form').src = '{card_form_url}?origin=' \
           + encodeURIComponent({for_origin});\
         </script></body></html>"
    )
}

/// A simulator, a client for it, and a shop site whose `/checkout` frames the card form for
/// the shop's own origin and whose `/elsewhere` frames it for another origin.
fn start() -> (Simulator, Client, Site) {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.v4_config()).unwrap();
    let form = client
        .card_form_url()
        .unwrap()
        .card_form_url
        .expect("a card form URL");
    let origin = format!("http://127.0.0.1:{}", sim.port());
    let site = Site::start(vec![
        (
            "/checkout".to_owned(),
            shop_page(&form, &origin, "window.location.origin"),
        ),
        (
            "/elsewhere".to_owned(),
            shop_page(&form, &origin, "'http://127.0.0.1:1'"),
        ),
    ]);
    (sim, client, site)
}

/// Fills the framed card form with `pan` and presses `#tokenize`; stays in the frame.
fn fill_card_form(session: &Session<'_>, pan: &str) {
    session.enter_frame("#card-form");
    session.type_into("#card-number", pan);
    session.type_into("#expiry", "12/99");
    session.type_into("#cvc", "123");
    session.click("#tokenize");
}

/// Whether any request the simulator received carries `digits` (path, header or body).
fn simulator_saw(sim: &Simulator, digits: &str) -> bool {
    sim.requests().iter().any(|request| {
        request.path.contains(digits)
            || request
                .headers
                .iter()
                .any(|(_, value)| value.contains(digits))
            || String::from_utf8_lossy(&request.body).contains(digits)
    })
}

#[test]
fn a_shop_frames_the_card_form_and_charges_the_token_of_its_payload() {
    let (sim, client, site) = start();
    let driver = Driver::start();
    let session = driver.session();
    session.open(&format!("{}/checkout", site.url));
    fill_card_form(&session, "4068 2110 0002 0002");
    let shown = session.wait_for_text("#payload");
    session.leave_frame();
    let received = session.wait_for_text("#received");
    drop(session);
    drop(driver);

    assert_eq!(
        received, shown,
        "the shop's page got the payload the form shows"
    );
    let parts: Vec<&str> = received.split('.').collect();
    assert_eq!(parts.len(), 5, "{received}");
    // The browser writes the same protected header as the simulator's own encoder.
    let reference = card_form_payload(v4_cards::CHALLENGE_PAN).unwrap();
    assert_eq!(parts[0], reference.split('.').next().unwrap());

    let card = client.create_card_token(&received).unwrap();
    assert_eq!(card.status, Some(CardTokenStatus::Active));
    assert_eq!(card.masked_pan, "406821******0002");
    let payment = client
        .create_payment(&PaymentRequest::new(
            2500,
            Currency::Czk,
            "card-form-1",
            Customer::new("customer@example.com"),
            "https://shop.example/notify",
            "https://shop.example/return",
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
    let charge = client
        .charge_payment(
            &payment.id,
            &ChargeRequest::new(ChargeInput::card_token(card.token.clone()), browser),
        )
        .unwrap();
    assert_eq!(charge.state, Some(ChargeState::ActionRequired));
    assert!(charge.redirect_url().is_some());
    // The log holds the form's load and the payload, but never the card number.
    assert!(simulator_saw(&sim, "/gw/v4/card-form?origin="));
    assert!(simulator_saw(&sim, &received));
    assert!(!simulator_saw(&sim, v4_cards::CHALLENGE_PAN));
    assert!(!simulator_saw(&sim, "4068 2110"));
}

#[test]
fn a_real_looking_card_number_is_refused_on_the_page() {
    let (sim, _client, site) = start();
    let driver = Driver::start();
    let session = driver.session();
    session.open(&format!("{}/checkout", site.url));
    fill_card_form(&session, "4111111111111111");
    let error = session.wait_for_text("#error");
    assert!(
        error.starts_with("Only the simulator's test cards are accepted"),
        "{error}"
    );
    assert!(error.contains("4068 2110 0002 0002"), "{error}");
    // No payload: none shown (the payload's box stays hidden and empty) ...
    assert_eq!(session.texts("#payload"), [""]);
    let payload = session.run_async("done(document.getElementById('payload').textContent)");
    assert_eq!(payload, "");
    // ... and none handed to the shop's page.
    session.leave_frame();
    assert_eq!(session.texts("#received"), [""]);
    drop(session);
    drop(driver);
    assert!(!simulator_saw(&sim, "4111111111111111"));
    assert!(!simulator_saw(&sim, "41111111"));
}

#[test]
fn the_payload_is_posted_for_the_given_origin_only() {
    let (_sim, _client, site) = start();
    let driver = Driver::start();
    let session = driver.session();
    session.open(&format!("{}/elsewhere", site.url));
    fill_card_form(&session, v4_cards::CHALLENGE_PAN);
    assert_eq!(session.wait_for_text("#payload").split('.').count(), 5);
    // Messages of one window reach another in the order sent: once this one arrives, a
    // payload posted before it would have too.
    session.run_async("window.parent.postMessage({type: 'sentinel'}, '*'); done(true)");
    session.leave_frame();
    assert_eq!(session.wait_for_text("#log"), "sentinel");
    assert_eq!(session.texts("#received"), [""]);
}
