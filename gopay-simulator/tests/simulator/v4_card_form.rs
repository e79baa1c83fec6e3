//! API v4's card form over raw HTTP: the page behind `card_form_url` with its fields, its
//! test cards and its policy (frameable, only its own script); the payloads it makes (as
//! `v4_cards::card_form_payload` makes them) tokenized by `POST /cards/tokens` and charged
//! as `ENCRYPTED_CARD`, each with its test card's behaviour and masked number; a malformed
//! payload of the form is a 400 in v4's shape, and any other JWE stays an opaque card.

use crate::support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use gopay_simulator::v4_cards::{self, card_form_payload};
use gopay_simulator::Simulator;
use serde_json::{json, Value};
use support::http::send;
use support::v4::{
    advance, answer_challenge, basic, call, card_charge, charge_body, create, merchant_token,
    V4Config, ALL_SCOPES,
};

const RETURN: &str = "https://shop.example/return";

fn start() -> (Simulator, V4Config, String) {
    let sim = Simulator::start().expect("a simulator");
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    (sim, config, token)
}

/// The `card_form_url` the API names, fetched with the shareable key as a browser SDK does.
fn card_form_url(config: &V4Config) -> String {
    let shareable = basic(&config.client_id, &config.shareable_key);
    let answer = send(
        "GET",
        &format!("{}/cards/card-form-url", config.base_url),
        &[("Authorization", &shareable)],
        b"",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["card_form_url"].as_str().unwrap().to_owned()
}

/// `POST /cards/tokens` with `payload`.
fn tokenize(config: &V4Config, token: &str, payload: &str) -> support::http::Answer {
    call(
        config,
        token,
        "POST",
        "/cards/tokens",
        &json!({ "payload": payload }),
    )
}

/// A new 1.00 CZK payment's id.
fn new_payment(config: &V4Config, token: &str) -> String {
    create(config, token, 100, RETURN)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn charge(config: &V4Config, token: &str, id: &str, body: &Value) -> support::http::Answer {
    let path = format!("/payments/{id}/charge");
    call(config, token, "POST", &path, body)
}

fn get(config: &V4Config, token: &str, path: &str) -> Value {
    let answer = call(config, token, "GET", path, &Value::Null);
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.json()
}

/// The protected header of the form's payloads, as base64url.
fn form_header() -> String {
    let payload = card_form_payload(v4_cards::FRICTIONLESS_PAN).unwrap();
    payload.split('.').next().unwrap().to_owned()
}

#[test]
fn the_card_form_is_served_frameable_with_its_fields_and_test_cards() {
    let (sim, config, _token) = start();
    let url = card_form_url(&config);
    assert_eq!(
        url,
        format!("http://127.0.0.1:{}/gw/v4/card-form", sim.port())
    );
    let page = send("GET", &url, &[], b"");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.content_type.starts_with("text/html"));
    for element in [
        "id=\"card-number\"",
        "id=\"expiry\"",
        "id=\"cvc\"",
        "id=\"tokenize\"",
        "id=\"payload\"",
    ] {
        assert!(page.body.contains(element), "{element}");
    }
    for pan in v4_cards::ALL_PANS {
        assert!(page.body.contains(&format!("data-pan=\"{pan}\"")), "{pan}");
    }
    assert!(page.body.contains("never type a real card number"));
    // Frameable by any shop (no frame-ancestors), but only its own script runs.
    let policy = page.security_policy.expect("a policy");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("frame-ancestors"), "{policy}");
    assert!(!page.body.contains("data-origin"));
    let script = send("GET", &format!("{url}.js"), &[], b"");
    assert_eq!(script.status, 200);
    assert!(script.content_type.starts_with("application/javascript"));
    assert!(script.body.contains("gopay-sim-card-payload"));

    // The shop's origin goes into the page escaped; anything but an origin is refused.
    let framed = send(
        "GET",
        &format!("{url}?origin=http%3A%2F%2F127.0.0.1%3A8080"),
        &[],
        b"",
    );
    assert_eq!(framed.status, 200);
    assert!(framed
        .body
        .contains("data-origin=\"http://127.0.0.1:8080\""));
    for origin in [
        "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "*",
        "https%3A%2F%2Fshop.example%2Fpay",
    ] {
        let refused = send("GET", &format!("{url}?origin={origin}"), &[], b"");
        assert_eq!(refused.status, 400, "{origin}");
        assert!(!refused.body.contains("<script>alert"), "{}", refused.body);
    }
}

