//! [`RedisTokenCache`] (feature `redis`): one token per fleet of processes and machines
//! sharing a Redis server or cluster, plain or over TLS, through a small built-in RESP2
//! client whose every command is bounded by one deadline.

mod address;
mod connection;
mod resp;
mod slot;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use self::address::Address;
use self::connection::Connection;
use parking_lot::Mutex;

use self::resp::{Malformed, Reply};
use super::cache::{CacheError, CachedToken, RefreshLock, TokenCache};
use super::remote::{
    deadline_after, deadline_within, left, lock_owner, parse_host_port, Connections, NetError, Node,
};
use crate::error::Error;

/// Default bound on one cache operation (connecting included).
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// Cluster slots whose node a `MOVED` named, kept so that the next command for the slot
/// goes straight there: at most this many (a cache uses two keys per client).
const MAX_ROUTES: usize = 64;

/// The longest expiry written (about 34 years): Redis refuses expiries that overflow.
const MAX_PX: u64 = 1 << 40;

/// Deletes the lock only if it still holds our token, so a lock that expired and was taken
/// by another client is never released by us.
const RELEASE_LOCK: &str =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/// Keeps tokens in Redis, with a server-side expiry equal to the token's.
///
/// What it promises:
///
/// - Every operation (`get`, `set`, `delete`, taking or releasing the refresh lock) is
///   bounded as a whole, connecting, the TLS handshake, writing and reading included, by the
///   smaller of this cache's [`timeout`](RedisTokenCache::timeout) and the time left to the
///   API call it serves ([`token_cache_deadline`](crate::token_cache_deadline)). A Redis
///   that is down, hangs, or drips its reply byte by byte turns into an error within that
///   bound, which the client counts as a cache miss: payments go through, each client
///   fetching its own token, while Redis is unwell.
/// - Commands run on a small pool of connections per node shared by clones of the cache,
///   never under a lock: one stuck connection does not block other threads.
/// - Replies are capped at 16 KiB (a cached token is a few hundred bytes); a larger or
///   malformed reply is refused from its header, and its connection closed.
/// - Connects lazily: [`new`](RedisTokenCache::new) only checks the URL.
///
/// **Managed Redis.** `rediss://` speaks TLS 1.2 or 1.3 (rustls), checks the server's
/// certificate against Mozilla's roots (plus
/// [`add_root_certificate_pem`](RedisTokenCache::add_root_certificate_pem)'s) and its name
/// against the URL's host. An ACL user logs in with `AUTH user password`. In a Redis
/// Cluster (ElastiCache cluster mode, Azure's clustered caches) a `MOVED` or `ASK` reply is
/// followed once, to the node it names, with the same pool and deadline rules; anything
/// else stays a miss. A node named by its address in a redirect must present a certificate
/// for the URL's host name, as a cluster's nodes share its endpoint's certificate. Sentinel
/// discovery and RESP3 are not supported.
///
/// Tokens are stored as the JSON of [`CachedToken`] under `{prefix}{key}` with
/// `PX` = the time left until the token expires. The refresh lock is
/// `SET {prefix}{key}:lock <random> NX PX <ttl>`, released only by its owner (a Lua
/// `EVAL`); a crashed holder's lock expires after `ttl`.
///
/// ```no_run
/// use std::sync::Arc;
///
/// // A managed Redis: TLS on 6380, an ACL user whose password is percent-encoded.
/// let cache = gopay::RedisTokenCache::new("rediss://shop:p%40ss@cache.example.net:6380/0")?
///     .key_prefix("shop:");
/// let client = gopay::Client::builder(gopay::Config::from_env()?)
///     .token_cache(Arc::new(cache))
///     .build()?;
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisTokenCache {
    server: Arc<Server>,
    prefix: String,
    timeout: Duration,
}

/// The server's address, how to reach it and the idle connections to its nodes, shared by
/// clones.
struct Server {
    address: Address,
    connections: Connections<Connection>,
    /// Redis Cluster: the node serving a slot, as the last `MOVED` for it said.
    routes: Mutex<HashMap<u16, Node>>,
}

impl Server {
    fn new(address: Address, connections: Connections<Connection>) -> Server {
        Server {
            address,
            connections,
            routes: Mutex::new(HashMap::new()),
        }
    }
}

