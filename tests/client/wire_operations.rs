//! Every operation's request as it goes on the wire: method, path, query, headers, content
//! type and body, field by field.

use crate::support;

use gopay::{
    AccountStatementRequest, CaptureRequest, Client, Currency, Item, QrFormat, RecurrenceRequest,
    RefundRequest, ResultCode, StatementFormat,
};
use support::{FakeGateway, Recorded, Reply};

/// Runs `call` against a gateway that checks the token and answers `reply`, and returns
/// the result with the one API request the client sent.
fn exchange<T>(reply: Reply, call: impl FnOnce(&Client) -> T) -> (T, Recorded) {
    let gw = FakeGateway::start();
    let reply = std::sync::Mutex::new(Some(reply));
    gw.on_api(move |request, _, gateway| {
        assert!(gateway.is_issued(request.bearer().expect("a bearer token")));
        reply.lock().unwrap().take().expect("one API request")
    });
    let client = Client::new(gw.config()).unwrap();
    let result = call(&client);
    let mut requests = gw.api_requests_log();
    assert_eq!(requests.len(), 1, "exactly one API request");
    let request = requests.remove(0);
    assert_api_headers(&request);
    (result, request)
}

fn assert_api_headers(request: &Recorded) {
    assert_eq!(request.header("Accept"), Some("application/json"));
    assert_eq!(request.header("Accept-Language"), Some("en-US"));
    assert_eq!(
        request.header("User-Agent"),
        Some(format!("GoPay Rust {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert!(request
        .header("Authorization")
        .is_some_and(|v| v.starts_with("Bearer ToKeN-")));
}

fn result_json(result: &str) -> Reply {
    Reply::json(200, format!(r#"{{"id":3000006620,"result":"{result}"}}"#))
}

fn json_body(request: &Recorded) -> serde_json::Value {
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn assert_bodyless_form_post(request: &Recorded, path: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, path);
    assert_eq!(
        request.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("Content-Length"), Some("0"));
}

fn assert_bodyless_get(request: &Recorded, url: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.url, url);
    assert!(request.header("Content-Type").is_none());
    assert!(request.body.is_empty());
}

#[test]
fn refund_payment_sends_a_form_amount() {
    let (result, request) = exchange(result_json("FINISHED"), |c| {
        c.refund_payment(3000006620, 1000)
    });
    assert_eq!(result.unwrap().result, ResultCode::Finished);
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/payments/payment/3000006620/refund");
    assert_eq!(
        request.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.body_text(), "amount=1000");
}

#[test]
fn refund_payment_with_items_sends_json() {
    let refund = RefundRequest::new(5000).item(Item::new("Vrácené tričko", -5000));
    let (result, request) = exchange(result_json("ACCEPTED"), |c| {
        c.refund_payment_with_items(3000006620, &refund)
    });
    assert_eq!(result.unwrap().result, ResultCode::Accepted);
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/payments/payment/3000006620/refund");
    let body = json_body(&request);
    assert_eq!(body["amount"], 5000);
    assert_eq!(body["items"][0]["name"], "Vrácené tričko");
    assert_eq!(body["items"][0]["amount"], -5000);
    assert!(request.body_text().contains("Vrácené tričko"));
    assert!(body.get("eet").is_none());
}

#[test]
fn get_history_of_refunds_is_a_get() {
    let reply = Reply::json(
        200,
        r#"[{"id":3000006700,"state":"SUCCESS","amount":1000,"currency":"CZK","date_requested":"2025-01-02","date_last_change":"2025-01-02"}]"#,
    );
    let (result, request) = exchange(reply, |c| c.get_history_of_refunds(3000006620));
    let refunds = result.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].id, 3000006700);
    assert_eq!(refunds[0].amount, 1000);
    assert_bodyless_get(&request, "/api/payments/payment/3000006620/refunds");
}

#[test]
fn create_recurrence_sends_the_next_payment_as_json() {
    let reply = Reply::json(
        200,
        r#"{"id":3000006700,"parent_id":3000006529,"state":"CREATED","amount":500,"currency":"CZK"}"#,
    );
    let next = RecurrenceRequest::new(500, Currency::Czk, "002")
        .order_description("Subscription 02")
        .item(Item::new("Subscription", 500));
    let (result, request) = exchange(reply, |c| c.create_recurrence(3000006529, &next));
    let child = result.unwrap();
    assert_eq!(child.id, 3000006700);
    assert_eq!(child.parent_id, Some(3000006529));
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "/api/payments/payment/3000006529/create-recurrence"
    );
    let body = json_body(&request);
    assert_eq!(body["amount"], 500);
    assert_eq!(body["currency"], "CZK");
    assert_eq!(body["order_number"], "002");
    assert_eq!(body["order_description"], "Subscription 02");
    assert_eq!(body["items"][0]["name"], "Subscription");
}

