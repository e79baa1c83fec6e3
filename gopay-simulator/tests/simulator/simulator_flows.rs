//! Payment flows through `gopay::Client` against `gopay_simulator`: real HTTP on 127.0.0.1,
//! notifications received by a small HTTP handler, every operation and its refusals.

use crate::support;

use std::time::Duration;

use base64::Engine as _;
use gopay::{
    AccountStatementRequest, CaptureRequest, CardStatus, Client, Currency, Error, Item, Payer,
    PaymentInstrument, PaymentRequest, PaymentState, PreAuthState, QrFormat, Recurrence,
    RecurrenceCycle, RecurrenceRequest, RecurrenceState, RefundRequest, RefundState, ResultCode,
    Scope, StatementFormat, SubState,
};
use gopay_simulator::{Error as SimError, Simulator};
use support::gateway::{self, Gateway};
use support::shop::{Shop, WAIT};

fn client(sim: &Simulator) -> Client {
    Client::new(sim.config()).expect("a client for the simulator")
}

fn order(amount: i64, number: &str) -> PaymentRequest {
    PaymentRequest::new(amount, Currency::Czk, number)
        .item(Item::new("Goods", amount))
        .contact_email("payer@example.cz")
}

/// HTTP status and first error code of a refused call.
fn refusal(err: &Error) -> (Option<u16>, u32) {
    (
        err.status(),
        err.api_errors().first().map_or(0, |e| e.error_code),
    )
}

/// One raw HTTP request to the simulator: (status, content type, body).
fn raw(
    sim: &Simulator,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let answer = gateway::raw(sim.port(), method, path, authorization, content_type, body);
    (answer.status, answer.content_type, answer.body)
}

fn basic(sim: &Simulator) -> String {
    let credentials = format!("{}:{}", sim.client_id(), sim.client_secret());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

/// A bearer header of a fresh token of `scope`, fetched by hand.
fn bearer(sim: &Simulator, scope: &str) -> String {
    let form = format!("grant_type=client_credentials&scope={scope}");
    let (status, _, body) = raw(
        sim,
        "POST",
        "/api/oauth2/token",
        Some(&basic(sim)),
        Some("application/x-www-form-urlencoded"),
        form.as_bytes(),
    );
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
    format!("Bearer {}", answer["access_token"].as_str().unwrap())
}

fn error_code(body: &[u8]) -> u64 {
    let envelope: serde_json::Value = serde_json::from_slice(body).expect("an error envelope");
    assert!(envelope["date_issued"].is_string(), "{envelope}");
    envelope["errors"][0]["error_code"].as_u64().unwrap()
}

#[test]
fn standard_payment_is_paid_notified_and_refunded() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(Vec::new());
    let client = client(&sim);
    let notify = format!("{}?shop=7", shop.url);
    let created = client
        .create_payment(&order(10000, "flow-1").callback("https://shop.example/return", &notify))
        .unwrap();
    assert_eq!(created.state, Some(PaymentState::Created));
    assert_eq!(created.sub_state, Some(SubState::S101));
    assert_eq!(created.amount, Some(10000));
    let gw_url = created.gw_url.clone().unwrap();
    assert!(
        gw_url.starts_with(&format!("http://127.0.0.1:{}/gw/v3/", sim.port())),
        "{gw_url}"
    );
    assert_eq!(created.target.as_ref().unwrap().goid, Some(sim.goid()));
    let contact = created.payer.as_ref().unwrap().contact.as_ref().unwrap();
    assert_eq!(contact.email.as_deref(), Some("payer@example.cz"));

    sim.pay(created.id).unwrap();
    assert_eq!(shop.next(), format!("/notify?shop=7&id={}", created.id));
    let paid = client.get_status(created.id).unwrap();
    assert_eq!(paid.state, Some(PaymentState::Paid));
    assert_eq!(
        paid.payment_instrument,
        Some(PaymentInstrument::PaymentCard)
    );
    let card = paid.payer.as_ref().unwrap().payment_card.as_ref().unwrap();
    assert!(card.card_number.as_deref().unwrap().contains("****"));

    let result = client.refund_payment(created.id, 4000).unwrap();
    assert_eq!(
        (result.id, result.result),
        (created.id, ResultCode::Finished)
    );
    assert_eq!(
        client.get_status(created.id).unwrap().state,
        Some(PaymentState::PartiallyRefunded)
    );
    assert_eq!(shop.next(), format!("/notify?shop=7&id={}", created.id));
    let history = client.get_history_of_refunds(created.id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].amount, 4000);
    assert_eq!(history[0].state, RefundState::Success);
    assert_eq!(history[0].currency, Some(Currency::Czk));
    assert!(history[0].date_requested.is_some());

    let too_much = client.refund_payment(created.id, 6001).unwrap_err();
    assert!(
        matches!(too_much, Error::Api { status: 409, .. }),
        "{too_much:?}"
    );
    assert_eq!(refusal(&too_much), (Some(409), 332));

    client.refund_payment(created.id, 6000).unwrap();
    let refunded = client.get_status(created.id).unwrap();
    assert_eq!(refunded.state, Some(PaymentState::Refunded));
    assert_eq!(client.get_history_of_refunds(created.id).unwrap().len(), 2);
    assert_eq!(
        refusal(&client.refund_payment(created.id, 1).unwrap_err()),
        (Some(409), 330)
    );

    assert!(sim.wait_for_notifications(WAIT));
    let notifications = sim.notifications();
    let states: Vec<_> = notifications.iter().map(|n| n.state.clone()).collect();
    assert_eq!(
        states,
        [
            PaymentState::Paid,
            PaymentState::PartiallyRefunded,
            PaymentState::Refunded
        ]
    );
    assert!(notifications
        .iter()
        .all(|n| n.delivered && n.attempts == 1 && n.payment_id == created.id));
}