impl RedisTokenCache {
    /// A cache on the Redis server at `redis_url`:
    /// `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS, with a
    /// percent-encoded user name and password (`AUTH user password`, or `AUTH password`
    /// without a user), an IPv4 address, a host name or a bracketed IPv6 address (`[::1]`),
    /// the port (default 6379) and the database number (default 0, sent with `SELECT`).
    /// The server is not contacted: an unreachable server is only an error once the cache
    /// is used.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a malformed URL or a unix socket. The message never quotes the
    /// URL, which may hold a password.
    pub fn new(redis_url: &str) -> Result<RedisTokenCache, Error> {
        let address = Address::parse(redis_url)?;
        let connections = Connections::new(&address.node.host, address.tls)?;
        Ok(RedisTokenCache {
            server: Arc::new(Server::new(address, connections)),
            prefix: "gopay:".to_owned(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Trusts the certificate authorities in `pem` (one or more `CERTIFICATE` blocks) for
    /// a `rediss://` server, besides Mozilla's roots: for a self-hosted Redis behind a
    /// private CA. May be called several times. Needs the `extra-roots` feature.
    ///
    /// The result no longer shares idle connections with clones made before.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `pem` holds no certificate, a private key or a malformed
    /// certificate, or when the URL is `redis://` (no TLS, so no certificate is checked).
    #[cfg(feature = "extra-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "extra-roots")))]
    pub fn add_root_certificate_pem(self, pem: impl AsRef<[u8]>) -> Result<RedisTokenCache, Error> {
        let address = &self.server.address;
        let connections = self.server.connections.trusting(
            &address.node.host,
            pem.as_ref(),
            ("redis", "rediss"),
        )?;
        Ok(RedisTokenCache {
            server: Arc::new(Server::new(address.clone(), connections)),
            ..self
        })
    }

    /// Prefixes every key, to keep applications sharing a Redis apart. Defaults to `gopay:`.
    ///
    /// Affects only the value it is called on (clones made before keep their prefix).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> RedisTokenCache {
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
    pub fn timeout(mut self, timeout: Duration) -> RedisTokenCache {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The instant by which an operation starting now must be over.
    fn deadline(&self) -> Instant {
        deadline_after(self.timeout)
    }

    /// Runs one command on `key` by `deadline`: on the node that last served its cluster
    /// slot, or the URL's node. A `MOVED` is followed once (and remembered for the slot),
    /// an `ASK` once (with `ASKING`, not remembered), so at most three nodes are asked.
    fn run(&self, key: &[u8], args: &[&[u8]], deadline: Instant) -> Result<Reply, RedisError> {
        let slot = slot::of(key);
        // Where the command goes when not to the URL's node (which is not copied per call).
        let mut redirected = self.server.routes.lock().get(&slot).cloned();
        let (mut moved, mut asking) = (false, false);
        loop {
            let node = redirected.as_ref().unwrap_or(&self.server.address.node);
            let reply = self.run_on(node, args, asking, deadline).inspect_err(|_| {
                // A node that failed may be gone: start from the URL's node next time.
                self.server.routes.lock().remove(&slot);
            })?;
            match reply {
                Reply::Redirect {
                    ask: false,
                    node: named,
                } if !moved && !asking => {
                    moved = true;
                    let next = redirect_target(&named, node)?;
                    let mut routes = self.server.routes.lock();
                    if routes.len() >= MAX_ROUTES {
                        routes.clear();
                    }
                    routes.insert(slot, next.clone());
                    redirected = Some(next);
                }
                Reply::Redirect {
                    ask: true,
                    node: named,
                } if !asking => {
                    asking = true;
                    redirected = Some(redirect_target(&named, node)?);
                }
                // A redirect past those is a cluster in flux: a miss this time.
                Reply::Redirect { .. } => return Err(RedisError::Redirected),
                reply => return finish(reply),
            }
        }
    }

    /// Runs one command on `node` by `deadline` (after `ASKING` for an `ASK` redirect), on
    /// an idle or a new connection, which goes back to the pool only after a clean,
    /// complete reply. No lock is held while it runs.
    fn run_on(
        &self,
        node: &Node,
        args: &[&[u8]],
        asking: bool,
        deadline: Instant,
    ) -> Result<Reply, RedisError> {
        // With no time left, fail before taking (and losing) a pooled connection.
        left(deadline)?;
        let server = &*self.server;
        let connections = &server.connections;
        let mut connection = match connections.pool.take(node, Connection::looks_idle) {
            Some(connection) => connection,
            None => Connection::open(node, &server.address, connections.tls.as_ref(), deadline)?,
        };
        if asking {
            connection.expect_ok(&[b"ASKING"], deadline)?;
        }
        let reply = connection.command(args, deadline)?;
        connections.pool.put_back(node, connection);
        Ok(reply)
    }
}

/// A clean reply of the right kind, or the server's refusal as an error.
fn finish(reply: Reply) -> Result<Reply, RedisError> {
    match reply {
        Reply::Error(code) => Err(RedisError::Server(code)),
        reply => Ok(reply),
    }
}

/// The node a `MOVED` or `ASK` names: `host:port`, an unbracketed IPv6 address before the
/// last colon, or an empty host for the node that answered.
fn redirect_target(named: &str, answered: &Node) -> Result<Node, RedisError> {
    let (host, port) = named.rsplit_once(':').ok_or(RedisError::BadRedirect)?;
    let host_port = match host {
        "" => format!("{}:{port}", answered.host),
        ipv6 if ipv6.contains(':') => format!("[{ipv6}]:{port}"),
        host => format!("{host}:{port}"),
    };
    // With 0 as the default, a redirect without a port is refused like a bad one.
    match parse_host_port(&host_port, 0, |_| Error::config(String::new())) {
        Ok(node) if node.port != 0 => Ok(node),
        _ => Err(RedisError::BadRedirect),
    }
}

impl TokenCache for RedisTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        let deadline = self.deadline();
        let key = self.key(key);
        match self.run(key.as_bytes(), &[b"GET", key.as_bytes()], deadline)? {
            // A value some other program wrote is a miss, not an error.
            Reply::Bulk(stored) => Ok(stored.and_then(|bytes| serde_json::from_slice(&bytes).ok())),
            _ => Err(RedisError::Unexpected.into()),
        }
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        let deadline = self.deadline();
        let left = token
            .expires_at()
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        let millis = u64::try_from(left.as_millis())
            .unwrap_or(u64::MAX)
            .min(MAX_PX);
        if millis == 0 {
            return Ok(());
        }
        let json = serde_json::to_vec(token)?;
        let px = millis.to_string();
        let key = self.key(key);
        let args: [&[u8]; 5] = [b"SET", key.as_bytes(), &json, b"PX", px.as_bytes()];
        match self.run(key.as_bytes(), &args, deadline)? {
            Reply::Simple(_) => Ok(()),
            _ => Err(RedisError::Unexpected.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        let deadline = self.deadline();
        let key = self.key(key);
        match self.run(key.as_bytes(), &[b"DEL", key.as_bytes()], deadline)? {
            Reply::Integer(_) => Ok(()),
            _ => Err(RedisError::Unexpected.into()),
        }
    }

    fn try_lock_refresh(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        let deadline = self.deadline();
        let lock_key = format!("{}:lock", self.key(key));
        let owner = lock_owner();
        let millis = u64::try_from(ttl.as_millis())
            .unwrap_or(u64::MAX)
            .clamp(1, MAX_PX)
            .to_string();
        let args: [&[u8]; 6] = [
            b"SET",
            lock_key.as_bytes(),
            owner.as_bytes(),
            b"NX",
            b"PX",
            millis.as_bytes(),
        ];
        match self.run(lock_key.as_bytes(), &args, deadline)? {
            Reply::Simple(_) => {}
            Reply::Bulk(None) => return Ok(None),
            _ => return Err(RedisError::Unexpected.into()),
        }
        // The release runs when the lock is dropped, still inside the same API call: it is
        // bounded by that call's deadline too.
        let call_deadline = crate::token_cache_deadline();
        let cache = self.clone();
        Ok(Some(RefreshLock::new(move || {
            let deadline = deadline_within(cache.timeout, call_deadline);
            // If this fails the lock simply expires after `ttl`.
            let _ = cache.run(
                lock_key.as_bytes(),
                &[
                    b"EVAL",
                    RELEASE_LOCK.as_bytes(),
                    b"1",
                    lock_key.as_bytes(),
                    owner.as_bytes(),
                ],
                deadline,
            );
        })))
    }
}

impl fmt::Debug for RedisTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the credentials: only where the server is.
        f.debug_struct("RedisTokenCache")
            .field("server", &format_args!("{}", self.server.address))
            .field("tls", &self.server.address.tls)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why a cache operation failed. Never carries a key's value, the password or the URL.
#[derive(Debug)]
enum RedisError {
    /// The connection failed, timed out or was closed, or TLS failed.
    Net(NetError),
    /// A reply this client refuses.
    Malformed(Malformed),
    /// A well-formed reply of the wrong type for the command.
    Unexpected,
    /// An error reply, by its code (`WRONGPASS`, `NOAUTH`, …).
    Server(String),
    /// A cluster redirect to a node that does not parse.
    BadRedirect,
    /// More cluster redirects for one command than a `MOVED` and an `ASK`.
    Redirected,
}

impl fmt::Display for RedisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedisError::Net(net) => net.describe("Redis", f),
            RedisError::Malformed(why) => f.write_str(why.describe()),
            RedisError::Unexpected => f.write_str("Redis sent a reply of an unexpected type"),
            RedisError::Server(code) => write!(f, "Redis refused the command ({code})"),
            RedisError::BadRedirect => f.write_str("Redis Cluster redirected to a malformed node"),
            RedisError::Redirected => {
                f.write_str("Redis Cluster redirected the command too often (slots are moving)")
            }
        }
    }
}

impl std::error::Error for RedisError {}

impl From<NetError> for RedisError {
    fn from(err: NetError) -> RedisError {
        RedisError::Net(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_config_errors_that_do_not_echo_the_url() {
        for url in [
            "http://:hunter2@host",
            "rediss://:hunter2@host:x",
            "redis://:hunter2@host:port",
        ] {
            let err = RedisTokenCache::new(url).unwrap_err();
            assert!(matches!(err, Error::Config { .. }));
            assert!(!err.to_string().contains("hunter2"));
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let cache = RedisTokenCache::new("redis://admin:hunter2@127.0.0.1:1/0").unwrap();
        let debug = format!("{cache:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("127.0.0.1:1/0"), "{debug}");
    }

    #[test]
    fn timeout_and_prefix_change_only_their_own_value() {
        let first = RedisTokenCache::new("redis://127.0.0.1:1/0").unwrap();
        let second = first
            .clone()
            .timeout(Duration::from_secs(3))
            .key_prefix("b:");
        assert_eq!(first.timeout, DEFAULT_TIMEOUT);
        assert_eq!(first.key("k"), "gopay:k");
        assert_eq!(second.timeout, Duration::from_secs(3));
        assert_eq!(second.key("k"), "b:k");
        assert!(Arc::ptr_eq(&first.server, &second.server));
        assert_eq!(
            first.clone().timeout(Duration::ZERO).timeout,
            Duration::from_millis(1)
        );
    }

    #[test]
    fn any_timeout_is_accepted() {
        let cache = RedisTokenCache::new("redis://127.0.0.1:1/0")
            .unwrap()
            .timeout(Duration::MAX);
        let deadline = cache.deadline();
        assert!(deadline > Instant::now() + Duration::from_secs(3600));
        let call = Instant::now() + Duration::from_millis(30);
        assert_eq!(super::super::with_deadline(call, || cache.deadline()), call);
        // A refused connection still fails fast, and the lock release cannot overflow.
        let err = super::super::with_deadline(call, || cache.get("k")).unwrap_err();
        assert!(!err.to_string().is_empty());
    }

    #[test]
    fn redirects_name_a_node() {
        let answered = Address::parse("redis://10.0.0.1:7000").unwrap().node;
        let node = |named: &str| redirect_target(named, &answered).map(|n| n.to_string());
        assert_eq!(node("127.0.0.1:7001").unwrap(), "127.0.0.1:7001");
        assert_eq!(node(":7002").unwrap(), "10.0.0.1:7002");
        assert_eq!(node("::1:7003").unwrap(), "[::1]:7003");
        assert_eq!(
            node("Node-2.Cache.Example:6379").unwrap(),
            "node-2.cache.example:6379"
        );
        for bad in ["7000", "h:0", "h:x", "h:70000", "a b:1", "h@x:1"] {
            assert!(node(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_budget_is_the_smaller_of_the_timeout_and_the_call_deadline() {
        let cache = RedisTokenCache::new("redis://127.0.0.1:1/0").unwrap();
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
        let cache = RedisTokenCache::new("redis://127.0.0.1:1/0").unwrap();
        let start = Instant::now();
        assert!(cache.get("k").is_err());
        assert!(cache.try_lock_refresh("k", Duration::from_secs(1)).is_err());
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn no_time_left_fails_without_connecting() {
        let cache = RedisTokenCache::new("redis://127.0.0.1:1/0").unwrap();
        let passed = Instant::now();
        let err = super::super::with_deadline(passed, || cache.get("k")).unwrap_err();
        assert_eq!(err.to_string(), "Redis did not answer in time");
    }
}
