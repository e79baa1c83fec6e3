//! `--seed FILE` (`GOPAY_SIMULATOR_SEED`, `SimulatorBuilder::seed_file`): the control API's
//! seeding bodies stored at start, checked as the endpoints check them, and stored again by
//! every reset; a saved state wins over the seed at start.

use std::fs;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::{Error, Simulator};
use serde_json::{json, Value};

use crate::support::http::{control, held_payments};
use crate::support::scratch::Scratch;

const WAITING: u64 = 3_000_000_500;
const PAID: u64 = 3_000_000_600;
const CARD: u64 = 3_011_000_500;

/// Two payments (one waiting for the customer, with a notification URL) and a card.
fn seed() -> Value {
    json!({
        "payments": [
            {
                "id": WAITING, "state": "CREATED", "amount": 1000, "currency": "CZK",
                "order_number": "seeded-1",
                "notification_url": "http://127.0.0.1:9/notify",
            },
            {"id": PAID, "state": "PAID", "amount": 2500, "currency": "EUR", "order_number": "seeded-2"},
        ],
        "cards": [{"card_id": CARD, "card_brand": "VISA", "status": "ACTIVE"}],
    })
}

fn order(number: &str) -> PaymentRequest {
    PaymentRequest::new(700, Currency::Czk, number).item(Item::new("Spoon", 700))
}

#[cfg(unix)]
#[test]
fn reset_returns_the_binary_to_its_seed() {
    use crate::support::binary::Running;
    use gopay::Config;
    use gopay_simulator::{CLIENT_ID, CLIENT_SECRET, DEFAULT_GOID};

    let dir = Scratch::new("seed-binary");
    let path = dir.join("seed.json");
    fs::write(&path, seed().to_string()).unwrap();
    let mut sim = Running::start(
        &["--port", "0"],
        &[("GOPAY_SIMULATOR_SEED", path.to_str().unwrap())],
    );
    let origin = sim.origin().to_owned();
    let seeded = [(WAITING, "CREATED".to_owned()), (PAID, "PAID".to_owned())];
    assert_eq!(held_payments(&origin), seeded);
    let config = Config::new(DEFAULT_GOID, CLIENT_ID, CLIENT_SECRET, sim.gateway_url());
    let client = Client::new(config).unwrap();
    assert_eq!(
        client.get_card_details(CARD).unwrap().card_brand.as_deref(),
        Some("VISA")
    );
    let created = client.create_payment(&order("after-seed")).unwrap().id;
    assert_eq!(created, PAID + 1, "ids continue after the seeded ones");
    let pay = control(
        &origin,
        "POST",
        &format!("/payments/{WAITING}/pay"),
        &Value::Null,
    );
    assert_eq!(pay.status, 200, "{}", pay.body);
    let deleted = control(
        &origin,
        "POST",
        "/cards",
        &json!({"card_id": CARD, "status": "DELETED"}),
    );
    assert_eq!(deleted.status, 200);

    assert_eq!(control(&origin, "POST", "/reset", &Value::Null).status, 204);
    assert_eq!(
        held_payments(&origin),
        seeded,
        "back to the seed, not to empty"
    );
    let card = client.get_card_details(CARD).unwrap();
    assert_eq!(card.status, Some(gopay::CardStatus::Active));
    assert_eq!(
        client.create_payment(&order("after-reset")).unwrap().id,
        PAID + 1
    );
    assert_eq!(sim.terminate().code(), Some(0));
}

#[cfg(unix)]
#[test]
fn a_seed_file_it_cannot_take_stops_the_start_with_one_line() {
    use crate::support::binary::refused_start;

    let dir = Scratch::new("seed-refused");
    let path = dir.join("seed.json");
    let refused = |content: Option<Value>| {
        match &content {
            Some(content) => fs::write(&path, content.to_string()).unwrap(),
            None => {
                let _ = fs::remove_file(&path);
            }
        }
        refused_start("seed", &path)
    };
    assert!(refused(None).starts_with("cannot be read"));
    assert!(refused(Some(json!([]))).starts_with("is not {\"payments\""));
    assert!(refused(Some(json!({"payment": []}))).contains("unknown field"));
    let why = refused(Some(json!({"payments": [{"id": 5}, {"state": "PAID"}]})));
    assert!(why.starts_with("payments[1] is refused: "), "{why}");
    let why = refused(Some(
        json!({"payments": [{"id": 5, "notification_url": 7}]}),
    ));
    assert!(why.contains("notification_url must be a string"), "{why}");
    let why = refused(Some(json!({"cards": [{"card_id": 0}]})));
    assert!(
        why.starts_with("cards[0] is refused: ") && why.contains("card_id"),
        "{why}"
    );
    let why = refused(Some(json!({"payments": [{"id": i64::MAX}]})));
    assert!(
        why.starts_with("payments[0] is refused: id: ") && why.contains("no room"),
        "{why}"
    );
}

#[test]
fn a_saved_state_wins_at_start_and_reset_returns_to_the_seed() {
    let dir = Scratch::new("seed-state");
    let (seed_path, state) = (dir.join("seed.json"), dir.join("state.json"));
    fs::write(&seed_path, seed().to_string()).unwrap();
    let start = || {
        Simulator::builder()
            .seed_file(&seed_path)
            .state_file(&state)
            .start()
            .unwrap()
    };
    let first = start();
    assert!(first.payment(WAITING).is_some(), "no state yet: the seed");
    first.pay(WAITING).unwrap();
    let client = Client::new(first.config()).unwrap();
    let created = client.create_payment(&order("kept")).unwrap().id;
    first.stop().unwrap();

    let second = start();
    assert_eq!(
        second.payment(WAITING).unwrap().state,
        Some(PaymentState::Paid)
    );
    assert!(
        second.payment(created).is_some(),
        "the saved state, not the seed"
    );
    second.reset();
    assert_eq!(
        second.payment(WAITING).unwrap().state,
        Some(PaymentState::Created)
    );
    assert!(second.payment(created).is_none());
    assert!(second.card(CARD).is_some());

    let missing = Simulator::builder()
        .seed_file(dir.join("none.json"))
        .start();
    assert!(
        matches!(missing, Err(Error::File { file: "seed", .. })),
        "{missing:?}"
    );
}
