//! API v4 (preview) over raw HTTP: tokens of both grants and their scopes, create and get
//! payment, charges with each input and the three test cards, the charge's states moved by
//! the test clock and the control API, QR, card tokens, public key and card-form URL,
//! refunds, and errors in v4's shape.

use crate::support;

use base64::Engine;

use gopay_simulator::{v4_cards, Simulator};
use serde_json::{json, Value};
use support::http::send;
use support::v4::{
    advance, answer_challenge, basic, call, card_charge, charge_body, control, create,
    merchant_token, payment_body, post_challenge, token_answer, V4Config, ALL_SCOPES,
};

const RETURN: &str = "https://shop.example/return";

fn start() -> (Simulator, V4Config, String) {
    let sim = Simulator::start().expect("a simulator");
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    (sim, config, token)
}

/// Asserts that `GET {base}{path}` answers v4's error `status` / `error`.
fn get_error(config: &V4Config, token: &str, path: &str, status: u16, error: &str) {
    let answer = call(config, token, "GET", path, &Value::Null);
    assert_error(&answer, status, error, path);
}

/// The `state` of what `GET {base}{path}` answers.
fn state_of(config: &V4Config, token: &str, path: &str) -> Value {
    get(config, token, path)["state"].clone()
}

fn get(config: &V4Config, token: &str, path: &str) -> Value {
    let answer = call(config, token, "GET", path, &Value::Null);
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.json()
}

/// Asserts the v4 error shape with `status` and `error`, for request `path`.
fn assert_error(answer: &support::http::Answer, status: u16, error: &str, path: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["code"], status);
    assert_eq!(body["error"], error);
    assert_eq!(body["path"], path);
    for field in ["message", "detail", "timestamp"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
}

#[test]
fn v4_is_served_beside_v3() {
    let sim = Simulator::start().unwrap();
    let config = sim.v4_config();
    assert_eq!(
        config.base_url(),
        format!("http://127.0.0.1:{}/gp-gw/api/4.0", sim.port())
    );
    assert_eq!(config.goid(), sim.goid().to_string());
    assert_eq!(config.client_id(), sim.client_id());
    assert_eq!(
        sim.gateway_url(),
        format!("http://127.0.0.1:{}/api", sim.port())
    );
}

#[test]
fn client_credentials_token_carries_the_asked_scopes() {
    let (_sim, config, _) = start();
    let answer = token_answer(
        &config,
        "client_credentials",
        &config.client_id,
        &config.client_secret,
        "payment:write payment:read",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["scope"], "payment:write payment:read");
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    assert_eq!(
        body["access_token"].as_str().unwrap().split('.').count(),
        3,
        "JWT-shaped"
    );

    let wrong = token_answer(
        &config,
        "client_credentials",
        &config.client_id,
        "nope",
        "payment:read",
    );
    assert_error(&wrong, 401, "UNAUTHORIZED", "/oauth2/token");
    let unknown_scope = token_answer(
        &config,
        "client_credentials",
        &config.client_id,
        &config.client_secret,
        "payment-all",
    );
    assert_error(&unknown_scope, 403, "FORBIDDEN", "/oauth2/token");
}

#[test]
fn a_missing_scope_is_403_and_a_bad_token_401() {
    let (_sim, config, _) = start();
    let reader = merchant_token(&config, "payment:read");
    let path = format!("/eshops/{}/payments", config.goid);
    let answer = call(&config, &reader, "POST", &path, &payment_body(100, RETURN));
    assert_error(&answer, 403, "FORBIDDEN", &path);
    let answer = call(&config, "not-a-token", "GET", "/payments/1", &Value::Null);
    assert_error(&answer, 401, "UNAUTHORIZED", "/payments/1");
}

#[test]
fn tokens_expire_on_the_test_clock() {
    let (sim, config, token) = start();
    let payment = create(&config, &token, 100, RETURN);
    let path = format!("/payments/{}", payment["id"].as_str().unwrap());
    get(&config, &token, &path);
    advance(&sim, 24 * 3600);
    get_error(&config, &token, &path, 401, "UNAUTHORIZED");
}

#[test]
fn create_and_get_payment() {
    let (_sim, config, token) = start();
    let payment = create(&config, &token, 100, RETURN);
    let id = payment["id"].as_str().expect("a string id");
    assert_eq!(payment["state"], "CREATED");
    assert_eq!(payment["amount"], 100);
    assert_eq!(payment["currency"], "CZK");
    assert_eq!(payment["order_number"], "2025010199");
    assert_eq!(
        payment["customer"],
        json!({"email": "john.doe@example.com", "country_code": "CZE"})
    );
    assert!(payment["gw_url"].is_string());
    assert_eq!(payment["payment_secret"].as_str().unwrap().len(), 32);
    assert!(payment.get("charge").is_none());
    assert_eq!(get(&config, &token, &format!("/payments/{id}")), payment);

    get_error(&config, &token, "/payments/123", 404, "NOT_FOUND");
}

