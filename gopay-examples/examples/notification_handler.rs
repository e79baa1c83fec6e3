//! A notification handler: GoPay calls `GET {notification_url}?id=…` on every state change
//! and retries until it is answered 200. The notification says nothing but the id, so the
//! handler reads the authoritative state with `handle_notification` and updates the order.
//! Runs offline on the bundled simulator, which sends real notifications to this handler.
//!
//! ```sh
//! cargo run --example notification_handler
//! ```

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start()?;
    let client = Client::new(sim.config())?;
    let orders: Arc<Mutex<HashMap<u64, PaymentState>>> = Arc::default();
    let (seen_tx, seen) = mpsc::channel();

    // The shop's handler. A web framework would route here; tiny_http keeps it short.
    let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?;
    let notify_url = format!("http://{}/gopay/notify", server.server_addr());
    {
        let (client, orders) = (client.clone(), orders.clone());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let query = request
                    .url()
                    .split_once('?')
                    .map_or("", |(_, q)| q)
                    .to_owned();
                // Idempotent: the same state may be notified more than once.
                let status = match client.handle_notification(&query) {
                    Ok(payment) => {
                        if let Some(state) = payment.state.clone() {
                            orders.lock().unwrap().insert(payment.id, state.clone());
                            let _ = seen_tx.send((payment.id, state));
                        }
                        200
                    }
                    // Not 200: GoPay will try again later.
                    Err(err) => {
                        eprintln!("notification not handled: {err}");
                        if err.is_timeout() {
                            503
                        } else {
                            400
                        }
                    }
                };
                let _ = request.respond(tiny_http::Response::empty(status));
            }
        });
    }

    let paid = client.create_payment(&order("n-1", &notify_url))?;
    let cancelled = client.create_payment(&order("n-2", &notify_url))?;
    sim.pay(paid.id)?;
    sim.cancel(cancelled.id)?;
    for _ in 0..2 {
        let (id, state) = seen.recv_timeout(Duration::from_secs(10))?;
        println!("notified: payment {id} is {}", state.as_str());
    }
    println!("orders: {:?}", orders.lock().unwrap());
    Ok(())
}

fn order(number: &str, notify_url: &str) -> PaymentRequest {
    PaymentRequest::new(5000, Currency::Czk, number)
        .item(Item::new("Book", 5000))
        .callback("https://shop.example/return", notify_url)
}
