//! The quickstart: create a payment, let the customer pay, receive GoPay's notification,
//! read the authoritative status, refund part of it and list the refunds.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With all four of `GOPAY_GOID`, `GOPAY_CLIENT_ID`, `GOPAY_CLIENT_SECRET` and
//! `GOPAY_GATEWAY_URL` set it talks to that gateway (the customer then pays in a browser at
//! the printed `gw_url`); with none of them it starts the bundled GoPay simulator on
//! 127.0.0.1 and plays the customer. With only some of them set it stops and names the
//! missing ones, rather than quietly running against the simulator.

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use gopay::{Client, Config, Currency, Item, Payment, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quickstart failed: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A client: the real gateway when all four variables are set, the bundled simulator
    //    when none is; only some of them is a mistake worth stopping for.
    const VARIABLES: [&str; 4] = [
        "GOPAY_GOID",
        "GOPAY_CLIENT_ID",
        "GOPAY_CLIENT_SECRET",
        "GOPAY_GATEWAY_URL",
    ];
    let (set, missing): (Vec<&str>, Vec<&str>) = VARIABLES.iter().partition(|name| {
        std::env::var_os(name).is_some_and(|value| !value.to_string_lossy().trim().is_empty())
    });
    let simulator = if missing.is_empty() {
        None
    } else if set.is_empty() {
        println!("No GOPAY_* variables set: using the bundled GoPay simulator (offline).");
        Some(Simulator::start()?)
    } else {
        return Err(format!(
            "{} not set while {} {}: set all four to use a real gateway, or none to use \
             the bundled simulator",
            missing.join(", "),
            set.join(", "),
            if set.len() == 1 { "is" } else { "are" }
        )
        .into());
    };
    let config = match &simulator {
        Some(sim) => sim.config(),
        None => Config::from_env()?,
    };
    let client = Client::new(config)?;
    // The normalised URL: what was configured could carry credentials in its user-info.
    println!("Gateway: {}", client.api_base_url());

    // 2. A local endpoint for GoPay's notifications (GET ?id=…), answered 200.
    let (notifications, notified) = mpsc::channel();
    let notify_url = serve_notifications(notifications)?;

    // 3. Create the payment and send the customer to its gateway page.
    let payment = client.create_payment(
        &PaymentRequest::new(15000, Currency::Czk, "quickstart-0001") // 150.00 CZK
            .order_description("T-shirt and delivery")
            .item(Item::new("T-shirt", 12000))
            .item(Item::new("Delivery", 3000).item_type(gopay::ItemType::Delivery))
            .contact_email("jan.novak@example.com")
            .callback("https://shop.example/return", notify_url.as_str()),
    )?;
    println!("Created payment {} ({})", payment.id, state(&payment));
    println!(
        "Customer pays at: {}",
        payment.gw_url.as_deref().unwrap_or("?")
    );

    // 4. The customer pays (the simulator plays the customer; a real one uses the browser).
    match &simulator {
        Some(sim) => sim.pay(payment.id)?,
        None => println!("Waiting up to 10 minutes for the payment at the URL above…"),
    }

    // 5. GoPay notifies us; the notification carries only the id, so ask for the state.
    //    (A real gateway cannot reach 127.0.0.1: then poll the status instead.)
    let status: Payment = match &simulator {
        Some(_) => {
            let id = notified.recv_timeout(Duration::from_secs(10))?;
            println!("Notification received for payment {id}");
            client.handle_notification(&format!("id={id}"))?
        }
        None => poll_until_settled(&client, payment.id)?,
    };
    println!("Authoritative state: {}", state(&status));
    if status.state != Some(PaymentState::Paid) {
        println!("Not paid; nothing to refund.");
        return Ok(());
    }

    // 6. Refund part of it and list the refunds.
    let refund = client.refund_payment(payment.id, 3000)?;
    println!("Refunded 30.00 CZK: {}", refund.result.as_str());
    let status = client.get_status(payment.id)?;
    println!("State after the refund: {}", state(&status));
    for refund in client.get_history_of_refunds(payment.id)? {
        println!(
            "  refund {}: {} {} {} requested {}",
            refund.id,
            refund.amount,
            refund.currency.as_ref().map_or("", |c| c.as_str()),
            refund.state.as_str(),
            refund.date_requested.as_deref().unwrap_or("?")
        );
    }
    println!("Done.");
    Ok(())
}

fn state(payment: &Payment) -> &str {
    payment.state.as_ref().map_or("?", |s| s.as_str())
}

/// Asks for the state every 5 s until the customer has paid or given up (10 minutes at most).
fn poll_until_settled(client: &Client, id: u64) -> Result<Payment, gopay::Error> {
    for _ in 0..120 {
        let payment = client.get_status(id)?;
        if !matches!(
            payment.state,
            Some(PaymentState::Created | PaymentState::PaymentMethodChosen)
        ) {
            return Ok(payment);
        }
        std::thread::sleep(Duration::from_secs(5));
    }
    client.get_status(id)
}

/// Serves `GET /notify?id=…` on 127.0.0.1 (a real shop serves this on its public URL),
/// answers 200 and hands the id to `ids`. Returns the URL to give GoPay.
fn serve_notifications(ids: mpsc::Sender<u64>) -> Result<String, Box<dyn std::error::Error>> {
    let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = server.server_addr().to_ip().ok_or("no port")?.port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let query = request
                .url()
                .split_once('?')
                .map_or("", |(_, q)| q)
                .to_owned();
            // Answer 200 once the id is understood, so that GoPay stops retrying.
            match gopay::notification_payment_id(&query) {
                Ok(id) => {
                    let _ = request.respond(tiny_http::Response::empty(200));
                    let _ = ids.send(id);
                }
                Err(_) => {
                    let _ = request.respond(tiny_http::Response::empty(400));
                }
            }
        }
    });
    Ok(format!("http://127.0.0.1:{port}/notify"))
}