#[test]
fn create_checks_required_fields_and_limits() {
    let (_sim, config, token) = start();
    let path = format!("/eshops/{}/payments", config.goid);
    let mut no_email = payment_body(100, RETURN);
    no_email["customer"]
        .as_object_mut()
        .unwrap()
        .remove("email");
    let mut five_params = payment_body(100, RETURN);
    five_params["additional_params"] = json!(vec![json!({"name": "a", "value": "b"}); 5]);
    let mut bgn = payment_body(100, RETURN);
    bgn["currency"] = json!("BGN");
    let mut negative = payment_body(-1, RETURN);
    negative["amount"] = json!(-1);
    for (body, word) in [
        (no_email, "email"),
        (five_params, "additional_params"),
        (bgn, "currency"),
        (negative, "amount"),
    ] {
        let answer = call(&config, &token, "POST", &path, &body);
        assert_error(&answer, 400, "BAD_REQUEST", &path);
        assert!(
            answer.json()["detail"].as_str().unwrap().contains(word),
            "{}",
            answer.body
        );
    }
    let other_eshop = call(
        &config,
        &token,
        "POST",
        "/eshops/1/payments",
        &payment_body(100, RETURN),
    );
    assert_error(&other_eshop, 404, "NOT_FOUND", "/eshops/1/payments");
}

/// A new 1.00 CZK payment's id.
fn new_payment(config: &V4Config, token: &str) -> String {
    create(config, token, 100, RETURN)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Charges payment `id` with the test card `card`; the 201's body.
fn charge_card(config: &V4Config, token: &str, id: &str, card: &str) -> Value {
    let answer = charge(config, token, id, &card_charge(card));
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.json()
}

fn charge(config: &V4Config, token: &str, id: &str, body: &Value) -> support::http::Answer {
    call(
        config,
        token,
        "POST",
        &format!("/payments/{id}/charge"),
        body,
    )
}

#[test]
fn frictionless_card_charges_asynchronously_to_succeeded_and_paid() {
    let (sim, config, token) = start();
    let id = new_payment(&config, &token);
    let body = charge_card(&config, &token, &id, "gopay-sim-card-frictionless");
    assert_eq!(body["state"], "PROCESSING");
    assert_eq!(body["return_url"], RETURN);
    assert_eq!(
        body["payment_instrument"]["payment_instrument"],
        "PAYMENT_CARD"
    );
    assert_eq!(
        body["payment_instrument"]["details"]["input_type"],
        "CARD_TOKEN"
    );
    assert_eq!(body["action"]["state"], "AUTHENTICATED_FRICTIONLESS");
    assert!(body["action"].get("redirect_url").is_none());
    let path = format!("/payments/{id}/charge");
    assert_eq!(get(&config, &token, &path)["state"], "PROCESSING");
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "CREATED"
    );

    advance(&sim, 5);
    assert_eq!(get(&config, &token, &path)["state"], "SUCCEEDED");
    let payment = get(&config, &token, &format!("/payments/{id}"));
    assert_eq!(payment["state"], "PAID");
    assert_eq!(payment["charge"]["state"], "SUCCEEDED");

    let again = charge(
        &config,
        &token,
        &id,
        &card_charge("gopay-sim-card-frictionless"),
    );
    assert_error(&again, 409, "CONFLICT", &path);
}

#[test]
fn declined_card_fails_with_a_reason() {
    let (sim, config, token) = start();
    let id = new_payment(&config, &token);
    charge_card(&config, &token, &id, "gopay-sim-card-declined");
    advance(&sim, 5);
    let state = get(&config, &token, &format!("/payments/{id}/charge"));
    assert_eq!(state["state"], "FAILED");
    assert!(state["fail_reason"].as_str().unwrap().contains("declined"));
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "CREATED"
    );
    // The customer may try another card: the new charge replaces the failed one.
    let retry = charge_card(&config, &token, &id, "gopay-sim-card-frictionless");
    assert_ne!(retry["id"], state["id"]);
    advance(&sim, 5);
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "PAID"
    );
}

