//! Clients that open connections and never finish a request: a stalled head is closed after
//! the head timeout, a stalled body answered 408, and past the connection limit the
//! connection that waited longest goes, so a normal client is still answered at once.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use gopay::Client;
use gopay_simulator::{Simulator, DEFAULT_HEAD_TIMEOUT};

/// A bound on every wait, far above what any step should take.
const BOUND: Duration = Duration::from_secs(20);

/// The short head timeout of most tests here.
const TIMEOUT: Duration = Duration::from_millis(300);

/// A connection whose reads give up after [`BOUND`].
fn connected(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    stream
}

/// A simulator with the head timeout [`TIMEOUT`], and a connection to it.
fn impatient() -> (Simulator, TcpStream) {
    let sim = Simulator::builder().head_timeout(TIMEOUT).start().unwrap();
    let stream = connected(sim.local_addr());
    (sim, stream)
}

/// A connection that sent the start of a request head and stops there.
fn stalled(addr: SocketAddr) -> TcpStream {
    let mut stream = connected(addr);
    stream
        .write_all(b"GET /api/payments/payment/1 HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    stream
}

/// Reads until the server closes `stream`; panics if it answers or does not close within
/// [`BOUND`].
fn wait_closed(stream: &mut TcpStream) {
    let mut buf = [0; 256];
    match stream.read(&mut buf) {
        Ok(0) => {}
        // Closed with unread data (the partial head) on the server side: a reset.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Ok(n) => panic!(
            "answered instead of closed: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) => panic!("not closed within {BOUND:?}: {e}"),
    }
}

#[test]
fn a_stalled_head_is_closed_after_the_head_timeout() {
    assert_eq!(DEFAULT_HEAD_TIMEOUT, Duration::from_secs(10));
    let opened = Instant::now();
    let (sim, mut silent) = impatient();
    let mut half = stalled(sim.local_addr());
    wait_closed(&mut half);
    wait_closed(&mut silent);
    let waited = opened.elapsed();
    assert!(
        waited >= TIMEOUT,
        "closed after {waited:?}, before the timeout"
    );
    // The server is fine: a whole request is answered.
    let client = Client::new(sim.config()).unwrap();
    assert!(client.get_status(1).is_err_and(|e| e.status() == Some(404)));
}

#[test]
fn an_idle_keep_alive_connection_closes_after_the_head_timeout_too() {
    let (_sim, mut stream) = impatient();
    stream
        .write_all(b"GET /api/none HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0; 1024];
    while !String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&buf[..n]);
    }
    let answered = Instant::now();
    assert!(answer.starts_with(b"HTTP/1.1 404"), "{answer:?}");
    // Read the rest of the 404's body, then the close.
    let length: usize = String::from_utf8_lossy(&answer)
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut body = answer.len() - head_end;
    while body < length {
        body += stream.read(&mut buf).unwrap();
    }
    wait_closed(&mut stream);
    assert!(answered.elapsed() >= TIMEOUT);
}

#[test]
fn a_stalled_body_is_answered_408_after_the_head_timeout() {
    let (sim, mut stream) = impatient();
    let sent = Instant::now();
    stream
        .write_all(
            b"POST /api/payments/payment HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"amount\"",
        )
        .unwrap();
    let mut answer = Vec::new();
    // The answer, then the close (the rest of the body is never read).
    let _ = stream.read_to_end(&mut answer);
    assert!(
        sent.elapsed() >= TIMEOUT,
        "answered after {:?}",
        sent.elapsed()
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"error_code\":116"), "{text}");
    // The request is in the log as far as it came, marked cut.
    let recorded = sim.requests();
    assert_eq!(recorded[0].body, b"{\"amount\"");
    assert!(recorded[0].body_truncated);
}

#[test]
fn held_connections_do_not_starve_a_normal_client() {
    let limit = 16;
    // The default head timeout: the held connections stay until something closes them.
    let sim = Simulator::builder().max_connections(limit).start().unwrap();
    let held: Vec<TcpStream> = (0..4 * limit).map(|_| stalled(sim.local_addr())).collect();
    // A normal client gets in and is answered at once.
    let client = Client::builder(sim.config())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let asked = Instant::now();
    assert!(client.get_status(1).is_err_and(|e| e.status() == Some(404)));
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "answered after {:?}",
        asked.elapsed()
    );
    // Room was made by closing the connections that had waited longest: the first ones.
    for mut stream in held.into_iter().take(3 * limit - 2) {
        wait_closed(&mut stream);
    }
}
