//! The v4 client against a fake v4 gateway on 127.0.0.1: method, path, headers and body of
//! every endpoint, the token request, the shared token machinery (single flight, caches
//! keyed apart from v3, one re-authentication) and v4's error body in `gopay::Error`.
#![cfg(feature = "v4")]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use crate::support::{self, FakeGateway, Recorded, Reply};
use gopay::v4::{
    BrowserData, ChargeInput, ChargeRequest, ChargeState, Client, Config, Customer, PaymentRequest,
    RefundState, Scope, ThreeDsState,
};
use gopay::{Currency, ErrorKind, InMemoryTokenCache, QrFormat};

const PREFIX: &str = "/gp-gw/api/4.0";

/// A fake gateway that issues v4 tokens (Basic credentials and a v4 form checked) and a
/// v4 config for it.
fn v4_gateway() -> (FakeGateway, Config) {
    let gw = FakeGateway::start();
    gw.on_token(|request, _, gw| {
        if request.url != format!("{PREFIX}/oauth2/token")
            || !request
                .body_text()
                .starts_with("grant_type=client_credentials&scope=payment%3A")
        {
            return Reply::json(400, r#"{"code":400,"error":"BAD_REQUEST"}"#);
        }
        let token = gw.issue_token();
        Reply::json(
            200,
            format!(
                r#"{{"token_type":"bearer","access_token":"{token}","scope":"payment:write payment:read","expires_in":900}}"#
            ),
        )
    });
    let config = Config::new(
        support::GOID.to_string(),
        support::CLIENT_ID,
        support::CLIENT_SECRET,
        format!("{}{PREFIX}", gw.gateway.url),
    );
    (gw, config)
}

/// Answers every API request with `status` and `body` once the bearer token checks out.
fn answer(gw: &FakeGateway, status: u16, body: &'static str) {
    gw.on_api(move |request, _, gw| match request.bearer() {
        Some(token) if gw.is_issued(token) => Reply::json(status, body),
        _ => Reply::json(401, r#"{"code":401,"error":"UNAUTHORIZED"}"#),
    });
}

fn only_api_request(gw: &FakeGateway) -> Recorded {
    let log = gw.api_requests_log();
    assert_eq!(log.len(), 1, "{log:?}");
    log.into_iter().next().unwrap()
}

fn assert_json_headers(request: &Recorded, with_body: bool) {
    assert_eq!(request.header("Accept"), Some("application/json"));
    assert!(request.bearer().unwrap().starts_with(support::TOKEN_PREFIX));
    assert_eq!(
        request.header("Content-Type"),
        with_body.then_some("application/json")
    );
}

fn browser() -> BrowserData {
    BrowserData::new("cs-CZ", -60, 1920, 1080, 24, "Mozilla/5.0", "{}", true)
}

const PAYMENT: &str = r#"{"id":"300000001","order_number":"2025010199","state":"CREATED","amount":100,"currency":"CZK","customer":{"email":"john.doe@example.com"},"gw_url":"https://gate.gopay.com/gw/1","payment_secret":"2f53a04d"}"#;
const CHALLENGE: &str = r#"{"id":"9123456789","state":"ACTION_REQUIRED","payment_instrument":{"payment_instrument":"PAYMENT_CARD"},"return_url":"https://example.com/return","action":{"action_type":"EMV3DS","state":"CHALLENGE_REQUIRED","redirect_url":"https://acs.example/3ds"}}"#;
const CARD: &str = r#"{"card_id":"8007127320","masked_pan":"406821******1234","masked_virtual_pan":"489537******6287","expiration_month":"01","expiration_year":"30","scheme":"VISA","corporate":false,"fingerprint":"73c8","token":"J7Hj","card_art_url":"https://card.art/pic.png","status":"ACTIVE"}"#;
const REFUND: &str = r#"{"id":"3050123456","state":"REQUESTED","amount":100,"currency":"CZK","created_at":"2025-12-10T10:30:00Z"}"#;

#[test]
fn token_request_carries_the_v4_scopes_form_encoded() {
    let (gw, config) = v4_gateway();
    answer(&gw, 200, PAYMENT);
    let client = Client::new(config).unwrap();
    client.get_payment("300000001").unwrap();
    let token = &gw.requests()[0];
    assert_eq!(token.method, "POST");
    assert_eq!(token.url, "/gp-gw/api/4.0/oauth2/token");
    assert_eq!(
        token.header("Authorization"),
        Some("Basic MTc0NDk2MDQxNTpTZUNyRXQtaDJYekY5cQ==")
    );
    assert_eq!(
        token.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.body_text(),
        "grant_type=client_credentials&scope=payment%3Awrite+payment%3Aread+card%3Awrite+card%3Aread+shared%3Aread"
    );
    assert!(client
        .token_cache_key()
        .ends_with("/gp-gw/api/4.0-payment:write payment:read card:write card:read shared:read"));
}

#[test]
fn create_payment_posts_json_under_the_goid() {
    let (gw, config) = v4_gateway();
    answer(&gw, 201, PAYMENT);
    let client = Client::new(config.scopes([Scope::PaymentWrite, Scope::PaymentRead])).unwrap();
    let payment = client
        .create_payment(&PaymentRequest::new(
            100,
            Currency::Czk,
            "2025010199",
            Customer::new("john.doe@example.com"),
            "https://example.com/notify",
            "https://example.com/return",
        ))
        .unwrap();
    assert_eq!(payment.id, "300000001");
    let request = only_api_request(&gw);
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        format!("{PREFIX}/eshops/{}/payments", support::GOID)
    );
    assert_json_headers(&request, true);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["order_number"], "2025010199");
    assert_eq!(body["customer"]["email"], "john.doe@example.com");
    assert_eq!(body["callback"]["return_url"], "https://example.com/return");
    assert_eq!(
        gw.requests()[0].body_text(),
        "grant_type=client_credentials&scope=payment%3Awrite+payment%3Aread"
    );
}