#[test]
fn challenge_card_needs_the_3ds_page() {
    let (sim, config, token) = start();
    let id = new_payment(&config, &token);
    let body = charge_card(&config, &token, &id, "gopay-sim-card-challenge");
    assert_eq!(body["state"], "ACTION_REQUIRED");
    assert_eq!(body["action"]["action_type"], "EMV3DS");
    assert_eq!(body["action"]["state"], "CHALLENGE_REQUIRED");
    let redirect = body["action"]["redirect_url"].as_str().unwrap().to_owned();
    // The clock alone does not answer a challenge.
    advance(&sim, 60);
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}/charge")),
        "ACTION_REQUIRED"
    );

    let page = send("GET", &redirect, &[], b"");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"approve\"") && page.body.contains("id=\"decline\""));
    // A form without the page's one-time token (another site's) answers nothing.
    assert_eq!(post_challenge(&redirect, "decision=approve").status, 403);
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}/charge")),
        "ACTION_REQUIRED"
    );
    let back = answer_challenge(&redirect, "approve");
    assert_eq!(back.status, 303);
    assert_eq!(
        back.location.as_deref(),
        Some(format!("{RETURN}?payment_id={id}").as_str())
    );
    let state = get(&config, &token, &format!("/payments/{id}/charge"));
    assert_eq!(state["state"], "PROCESSING");
    assert_eq!(state["action"]["state"], "AUTHENTICATED_CHALLENGE");
    advance(&sim, 5);
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "PAID"
    );
    // A challenge is answered once.
    let replay = send("GET", &redirect, &[], b"");
    assert_eq!(replay.status, 409);
}

#[test]
fn declining_the_challenge_fails_the_charge() {
    let (_sim, config, token) = start();
    let id = new_payment(&config, &token);
    let body = charge(
        &config,
        &token,
        &id,
        &card_charge("gopay-sim-card-challenge"),
    )
    .json();
    let redirect = body["action"]["redirect_url"].as_str().unwrap();
    let back = answer_challenge(redirect, "decline");
    assert_eq!(back.status, 303);
    let state = get(&config, &token, &format!("/payments/{id}/charge"));
    assert_eq!(state["state"], "FAILED");
    assert_eq!(state["action"]["state"], "NOT_AUTHENTICATED");
    assert!(state["fail_reason"].is_string());
}

#[test]
fn every_charge_input_is_read() {
    let (sim, config, token) = start();
    let inputs = [
        json!({"input_type": "ENCRYPTED_CARD", "payload": "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.a.b.c.d"}),
        json!({"input_type": "GOOGLE_PAY", "protocolVersion": "ECv2", "signature": "s", "signedMessage": "m"}),
        json!({"input_type": "APPLE_PAY", "data": "d", "signature": "s", "version": "EC_v1",
               "header": {"ephemeralPublicKey": "k", "publicKeyHash": "h", "transactionId": "t"}}),
    ];
    for input in inputs {
        let kind = input["input_type"].clone();
        let id = new_payment(&config, &token);
        let answer = charge(&config, &token, &id, &charge_body(input));
        assert_eq!(answer.status, 201, "{kind}: {}", answer.body);
        assert_eq!(
            answer.json()["payment_instrument"]["details"]["input_type"],
            kind
        );
        advance(&sim, 5);
        assert_eq!(
            state_of(&config, &token, &format!("/payments/{id}")),
            "PAID",
            "{kind}"
        );
    }
}

#[test]
fn charge_checks_browser_data_and_inputs() {
    let (_sim, config, token) = start();
    let id = new_payment(&config, &token);
    let path = format!("/payments/{id}/charge");
    for field in [
        "language",
        "timezone",
        "screen_width",
        "screen_height",
        "color_depth",
        "user_agent",
        "accept_header",
        "javascript_enabled",
    ] {
        let mut body = card_charge("gopay-sim-card-frictionless");
        body["payment_instrument"]["browser_data"]
            .as_object_mut()
            .unwrap()
            .remove(field);
        let answer = charge(&config, &token, &id, &body);
        assert_error(&answer, 400, "BAD_REQUEST", &path);
        assert!(answer.body.contains(field), "{field}: {}", answer.body);
    }
    let mut not_json = card_charge("gopay-sim-card-frictionless");
    not_json["payment_instrument"]["browser_data"]["accept_header"] = json!("text/html");
    assert_error(
        &charge(&config, &token, &id, &not_json),
        400,
        "BAD_REQUEST",
        &path,
    );
    let unknown = card_charge("tok_visa");
    assert_error(
        &charge(&config, &token, &id, &unknown),
        400,
        "BAD_REQUEST",
        &path,
    );
    let not_jwe =
        charge_body(json!({"input_type": "ENCRYPTED_CARD", "payload": "4111111111111111"}));
    assert_error(
        &charge(&config, &token, &id, &not_jwe),
        400,
        "BAD_REQUEST",
        &path,
    );
    let bank = charge_body(json!({"input_type": "BANK_ACCOUNT"}));
    assert_error(
        &charge(&config, &token, &id, &bank),
        400,
        "BAD_REQUEST",
        &path,
    );
    // Nothing of it was kept.
    get_error(&config, &token, &path, 404, "NOT_FOUND");
}