#[test]
fn refund_errors_are_typed() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let id = client.create_payment(&order(5000, "refund-1")).unwrap().id;
    let unpaid = client.refund_payment(id, 100).unwrap_err();
    assert!(matches!(unpaid, Error::Api { status: 409, .. }));
    assert_eq!(refusal(&unpaid), (Some(409), 330));
    assert_eq!(
        unpaid.api_errors()[0].error_name.as_deref(),
        Some("PAYMENT_REFUND_NOT_SUPPORTED")
    );
    sim.pay_with(id, PaymentInstrument::BankAccount).unwrap();
    let above = client.refund_payment(id, 5001).unwrap_err();
    assert_eq!(refusal(&above), (Some(409), 332));
    assert_eq!(above.api_errors()[0].field.as_deref(), Some("amount"));
    // The JSON form with items.
    let with_items = RefundRequest::new(1500).item(Item::new("Goods", -1500));
    client.refund_payment_with_items(id, &with_items).unwrap();
    let status = client.get_status(id).unwrap();
    assert_eq!(status.state, Some(PaymentState::PartiallyRefunded));
    assert_eq!(status.sub_state, None);
    assert!(status.payer.unwrap().bank_account.is_some());
}

#[test]
fn preauthorized_payment_is_authorized_and_captured_once() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(Vec::new());
    let client = client(&sim);
    let id = client
        .create_payment(
            &order(20000, "pre-1")
                .preauthorization(true)
                .callback("https://shop.example/r", &shop.url),
        )
        .unwrap()
        .id;
    let requested = client.get_status(id).unwrap().preauthorization.unwrap();
    assert_eq!(requested.requested, Some(true));
    assert_eq!(requested.state, Some(PreAuthState::Requested));
    assert_eq!(
        refusal(&client.capture_authorization(id).unwrap_err()),
        (Some(409), 350)
    );

    sim.authorize(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    let authorized = client.get_status(id).unwrap();
    assert_eq!(authorized.state, Some(PaymentState::Authorized));
    assert_eq!(
        authorized.preauthorization.unwrap().state,
        Some(PreAuthState::Authorized)
    );

    let result = client.capture_authorization(id).unwrap();
    assert_eq!(result.result, ResultCode::Finished);
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    let captured = client.get_status(id).unwrap();
    assert_eq!(captured.state, Some(PaymentState::Paid));
    assert_eq!(
        captured.preauthorization.unwrap().state,
        Some(PreAuthState::Captured)
    );
    let twice = client.capture_authorization(id).unwrap_err();
    assert_eq!(refusal(&twice), (Some(409), 351));
    assert_eq!(
        twice.api_errors()[0].error_name.as_deref(),
        Some("PAYMENT_CAPTURE_DONE")
    );
    // A paid (captured) payment cannot be voided.
    let void = client.void_authorization(id).unwrap_err();
    assert_eq!(refusal(&void), (Some(409), 352));
    assert_eq!(
        void.api_errors()[0].error_name.as_deref(),
        Some("PAYMENT_AUTH_VOID_FAILED")
    );
}

#[test]
fn partial_capture_sets_the_amount() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let id = client
        .create_payment(&order(20000, "pre-2").preauthorization(true))
        .unwrap()
        .id;
    // `pay` on a pre-authorised payment authorises it, as GoPay's gateway does.
    sim.pay(id).unwrap();
    let above = client
        .capture_authorization_partial(id, &CaptureRequest::new(20001))
        .unwrap_err();
    assert_eq!(refusal(&above), (Some(409), 332));
    client
        .capture_authorization_partial(id, &CaptureRequest::new(15000).item(Item::new("G", 15000)))
        .unwrap();
    let captured = client.get_status(id).unwrap();
    assert_eq!(captured.state, Some(PaymentState::Paid));
    assert_eq!(captured.amount, Some(15000));
    // Refunds are bounded by the captured amount.
    assert_eq!(
        refusal(&client.refund_payment(id, 15001).unwrap_err()),
        (Some(409), 332)
    );
    client.refund_payment(id, 15000).unwrap();
}

#[test]
fn preauthorized_payment_is_voided() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let id = client
        .create_payment(&order(3000, "pre-3").preauthorization(true))
        .unwrap()
        .id;
    sim.authorize(id).unwrap();
    let result = client.void_authorization(id).unwrap();
    assert_eq!(result.result, ResultCode::Finished);
    let voided = client.get_status(id).unwrap();
    assert_eq!(voided.state, Some(PaymentState::Canceled));
    assert_eq!(
        voided.preauthorization.unwrap().state,
        Some(PreAuthState::Canceled)
    );
    assert_eq!(
        refusal(&client.void_authorization(id).unwrap_err()),
        (Some(409), 353)
    );
    assert_eq!(
        refusal(&client.capture_authorization(id).unwrap_err()),
        (Some(409), 350)
    );

    // Void of an ordinary paid payment.
    let paid = client.create_payment(&order(100, "plain")).unwrap().id;
    sim.pay(paid).unwrap();
    assert_eq!(
        refusal(&client.void_authorization(paid).unwrap_err()),
        (Some(409), 352)
    );
    // authorize() is only for pre-authorised payments.
    let plain = client.create_payment(&order(100, "plain-2")).unwrap().id;
    let err = sim.authorize(plain).unwrap_err();
    assert!(
        matches!(err, SimError::Refused { field: "id", .. }),
        "{err:?}"
    );
}