#[test]
fn get_payment_and_get_charge_are_gets_on_the_payment() {
    let (gw, config) = v4_gateway();
    answer(&gw, 200, PAYMENT);
    let client = Client::new(config).unwrap();
    assert_eq!(client.get_payment("300000001").unwrap().amount, 100);
    answer(&gw, 200, CHALLENGE);
    let charge = client.get_charge("300000001").unwrap();
    assert_eq!(charge.state, Some(ChargeState::ActionRequired));
    let log = gw.api_requests_log();
    assert_eq!(
        (log[0].method.as_str(), log[0].url.as_str()),
        ("GET", "/gp-gw/api/4.0/payments/300000001")
    );
    assert_eq!(
        (log[1].method.as_str(), log[1].url.as_str()),
        ("GET", "/gp-gw/api/4.0/payments/300000001/charge")
    );
    assert_json_headers(&log[0], false);
    assert!(log[1].body.is_empty());
}

#[test]
fn charge_payment_posts_the_card_and_returns_the_3ds_action() {
    let (gw, config) = v4_gateway();
    answer(&gw, 201, CHALLENGE);
    let client = Client::new(config).unwrap();
    let charge = client
        .charge_payment(
            "300000001",
            &ChargeRequest::new(ChargeInput::card_token("J7Hj"), browser()),
        )
        .unwrap();
    assert_eq!(charge.redirect_url(), Some("https://acs.example/3ds"));
    assert_eq!(
        charge.action.unwrap().state,
        Some(ThreeDsState::ChallengeRequired)
    );
    let request = only_api_request(&gw);
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/gp-gw/api/4.0/payments/300000001/charge");
    assert_json_headers(&request, true);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    let card = &body["payment_instrument"];
    assert_eq!(card["payment_instrument"], "PAYMENT_CARD");
    assert_eq!(card["input"]["input_type"], "CARD_TOKEN");
    assert_eq!(card["input"]["card_token"], "J7Hj");
    assert_eq!(card["browser_data"]["javascript_enabled"], true);
}

#[test]
fn qr_payment_asks_for_the_format() {
    let (gw, config) = v4_gateway();
    answer(
        &gw,
        200,
        r#"{"amount":100,"currency":"CZK","recipient":{},"qr_code":{"spayd":"PHN2Zz4="}}"#,
    );
    let client = Client::new(config).unwrap();
    let qr = client
        .get_qr_payment("300000001", Some(QrFormat::Svg))
        .unwrap();
    assert_eq!(qr.qr_code.unwrap().spayd.as_deref(), Some("PHN2Zz4="));
    client.get_qr_payment("300000001", None).unwrap();
    let log = gw.api_requests_log();
    assert_eq!(
        log[0].url,
        "/gp-gw/api/4.0/payments/300000001/qr-payment/info?format=svg"
    );
    assert_eq!(
        log[1].url,
        "/gp-gw/api/4.0/payments/300000001/qr-payment/info"
    );
}

