//! GoPay's notifications: an HTTP GET of `notification_url?id=<payment id>` sent by
//! background threads after a state change, retried until it is answered `200`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use serde::{Deserialize, Serialize};

use gopay::PaymentState;

/// How many notifications are sent at the same time.
const SENDER_THREADS: usize = 4;

/// The bound on one notification attempt (connect, send and answer).
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);

/// One notification the simulator sent (or is sending) to an e-shop.
///
/// The simulator sends notifications only to loopback hosts (`127.0.0.0/8`, `[::1]`,
/// `localhost` and names under it such as `shop.localhost`; never a URL with user info), since
/// it is meant to stay offline; one for any other host is recorded with
/// `attempts == 0` and `finished == true`, and never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notification {
    /// The URL called: the payment's `callback.notification_url` with `id=<payment id>`
    /// added to its query.
    pub url: String,
    /// The payment the notification is about.
    pub payment_id: u64,
    /// The state the payment changed to (what a status call would have shown then).
    pub state: PaymentState,
    /// How many times the URL was called so far.
    pub attempts: u32,
    /// Whether an attempt was answered `200`.
    pub delivered: bool,
    /// Whether no further attempt will be made: delivered, out of attempts, or not sent.
    pub finished: bool,
    /// The HTTP status of the last attempt; `None` before the first answer or when the last
    /// attempt got none (connection refused, timeout).
    pub last_status: Option<u16>,
}

/// A notification to send, produced by a state change.
#[derive(Clone, Debug)]
pub(crate) struct Notice {
    pub(crate) notification_url: String,
    pub(crate) payment_id: u64,
    pub(crate) state: PaymentState,
}

/// The notification sender: a log of every notification, a schedule of pending attempts,
/// and the threads that work through it.
pub(crate) struct Notifier {
    shared: Arc<Inner>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

struct Inner {
    state: Mutex<State>,
    /// Wakes senders: new work, or shutdown.
    work: Condvar,
    /// Wakes waiters of [`Notifier::wait_finished`].
    finished: Condvar,
    max_attempts: u32,
    retry_delay: Duration,
    /// Hosts besides loopback that notifications may go to, lower case, IPv6 unbracketed.
    allowed_hosts: Vec<String>,
    agent: ureq::Agent,
}

#[derive(Default)]
struct State {
    log: Vec<Notification>,
    /// (due time, sequence number, index into `log`), earliest first.
    schedule: BinaryHeap<Reverse<(Instant, u64, usize)>>,
    sequence: u64,
    shutdown: bool,
}

impl Notifier {
    /// Starts the sender threads.
    pub(crate) fn start(
        max_attempts: u32,
        retry_delay: Duration,
        allowed_hosts: &[String],
    ) -> std::io::Result<Notifier> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .timeout_global(Some(ATTEMPT_TIMEOUT))
            .user_agent("GoPay simulator notifications")
            .build()
            .new_agent();
        let shared = Arc::new(Inner {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            finished: Condvar::new(),
            max_attempts,
            retry_delay,
            allowed_hosts: allowed_hosts
                .iter()
                .map(|host| unbracketed(&host.to_ascii_lowercase()).to_owned())
                .collect(),
            agent,
        });
        let notifier = Notifier {
            shared,
            threads: Mutex::new(Vec::new()),
        };
        for n in 0..SENDER_THREADS {
            let shared = Arc::clone(&notifier.shared);
            let handle = std::thread::Builder::new()
                .name(format!("gopay-sim-notify-{n}"))
                .spawn(move || shared.run());
            match handle {
                Ok(handle) => notifier.threads.lock().push(handle),
                Err(e) => {
                    notifier.stop();
                    return Err(e);
                }
            }
        }
        Ok(notifier)
    }

    /// Records `notices` and schedules their first attempt now. Never blocks on I/O.
    pub(crate) fn send(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        let mut state = self.shared.state.lock();
        let now = Instant::now();
        for notice in notices {
            let url = with_id(&notice.notification_url, notice.payment_id);
            // A notification to any other host is not sent; it stays in the log, finished
            // with no attempt, for the test to see.
            let sendable = self.shared.sendable(&url);
            state.log.push(Notification {
                url,
                payment_id: notice.payment_id,
                state: notice.state,
                attempts: 0,
                delivered: false,
                finished: !sendable,
                last_status: None,
            });
            if sendable {
                let index = state.log.len() - 1;
                state.schedule_at(now, index);
            }
        }
        drop(state);
        self.shared.work.notify_all();
        self.shared.finished.notify_all();
    }

