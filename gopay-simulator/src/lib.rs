//! A stateful, offline GoPay gateway on 127.0.0.1 for the tests and examples of shops using
//! the [`gopay`] client (or any other GoPay client).
//!
//! [`Simulator::start`] runs GoPay's REST API v3 on a free loopback port: the OAuth2 token
//! endpoint and every payment, card, e-shop, statement and EET endpoint, with GoPay's wire
//! format, status codes and error envelope. It keeps payments in memory and moves them
//! through GoPay's life cycle when the e-shop calls the API or when the test plays the
//! customer ([`pay`](Simulator::pay), [`authorize`](Simulator::authorize),
//! [`cancel`](Simulator::cancel), [`expire`](Simulator::expire)), and sends GoPay's
//! notifications to the payments' `notification_url`. Tests can look at every request it
//! received ([`requests`](Simulator::requests)) and make it misbehave
//! ([`inject`](Simulator::inject) a [`Fault`]).
//!
//! ```
//! use gopay_simulator::Simulator;
//! use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
//!
//! let sim = Simulator::start()?;
//! let client = Client::new(sim.config())?;
//! let payment = client.create_payment(
//!     &PaymentRequest::new(15000, Currency::Czk, "order-1").item(Item::new("T-shirt", 15000)),
//! )?;
//! assert_eq!(payment.state, Some(PaymentState::Created));
//!
//! sim.pay(payment.id)?; // the customer pays on the gateway
//!
//! let status = client.get_status(payment.id)?;
//! assert_eq!(status.state, Some(PaymentState::Paid));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it behaves
//!
//! - **Tokens**: the token endpoint accepts only [`CLIENT_ID`] / [`CLIENT_SECRET`] (HTTP
//!   Basic), `grant_type=client_credentials` and the scopes `payment-create` and
//!   `payment-all`; wrong credentials are `403` with error 202, another grant `400` with 201,
//!   another scope `400` with 200. Tokens expire after the
//!   [token lifetime](SimulatorBuilder::token_lifetime). An unknown, expired or missing
//!   bearer token is `401` with error 200; a `payment-create` token used for anything but
//!   creating a payment is `403` with error 200.
//! - **Content types**: each endpoint consumes the types GoPay's does (JSON, the form, either,
//!   or anything for GETs and DELETE; a missing `Content-Type` is read as the endpoint's);
//!   any other is `500` with GoPay's "RESTEASY003065: Cannot consume content type".
//! - **Request bodies** are read with definitions of the simulator's own, written from
//!   GoPay's documentation (fields, JSON types, required or optional, lengths, enumerations,
//!   nesting), never with the `gopay` client's models, so a field name one side gets wrong
//!   fails against the other. GoPay's lenient numbers and booleans (`"amount": "1000"`) are
//!   accepted; unknown fields are ignored. A body that does not fit is `409` with every field
//!   error at once, named by its dotted path (110 required, 111 wrong format, 321
//!   `target.goid` not the simulator's, 360 items not adding up to `amount`).
//! - **Payments**: states follow GoPay's life cycle: CREATED →
//!   PAYMENT_METHOD_CHOSEN → PAID / AUTHORIZED / CANCELED / TIMEOUTED; AUTHORIZED → capture
//!   → PAID, or void → CANCELED; PAID → refunds → PARTIALLY_REFUNDED / REFUNDED.
//!   Illegal operations are `409` with GoPay's codes (330 refund not possible, 332 wrong
//!   amount, 341/342 recurrence not possible / stopped, 303 parent not paid, 350/351
//!   capture failed / done, 352/353 void failed / done); an unknown payment is `404` with
//!   304. Unknown paths are `404` with error 116.
//! - **Recurrences**: the e-shop's on-demand charge (`create-recurrence`) answers the child
//!   payment as GoPay does, state CREATED with a `gw_url`; GoPay then charges the saved card
//!   on its own and tells the shop by notification. The simulator charges it at once, before
//!   the answer leaves: every status call after the answer sees the child PAID, and its
//!   notification is already on its way. Automatic (DAY/WEEK/MONTH) recurrences are charged
//!   when the test says so ([`recur`](Simulator::recur)). `recurrence_date_to` may be any
//!   date after today.
//! - **Notifications**: every state change except to CREATED and PAYMENT_METHOD_CHOSEN (and
//!   every refund) sends `GET {notification_url}?id={payment id}` from a background thread,
//!   repeated until answered `200`, at most
//!   [`notification_attempts`](SimulatorBuilder::notification_attempts) times, on a growing
//!   schedule: the first pause is the [retry delay](SimulatorBuilder::notification_retry_delay)
//!   (50 ms), each next one twice as long, at most four hours (so twenty attempts span about
//!   seven hours); [`advance_clock`](Simulator::advance_clock) moves it as real time does.
//!   Only loopback hosts and the [notification hosts](SimulatorBuilder::notify_hosts) are
//!   called; a notification to any other host is recorded, never sent. Every notification and
//!   each attempt (when, the shop's status or why there was none, how long) is kept
//!   ([`notifications`](Simulator::notifications)), at most
//!   [`MAX_NOTIFICATIONS`] of them (the oldest finished dropped first,
//!   [counted](Simulator::notifications_dropped)), and [`notify`](Simulator::notify) sends a
//!   payment's notification again. API v4 payments notify through the same machinery, as a
//!   GET like v3's or a POST ([`v4_notifications`](SimulatorBuilder::v4_notifications)).
//! - **Cards**: a payment created with `payer.request_card_token: true` and paid by
//!   PAYMENT_CARD saves a card; the payment's `payer.card_id` and
//!   `payer.payment_card.card_token` name it, and a later payment with that
//!   `payer.allowed_card_token` is paid with it.
//! - **Dashboard**: `/_simulator/` in a browser lists the payments of API v3 and v4; each
//!   payment's page shows its notification attempts (v3), charge and 3-D Secure state (v4),
//!   refunds, request and exchanges, with buttons for the customer's actions and for
//!   sending the notification again. Plain HTML, no JavaScript.
//! - **Threads**: the server speaks HTTP/1.1 with keep-alive on a runtime of its own
//!   ([`WORKER_THREADS`] threads that read, answer and write; a delay fault hands its
//!   thread's other connections to another thread); state sits behind mutexes that are never
//!   held across I/O, so any number of clients and threads may use one simulator. Dropping
//!   the [`Simulator`] stops it gracefully (requests in flight are answered, the listener
//!   closes) and stops the notification senders.
//! - **Seeds and state**: a [seed file](SimulatorBuilder::seed_file) holds payments and
//!   cards to start from and to [reset](Simulator::reset) to; a
//!   [state file](SimulatorBuilder::state_file) keeps payments, cards, tokens,
//!   notifications, ids and the test clock (and API v4's state) across restarts, written atomically on
//!   [`stop`](Simulator::stop), drop and [`save`](Simulator::save). A file that cannot be
//!   read is an [`Error::File`] at start, never ignored.
//! - **Safe on a shared network** (`bind` `0.0.0.0`): a request head not complete within the
//!   [head timeout](SimulatorBuilder::head_timeout) closes its connection, and past the
//!   [connection limit](SimulatorBuilder::max_connections) the connection that waited
//!   longest for a request is closed, so clients that hold connections open cannot starve
//!   the others. A control request that changes state and carries an `Origin` header other
//!   than the simulator's own is refused with `403`, so a web page cannot drive it through
//!   a developer's browser; any request under `/_simulator/` whose `Host` is a dotted name
//!   other than `localhost`'s, the public URL's or an [allowed](SimulatorBuilder::allowed_host)
//!   one is refused too, so a page re-pointing its domain at the simulator (DNS rebinding)
//!   cannot read it either. The request log is bounded by [count](MAX_RECORDED_REQUESTS)
//!   and by [bytes](MAX_RECORDED_BYTES), bodies kept up to [`MAX_RECORDED_BODY`] and marked
//!   when cut; the [access-log hook](SimulatorBuilder::on_exchange) never sees a query.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod control;
mod dashboard;
mod error;
mod gateway;
/// API v4's well-known test card tokens (see [`Simulator::v4_config`]), and the test card
/// numbers the simulator's card form accepts.
pub mod v4_cards {
    pub use crate::gateway::v4::config::{
        card_form_payload, ALL, ALL_PANS, CHALLENGE, CHALLENGE_PAN, DECLINED, DECLINED_PAN,
        FRICTIONLESS, FRICTIONLESS_PAN,
    };
}
mod page;
mod server;
mod state;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

