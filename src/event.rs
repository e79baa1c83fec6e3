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
    /// The HTTP method as sent (`GET`, `POST`, `DELETE`, …: the client sends no other
    /// today, and reports every one by its own name); for a
    /// [`TokenCache`](ExchangeKind::TokenCache) event, the cache operation.
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

/// The name of `method` for [`Event::method`], as sent on the wire. `http::Method` lends
/// its name only for as long as it lives; the standard methods are named here for good.
/// An extension method (the client sends none) is reported as `"OTHER"` rather than leaked.
pub(crate) fn method_name(method: &ureq::http::Method) -> &'static str {
    use ureq::http::Method;
    const STANDARD: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::PATCH, "PATCH"),
        (Method::TRACE, "TRACE"),
    ];
    STANDARD
        .iter()
        .find(|(standard, _)| standard == method)
        .map_or("OTHER", |(_, name)| name)
}

/// The hook's type.
pub(crate) type EventHook = std::sync::Arc<dyn Fn(&Event) + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::method_name;
    use ureq::http::Method;

    #[test]
    fn every_method_is_reported_by_its_own_name() {
        for name in [
            "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PATCH", "TRACE",
        ] {
            let method = Method::from_bytes(name.as_bytes()).unwrap();
            assert_eq!(method_name(&method), name);
        }
        let custom = Method::from_bytes(b"PURGE").unwrap();
        assert_eq!(method_name(&custom), "OTHER");
    }
}