    /// Takes over the log of a saved simulator: the notifications not finished then are
    /// attempted again now (when their host may still be called; else they are finished).
    pub(crate) fn restore(&self, log: Vec<Notification>) {
        let mut state = self.shared.state.lock();
        let now = Instant::now();
        state.log = log;
        for index in 0..state.log.len() {
            let entry = &mut state.log[index];
            if entry.finished {
                continue;
            }
            if self.shared.sendable(&entry.url) && entry.attempts < self.shared.max_attempts {
                state.schedule_at(now, index);
            } else {
                entry.finished = true;
            }
        }
        drop(state);
        self.shared.work.notify_all();
        self.shared.finished.notify_all();
    }

    /// Every notification so far, oldest first.
    pub(crate) fn log(&self) -> Vec<Notification> {
        self.shared.state.lock().log.clone()
    }

    /// Waits until every notification so far is finished, at most `timeout`.
    pub(crate) fn wait_finished(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.state.lock();
        loop {
            if state.log.iter().all(|n| n.finished) {
                return true;
            }
            if state.shutdown
                || self
                    .shared
                    .finished
                    .wait_until(&mut state, deadline)
                    .timed_out()
            {
                return state.log.iter().all(|n| n.finished);
            }
        }
    }

    /// Stops the senders (pending attempts are dropped) and joins them; an attempt in
    /// flight finishes first (at most [`ATTEMPT_TIMEOUT`]).
    pub(crate) fn stop(&self) {
        self.shared.state.lock().shutdown = true;
        self.shared.work.notify_all();
        self.shared.finished.notify_all();
        let threads = std::mem::take(&mut *self.threads.lock());
        for thread in threads {
            let _ = thread.join();
        }
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        self.stop();
    }
}

impl State {
    fn schedule_at(&mut self, due: Instant, index: usize) {
        self.sequence += 1;
        self.schedule.push(Reverse((due, self.sequence, index)));
    }
}

impl Inner {
    /// Whether a notification to `url` is sent at all.
    fn sendable(&self, url: &str) -> bool {
        self.max_attempts > 0 && (is_loopback_url(url) || is_allowed_url(url, &self.allowed_hosts))
    }

    fn run(&self) {
        while let Some((index, url)) = self.next_due() {
            let status = self.attempt(&url);
            let mut state = self.state.lock();
            let max_attempts = self.max_attempts;
            let Some(entry) = state.log.get_mut(index) else {
                continue;
            };
            entry.attempts += 1;
            entry.last_status = status;
            let retry = if status == Some(200) {
                entry.delivered = true;
                entry.finished = true;
                false
            } else if entry.attempts >= max_attempts {
                entry.finished = true;
                false
            } else {
                true
            };
            if retry {
                state.schedule_at(Instant::now() + self.retry_delay, index);
                drop(state);
                self.work.notify_all();
            } else {
                drop(state);
                self.finished.notify_all();
            }
        }
    }

    /// Waits for the next due attempt; `None` on shutdown.
    fn next_due(&self) -> Option<(usize, String)> {
        let mut state = self.state.lock();
        loop {
            if state.shutdown {
                return None;
            }
            match state.schedule.peek().copied() {
                Some(Reverse((due, _, index))) if due <= Instant::now() => {
                    state.schedule.pop();
                    let url = state.log.get(index).map(|n| n.url.clone());
                    if let Some(url) = url {
                        return Some((index, url));
                    }
                }
                Some(Reverse((due, _, _))) => {
                    self.work.wait_until(&mut state, due);
                }
                None => self.work.wait(&mut state),
            }
        }
    }

    /// One GET; the answer's status, or `None` when there was no answer.
    fn attempt(&self, url: &str) -> Option<u16> {
        match self.agent.get(url).call() {
            Ok(mut response) => {
                let status = response.status().as_u16();
                // Read (a bounded amount of) the body so the connection can be reused.
                let _ = response
                    .body_mut()
                    .with_config()
                    .limit(64 * 1024)
                    .read_to_vec();
                Some(status)
            }
            Err(_) => None,
        }
    }
}

