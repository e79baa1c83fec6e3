//! Starts the shop: against GoPay when the four GOPAY_* variables are set, else against the
//! bundled simulator, so that `cargo run -p gopay-shop` works offline.
//!
//! Other variables: `PORT` (default: a free port), `SHOP_PUBLIC_URL` (the origin customers
//! and GoPay reach the shop at; default `http://127.0.0.1:PORT`), `SHOP_ADMIN_TOKEN` (the
//! refund action's bearer token; required with a real gateway, made up for the simulator).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::post;
use axum::Router;
use gopay::{Client, Config};
use gopay_shop::{app, AppState, MemoryOrders};
use gopay_simulator::Simulator;

const GOPAY_VARIABLES: [&str; 4] = [
    "GOPAY_GOID",
    "GOPAY_CLIENT_ID",
    "GOPAY_CLIENT_SECRET",
    "GOPAY_GATEWAY_URL",
];

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gopay-shop: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (set, missing): (Vec<&str>, Vec<&str>) = GOPAY_VARIABLES
        .iter()
        .partition(|name| variable(name).is_some());
    // Kept alive as long as the shop runs: dropping it stops the simulated gateway.
    let simulator = if missing.is_empty() {
        None
    } else if set.is_empty() {
        println!("No GOPAY_* variables set: using the bundled GoPay simulator (offline).");
        Some(Arc::new(Simulator::start()?))
    } else {
        // Only some set is a mistake worth stopping for, not a reason to run offline.
        return Err(format!(
            "{} not set while {} set: set all four to use a real gateway, or none to use the \
             bundled simulator",
            missing.join(", "),
            set.join(", ")
        )
        .into());
    };
    let config = match &simulator {
        Some(sim) => sim.config(),
        None => Config::from_env()?,
    };
    let admin_token = match (variable("SHOP_ADMIN_TOKEN"), &simulator) {
        (Some(token), _) => token,
        (None, Some(_)) => made_up_token(),
        (None, None) => return Err("SHOP_ADMIN_TOKEN is not set: refunds need it".into()),
    };
    let client = Client::new(config)?;

    let port: u16 = match variable("PORT") {
        Some(port) => port.parse().map_err(|_| "PORT is not a port number")?,
        None => 0,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    let public_url = variable("SHOP_PUBLIC_URL").unwrap_or_else(|| format!("http://{address}"));

    println!("Gateway: {}", client.api_base_url());
    println!("Shop: http://{address}/");
    if simulator.is_none() && public_url.contains("127.0.0.1") {
        println!(
            "Note: GoPay cannot reach {public_url}/notify; set SHOP_PUBLIC_URL to an address \
             it can reach, or only the customer's return updates orders."
        );
    }
    if simulator.is_some() {
        println!(
            "Offline, the customer pays with: curl -i -X POST http://{address}/simulator/pay/PAYMENT_ID"
        );
        println!(
            "Refund a paid order: curl -H 'Authorization: Bearer {admin_token}' \
             -d amount=30.00 http://{address}/orders/shop-000001/refund"
        );
    }

    let state = AppState::new(
        Arc::new(MemoryOrders::new()),
        client,
        &public_url,
        &admin_token,
    );
    let mut router = app(state);
    if let Some(sim) = simulator {
        router = router.merge(simulated_customer(sim));
    }
    axum::serve(listener, router).await?;
    Ok(())
}

/// Offline only, never part of the shop: `POST /simulator/pay/{payment id}` plays the
/// customer paying on the simulated gateway (whose page shows the payment id), then sends
/// the browser back to the shop's return page as GoPay's gateway does.
fn simulated_customer(sim: Arc<Simulator>) -> Router {
    Router::new().route(
        "/simulator/pay/{id}",
        post(move |Path(id): Path<u64>| async move {
            // A blocking API (it waits for the simulator's locks): off the async executor.
            match tokio::task::spawn_blocking(move || sim.pay(id)).await {
                Ok(Ok(())) => Redirect::to(&format!("/return?id={id}")).into_response(),
                Ok(Err(err)) => (StatusCode::CONFLICT, err.to_string()).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }),
    )
}

/// The variable's value, `None` when unset or blank.
fn variable(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// A token for the offline demo: `RandomState` is seeded from the operating system's
/// randomness, which is plenty for a token that lives as long as the process.
fn made_up_token() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u8(0);
    format!("{:016x}", hasher.finish())
}
