//! Soak test: 16 threads call `get_status` for 60 s through one client against the bundled
//! simulator, whose tokens live 2 s. Prints the figures and fails (exit 1) on any failed
//! call, or when the token requests differ from the token lifetimes elapsed by more than one.
//!
//! ```sh
//! cargo run --release --example soak            # 60 s, 16 threads
//! cargo run --release --example soak -- 10 4    # 10 s, 4 threads
//! ```

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use gopay::{Client, Currency, Item, PaymentRequest};
use gopay_simulator::Simulator;

const TOKEN_LIFETIME: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);

    let sim = Simulator::builder()
        .token_lifetime(TOKEN_LIFETIME)
        .start()
        .expect("start the simulator");
    // No refresh margin: each token serves its whole lifetime, so the token requests should
    // equal the lifetimes elapsed.
    let client = Client::builder(sim.config())
        .token_refresh_margin(Duration::ZERO)
        .build()
        .expect("build the client");
    let payment = client
        .create_payment(
            &PaymentRequest::new(10000, Currency::Czk, "soak-1")
                .item(Item::new("Soak", 10000))
                .callback("https://shop.example/return", "https://shop.example/notify"),
        )
        .expect("create a payment");
    let tokens_before = sim.token_requests();

    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (client, stop, barrier) = (client.clone(), stop.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                barrier.wait();
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    match client.get_status(payment.id) {
                        Ok(_) => latencies.push(started.elapsed()),
                        Err(err) => failures.push(err.to_string()),
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for worker in workers {
        let (l, f) = worker.join().expect("a worker panicked");
        latencies.extend(l);
        failures.extend(f);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    // The token fetched for the payment before the run is still serving at its start.
    let token_requests = sim.token_requests() - tokens_before + 1;
    let lifetimes = elapsed.as_secs_f64() / TOKEN_LIFETIME.as_secs_f64();
    println!(
        "soak: {threads} threads for {:.1} s, token lifetime {TOKEN_LIFETIME:?}",
        elapsed.as_secs_f64()
    );
    println!("  calls ok           {}", latencies.len());
    println!("  calls failed       {}", failures.len());
    println!(
        "  calls per second   {:.0}",
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency p50 / p99 / max   {:?} / {:?} / {:?}",
        percentile(0.5),
        percentile(0.99),
        percentile(1.0)
    );
    println!("  token requests     {token_requests} (lifetimes elapsed {lifetimes:.1})");
    for failure in failures.iter().take(5) {
        println!("  failure: {failure}");
    }
    if !failures.is_empty() || token_requests.abs_diff(lifetimes.ceil() as usize) > 1 {
        println!("soak: FAILED");
        return ExitCode::FAILURE;
    }
    println!("soak: ok");
    ExitCode::SUCCESS
}