/// `url` with `id=<payment id>` added to its query (before any `#fragment`).
pub(crate) fn with_id(url: &str, payment_id: u64) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}id={payment_id}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Whether `url` is `http(s)://` to a loopback host: an IPv4 address in `127.0.0.0/8`
/// written as four decimal numbers, the IPv6 address `[::1]`, or the name `localhost` or
/// one under it (`shop.localhost`, RFC 6761), in any letter case, with an optional decimal
/// port.
///
/// Strict on purpose, since anything else may leave the machine: a URL with user info
/// (`http://127.0.0.1@evil.example/`, where the host is `evil.example`), a name that only
/// starts like a loopback address (`127.0.0.1.evil.example`), percent-encoded, shortened
/// (`127.1`) or IPv4-mapped (`[::ffff:127.0.0.1]`) forms, a trailing dot, a zone id, a
/// backslash, whitespace or a bad port are all refused.
pub(crate) fn is_loopback_url(url: &str) -> bool {
    match http_host(url) {
        Some(Host::Bracketed(host)) => host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback()),
        Some(Host::Plain(host)) => is_loopback_host(&host),
        None => false,
    }
}

/// Whether `url` is `http(s)://` to exactly one of `hosts` (lower case, IPv6 without
/// brackets), parsed as strictly as [`is_loopback_url`].
fn is_allowed_url(url: &str, hosts: &[String]) -> bool {
    let host = match http_host(url) {
        Some(Host::Bracketed(host) | Host::Plain(host)) => host,
        None => return false,
    };
    hosts.contains(&host)
}

/// The host of an `http(s)://` URL, lower case.
enum Host {
    /// An IPv6 literal, without its brackets.
    Bracketed(String),
    /// A name or an IPv4 address.
    Plain(String),
}

/// The host of `url` when it is `http(s)://` with a well-formed authority: no user info,
/// no backslash, no whitespace, and at most a decimal port that fits 16 bits.
fn http_host(url: &str) -> Option<Host> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))?;
    // The authority ends at the first '/', '?' or '#'; WHATWG parsers also end it at '\',
    // so a backslash anywhere in it is refused rather than guessed at.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty()
        || authority.contains(['@', '\\'])
        || authority.contains(char::is_whitespace)
    {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            let port = match after {
                "" => None,
                after => Some(after.strip_prefix(':')?),
            };
            (Host::Bracketed(host.to_owned()), port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (Host::Plain(host.to_owned()), Some(port)),
            None => (Host::Plain(authority.to_owned()), None),
        },
    };
    let port_ok = port.is_none_or(|port| {
        (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok()
    });
    port_ok.then_some(host)
}