#[test]
fn tokens_from_the_forms_payloads_charge_as_their_test_cards() {
    let (sim, config, token) = start();
    let mut fingerprints = Vec::new();
    for (pan, last) in [
        (v4_cards::FRICTIONLESS_PAN, "0001"),
        (v4_cards::CHALLENGE_PAN, "0002"),
        (v4_cards::DECLINED_PAN, "0003"),
    ] {
        let payload = card_form_payload(pan).unwrap();
        let created = tokenize(&config, &token, &payload);
        assert_eq!(created.status, 201, "{}", created.body);
        let card = created.json();
        assert_eq!(card["status"], "ACTIVE");
        assert_eq!(card["masked_pan"], format!("406821******{last}"));
        // Another tokenization of the same card: another token, the same fingerprint.
        let again = tokenize(&config, &token, &card_form_payload(pan).unwrap()).json();
        assert_ne!(again["token"], card["token"]);
        assert_eq!(again["fingerprint"], card["fingerprint"]);
        fingerprints.push(card["fingerprint"].clone());

        let id = new_payment(&config, &token);
        let answer = charge(
            &config,
            &token,
            &id,
            &card_charge(card["token"].as_str().unwrap()),
        );
        assert_eq!(answer.status, 201, "{}", answer.body);
        let started = answer.json();
        advance(&sim, 5);
        let settled = get(&config, &token, &format!("/payments/{id}/charge"));
        match last {
            "0001" => {
                assert_eq!(started["state"], "PROCESSING");
                assert_eq!(settled["state"], "SUCCEEDED");
            }
            "0002" => {
                assert_eq!(started["state"], "ACTION_REQUIRED");
                assert_eq!(settled["state"], "ACTION_REQUIRED");
                let redirect = started["action"]["redirect_url"].as_str().unwrap();
                assert_eq!(answer_challenge(redirect, "approve").status, 303);
                advance(&sim, 5);
                let paid = get(&config, &token, &format!("/payments/{id}"));
                assert_eq!(paid["state"], "PAID");
            }
            _ => {
                assert_eq!(started["state"], "PROCESSING");
                assert_eq!(settled["state"], "FAILED");
                assert!(settled["fail_reason"].is_string(), "{settled}");
            }
        }
    }
    assert_ne!(fingerprints[0], fingerprints[1]);
    assert_ne!(fingerprints[1], fingerprints[2]);
}

#[test]
fn encrypted_card_charges_read_the_forms_payloads() {
    let (sim, config, token) = start();
    let encrypted = |pan: &str| {
        charge_body(
            json!({"input_type": "ENCRYPTED_CARD", "payload": card_form_payload(pan).unwrap()}),
        )
    };
    let challenged = new_payment(&config, &token);
    let answer = charge(
        &config,
        &token,
        &challenged,
        &encrypted(v4_cards::CHALLENGE_PAN),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["state"], "ACTION_REQUIRED");
    assert_eq!(body["action"]["state"], "CHALLENGE_REQUIRED");
    assert_eq!(
        body["payment_instrument"]["details"]["input_type"],
        "ENCRYPTED_CARD"
    );
    let redirect = body["action"]["redirect_url"].as_str().unwrap();
    assert!(
        redirect.ends_with(&format!("/gw/v4/3ds/{challenged}")),
        "{redirect}"
    );
    assert_eq!(send("GET", redirect, &[], b"").status, 200);

    let declined = new_payment(&config, &token);
    let answer = charge(
        &config,
        &token,
        &declined,
        &encrypted(v4_cards::DECLINED_PAN),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    advance(&sim, 5);
    let charge_state = get(&config, &token, &format!("/payments/{declined}/charge"));
    assert_eq!(charge_state["state"], "FAILED");
    assert_eq!(
        get(&config, &token, &format!("/payments/{declined}"))["state"],
        "CREATED"
    );
    let masked = charge_state.to_string();
    assert!(masked.contains("406821******0003"), "{masked}");
}

#[test]
fn a_malformed_payload_of_the_form_is_400_and_other_jwes_stay_opaque() {
    let (sim, config, token) = start();
    let header = form_header();
    let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
    let huge = "A".repeat(200_000);
    let malformed = [
        format!("{header}.a2V5.aXY.{}.dGFn", b64("garbage")),
        format!(
            "{header}.a2V5.aXY.{}.dGFn",
            b64(r#"{"card":"STOLEN","nonce":"00112233445566778899aabbccddeeff"}"#)
        ),
        format!("{header}.a2V5.aXY.{}.dGFn", b64(&"[".repeat(5_000))),
        format!("{header}.a2V5.aXY.{huge}.dGFn"),
        format!("{header}.a2V5a.aXY.{}.dGFn", b64("{}")),
    ];
    let id = new_payment(&config, &token);
    for payload in &malformed {
        let answer = tokenize(&config, &token, payload);
        assert_eq!(answer.status, 400, "{}", answer.body);
        let body = answer.json();
        assert_eq!(body["error"], "BAD_REQUEST");
        assert_eq!(body["path"], "/cards/tokens");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .starts_with("payload: a malformed payload"),
            "{body}"
        );

        let encrypted = charge_body(json!({"input_type": "ENCRYPTED_CARD", "payload": payload}));
        let answer = charge(&config, &token, &id, &encrypted);
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert_eq!(answer.json()["code"], 400);
    }
    // Refused charges leave the payment without one; the simulator still answers.
    let none = call(
        &config,
        &token,
        "GET",
        &format!("/payments/{id}/charge"),
        &Value::Null,
    );
    assert_eq!(none.status, 404, "{}", none.body);

    // Another key's JWE, and one encrypted to the simulator's key without the form's cty:
    // opaque cards that charge frictionless.
    for header in [
        r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"key_20250406_001"}"#,
        r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"gopay-sim-key-1"}"#,
    ] {
        let payload = format!(
            "{}.a2V5.aXY.{}.dGFn",
            b64(header),
            b64("{\"card\":\"CHALLENGE\"}")
        );
        let card = tokenize(&config, &token, &payload);
        assert_eq!(card.status, 201, "{}", card.body);
        let id = new_payment(&config, &token);
        let answer = charge(
            &config,
            &token,
            &id,
            &card_charge(card.json()["token"].as_str().unwrap()),
        );
        assert_eq!(answer.json()["state"], "PROCESSING", "{header}");
        advance(&sim, 5);
        assert_eq!(
            get(&config, &token, &format!("/payments/{id}"))["state"],
            "PAID"
        );
    }
}