#[test]
fn void_recurrence_is_a_bodyless_form_post() {
    let (result, request) = exchange(result_json("FINISHED"), |c| c.void_recurrence(3000006529));
    result.unwrap();
    assert_bodyless_form_post(&request, "/api/payments/payment/3000006529/void-recurrence");
}

#[test]
fn capture_authorization_is_a_bodyless_form_post() {
    let (result, request) = exchange(result_json("FINISHED"), |c| {
        c.capture_authorization(3000006529)
    });
    result.unwrap();
    assert_bodyless_form_post(&request, "/api/payments/payment/3000006529/capture");
}

#[test]
fn capture_authorization_partial_sends_json() {
    let capture = CaptureRequest::new(500).item(Item::new("Delivered part", 500));
    let (result, request) = exchange(result_json("FINISHED"), |c| {
        c.capture_authorization_partial(3000006529, &capture)
    });
    result.unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/payments/payment/3000006529/capture");
    let body = json_body(&request);
    assert_eq!(body["amount"], 500);
    assert_eq!(body["items"][0]["amount"], 500);
}

#[test]
fn void_authorization_is_a_bodyless_form_post() {
    let (result, request) = exchange(result_json("FINISHED"), |c| {
        c.void_authorization(3000006529)
    });
    result.unwrap();
    assert_bodyless_form_post(
        &request,
        "/api/payments/payment/3000006529/void-authorization",
    );
}

#[test]
fn get_qr_payment_passes_the_format_as_a_query() {
    let reply = Reply::json(
        200,
        r#"{"amount":10000,"currency":"CZK","qr_code":{"spayd":"iVBORw0KGgo="}}"#,
    );
    let (result, request) = exchange(reply, |c| c.get_qr_payment(3000006529, Some(QrFormat::Svg)));
    assert_eq!(result.unwrap().amount, Some(10000));
    assert_bodyless_get(
        &request,
        "/api/payments/payment/3000006529/qr-payment?format=svg",
    );

    let reply = Reply::json(200, r#"{"amount":10000}"#);
    let (_, request) = exchange(reply, |c| c.get_qr_payment(3000006529, None));
    assert_bodyless_get(&request, "/api/payments/payment/3000006529/qr-payment");
}

#[test]
fn get_card_details_is_a_get() {
    let reply = Reply::json(
        200,
        r#"{"card_id":3011475940,"card_number":"444444******4448","status":"ACTIVE"}"#,
    );
    let (result, request) = exchange(reply, |c| c.get_card_details(3011475940));
    assert_eq!(result.unwrap().card_id, 3011475940);
    assert_bodyless_get(&request, "/api/payments/cards/3011475940");
}

#[test]
fn delete_card_is_a_bodyless_delete_answered_with_204() {
    let reply = Reply::json(204, "");
    let (result, request) = exchange(reply, |c| c.delete_card(3011475940));
    result.unwrap();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.url, "/api/payments/cards/3011475940");
    assert!(request.header("Content-Type").is_none());
    assert!(request.body.is_empty());
}

#[test]
fn get_payment_instruments_uses_the_configured_goid() {
    let reply = Reply::json(
        200,
        r#"{"groups":{"card-payment":{"label":{"cs":"Platební karta"}}},"enabledPaymentInstruments":[{"paymentInstrument":"PAYMENT_CARD","label":{"cs":"Platební karta"},"group":"card-payment"}]}"#,
    );
    let (result, request) = exchange(reply, |c| c.get_payment_instruments(Currency::Eur));
    assert_eq!(result.unwrap().enabled_payment_instruments.len(), 1);
    assert_bodyless_get(
        &request,
        &format!(
            "/api/eshops/eshop/{}/payment-instruments/EUR",
            support::GOID
        ),
    );
}