#[test]
fn payment_credentials_reach_only_their_payment() {
    let (_sim, config, token) = start();
    let payment = create(&config, &token, 100, RETURN);
    let other = create(&config, &token, 100, RETURN);
    let id = payment["id"].as_str().unwrap();
    let secret = payment["payment_secret"].as_str().unwrap();
    let answer = token_answer(
        &config,
        "payment_credentials",
        id,
        secret,
        "payment:read payment:charge",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let browser = answer.json()["access_token"].as_str().unwrap().to_owned();
    get(&config, &browser, &format!("/payments/{id}"));
    let charged = charge(
        &config,
        &browser,
        id,
        &card_charge("gopay-sim-card-frictionless"),
    );
    assert_eq!(charged.status, 201, "{}", charged.body);
    let other_path = format!("/payments/{}", other["id"].as_str().unwrap());
    assert_error(
        &call(&config, &browser, "GET", &other_path, &Value::Null),
        403,
        "FORBIDDEN",
        &other_path,
    );
    let refund = call(
        &config,
        &browser,
        "POST",
        &format!("/payments/{id}/refunds"),
        &json!({"amount": 1}),
    );
    assert_eq!(refund.status, 403);
    let wrong = token_answer(&config, "payment_credentials", id, "wrong", "payment:read");
    assert_eq!(wrong.status, 401);
    let too_much = token_answer(&config, "payment_credentials", id, secret, "payment:write");
    assert_eq!(too_much.status, 403);
}

#[test]
fn qr_payment_info_follows_the_payment() {
    let (_sim, config, token) = start();
    let id = create(&config, &token, 12345, RETURN)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let png = get(&config, &token, &format!("/payments/{id}/qr-payment/info"));
    assert_eq!(png["amount"], 12345);
    assert_eq!(png["currency"], "CZK");
    assert_eq!(
        png["recipient"]["bank_account"]["local"]["variable_symbol"],
        id.as_str()
    );
    assert!(
        png["qr_code"]["spayd"]
            .as_str()
            .unwrap()
            .starts_with("iVBOR"),
        "a base64 PNG"
    );
    let svg = get(
        &config,
        &token,
        &format!("/payments/{id}/qr-payment/info?format=svg"),
    );
    let svg = svg["qr_code"]["spayd"].as_str().unwrap();
    let svg = base64::engine::general_purpose::STANDARD
        .decode(svg)
        .unwrap();
    assert!(
        String::from_utf8(svg).unwrap().contains("<svg"),
        "a base64 SVG"
    );
}

#[test]
fn card_tokens_are_created_read_and_deleted() {
    let (sim, config, token) = start();
    let payload = json!({"payload": "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.key.iv.cipher.tag"});
    let created = call(&config, &token, "POST", "/cards/tokens", &payload);
    assert_eq!(created.status, 201, "{}", created.body);
    let card = created.json();
    for field in [
        "card_id",
        "masked_pan",
        "masked_virtual_pan",
        "expiration_month",
        "expiration_year",
        "scheme",
        "fingerprint",
        "token",
        "card_art_url",
    ] {
        assert!(card[field].is_string(), "{field} in {card}");
    }
    assert_eq!(card["corporate"], false);
    assert_eq!(card["status"], "ACTIVE");
    let again = call(&config, &token, "POST", "/cards/tokens", &payload).json();
    assert_eq!(again["fingerprint"], card["fingerprint"], "stable per card");
    assert_ne!(again["card_id"], card["card_id"]);

    let card_id = card["card_id"].as_str().unwrap();
    let path = format!("/cards/tokens/{card_id}");
    assert_eq!(get(&config, &token, &path), card);
    // The token charges like a frictionless card.
    let id = new_payment(&config, &token);
    assert_eq!(
        charge(
            &config,
            &token,
            &id,
            &card_charge(card["token"].as_str().unwrap())
        )
        .status,
        201
    );
    advance(&sim, 5);
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "PAID"
    );

    let deleted = call(&config, &token, "DELETE", &path, &Value::Null);
    assert_eq!(deleted.status, 204);
    get_error(&config, &token, &path, 404, "NOT_FOUND");
    let bad = call(
        &config,
        &token,
        "POST",
        "/cards/tokens",
        &json!({"payload": "1234"}),
    );
    assert_error(&bad, 400, "BAD_REQUEST", "/cards/tokens");
}

#[test]
fn test_cards_answer_as_active_permanent_tokens() {
    let (_sim, config, token) = start();
    for name in v4_cards::ALL {
        let card = get(&config, &token, &format!("/cards/tokens/{name}"));
        assert_eq!(card["card_id"], name);
        assert_eq!(card["token"], name);
        assert_eq!(card["status"], "ACTIVE");
    }
    let path = "/cards/tokens/gopay-sim-card-challenge";
    assert_error(
        &call(&config, &token, "DELETE", path, &Value::Null),
        409,
        "CONFLICT",
        path,
    );
}

