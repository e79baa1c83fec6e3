//! On-demand recurring payments: the customer pays once and agrees to later charges; the
//! shop charges again whenever it needs to, until it stops the recurrence. Runs offline on
//! the bundled simulator.
//!
//! ```sh
//! cargo run --example recurrence
//! ```

use gopay::{Client, Currency, Item, PaymentRequest, Recurrence, RecurrenceRequest};
use gopay_simulator::Simulator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start()?;
    let client = Client::new(sim.config())?;

    // The first payment sets the recurrence up; the customer pays it on the gateway.
    let parent = client.create_payment(
        &PaymentRequest::new(19900, Currency::Czk, "sub-2025-01")
            .item(Item::new("Subscription, January", 19900))
            .callback("https://shop.example/return", "https://shop.example/notify")
            .recurrence(Recurrence::on_demand("2099-12-30")),
    )?;
    sim.pay(parent.id)?;
    println!(
        "parent {}: {:?}",
        parent.id,
        client.get_status(parent.id)?.state
    );

    // Each later month: charge the stored card without the customer.
    for month in ["02", "03"] {
        let next = RecurrenceRequest::new(19900, Currency::Czk, format!("sub-2025-{month}"))
            .order_description(format!("Subscription, month {month}"))
            .item(Item::new("Subscription", 19900));
        let child = client.create_recurrence(parent.id, &next)?;
        println!(
            "child {} of {:?}: {:?}",
            child.id,
            child.parent_id,
            client.get_status(child.id)?.state
        );
    }

    // The customer cancels: stop the recurrence; further charges are refused.
    client.void_recurrence(parent.id)?;
    let next = RecurrenceRequest::new(19900, Currency::Czk, "sub-2025-04")
        .item(Item::new("Subscription", 19900));
    match client.create_recurrence(parent.id, &next) {
        Err(err) => println!("after void: {err}"),
        Ok(child) => println!("after void, unexpectedly charged {}", child.id),
    }
    Ok(())
}