#[test]
fn get_payment_instruments_all_uses_the_configured_goid() {
    let reply = Reply::json(200, r#"{"groups":{},"enabledPaymentInstruments":[]}"#);
    let (result, request) = exchange(reply, |c| c.get_payment_instruments_all());
    result.unwrap();
    assert_bodyless_get(
        &request,
        &format!("/api/eshops/eshop/{}/payment-instruments", support::GOID),
    );
}

#[test]
fn get_account_statement_returns_the_raw_bytes() {
    let csv = "Datum;Částka\n2025-01-02;100,00\n";
    let reply = Reply::typed(200, csv, "text/csv");
    let request_body = AccountStatementRequest::new(
        "2025-01-01",
        "2025-01-31",
        support::GOID,
        Currency::Czk,
        StatementFormat::CsvA,
    );
    let (result, request) = exchange(reply, |c| c.get_account_statement(&request_body));
    assert_eq!(result.unwrap(), csv.as_bytes());
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/accounts/account-statement");
    let body = json_body(&request);
    assert_eq!(body["date_from"], "2025-01-01");
    assert_eq!(body["date_to"], "2025-01-31");
    assert_eq!(body["goid"], support::GOID);
    assert_eq!(body["currency"], "CZK");
    assert_eq!(body["format"], "CSV_A");
}

#[test]
fn account_statement_errors_are_decoded_from_json() {
    let reply = Reply::error(409, 111, "WRONG_FORMAT");
    let request_body = AccountStatementRequest::new(
        "2025-01-31",
        "2025-01-01",
        support::GOID,
        Currency::Czk,
        StatementFormat::CsvA,
    );
    let (result, _) = exchange(reply, |c| c.get_account_statement(&request_body));
    let err = result.unwrap_err();
    assert_eq!(err.status(), Some(409));
    assert_eq!(err.api_errors()[0].error_code, 111);
}

#[test]
fn handle_notification_reads_the_status_of_the_notified_payment() {
    let reply = Reply::json(200, support::payment_json(3000006529, "PAID"));
    let (result, request) = exchange(reply, |c| {
        c.handle_notification("id=3000006529&parent_id=3000000001")
    });
    assert_eq!(result.unwrap().id, 3000006529);
    assert_bodyless_get(&request, "/api/payments/payment/3000006529");
}

#[test]
fn bad_input_to_operations_is_refused_before_sending() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    assert!(client.refund_payment(1, 0).is_err());
    assert!(client.refund_payment(1, -5).is_err());
    assert!(client.refund_payment(0, 5).is_err());
    assert!(client.void_recurrence(0).is_err());
    assert!(client.capture_authorization(0).is_err());
    assert!(client.void_authorization(0).is_err());
    assert!(client.get_card_details(0).is_err());
    assert!(client.delete_card(0).is_err());
    assert!(client.get_history_of_refunds(0).is_err());
    assert!(client
        .get_qr_payment(1, Some(QrFormat::Unknown("gif".into())))
        .is_err());
    assert!(client
        .get_payment_instruments(Currency::Unknown("XXX".into()))
        .is_err());
    assert!(client
        .refund_payment_with_items(1, &RefundRequest::new(0))
        .is_err());
    assert!(client
        .capture_authorization_partial(1, &CaptureRequest::new(-1))
        .is_err());
    assert!(client
        .create_recurrence(1, &RecurrenceRequest::new(100, Currency::Czk, ""))
        .is_err());
    assert!(client.handle_notification("id=abc").is_err());
    assert!(gw.requests().is_empty(), "nothing was sent");
}

#[cfg(feature = "eet")]
#[test]
#[allow(deprecated)] // EET calls stay on the wire while they exist
fn eet_receipts_by_payment_is_a_get() {
    let reply = Reply::json(200, "[]");
    let (result, request) = exchange(reply, |c| c.get_eet_receipt_by_payment_id(3000006529));
    assert!(result.unwrap().is_empty());
    assert_bodyless_get(&request, "/api/payments/payment/3000006529/eet-receipts");
}

#[cfg(feature = "eet")]
#[test]
#[allow(deprecated)] // EET calls stay on the wire while they exist
fn eet_receipts_by_filter_sends_json() {
    let reply = Reply::json(200, "[]");
    let filter = gopay::EetReceiptFilter::new("2017-03-02", "2017-04-02", 11);
    let (result, request) = exchange(reply, |c| c.find_eet_receipts_by_filter(&filter));
    result.unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/eet-receipts");
    let body = json_body(&request);
    assert_eq!(body["date_from"], "2017-03-02");
    assert_eq!(body["date_to"], "2017-04-02");
    assert_eq!(body["id_provozovny"], 11);
}