pub use error::Error;
pub use gateway::api::firewall::Firewall;
pub use gateway::notify::kept::MAX_NOTIFICATIONS;
pub use gateway::notify::{Notification, NotificationApi, NotificationAttempt, NotificationMethod};
pub use gateway::v4::notices::V4Notifications;
pub use server::exchange::Exchange;
pub use server::record::{
    RecordedRequest, MAX_RECORDED_BODY, MAX_RECORDED_BYTES, MAX_RECORDED_REQUESTS,
};
pub use server::{DEFAULT_HEAD_TIMEOUT, MAX_REQUEST_BODY, WORKER_THREADS};
pub use state::faults::{Fault, FaultTarget};
pub use state::file::MAX_STATE_FILE_BYTES;
pub use state::store::PAYMENT_TIMEOUT;

use control::ops;
use gateway::customer::{Choice, Denied};
use gateway::responses::Refusal;
use gopay::ApiErrorDetail;
use gopay::Config;
use gopay::{Card, Language, Payment, PaymentInstrument, PaymentRequest, Target as Recipient};
use state::shared::{Settings, Shared};

/// The OAuth2 client id the simulator accepts.
pub const CLIENT_ID: &str = "gopay-simulator-client";

/// The OAuth2 client secret the simulator accepts (a test credential, not a secret).
pub const CLIENT_SECRET: &str = "gopay-simulator-secret";

/// The simulated e-shop's GoID unless [`SimulatorBuilder::goid`] sets another.
pub const DEFAULT_GOID: u64 = 8_123_456_789;

/// Lifetime of the access tokens unless [`SimulatorBuilder::token_lifetime`] sets another
/// (GoPay's 30 minutes).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(1800);

/// Attempts per notification unless [`SimulatorBuilder::notification_attempts`] sets
/// another (GoPay's 20).
pub const DEFAULT_NOTIFICATION_ATTEMPTS: u32 = 20;

/// The most attempts per notification [`SimulatorBuilder::notification_attempts`] allows
/// (more count as this many), so that every notification's history stays short.
pub const MAX_NOTIFICATION_ATTEMPTS: u32 = 50;

/// The first pause between notification attempts unless
/// [`SimulatorBuilder::notification_retry_delay`] sets another (short, so tests stay fast;
/// later pauses grow from it).
pub const DEFAULT_NOTIFICATION_RETRY_DELAY: Duration = Duration::from_millis(50);

/// The longest [head timeout](SimulatorBuilder::head_timeout): a day.
const MAX_HEAD_TIMEOUT: Duration = Duration::from_secs(86_400);

/// A running simulated GoPay gateway; see the [module documentation](self).
///
/// `Send + Sync`: share it (`&Simulator`, `Arc<Simulator>`) with every thread of a test.
/// Dropping it stops the server (and saves the [state file](SimulatorBuilder::state_file),
/// if there is one; [`stop`](Simulator::stop) also tells whether saving worked).
pub struct Simulator {
    shared: Arc<Shared>,
    server: server::Server,
    /// Set once stopped (by [`Simulator::stop`] or on drop), so that it happens once.
    stopped: bool,
    /// The lock on the state file, if there is one. A field, so that it is released only
    /// after the save when stopping: [`Drop::drop`] runs before the fields are dropped.
    _state_lock: Option<state::lock::StateLock>,
}

/// Settings of a [`Simulator`], from [`Simulator::builder`].
///
/// ```
/// use std::time::Duration;
/// use gopay_simulator::Simulator;
///
/// let sim = Simulator::builder()
///     .goid(8_000_000_001)
///     .token_lifetime(Duration::from_secs(60))
///     .notification_attempts(3)
///     .notification_retry_delay(Duration::from_millis(10))
///     .start()?;
/// assert_eq!(sim.config().goid(), 8_000_000_001);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SimulatorBuilder {
    token_lifetime: Duration,
    bind: IpAddr,
    port: u16,
    public_url: Option<String>,
    allowed_hosts: Vec<String>,
    goid: u64,
    client_id: String,
    client_secret: String,
    notify_hosts: Vec<String>,
    notification_attempts: u32,
    notification_retry_delay: Duration,
    max_notifications: usize,
    firewall: Firewall,
    on_exchange: Option<server::exchange::ExchangeHook>,
    head_timeout: Duration,
    max_connections: Option<usize>,
    seed_file: Option<PathBuf>,
    state_file: Option<PathBuf>,
    v4_acquirer_delay: Duration,
    v4_notifications: V4Notifications,
}

