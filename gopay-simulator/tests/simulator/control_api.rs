//! The control API under `/_simulator/`, driven over real HTTP as a shop's test suite in any
//! language would: `gopay::Client` for the GoPay side, plain HTTP (ureq) for the control side.

use crate::support;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::{Simulator, PAYMENT_TIMEOUT};
use serde_json::{json, Value};
use support::shop::Shop;

/// A plain HTTP client for the control API that reports every status as it is.
struct Control {
    agent: ureq::Agent,
    origin: String,
}

impl Control {
    fn new(sim: &Simulator) -> Control {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build()
            .new_agent();
        Control {
            agent,
            origin: format!("http://127.0.0.1:{}", sim.port()),
        }
    }

    /// Sends `method` to `/_simulator{path}` with an optional JSON body; the status and
    /// the decoded JSON answer (`null` when there is none).
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}/_simulator{path}", self.origin);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            ("POST", Some(body)) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string().as_bytes()),
            ("POST", None) => self.agent.post(&url).send_empty(),
            _ => panic!("unexpected method {method}"),
        };
        let mut response = response.expect("the control API answers");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().expect("a body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("a JSON answer")
        };
        (status, value)
    }

    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body))
    }
}

fn order(number: &str) -> PaymentRequest {
    PaymentRequest::new(1000, Currency::Czk, number).item(Item::new("Goods", 1000))
}

/// The first error code of GoPay's error envelope.
fn error_code(answer: &Value) -> u64 {
    answer["errors"][0]["error_code"]
        .as_u64()
        .expect("an error envelope")
}

#[test]
fn paying_through_the_control_api_is_seen_by_the_client() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let created = client.create_payment(&order("pay-1")).unwrap();

    let (status, paid) = control.post(
        &format!("/payments/{}/pay", created.id),
        json!({"payment_instrument": "BANK_ACCOUNT", "swift": "GIBACZPX"}),
    );
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["id"], created.id);
    assert_eq!(paid["state"], "PAID");
    assert_eq!(paid["payment_instrument"], "BANK_ACCOUNT");
    assert_eq!(paid["payer"]["bank_account"]["bic"], "GIBACZPX");
    assert_eq!(
        client.get_status(created.id).unwrap().state,
        Some(PaymentState::Paid)
    );
    // The answer is what a status call answers.
    let (_, detail) = control.call("GET", &format!("/payments/{}", created.id), None);
    let mut without_request = detail.clone();
    without_request.as_object_mut().unwrap().remove("request");
    assert_eq!(without_request, paid);
}

#[test]
fn authorize_cancel_expire_and_refusals() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let preauth = client
        .create_payment(&order("auth").preauthorization(true))
        .unwrap();
    let to_cancel = client.create_payment(&order("cancel")).unwrap();
    let to_expire = client.create_payment(&order("expire")).unwrap();

    let (status, authorized) =
        control.call("POST", &format!("/payments/{}/authorize", preauth.id), None);
    assert_eq!(status, 200, "{authorized}");
    assert_eq!(authorized["state"], "AUTHORIZED");
    assert_eq!(authorized["preauthorization"]["state"], "AUTHORIZED");

    let (status, canceled) =
        control.call("POST", &format!("/payments/{}/cancel", to_cancel.id), None);
    assert_eq!(
        (status, canceled["state"].as_str()),
        (200, Some("CANCELED"))
    );
    let (status, expired) =
        control.call("POST", &format!("/payments/{}/expire", to_expire.id), None);
    assert_eq!(
        (status, expired["state"].as_str()),
        (200, Some("TIMEOUTED"))
    );
    assert_eq!(
        client.get_status(to_expire.id).unwrap().state,
        Some(PaymentState::Timeouted)
    );

    // An action the state does not allow: 409, and nothing changes.
    let (status, refused) = control.call("POST", &format!("/payments/{}/pay", to_cancel.id), None);
    assert_eq!(status, 409, "{refused}");
    assert_eq!(error_code(&refused), 303);
    let (status, refused) = control.call(
        "POST",
        &format!("/payments/{}/authorize", to_expire.id),
        None,
    );
    assert_eq!(status, 409, "{refused}");
    assert_eq!(
        client.get_status(to_cancel.id).unwrap().state,
        Some(PaymentState::Canceled)
    );
    // An unknown payment: 404 with GoPay's "payment not found".
    for action in ["pay", "authorize", "cancel", "expire", "recur"] {
        let (status, missing) = control.call("POST", &format!("/payments/999/{action}"), None);
        assert_eq!(status, 404, "{action}: {missing}");
        assert_eq!(error_code(&missing), 304);
    }
    let (status, _) = control.call("GET", "/payments/999", None);
    assert_eq!(status, 404);
    // A payment method the payment does not allow is a 409 naming the field.
    let open = client
        .create_payment(
            &order("cards-only").payer(
                gopay::Payer::new()
                    .allowed_payment_instruments([gopay::PaymentInstrument::PaymentCard]),
            ),
        )
        .unwrap();
    let (status, refused) = control.post(
        &format!("/payments/{}/pay", open.id),
        json!({"payment_instrument": "PAYPAL"}),
    );
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "payment_instrument");
}

