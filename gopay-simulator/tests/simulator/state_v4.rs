//! API v4 across an in-process restart with `SimulatorBuilder::state_file`: payments with
//! their charges (a 3-D Secure challenge waiting, a charge about to settle), refunds, issued
//! card tokens, access tokens of both grants and the id sequence come back as they were and
//! keep moving on the test clock; a file whose `v4` section is ill-formed stops the start
//! with one line naming what is wrong.

use std::fs;
use std::path::Path;

use gopay_simulator::{Error, Simulator};
use serde_json::{json, Value};

use crate::support::scratch::Scratch;
use crate::support::v4::{
    advance, answer_challenge, call, card_charge, create, merchant_token, token_answer, V4Config,
    ALL_SCOPES,
};

const RETURN: &str = "https://shop.example/return";

fn origin(sim: &Simulator) -> String {
    format!("http://127.0.0.1:{}", sim.port())
}

/// `GET {v4 base}{path}` with `token`; its JSON, which must be a 200.
fn get(config: &V4Config, token: &str, path: &str) -> Value {
    let answer = call(config, token, "GET", path, &Value::Null);
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.body);
    answer.json()
}

/// `POST {v4 base}{path}` with `token` and `body`; its JSON, which must be a 201.
fn post(config: &V4Config, token: &str, path: &str, body: &Value) -> Value {
    let answer = call(config, token, "POST", path, body);
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.body);
    answer.json()
}