#[test]
fn on_demand_recurrence_charges_children_until_voided() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(Vec::new());
    let client = client(&sim);
    let parent = client
        .create_payment(
            &order(19900, "sub-1")
                .recurrence(Recurrence::on_demand("2099-12-31"))
                .callback("https://shop.example/r", &shop.url),
        )
        .unwrap();
    let recurrence = parent.recurrence.as_ref().unwrap();
    assert_eq!(recurrence.recurrence_cycle, Some(RecurrenceCycle::OnDemand));
    assert_eq!(
        recurrence.recurrence_state,
        Some(RecurrenceState::Requested)
    );
    let next = || {
        RecurrenceRequest::new(9900, Currency::Czk, "sub-2")
            .order_description("Subscription 2")
            .item(Item::new("Subscription", 9900))
    };
    assert_eq!(
        refusal(&client.create_recurrence(parent.id, &next()).unwrap_err()),
        (Some(409), 303)
    );

    sim.pay(parent.id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={}", parent.id));
    let started = client.get_status(parent.id).unwrap();
    assert_eq!(
        started.recurrence.unwrap().recurrence_state,
        Some(RecurrenceState::Started)
    );

    // GoPay answers the next payment as created, with a gw_url (its `recurrence_ondemand`
    // example: "state":"CREATED", "gw_url":…; gopay-api-documentation,
    // data/example/recurrence_ondemand.yml), and informs the shop of its final state by
    // notification (GOPAY_API §4.5). The simulator charges the saved card at once.
    let child = client.create_recurrence(parent.id, &next()).unwrap();
    assert_eq!(child.parent_id, Some(parent.id));
    assert_eq!(child.state, Some(PaymentState::Created));
    let gw_url = child
        .gw_url
        .clone()
        .expect("a gw_url, as in GoPay's example");
    let origin = format!("http://127.0.0.1:{}/gw/v3/", sim.port());
    assert!(gw_url.starts_with(&origin), "{gw_url}");
    assert_eq!(child.amount, Some(9900));
    assert_ne!(child.id, parent.id);
    assert_eq!(shop.next(), format!("/notify?id={}", child.id));
    let status = client.get_status(child.id).unwrap();
    assert_eq!(status.parent_id, Some(parent.id));
    assert_eq!(status.state, Some(PaymentState::Paid));
    assert_eq!(status.gw_url, Some(gw_url));
    assert!(status.payer.unwrap().payment_card.is_some());
    // On the wire, as a PHP or Python shop reads it.
    let auth = bearer(&sim, "payment-all");
    let (code, _, answer) = raw(
        &sim,
        "POST",
        &format!("/api/payments/payment/{}/create-recurrence", parent.id),
        Some(&auth),
        Some("application/json"),
        br#"{"amount":"500","currency":"CZK","order_number":"002","order_description":"pojisteni02","items":[{"name":"item01","amount":"500"}],"additional_params":[{"name":"invoicenumber","value":"2015001004"}]}"#,
    );
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(code, 200, "{answer}");
    assert_eq!(answer["state"], "CREATED", "{answer}");
    assert_eq!(answer["parent_id"], parent.id, "{answer}");
    assert!(answer["gw_url"].as_str().unwrap().starts_with(&origin));
    assert_eq!(answer["additional_params"][0]["value"], "2015001004");
    let second = answer["id"].as_u64().unwrap();
    assert_eq!(shop.next(), format!("/notify?id={second}"));
    assert_eq!(
        client.get_status(second).unwrap().state,
        Some(PaymentState::Paid)
    );

    let voided = client.void_recurrence(parent.id).unwrap();
    assert_eq!(voided.result, ResultCode::Finished);
    assert_eq!(
        client
            .get_status(parent.id)
            .unwrap()
            .recurrence
            .unwrap()
            .recurrence_state,
        Some(RecurrenceState::Stopped)
    );
    let stopped = client.create_recurrence(parent.id, &next()).unwrap_err();
    assert_eq!(refusal(&stopped), (Some(409), 342));
    assert_eq!(
        stopped.api_errors()[0].error_name.as_deref(),
        Some("PAYMENT_RECURRENCE_STOPPED")
    );
    assert_eq!(
        refusal(&client.void_recurrence(parent.id).unwrap_err()),
        (Some(409), 342)
    );
    // A payment without recurrence.
    let plain = client.create_payment(&order(100, "plain")).unwrap().id;
    assert_eq!(
        refusal(&client.void_recurrence(plain).unwrap_err()),
        (Some(409), 341)
    );
}