#[test]
fn recur_answers_the_new_child_payment() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let parent = client
        .create_payment(&order("monthly").recurrence(gopay::Recurrence::periodic(
            gopay::RecurrenceCycle::Month,
            1,
            "2099-12-31",
        )))
        .unwrap();
    let (status, refused) = control.call("POST", &format!("/payments/{}/recur", parent.id), None);
    assert_eq!(status, 409, "not running before it is paid: {refused}");
    control.call("POST", &format!("/payments/{}/pay", parent.id), None);
    let (status, child) = control.call("POST", &format!("/payments/{}/recur", parent.id), None);
    assert_eq!(status, 200, "{child}");
    assert_eq!(child["parent_id"], parent.id);
    assert_eq!(child["state"], "PAID");
    let child_id = child["id"].as_u64().unwrap();
    assert_eq!(
        client.get_status(child_id).unwrap().parent_id,
        Some(parent.id)
    );
}

#[test]
fn payments_list_and_detail_include_the_create_body() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let first = client.create_payment(&order("list-1")).unwrap();
    let second = client
        .create_payment(&order("list-2").order_description("Second"))
        .unwrap();

    let (status, list) = control.call("GET", "/payments", None);
    assert_eq!(status, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], first.id);
    assert_eq!(list[0]["request"]["order_number"], "list-1");
    assert_eq!(list[1]["id"], second.id);
    assert_eq!(list[1]["request"]["order_description"], "Second");
    assert_eq!(list[1]["request"]["amount"], 1000);

    let (status, detail) = control.call("GET", &format!("/payments/{}", second.id), None);
    assert_eq!(status, 200);
    assert_eq!(detail["state"], "CREATED");
    assert_eq!(detail["request"]["items"][0]["name"], "Goods");
}

#[test]
fn seeded_payments_and_cards_keep_their_ids() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let (status, seeded) = control.post(
        "/payments",
        json!({
            "id": 5_000_000_123u64,
            "order_number": "legacy-42",
            "state": "PAID",
            "amount": 2500,
            "currency": "EUR",
            "payment_instrument": "PAYMENT_CARD",
        }),
    );
    assert_eq!(status, 200, "{seeded}");
    let payment = client.get_status(5_000_000_123).unwrap();
    assert_eq!(payment.state, Some(PaymentState::Paid));
    assert_eq!(payment.amount, Some(2500));
    assert_eq!(payment.order_number.as_deref(), Some("legacy-42"));
    // Refunds work on it like on any paid payment, and later ids follow the seeded one.
    client.refund_payment(5_000_000_123, 500).unwrap();
    assert_eq!(
        client.get_status(5_000_000_123).unwrap().state,
        Some(PaymentState::PartiallyRefunded)
    );
    let next = client.create_payment(&order("after-seed")).unwrap();
    assert_eq!(next.id, 5_000_000_124);
    let (_, detail) = control.call("GET", "/payments/5000000123", None);
    assert!(
        detail["request"].is_null(),
        "a seeded payment has no create body"
    );

    let (status, card) = control.post(
        "/cards",
        json!({"card_id": 3_999_000_001u64, "card_number": "444444******4448", "status": "ACTIVE"}),
    );
    assert_eq!(status, 200, "{card}");
    let card = client.get_card_details(3_999_000_001).unwrap();
    assert_eq!(card.card_number.as_deref(), Some("444444******4448"));

    let (status, refused) = control.post("/payments", json!({"state": "PAID"}));
    assert_eq!(status, 400, "an id is required: {refused}");
}