#[test]
fn public_key_and_card_form_url_take_the_shareable_key() {
    let (_sim, config, token) = start();
    let shareable = basic(&config.client_id, &config.shareable_key);
    let key = send(
        "GET",
        &format!("{}/cards/public-key", config.base_url),
        &[("Authorization", &shareable)],
        b"",
    );
    assert_eq!(key.status, 200, "{}", key.body);
    let jwk = key.json();
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "enc");
    assert_eq!(jwk["e"], "AQAB");
    let form = send(
        "GET",
        &format!("{}/cards/card-form-url", config.base_url),
        &[("Authorization", &shareable)],
        b"",
    );
    assert!(form.json()["card_form_url"].is_string());
    // A merchant token with shared:read works too; a wrong key does not.
    let shared = merchant_token(&config, "shared:read");
    get(&config, &shared, "/cards/public-key");
    assert_eq!(
        call(&config, &token, "GET", "/cards/public-key", &Value::Null).status,
        200
    );
    let wrong = basic(&config.client_id, "guess");
    let refused = send(
        "GET",
        &format!("{}/cards/public-key", config.base_url),
        &[("Authorization", &wrong)],
        b"",
    );
    assert_error(&refused, 401, "UNAUTHORIZED", "/cards/public-key");
}

/// A paid payment of `amount`.
fn paid(sim: &Simulator, config: &V4Config, token: &str, amount: i64) -> String {
    let id = create(config, token, amount, RETURN)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        charge(
            config,
            token,
            &id,
            &card_charge("gopay-sim-card-frictionless")
        )
        .status,
        201
    );
    advance(sim, 5);
    id
}

#[test]
fn refunds_move_from_requested_to_success() {
    let (sim, config, token) = start();
    let id = paid(&sim, &config, &token, 10000);
    let list = format!("/payments/{id}/refunds");
    assert_eq!(get(&config, &token, &list), json!([]));
    let created = call(&config, &token, "POST", &list, &json!({"amount": 4000}));
    assert_eq!(created.status, 201, "{}", created.body);
    let refund = created.json();
    assert_eq!(refund["state"], "REQUESTED");
    assert_eq!(refund["amount"], 4000);
    assert_eq!(refund["currency"], "CZK");
    assert!(refund["created_at"].as_str().unwrap().ends_with('Z'));
    let refund_id = refund["id"].as_str().unwrap();
    assert_ne!(refund_id, id);

    advance(&sim, 5);
    let done = get(&config, &token, &format!("/refunds/{refund_id}"));
    assert_eq!(done["state"], "SUCCESS");
    assert!(done["updated_at"].is_string());
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "PARTIALLY_REFUNDED"
    );

    // More than what is left is refused; the rest refunds fully.
    let too_much = call(&config, &token, "POST", &list, &json!({"amount": 6001}));
    assert_error(&too_much, 409, "CONFLICT", &list);
    // So is the largest amount there is: the sum with what is refunded cannot be made.
    let largest = call(&config, &token, "POST", &list, &json!({"amount": i64::MAX}));
    assert_error(&largest, 409, "CONFLICT", &list);
    let rest = call(&config, &token, "POST", &list, &json!({"amount": 6000})).json();
    let settled = control(
        &sim,
        &format!("/refunds/{}/succeed", rest["id"].as_str().unwrap()),
    );
    assert_eq!(settled.status, 200, "{}", settled.body);
    assert_eq!(settled.json()["state"], "SUCCESS");
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{id}")),
        "REFUNDED"
    );
    assert_eq!(get(&config, &token, &list).as_array().unwrap().len(), 2);
    get_error(&config, &token, "/refunds/1", 404, "NOT_FOUND");
}

#[test]
fn refund_rules_of_the_sandbox() {
    let (sim, config, token) = start();
    let unpaid = new_payment(&config, &token);
    let list = format!("/payments/{unpaid}/refunds");
    // The amount is checked before the state.
    assert_error(
        &call(&config, &token, "POST", &list, &json!({"amount": 0})),
        400,
        "BAD_REQUEST",
        &list,
    );
    assert_eq!(get(&config, &token, &list), json!([]));
    // A refund of an unpaid payment is refused and kept as FAILED.
    assert_error(
        &call(&config, &token, "POST", &list, &json!({"amount": 100})),
        409,
        "CONFLICT",
        &list,
    );
    let kept = get(&config, &token, &list);
    assert_eq!(kept[0]["state"], "FAILED");

    // A failed refund keeps the refundable amount.
    let id = paid(&sim, &config, &token, 500);
    let path = format!("/payments/{id}/refunds");
    let first = call(&config, &token, "POST", &path, &json!({"amount": 500})).json();
    let failed = control(
        &sim,
        &format!("/refunds/{}/fail", first["id"].as_str().unwrap()),
    );
    assert_eq!(failed.json()["state"], "FAILED");
    assert_eq!(
        call(&config, &token, "POST", &path, &json!({"amount": 500})).status,
        201
    );
    assert_eq!(
        call(&config, &token, "GET", "/payments/77/refunds", &Value::Null).status,
        404
    );
}