#[test]
fn recurrences_until_2100_are_created_as_gopays_own_sdk_ci_expects() {
    // GoPay's PHP SDK creates recurrences with `recurrence_date_to` 2100-04-01 against
    // GoPay's sandbox in its integration tests (gopay-php-api, tests/integration/
    // RecurrentPaymentTest.php and OnDemandPaymentTest.php) and expects them created: the
    // help page's "lower than 2099-12-31" is not enforced by the gateway.
    let sim = Simulator::start().unwrap();
    let gateway = Gateway::new(&sim);
    for recurrence in [
        serde_json::json!({"recurrence_cycle": "WEEK", "recurrence_period": "1",
                           "recurrence_date_to": "2100-04-01"}),
        serde_json::json!({"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2100-04-01"}),
        serde_json::json!({"recurrence_cycle": "MONTH", "recurrence_period": 1,
                           "recurrence_date_to": "9999-12-31"}),
    ] {
        let body = serde_json::json!({
            "target": {"type": "ACCOUNT", "goid": sim.goid()},
            "amount": 2300, "currency": "CZK", "order_number": "9876",
            "items": [{"name": "item01", "amount": 2300, "count": 1}],
            "recurrence": recurrence,
        });
        let answer = gateway.post_json("/api/payments/payment", &body);
        let created = answer.json();
        assert_eq!(answer.status, 200, "{created}");
        assert_eq!(created["recurrence"]["recurrence_state"], "REQUESTED");
        assert_eq!(
            created["recurrence"]["recurrence_date_to"],
            recurrence["recurrence_date_to"]
        );
    }
    // Today and earlier are still refused.
    let client = client(&sim);
    let past = order(100, "past").recurrence(Recurrence::on_demand("2001-01-01"));
    assert_eq!(
        refusal(&client.create_payment(&past).unwrap_err()),
        (Some(409), 111)
    );
}

#[test]
fn automatic_recurrence_is_charged_by_the_simulator() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let parent = client
        .create_payment(&order(500, "auto-1").recurrence(Recurrence::periodic(
            RecurrenceCycle::Month,
            1,
            "2099-12-31",
        )))
        .unwrap()
        .id;
    assert!(matches!(
        sim.recur(parent).unwrap_err(),
        SimError::Refused { field: "state", .. }
    ));
    sim.pay(parent).unwrap();
    let child = sim.recur(parent).unwrap();
    let status = client.get_status(child).unwrap();
    assert_eq!(status.parent_id, Some(parent));
    assert_eq!(status.state, Some(PaymentState::Paid));
    assert_eq!(status.amount, Some(500));
    // ON_DEMAND parents are not charged automatically, and automatic ones not on demand.
    assert_eq!(
        refusal(
            &client
                .create_recurrence(parent, &RecurrenceRequest::new(500, Currency::Czk, "x"))
                .unwrap_err()
        ),
        (Some(409), 341)
    );
}

#[test]
fn saved_card_is_reported_reused_and_deleted() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let with_token = order(1000, "card-1").payer(
        Payer::new()
            .allowed_payment_instruments([PaymentInstrument::PaymentCard])
            .request_card_token(true),
    );
    let id = client.create_payment(&with_token).unwrap().id;
    sim.pay_with(id, PaymentInstrument::PaymentCard).unwrap();
    let payer = client.get_status(id).unwrap().payer.unwrap();
    let card_id = payer.card_id.expect("a card id");
    let token = payer
        .payment_card
        .unwrap()
        .card_token
        .expect("a card token");

    let card = client.get_card_details(card_id).unwrap();
    assert_eq!(card.card_id, card_id);
    assert_eq!(card.status, Some(CardStatus::Active));
    assert_eq!(card.card_token.as_deref(), Some(token.as_str()));

    // A later payment with the token is paid with the same card.
    let again = order(700, "card-2").payer(Payer::new().allowed_card_token(token.clone()));
    let second = client.create_payment(&again).unwrap().id;
    sim.pay(second).unwrap();
    let second_payer = client.get_status(second).unwrap().payer.unwrap();
    assert_eq!(second_payer.card_id, Some(card_id));

    client.delete_card(card_id).unwrap();
    let deleted = client.get_card_details(card_id).unwrap();
    assert_eq!(deleted.status, Some(CardStatus::Deleted));
    assert_eq!(deleted.card_token, None);
    let recorded = sim.requests();
    let delete = recorded
        .iter()
        .rev()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(delete.path, format!("/api/payments/cards/{card_id}"));
    let missing = client.get_card_details(card_id + 1000).unwrap_err();
    assert_eq!(refusal(&missing).0, Some(404));
    // Without request_card_token no card is saved.
    let plain = client.create_payment(&order(100, "card-3")).unwrap().id;
    sim.pay(plain).unwrap();
    assert_eq!(
        client.get_status(plain).unwrap().payer.unwrap().card_id,
        None
    );
}

#[test]
fn payment_instruments_decode_per_currency_and_all() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let czk = client.get_payment_instruments(Currency::Czk).unwrap();
    let methods: Vec<_> = czk
        .enabled_payment_instruments
        .iter()
        .map(|m| m.payment_instrument.clone())
        .collect();
    assert!(methods.contains(&PaymentInstrument::PaymentCard));
    assert!(methods.contains(&PaymentInstrument::BankAccount));
    assert!(methods.contains(&PaymentInstrument::Twisto));
    let bank = &czk.enabled_payment_instruments[1];
    assert!(!bank.enabled_swifts.as_ref().unwrap().is_empty());
    assert!(czk.groups.contains_key("card-payment"));
    let eur = client.get_payment_instruments(Currency::Eur).unwrap();
    assert!(eur
        .enabled_payment_instruments
        .iter()
        .any(|m| m.payment_instrument == PaymentInstrument::Paypal));
    let all = client.get_payment_instruments_all().unwrap();
    assert!(all.enabled_payment_instruments.len() >= czk.enabled_payment_instruments.len());
    // camelCase on the wire.
    let auth = bearer(&sim, "payment-all");
    let path = format!("/api/eshops/eshop/{}/payment-instruments/CZK", sim.goid());
    let (status, content_type, body) = raw(&sim, "GET", &path, Some(&auth), None, b"");
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("\"enabledPaymentInstruments\""));
    assert!(text.contains("\"paymentInstrument\":\"PAYMENT_CARD\""));
    assert!(text.contains("Platební karta"), "raw UTF-8");
    // Another e-shop, an unknown currency.
    let other = "/api/eshops/eshop/1/payment-instruments/CZK";
    assert_eq!(raw(&sim, "GET", other, Some(&auth), None, b"").0, 409);
    let unknown = format!("/api/eshops/eshop/{}/payment-instruments/XYZ", sim.goid());
    let (status, _, body) = raw(&sim, "GET", &unknown, Some(&auth), None, b"");
    assert_eq!((status, error_code(&body)), (409, 111));
}

