//! The `gopay` client's v4 preview against the simulator, every method of
//! `gopay::v4::Client` at least once, each typed answer checked: what the raw-HTTP tests in
//! `v4_api` prove of the simulator, proved here of the client that shops use against it.
//! Then the retry rules against the simulator's faults: a read is repeated, a charge never,
//! and a charge whose outcome is unknown is resolved by reading it.
//! (Apple Pay's merchant validation through the client is in `v4_api`.)

use std::time::Duration;

use gopay::v4::{
    BrowserData, CardScheme, CardTokenStatus, ChargeInput, ChargeRequest, ChargeState, Client,
    Customer, InputType, PaymentRequest, RefundState, ThreeDsState,
};
use gopay::{Currency, ErrorKind, PaymentState, QrFormat};
use gopay_simulator::{v4_cards, Simulator};

const RETURN: &str = "https://shop.example/return";

/// A simulator and a v4 client of it.
fn start() -> (Simulator, Client) {
    let sim = Simulator::start().expect("a simulator");
    let client = Client::new(sim.v4_config()).expect("a v4 client");
    (sim, client)
}

/// A new payment of `amount` CZK cents.
fn payment(client: &Client, amount: i64) -> gopay::v4::Payment {
    client
        .create_payment(
            &PaymentRequest::new(
                amount,
                Currency::Czk,
                "v4-client",
                Customer::new("customer@example.com").country_code("CZE"),
                "https://shop.example/notify",
                RETURN,
            )
            .order_description("Test order"),
        )
        .expect("a created payment")
}

fn charge_request(input: ChargeInput) -> ChargeRequest {
    let browser = BrowserData::new(
        "cs-CZ",
        -60,
        1920,
        1080,
        24,
        "Mozilla/5.0 (test)",
        BrowserData::accept_header_json(Some("text/html"), Some("cs-CZ"), None),
        true,
    );
    ChargeRequest::new(input, browser)
}

/// Charges `id` with a test card; the 201's charge.
fn charge(client: &Client, id: &str, card: &str) -> gopay::v4::Charge {
    client
        .charge_payment(id, &charge_request(ChargeInput::card_token(card)))
        .expect("a charge")
}

/// The settling time of a charge or refund on the simulator's test clock.
const SETTLE: Duration = Duration::from_secs(5);

#[test]
fn the_client_is_configured_for_the_simulator_and_its_credentials_work() {
    let (sim, client) = start();
    assert_eq!(client.base_url(), sim.v4_base_url());
    assert_eq!(client.config().goid(), sim.goid().to_string());
    assert_eq!(client.config().client_id(), sim.client_id());
    assert!(client.token_cache_key().starts_with(&format!(
        "{}-{}",
        sim.client_id(),
        sim.v4_base_url()
    )));
    // A deploy check asks for a fresh token each time, cache or not.
    client.check_credentials().unwrap();
    client.check_credentials().unwrap();
    let token_requests = sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/gp-gw/api/4.0/oauth2/token")
        .count();
    assert_eq!(token_requests, 2);

    let wrong = gopay::v4::Config::new(
        sim.goid().to_string(),
        sim.client_id(),
        "not-the-secret",
        sim.v4_base_url(),
    );
    let client = Client::builder(wrong)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let err = client.check_credentials().unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Auth, Some(401)));
}

#[test]
fn a_payment_is_created_read_and_charged_to_paid() {
    let (sim, client) = start();
    let created = payment(&client, 100);
    assert!(!created.id.is_empty());
    assert_eq!(created.state, Some(PaymentState::Created));
    assert_eq!(
        (created.amount, created.currency.clone()),
        (100, Some(Currency::Czk))
    );
    assert_eq!(created.order_number, "v4-client");
    let customer = created.customer.as_ref().unwrap();
    assert_eq!(customer.email, "customer@example.com");
    assert_eq!(customer.country_code.as_deref(), Some("CZE"));
    assert!(created
        .gw_url
        .as_deref()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    assert_eq!(created.payment_secret.as_deref().unwrap().len(), 32);
    assert!(created.charge.is_none());
    assert_eq!(client.get_payment(&created.id).unwrap(), created);

    let charged = charge(&client, &created.id, v4_cards::FRICTIONLESS);
    assert_eq!(charged.state, Some(ChargeState::Processing));
    assert_eq!(charged.return_url.as_deref(), Some(RETURN));
    assert_eq!(charged.redirect_url(), None);
    let details = charged.payment_instrument.as_ref().unwrap();
    assert_eq!(
        details.details.as_ref().unwrap().input_type,
        Some(InputType::CardToken)
    );
    assert_eq!(
        charged.action.as_ref().unwrap().state,
        Some(ThreeDsState::AuthenticatedFrictionless)
    );
    assert_eq!(
        client.get_charge(&created.id).unwrap().state,
        Some(ChargeState::Processing)
    );

    sim.advance_clock(SETTLE);
    let settled = client.get_charge(&created.id).unwrap();
    assert_eq!(settled.state, Some(ChargeState::Succeeded));
    assert_eq!(settled.id, charged.id);
    let paid = client.get_payment(&created.id).unwrap();
    assert_eq!(paid.state, Some(PaymentState::Paid));
    assert_eq!(paid.charge.unwrap().state, Some(ChargeState::Succeeded));

    // A paid payment is not charged again; an unknown one is not found.
    let err = client
        .charge_payment(
            &created.id,
            &charge_request(ChargeInput::card_token(v4_cards::FRICTIONLESS)),
        )
        .unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(409)));
    assert!(!err.outcome_unknown());
    let err = client.get_payment("404404").unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api_errors()[0].error_name.as_deref(), Some("NOT_FOUND"));
}

