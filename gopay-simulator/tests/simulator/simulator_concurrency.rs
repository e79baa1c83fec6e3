//! Many threads and clients against one `gopay_simulator` at once: no lost requests, one
//! token per cold client, customer actions racing API calls, paused answers holding up no
//! one else.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use gopay::{Client, Currency, Error, Item, PaymentRequest, PaymentState};
use gopay_simulator::{Fault, FaultTarget, Simulator, WORKER_THREADS};

const THREADS: usize = 64;
const CALLS_PER_THREAD: usize = 5;

fn order(amount: i64, number: &str) -> PaymentRequest {
    PaymentRequest::new(amount, Currency::Czk, number).item(Item::new("Goods", amount))
}

/// 64 threads, one shared client that has no token yet, `CALLS_PER_THREAD` status calls each,
/// all released at once. Returns (successes, failures as text, token requests).
fn storm(sim: &Simulator) -> (usize, Vec<String>, usize) {
    let id = sim.create_payment(&order(100, "storm")).unwrap().id;
    // No retries, so a lost request shows; a timeout well below the default to fail fast.
    let client = Client::builder(sim.config())
        .max_retries(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(THREADS));
    let ok = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, barrier, ok) = (client.clone(), barrier.clone(), ok.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut failures = Vec::new();
                for _ in 0..CALLS_PER_THREAD {
                    match client.get_status(id) {
                        Ok(payment) if payment.id == id => {
                            ok.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(other) => failures.push(format!("wrong payment {}", other.id)),
                        Err(err) => failures.push(err.to_string()),
                    }
                }
                failures
            })
        })
        .collect();
    let failures = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a storm thread panicked"))
        .collect();
    (ok.load(Ordering::SeqCst), failures, sim.token_requests())
}

#[test]
fn cold_storm_through_one_client_makes_one_token_request() {
    const { assert!(THREADS > WORKER_THREADS, "more callers than workers") };
    let sim = Simulator::start().unwrap();
    let (ok, failures, tokens) = storm(&sim);
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(ok, THREADS * CALLS_PER_THREAD);
    assert_eq!(tokens, 1);
    let gets = sim.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, THREADS * CALLS_PER_THREAD, "no repeated requests");
}

#[test]
fn ten_cold_storms_lose_no_request() {
    let started = Instant::now();
    for round in 0..10 {
        let sim = Simulator::start().unwrap();
        let (ok, failures, tokens) = storm(&sim);
        assert!(failures.is_empty(), "round {round}: {failures:?}");
        assert_eq!(ok, THREADS * CALLS_PER_THREAD, "round {round}");
        assert_eq!(tokens, 1, "round {round}");
        // Dropping the simulator stops it promptly even with idle keep-alive connections.
        let stopping = Instant::now();
        drop(sim);
        assert!(stopping.elapsed() < Duration::from_secs(5), "round {round}");
    }
    eprintln!(
        "10 storms of {} calls in {:?}",
        THREADS * CALLS_PER_THREAD,
        started.elapsed()
    );
}

#[test]
fn clients_and_customers_at_once() {
    const CLIENTS: usize = 4;
    const THREADS_PER_CLIENT: usize = 4;
    const PAYMENTS_PER_THREAD: usize = 5;
    let sim = Arc::new(Simulator::start().unwrap());
    let (sender, received) = std::sync::mpsc::channel::<u64>();
    // Every shop thread, both customers and this thread start together.
    let barrier = Arc::new(Barrier::new(CLIENTS * THREADS_PER_CLIENT + 2 + 1));

    // Customers: pay every payment the shops create, from two other threads.
    let received = Arc::new(std::sync::Mutex::new(received));
    let customers: Vec<_> = (0..2)
        .map(|_| {
            let (sim, received, barrier) = (sim.clone(), received.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut paid = 0;
                loop {
                    let next = received
                        .lock()
                        .unwrap()
                        .recv_timeout(Duration::from_secs(10));
                    match next {
                        Ok(id) => {
                            sim.pay(id).unwrap();
                            paid += 1;
                        }
                        Err(_) => return paid,
                    }
                }
            })
        })
        .collect();

    // Shops: several clients, each shared by several threads, create payments, wait until
    // they are paid, then refund half.
    let mut shops = Vec::new();
    for c in 0..CLIENTS {
        let client = Client::new(sim.config()).unwrap();
        for t in 0..THREADS_PER_CLIENT {
            let (client, sender, barrier) = (client.clone(), sender.clone(), barrier.clone());
            shops.push(std::thread::spawn(move || {
                barrier.wait();
                for p in 0..PAYMENTS_PER_THREAD {
                    let number = format!("c{c}-t{t}-p{p}");
                    let id = client.create_payment(&order(1000, &number)).unwrap().id;
                    sender.send(id).unwrap();
                    let deadline = Instant::now() + Duration::from_secs(10);
                    loop {
                        let state = client.get_status(id).unwrap().state;
                        if state == Some(PaymentState::Paid) {
                            break;
                        }
                        assert!(Instant::now() < deadline, "{number} never paid");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    client.refund_payment(id, 500).unwrap();
                    let err = client.refund_payment(id, 501).unwrap_err();
                    assert!(matches!(err, Error::Api { status: 409, .. }), "{err:?}");
                }
            }));
        }
    }
    drop(sender);
    barrier.wait();
    for shop in shops {
        shop.join().expect("a shop thread panicked");
    }
    let paid: usize = customers
        .into_iter()
        .map(|c| c.join().expect("a customer thread panicked"))
        .sum();
    let total = CLIENTS * THREADS_PER_CLIENT * PAYMENTS_PER_THREAD;
    assert_eq!(paid, total);
    assert_eq!(sim.token_requests(), CLIENTS, "one token per client");
    let first = 3_000_000_001;
    for id in first..first + total as u64 {
        let payment = sim.payment(id).unwrap();
        assert_eq!(payment.state, Some(PaymentState::PartiallyRefunded), "{id}");
    }
}