#[test]
fn account_statement_is_an_octet_stream_file() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let id = client
        .create_payment(&order(12345, "stmt-\"1\""))
        .unwrap()
        .id;
    sim.pay(id).unwrap();
    client.refund_payment(id, 345).unwrap();
    let unpaid = client.create_payment(&order(999, "stmt-2")).unwrap().id;
    let request = AccountStatementRequest::new(
        "2000-01-01",
        "2099-12-31",
        sim.goid(),
        Currency::Czk,
        StatementFormat::CsvA,
    );
    let bytes = client.get_account_statement(&request).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("date,payment_id"), "{text}");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].contains(&format!("{id},\"stmt-\"\"1\"\"\",PAYMENT,12345,CZK")),
        "{text}"
    );
    assert!(lines[2].contains("REFUND,-345,CZK"), "{text}");
    assert!(!text.contains(&unpaid.to_string()));
    // Other currencies have nothing.
    let eur = AccountStatementRequest::new(
        "2000-01-01",
        "2099-12-31",
        sim.goid(),
        Currency::Eur,
        StatementFormat::CsvA,
    );
    assert_eq!(
        String::from_utf8(client.get_account_statement(&eur).unwrap())
            .unwrap()
            .lines()
            .count(),
        1
    );
    // GoPay's documentation of the account statement: "Response in type
    // application/octet-stream" (gopay-api-documentation, statement.md.erb; GOPAY_API §4.12),
    // whatever the format.
    let auth = bearer(&sim, "payment-all");
    for format in ["CSV_A", "XLS_B", "ABO_A"] {
        let body = serde_json::json!({
            "date_from": "2000-01-01", "date_to": "2099-12-31", "goid": sim.goid(),
            "currency": "CZK", "format": format,
        });
        let (status, content_type, file) = raw(
            &sim,
            "POST",
            "/api/accounts/account-statement",
            Some(&auth),
            Some("application/json"),
            &serde_json::to_vec(&body).unwrap(),
        );
        assert_eq!(status, 200, "{format}");
        assert_eq!(content_type, "application/octet-stream", "{format}");
        assert!(file.starts_with(b"date"), "{format}");
    }
    // Bad dates are refused.
    for (from, to) in [("2025-02-30", "2025-03-01"), ("2025-03-02", "2025-03-01")] {
        let bad = AccountStatementRequest::new(
            from,
            to,
            sim.goid(),
            Currency::Czk,
            StatementFormat::CsvA,
        );
        let err = client.get_account_statement(&bad).unwrap_err();
        assert_eq!(refusal(&err), (Some(409), 111), "{from} {to}");
    }
    // What is not a date at all never leaves the client.
    let garbage =
        AccountStatementRequest::new("x", "y", sim.goid(), Currency::Czk, StatementFormat::CsvA);
    let err = client.get_account_statement(&garbage).unwrap_err();
    assert!(
        matches!(
            err,
            gopay::Error::InvalidInput {
                field: "date_from",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn qr_payment_has_images_in_both_formats() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let id = client.create_payment(&order(10000, "qr-1")).unwrap().id;
    let decode = |b64: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64 image")
    };
    let png = client.get_qr_payment(id, None).unwrap();
    assert_eq!(png.amount, Some(10000));
    assert_eq!(png.currency, Some(Currency::Czk));
    let recipient = png.recipient.as_ref().unwrap();
    let local = recipient
        .bank_account
        .as_ref()
        .unwrap()
        .local
        .as_ref()
        .unwrap();
    assert_eq!(
        local.variable_symbol.as_deref(),
        Some(id.to_string().as_str())
    );
    let spayd = png.qr_code.as_ref().unwrap().spayd.as_deref().unwrap();
    assert!(decode(spayd).starts_with(b"\x89PNG\r\n\x1a\n"));
    let svg = client.get_qr_payment(id, Some(QrFormat::Svg)).unwrap();
    let spayd = svg.qr_code.unwrap().spayd.unwrap();
    assert!(decode(&spayd).starts_with(b"<svg"));
    let recorded = sim.requests();
    assert!(recorded
        .iter()
        .any(|r| r.path == format!("/api/payments/payment/{id}/qr-payment?format=svg")));
    let auth = bearer(&sim, "payment-all");
    let path = format!("/api/payments/payment/{id}/qr-payment?format=gif");
    let (status, _, body) = raw(&sim, "GET", &path, Some(&auth), None, b"");
    assert_eq!((status, error_code(&body)), (409, 111));
    // EUR payments get SEPA and PAY by square codes.
    let eur = client
        .create_payment(&PaymentRequest::new(500, Currency::Eur, "qr-2"))
        .unwrap()
        .id;
    let codes = client.get_qr_payment(eur, None).unwrap().qr_code.unwrap();
    assert!(codes.sepa.is_some() && codes.paybysquare.is_some() && codes.spayd.is_none());
}

#[test]
fn unknown_payments_are_404_with_304() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let err = client.get_status(1234567890).unwrap_err();
    assert!(matches!(err, Error::Api { status: 404, .. }), "{err:?}");
    assert_eq!(refusal(&err), (Some(404), 304));
    assert_eq!(
        err.api_errors()[0].error_name.as_deref(),
        Some("PAYMENT_NOT_FOUND")
    );
    for call in [
        client.refund_payment(42, 1).map(drop),
        client.capture_authorization(42).map(drop),
        client.void_authorization(42).map(drop),
        client.void_recurrence(42).map(drop),
        client.get_history_of_refunds(42).map(drop),
        client.get_qr_payment(42, None).map(drop),
    ] {
        assert_eq!(refusal(&call.unwrap_err()), (Some(404), 304));
    }
    let auth = bearer(&sim, "payment-all");
    for path in [
        "/api/payments/payment/abc",
        "/api/payments/payment/-1",
        "/api/payments/payment/99999999999999999999999",
        "/api/payments/payment/0/refunds",
    ] {
        let (status, _, body) = raw(&sim, "GET", path, Some(&auth), None, b"");
        assert_eq!((status, error_code(&body)), (404, 304), "{path}");
    }
    // Paths that are no service at all.
    for (method, path) in [
        ("GET", "/api/nothing"),
        ("PUT", "/api/payments/payment/1"),
        ("GET", "/elsewhere"),
        ("GET", "/api/oauth2/token"),
    ] {
        let (status, content_type, body) = raw(&sim, method, path, Some(&auth), None, b"");
        assert_eq!((status, error_code(&body)), (404, 116), "{method} {path}");
        assert!(content_type.starts_with("application/json"));
    }
}