/// `host` without the brackets of an IPv6 literal.
fn unbracketed(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// `127.x.y.z` in plain dotted decimal, `localhost`, or a DNS name ending in `.localhost`.
fn is_loopback_host(host: &str) -> bool {
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return ip.is_loopback();
    }
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    labels_ok && (host == "localhost" || host.ends_with(".localhost"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_added_to_the_query() {
        assert_eq!(with_id("http://h/n", 7), "http://h/n?id=7");
        assert_eq!(with_id("http://h/n?shop=1", 7), "http://h/n?shop=1&id=7");
        assert_eq!(with_id("http://h/n?", 7), "http://h/n?id=7");
        assert_eq!(with_id("http://h/n?a=1&", 7), "http://h/n?a=1&id=7");
        assert_eq!(with_id("http://h/n#top", 7), "http://h/n?id=7#top");
    }

    #[test]
    fn allowed_hosts_are_called_exactly() {
        let hosts = vec![
            "shop.test".to_owned(),
            "10.0.2.2".to_owned(),
            "fd00::1".to_owned(),
        ];
        for url in [
            "http://shop.test/notify",
            "HTTPS://SHOP.TEST:8443/notify?x=1",
            "http://10.0.2.2:8080/n",
            "http://[fd00::1]:80/n",
        ] {
            assert!(is_allowed_url(url, &hosts), "{url}");
        }
        for url in [
            "http://shop.test.evil.example/notify",
            "http://evil.shop.test/notify",
            "http://shop.test@evil.example/notify",
            "http://evil.example/?shop.test",
            "http://shop.test:99999/n",
            "http://shop.test\\@evil.example/n",
            "ftp://shop.test/n",
            "http://10.0.2.22/n",
        ] {
            assert!(!is_allowed_url(url, &hosts), "{url}");
        }
        assert!(!is_allowed_url("http://shop.test/n", &[]));
    }

    #[test]
    fn only_loopback_hosts_are_called() {
        for url in [
            "http://127.0.0.1:8080/notify",
            "http://127.1.2.3/n",
            "http://127.255.255.255/n",
            "http://localhost/n?id=1",
            "HTTP://LOCALHOST:1/n",
            "http://LocalHost:65535",
            "http://shop.localhost:8080/notify",
            "http://a.b-c.LOCALHOST/n",
            "http://[::1]:99/n",
            "http://[::1]",
            "http://[0:0:0:0:0:0:0:1]/n",
            "https://127.0.0.1",
            "http://127.0.0.1?id=1",
            "http://127.0.0.1#top",
            "http://localhost/n?next=http://evil.example/",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn anything_that_may_leave_the_machine_is_refused() {
        for url in [
            "https://shop.example/notify",
            "http://10.0.0.1/n",
            "http://128.0.0.1/n",
            "http://0.0.0.0/n",
            // A name that only starts like a loopback address or name.
            "http://127.0.0.1.example.com/n",
            "http://127.0.0.1.evil.example/n",
            "http://localhost.evil.example/n",
            "http://evil-localhost/n",
            "http://evillocalhost/n",
            "http://localhost./n",
            "http://.localhost/n",
            "http://a..localhost/n",
            "http://-a.localhost/n",
            // User info: the host is what follows the '@'.
            "http://user@127.0.0.1/n",
            "http://127.0.0.1@evil.example/",
            "http://127.0.0.1:80@evil.example/",
            "http://localhost@evil.example/",
            "http://@localhost/n",
            "http://evil.example\\@127.0.0.1/n",
            "http://127.0.0.1\\@evil.example/n",
            "http://127.0.0.1\\.evil.example/n",
            // Other spellings of a loopback address, which resolvers disagree on.
            "http://127.1/n",
            "http://0177.0.0.1/n",
            "http://2130706433/n",
            "http://0x7f.0.0.1/n",
            "http://127.0.0.%31/n",
            "http://[::ffff:127.0.0.1]/n",
            "http://[::1%25lo]/n",
            "http://[::2]/n",
            "http://[::1/n",
            "http://[::1]x/n",
            "http://[::1]evil.example/n",
            // Ports.
            "http://127.0.0.1:/n",
            "http://127.0.0.1:99999/n",
            "http://127.0.0.1:80:81/n",
            "http://127.0.0.1:http/n",
            "http://localhost:+80/n",
            // Not http(s), no host, whitespace.
            "ftp://127.0.0.1/n",
            "127.0.0.1/n",
            "http:///n",
            "http://",
            "http:// 127.0.0.1/n",
            "http://127.0.0.1 /n",
            "http://local host/n",
            "",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn unsendable_notifications_are_recorded_as_finished() {
        let notifier = Notifier::start(3, Duration::from_millis(1), &[]).unwrap();
        notifier.send(vec![Notice {
            notification_url: "https://shop.example/notify".into(),
            payment_id: 5,
            state: PaymentState::Paid,
        }]);
        assert!(notifier.wait_finished(Duration::from_secs(1)));
        let log = notifier.log();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].url, "https://shop.example/notify?id=5");
        assert_eq!(log[0].attempts, 0);
        assert!(!log[0].delivered && log[0].finished);
        notifier.stop();
    }

    #[test]
    fn refused_connections_are_retried_then_given_up() {
        // A port nobody listens on: bind, note the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let notifier = Notifier::start(3, Duration::from_millis(1), &[]).unwrap();
        notifier.send(vec![Notice {
            notification_url: format!("http://127.0.0.1:{port}/n"),
            payment_id: 9,
            state: PaymentState::Canceled,
        }]);
        assert!(notifier.wait_finished(Duration::from_secs(20)));
        let log = notifier.log();
        assert_eq!(log[0].attempts, 3);
        assert!(!log[0].delivered);
        assert_eq!(log[0].last_status, None);
        notifier.stop();
    }
}