#[test]
fn the_challenge_and_declined_test_cards_answer_as_documented() {
    let (sim, client) = start();
    let challenged = payment(&client, 100);
    let charge_of = charge(&client, &challenged.id, v4_cards::CHALLENGE);
    assert_eq!(charge_of.state, Some(ChargeState::ActionRequired));
    let action = charge_of.action.as_ref().unwrap();
    assert_eq!(action.state, Some(ThreeDsState::ChallengeRequired));
    let redirect = charge_of.redirect_url().expect("the 3-D Secure page");
    assert!(redirect.starts_with(&format!("http://127.0.0.1:{}/", sim.port())));

    let declined = payment(&client, 100);
    charge(&client, &declined.id, v4_cards::DECLINED);
    sim.advance_clock(SETTLE);
    let failed = client.get_charge(&declined.id).unwrap();
    assert_eq!(failed.state, Some(ChargeState::Failed));
    assert!(failed.fail_reason.unwrap().contains("declined"));
    assert_eq!(
        client.get_payment(&declined.id).unwrap().state,
        Some(PaymentState::Created)
    );
    // The clock alone answers no challenge.
    assert_eq!(
        client.get_charge(&challenged.id).unwrap().state,
        Some(ChargeState::ActionRequired)
    );
}

#[test]
fn qr_and_wallet_info_follow_the_payment() {
    let (_sim, client) = start();
    let created = payment(&client, 12345);
    let png = client.get_qr_payment(&created.id, None).unwrap();
    assert_eq!(
        (png.amount, png.currency.clone()),
        (Some(12345), Some(Currency::Czk))
    );
    let local = png.recipient.unwrap().bank_account.unwrap().local.unwrap();
    assert_eq!(local.variable_symbol.as_deref(), Some(created.id.as_str()));
    assert!(png.qr_code.unwrap().spayd.unwrap().starts_with("iVBOR"));
    let svg = client
        .get_qr_payment(&created.id, Some(QrFormat::Svg))
        .unwrap();
    // base64 of "<svg" or "<?xml": a text image, not the PNG.
    let spayd = svg.qr_code.unwrap().spayd.unwrap();
    assert!(
        spayd.starts_with("PHN2Z") || spayd.starts_with("PD94"),
        "{spayd:.20}"
    );

    let google = client.get_google_pay_info(&created.id).unwrap();
    assert_eq!(google.environment.as_deref(), Some("TEST"));
    let request = google.payment_data_request.unwrap();
    assert_eq!(request["transactionInfo"]["totalPrice"], "123.45");
    assert_eq!(request["transactionInfo"]["currencyCode"], "CZK");

    let apple = client.get_apple_pay_info(&created.id).unwrap();
    assert_eq!(apple.applepay_version, Some(6));
    assert!(apple.merchant_identifier.is_some());
    let request = apple.apple_pay_payment_request.unwrap();
    assert_eq!(request["total"]["amount"], "123.45");
    let app = client.get_apple_pay_app_info(&created.id).unwrap();
    let request = app.apple_pay_payment_request.unwrap();
    assert_eq!(request["paymentSummaryItems"][0]["amount"], "123.45");
    assert!(request.get("total").is_none());
}

#[test]
fn card_tokens_are_created_charged_read_and_deleted() {
    let (sim, client) = start();
    let key = client.card_public_key().unwrap();
    assert_eq!((key.kty.as_str(), key.use_.as_str()), ("RSA", "enc"));
    assert_eq!(key.e, "AQAB");
    assert!(!key.n.is_empty() && !key.kid.is_empty());
    let form = client.card_form_url().unwrap();
    assert!(form
        .card_form_url
        .unwrap()
        .starts_with(&format!("http://127.0.0.1:{}/", sim.port())));

    // A JWE from a card form the simulator does not know: an opaque test card.
    let card = client
        .create_card_token("eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.key.iv.cipher.tag")
        .unwrap();
    assert_eq!(card.status, Some(CardTokenStatus::Active));
    assert!(matches!(
        card.scheme,
        Some(CardScheme::Visa | CardScheme::Mastercard)
    ));
    assert!(!card.card_id.is_empty() && !card.token.is_empty() && !card.fingerprint.is_empty());
    assert_eq!(client.get_card_token(&card.card_id).unwrap(), card);

    let created = payment(&client, 100);
    charge(&client, &created.id, &card.token);
    sim.advance_clock(SETTLE);
    assert_eq!(
        client.get_payment(&created.id).unwrap().state,
        Some(PaymentState::Paid)
    );

    client.delete_card_token(&card.card_id).unwrap();
    let err = client.get_card_token(&card.card_id).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(404)));
    let err = client.create_card_token("4111111111111111").unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[test]