#[test]
fn create_payment_is_validated_like_gopay() {
    let sim = Simulator::start().unwrap();
    let auth = bearer(&sim, "payment-create");
    let post = |body: &serde_json::Value| {
        let bytes = serde_json::to_vec(body).unwrap();
        let (status, _, body) = raw(
            &sim,
            "POST",
            "/api/payments/payment",
            Some(&auth),
            Some("application/json"),
            &bytes,
        );
        let envelope: serde_json::Value = serde_json::from_slice(&body).unwrap();
        (status, envelope)
    };
    let goid = sim.goid();
    let (status, envelope) = post(&serde_json::json!({
        "target": {"type": "ACCOUNT", "goid": goid},
        "amount": 1000, "currency": "CZK", "order_number": "bad-items",
        "items": [{"name": "a", "amount": 600}, {"name": "b", "amount": 300}]
    }));
    assert_eq!(status, 409);
    assert_eq!(envelope["errors"][0]["error_code"], 360);
    assert_eq!(envelope["errors"][0]["scope"], "F");

    let (status, envelope) = post(&serde_json::json!({
        "target": {"type": "ACCOUNT", "goid": goid + 1},
        "amount": 0, "currency": "CZK"
    }));
    assert_eq!(status, 409);
    let fields: Vec<(u64, String)> = envelope["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["error_code"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Every field error at once, in GoPay's `errors[]` list.
    let expected = [(111, "amount"), (110, "order_number"), (321, "target.goid")];
    let expected: Vec<(u64, String)> = expected
        .iter()
        .map(|(code, field)| (*code, (*field).to_owned()))
        .collect();
    assert_eq!(fields, expected);
    let (status, envelope) = post(&serde_json::json!({
        "target": {"type": "ACCOUNT", "goid": goid + 1},
        "amount": 0, "currency": "CZK", "order_number": "x"
    }));
    assert_eq!(status, 409);
    let codes: Vec<u64> = envelope["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["error_code"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, [111, 321]);
    // Lenient numbers as in GoPay's examples are fine.
    let (status, created) = post(&serde_json::json!({
        "target": {"type": "ACCOUNT", "goid": goid.to_string()},
        "amount": "1000", "currency": "CZK", "order_number": "lenient",
        "items": [{"name": "a", "amount": "1000"}], "preauthorization": "true"
    }));
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["amount"], 1000);
    assert_eq!(created["preauthorization"]["state"], "REQUESTED");
    // Malformed bodies.
    for body in [&b"{\"amount\": 10"[..], b"[1,2]", b"", b"\xff\xfe"] {
        let (status, _, answer) = raw(
            &sim,
            "POST",
            "/api/payments/payment",
            Some(&auth),
            Some("application/json"),
            body,
        );
        assert_eq!((status, error_code(&answer)), (400, 116));
    }
    let (status, _, answer) = raw(
        &sim,
        "POST",
        "/api/payments/payment",
        Some(&auth),
        Some("application/json"),
        br#"{"amount": "lots", "currency": "CZK", "order_number": "x",
              "target": {"type": "ACCOUNT", "goid": 8123456789}}"#,
    );
    assert_eq!((status, error_code(&answer)), (409, 111));
    // The simulator's own seeding refuses the same way.
    let err = sim
        .create_payment(&PaymentRequest::new(10, Currency::Czk, "x").item(Item::new("a", 9)))
        .unwrap_err();
    match err {
        SimError::Api { status, errors, .. } => {
            assert_eq!(
                (status, errors.first().map(|e| e.error_code)),
                (409, Some(360))
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn payment_create_scope_can_only_create() {
    let sim = Simulator::start().unwrap();
    let client = Client::builder(sim.config())
        .scope(Scope::PaymentCreate)
        .build()
        .unwrap();
    let id = client.create_payment(&order(100, "scope-1")).unwrap().id;
    let err = client.get_status(id).unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(refusal(&err), (Some(403), 200));
    let tokens = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/api/oauth2/token")
        .map(|r| r.body_text())
        .collect::<Vec<_>>();
    assert!(tokens
        .iter()
        .all(|form| form == "grant_type=client_credentials&scope=payment-create"));
}

#[test]
fn token_endpoint_refuses_bad_credentials_grants_and_tokens() {
    let sim = Simulator::builder()
        .token_lifetime(Duration::from_secs(1))
        .start()
        .unwrap();
    let wrong = gopay::Config::new(sim.goid(), sim.client_id(), "wrong", sim.gateway_url());
    let err = Client::builder(wrong)
        .max_retries(0)
        .build()
        .unwrap()
        .get_payment_instruments(Currency::Czk)
        .unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(refusal(&err), (Some(403), 202));

    let form = "application/x-www-form-urlencoded";
    let token = |body: &str| {
        let (status, _, answer) = raw(
            &sim,
            "POST",
            "/api/oauth2/token",
            Some(&basic(&sim)),
            Some(form),
            body.as_bytes(),
        );
        (status, answer)
    };
    let (status, answer) = token("grant_type=password&scope=payment-all");
    assert_eq!((status, error_code(&answer)), (400, 201));
    let (status, answer) = token("grant_type=client_credentials&scope=everything");
    assert_eq!((status, error_code(&answer)), (400, 200));
    let (status, answer) = token("grant_type=client_credentials&scope=payment-all");
    assert_eq!(status, 200);
    let issued: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(issued["token_type"], "bearer");
    assert_eq!(issued["expires_in"], 1);
    let access = issued["access_token"].as_str().unwrap();
    assert!(access.len() >= 32);

    let path = format!("/api/eshops/eshop/{}/payment-instruments/CZK", sim.goid());
    let auth = format!("Bearer {access}");
    assert_eq!(raw(&sim, "GET", &path, Some(&auth), None, b"").0, 200);
    for header in [None, Some("Bearer nonsense"), Some("Basic eDp5")] {
        let (status, _, body) = raw(&sim, "GET", &path, header, None, b"");
        assert_eq!((status, error_code(&body)), (401, 200), "{header:?}");
    }
    // The token expires after its lifetime (1 s).
    std::thread::sleep(Duration::from_millis(1100));
    let (status, _, body) = raw(&sim, "GET", &path, Some(&auth), None, b"");
    assert_eq!((status, error_code(&body)), (401, 200));
    // A client simply fetches a new token.
    let client = Client::builder(sim.config())
        .token_refresh_margin(Duration::ZERO)
        .build()
        .unwrap();
    client.get_payment_instruments(Currency::Czk).unwrap();
    sim.revoke_tokens();
    client.get_payment_instruments(Currency::Czk).unwrap();
}

#[test]
fn customer_actions_move_payments_and_refuse_illegal_ones() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(Vec::new());
    let client = client(&sim);
    let create = |number: &str| {
        client
            .create_payment(
                &order(100, number)
                    .allowed_payment_instruments([
                        PaymentInstrument::PaymentCard,
                        PaymentInstrument::BankAccount,
                    ])
                    .callback("https://shop.example/r", &shop.url),
            )
            .unwrap()
            .id
    };
    let chosen = create("c-1");
    sim.choose_method(chosen, PaymentInstrument::BankAccount)
        .unwrap();
    let status = client.get_status(chosen).unwrap();
    assert_eq!(status.state, Some(PaymentState::PaymentMethodChosen));
    assert_eq!(
        status.payment_instrument,
        Some(PaymentInstrument::BankAccount)
    );
    assert_eq!(status.sub_state, Some(SubState::S102));
    // PAYMENT_METHOD_CHOSEN is not notified; paying with the chosen method is.
    sim.pay(chosen).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={chosen}"));
    let paid = client.get_status(chosen).unwrap();
    assert_eq!(
        paid.payment_instrument,
        Some(PaymentInstrument::BankAccount)
    );
    assert_eq!(paid.sub_state, Some(SubState::S3001));

    let canceled = create("c-2");
    sim.cancel(canceled).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={canceled}"));
    assert_eq!(
        client.get_status(canceled).unwrap().state,
        Some(PaymentState::Canceled)
    );
    let expired = create("c-3");
    sim.expire(expired).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={expired}"));
    assert_eq!(
        sim.payment(expired).unwrap().state,
        Some(PaymentState::Timeouted)
    );

    let field = |err: SimError| match err {
        SimError::Refused { field, message, .. } => {
            assert!(!message.is_empty());
            field
        }
        other => panic!("not Refused: {other:?}"),
    };
    assert_eq!(field(sim.pay(chosen).unwrap_err()), "state");
    assert_eq!(field(sim.cancel(expired).unwrap_err()), "state");
    assert_eq!(field(sim.expire(canceled).unwrap_err()), "state");
    assert_eq!(field(sim.pay(999).unwrap_err()), "id");
    assert_eq!(field(sim.cancel(999).unwrap_err()), "id");
    let open = create("c-4");
    assert_eq!(
        field(sim.pay_with(open, PaymentInstrument::Paypal).unwrap_err()),
        "instrument"
    );
    assert_eq!(
        field(
            sim.choose_method(open, PaymentInstrument::Gopay)
                .unwrap_err()
        ),
        "instrument"
    );
    assert!(sim.payment(999).is_none());
    assert!(sim.wait_for_notifications(WAIT));
    assert_eq!(sim.notifications().len(), 3);
}

#[test]
fn gateway_page_shows_the_payment() {
    let sim = Simulator::start().unwrap();
    let payment = sim
        .create_payment(&PaymentRequest::new(2500, Currency::Czk, "<gw>"))
        .unwrap();
    let gw_url = payment.gw_url.unwrap();
    let path = gw_url.split_once("127.0.0.1").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let (status, content_type, body) = raw(&sim, "GET", path, None, None, b"");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains(&payment.id.to_string()));
    assert!(page.contains("&lt;gw&gt;") && page.contains("25.00 CZK"));
    assert_eq!(raw(&sim, "GET", "/gw/v3/nope", None, None, b"").0, 404);
}

#[test]
#[allow(deprecated)] // EET was abolished in 2023; its endpoints still answer as GoPay's do
fn eet_receipts_of_payments_with_eet_data() {
    let sim = Simulator::start().unwrap();
    let client = client(&sim);
    let eet = gopay::Eet::new()
        .celk_trzba(1000)
        .zakl_dan1(826)
        .dan1(174)
        .mena(Currency::Czk);
    let with = client
        .create_payment(&order(1000, "eet-1").eet(eet.clone()))
        .unwrap()
        .id;
    let without = client.create_payment(&order(1000, "eet-2")).unwrap().id;
    let receipts = client.get_eet_receipt_by_payment_id(with).unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].payment_id, Some(with));
    assert_eq!(receipts[0].amounts.celk_trzba, Some(1000));
    assert!(client
        .get_eet_receipt_by_payment_id(without)
        .unwrap()
        .is_empty());
    let found = client
        .find_eet_receipts_by_filter(&gopay::EetReceiptFilter::new(
            "2000-01-01",
            "2099-12-31",
            11,
        ))
        .unwrap();
    assert_eq!(found.len(), 1);
    let none = client
        .find_eet_receipts_by_filter(&gopay::EetReceiptFilter::new(
            "2000-01-01",
            "2099-12-31",
            12,
        ))
        .unwrap();
    assert!(none.is_empty());
}