impl fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret is a test credential, but a configured one may be shared with a CI.
        f.debug_struct("SimulatorBuilder")
            .field("token_lifetime", &self.token_lifetime)
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("public_url", &self.public_url)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("goid", &self.goid)
            .field("client_id", &self.client_id)
            .field("notify_hosts", &self.notify_hosts)
            .field("notification_attempts", &self.notification_attempts)
            .field("notification_retry_delay", &self.notification_retry_delay)
            .field("max_notifications", &self.max_notifications)
            .field("firewall", &self.firewall)
            .field("on_exchange", &self.on_exchange.is_some())
            .field("head_timeout", &self.head_timeout)
            .field("max_connections", &self.max_connections)
            .field("seed_file", &self.seed_file)
            .field("state_file", &self.state_file)
            .field("v4_acquirer_delay", &self.v4_acquirer_delay)
            .field("v4_notifications", &self.v4_notifications)
            .finish_non_exhaustive()
    }
}

impl SimulatorBuilder {
    /// Lifetime of the access tokens, also sent as `expires_in`. Whole seconds, at least one:
    /// [`start`](SimulatorBuilder::start) refuses zero and fractions of a second. Defaults to
    /// [`DEFAULT_TOKEN_LIFETIME`] (1800 s).
    pub fn token_lifetime(mut self, lifetime: Duration) -> SimulatorBuilder {
        self.token_lifetime = lifetime;
        self
    }

    /// The address to listen on. Defaults to 127.0.0.1; `0.0.0.0` (or `::`) listens on every
    /// interface, e.g. in a container, together with a [`public_url`](Self::public_url).
    pub fn bind(mut self, address: IpAddr) -> SimulatorBuilder {
        self.bind = address;
        self
    }

    /// The port to listen on. Defaults to 0: a free port chosen by the system, so tests can
    /// run in parallel.
    pub fn port(mut self, port: u16) -> SimulatorBuilder {
        self.port = port;
        self
    }

    /// The origin clients and browsers reach the simulator at, e.g. `http://sim.test:1234`:
    /// what [`gateway_url`](Simulator::gateway_url), the payments' `gw_url` and `embed.js`
    /// name. Defaults to `http://{bind}:{port}`. Set it when the bind address is not what a
    /// browser reaches (containers, VMs, `0.0.0.0`).
    pub fn public_url(mut self, origin: impl Into<String>) -> SimulatorBuilder {
        self.public_url = Some(origin.into());
        self
    }

