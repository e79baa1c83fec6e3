//! [`MemcachedTokenCache`] (feature `memcached`): one token per fleet of processes and
//! machines sharing a memcached server, plain or over TLS, through a small built-in
//! text-protocol client whose every command is bounded by one deadline.

mod address;
mod connection;
mod text;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use self::address::Address;
use self::connection::Connection;
use self::text::{Malformed, Reply};
use super::cache::{CacheError, CachedToken, RefreshLock, TokenCache};
use super::remote::{deadline_after, deadline_within, left, lock_owner, Connections, NetError};
use crate::error::Error;

/// Default bound on one cache operation (connecting included).
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// The longest expiry memcached takes as a number of seconds from now: above it, an
/// expiry is read as a Unix timestamp.
const MAX_RELATIVE_EXPIRY: u64 = 30 * 24 * 3600;

/// The latest Unix timestamp memcached accepts as an expiry (it parses a 32-bit number).
const MAX_ABSOLUTE_EXPIRY: u64 = i32::MAX as u64;

/// Keeps tokens in memcached, with a server-side expiry equal to the token's.
///
/// What it promises:
///
/// - Every operation (`get`, `set`, `delete`, taking or releasing the refresh lock) is
///   bounded as a whole, connecting, the TLS handshake, writing and reading included, by the
///   smaller of this cache's [`timeout`](MemcachedTokenCache::timeout) and the time left to
///   the API call it serves ([`token_cache_deadline`](crate::token_cache_deadline)). A
///   memcached that is down, hangs, or drips its reply byte by byte turns into an error
///   within that bound, which the client counts as a cache miss: payments go through, each
///   client fetching its own token, while memcached is unwell.
/// - Commands run on a small pool of connections shared by clones of the cache, never under
///   a lock: one stuck connection does not block other threads.
/// - Replies are capped at 16 KiB (a cached token is a few hundred bytes); a larger value
///   is refused from its `VALUE` header, and a malformed reply (a value for another key,
///   two replies to one command, …) closes its connection.
/// - Connects lazily: [`new`](MemcachedTokenCache::new) only checks the URL.
///
/// **Managed memcached.** `memcaches://` speaks TLS 1.2 or 1.3 (rustls), checks the
/// server's certificate against Mozilla's roots (plus
/// [`add_root_certificate_pem`](MemcachedTokenCache::add_root_certificate_pem)'s) and its
/// name against the URL's host: ElastiCache for Memcached with in-transit encryption,
/// serverless included. One cache talks to one server: a serverless cache's endpoint, or
/// in a node-based cluster the same node in every process; keys are not spread over
/// several servers. SASL authentication and the binary protocol are not supported:
/// memcached's text protocol has no login, so keep the server on a private network.
///
/// Tokens are stored as the JSON of [`CachedToken`] under `{prefix}{key}` with an expiry
/// of the time left until the token expires, rounded up to whole seconds. The refresh lock
/// is `add {prefix}{key}:lock` with a random owner and an expiry of `ttl`, released only
/// by its owner; a crashed holder's lock expires after `ttl`. Bytes that memcached keys
/// cannot hold (spaces, control characters, non-ASCII) and `%` are written `%XX`; a key
/// still longer than memcached's 250 bytes is an error, which the client counts as a miss.
///
/// ```no_run
/// use std::sync::Arc;
///
/// // ElastiCache for Memcached with in-transit encryption.
/// let cache =
///     gopay::MemcachedTokenCache::new("memcaches://shop.abc123.cache.amazonaws.com:11211")?
///         .key_prefix("shop:");
/// let client = gopay::Client::builder(gopay::Config::from_env()?)
///     .token_cache(Arc::new(cache))
///     .build()?;
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone)]
pub struct MemcachedTokenCache {
    server: Arc<Server>,
    prefix: String,
    timeout: Duration,
}

/// The server's address, how to reach it and its idle connections, shared by clones.
struct Server {
    address: Address,
    connections: Connections<Connection>,
}