#[test]
fn hostile_input_gets_envelopes_and_the_server_lives_on() {
    let sim = Simulator::start().unwrap();
    let auth = bearer(&sim, "payment-all");
    let credentials = basic(&sim);
    let json = Some("application/json");
    let huge = vec![b'x'; gopay_simulator::MAX_REQUEST_BODY + 10];
    // (method, path, Authorization, Content-Type, body, expected status)
    type Case<'a> = (
        &'a str,
        String,
        Option<&'a str>,
        Option<&'a str>,
        Vec<u8>,
        u16,
    );
    let cases: Vec<Case<'_>> = vec![
        (
            "POST",
            "/api/payments/payment".into(),
            Some(&auth),
            json,
            huge,
            413,
        ),
        (
            "POST",
            "/api/payments/payment/1/refund".into(),
            Some(&auth),
            Some("application/x-www-form-urlencoded"),
            b"amount=%zz".to_vec(),
            400,
        ),
        (
            "POST",
            "/api/payments/payment/1/refund".into(),
            Some(&auth),
            None,
            b"amount=ten".to_vec(),
            409,
        ),
        (
            "POST",
            "/api/payments/payment/1/refund".into(),
            Some(&auth),
            None,
            Vec::new(),
            409,
        ),
        (
            "POST",
            "/api/payments/payment/1/capture".into(),
            Some(&auth),
            json,
            b"{".to_vec(),
            400,
        ),
        (
            "POST",
            "/api/payments/payment/1/create-recurrence".into(),
            Some(&auth),
            json,
            b"null".to_vec(),
            400,
        ),
        (
            "POST",
            "/api/accounts/account-statement".into(),
            Some(&auth),
            json,
            br#"{"date_from": 1}"#.to_vec(),
            409,
        ),
        (
            "POST",
            "/api/eet-receipts".into(),
            Some(&auth),
            json,
            b"{}".to_vec(),
            409,
        ),
        (
            "GET",
            "/api/payments/cards/abc".into(),
            Some(&auth),
            None,
            Vec::new(),
            404,
        ),
        (
            "DELETE",
            "/api/payments/cards/1".into(),
            Some(&auth),
            None,
            Vec::new(),
            404,
        ),
        (
            "POST",
            "/api/oauth2/token".into(),
            Some("Basic"),
            None,
            b"\xff".to_vec(),
            403,
        ),
        (
            "POST",
            "/api/oauth2/token".into(),
            Some(&credentials),
            None,
            b"\xff".to_vec(),
            400,
        ),
        (
            "GET",
            format!("/api/payments/payment/{}", "9".repeat(5000)),
            Some(&auth),
            None,
            Vec::new(),
            404,
        ),
        (
            "GET",
            "/api/payments/payment/1?format=%ff".into(),
            Some(&auth),
            None,
            Vec::new(),
            404,
        ),
        (
            "PATCH",
            "/api/payments/payment".into(),
            None,
            None,
            Vec::new(),
            404,
        ),
    ];
    for (method, path, authorization, content_type, body, expected) in cases {
        let (status, answer_type, answer) =
            raw(&sim, method, &path, authorization, content_type, &body);
        assert_eq!(status, expected, "{method} {}", &path[..path.len().min(60)]);
        assert!(
            answer_type.starts_with("application/json"),
            "{method} {path}"
        );
        error_code(&answer);
    }
    // Not even HTTP.
    {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", sim.port())).unwrap();
        stream.write_all(b"\x00\x01garbage\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    }
    // Still serving.
    let client = client(&sim);
    let id = client.create_payment(&order(100, "after")).unwrap().id;
    assert_eq!(client.get_status(id).unwrap().id, id);
}
