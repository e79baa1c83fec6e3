//! A shop's notification endpoint for the simulator tests: records each request's path and
//! query on a channel (and the whole request, method and body too, on another) and answers
//! with the given statuses in turn, then 200.

use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a test waits for a notification.
pub const WAIT: Duration = Duration::from_secs(10);

/// One request the shop received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub method: String,
    /// Path and query.
    pub url: String,
    pub content_type: Option<String>,
    pub body: String,
}

pub struct Shop {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    pub url: String,
    pub received: Receiver<String>,
    pub requests: Receiver<Received>,
}

impl Shop {
    pub fn start(statuses: Vec<u16>) -> Shop {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind the shop"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let (sender, received) = mpsc::channel();
        let (request_sender, requests) = mpsc::channel();
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            let mut statuses = statuses.into_iter();
            for mut request in serving.incoming_requests() {
                let status = statuses.next().unwrap_or(200);
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let content_type = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Content-Type"))
                    .map(|h| h.value.as_str().to_owned());
                let _ = request_sender.send(Received {
                    method: request.method().as_str().to_owned(),
                    url: request.url().to_owned(),
                    content_type,
                    body,
                });
                let _ = sender.send(request.url().to_owned());
                let _ = request.respond(tiny_http::Response::empty(status));
            }
        });
        Shop {
            server,
            thread: Some(thread),
            url: format!("http://127.0.0.1:{port}/notify"),
            received,
            requests,
        }
    }

    /// The next notification's path and query.
    pub fn next(&self) -> String {
        self.received
            .recv_timeout(WAIT)
            .expect("a notification within the wait")
    }

    /// The next request, whole (read from its own channel: [`next`](Shop::next) does not
    /// take from it).
    pub fn next_request(&self) -> Received {
        self.requests
            .recv_timeout(WAIT)
            .expect("a request within the wait")
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
