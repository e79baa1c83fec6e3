//! What the client puts on the wire for the token request, `create_payment` and
//! `get_status`, byte for byte where GoPay cares.

use crate::support;

use gopay::{Client, Currency, Item, Language, PaymentRequest, PaymentState, Scope};
use support::FakeGateway;

fn payment() -> PaymentRequest {
    PaymentRequest::new(15000, Currency::Czk, "2025-0001")
        .item(Item::new("Příliš žluťoučký kůň úpěl ďábelské ódy", 10000))
        .item(Item::new("Привет, мир", 5000))
        .callback("https://shop.example/return", "https://shop.example/notify")
}

#[test]
fn token_request_is_rfc_7617_basic_with_a_form_body() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    client.get_status(1).unwrap();
    let token = &gw.requests()[0];
    assert_eq!(token.method, "POST");
    assert_eq!(token.url, "/api/oauth2/token");
    // base64("1744960415:SeCrEt-h2XzF9q")
    assert_eq!(
        token.header("Authorization"),
        Some("Basic MTc0NDk2MDQxNTpTZUNyRXQtaDJYekY5cQ==")
    );
    assert_eq!(
        token.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token.header("Accept"), Some("application/json"));
    assert_eq!(
        token.body_text(),
        "grant_type=client_credentials&scope=payment-all"
    );
}

#[test]
fn scope_is_configurable() {
    let gw = FakeGateway::start();
    let client = Client::builder(gw.config())
        .scope(Scope::PaymentCreate)
        .build()
        .unwrap();
    client.create_payment(&payment()).unwrap();
    assert_eq!(
        gw.requests()[0].body_text(),
        "grant_type=client_credentials&scope=payment-create"
    );
    assert!(client.token_cache_key().ends_with("-payment-create"));
}

#[test]
fn create_payment_sends_raw_utf8_json_with_the_api_headers() {
    let gw = FakeGateway::start();
    let client = Client::builder(gw.config())
        .language(Language::Cs)
        .build()
        .unwrap();
    let created = client.create_payment(&payment()).unwrap();
    assert_eq!(created.id, 3000006529);
    assert_eq!(created.state, Some(PaymentState::Created));

    let request = &gw.api_requests_log()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/payments/payment");
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    assert_eq!(request.header("Accept"), Some("application/json"));
    assert_eq!(request.header("Accept-Language"), Some("cs-CZ"));
    assert_eq!(
        request.header("User-Agent"),
        Some(format!("GoPay Rust {}", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert!(request.bearer().unwrap().starts_with(support::TOKEN_PREFIX));

    // Raw UTF-8, never \u escapes (GoPay's firewall answers 403 to them).
    let text = request.body_text();
    assert!(
        text.contains("Příliš žluťoučký kůň úpěl ďábelské ódy"),
        "{text}"
    );
    assert!(text.contains("Привет, мир"), "{text}");
    assert!(!text.contains("\\u"), "{text}");

    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["amount"], 15000);
    assert_eq!(body["currency"], "CZK");
    assert_eq!(body["order_number"], "2025-0001");
    assert_eq!(body["items"][0]["amount"], 10000);
    assert_eq!(body["items"][1]["name"], "Привет, мир");
    assert_eq!(
        body["callback"]["notification_url"],
        "https://shop.example/notify"
    );
    // Filled from the configuration because the request left them out.
    assert_eq!(body["target"]["type"], "ACCOUNT");
    assert_eq!(body["target"]["goid"], support::GOID);
    assert_eq!(body["lang"], "CS");
    // Unset optional fields are omitted, not sent as null.
    assert!(body.get("recurrence").is_none(), "{body}");
    assert!(body.get("preauthorization").is_none(), "{body}");
    assert!(!text.contains("null"), "{text}");
}

#[test]
fn create_payment_never_overwrites_target_or_lang_set_by_the_caller() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    let mut request = payment();
    request.target = Some(gopay::Target::account(1111111111));
    request.lang = Some(Language::De);
    client.create_payment(&request).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&gw.api_requests_log()[0].body).unwrap();
    assert_eq!(body["target"]["goid"], 1111111111u64);
    assert_eq!(body["lang"], "DE");
    // The caller's request itself is left untouched.
    assert_eq!(request.lang, Some(Language::De));
}