#[test]
fn seeded_ids_leave_room_and_created_ids_never_wrap_or_overwrite() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let seed = |id: u64, order_number: &str| {
        control.post(
            "/payments",
            json!({"id": id, "order_number": order_number, "state": "PAID",
                   "amount": 100, "currency": "CZK"}),
        )
    };
    // u64::MAX and every id from i64::MAX on leave no room for a next id (and no GoPay id is
    // above a signed 64-bit number): refused in GoPay's envelope, nothing stored.
    for id in [u64::MAX, 1 << 63, i64::MAX as u64] {
        let (status, refused) = seed(id, "too-high");
        assert_eq!(status, 409, "{id}: {refused}");
        assert_eq!(error_code(&refused), 111, "{refused}");
        assert_eq!(refused["errors"][0]["field"], "id", "{refused}");
        let message = refused["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("no room for the next one"), "{message}");
        assert!(refused["date_issued"].is_string());
        let (status, _) = control.call("GET", &format!("/payments/{id}"), None);
        assert_eq!(status, 404, "a refused seed stores nothing ({id})");
    }
    let (status, refused) =
        control.post("/cards", json!({"card_id": u64::MAX, "status": "ACTIVE"}));
    assert_eq!(
        (status, refused["errors"][0]["field"].clone()),
        (409, json!("card_id"))
    );
    assert!(matches!(
        sim.seed_card(gopay::Card::new(u64::MAX)).unwrap_err(),
        gopay_simulator::Error::Refused {
            field: "card_id",
            ..
        }
    ));

    // The last id with room: the next create takes the very last id, the one after has none.
    let last = i64::MAX as u64;
    let (status, seeded) = seed(last - 1, "seeded");
    assert_eq!(status, 200, "{seeded}");
    let created = client.create_payment(&order("the-last")).unwrap();
    assert_eq!(created.id, last);
    let err = client.create_payment(&order("no-id-left")).unwrap_err();
    assert_eq!(err.status(), Some(409), "{err:?}");
    assert_eq!(err.api_errors()[0].error_code, 301, "{err:?}");
    // Nothing was overwritten, nothing wrapped to 0.
    let (_, kept) = control.call("GET", &format!("/payments/{}", last - 1), None);
    assert_eq!(kept["order_number"], "seeded");
    let (_, newest) = control.call("GET", &format!("/payments/{last}"), None);
    assert_eq!(newest["order_number"], "the-last");
    let (_, all) = control.call("GET", "/payments", None);
    let ids: Vec<u64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [last - 1, last]);
    // A reset gives the ids back.
    control.call("POST", "/reset", None);
    assert!(client.create_payment(&order("again")).unwrap().id < last);
}