fn refunds_are_requested_listed_and_read_to_success() {
    let (sim, client) = start();
    let created = payment(&client, 10000);
    charge(&client, &created.id, v4_cards::FRICTIONLESS);
    sim.advance_clock(SETTLE);
    assert!(client.get_refunds(&created.id).unwrap().is_empty());

    let refund = client.refund_payment(&created.id, 4000).unwrap();
    assert_eq!(refund.state, Some(RefundState::Requested));
    assert_eq!(
        (refund.amount, refund.currency.clone()),
        (4000, Some(Currency::Czk))
    );
    assert!(refund.created_at.as_deref().unwrap().ends_with('Z'));
    assert_ne!(refund.id, created.id);
    assert_eq!(
        client.get_refunds(&created.id).unwrap(),
        std::slice::from_ref(&refund)
    );

    sim.advance_clock(SETTLE);
    let done = client.get_refund(&refund.id).unwrap();
    assert_eq!(done.state, Some(RefundState::Success));
    assert!(done.updated_at.is_some());
    assert_eq!(
        client.get_payment(&created.id).unwrap().state,
        Some(PaymentState::PartiallyRefunded)
    );
    assert_eq!(
        client.get_refunds(&created.id).unwrap()[0].state,
        Some(RefundState::Success)
    );

    // Below 1 is refused before the state is looked at; more than is left, by the state.
    let err = client.refund_payment(&created.id, 0).unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(400)));
    let err = client.refund_payment(&created.id, 6001).unwrap_err();
    assert_eq!(err.status(), Some(409));
    let err = client.get_refund("404404").unwrap_err();
    assert_eq!(err.status(), Some(404));
}

/// How many requests of `method` to `path` (below the v4 base) the simulator received.
fn received(sim: &Simulator, method: &str, path: &str) -> usize {
    let full = format!("/gp-gw/api/4.0{path}");
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path == full)
        .count()
}

#[test]
fn a_read_is_repeated_after_a_503_but_a_charge_never_is() {
    use gopay_simulator::{Fault, FaultTarget};
    let (sim, client) = start();
    let created = payment(&client, 1000);
    let read = format!("/payments/{}", created.id);
    sim.inject(Fault::Status {
        target: FaultTarget::route("GET", "/gp-gw/api/4.0/payments/{id}"),
        status: 503,
        count: 1,
    });
    assert_eq!(
        client.get_payment(&created.id).unwrap().state,
        Some(PaymentState::Created)
    );
    assert_eq!(
        received(&sim, "GET", &read),
        2,
        "the read was repeated once"
    );

    let path = format!("/payments/{}/charge", created.id);
    sim.inject(Fault::Status {
        target: FaultTarget::route("POST", "/gp-gw/api/4.0/payments/{id}/charge"),
        status: 503,
        count: 1,
    });
    let error = client
        .charge_payment(
            &created.id,
            &charge_request(ChargeInput::card_token(v4_cards::FRICTIONLESS)),
        )
        .unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(
        received(&sim, "POST", &path),
        1,
        "a charge is never repeated"
    );
}

#[test]
fn a_charge_that_timed_out_is_never_repeated_and_get_charge_tells_how_it_ended() {
    use gopay_simulator::{Fault, FaultTarget};
    let (handled, charges) = std::sync::mpsc::channel();
    let sim = Simulator::builder()
        .on_exchange(move |exchange| {
            if exchange.method == "POST" && exchange.path.ends_with("/charge") {
                let _ = handled.send(exchange.status);
            }
        })
        .start()
        .unwrap();
    let client = Client::builder(sim.v4_config())
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    let created = payment(&client, 1000);
    // The gateway takes the charge but answers after the client has given up.
    sim.inject(Fault::Delay {
        target: FaultTarget::route("POST", "/gp-gw/api/4.0/payments/{id}/charge"),
        delay: Duration::from_secs(2),
        count: 1,
    });
    let error = client
        .charge_payment(
            &created.id,
            &charge_request(ChargeInput::card_token(v4_cards::FRICTIONLESS)),
        )
        .unwrap_err();
    assert!(error.is_timeout() && error.outcome_unknown(), "{error}");
    // Once the gateway has handled it: one charge arrived, and reading it tells the end.
    let status = charges.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, 201);
    let path = format!("/payments/{}/charge", created.id);
    assert_eq!(received(&sim, "POST", &path), 1, "never repeated");
    sim.advance_clock(Duration::from_secs(5));
    let charge = client.get_charge(&created.id).unwrap();
    assert_eq!(charge.state, Some(ChargeState::Succeeded));
    assert_eq!(
        client.get_payment(&created.id).unwrap().state,
        Some(PaymentState::Paid)
    );
}
