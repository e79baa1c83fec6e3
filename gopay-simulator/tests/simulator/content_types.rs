//! Every endpoint consumes exactly the content types GoPay's gateway does (GOPAY_API §3, "CT")
//! and answers any other as GoPay does: `500` "RESTEASY003065: Cannot consume content type".

use crate::support;

use gopay::{Client, Currency, Item, PaymentRequest, Recurrence, RecurrenceState};
use gopay_simulator::Simulator;
use support::gateway::{Answer, Gateway};

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";
const TEXT: &str = "text/plain";
const MESSAGE: &str = "RESTEASY003065: Cannot consume content type";

/// Whether the answer is GoPay's refusal of the content type.
fn cannot_consume(answer: &Answer) -> bool {
    let value = answer.json();
    answer.status == 500
        && value["errors"][0]["message"] == MESSAGE
        && value["errors"][0]["error_code"] == 500
        && value["errors"][0]["scope"] == "F"
}

#[test]
fn void_recurrence_with_a_json_body_is_refused_as_gopay_refuses_it() {
    // A community PHP client sent void-recurrence as JSON and got "#500 (F) RESTEASY003065:
    // Cannot consume content type" from GoPay; it had to switch to a form body
    // (contributte/gopay-inline, pull request 98). GoPay documents the endpoint with
    // `Content-Type: application/x-www-form-urlencoded` (GOPAY_API §4.6).
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let parent = client
        .create_payment(
            &PaymentRequest::new(500, Currency::Czk, "sub-1")
                .item(Item::new("Subscription", 500))
                .recurrence(Recurrence::on_demand("2100-04-01")),
        )
        .unwrap()
        .id;
    sim.pay(parent).unwrap();
    let gateway = Gateway::new(&sim);
    let path = format!("/api/payments/payment/{parent}/void-recurrence");
    let refused = gateway.send("POST", &path, Some(JSON), b"{}");
    assert!(cannot_consume(&refused), "{}", refused.json());
    assert!(refused.content_type.starts_with("application/json"));
    let recurrence = sim.payment(parent).unwrap().recurrence.unwrap();
    assert_eq!(recurrence.recurrence_state, Some(RecurrenceState::Started));
    // The form body GoPay documents stops it.
    let stopped = gateway.send("POST", &path, Some(FORM), b"");
    assert_eq!(stopped.status, 200, "{}", stopped.json());
    assert_eq!(stopped.json()["result"], "FINISHED");
}

#[test]
fn every_endpoint_consumes_exactly_gopays_content_types() {
    let sim = Simulator::start().unwrap();
    let gateway = Gateway::new(&sim);
    let goid = sim.goid();
    // (method, path, content types it consumes). No Content-Type at all is matched to the
    // endpoint, as GoPay's gateway does (GoPay's Python SDK sends its body-less POSTs
    // without one); GETs and DELETE read no body and take any type.
    let any: &[&str] = &[FORM, JSON, TEXT];
    let table: Vec<(&str, String, &[&str])> = vec![
        ("POST", "/api/oauth2/token".into(), &[FORM]),
        ("POST", "/api/payments/payment".into(), &[JSON]),
        ("GET", "/api/payments/payment/1".into(), any),
        (
            "POST",
            "/api/payments/payment/1/refund".into(),
            &[FORM, JSON],
        ),
        ("GET", "/api/payments/payment/1/refunds".into(), any),
        (
            "POST",
            "/api/payments/payment/1/create-recurrence".into(),
            &[JSON],
        ),
        (
            "POST",
            "/api/payments/payment/1/void-recurrence".into(),
            &[FORM],
        ),
        (
            "POST",
            "/api/payments/payment/1/capture".into(),
            &[FORM, JSON],
        ),
        (
            "POST",
            "/api/payments/payment/1/void-authorization".into(),
            &[FORM],
        ),
        ("GET", "/api/payments/payment/1/qr-payment".into(), any),
        (
            "GET",
            format!("/api/eshops/eshop/{goid}/payment-instruments/CZK"),
            any,
        ),
        (
            "GET",
            format!("/api/eshops/eshop/{goid}/payment-instruments"),
            any,
        ),
        ("POST", "/api/accounts/account-statement".into(), &[JSON]),
        ("GET", "/api/payments/cards/1".into(), any),
        ("DELETE", "/api/payments/cards/1".into(), any),
        ("GET", "/api/payments/payment/1/eet-receipts".into(), any),
        ("POST", "/api/eet-receipts".into(), &[JSON]),
    ];
    for (method, path, consumed) in &table {
        for content_type in [None, Some(FORM), Some(JSON), Some(TEXT)] {
            let body: &[u8] = match content_type {
                Some(JSON) => b"{}",
                Some(TEXT) => b"hello",
                _ => b"",
            };
            let answer = if *path == "/api/oauth2/token" {
                gateway.token(content_type, body)
            } else {
                gateway.send(method, path, content_type, body)
            };
            let accepted = content_type.is_none_or(|t| consumed.contains(&t));
            assert_eq!(
                !cannot_consume(&answer),
                accepted,
                "{method} {path} with {content_type:?}: {} {}",
                answer.status,
                answer.json()
            );
        }
    }
    // Parameters and case do not matter; another JSON-ish type does.
    let path = "/api/payments/payment/1/void-recurrence";
    let with_charset = gateway.send(
        "POST",
        path,
        Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
        b"",
    );
    assert!(!cannot_consume(&with_charset));
    let create = "/api/payments/payment";
    let patch = gateway.send("POST", create, Some("application/merge-patch+json"), b"{}");
    assert!(cannot_consume(&patch), "{}", patch.json());
    let charset = gateway.send(
        "POST",
        create,
        Some("application/json; charset=utf-8"),
        b"{}",
    );
    assert!(!cannot_consume(&charset), "{}", charset.json());
}