#[test]
fn answers_keep_their_connection_open() {
    // HTTP/1.1 keep-alive: no answer asks the client to close, whatever its status.
    let sim = Simulator::start().unwrap();
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .new_agent();
    for path in ["/api/payments/payment/1", "/nowhere", "/api/oauth2/token"] {
        let response = agent
            .get(format!("http://127.0.0.1:{}{path}", sim.port()))
            .call()
            .unwrap();
        assert_eq!(response.headers().get("connection"), None, "{path}");
        // A connection goes back to the pool only once its answer has been read.
        response.into_body().read_to_vec().unwrap();
    }
    assert_eq!(
        sim.connections(),
        1,
        "the three requests share one connection"
    );
}

#[test]
fn parallel_simulators_are_independent() {
    let sims: Vec<Simulator> = (0..4).map(|_| Simulator::start().unwrap()).collect();
    let ports: std::collections::HashSet<u16> = sims.iter().map(Simulator::port).collect();
    assert_eq!(ports.len(), sims.len());
    std::thread::scope(|scope| {
        for (n, sim) in sims.iter().enumerate() {
            scope.spawn(move || {
                let client = Client::new(sim.config()).unwrap();
                for p in 0..=n {
                    client
                        .create_payment(&order(100, &format!("p{p}")))
                        .unwrap();
                }
                sim.pay(3_000_000_001).unwrap();
            });
        }
    });
    for (n, sim) in sims.iter().enumerate() {
        assert_eq!(
            sim.payment(3_000_000_001 + n as u64).map(|p| p.id),
            Some(3_000_000_001 + n as u64)
        );
        assert!(sim.payment(3_000_000_002 + n as u64).is_none());
        assert_eq!(sim.token_requests(), 1);
    }
}

#[test]
fn paused_answers_hold_up_no_other_connection() {
    // More paused requests than the server has threads: each pause hands its thread's other
    // connections on, so a request on another connection is still answered at once.
    let sim = Simulator::start().unwrap();
    let paused = WORKER_THREADS + 2;
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::from_secs(600),
        count: paused as u32,
    });
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .new_agent();
    let url = format!("{}/payments/payment/1", sim.gateway_url());
    let callers: Vec<_> = (0..paused)
        .map(|_| {
            let (agent, url) = (agent.clone(), url.clone());
            // Each on a connection of its own: an agent's pool gives a busy one to no one.
            std::thread::spawn(move || agent.get(&url).call().map(|r| r.status().as_u16()))
        })
        .collect();
    // A request is in the log as soon as it arrived, before its pause.
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.requests().len() < paused {
        assert!(
            Instant::now() < deadline,
            "the paused requests did not arrive"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let asked = Instant::now();
    let control = format!("http://127.0.0.1:{}/_simulator/payments", sim.port());
    let status = agent.get(&control).call().unwrap().status();
    assert_eq!(status, 200);
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        asked.elapsed()
    );
    // Stopping cuts the pauses short; the paused requests end one way or another.
    drop(sim);
    for caller in callers {
        let _ = caller.join().unwrap();
    }
}