#[test]
fn get_status_is_a_bodyless_get_with_the_api_headers() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    let payment = client.get_status(3000006529).unwrap();
    assert_eq!(payment.id, 3000006529);
    assert_eq!(payment.state, Some(PaymentState::Paid));
    assert_eq!(payment.currency, Some(Currency::Czk));
    assert_eq!(payment.amount, Some(1000));

    let request = &gw.api_requests_log()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.url, "/api/payments/payment/3000006529");
    assert_eq!(request.header("Accept"), Some("application/json"));
    assert_eq!(request.header("Accept-Language"), Some("en-US"));
    assert!(request.header("Content-Type").is_none());
    assert!(request.body.is_empty());
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    let err = client.get_status(0).unwrap_err();
    assert!(
        matches!(err, gopay::Error::InvalidInput { field: "id", .. }),
        "{err:?}"
    );
    let err = client
        .create_payment(&PaymentRequest::new(0, Currency::Czk, "1"))
        .unwrap_err();
    assert!(matches!(err, gopay::Error::InvalidInput { .. }), "{err:?}");
    let err = client
        .create_payment(&PaymentRequest::new(100, Currency::Czk, "1").item(Item::new("half", 50)))
        .unwrap_err();
    assert!(matches!(err, gopay::Error::InvalidInput { .. }), "{err:?}");
    assert!(
        gw.requests().is_empty(),
        "nothing was sent, not even a token request"
    );
}

#[test]
fn gopay_error_envelopes_become_typed_api_errors() {
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| {
        support::Reply::json(
            409,
            r#"{"date_issued":1390336022001,"errors":[{"scope":"F","field":"amount","error_code":360,"error_name":"SUM_MISMATCH","message":"Součet položek neodpovídá","description":null}]}"#,
        )
    });
    let client = Client::new(gw.config()).unwrap();
    let err = client.get_status(5).unwrap_err();
    assert_eq!(err.status(), Some(409));
    assert!(!err.is_auth() && !err.is_timeout());
    let detail = &err.api_errors()[0];
    assert_eq!(detail.error_code, 360);
    assert_eq!(detail.field.as_deref(), Some("amount"));
    assert_eq!(detail.message.as_deref(), Some("Součet položek neodpovídá"));
    assert!(err.to_string().contains("360"), "{err}");
    assert_eq!(gw.api_requests(), 1, "a refusal is not retried");
}

#[test]
fn an_html_error_page_is_an_api_error_with_its_status() {
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| {
        support::Reply::typed(502, "<html><body>Bad gateway</body></html>", "text/html")
    });
    let client = Client::new(gw.config()).unwrap();
    let err = client.get_status(5).unwrap_err();
    assert!(
        matches!(err, gopay::Error::Api { status: 502, .. }),
        "{err:?}"
    );
    assert!(err.api_errors().is_empty());
}

#[test]
fn a_malformed_success_body_is_a_decode_error_with_a_snippet() {
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| support::Reply::json(200, r#"{"id": "not-a-number""#));
    let client = Client::new(gw.config()).unwrap();
    let err = client.get_status(5).unwrap_err();
    match &err {
        gopay::Error::Decode {
            status, snippet, ..
        } => {
            assert_eq!(*status, 200);
            assert!(snippet.starts_with(r#"{"id""#), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_success_body_that_is_not_utf8_is_a_decode_error() {
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| {
        let body: &[u8] = b"{\"id\":5,\"order_number\":\"\xff\xfe\"}";
        let mut raw = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        support::Reply {
            raw: Some(raw),
            ..support::Reply::json(200, "")
        }
    });
    let client = Client::new(gw.config()).unwrap();
    let err = client.get_status(5).unwrap_err();
    match &err {
        gopay::Error::Decode {
            status, message, ..
        } => {
            assert_eq!(*status, 200);
            assert!(message.contains("not UTF-8"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn embed_js_url_follows_the_gateway() {
    let client = Client::new(gopay::Config::new(1, "id", "s", gopay::SANDBOX_URL)).unwrap();
    assert_eq!(
        client.embed_js_url(),
        "https://gw.sandbox.gopay.com/gp-gw/js/embed.js"
    );
    let client = Client::new(gopay::Config::new(1, "id", "s", "https://gate.gopay.cz/")).unwrap();
    assert_eq!(
        client.embed_js_url(),
        "https://gate.gopay.cz/gp-gw/js/embed.js"
    );
    assert_eq!(client.api_base_url(), gopay::PRODUCTION_URL);
}