#[test]
fn control_actions_work_on_v4_payments() {
    let (_sim, config, token) = start();
    let sim = _sim;
    let id = new_payment(&config, &token);
    let body = charge(
        &config,
        &token,
        &id,
        &card_charge("gopay-sim-card-challenge"),
    )
    .json();
    assert_eq!(body["state"], "ACTION_REQUIRED");
    let approved = control(&sim, &format!("/payments/{id}/approve"));
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.json()["charge"]["state"], "PROCESSING");
    let paid = control(&sim, &format!("/payments/{id}/pay"));
    assert_eq!(paid.json()["state"], "PAID");
    assert_eq!(paid.json()["charge"]["state"], "SUCCEEDED");
    assert_eq!(control(&sim, &format!("/payments/{id}/cancel")).status, 409);

    let other = new_payment(&config, &token);
    assert_eq!(
        control(&sim, &format!("/payments/{other}/cancel")).json()["state"],
        "CANCELED"
    );
    let third = new_payment(&config, &token);
    assert_eq!(
        control(&sim, &format!("/payments/{third}/expire")).json()["state"],
        "TIMEOUTED"
    );
    let fourth = new_payment(&config, &token);
    charge(
        &config,
        &token,
        &fourth,
        &card_charge("gopay-sim-card-frictionless"),
    );
    let failed = control(&sim, &format!("/payments/{fourth}/fail"));
    assert_eq!(failed.json()["charge"]["state"], "FAILED");
}

#[test]
fn reset_forgets_v4_state() {
    let (sim, config, token) = start();
    let id = new_payment(&config, &token);
    sim.reset();
    let path = format!("/payments/{id}");
    get_error(&config, &token, &path, 401, "UNAUTHORIZED");
    let token = merchant_token(&config, ALL_SCOPES);
    get_error(&config, &token, &path, 404, "NOT_FOUND");
}

#[test]
fn a_suspended_card_token_is_refused_until_activated() {
    let (sim, config, token) = start();
    let payload = json!({"payload": "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.k.i.c.t"});
    let card = call(&config, &token, "POST", "/cards/tokens", &payload).json();
    let card_id = card["card_id"].as_str().unwrap();
    let suspended = control(&sim, &format!("/cards/tokens/{card_id}/suspend"));
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    assert_eq!(
        get(&config, &token, &format!("/cards/tokens/{card_id}"))["status"],
        "SUSPENDED"
    );
    let id = new_payment(&config, &token);
    let body = card_charge(card["token"].as_str().unwrap());
    let path = format!("/payments/{id}/charge");
    assert_error(&charge(&config, &token, &id, &body), 409, "CONFLICT", &path);
    control(&sim, &format!("/cards/tokens/{card_id}/activate"));
    assert_eq!(charge(&config, &token, &id, &body).status, 201);
}

#[test]
fn faults_on_v4_routes_answer_in_v4_shape() {
    use gopay_simulator::{Fault, FaultTarget};
    let (sim, config, token) = start();
    let id = new_payment(&config, &token);
    let path = format!("/payments/{id}");
    let target = FaultTarget::route("GET", "/gp-gw/api/4.0/payments/{id}");
    sim.inject(Fault::Status {
        target,
        status: 503,
        count: 1,
    });
    get_error(&config, &token, &path, 503, "INTERNAL_SERVER_ERROR");
    get(&config, &token, &path);
    // General faults aim at v3's API, not at v4.
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 500,
        count: 1,
    });
    get(&config, &token, &path);
    sim.clear_faults();
    sim.inject(Fault::Answer {
        target: FaultTarget::route("GET", "/gp-gw/api/4.0/payments/{id}"),
        status: 200,
        content_type: "text/plain",
        body: "not json".into(),
        count: 1,
    });
    assert_eq!(
        call(&config, &token, "GET", &path, &Value::Null).body,
        "not json"
    );
}

#[test]
fn partial_refunds_wait_for_the_acquirer_when_configured() {
    let day = std::time::Duration::from_secs(24 * 3600);
    let sim = Simulator::builder().v4_acquirer_delay(day).start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let id = paid(&sim, &config, &token, 1000);
    let list = format!("/payments/{id}/refunds");
    let partial = call(&config, &token, "POST", &list, &json!({"amount": 400}));
    assert_error(&partial, 409, "CONFLICT", &list);
    assert!(partial.json()["detail"]
        .as_str()
        .unwrap()
        .contains("only a full refund"));
    assert_eq!(
        call(&config, &token, "POST", &list, &json!({"amount": 1000})).status,
        201
    );

    let later = paid(&sim, &config, &token, 1000);
    advance(&sim, day.as_secs());
    let token = merchant_token(&config, ALL_SCOPES);
    let path = format!("/payments/{later}/refunds");
    assert_eq!(
        call(&config, &token, "POST", &path, &json!({"amount": 400})).status,
        201
    );
}