#[test]
fn wallet_info_is_read_for_the_payment_page() {
    let (gw, config) = v4_gateway();
    answer(
        &gw,
        200,
        r#"{"environment":"TEST","paymentDataRequest":{"apiVersion":2,"transactionInfo":{"totalPrice":"1.00"}}}"#,
    );
    let client = Client::new(config).unwrap();
    let google = client.get_google_pay_info("300000001").unwrap();
    assert_eq!(google.environment.as_deref(), Some("TEST"));
    assert_eq!(
        google.payment_data_request.unwrap()["transactionInfo"]["totalPrice"],
        "1.00"
    );
    answer(
        &gw,
        200,
        r#"{"applepayVersion":6,"merchantIdentifier":"merchant.com.gopay","applePayPaymentRequest":{"countryCode":"CZ","total":{"label":"Shop","amount":"1.00"}}}"#,
    );
    let apple = client.get_apple_pay_info("300000001").unwrap();
    assert_eq!(apple.applepay_version, Some(6));
    assert_eq!(
        apple.merchant_identifier.as_deref(),
        Some("merchant.com.gopay")
    );
    client.get_apple_pay_app_info("300000001").unwrap();
    let log = gw.api_requests_log();
    assert_eq!(
        log[0].url,
        "/gp-gw/api/4.0/payments/300000001/google-pay/info"
    );
    assert_eq!(
        log[1].url,
        "/gp-gw/api/4.0/payments/300000001/apple-pay/info"
    );
    assert_eq!(
        log[2].url,
        "/gp-gw/api/4.0/payments/300000001/apple-pay/app-info"
    );
    assert!(log.iter().all(|r| r.method == "GET"));
}