    /// A host name the control API and the dashboard answer for, besides IP addresses,
    /// `localhost` (and names under it), names without a dot and the
    /// [public URL](Self::public_url)'s host; call it once per name. Requests under
    /// `/_simulator/` naming any other host in `Host` are refused with `403`, so that a web
    /// page whose domain was re-pointed at the simulator (DNS rebinding) cannot read them
    /// through a developer's browser. Allow the dotted names the simulator is reached by,
    /// e.g. `sim.ci.internal`; GoPay's API and the customer page answer any name anyway.
    /// [`start`](SimulatorBuilder::start) refuses a name with a port or with characters no
    /// host name has.
    ///
    /// ```
    /// use gopay_simulator::Simulator;
    ///
    /// let sim = Simulator::builder().allowed_host("sim.ci.internal").start()?;
    /// # drop(sim);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allowed_host(mut self, name: impl Into<String>) -> SimulatorBuilder {
        self.allowed_hosts.push(name.into());
        self
    }

    /// The OAuth2 client id the token endpoint accepts. Defaults to [`CLIENT_ID`].
    pub fn client_id(mut self, client_id: impl Into<String>) -> SimulatorBuilder {
        self.client_id = client_id.into();
        self
    }

    /// The OAuth2 client secret the token endpoint accepts. Defaults to [`CLIENT_SECRET`].
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> SimulatorBuilder {
        self.client_secret = client_secret.into();
        self
    }

    /// Hosts notifications may be sent to besides loopback ones (names or IP addresses, as
    /// they appear in the `notification_url`). Defaults to none: loopback only.
    pub fn notify_hosts(mut self, hosts: Vec<String>) -> SimulatorBuilder {
        self.notify_hosts = hosts;
        self
    }

    /// Calls `hook` after each answered request, with what an access log shows (never a
    /// header or a body). It runs on the server's threads: keep it short. Defaults to none.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use gopay_simulator::Simulator;
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let sim = Simulator::builder()
    ///     .on_exchange(move |exchange| log.lock().unwrap().push(exchange.status))
    ///     .start()?;
    /// let client = gopay::Client::new(sim.config())?;
    /// assert!(client.get_status(1).is_err()); // an unknown payment: 404
    /// drop(sim); // stopping waits for the answers, so every hook call happened
    /// assert_eq!(*seen.lock().unwrap(), [200, 404]); // the token, then the status
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_exchange(
        mut self,
        hook: impl Fn(&Exchange) + Send + Sync + 'static,
    ) -> SimulatorBuilder {
        self.on_exchange = Some(Arc::new(hook));
        self
    }

    /// The simulated e-shop's GoID (not 0). Defaults to [`DEFAULT_GOID`].
    pub fn goid(mut self, goid: u64) -> SimulatorBuilder {
        self.goid = goid;
        self
    }

    /// How many times a notification is sent before the simulator gives up; 0 sends none
    /// (they are still recorded). At most [`MAX_NOTIFICATION_ATTEMPTS`] (more count as
    /// that many). Defaults to [`DEFAULT_NOTIFICATION_ATTEMPTS`] (20).
    pub fn notification_attempts(mut self, attempts: u32) -> SimulatorBuilder {
        self.notification_attempts = attempts;
        self
    }

    /// The pause after a notification's first attempt that was not answered `200`; each
    /// later pause is twice the one before, at most four hours (or `delay`, if longer).
    /// Defaults to [`DEFAULT_NOTIFICATION_RETRY_DELAY`] (50 ms: 50 ms, 100 ms, 200 ms, …,
    /// 3.6 h; twenty attempts span about seven hours). A minute paces them like a production
    /// gateway (1 min, 2 min, … 4 h; about two days), for tests that move the schedule with
    /// [`Simulator::advance_clock`].
    pub fn notification_retry_delay(mut self, delay: Duration) -> SimulatorBuilder {
        self.notification_retry_delay = delay;
        self
    }

    /// How many notifications the simulator keeps, at least one. Past it, the oldest
    /// finished notification (delivered, out of attempts, or not sent) is dropped first; one
    /// still waiting for its next attempt only when every kept one is, and then its
    /// remaining attempts are not made. [`Simulator::notifications_dropped`] counts them; a
    /// [state file](Self::state_file) holding more is trimmed the same way at start.
    /// Defaults to [`MAX_NOTIFICATIONS`] (10,000).
    ///
    /// ```
    /// use gopay_simulator::Simulator;
    ///
    /// let sim = Simulator::builder().max_notifications(100).start()?;
    /// assert_eq!((sim.max_notifications(), sim.notifications_dropped()), (100, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_notifications(mut self, max: usize) -> SimulatorBuilder {
        self.max_notifications = max;
        self
    }

    /// How long a client has to send a request's head, from the connection's start or the
    /// previous answer on it (so also how long an idle keep-alive connection stays open);
    /// then the connection is closed. A request's body has as long again after its head, or
    /// is answered `408`. At most a day (longer counts as a day). Defaults to
    /// [`DEFAULT_HEAD_TIMEOUT`] (10 s).
    pub fn head_timeout(mut self, timeout: Duration) -> SimulatorBuilder {
        self.head_timeout = timeout;
        self
    }

    /// How many connections the server keeps open at once (at least one). When one more
    /// arrives, or the process runs out of file descriptors, the connection that has waited
    /// longest for a request (an idle keep-alive connection, or a client that never finished
    /// its request) is closed to make room, so that clients holding connections open cannot
    /// starve the others. Defaults to the process's open-file limit less 64 (at least 64;
    /// 1024 where the limit cannot be read).
    pub fn max_connections(mut self, connections: usize) -> SimulatorBuilder {
        self.max_connections = Some(connections);
        self
    }

    /// Whether JSON bodies whose non-ASCII text is `\u`-escaped are refused with `403`, as
    /// GoPay's firewall does ([`Firewall::Strict`], the default), or read like raw UTF-8
    /// ([`Firewall::Off`]).
    ///
    /// ```
    /// use gopay_simulator::{Firewall, Simulator};
    ///
    /// let sim = Simulator::builder().firewall(Firewall::Off).start()?;
    /// assert_eq!(sim.firewall(), Firewall::Off);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn firewall(mut self, firewall: Firewall) -> SimulatorBuilder {
        self.firewall = firewall;
        self
    }

    /// A seed file to start from, and to return to on every [reset](Simulator::reset):
    /// `{"payments": [...], "cards": [...]}`, whose entries are the bodies
    /// `POST /_simulator/payments` and `POST /_simulator/cards` take (a payment as GoPay
    /// answers it, plus an optional `"notification_url"`; a card as the card details call
    /// answers it), checked and stored the same way, in order. Defaults to none.
    ///
    /// ```
    /// use gopay_simulator::Simulator;
    ///
    /// let seed = std::env::temp_dir().join(format!("seed-doc-{}.json", std::process::id()));
    /// std::fs::write(&seed, r#"{"payments": [{"id": 3000000042, "state": "PAID"}]}"#)?;
    /// let sim = Simulator::builder().seed_file(&seed).start()?;
    /// sim.reset();
    /// assert!(sim.payment(3_000_000_042).is_some()); // reset returns to the seed
    /// # std::fs::remove_file(seed)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> SimulatorBuilder {
        self.seed_file = Some(path.into());
        self
    }

    /// A state file that keeps the simulator's state across restarts: payments (with the
    /// requests that created them), saved cards, access tokens, notifications, the id
    /// counters, the test clock and API v4's payments (charges and refunds with them), card
    /// tokens, access tokens and ids are loaded from it at start when it exists (a missing
    /// file is a fresh start; then the [seed](Self::seed_file) applies), and written to it
    /// on [`stop`](Simulator::stop) (and drop), on [`save`](Simulator::save) and on
    /// `POST /_simulator/save`. Not kept: the request log, faults and the forms of customer
    /// and 3-D Secure pages open at the time.
    ///
    /// Writing is atomic: a temporary file in the same directory, synced, then renamed over
    /// the file, so the old file stays whole if anything fails and a reader never sees half
    /// of one; the file is created readable by its owner only. It holds access tokens: keep
    /// it in a directory only you can write. Defaults to none.
    ///
    /// One simulator at a time: while it runs, the simulator holds an exclusive lock on a
    /// lock file beside the state file (its name with `.lock` added, created readable by
    /// its owner only and kept when it stops), and a second simulator with the same file,
    /// in this process or another, fails to [`start`](Self::start) with [`Error::File`]
    /// rather than overwrite the first one's saves. The lock is released when the
    /// simulator is stopped or dropped, or when its process ends, even by a kill.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> SimulatorBuilder {
        self.state_file = Some(path.into());
        self
    }

    /// API v4: how long after a card payment is paid the acquirer counts as having processed
    /// it. Until then a partial refund is refused (409, as GoPay's sandbox answers: "only a
    /// full refund is possible"); a full refund is always allowed. Measured on the test
    /// clock. Defaults to zero: partial refunds are allowed at once.
    pub fn v4_acquirer_delay(mut self, delay: Duration) -> SimulatorBuilder {
        self.v4_acquirer_delay = delay;
        self
    }

    /// API v4: how the shops of v4 payments are notified when a payment becomes `PAID`,
    /// `CANCELED` or `TIMEOUTED`, a charge `FAILED`, or a refund succeeds (payment
    /// `PARTIALLY_REFUNDED` / `REFUNDED`): [`V4Notifications::Get`] (the default) calls
    /// `GET {notification_url}?id={payment id}` as v3 does, [`V4Notifications::Post`] posts
    /// `{"id": "<payment id>"}` to `notification_url`, [`V4Notifications::Off`] sends none.
    /// Retries, allowed hosts and the records are v3's
    /// ([`notifications`](Simulator::notifications), with
    /// [`api`](Notification::api) [`V4`](NotificationApi::V4)).
    ///
    /// ```
    /// use gopay_simulator::{Simulator, V4Notifications};
    ///
    /// let sim = Simulator::builder()
    ///     .v4_notifications(V4Notifications::Post)
    ///     .start()?;
    /// assert!(sim.notifications().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn v4_notifications(mut self, notifications: V4Notifications) -> SimulatorBuilder {
        self.v4_notifications = notifications;
        self
    }

    /// Starts the simulator.
    ///
    /// Fails with [`Error::Config`] for a token lifetime that is not a whole number
    /// of seconds (at least one), a GoID of 0, an empty client id or secret, or a public URL
    /// that is not `http(s)://host[:port]`, an [allowed host](Self::allowed_host) that is not
    /// a host name, a head timeout of zero, a connection limit of zero or a notification
    /// bound of zero, with [`Error::Start`] when the port cannot be bound or a thread cannot
    /// be started, and with [`Error::File`] when the seed file cannot be read or is refused,
    /// or the state file exists but cannot be read or restored (never ignored: start
    /// without it, or move it away, to begin afresh), or another simulator runs with it, or
    /// its lock file cannot be created or locked.
    pub fn start(self) -> Result<Simulator, Error> {
        let lifetime = self.token_lifetime;
        if lifetime.as_secs() == 0 || lifetime.subsec_nanos() != 0 {
            return Err(Error::config(
                "token_lifetime",
                format!(
                    "must be a whole number of seconds, at least 1 (expires_in is whole seconds), got {lifetime:?}"
                ),
            ));
        }
        if lifetime > MAX_TOKEN_LIFETIME {
            return Err(Error::config(
                "token_lifetime",
                format!(
                    "must be at most {} seconds (ten years), got {}",
                    MAX_TOKEN_LIFETIME.as_secs(),
                    lifetime.as_secs()
                ),
            ));
        }
        if self.goid == 0 {
            return Err(Error::config("goid", "must not be 0"));
        }
        if self.client_id.is_empty() {
            return Err(Error::config("client_id", "must not be empty"));
        }
        if self.client_secret.is_empty() {
            return Err(Error::config("client_secret", "must not be empty"));
        }
        if self.head_timeout.is_zero() {
            return Err(Error::config("head_timeout", "must not be zero"));
        }
        if self.max_connections == Some(0) {
            return Err(Error::config("max_connections", "must not be zero"));
        }
        if self.max_notifications == 0 {
            return Err(Error::config("max_notifications", "must not be zero"));
        }
        let public_url = self.public_url.as_deref().map(check_origin).transpose()?;
        let allowed_hosts = self
            .allowed_hosts
            .iter()
            .map(|name| {
                control::host::check_name(name).ok_or_else(|| {
                    Error::config(
                        "allowed_host",
                        format!(
                            "must be a host name or an IP address without a port, got {name:?}"
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let seed = self
            .seed_file
            .as_deref()
            .map(control::seed::Seed::read)
            .transpose()?;
        // Locked before it is read: a simulator still running with the file could
        // otherwise save after this one read it, and this one's saves would undo that.
        let state_lock = self
            .state_file
            .as_deref()
            .map(state::lock::StateLock::acquire)
            .transpose()?;
        let saved = match &self.state_file {
            Some(path) => state::persist::load(path)?,
            None => None,
        };
        let requested = SocketAddr::new(self.bind, self.port);
        let listener = std::net::TcpListener::bind(requested).map_err(|e| {
            Error::start(format!("the simulator could not listen on {requested}"), e)
        })?;
        let addr = listener.local_addr().map_err(thread_error)?;
        let pacing = gateway::notify::Pacing {
            max_attempts: self.notification_attempts.min(MAX_NOTIFICATION_ATTEMPTS),
            retry_delay: self.notification_retry_delay,
        };
        let notifier =
            gateway::notify::Notifier::start(pacing, &self.notify_hosts, self.max_notifications)
                .map_err(thread_error)?;
        let origin = public_url.unwrap_or_else(|| format!("http://{addr}"));
        let settings = Settings {
            goid: self.goid,
            client_id: self.client_id,
            client_secret: self.client_secret,
            token_lifetime: lifetime,
            own_origins: control::origin::OwnOrigins::new(&origin, addr),
            own_hosts: control::host::OwnHosts::new(&origin, &allowed_hosts),
            origin,
            notify_hosts: self.notify_hosts,
            firewall: self.firewall,
            seed,
            state_file: self.state_file,
            v4_acquirer_delay: self.v4_acquirer_delay,
            v4_notifications: self.v4_notifications,
        };
        let shared = Arc::new(Shared::new(settings, notifier));
        // What the gateway holds before it answers anyone: the saved state, else the seed.
        let seeded = match (saved, &shared.settings.seed) {
            (Some(saved), _) => {
                saved.install(&shared);
                Ok(())
            }
            (None, Some(seed)) => seed
                .store(&shared.settings.origin)
                .map(|store| *shared.store.lock() = store),
            (None, None) => Ok(()),
        };
        if let Err(e) = seeded {
            shared.notifier.stop();
            return Err(e);
        }
        let limits = server::Limits {
            // Far below what the clocks' arithmetic can hold.
            head_timeout: self.head_timeout.min(MAX_HEAD_TIMEOUT),
            max_connections: self
                .max_connections
                .unwrap_or_else(server::connections::default_limit),
        };
        match server::Server::start(listener, Arc::clone(&shared), self.on_exchange, limits) {
            Ok(server) => Ok(Simulator {
                shared,
                server,
                stopped: false,
                _state_lock: state_lock,
            }),
            Err(e) => {
                shared.notifier.stop();
                Err(thread_error(e))
            }
        }
    }
}

/// The longest token lifetime the simulator issues: far beyond GoPay's 30 minutes, and far
/// within what the clocks' arithmetic holds (a longer one made every token request fail).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// `origin` without a trailing `/`, if it is `http(s)://host[:port]`.
fn check_origin(origin: &str) -> Result<String, Error> {
    let trimmed = origin.trim_end_matches('/');
    let host = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"));
    match host {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ', '@']) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(Error::config(
            "public_url",
            format!("must be http(s)://host[:port] without a path, got {origin:?}"),
        )),
    }
}

fn thread_error(e: std::io::Error) -> Error {
    Error::start("the simulator could not start its server threads", e)
}

impl Simulator {
    /// Starts a simulator with the default settings on a free port.
    pub fn start() -> Result<Simulator, Error> {
        Simulator::builder().start()
    }

    /// A builder to choose the address, credentials, token lifetime, GoID, notification
    /// retries and an access-log hook.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder {
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            public_url: None,
            allowed_hosts: Vec::new(),
            goid: DEFAULT_GOID,
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            notify_hosts: Vec::new(),
            notification_attempts: DEFAULT_NOTIFICATION_ATTEMPTS,
            notification_retry_delay: DEFAULT_NOTIFICATION_RETRY_DELAY,
            max_notifications: MAX_NOTIFICATIONS,
            firewall: Firewall::Strict,
            on_exchange: None,
            head_timeout: DEFAULT_HEAD_TIMEOUT,
            max_connections: None,
            seed_file: None,
            state_file: None,
            v4_acquirer_delay: Duration::ZERO,
            v4_notifications: V4Notifications::Get,
        }
    }

    /// A client configuration for this simulator: its gateway URL, GoID and the credentials
    /// it accepts. Pass it to [`Client::new`](gopay::Client::new) or
    /// [`Client::builder`](gopay::Client::builder).
    pub fn config(&self) -> Config {
        Config::new(
            self.goid(),
            self.client_id(),
            self.client_secret(),
            self.gateway_url(),
        )
    }

    /// A GoPay API v4 (preview) client configuration for this simulator: the v4 base URL
    /// [`v4_base_url`](Simulator::v4_base_url) (served beside v3's `/api`), the GoID as v4
    /// writes it (a string) and the credentials it accepts. Pass it to
    /// [`gopay::v4::Client::new`]. The test card tokens are in [`v4_cards`].
    ///
    /// ```
    /// let sim = gopay_simulator::Simulator::start()?;
    /// let client = gopay::v4::Client::new(sim.v4_config())?;
    /// let card = client.get_card_token(gopay_simulator::v4_cards::CHALLENGE)?;
    /// assert_eq!(card.card_id, gopay_simulator::v4_cards::CHALLENGE);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn v4_config(&self) -> gopay::v4::Config {
        gopay::v4::Config::new(
            self.goid().to_string(),
            self.client_id(),
            self.client_secret(),
            self.v4_base_url(),
        )
    }

    /// The API v4 base URL: `{public_url}/gp-gw/api/4.0`; paths such as `/oauth2/token`
    /// follow it.
    pub fn v4_base_url(&self) -> String {
        format!("{}{}", self.shared.settings.origin, gateway::v4::PREFIX)
    }

    /// The public shareable key of the simulator's merchant: `Basic client_id:shareable_key`
    /// opens `GET {v4 base}/cards/public-key` and `GET {v4 base}/cards/card-form-url`, as a
    /// browser does before it has a token.
    pub fn v4_shareable_key(&self) -> &'static str {
        gateway::v4::auth::SHAREABLE_KEY
    }

    /// The API base URL: `{public_url}/api`, by default `http://127.0.0.1:PORT/api`.
    pub fn gateway_url(&self) -> String {
        format!("{}/api", self.shared.settings.origin)
    }

    /// The port the simulator listens on.
    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// The address the simulator listens on (the bind address and the port).
    pub fn local_addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// How many TCP connections the server has accepted so far; with keep-alive, far fewer
    /// than the requests answered.
    pub fn connections(&self) -> u64 {
        self.server.connections()
    }

    /// The hosts notifications may be sent to besides loopback ones
    /// ([`SimulatorBuilder::notify_hosts`]).
    pub fn notify_hosts(&self) -> &[String] {
        &self.shared.settings.notify_hosts
    }

    /// The simulated e-shop's GoID.
    pub fn goid(&self) -> u64 {
        self.shared.settings.goid
    }

    /// The client id the simulator accepts ([`CLIENT_ID`] unless the builder set another).
    pub fn client_id(&self) -> &str {
        &self.shared.settings.client_id
    }

    /// The client secret the simulator accepts ([`CLIENT_SECRET`] unless the builder set
    /// another).
    pub fn client_secret(&self) -> &str {
        &self.shared.settings.client_secret
    }

    /// Whether `\u`-escaped non-ASCII JSON is refused ([`SimulatorBuilder::firewall`]).
    pub fn firewall(&self) -> Firewall {
        self.shared.settings.firewall
    }

    // ----- the customer ---------------------------------------------------------------

    /// The customer picks `instrument` on the gateway: CREATED or PAYMENT_METHOD_CHOSEN →
    /// PAYMENT_METHOD_CHOSEN (`sub_state` `_101`, or `_102` for a bank transfer). GoPay sends
    /// no notification for this state.
    ///
    /// Fails with [`Error::Refused`] for an unknown payment (`id`), a payment no longer
    /// waiting for the customer (`state`), or a method the payment does not allow
    /// (`instrument`).
    pub fn choose_method(&self, id: u64, instrument: PaymentInstrument) -> Result<(), Error> {
        gateway::customer::choose_method(&mut self.shared.store.lock(), id, instrument)
            .map_err(Denied::into_error)
    }

    /// The customer pays with the method chosen on the gateway, else the payment's
    /// `default_payment_instrument`, else PAYMENT_CARD (or the first allowed method):
    /// CREATED or PAYMENT_METHOD_CHOSEN → PAID, or AUTHORIZED for a pre-authorised payment.
    /// See [`pay_with`](Simulator::pay_with).
    pub fn pay(&self, id: u64) -> Result<(), Error> {
        self.settle(id, None, false)
    }

    /// The customer pays with `instrument`: CREATED or PAYMENT_METHOD_CHOSEN → PAID
    /// (AUTHORIZED for a pre-authorised payment, which only a card can pay), with the payer's
    /// card (`payer.payment_card`, and a saved card when `request_card_token` was set) or
    /// bank account (`payer.bank_account`) filled in; a recurrence starts. Notifies.
    ///
    /// Fails with [`Error::Refused`] for an unknown payment (`id`), a payment no longer
    /// waiting for the customer (`state`), or a method the payment does not allow
    /// (`instrument`).
    pub fn pay_with(&self, id: u64, instrument: PaymentInstrument) -> Result<(), Error> {
        self.settle(id, Some(instrument), false)
    }

    /// The customer confirms a pre-authorised payment by card: CREATED or
    /// PAYMENT_METHOD_CHOSEN → AUTHORIZED (`preauthorization.state` AUTHORIZED). Notifies.
    ///
    /// Fails with [`Error::Refused`] when the payment is unknown or was not created
    /// with `preauthorization: true` (`id`) or no longer waits for the customer (`state`).
    pub fn authorize(&self, id: u64) -> Result<(), Error> {
        self.settle(id, Some(PaymentInstrument::PaymentCard), true)
    }

    fn settle(
        &self,
        id: u64,
        instrument: Option<PaymentInstrument>,
        authorize_only: bool,
    ) -> Result<(), Error> {
        let choice = Choice {
            instrument,
            ..Choice::default()
        };
        ops::pay(&self.shared, id, &choice, authorize_only)
            .map(drop)
            .map_err(Denied::into_error)
    }

    /// The customer cancels on the gateway: CREATED or PAYMENT_METHOD_CHOSEN → CANCELED
    /// (`sub_state` `_5043`). Notifies.
    ///
    /// Fails with [`Error::Refused`] for an unknown payment (`id`) or one no longer
    /// waiting for the customer (`state`).
    pub fn cancel(&self, id: u64) -> Result<(), Error> {
        ops::cancel(&self.shared, id)
            .map(drop)
            .map_err(Denied::into_error)
    }

    /// The payment's time runs out before the customer pays: CREATED or
    /// PAYMENT_METHOD_CHOSEN → TIMEOUTED (`sub_state` `_5024`). Notifies.
    ///
    /// Fails with [`Error::Refused`] for an unknown payment (`id`) or one no longer
    /// waiting for the customer (`state`).
    pub fn expire(&self, id: u64) -> Result<(), Error> {
        ops::expire(&self.shared, id)
            .map(drop)
            .map_err(Denied::into_error)
    }

    /// GoPay charges the next payment of an automatic (DAY/WEEK/MONTH) recurrence now: a
    /// new PAID payment with `parent_id` = `id`, the parent's amount and payer. Notifies;
    /// returns the new payment's id. (ON_DEMAND recurrences are charged by the e-shop with
    /// [`Client::create_recurrence`](gopay::Client::create_recurrence).)
    ///
    /// Fails with [`Error::Refused`] when the payment is unknown or has no automatic
    /// recurrence (`id`), or its recurrence is not running (`state`).
    pub fn recur(&self, id: u64) -> Result<u64, Error> {
        ops::recur(&self.shared, id)
            .map(|child| child.id)
            .map_err(Denied::into_error)
    }

    // ----- seeding and inspecting -------------------------------------------------------

    /// Creates a payment directly, as if the e-shop had posted `request` (no token, not
    /// recorded as a request). `target` defaults to the simulator's GoID and `lang` to EN.
    ///
    /// Fails with [`Error::Api`] (status 409 and GoPay's field errors) when the API would
    /// refuse the request.
    pub fn create_payment(&self, request: &PaymentRequest) -> Result<Payment, Error> {
        let mut request = request.clone();
        request
            .target
            .get_or_insert_with(|| Recipient::account(self.goid()));
        request.lang.get_or_insert(Language::En);
        // What a client would send, read as the API reads it: one reading of the wire.
        let body = serde_json::to_vec(&request)
            .map_err(|e| Error::refused("request", format!("cannot be sent as JSON: {e}")))?;
        let body = gateway::wire::json_object(&body).map_err(api_error)?;
        let request = gateway::wire::new_payment(&body, self.goid())
            .map_err(|errors| api_error(Refusal::fields(errors)))?;
        gateway::create::create(
            &mut self.shared.store.lock(),
            request,
            &self.shared.context(),
        )
        .map_err(|exhausted| api_error(exhausted.into()))
    }

    /// The simulator's current view of a payment (what a status call would return).
    pub fn payment(&self, id: u64) -> Option<Payment> {
        self.shared
            .store
            .lock()
            .get(id)
            .ok()
            .map(|record| record.payment.clone())
    }

    /// A saved card (what the card details call would return).
    pub fn card(&self, card_id: u64) -> Option<Card> {
        self.shared.store.lock().cards.get(&card_id).cloned()
    }

    /// How many `POST /api/oauth2/token` requests arrived, whatever their outcome (faulted
    /// and refused ones included).
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// Every request received, oldest first: at most the last [`MAX_RECORDED_REQUESTS`], and
    /// at most [`MAX_RECORDED_BYTES`] in all, each body kept up to [`MAX_RECORDED_BODY`]
    /// (see [`RecordedRequest::body_truncated`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.lock().all()
    }

    /// Forgets the recorded requests (the token request count stays).
    pub fn clear_requests(&self) {
        self.shared.log.lock().clear();
    }

    /// Every notification so far, oldest first, with every attempt to deliver it; at most
    /// [`max_notifications`](Self::max_notifications) of them, the oldest finished ones
    /// dropped first. (`GET /_simulator/notifications` answers the same as JSON.)
    pub fn notifications(&self) -> Vec<Notification> {
        let all = ops::notifications(&self.shared, None);
        all.unwrap_or_default()
            .iter()
            .map(Notification::from)
            .collect()
    }

    /// How many notifications were dropped to keep at most
    /// [`max_notifications`](Self::max_notifications) of them, since the start (or the
    /// last [`reset`](Self::reset); a [state file](SimulatorBuilder::state_file) keeps the
    /// count). `GET /_simulator/notifications` answers it in the
    /// `X-Simulator-Notifications-Dropped` header.
    pub fn notifications_dropped(&self) -> u64 {
        self.shared.notifier.dropped()
    }

    /// How many notifications the simulator keeps
    /// ([`SimulatorBuilder::max_notifications`]).
    pub fn max_notifications(&self) -> usize {
        self.shared.notifier.max_kept()
    }

    /// The notifications of payment `id`, oldest first: an API v4 payment's when there is
    /// one with that id (v4 ids are decimal numbers too), else the v3 payment's. (`GET
    /// /_simulator/payments/{id}/notifications` answers the same as JSON.)
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] (field `id`) for an unknown payment.
    pub fn payment_notifications(&self, id: u64) -> Result<Vec<Notification>, Error> {
        ops::notifications(&self.shared, Some(id))
            .map(|records| records.iter().map(Notification::from).collect())
            .map_err(Denied::into_error)
    }

    /// Sends payment `id`'s notification again, now, as a new notification of its current
    /// state, and returns it after its first attempt (at most 3 s); retries follow as for
    /// any notification. An API v4 payment with that id is notified as
    /// [`v4_notifications`](SimulatorBuilder::v4_notifications) says. (`POST
    /// /_simulator/payments/{id}/notify` does the same over HTTP.)
    ///
    /// ```
    /// use gopay::{Currency, Item, PaymentRequest};
    /// use gopay_simulator::Simulator;
    ///
    /// let sim = Simulator::start()?;
    /// let order = PaymentRequest::new(100, Currency::Czk, "o-1")
    ///     .item(Item::new("Tea", 100))
    ///     .callback("https://shop.example/return", "https://shop.example/notify");
    /// let id = sim.create_payment(&order)?.id;
    /// sim.pay(id)?;
    /// let again = sim.notify(id)?;
    /// // shop.example is not a host the simulator calls: recorded, not sent.
    /// assert_eq!((again.id, again.sent, again.attempts), (2, false, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] for an unknown payment (`id`), one whose state GoPay does not
    /// notify (CREATED, PAYMENT_METHOD_CHOSEN, a v4 payment CREATED without a failed charge:
    /// `state`), one without a notification URL (`notification_url`), or a v4 payment when
    /// v4 notifications are [off](V4Notifications::Off) (`v4_notifications`).
    pub fn notify(&self, id: u64) -> Result<Notification, Error> {
        ops::notify(&self.shared, id)
            .map(|record| Notification::from(&record))
            .map_err(Denied::into_error)
    }

    /// Waits until every notification so far is [`finished`](Notification::finished)
    /// (delivered, out of attempts or not sendable), at most `timeout`; `true` if they are.
    pub fn wait_for_notifications(&self, timeout: Duration) -> bool {
        self.shared.notifier.wait_finished(timeout)
    }

    // ----- misbehaving ---------------------------------------------------------------

    /// Queues a [`Fault`]; faults of one [`FaultTarget`] are consumed in the order injected.
    /// (`POST /_simulator/faults` does the same over HTTP.)
    pub fn inject(&self, fault: Fault) {
        ops::inject(&self.shared, [fault]);
    }

    /// Drops every fault not consumed yet.
    pub fn clear_faults(&self) {
        self.shared.faults.lock().clear();
    }

    /// Forgets every access token issued so far: the next API call with one is `401`.
    pub fn revoke_tokens(&self) {
        self.shared.tokens.lock().clear();
    }

    // ----- keeping the state -----------------------------------------------------------

    /// Writes the state to the [state file](SimulatorBuilder::state_file) now, atomically.
    /// (`POST /_simulator/save` does the same over HTTP.)
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] (field `state_file`) when the simulator has no state file, and
    /// [`Error::File`] when the file cannot be written (the old one is then left whole).
    pub fn save(&self) -> Result<(), Error> {
        ops::save(&self.shared).map(drop)
    }

    /// Stops the simulator as dropping it does (requests in flight are answered, the
    /// listener closes, notification senders stop), then saves the state to the
    /// [state file](SimulatorBuilder::state_file), if there is one. Dropping saves too, but
    /// cannot tell when saving failed: stop tells.
    ///
    /// # Errors
    ///
    /// [`Error::File`] when the state file cannot be written (the old one is then left
    /// whole); the simulator is stopped anyway.
    pub fn stop(mut self) -> Result<(), Error> {
        self.shut_down()
    }

    /// Stops serving and saves the state (once).
    fn shut_down(&mut self) -> Result<(), Error> {
        if std::mem::replace(&mut self.stopped, true) {
            return Ok(());
        }
        // Stopping first cuts delay faults short, so the graceful stop does not wait for them.
        self.shared.stop();
        self.server.stop();
        self.shared.notifier.stop();
        match &self.shared.settings.state_file {
            Some(path) => state::persist::save(&self.shared, path).map(drop),
            None => Ok(()),
        }
    }

    // ----- the test clock and starting over ----------------------------------------------

    /// Moves the simulator's test clock `by` forward (at most about a hundred years at a
    /// time; more counts as that), as if that much time passed: access tokens expire once
    /// their lifetime has passed on this clock, and payments still waiting for the customer
    /// [`PAYMENT_TIMEOUT`] after their creation become TIMEOUTED (`sub_state` `_5024`) and
    /// notify. Notification attempts fall due as if that time passed; this returns once the
    /// attempts due by then are made (each at most 3 s, all at most 30 s), so a test sees
    /// them at once. Returns the ids of the v3 payments that timed out, in id order; API v4's
    /// payments time out too, and their ids are listed as `v4_timed_out` by
    /// `POST /_simulator/clock/advance`, which does the same over HTTP.
    pub fn advance_clock(&self, by: Duration) -> Vec<u64> {
        ops::advance_clock(&self.shared, by).0
    }

    /// Forgets payments, cards, access tokens (of API v3 and v4), recorded requests (and the
    /// [token request count](Simulator::token_requests)), faults, notifications (pending
    /// attempts are dropped) and the test clock: ids start again from the first. With a
    /// [seed file](SimulatorBuilder::seed_file), its payments and cards are stored again,
    /// and ids continue after theirs.
    /// (`POST /_simulator/reset` does the same over HTTP.)
    pub fn reset(&self) {
        ops::reset(&self.shared);
    }

    /// Stores `payment` exactly as given (replacing one of its id), as if GoPay held it, for
    /// suites that hard-code ids; later payment ids continue after the highest seeded one.
    /// Its notifications go to `notification_url`, when given. (`POST /_simulator/payments`
    /// does the same over HTTP.)
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] (field `id`, nothing stored) for an id of `i64::MAX` or
    /// above: GoPay's ids are signed 64-bit numbers, and no id could follow it (ids never
    /// wrap).
    pub fn seed_payment(
        &self,
        payment: Payment,
        notification_url: Option<String>,
    ) -> Result<(), Error> {
        ops::seed_payment(&self.shared, payment, notification_url)
            .map(drop)
            .map_err(state::ids::NoRoom::into_error)
    }

    /// Stores `card` exactly as given, as if a payment had saved it; later card ids continue
    /// after the highest seeded one. (`POST /_simulator/cards` does the same over HTTP.)
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] (field `card_id`, nothing stored) for an id of `i64::MAX`
    /// or above, as for [`seed_payment`](Simulator::seed_payment).
    pub fn seed_card(&self, card: Card) -> Result<(), Error> {
        ops::seed_card(&self.shared, card)
            .map(drop)
            .map_err(state::ids::NoRoom::into_error)
    }
}

