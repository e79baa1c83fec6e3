//! Pre-authorised payments: hold the customer's funds, then capture all, capture part, or
//! release them. Runs offline on the bundled simulator.
//!
//! ```sh
//! cargo run --example preauthorization
//! ```

use gopay::{CaptureRequest, Client, Currency, Item, PaymentRequest};
use gopay_simulator::Simulator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start()?;
    let client = Client::new(sim.config())?;
    let order = |number: &str| {
        PaymentRequest::new(20000, Currency::Czk, number)
            .item(Item::new("Hotel night", 20000))
            .callback("https://shop.example/return", "https://shop.example/notify")
            .preauthorization(true)
    };

    // Capture everything once the goods ship.
    let full = client.create_payment(&order("pre-1"))?;
    sim.authorize(full.id)?; // the customer confirms on the gateway: funds are held
    println!("{}: {:?}", full.id, client.get_status(full.id)?.state);
    client.capture_authorization(full.id)?;
    println!(
        "{}: captured -> {:?}",
        full.id,
        client.get_status(full.id)?.state
    );

    // Capture only part; the rest goes back to the card.
    let part = client.create_payment(&order("pre-2"))?;
    sim.authorize(part.id)?;
    let capture = CaptureRequest::new(15000).item(Item::new("Hotel night (discounted)", 15000));
    client.capture_authorization_partial(part.id, &capture)?;
    let captured = client.get_status(part.id)?;
    println!("{}: captured {:?} of 20000", part.id, captured.amount);

    // Release the held funds instead.
    let void = client.create_payment(&order("pre-3"))?;
    sim.authorize(void.id)?;
    client.void_authorization(void.id)?;
    println!(
        "{}: voided -> {:?}",
        void.id,
        client.get_status(void.id)?.state
    );

    // Capturing twice is refused with GoPay's code.
    match client.capture_authorization(full.id) {
        Err(err) => println!("second capture refused: {err}"),
        Ok(result) => println!("second capture: {:?}", result.result),
    }
    Ok(())
}