#[test]
fn card_tokens_are_created_read_and_deleted() {
    let (gw, config) = v4_gateway();
    answer(&gw, 201, CARD);
    let client = Client::new(config).unwrap();
    let token = client.create_card_token("eyJ.a.b.c.d").unwrap();
    assert_eq!(token.card_id, "8007127320");
    answer(&gw, 200, CARD);
    assert_eq!(client.get_card_token("8007127320").unwrap().token, "J7Hj");
    answer(&gw, 204, "");
    client.delete_card_token("8007127320").unwrap();
    let log = gw.api_requests_log();
    assert_eq!(
        (log[0].method.as_str(), log[0].url.as_str()),
        ("POST", "/gp-gw/api/4.0/cards/tokens")
    );
    assert_eq!(log[0].body_text(), r#"{"payload":"eyJ.a.b.c.d"}"#);
    assert_json_headers(&log[0], true);
    assert_eq!(
        (log[1].method.as_str(), log[1].url.as_str()),
        ("GET", "/gp-gw/api/4.0/cards/tokens/8007127320")
    );
    assert_eq!(
        (log[2].method.as_str(), log[2].url.as_str()),
        ("DELETE", "/gp-gw/api/4.0/cards/tokens/8007127320")
    );
    assert_json_headers(&log[2], false);
}

#[test]
fn public_key_and_card_form_url_are_read() {
    let (gw, config) = v4_gateway();
    answer(
        &gw,
        200,
        r#"{"kty":"RSA","use":"enc","kid":"key_20250406","alg":"RSA-OAEP-256","n":"0vx7","e":"AQAB"}"#,
    );
    let client = Client::new(config).unwrap();
    assert_eq!(client.card_public_key().unwrap().kid, "key_20250406");
    answer(
        &gw,
        200,
        r#"{"card_form_url":"https://secure.gopay.com/form"}"#,
    );
    assert_eq!(
        client.card_form_url().unwrap().card_form_url.as_deref(),
        Some("https://secure.gopay.com/form")
    );
    let log = gw.api_requests_log();
    assert_eq!(log[0].url, "/gp-gw/api/4.0/cards/public-key");
    assert_eq!(log[1].url, "/gp-gw/api/4.0/cards/card-form-url");
    assert!(log.iter().all(|r| r.method == "GET"));
}

#[test]
fn refunds_are_created_listed_and_read() {
    let (gw, config) = v4_gateway();
    answer(&gw, 201, REFUND);
    let client = Client::new(config).unwrap();
    let refund = client.refund_payment("300000001", 100).unwrap();
    assert_eq!(refund.state, Some(RefundState::Requested));
    answer(
        &gw,
        200,
        r#"[{"id":"3050123456","state":"SUCCESS","amount":100,"currency":"CZK","created_at":"2025-12-10T10:30:00Z"}]"#,
    );
    let refunds = client.get_refunds("300000001").unwrap();
    assert_eq!(refunds[0].state, Some(RefundState::Success));
    answer(&gw, 200, REFUND);
    assert_eq!(client.get_refund("3050123456").unwrap().id, "3050123456");
    let log = gw.api_requests_log();
    assert_eq!(
        (log[0].method.as_str(), log[0].url.as_str()),
        ("POST", "/gp-gw/api/4.0/payments/300000001/refunds")
    );
    assert_eq!(log[0].body_text(), r#"{"amount":100}"#);
    assert_eq!(
        (log[1].method.as_str(), log[1].url.as_str()),
        ("GET", "/gp-gw/api/4.0/payments/300000001/refunds")
    );
    assert_eq!(
        (log[2].method.as_str(), log[2].url.as_str()),
        ("GET", "/gp-gw/api/4.0/refunds/3050123456")
    );
}

const VALIDATION_URL: &str = "https://apple-pay-gateway.apple.com/paymentservices/startSession";
/// Apple's merchant session as GoPay might pass it on, with a field no one knows yet.
const SESSION: &str = r#"{"epochTimestamp":1767225600000,"expiresAt":1767229200000,"merchantSessionIdentifier":"SSH6A1F","nonce":"2c5d1f3a","merchantIdentifier":"4F2A","domainName":"shop.example","displayName":"Shop","signature":"308006092a8648","retries":0,"someFutureField":{"nested":[1,"two",null]}}"#;

/// How many `Origin` headers `request` carried.
fn origins(request: &Recorded) -> Vec<&str> {
    request
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Origin"))
        .map(|(_, value)| value.as_str())
        .collect()
}

/// Answers the Apple Pay validation with [`SESSION`] and every other API request with
/// [`PAYMENT`], once the bearer token checks out.
fn answer_validation(gw: &FakeGateway) {
    gw.on_api(|request, _, gw| match request.bearer() {
        Some(token) if !gw.is_issued(token) => {
            Reply::json(401, r#"{"code":401,"error":"UNAUTHORIZED"}"#)
        }
        _ if request.url.ends_with("/apple-pay/validate") => Reply::json(200, SESSION),
        _ => Reply::json(200, PAYMENT),
    });
}

#[test]
fn apple_pay_validation_carries_the_origin_on_that_request_only() {
    let (gw, config) = v4_gateway();
    answer_validation(&gw);
    let client = Client::new(config).unwrap();
    client.get_payment("300000001").unwrap();
    let session = client
        .validate_apple_pay_merchant("300000001", "https://shop.example", VALIDATION_URL)
        .unwrap();
    client.get_payment("300000001").unwrap();

    // The opaque session comes back field for field.
    let sent: serde_json::Value = serde_json::from_str(SESSION).unwrap();
    assert_eq!(serde_json::to_value(&session).unwrap(), sent);
    assert_eq!(session.get("merchantSessionIdentifier").unwrap(), "SSH6A1F");

    let log = gw.api_requests_log();
    assert_eq!(log.len(), 3, "{log:?}");
    let validation = &log[1];
    assert_eq!(validation.method, "POST");
    assert_eq!(
        validation.url,
        "/gp-gw/api/4.0/payments/300000001/apple-pay/validate"
    );
    assert_json_headers(validation, true);
    assert_eq!(
        validation.body_text(),
        format!(r#"{{"validationUrl":"{VALIDATION_URL}"}}"#)
    );
    assert_eq!(origins(validation), ["https://shop.example"]);
    // Not on the token request, nor on the reads before and after.
    let all = gw.requests();
    assert_eq!(all.len(), 4, "{all:?}");
    for request in all.iter().filter(|r| !r.url.ends_with("/validate")) {
        assert!(origins(request).is_empty(), "{request:?}");
    }
}

#[test]
fn a_refused_token_resends_the_validation_with_its_one_origin() {
    let (gw, config) = v4_gateway();
    answer_validation(&gw);
    let client = Client::new(config).unwrap();
    client.get_payment("1").unwrap();
    let token = gw.api_requests_log()[0].bearer().unwrap().to_owned();
    gw.gateway.revoke(&token);
    client
        .validate_apple_pay_merchant("1", "https://shop.example:8443", VALIDATION_URL)
        .unwrap();
    let log = gw.api_requests_log();
    // Refused, a new token, sent again: each attempt with the header once.
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(gw.token_requests(), 2);
    for validation in &log[1..] {
        assert!(validation.url.ends_with("/apple-pay/validate"));
        assert_eq!(origins(validation), ["https://shop.example:8443"]);
    }
}

#[test]
fn apple_pay_validation_refuses_a_bad_origin_or_url_with_nothing_sent() {
    let (gw, config) = v4_gateway();
    answer_validation(&gw);
    let client = Client::new(config).unwrap();
    for (id, origin, url, field) in [
        (
            "1",
            "https://shop.example\r\nX-Injected: yes",
            VALIDATION_URL,
            "origin",
        ),
        (
            "1",
            "https://shop.example\nX-Injected: yes",
            VALIDATION_URL,
            "origin",
        ),
        (
            "1",
            "https://shop.example/checkout",
            VALIDATION_URL,
            "origin",
        ),
        ("1", "https://shop.example/", VALIDATION_URL, "origin"),
        ("1", "https://shop.example?x", VALIDATION_URL, "origin"),
        ("1", "https://user@shop.example", VALIDATION_URL, "origin"),
        ("1", "https://shop example", VALIDATION_URL, "origin"),
        ("1", "", VALIDATION_URL, "origin"),
        (
            "1",
            "https://shop.example",
            "http://apple.example/start",
            "validation_url",
        ),
        (
            "1",
            "https://shop.example",
            "apple.example/start",
            "validation_url",
        ),
        (
            "1",
            "https://shop.example",
            "https://apple.example/\r\n",
            "validation_url",
        ),
        ("", "https://shop.example", VALIDATION_URL, "id"),
    ] {
        let err = client
            .validate_apple_pay_merchant(id, origin, url)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{origin:?} {url:?}");
        assert!(
            matches!(&err, gopay::Error::InvalidInput { field: f, .. } if *f == field),
            "{err:?}"
        );
        // The refusal never repeats what it refused.
        assert!(!err.to_string().contains("X-Injected"), "{err}");
    }
    // Not even a token was asked for.
    assert!(gw.requests().is_empty(), "{:?}", gw.requests());
}

#[test]
fn ids_are_escaped_into_one_path_segment() {
    let (gw, config) = v4_gateway();
    answer(&gw, 200, PAYMENT);
    let client = Client::new(config).unwrap();
    client.get_payment("1/../refunds?x").unwrap();
    assert_eq!(
        only_api_request(&gw).url,
        "/gp-gw/api/4.0/payments/1%2F..%2Frefunds%3Fx"
    );
    let err = client.get_payment("").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn v4_errors_map_into_gopay_error_with_their_kind() {
    let (gw, config) = v4_gateway();
    answer(
        &gw,
        409,
        r#"{"code":409,"error":"CONFLICT","message":"Wrong resource state","detail":"Error Details","path":"/payments/123/charge","timestamp":"2025-12-10T10:30:00Z"}"#,
    );
    let client = Client::new(config).unwrap();
    let err = client
        .charge_payment(
            "123",
            &ChargeRequest::new(ChargeInput::card_token("t"), browser()),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(409));
    assert!(!err.outcome_unknown());
    let detail = &err.api_errors()[0];
    assert_eq!(detail.error_code, 409);
    assert_eq!(detail.error_name.as_deref(), Some("CONFLICT"));
    assert_eq!(detail.message.as_deref(), Some("Wrong resource state"));
    assert_eq!(detail.description.as_deref(), Some("Error Details"));
    assert!(err.to_string().contains("CONFLICT"), "{err}");

    // A missing scope (403) is not a refused token: no re-authentication.
    answer(
        &gw,
        403,
        r#"{"code":403,"error":"FORBIDDEN","message":"Missing token scope"}"#,
    );
    let before = gw.token_requests();
    let err = client.get_card_token("1").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(403)));
    assert_eq!(gw.token_requests(), before);
}

#[test]
fn a_refused_token_is_replaced_once_then_reported_as_auth() {
    let (gw, config) = v4_gateway();
    answer(&gw, 200, PAYMENT);
    let client = Client::new(config).unwrap();
    client.get_payment("1").unwrap();
    // GoPay forgets the token: the client fetches a new one and resends, once.
    let token = gw.api_requests_log()[0].bearer().unwrap().to_owned();
    gw.gateway.revoke(&token);
    client.get_payment("1").unwrap();
    assert_eq!(gw.token_requests(), 2);
    // A gateway that refuses every token: one new token, then an auth error.
    gw.on_api(|_, _, _| Reply::json(401, r#"{"code":401,"error":"UNAUTHORIZED"}"#));
    let err = client.get_payment("1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(gw.token_requests(), 3);
}

#[test]
fn a_charge_is_never_repeated_but_a_read_is() {
    let (gw, config) = v4_gateway();
    gw.on_api(|_, _, _| Reply::json(503, r#"{"code":503,"error":"UNAVAILABLE"}"#));
    let client = Client::builder(config)
        .max_retries(2)
        .retry_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
        .build()
        .unwrap();
    let err = client
        .charge_payment(
            "1",
            &ChargeRequest::new(ChargeInput::card_token("t"), browser()),
        )
        .unwrap_err();
    // A charge that reached GoPay may have moved money: resolve it with get_charge.
    assert!(err.outcome_unknown());
    assert_eq!(gw.api_requests(), 1);
    let _ = client.get_charge("1").unwrap_err();
    assert_eq!(gw.api_requests(), 1 + 3);
    let _ = client.refund_payment("1", 100).unwrap_err();
    assert_eq!(gw.api_requests(), 1 + 3 + 1);
    let err = client
        .validate_apple_pay_merchant("1", "https://shop.example", VALIDATION_URL)
        .unwrap_err();
    assert!(err.outcome_unknown());
    assert_eq!(gw.api_requests(), 1 + 3 + 1 + 1);
}

#[test]
fn threads_share_one_token_request() {
    let (gw, config) = v4_gateway();
    answer(&gw, 200, PAYMENT);
    let client = Client::new(config).unwrap();
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                client.get_payment("1").unwrap();
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 8);
}

#[test]
fn v3_and_v4_clients_sharing_a_cache_never_use_each_others_tokens() {
    let (gw, config) = v4_gateway();
    // Tokens issued per API, so each side can check what it receives.
    let v3_tokens = Arc::new(AtomicUsize::new(0));
    let v4_issued = Arc::new(Mutex::new(HashSet::new()));
    let (seen, issued) = (v3_tokens.clone(), v4_issued.clone());
    gw.on_token(move |request, _, gw| {
        if request.url == "/api/oauth2/token" {
            seen.fetch_add(1, Ordering::SeqCst);
            gw.issue_token_reply(request)
        } else {
            let token = gw.issue_token();
            issued.lock().unwrap().insert(token.clone());
            Reply::json(
                200,
                format!(r#"{{"token_type":"bearer","access_token":"{token}","expires_in":900}}"#),
            )
        }
    });
    gw.on_api(move |request, _, gw| {
        let token = request.bearer().unwrap_or_default();
        let v4_path = request.url.starts_with(PREFIX);
        let v4_token = v4_issued.lock().unwrap().contains(token);
        if !gw.is_issued(token) || v4_token != v4_path {
            return Reply::json(401, r#"{"code":401,"error":"UNAUTHORIZED"}"#);
        }
        if v4_path {
            Reply::json(200, PAYMENT)
        } else {
            gw.default_api_reply(request)
        }
    });
    let cache = Arc::new(InMemoryTokenCache::new());
    let v3 = gopay::Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let v4 = Client::builder(config)
        .token_cache(cache.clone())
        .build()
        .unwrap();
    assert_ne!(v3.token_cache_key(), v4.token_cache_key());
    for _ in 0..2 {
        v3.get_status(1).unwrap();
        v4.get_payment("1").unwrap();
    }
    // One token each, never refused: neither used the other's.
    assert_eq!(gw.token_requests(), 2);
    assert_eq!(v3_tokens.load(Ordering::SeqCst), 1);
    assert_eq!(gw.api_requests(), 4);
}

#[test]
fn build_refuses_what_cannot_work() {
    let config = |url: &str| Config::new("8123456789", "id", "secret", url);
    assert!(Client::new(config(gopay::v4::SANDBOX_URL)).is_ok());
    for bad in [
        config("http://gate.gopay.com/gp-gw/api/4.0"),
        config(gopay::v4::SANDBOX_URL).scopes([]),
        Config::new("", "id", "secret", gopay::v4::SANDBOX_URL),
    ] {
        let err = Client::new(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }
    let err = Client::builder(config(gopay::v4::SANDBOX_URL))
        .timeout(std::time::Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}
