//! GoPay's API v4 (preview), offline against the bundled simulator: create a payment,
//! charge it with a card token whose bank asks for 3-D Secure, let the customer approve the
//! challenge, read the charge and the payment, and refund it.
//!
//! Run: `cargo run --example v4_card_charge --features v4`.

use std::time::Duration;

use gopay::v4::{
    BrowserData, ChargeInput, ChargeRequest, ChargeState, Client, Customer, PaymentRequest,
    RefundState,
};
use gopay::{Currency, PaymentState};
use gopay_simulator::Simulator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start()?;
    // Against GoPay: Config::new(goid, client_id, client_secret, gopay::v4::SANDBOX_URL).
    let client = Client::new(sim.v4_config())?;

    // At checkout: the payment, then the charge with the customer's saved card and the
    // browser data 3-D Secure needs (from the checkout page).
    let payment = client.create_payment(&PaymentRequest::new(
        15000,
        Currency::Czk,
        "v4-order-1",
        Customer::new("customer@example.com"),
        "https://shop.example/notify",
        "https://shop.example/return",
    ))?;
    println!("payment {} created: {:?}", payment.id, payment.state);
    let browser = BrowserData::new(
        "cs-CZ",
        -60,
        1920,
        1080,
        24,
        "Mozilla/5.0 (X11; Linux x86_64)",
        BrowserData::accept_header_json(Some("text/html"), Some("cs-CZ"), None),
        true,
    );
    let card = ChargeInput::card_token(gopay_simulator::v4_cards::CHALLENGE);
    let charge = client.charge_payment(&payment.id, &ChargeRequest::new(card, browser))?;
    let challenge = charge
        .redirect_url()
        .ok_or("the challenge card should ask for 3-D Secure")?;
    println!(
        "charge {:?}: send the customer to {challenge}",
        charge.state
    );

    // The customer approves at their bank (here: the simulator plays the customer), and the
    // charge settles a few seconds later (here: the simulator's test clock moves).
    let origin = sim.gateway_url().trim_end_matches("/api").to_owned();
    ureq::post(format!(
        "{origin}/_simulator/payments/{}/approve",
        payment.id
    ))
    .send_empty()?;
    sim.advance_clock(Duration::from_secs(5));

    // Back on the return URL: read the charge and the payment, never assume.
    let charge = client.get_charge(&payment.id)?;
    let paid = client.get_payment(&payment.id)?;
    println!("charge {:?}, payment {:?}", charge.state, paid.state);
    assert_eq!(charge.state, Some(ChargeState::Succeeded));
    assert_eq!(paid.state, Some(PaymentState::Paid));

    // A refund starts REQUESTED; GoPay's later answers tell how it ends.
    let refund = client.refund_payment(&payment.id, 15000)?;
    println!("refund {} {:?}", refund.id, refund.state);
    sim.advance_clock(Duration::from_secs(5));
    let refunds = client.get_refunds(&payment.id)?;
    println!(
        "refunds: {:?}",
        refunds.iter().map(|r| &r.state).collect::<Vec<_>>()
    );
    assert!(refunds
        .iter()
        .any(|r| r.state == Some(RefundState::Success)));
    Ok(())
}
