//! One attempt to deliver a notification: a GET of its URL (or a POST of a JSON body), and
//! what came of it — the shop's status, or in a word why there was none.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

/// The bound on one notification attempt (connect, send and answer).
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);

/// What an attempt sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Call {
    pub(crate) url: String,
    /// A JSON body to POST; `None` for a GET.
    pub(crate) body: Option<String>,
}

/// What one attempt got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The shop's HTTP status, when it answered.
    pub(crate) status: Option<u16>,
    /// Why there was no answer.
    pub(crate) error: Option<String>,
    /// How long the attempt took.
    pub(crate) took: Duration,
}

/// The HTTP client of the notifications: no proxy, no redirect followed (a `3xx` is the
/// shop's answer, as at GoPay), every status an answer, each call bounded.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(ATTEMPT_TIMEOUT))
        .user_agent("GoPay simulator notifications")
        .build()
        .new_agent()
}

/// Makes `call` once.
pub(crate) fn attempt(agent: &ureq::Agent, call: &Call) -> Outcome {
    let started = Instant::now();
    let answer = match &call.body {
        None => agent.get(&call.url).call(),
        Some(body) => agent
            .post(&call.url)
            .content_type("application/json")
            .send(body.as_bytes()),
    };
    let (status, error) = match answer {
        Ok(mut response) => {
            // Read (a bounded amount of) the body so the connection can be reused.
            let _ = response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_vec();
            (Some(response.status().as_u16()), None)
        }
        Err(e) => (None, Some(reason(&e))),
    };
    Outcome {
        status,
        error,
        took: started.elapsed(),
    }
}

/// Why a call got no answer, in a word or two a developer recognises.
fn reason(error: &ureq::Error) -> String {
    let word = match error {
        ureq::Error::Timeout(_) => "timeout",
        ureq::Error::HostNotFound => "host not found",
        ureq::Error::ConnectionFailed => "connection failed",
        ureq::Error::Protocol(_) => "not an HTTP answer",
        ureq::Error::Io(e) => match e.kind() {
            ErrorKind::ConnectionRefused => "refused",
            ErrorKind::TimedOut | ErrorKind::WouldBlock => "timeout",
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof => "closed without an answer",
            _ => return format!("connection error: {e}"),
        },
        other => return format!("error: {other}"),
    };
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A GET of `url`.
    fn get(url: &str) -> Call {
        Call {
            url: url.to_owned(),
            body: None,
        }
    }

    #[test]
    fn each_failure_is_named() {
        let agent = agent();
        // A port nobody listens on: bind, note the port, close.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let refused = attempt(&agent, &get(&format!("http://127.0.0.1:{port}/n")));
        assert_eq!(
            (refused.status, refused.error.as_deref()),
            (None, Some("refused"))
        );

        // A shop that reads the request and hangs up without answering.
        let closed = attempt(&agent, &get(&one_connection(b"")));
        assert_eq!(closed.status, None);
        assert_eq!(closed.error.as_deref(), Some("closed without an answer"));

        // A shop that answers something other than HTTP.
        let garbled = attempt(&agent, &get(&one_connection(b"SSH-2.0-OpenSSH\r\n\r\n")));
        assert_eq!(garbled.status, None);
        assert_eq!(garbled.error.as_deref(), Some("not an HTTP answer"));

        // A shop that takes the connection (the kernel's backlog does) and never answers.
        let silent = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/n", silent.local_addr().unwrap());
        let timeout = attempt(&agent, &get(&url));
        assert_eq!(timeout.error.as_deref(), Some("timeout"));
        assert!(timeout.took >= ATTEMPT_TIMEOUT, "{:?}", timeout.took);
    }

    /// A URL whose server takes one connection, reads the request, writes `reply` and closes.
    fn one_connection(reply: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/n", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut head = [0u8; 1024];
            let _ = socket.read(&mut head);
            let _ = socket.write_all(reply);
        });
        url
    }
}