#[test]
fn the_request_log_records_answers_and_redacts_credentials() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let created = client.create_payment(&order("logged")).unwrap();
    let missing = client.get_status(999);
    assert!(missing.is_err());

    let (status, log) = control.call("GET", "/requests", None);
    assert_eq!(status, 200);
    let log = log.as_array().unwrap();
    let summary: Vec<(String, String, u64)> = log
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_owned(),
                e["path"].as_str().unwrap().to_owned(),
                e["response"]["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("POST".to_owned(), "/api/oauth2/token".to_owned(), 200),
            ("POST".to_owned(), "/api/payments/payment".to_owned(), 200),
            (
                "GET".to_owned(),
                "/api/payments/payment/999".to_owned(),
                404
            ),
        ],
        "oldest first, control calls left out"
    );
    let token = &log[0];
    let token_body: Value =
        serde_json::from_str(token["response"]["body"].as_str().unwrap()).unwrap();
    let access_token = token_body["access_token"].as_str().unwrap().to_owned();
    assert!(token["body"]
        .as_str()
        .unwrap()
        .contains("grant_type=client_credentials"));
    let create = &log[1];
    let create_answer: Value =
        serde_json::from_str(create["response"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(create_answer["id"], created.id);
    assert!(create["body"]
        .as_str()
        .unwrap()
        .contains("\"order_number\":\"logged\""));
    for (entry, scheme) in [(&log[0], "Basic"), (&log[1], "Bearer"), (&log[2], "Bearer")] {
        let headers = entry["headers"].as_array().unwrap();
        let authorization = headers
            .iter()
            .find(|h| {
                h["name"]
                    .as_str()
                    .unwrap()
                    .eq_ignore_ascii_case("authorization")
            })
            .expect("the Authorization header is listed");
        assert_eq!(authorization["value"], format!("{scheme} [redacted]"));
    }
    assert!(
        !serde_json::to_string(&log[1..])
            .unwrap()
            .contains(&access_token),
        "the bearer token never shows in a request"
    );
    // Queries are given apart from the path.
    let qr = client.get_qr_payment(created.id, Some(gopay::QrFormat::Png));
    drop(qr);
    let (_, log) = control.call("GET", "/requests", None);
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["path"],
        format!("/api/payments/payment/{}/qr-payment", created.id)
    );
    assert!(!last["query"].as_str().unwrap().is_empty());

    let (status, _) = control.call("DELETE", "/requests", None);
    assert_eq!(status, 204);
    let (_, log) = control.call("GET", "/requests", None);
    assert_eq!(log, json!([]));
    assert!(sim.requests().is_empty());
}

#[test]
fn a_route_fault_hits_only_its_method_and_path() {
    let sim = Simulator::start().unwrap();
    let client = Client::builder(sim.config())
        .max_retries(0)
        .build()
        .unwrap();
    let control = Control::new(&sim);
    let created = client.create_payment(&order("faulty")).unwrap();
    control.call("POST", &format!("/payments/{}/pay", created.id), None);

    let (status, queued) = control.post(
        "/faults",
        json!({
            "kind": "status",
            "target": {"method": "POST", "path": "/api/payments/payment/{id}/refund"},
            "status": 503,
            "count": 1,
        }),
    );
    assert_eq!((status, queued["queued"].as_u64()), (200, Some(1)));
    // Other methods and paths of the same payment are untouched.
    client.get_status(created.id).unwrap();
    client.get_history_of_refunds(created.id).unwrap();
    let err = client.refund_payment(created.id, 100).unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert_eq!(
        client.get_status(created.id).unwrap().state,
        Some(PaymentState::Paid),
        "the faulted refund did not take effect"
    );
    client.refund_payment(created.id, 100).unwrap();

    // DELETE drops faults not used yet; a malformed fault is refused.
    control.post(
        "/faults",
        json!({"kind": "status", "status": 500, "count": 5}),
    );
    let (status, _) = control.call("DELETE", "/faults", None);
    assert_eq!(status, 204);
    client.get_status(created.id).unwrap();
    let (status, refused) = control.post("/faults", json!({"kind": "status"}));
    assert_eq!(status, 400, "{refused}");
}

