//! [`Event`]: one per HTTP exchange, and one per token cache problem, for logs and
//! metrics. Events never carry a secret: no headers, no bodies, no tokens.

use std::time::Duration;

/// What an exchange was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExchangeKind {
    /// A request to the OAuth2 token endpoint.
    Token,
    /// A request to a payment API endpoint.
    Api,
    /// Not an HTTP exchange: the token cache failed (an error, a panic, a refresh lock held
    /// too long) or held a token that cannot be sent. The call went on as on a cache miss.
    /// `method` is the cache operation (`GET`, `SET`, `DELETE`, `LOCK`), `path` the cache
    /// key, `error` what went wrong.
    TokenCache,
}

/// One HTTP exchange with the gateway, reported to the hook set with
/// [`ClientBuilder::on_event`](crate::ClientBuilder::on_event).
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let failures = Arc::new(AtomicUsize::new(0));
/// let counter = failures.clone();
/// let client = gopay::Client::builder(gopay::Config::new(1, "id", "secret", gopay::SANDBOX_URL))
///     .on_event(move |event| {
///         if event.status.is_none_or(|s| s >= 500) {
///             counter.fetch_add(1, Ordering::Relaxed);
///         }
///         eprintln!("{} {} -> {:?} in {:?}", event.method, event.path, event.status, event.duration);
///     })
///     .build()?;
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event {
    /// Token request or API call.
    pub kind: ExchangeKind,
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The path below the API base, with its query: `/payments/payment/3000006529`.
    pub path: String,
    /// The HTTP status, or `None` when no answer arrived.
    pub status: Option<u16>,
    /// How long the exchange took.
    pub duration: Duration,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// Whether this call had to get a new token first (from the token cache or from GoPay).
    pub token_refreshed: bool,
    /// The transport error, in one line, when no answer arrived.
    pub error: Option<String>,
}

/// The hook's type.
pub(crate) type EventHook = std::sync::Arc<dyn Fn(&Event) + Send + Sync>;
