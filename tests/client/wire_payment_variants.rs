//! Every kind of `create_payment` on the wire (pre-authorised, recurring, BNPL, card
//! tokens, identification), and GoPay's error envelope decoded for every operation.

use crate::support;

use gopay::{
    AccountStatementRequest, BnplType, CaptureRequest, Client, Currency, Error, Item, Payer,
    PaymentInstrument, PaymentRequest, Recurrence, RecurrenceCycle, RecurrenceRequest,
    RefundRequest, StatementFormat, Swift,
};
use support::{FakeGateway, Reply};

/// Sends `request` with `create_payment` and returns the JSON body the gateway received.
fn sent_body(request: &PaymentRequest) -> serde_json::Value {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    client.create_payment(request).unwrap();
    let log = gw.api_requests_log();
    assert_eq!(log[0].url, "/api/payments/payment");
    assert_eq!(log[0].header("Content-Type"), Some("application/json"));
    serde_json::from_slice(&log[0].body).unwrap()
}

fn base() -> PaymentRequest {
    PaymentRequest::new(15000, Currency::Czk, "2025-0001")
        .item(Item::new("Předplatné", 15000))
        .callback("https://shop.example/return", "https://shop.example/notify")
        .contact_email("jan@example.com")
}

#[test]
fn standard_payment_with_bank_choice() {
    let request = base().payer(
        Payer::new()
            .allowed_payment_instruments([
                PaymentInstrument::PaymentCard,
                PaymentInstrument::BankAccount,
            ])
            .default_payment_instrument(PaymentInstrument::BankAccount)
            .allowed_swifts([Swift::GIBACZPX, Swift::FIOBCZPP])
            .default_swift(Swift::FIOBCZPP)
            .contact(gopay::Contact::new().email("jan@example.com")),
    );
    let body = sent_body(&request);
    let payer = &body["payer"];
    assert_eq!(
        payer["allowed_payment_instruments"],
        serde_json::json!(["PAYMENT_CARD", "BANK_ACCOUNT"])
    );
    assert_eq!(payer["default_payment_instrument"], "BANK_ACCOUNT");
    assert_eq!(
        payer["allowed_swifts"],
        serde_json::json!(["GIBACZPX", "FIOBCZPP"])
    );
    assert_eq!(payer["default_swift"], "FIOBCZPP");
    assert_eq!(payer["contact"]["email"], "jan@example.com");
    assert!(payer.get("request_card_token").is_none());
}

#[test]
fn preauthorized_payment() {
    let body = sent_body(&base().preauthorization(true));
    assert_eq!(body["preauthorization"], true);
}

#[test]
fn automatic_recurrence() {
    let body = sent_body(&base().recurrence(Recurrence::periodic(
        RecurrenceCycle::Month,
        1,
        "2099-12-30",
    )));
    assert_eq!(
        body["recurrence"],
        serde_json::json!({"recurrence_cycle": "MONTH", "recurrence_period": 1, "recurrence_date_to": "2099-12-30"})
    );
}

#[test]
fn on_demand_recurrence_has_no_period() {
    let body = sent_body(&base().recurrence(Recurrence::on_demand("2099-12-30")));
    assert_eq!(
        body["recurrence"],
        serde_json::json!({"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2099-12-30"})
    );
}

#[test]
fn buy_now_pay_later() {
    let request = base().payer(
        Payer::new()
            .allowed_payment_instruments([PaymentInstrument::Twisto, PaymentInstrument::Skippay])
            .default_payment_instrument(PaymentInstrument::Twisto)
            .allowed_bnpl_types([BnplType::DeferredPayment, BnplType::PayInThree])
            .default_bnpl_type(BnplType::PayInThree),
    );
    let payer = sent_body(&request)["payer"].clone();
    assert_eq!(
        payer["allowed_payment_instruments"],
        serde_json::json!(["TWISTO", "SKIPPAY"])
    );
    assert_eq!(
        payer["allowed_bnpl_types"],
        serde_json::json!(["DEFERRED_PAYMENT", "PAY_IN_THREE"])
    );
    assert_eq!(payer["default_bnpl_type"], "PAY_IN_THREE");
}