impl MemcachedTokenCache {
    /// A cache on the memcached server at `memcached_url`: `memcache://host[:port]`, or
    /// `memcaches://host[:port]` for TLS, with an IPv4 address, a host name or a bracketed
    /// IPv6 address (`[::1]`) and the port (default 11211). The server is not contacted: an
    /// unreachable server is only an error once the cache is used.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a malformed URL, a path, a query, or a user name or password
    /// (memcached's text protocol has no authentication). The message never quotes the
    /// URL.
    pub fn new(memcached_url: &str) -> Result<MemcachedTokenCache, Error> {
        let address = Address::parse(memcached_url)?;
        let connections = Connections::new(&address.node.host, address.tls)?;
        Ok(MemcachedTokenCache {
            server: Arc::new(Server {
                address,
                connections,
            }),
            prefix: "gopay:".to_owned(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Trusts the certificate authorities in `pem` (one or more `CERTIFICATE` blocks) for
    /// a `memcaches://` server, besides Mozilla's roots: for a self-hosted memcached behind
    /// a private CA. May be called several times. Needs the `extra-roots` feature.
    ///
    /// The result no longer shares idle connections with clones made before.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `pem` holds no certificate, a private key or a malformed
    /// certificate, or when the URL is `memcache://` (no TLS, so no certificate is
    /// checked).
    #[cfg(feature = "extra-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extra-roots")))]
    pub fn add_root_certificate_pem(
        self,
        pem: impl AsRef<[u8]>,
    ) -> Result<MemcachedTokenCache, Error> {
        let address = &self.server.address;
        let connections = self.server.connections.trusting(
            &address.node.host,
            pem.as_ref(),
            ("memcache", "memcaches"),
        )?;
        Ok(MemcachedTokenCache {
            server: Arc::new(Server {
                address: address.clone(),
                connections,
            }),
            ..self
        })
    }

    /// Prefixes every key, to keep applications sharing a memcached apart. Defaults to
    /// `gopay:`.
    ///
    /// Affects only the value it is called on (clones made before keep their prefix).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> MemcachedTokenCache {
        self.prefix = prefix.into();
        self
    }

    /// Bounds each cache operation as a whole (connecting, the TLS handshake, writing and
    /// reading); the API call's own remaining time bounds it further. Defaults to 500 ms;
    /// at least 1 ms. Any duration is accepted: with `Duration::MAX` only the call's
    /// deadline bounds an operation.
    ///
    /// Affects only the value it is called on (clones made before keep their timeout).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> MemcachedTokenCache {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The memcached key of `{prefix}{key}{suffix}`.
    fn key(&self, key: &str, suffix: &str) -> Result<String, MemcachedError> {
        text::key(&format!("{}{key}{suffix}", self.prefix)).ok_or(MemcachedError::BadKey)
    }

    /// The instant by which an operation starting now must be over.
    fn deadline(&self) -> Instant {
        deadline_after(self.timeout)
    }

    /// Runs one command on `key` by `deadline`, on an idle or a new connection, which goes
    /// back to the pool only after a clean, complete reply that is not an error (after an
    /// error memcached may still be reading what we sent). No lock is held while it runs.
    fn run(&self, request: &[u8], key: &str, deadline: Instant) -> Result<Reply, MemcachedError> {
        // With no time left, fail before taking (and losing) a pooled connection.
        left(deadline)?;
        let server = &*self.server;
        let node = &server.address.node;
        let connections = &server.connections;
        let mut connection = match connections.pool.take(node, Connection::looks_idle) {
            Some(connection) => connection,
            None => Connection::open(node, connections.tls.as_ref(), deadline)?,
        };
        match connection.command(request, key, deadline)? {
            Reply::Error(code) => Err(MemcachedError::Server(code)),
            reply => {
                connections.pool.put_back(node, connection);
                Ok(reply)
            }
        }
    }
}

/// The expiry to store a token that expires at `expires_at` with, at `now`: the seconds
/// left, rounded up, or past 30 days the Unix time (memcached reads larger numbers so),
/// at most in 2038; `None` once it has expired.
fn token_expiry(expires_at: SystemTime, now: SystemTime) -> Option<i64> {
    let left = expires_at.duration_since(now).ok()?;
    let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    let expiry = match seconds {
        0 => return None,
        relative @ 1..=MAX_RELATIVE_EXPIRY => relative,
        _ => {
            let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
            now.saturating_add(seconds).min(MAX_ABSOLUTE_EXPIRY)
        }
    };
    i64::try_from(expiry).ok()
}

/// The expiry of a refresh lock held for `ttl`: whole seconds, rounded up, from 1 s to 30
/// days (a lock is never meant to be held for long).
fn lock_expiry(ttl: Duration) -> i64 {
    let seconds = ttl
        .as_secs()
        .saturating_add(u64::from(ttl.subsec_nanos() > 0));
    let seconds = seconds.clamp(1, MAX_RELATIVE_EXPIRY);
    i64::try_from(seconds).unwrap_or(1)
}

impl TokenCache for MemcachedTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        let deadline = self.deadline();
        let key = self.key(key, "")?;
        match self.run(&text::retrieval(&key, false), &key, deadline)? {
            // A value some other program wrote is a miss, not an error.
            Reply::Value { data, .. } => Ok(serde_json::from_slice(&data).ok()),
            Reply::Miss => Ok(None),
            _ => Err(MemcachedError::Unexpected.into()),
        }
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        let deadline = self.deadline();
        let Some(expiry) = token_expiry(token.expires_at(), SystemTime::now()) else {
            return Ok(());
        };
        let key = self.key(key, "")?;
        let json = serde_json::to_vec(token)?;
        let request = text::storage("set", &key, expiry, &json, None);
        match self.run(&request, &key, deadline)? {
            Reply::Stored => Ok(()),
            _ => Err(MemcachedError::Unexpected.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        let deadline = self.deadline();
        let key = self.key(key, "")?;
        match self.run(&text::delete(&key), &key, deadline)? {
            Reply::Deleted | Reply::NotFound => Ok(()),
            _ => Err(MemcachedError::Unexpected.into()),
        }
    }

    fn try_lock_refresh(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        let deadline = self.deadline();
        let lock_key = self.key(key, ":lock")?;
        let owner = lock_owner();
        let request = text::storage("add", &lock_key, lock_expiry(ttl), owner.as_bytes(), None);
        match self.run(&request, &lock_key, deadline)? {
            Reply::Stored => {}
            Reply::NotStored => return Ok(None),
            _ => return Err(MemcachedError::Unexpected.into()),
        }
        // The release runs when the lock is dropped, still inside the same API call: it is
        // bounded by that call's deadline too.
        let call_deadline = crate::token_cache_deadline();
        let cache = self.clone();
        Ok(Some(RefreshLock::new(move || {
            let deadline = deadline_within(cache.timeout, call_deadline);
            // If this fails the lock simply expires after `ttl`.
            let _ = cache.release(&lock_key, owner.as_bytes(), deadline);
        })))
    }
}

impl MemcachedTokenCache {
    /// Deletes the lock at `lock_key` only if it still holds `owner`, so a lock that expired
    /// and was taken by another client is never released by us.
    ///
    /// `gets` reads the owner and the value's CAS unique; if it is ours, a `cas` with that
    /// unique and a negative expiry stores it already expired, which memcached treats as
    /// deleted, and fails (`EXISTS`) if anyone changed the lock in between. The meta
    /// delete `md <key> C<cas>` would take one round trip less, but meta commands need
    /// memcached 1.6 and changed their flags during 1.5, while ElastiCache still runs
    /// node-based clusters on 1.4 and 1.5; `gets` and `cas` with a negative expiry are the
    /// classic text protocol that every memcached since 1.2.4, Debian's 1.6 and every
    /// ElastiCache for Memcached (serverless included) understand.
    fn release(&self, lock_key: &str, owner: &[u8], deadline: Instant) -> Result<(), CacheError> {
        let cas = match self.run(&text::retrieval(lock_key, true), lock_key, deadline)? {
            Reply::Value {
                data,
                cas: Some(cas),
            } if data == owner => cas,
            // Expired, or someone else's by now: not ours to delete.
            Reply::Value { cas: Some(_), .. } | Reply::Miss => return Ok(()),
            // A `gets` answered without a CAS unique cannot be deleted safely.
            _ => return Err(MemcachedError::Unexpected.into()),
        };
        let request = text::storage("cas", lock_key, -1, owner, Some(cas));
        match self.run(&request, lock_key, deadline)? {
            Reply::Stored | Reply::Exists | Reply::NotFound => Ok(()),
            _ => Err(MemcachedError::Unexpected.into()),
        }
    }
}

impl fmt::Debug for MemcachedTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only where the server is: the URL holds no secret, but keys and values may.
        f.debug_struct("MemcachedTokenCache")
            .field("server", &format_args!("{}", self.server.address))
            .field("tls", &self.server.address.tls)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why a cache operation failed. Never carries a key's value or the server's own text.
#[derive(Debug)]
enum MemcachedError {
    /// The connection failed, timed out or was closed, or TLS failed.
    Net(NetError),
    /// A reply this client refuses.
    Malformed(Malformed),
    /// A well-formed reply of the wrong kind for the command, or more than one reply.
    Unexpected,
    /// An error reply, by its code (`ERROR`, `CLIENT_ERROR`, `SERVER_ERROR`).
    Server(&'static str),
    /// The key is empty or longer than memcached's 250 bytes once made valid.
    BadKey,
}

impl fmt::Display for MemcachedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemcachedError::Net(net) => net.describe("memcached", f),
            MemcachedError::Malformed(why) => f.write_str(why.describe()),
            MemcachedError::Unexpected => {
                f.write_str("memcached sent a reply of an unexpected kind")
            }
            MemcachedError::Server(code) => write!(f, "memcached refused the command ({code})"),
            MemcachedError::BadKey => f.write_str(
                "the cache key is empty or longer than memcached's 250 bytes: use a shorter \
                 key prefix",
            ),
        }
    }
}

impl std::error::Error for MemcachedError {}

impl From<NetError> for MemcachedError {
    fn from(err: NetError) -> MemcachedError {
        MemcachedError::Net(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_config_errors_that_do_not_echo_the_url() {
        for url in [
            "http://hunter2",
            "memcache://user:hunter2@host",
            "memcaches://hunter2:x",
            "memcache://hunter2/0",
        ] {
            let err = MemcachedTokenCache::new(url).unwrap_err();
            assert!(matches!(err, Error::Config { .. }));
            assert!(!err.to_string().contains("hunter2"));
        }
    }

    #[test]
    fn debug_shows_where_the_server_is() {
        let cache = MemcachedTokenCache::new("memcaches://cache.example:11212").unwrap();
        let debug = format!("{cache:?}");
        assert!(debug.contains("cache.example:11212"), "{debug}");
        assert!(debug.contains("tls: true"), "{debug}");
    }

    #[test]
    fn timeout_and_prefix_change_only_their_own_value() {
        let first = MemcachedTokenCache::new("memcache://127.0.0.1:1").unwrap();
        let second = first
            .clone()
            .timeout(Duration::from_secs(3))
            .key_prefix("b:");
        assert_eq!(first.timeout, DEFAULT_TIMEOUT);
        assert_eq!(first.key("k", "").unwrap(), "gopay:k");
        assert_eq!(second.timeout, Duration::from_secs(3));
        assert_eq!(second.key("k", ":lock").unwrap(), "b:k:lock");
        assert!(Arc::ptr_eq(&first.server, &second.server));
        assert_eq!(
            first.clone().timeout(Duration::ZERO).timeout,
            Duration::from_millis(1)
        );
    }

    #[test]
    fn keys_are_made_valid_and_an_overlong_one_is_an_error() {
        let cache = MemcachedTokenCache::new("memcache://127.0.0.1:1")
            .unwrap()
            .key_prefix("my shop:");
        assert_eq!(cache.key("a\r\nb", "").unwrap(), "my%20shop:a%0D%0Ab");
        let long = "k".repeat(300);
        let err = cache.get(&long).unwrap_err().to_string();
        assert!(err.contains("250 bytes"), "{err}");
        assert!(!err.contains(&long));
        assert!(cache.set(&long, &token(60)).is_err());
        assert!(cache.delete(&long).is_err());
        assert!(cache
            .try_lock_refresh(&long, Duration::from_secs(1))
            .is_err());
    }

    fn token(seconds: u64) -> CachedToken {
        CachedToken::new(
            "tok",
            "bearer",
            SystemTime::now() + Duration::from_secs(seconds),
        )
    }

    #[test]
    fn expiries_are_relative_up_to_30_days_and_absolute_beyond() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |seconds: f64| now + Duration::from_secs_f64(seconds);
        assert_eq!(token_expiry(at(1800.0), now), Some(1800));
        assert_eq!(token_expiry(at(0.2), now), Some(1));
        assert_eq!(token_expiry(at(59.5), now), Some(60));
        assert_eq!(token_expiry(now, now), None);
        assert_eq!(token_expiry(now - Duration::from_secs(5), now), None);
        assert_eq!(token_expiry(at(2_592_000.0), now), Some(2_592_000));
        assert_eq!(
            token_expiry(at(2_592_001.0), now),
            Some(1_800_000_000 + 2_592_001)
        );
        // memcached parses a 32-bit expiry: far-off tokens expire in 2038 there.
        assert_eq!(token_expiry(at(1e10), now), Some(i64::from(i32::MAX)));
        let far = UNIX_EPOCH + Duration::from_secs(1 << 40);
        assert_eq!(token_expiry(far, now), Some(i64::from(i32::MAX)));
        assert_eq!(lock_expiry(Duration::ZERO), 1);
        assert_eq!(lock_expiry(Duration::from_millis(1500)), 2);
        assert_eq!(lock_expiry(Duration::from_secs(30)), 30);
        assert_eq!(lock_expiry(Duration::MAX), 2_592_000);
    }

    #[test]
    fn any_timeout_is_accepted() {
        let cache = MemcachedTokenCache::new("memcache://127.0.0.1:1")
            .unwrap()
            .timeout(Duration::MAX);
        let deadline = cache.deadline();
        assert!(deadline > Instant::now() + Duration::from_secs(3600));
        let call = Instant::now() + Duration::from_millis(30);
        assert_eq!(super::super::with_deadline(call, || cache.deadline()), call);
        // A refused connection still fails fast.
        let err = super::super::with_deadline(call, || cache.get("k")).unwrap_err();
        assert!(!err.to_string().is_empty());
    }

    #[test]
    fn the_budget_is_the_smaller_of_the_timeout_and_the_call_deadline() {
        let cache = MemcachedTokenCache::new("memcache://127.0.0.1:1").unwrap();
        let start = Instant::now();
        let own = cache.deadline();
        assert!(own >= start + DEFAULT_TIMEOUT);
        let soon = Instant::now() + Duration::from_millis(50);
        assert_eq!(super::super::with_deadline(soon, || cache.deadline()), soon);
        let late = Instant::now() + Duration::from_secs(60);
        let bounded = super::super::with_deadline(late, || cache.deadline());
        assert!(bounded < late);
    }

    #[test]
    fn a_refused_connection_is_an_error_not_a_hang() {
        // Nothing listens on port 1 (and an unprivileged test could not take it).
        let cache = MemcachedTokenCache::new("memcache://127.0.0.1:1").unwrap();
        let start = Instant::now();
        assert!(cache.get("k").is_err());
        assert!(cache.try_lock_refresh("k", Duration::from_secs(1)).is_err());
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn no_time_left_fails_without_connecting() {
        let cache = MemcachedTokenCache::new("memcache://127.0.0.1:1").unwrap();
        let passed = Instant::now();
        let err = super::super::with_deadline(passed, || cache.get("k")).unwrap_err();
        assert_eq!(err.to_string(), "memcached did not answer in time");
    }
}