/// A refusal as the [`Error::Api`] a client would have got.
fn api_error(refusal: Refusal) -> Error {
    let value = serde_json::to_value(&refusal.errors).unwrap_or_default();
    let errors: Vec<ApiErrorDetail> = serde_json::from_value(value).unwrap_or_default();
    Error::Api {
        status: refusal.status,
        errors,
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // A failed save cannot be reported from here; `stop` reports it.
        let _ = self.shut_down();
    }
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("gateway_url", &self.gateway_url())
            .field("goid", &self.goid())
            .field("client_id", &self.client_id())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulator_is_send_and_sync() {
        fn both<T: Send + Sync>() {}
        both::<Simulator>();
    }

    #[test]
    fn builder_refuses_bad_settings() {
        for lifetime in [
            Duration::ZERO,
            Duration::from_millis(1500),
            Duration::from_millis(10),
            MAX_TOKEN_LIFETIME + Duration::from_secs(1),
            Duration::from_secs(u64::MAX),
        ] {
            let err = Simulator::builder()
                .token_lifetime(lifetime)
                .start()
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Config {
                        setting: "token_lifetime",
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        let err = Simulator::builder().goid(0).start().unwrap_err();
        assert!(matches!(
            err,
            Error::Config {
                setting: "goid",
                ..
            }
        ));
        let refused = |builder: SimulatorBuilder| match builder.start() {
            Err(Error::Config { setting, .. }) => setting,
            other => panic!("{other:?}"),
        };
        for name in ["sim.test:8899", "http://sim.test", "", "<b>"] {
            let builder = Simulator::builder()
                .allowed_host("ok.test")
                .allowed_host(name);
            assert_eq!(refused(builder), "allowed_host", "{name:?}");
        }
        let zero = Simulator::builder().head_timeout(Duration::ZERO);
        assert_eq!(refused(zero), "head_timeout");
        assert_eq!(
            refused(Simulator::builder().max_connections(0)),
            "max_connections"
        );
        // A timeout too long for the clocks counts as a day.
        let sim = Simulator::builder()
            .head_timeout(Duration::MAX)
            .start()
            .unwrap();
        let client = gopay::Client::new(sim.config()).unwrap();
        assert_eq!(client.get_status(1).unwrap_err().status(), Some(404));
    }

    #[test]
    fn a_taken_port_is_a_transport_error() {
        let sim = Simulator::start().unwrap();
        let err = Simulator::builder().port(sim.port()).start().unwrap_err();
        assert!(matches!(err, Error::Start { .. }), "{err:?}");
    }
}