#[test]
fn wallet_info_follows_the_payment() {
    let (sim, config, token) = start();
    let id = create(&config, &token, 12345, RETURN)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let google = get(&config, &token, &format!("/payments/{id}/google-pay/info"));
    assert_eq!(google["environment"], "TEST");
    let request = &google["paymentDataRequest"];
    assert_eq!(request["transactionInfo"]["totalPrice"], "123.45");
    assert_eq!(request["transactionInfo"]["currencyCode"], "CZK");
    let tokenization = &request["allowedPaymentMethods"][0]["tokenizationSpecification"];
    assert_eq!(tokenization["parameters"]["gateway"], "gopay");
    assert_eq!(
        tokenization["parameters"]["gatewayMerchantId"],
        config.goid.as_str()
    );

    let apple = get(&config, &token, &format!("/payments/{id}/apple-pay/info"));
    assert_eq!(apple["applePayPaymentRequest"]["total"]["amount"], "123.45");
    let app = get(
        &config,
        &token,
        &format!("/payments/{id}/apple-pay/app-info"),
    );
    assert_eq!(
        app["applePayPaymentRequest"]["paymentSummaryItems"][0]["amount"],
        "123.45"
    );
    assert!(app["applePayPaymentRequest"].get("total").is_none());

    let validate = format!("/payments/{id}/apple-pay/validate");
    let url = format!("{}{validate}", config.base_url);
    let bearer = format!("Bearer {token}");
    let body =
        br#"{"validationUrl":"https://apple-pay-gateway.apple.com/paymentservices/startSession"}"#;
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    let no_origin = send("POST", &url, &headers, body);
    assert_error(&no_origin, 400, "BAD_REQUEST", &validate);
    let with_origin = [headers[0], headers[1], ("Origin", "https://shop.example")];
    let session = send("POST", &url, &with_origin, body);
    assert_eq!(session.status, 200, "{}", session.body);
    assert_eq!(session.json()["domainName"], "shop.example");

    // A paid payment opens no wallet.
    charge_card(&config, &token, &id, "gopay-sim-card-frictionless");
    advance(&sim, 5);
    let path = format!("/payments/{id}/google-pay/info");
    get_error(&config, &token, &path, 409, "CONFLICT");
}

#[test]
fn the_clients_apple_pay_validation_reaches_the_simulator_with_its_origin() {
    let sim = Simulator::start().unwrap();
    let client = gopay::v4::Client::new(sim.v4_config()).unwrap();
    let payment = client
        .create_payment(&gopay::v4::PaymentRequest::new(
            12345,
            gopay::Currency::Czk,
            "apple-pay-validation",
            gopay::v4::Customer::new("customer@example.com"),
            "https://shop.example/notify",
            RETURN,
        ))
        .unwrap();
    let validation_url = "https://apple-pay-gateway.apple.com/paymentservices/startSession";
    sim.clear_requests();
    let session = client
        .validate_apple_pay_merchant(&payment.id, "https://shop.example", validation_url)
        .unwrap();
    assert_eq!(session.get("domainName"), Some(&json!("shop.example")));
    let identifier = session.get("merchantSessionIdentifier").unwrap();
    assert!(!identifier.as_str().unwrap().is_empty(), "{session:?}");
    let issued = session.get("epochTimestamp").unwrap().as_u64().unwrap();
    assert!(session.get("expiresAt").unwrap().as_u64().unwrap() > issued);
    // The merchant the session names is the one Apple Pay's info names.
    let info = client.get_apple_pay_info(&payment.id).unwrap();
    assert_eq!(
        session.get("merchantIdentifier").and_then(Value::as_str),
        info.merchant_identifier.as_deref()
    );

    // What the simulator received: the header once, on the validation only.
    let log = sim.requests();
    let origins = |request: &gopay_simulator::RecordedRequest| {
        request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("Origin"))
            .count()
    };
    let validation = log
        .iter()
        .find(|r| {
            r.path
                .ends_with(&format!("/payments/{}/apple-pay/validate", payment.id))
        })
        .expect("the validation request");
    assert_eq!(validation.method, "POST");
    assert_eq!(validation.header("Origin"), Some("https://shop.example"));
    assert_eq!(origins(validation), 1);
    assert_eq!(
        validation.body,
        format!(r#"{{"validationUrl":"{validation_url}"}}"#).as_bytes()
    );
    assert_eq!(log.len(), 2, "the validation and the info");
    assert!(log
        .iter()
        .filter(|r| !r.path.ends_with("/validate"))
        .all(|r| origins(r) == 0));

    // An origin that would add a header is refused before anything reaches the simulator.
    sim.clear_requests();
    let err = client
        .validate_apple_pay_merchant(
            &payment.id,
            "https://shop.example\r\nX-Evil: 1",
            validation_url,
        )
        .unwrap_err();
    assert_eq!(err.kind(), gopay::ErrorKind::InvalidInput);
    assert!(sim.requests().is_empty());

    // Without an Origin (which the client cannot leave out: sent raw) the simulator refuses
    // with v4's 400.
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let path = format!("/payments/{}/apple-pay/validate", payment.id);
    let body = json!({ "validationUrl": validation_url });
    let no_origin = call(&config, &token, "POST", &path, &body);
    assert_error(&no_origin, 400, "BAD_REQUEST", &path);
    assert!(no_origin.body.contains("Origin"), "{}", no_origin.body);

    // The simulator's refusals reach the client as `Error::Api` with v4's details.
    let err = client
        .validate_apple_pay_merchant("404404", "https://shop.example", validation_url)
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.status()),
        (gopay::ErrorKind::Api, Some(404))
    );
    assert_eq!(err.api_errors()[0].error_name.as_deref(), Some("NOT_FOUND"));
    client
        .charge_payment(
            &payment.id,
            &gopay::v4::ChargeRequest::new(
                gopay::v4::ChargeInput::card_token(v4_cards::FRICTIONLESS),
                client_browser_data(),
            ),
        )
        .unwrap();
    sim.advance_clock(std::time::Duration::from_secs(5));
    let err = client
        .validate_apple_pay_merchant(&payment.id, "https://shop.example", validation_url)
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.status()),
        (gopay::ErrorKind::Api, Some(409))
    );
    assert_eq!(err.api_errors()[0].error_name.as_deref(), Some("CONFLICT"));
    assert!(!err.outcome_unknown());
}

