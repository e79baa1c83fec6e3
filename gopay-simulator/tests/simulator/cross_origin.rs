//! A web page on another site can make a developer's browser send requests to the
//! simulator: a control request that changes state and carries an `Origin` other than the
//! simulator's own is refused with 403 (GoPay's error envelope) and changes nothing. Requests
//! without `Origin` (curl, SDKs) and from the simulator's own origins, however spelled, pass.

use crate::support;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;
use support::http::{send, Answer};

fn created(sim: &Simulator) -> u64 {
    let request = PaymentRequest::new(1000, Currency::Czk, "xo-1").item(Item::new("Mug", 1000));
    sim.create_payment(&request).unwrap().id
}

/// What a page's `<form enctype="text/plain" method="post">` sends: text, an empty body.
fn form_post(sim: &Simulator, path: &str, origin: Option<&str>) -> Answer {
    let url = format!("http://127.0.0.1:{}/_simulator{path}", sim.port());
    let mut headers = vec![("Content-Type", "text/plain")];
    if let Some(origin) = origin {
        headers.push(("Origin", origin));
    }
    send("POST", &url, &headers, b"")
}

fn assert_refused(answer: &Answer) {
    assert_eq!(answer.status, 403, "{}", answer.body);
    let json = answer.json();
    assert_eq!(json["errors"][0]["scope"], "G", "{json}");
    assert_eq!(json["errors"][0]["error_code"], 200, "{json}");
}

#[test]
fn another_sites_page_cannot_pay() {
    let sim = Simulator::start().unwrap();
    let id = created(&sim);
    let pay = format!("/payments/{id}/pay");
    for origin in [
        "https://evil.example",
        "http://127.0.0.1:1",
        "http://localhost.evil.example",
    ] {
        assert_refused(&form_post(&sim, &pay, Some(origin)));
    }
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Created));
}

#[test]
fn a_null_origin_is_refused() {
    // Sandboxed frames, data: and file: pages send `Origin: null`: a page can make one.
    let sim = Simulator::start().unwrap();
    let id = created(&sim);
    assert_refused(&form_post(
        &sim,
        &format!("/payments/{id}/cancel"),
        Some("null"),
    ));
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Created));
}

#[test]
fn every_state_changing_control_request_is_guarded() {
    let sim = Simulator::start().unwrap();
    let id = created(&sim);
    let evil = Some("https://evil.example");
    let url = |path: &str| format!("http://127.0.0.1:{}/_simulator{path}", sim.port());
    let headers = [("Origin", "https://evil.example")];
    // One request in the log, which a refused DELETE must leave there.
    let logged = send(
        "GET",
        &format!("{}/payments/payment/1", sim.gateway_url()),
        &[],
        b"",
    );
    assert_eq!(logged.status, 401);
    assert_refused(&form_post(&sim, "/reset", evil));
    assert_refused(&form_post(&sim, "/clock/advance", evil));
    assert_refused(&form_post(&sim, "/faults", evil));
    assert_refused(&send("DELETE", &url("/requests"), &headers, b""));
    assert_refused(&send("DELETE", &url("/faults"), &headers, b""));
    assert_refused(&send("PUT", &url("/payments"), &headers, b""));
    assert!(sim.payment(id).is_some(), "reset was refused");
    assert_eq!(sim.requests().len(), 1, "the log was not cleared");
    // Reading changes nothing, and another site cannot read the answer anyway (no CORS).
    let read = send("GET", &url(&format!("/payments/{id}")), &headers, b"");
    assert_eq!(read.status, 200, "{}", read.body);
}

#[test]
fn requests_without_an_origin_or_from_the_simulator_itself_pass() {
    let sim = Simulator::start().unwrap();
    let port = sim.port();
    for origin in [
        None,
        Some(format!("http://127.0.0.1:{port}")),
        Some(format!("http://localhost:{port}")),
        Some(format!("http://LocalHost:{port}")),
        Some(format!("http://[::1]:{port}")),
    ] {
        let id = created(&sim);
        let answer = form_post(&sim, &format!("/payments/{id}/pay"), origin.as_deref());
        assert_eq!(answer.status, 200, "{origin:?}: {}", answer.body);
        assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Paid));
    }
}

#[test]
fn the_public_url_is_an_own_origin() {
    let sim = Simulator::builder()
        .public_url("https://sim.test:8443")
        .start()
        .unwrap();
    let id = created(&sim);
    let pay = format!("/payments/{id}/pay");
    assert_refused(&form_post(&sim, &pay, Some("https://sim.test")));
    assert_refused(&form_post(&sim, &pay, Some("http://sim.test:8443")));
    let answer = form_post(&sim, &pay, Some("https://sim.test:8443"));
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[test]
fn the_customer_pages_own_forms_are_not_affected() {
    // The shop's form that opens the page comes from the shop's site, as with GoPay.
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let request = PaymentRequest::new(1000, Currency::Czk, "xo-2").item(Item::new("Mug", 1000));
    let gw_url = client.create_payment(&request).unwrap().gw_url.unwrap();
    let page = send(
        "POST",
        &gw_url,
        &[
            ("Origin", "https://shop.example"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"",
    );
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("id=\"pay\""), "{}", page.body);
}
