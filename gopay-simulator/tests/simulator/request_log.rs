//! The request log is bounded by bytes, not only by count: bodies past
//! [`MAX_RECORDED_BODY`] are kept cut and marked (`body_truncated` in
//! `GET /_simulator/requests`), and the oldest entries go once the log holds
//! [`MAX_RECORDED_BYTES`].

use crate::support;

use gopay_simulator::{
    Fault, FaultTarget, Simulator, MAX_RECORDED_BODY, MAX_RECORDED_BYTES, MAX_RECORDED_REQUESTS,
};
use support::http::send;

/// Posts `body` to the gateway (unauthenticated: answered 401, recorded all the same).
fn post(sim: &Simulator, body: &[u8]) -> u16 {
    let url = format!("{}/payments/payment", sim.gateway_url());
    send("POST", &url, &[("Content-Type", "application/json")], body).status
}

#[test]
fn large_bodies_are_kept_cut_and_marked() {
    let sim = Simulator::start().unwrap();
    assert_eq!(post(&sim, &vec![b'x'; 1024 * 1024]), 401);
    assert_eq!(post(&sim, b"{}"), 401);
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 200,
        content_type: "text/plain",
        body: "y".repeat(MAX_RECORDED_BODY + 10),
        count: 1,
    });
    assert_eq!(post(&sim, b"{}"), 200);

    let log = send(
        "GET",
        &format!("http://127.0.0.1:{}/_simulator/requests", sim.port()),
        &[],
        b"",
    )
    .json();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let (big, small, faulted) = (&entries[0], &entries[1], &entries[2]);
    assert_eq!(big["body"].as_str().unwrap().len(), MAX_RECORDED_BODY);
    assert_eq!(big["body_truncated"], true);
    assert_eq!(big["response"]["status"], 401);
    assert_eq!(big["response"]["body_truncated"], false);
    assert_eq!(small["body"], "{}");
    assert_eq!(small["body_truncated"], false);
    let answer = &faulted["response"];
    assert_eq!(answer["body"].as_str().unwrap().len(), MAX_RECORDED_BODY);
    assert_eq!(answer["body_truncated"], true);

    // The Rust API keeps the same.
    let requests = sim.requests();
    assert_eq!(requests[0].body.len(), MAX_RECORDED_BODY);
    assert!(requests[0].body_truncated);
    assert!(!requests[1].body_truncated);
}

#[test]
fn the_log_holds_at_most_its_bytes() {
    let sim = Simulator::start().unwrap();
    let body = vec![b'x'; MAX_RECORDED_BODY + 1];
    // Enough cut bodies to pass the byte bound well before the count bound.
    let sent = MAX_RECORDED_BYTES / MAX_RECORDED_BODY + 64;
    assert!(sent < MAX_RECORDED_REQUESTS);
    for _ in 0..sent {
        assert_eq!(post(&sim, &body), 401);
    }
    let requests = sim.requests();
    let held: usize = requests.iter().map(|r| r.body.len()).sum();
    assert!(held <= MAX_RECORDED_BYTES, "{held} bytes of bodies");
    assert!(
        requests.len() < sent && requests.len() > sent / 2,
        "{} of {sent} kept",
        requests.len()
    );
    assert!(requests.iter().all(|r| r.body_truncated));
    // The newest stay: a request made now is the last entry.
    assert_eq!(post(&sim, b"{\"last\":1}"), 401);
    assert_eq!(sim.requests().last().unwrap().body, b"{\"last\":1}");
}