/// Browser data for a charge through the client.
fn client_browser_data() -> gopay::v4::BrowserData {
    gopay::v4::BrowserData::new(
        "cs-CZ",
        -60,
        1920,
        1080,
        24,
        "Mozilla/5.0 (test)",
        gopay::v4::BrowserData::accept_header_json(Some("text/html"), Some("cs-CZ"), None),
        true,
    )
}

#[test]
fn unpaid_payments_time_out_on_the_test_clock_and_show_in_the_control_api() {
    let (sim, config, token) = start();
    let idle = new_payment(&config, &token);
    let challenged = new_payment(&config, &token);
    charge_card(&config, &token, &challenged, "gopay-sim-card-challenge");
    let origin = format!("http://127.0.0.1:{}", sim.port());
    let shown = support::http::control(&origin, "GET", &format!("/payments/{idle}"), &Value::Null);
    assert_eq!(shown.json()["state"], "CREATED", "{}", shown.body);

    let seconds = gopay_simulator::PAYMENT_TIMEOUT.as_secs();
    let advanced = support::http::control(
        &origin,
        "POST",
        "/clock/advance",
        &json!({ "seconds": seconds - 1 }),
    );
    assert_eq!(
        advanced.json()["v4_timed_out"],
        json!([]),
        "{}",
        advanced.body
    );
    let advanced =
        support::http::control(&origin, "POST", "/clock/advance", &json!({ "seconds": 1 }));
    // The answer names the v4 payment that timed out, as a string like every v4 id.
    assert_eq!(
        advanced.json()["v4_timed_out"],
        json!([idle]),
        "{}",
        advanced.body
    );
    assert_eq!(advanced.json()["timed_out"], json!([]));
    let token = merchant_token(&config, ALL_SCOPES);
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{idle}")),
        "TIMEOUTED"
    );
    // A payment whose charge waits for the customer does not time out under it.
    assert_eq!(
        state_of(&config, &token, &format!("/payments/{challenged}")),
        "CREATED"
    );
    let shown = support::http::control(&origin, "GET", &format!("/payments/{idle}"), &Value::Null);
    assert_eq!(shown.json()["state"], "TIMEOUTED");
}

#[test]
fn apple_pays_session_names_the_bare_domain_and_any_case_of_https_is_accepted() {
    let sim = Simulator::start().unwrap();
    let client = gopay::v4::Client::new(sim.v4_config()).unwrap();
    let payment = client
        .create_payment(&gopay::v4::PaymentRequest::new(
            100,
            gopay::Currency::Eur,
            "apple-pay-port",
            gopay::v4::Customer::new("customer@example.com"),
            "https://shop.example/notify",
            RETURN,
        ))
        .unwrap();
    let session = client
        .validate_apple_pay_merchant(
            &payment.id,
            "https://shop.example:8443",
            "HTTPS://apple-pay-gateway.apple.com/paymentservices/startSession",
        )
        .unwrap();
    assert_eq!(session.get("domainName"), Some(&json!("shop.example")));
}
