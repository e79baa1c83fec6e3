//! The server keeps connections alive and loses none: many calls on few connections, and a
//! cold storm of new connections all answered.

use std::sync::Barrier;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;

fn new_payment(sim: &Simulator) -> u64 {
    sim.create_payment(
        &PaymentRequest::new(100, Currency::Czk, "keep-alive").item(Item::new("Tea", 100)),
    )
    .unwrap()
    .id
}

#[test]
fn threads_share_a_few_kept_alive_connections() {
    const THREADS: usize = 8;
    const CALLS_PER_THREAD: usize = 25;
    let sim = Simulator::start().unwrap();
    let id = new_payment(&sim);
    let client = Client::new(sim.config()).unwrap();
    let start = Barrier::new(THREADS);
    let answered: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    (0..CALLS_PER_THREAD)
                        .filter(|_| {
                            let status = client.get_status(id).expect("a call was lost");
                            status.state == Some(PaymentState::Created)
                        })
                        .count()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    let calls = THREADS * CALLS_PER_THREAD;
    assert_eq!(answered, calls);
    let connections = sim.connections();
    // At most one connection per thread (plus the token's), whatever the interleaving; a
    // server closing after each answer would need one per call.
    assert!(
        connections <= THREADS as u64 + 1,
        "{connections} connections for {calls} calls"
    );
    assert!(connections >= 1);
}

#[test]
fn a_cold_storm_of_new_clients_is_answered() {
    const THREADS: usize = 256;
    let sim = Simulator::start().unwrap();
    let id = new_payment(&sim);
    let start = Barrier::new(THREADS);
    let answered = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    // A client of its own: fresh connections, a token of its own.
                    let client = Client::new(sim.config()).unwrap();
                    start.wait();
                    client.get_status(id)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .filter(|status| {
                let status = status.as_ref().expect("a call was lost");
                status.state == Some(PaymentState::Created)
            })
            .count()
    });
    assert_eq!(answered, THREADS);
    assert_eq!(sim.token_requests(), THREADS);
    // Each client's token and status calls share its one connection.
    assert_eq!(sim.connections(), THREADS as u64);
}