#[test]
fn card_tokenisation_and_paying_with_a_token() {
    let request = base().payer(
        Payer::new()
            .allowed_payment_instruments([PaymentInstrument::PaymentCard])
            .request_card_token(true),
    );
    assert_eq!(sent_body(&request)["payer"]["request_card_token"], true);

    let request = base().payer(
        Payer::new()
            .allowed_payment_instruments([PaymentInstrument::PaymentCard])
            .allowed_card_token("VUHweq2TUuQpgU6UaD4c+123"),
    );
    assert_eq!(
        sent_body(&request)["payer"]["allowed_card_token"],
        "VUHweq2TUuQpgU6UaD4c+123"
    );
}

#[test]
fn identification_payment_with_a_pin() {
    let request = base()
        .preauthorization(true)
        .payer(Payer::new().verify_pin("1234"));
    let body = sent_body(&request);
    assert_eq!(body["payer"]["verify_pin"], "1234");
    assert_eq!(body["preauthorization"], true);

    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    let bad_pin = base().payer(Payer::new().verify_pin("12a4"));
    assert!(matches!(
        client.create_payment(&bad_pin),
        Err(Error::InvalidInput { .. })
    ));
    assert!(gw.requests().is_empty());
}

#[test]
fn every_operation_turns_gopays_error_envelope_into_a_typed_error() {
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| Reply::error(409, 303, "PAYMENT_WRONG_STATE"));
    let client = Client::new(gw.config()).unwrap();
    let statement = AccountStatementRequest::new(
        "2025-01-01",
        "2025-01-31",
        support::GOID,
        Currency::Czk,
        StatementFormat::CsvA,
    );
    type Call<'a> = Box<dyn Fn(&Client) -> Result<(), Error> + 'a>;
    let calls: Vec<(&str, Call)> = vec![
        (
            "create_payment",
            Box::new(|c| c.create_payment(&base()).map(drop)),
        ),
        ("get_status", Box::new(|c| c.get_status(1).map(drop))),
        (
            "refund_payment",
            Box::new(|c| c.refund_payment(1, 100).map(drop)),
        ),
        (
            "refund_payment_with_items",
            Box::new(|c| {
                c.refund_payment_with_items(1, &RefundRequest::new(100))
                    .map(drop)
            }),
        ),
        (
            "get_history_of_refunds",
            Box::new(|c| c.get_history_of_refunds(1).map(drop)),
        ),
        (
            "create_recurrence",
            Box::new(|c| {
                c.create_recurrence(1, &RecurrenceRequest::new(100, Currency::Czk, "2"))
                    .map(drop)
            }),
        ),
        (
            "void_recurrence",
            Box::new(|c| c.void_recurrence(1).map(drop)),
        ),
        (
            "capture_authorization",
            Box::new(|c| c.capture_authorization(1).map(drop)),
        ),
        (
            "capture_authorization_partial",
            Box::new(|c| {
                c.capture_authorization_partial(1, &CaptureRequest::new(100))
                    .map(drop)
            }),
        ),
        (
            "void_authorization",
            Box::new(|c| c.void_authorization(1).map(drop)),
        ),
        (
            "get_qr_payment",
            Box::new(|c| c.get_qr_payment(1, None).map(drop)),
        ),
        (
            "get_card_details",
            Box::new(|c| c.get_card_details(1).map(drop)),
        ),
        ("delete_card", Box::new(|c| c.delete_card(1))),
        (
            "get_payment_instruments",
            Box::new(|c| c.get_payment_instruments(Currency::Czk).map(drop)),
        ),
        (
            "get_payment_instruments_all",
            Box::new(|c| c.get_payment_instruments_all().map(drop)),
        ),
        (
            "get_account_statement",
            Box::new(|c| c.get_account_statement(&statement).map(drop)),
        ),
        (
            "handle_notification",
            Box::new(|c| c.handle_notification("id=1").map(drop)),
        ),
    ];
    for (name, call) in &calls {
        let err = call(&client).expect_err(name);
        assert!(
            matches!(err, Error::Api { status: 409, .. }),
            "{name}: {err:?}"
        );
        assert_eq!(err.api_errors()[0].error_code, 303, "{name}");
        assert_eq!(
            err.api_errors()[0].error_name.as_deref(),
            Some("PAYMENT_WRONG_STATE"),
            "{name}"
        );
    }
    assert_eq!(
        gw.api_requests(),
        calls.len(),
        "each refusal sent once, never retried"
    );
}