/// A new payment of `amount` charged with the card token `card`: its id and the charge.
fn charged(config: &V4Config, token: &str, amount: i64, card: &str) -> (String, Value) {
    let id = text(&create(config, token, amount, RETURN)["id"]);
    let charge = post(
        config,
        token,
        &format!("/payments/{id}/charge"),
        &card_charge(card),
    );
    (id, charge)
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

/// `value` with every mention of origin `then` moved to `now`, as a restart on another
/// port moves the URLs the simulator made.
fn moved(value: &Value, then: &str, now: &str) -> Value {
    serde_json::from_str(&value.to_string().replace(then, now)).unwrap()
}

#[test]
fn v4_payments_charges_refunds_cards_and_tokens_survive_a_restart() {
    let dir = Scratch::new("state-v4");
    let path = dir.join("state.json");
    let first = Simulator::builder().state_file(&path).start().unwrap();
    let config = V4Config::of(&first);
    let token = merchant_token(&config, ALL_SCOPES);
    // Paid, then a full refund requested: it settles 5 s later.
    let (refunded, _) = charged(&config, &token, 3000, "gopay-sim-card-frictionless");
    advance(&first, 5);
    let refund = post(
        &config,
        &token,
        &format!("/payments/{refunded}/refunds"),
        &json!({"amount": 3000}),
    );
    assert_eq!(refund["state"], "REQUESTED");
    let refund_id = text(&refund["id"]);
    // A challenge waiting for the customer, and a charge about to settle.
    let (waiting, challenge) = charged(&config, &token, 15000, "gopay-sim-card-challenge");
    assert_eq!(challenge["state"], "ACTION_REQUIRED");
    let (settling, processing) = charged(&config, &token, 2000, "gopay-sim-card-frictionless");
    assert_eq!(processing["state"], "PROCESSING");
    // An issued card token, and a payment-credentials token of the waiting payment.
    let payload = json!({"payload": "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.key.iv.cipher.tag"});
    let card = post(&config, &token, "/cards/tokens", &payload);
    let card_id = text(&card["card_id"]);
    let secret = text(&get(&config, &token, &format!("/payments/{waiting}"))["payment_secret"]);
    let granted = token_answer(
        &config,
        "payment_credentials",
        &waiting,
        &secret,
        "payment:read payment:charge",
    );
    assert_eq!(granted.status, 200, "{}", granted.body);
    let payment_token = text(&granted.json()["access_token"]);

    let reads = [
        format!("/payments/{refunded}"),
        format!("/payments/{waiting}"),
        format!("/payments/{settling}"),
        format!("/payments/{waiting}/charge"),
        format!("/payments/{refunded}/refunds"),
        format!("/refunds/{refund_id}"),
        format!("/cards/tokens/{card_id}"),
    ];
    let before: Vec<Value> = reads.iter().map(|p| get(&config, &token, p)).collect();
    let first_origin = origin(&first);
    first.stop().unwrap();
    let saved: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["v4"]["payments"].as_array().unwrap().len(), 3);

    let second = Simulator::builder().state_file(&path).start().unwrap();
    let config = V4Config::of(&second);
    let second_origin = origin(&second);
    assert_ne!(first_origin, second_origin, "another port");
    // Everything reads as before, with the first run's merchant token; the simulator's own
    // URLs on the new port.
    for (read, before) in reads.iter().zip(&before) {
        let expected = moved(before, &first_origin, &second_origin);
        assert_eq!(get(&config, &token, read), expected, "{read}");
    }
    let redirect = text(&get(&config, &token, &reads[3])["action"]["redirect_url"]);
    assert!(redirect.starts_with(&second_origin), "{redirect}");
    // The payment-credentials token still opens its own payment, and only that one.
    let own = call(&config, &payment_token, "GET", &reads[1], &Value::Null);
    assert_eq!(own.status, 200, "{}", own.body);
    let other = call(&config, &payment_token, "GET", &reads[2], &Value::Null);
    assert_eq!(other.status, 403, "{}", other.body);

    // The challenge page answers; the pending charge and refund settle on the kept clock.
    let approved = answer_challenge(&redirect, "approve");
    assert_eq!(approved.status, 303, "{}", approved.body);
    assert_eq!(
        approved.location.as_deref(),
        Some(format!("{RETURN}?payment_id={waiting}").as_str())
    );
    assert_eq!(get(&config, &token, &reads[3])["state"], "PROCESSING");
    advance(&second, 5);
    assert_eq!(get(&config, &token, &reads[3])["state"], "SUCCEEDED");
    assert_eq!(get(&config, &token, &reads[1])["state"], "PAID");
    assert_eq!(get(&config, &token, &reads[2])["state"], "PAID");
    assert_eq!(get(&config, &token, &reads[5])["state"], "SUCCESS");
    assert_eq!(get(&config, &token, &reads[0])["state"], "REFUNDED");

    // The ids continue after the last one the first run handed out (the card token's), and
    // the issued card token still charges.
    let (next, charge) = charged(&config, &token, 500, &text(&card["token"]));
    let last: u64 = card_id.parse().unwrap();
    assert_eq!(next, (last + 1).to_string());
    assert_eq!(charge["state"], "PROCESSING");
    assert_eq!(
        charge["payment_instrument"]["details"]["masked_pan"],
        card["masked_pan"]
    );

    // No token was asked for after the restart: the first run's tokens did it all.
    let requests = second.requests();
    assert!(requests.len() > reads.len(), "{} requests", requests.len());
    assert!(
        requests.iter().all(|r| !r.path.contains("/oauth2/token")),
        "{:?}",
        requests.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
}

/// A change made to a saved state file.
type Change = fn(&mut Value);

/// Starts a simulator on the state file at `path`, which must be refused: the one-line
/// message.
fn refusal(path: &Path) -> String {
    match Simulator::builder().state_file(path).start() {
        Err(Error::File {
            file,
            path: named,
            message,
            ..
        }) => {
            assert_eq!((file, named.as_path()), ("state", path));
            assert!(!message.contains('\n'), "{message}");
            message
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("the state file was accepted"),
    }
}

#[test]
fn an_ill_formed_v4_section_is_refused_with_one_clear_line() {
    let dir = Scratch::new("state-v4-hostile");
    let path = dir.join("state.json");
    let sim = Simulator::builder().state_file(&path).start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let (id, _) = charged(&config, &token, 15000, "gopay-sim-card-challenge");
    sim.stop().unwrap();
    let good: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let with = |change: Change| {
        let mut state = good.clone();
        change(&mut state);
        fs::write(&path, state.to_string()).unwrap();
    };

    let cases: [(Change, &str); 5] = [
        (
            |s| s["v4"]["payments"][0]["charge"]["captured"] = json!(true),
            "unknown field",
        ),
        (
            |s| s["v4"]["payments"][0]["charge"]["state"] = json!("CAPTURED"),
            "its charge: its state is none the simulator knows",
        ),
        (
            |s| s["v4"]["payments"][0]["amount"] = json!(-15000),
            "amount: must be at least 0",
        ),
        (
            |s| s["v4"]["payments"][0]["id"] = json!("94000000019400000001940000000"),
            "v4 payment 0: its id is not one the simulator handed out",
        ),
        (
            |s| s["v4"]["next_id"] = json!(u64::MAX),
            "the next v4 id is out of range",
        ),
    ];
    for (change, expected) in cases {
        with(change);
        let message = refusal(&path);
        assert!(message.contains(expected), "{expected}: {message}");
        assert!(
            !message.contains("CAPTURED"),
            "never the file's text: {message}"
        );
    }

    // The file as saved starts; one of an earlier release, without the section, too.
    with(|_| {});
    let again = Simulator::builder().state_file(&path).start().unwrap();
    let config = V4Config::of(&again);
    assert_eq!(
        get(&config, &token, &format!("/payments/{id}"))["state"],
        "CREATED"
    );
    drop(again);
    with(|s| {
        s.as_object_mut().unwrap().remove("v4");
    });
    let without = Simulator::builder().state_file(&path).start().unwrap();
    let config = V4Config::of(&without);
    let gone = call(
        &config,
        &token,
        "GET",
        &format!("/payments/{id}"),
        &Value::Null,
    );
    assert_eq!(gone.status, 401, "no v4 token either: {}", gone.body);
}