#[test]
fn advancing_the_clock_expires_tokens_and_times_out_unpaid_payments() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let shop = Shop::start(Vec::new());
    let unpaid = client
        .create_payment(&order("slow").callback("https://shop.example/r", &shop.url))
        .unwrap();
    let paid = client.create_payment(&order("quick")).unwrap();
    control.call("POST", &format!("/payments/{}/pay", paid.id), None);
    assert_eq!(sim.token_requests(), 1);

    // Just before the timeout: nothing times out, the token still works.
    let almost = PAYMENT_TIMEOUT.as_secs() - 1;
    let (status, advanced) = control.post("/clock/advance", json!({"seconds": 1000}));
    assert_eq!(status, 200, "{advanced}");
    assert_eq!(advanced["timed_out"], json!([]));
    client.get_status(unpaid.id).unwrap();
    assert_eq!(
        sim.token_requests(),
        1,
        "1000 s is within the token lifetime"
    );

    // Past the token lifetime (1800 s): the simulator refuses the cached token and the
    // client fetches a new one.
    control.post("/clock/advance", json!({"seconds": 1000}));
    assert_eq!(
        client.get_status(unpaid.id).unwrap().state,
        Some(PaymentState::Created)
    );
    assert_eq!(sim.token_requests(), 2, "the client re-authenticated once");

    // Past the payment timeout: the unpaid payment is TIMEOUTED and notifies; the paid
    // one stays as it is.
    let (_, advanced) = control.post("/clock/advance", json!({"seconds": almost - 2000}));
    assert_eq!(advanced["timed_out"], json!([]));
    let (_, advanced) = control.post("/clock/advance", json!({"seconds": 1}));
    assert_eq!(advanced["timed_out"], json!([unpaid.id]));
    let status = client.get_status(unpaid.id).unwrap();
    assert_eq!(status.state, Some(PaymentState::Timeouted));
    assert_eq!(status.sub_state, Some(gopay::SubState::S5024));
    assert_eq!(shop.next(), format!("/notify?id={}", unpaid.id));
    assert_eq!(
        client.get_status(paid.id).unwrap().state,
        Some(PaymentState::Paid)
    );

    let (status, refused) = control.post("/clock/advance", json!({"minutes": 5}));
    assert_eq!(status, 400, "{refused}");
}

#[test]
fn reset_forgets_everything_and_restarts_ids() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let control = Control::new(&sim);
    let first = client.create_payment(&order("before")).unwrap();
    client.create_payment(&order("before-2")).unwrap();
    control.post(
        "/faults",
        json!({"kind": "status", "status": 503, "count": 9}),
    );

    let (status, _) = control.call("POST", "/reset", None);
    assert_eq!(status, 204);
    let (_, payments) = control.call("GET", "/payments", None);
    assert_eq!(payments, json!([]));
    let (_, log) = control.call("GET", "/requests", None);
    assert_eq!(log, json!([]));
    assert_eq!(sim.token_requests(), 0);

    // The old token is forgotten (the client re-authenticates), the faults are gone, and
    // ids start again from the first.
    let again = client.create_payment(&order("after")).unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(sim.token_requests(), 1);
}

#[test]
fn the_rust_api_and_the_control_api_are_one_state() {
    let sim = Simulator::start().unwrap();
    let control = Control::new(&sim);
    let created = sim.create_payment(&order("rust")).unwrap();
    sim.pay(created.id).unwrap();
    let (_, detail) = control.call("GET", &format!("/payments/{}", created.id), None);
    assert_eq!(detail["state"], "PAID");
    let other = sim.create_payment(&order("rust-2")).unwrap();
    control.call("POST", &format!("/payments/{}/cancel", other.id), None);
    assert_eq!(
        sim.payment(other.id).unwrap().state,
        Some(PaymentState::Canceled)
    );
    assert_eq!(sim.advance_clock(PAYMENT_TIMEOUT), Vec::<u64>::new());
    sim.reset();
    let (_, payments) = control.call("GET", "/payments", None);
    assert_eq!(payments, json!([]));
    let (status, _) = control.call("GET", "/nothing-here", None);
    assert_eq!(status, 404);
}
