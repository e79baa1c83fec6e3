//! [`RedisTokenCache`] (feature `redis`): one token per fleet of processes and machines
//! sharing a Redis server, through a small built-in RESP2 client whose every command is
//! bounded by one deadline.

mod address;
mod resp;

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

use self::address::{Address, Host};
use self::resp::{Malformed, Reply};
use super::cache::{CacheError, CachedToken, RefreshLock, TokenCache};
use crate::error::Error;

/// Default bound on one cache operation (connecting included).
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// Idle connections kept for reuse; more may be open at once, but are closed after use.
const MAX_IDLE: usize = 8;

/// The longest single socket wait. The kernel rounds long socket timeouts up coarsely (by
/// up to an eighth of the wait), so a long wait is made of short slices, each followed by a
/// look at the deadline.
const WAIT_SLICE: Duration = Duration::from_millis(50);

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
///   bounded as a whole, connecting, writing and reading included, by the smaller of this
///   cache's [`timeout`](RedisTokenCache::timeout) and the time left to the API call it
///   serves ([`token_cache_deadline`](crate::token_cache_deadline)). A Redis that is down,
///   hangs, or drips its reply byte by byte turns into an error within that bound, which
///   the client counts as a cache miss: payments go through, each client fetching its own
///   token, while Redis is unwell.
/// - Commands run on a small pool of connections shared by clones of the cache, never
///   under a lock: one stuck connection does not block other threads.
/// - Replies are capped at 16 KiB (a cached token is a few hundred bytes); a larger or
///   malformed reply is refused from its header, and its connection closed.
/// - Connects lazily: [`new`](RedisTokenCache::new) only checks the URL.
///
/// Tokens are stored as the JSON of [`CachedToken`] under `{prefix}{key}` with
/// `PX` = the time left until the token expires. The refresh lock is
/// `SET {prefix}{key}:lock <random> NX PX <ttl>`, released only by its owner (a Lua
/// `EVAL`); a crashed holder's lock expires after `ttl`.
///
/// TLS (`rediss://`) is not supported: put Redis on a private network, or reach it through
/// a tunnel. Tokens and the password travel in clear text otherwise.
///
/// ```no_run
/// use std::sync::Arc;
///
/// let cache = gopay::RedisTokenCache::new("redis://127.0.0.1:6379/0")?.key_prefix("shop:");
/// let client = gopay::Client::builder(gopay::Config::from_env()?)
///     .token_cache(Arc::new(cache))
///     .build()?;
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisTokenCache {
    pool: Arc<Pool>,
    prefix: String,
    timeout: Duration,
}

/// The server's address and the idle connections to it, shared by clones.
struct Pool {
    address: Address,
    idle: Mutex<Vec<Connection>>,
}

impl RedisTokenCache {
    /// A cache on the Redis server at `redis_url`:
    /// `redis://[[user]:password@]host[:port][/db]`, with a percent-encoded user name and
    /// password (sent with `AUTH`), an IPv4 address, a host name or a bracketed IPv6
    /// address (`[::1]`), the port (default 6379) and the database number (default 0, sent
    /// with `SELECT`). The server is not contacted: an unreachable server is only an error
    /// once the cache is used.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a malformed URL, a `rediss://` URL (TLS is not supported) or a
    /// unix socket. The message never quotes the URL, which may hold a password.
    pub fn new(redis_url: &str) -> Result<RedisTokenCache, Error> {
        Ok(RedisTokenCache {
            pool: Arc::new(Pool {
                address: Address::parse(redis_url)?,
                idle: Mutex::new(Vec::new()),
            }),
            prefix: "gopay:".to_owned(),
            timeout: DEFAULT_TIMEOUT,
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

    /// Bounds each cache operation as a whole (connecting, writing and reading); the API
    /// call's own remaining time bounds it further. Defaults to 500 ms; at least 1 ms.
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
        let own = Instant::now() + self.timeout;
        match crate::token_cache_deadline() {
            Some(call) => own.min(call),
            None => own,
        }
    }

    /// Runs one command by `deadline` on an idle or a new connection, which goes back to
    /// the pool only after a clean, complete reply. No lock is held while it runs.
    fn run(&self, args: &[&[u8]], deadline: Instant) -> Result<Reply, RedisError> {
        // With no time left, fail before taking (and losing) a pooled connection.
        left(deadline)?;
        let mut connection = match self.pool.take_idle() {
            Some(connection) => connection,
            None => Connection::open(&self.pool.address, deadline)?,
        };
        let reply = connection.command(args, deadline)?;
        if let Reply::Error(code) = reply {
            // A clean reply: the connection is fine, the command was not.
            self.pool.put_back(connection);
            return Err(RedisError::Server(code));
        }
        self.pool.put_back(connection);
        Ok(reply)
    }
}

impl Pool {
    /// An idle connection that still looks alive (not closed by the server meanwhile, with
    /// no stray bytes waiting).
    fn take_idle(&self) -> Option<Connection> {
        loop {
            let connection = self.idle.lock().pop()?;
            if connection.looks_idle() {
                return Some(connection);
            }
        }
    }

    fn put_back(&self, connection: Connection) {
        let mut idle = self.idle.lock();
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
    }
}

impl TokenCache for RedisTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        let deadline = self.deadline();
        match self.run(&[b"GET", self.key(key).as_bytes()], deadline)? {
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
        match self.run(&args, deadline)? {
            Reply::Simple(_) => Ok(()),
            _ => Err(RedisError::Unexpected.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        let deadline = self.deadline();
        match self.run(&[b"DEL", self.key(key).as_bytes()], deadline)? {
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
        match self.run(&args, deadline)? {
            Reply::Simple(_) => {}
            Reply::Bulk(None) => return Ok(None),
            _ => return Err(RedisError::Unexpected.into()),
        }
        // The release runs when the lock is dropped, still inside the same API call: it is
        // bounded by that call's deadline too.
        let call_deadline = crate::token_cache_deadline();
        let cache = self.clone();
        Ok(Some(RefreshLock::new(move || {
            let own = Instant::now() + cache.timeout;
            let deadline = call_deadline.map_or(own, |call| call.min(own));
            // If this fails the lock simply expires after `ttl`.
            let _ = cache.run(
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

/// A value no other lock holder will have: process, time and a counter.
fn lock_owner() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}-{nanos:x}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl fmt::Debug for RedisTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the credentials: only where the server is.
        f.debug_struct("RedisTokenCache")
            .field("server", &format_args!("{}", self.pool.address))
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why a cache operation failed. Never carries a key's value, the password or the URL.
#[derive(Debug)]
enum RedisError {
    /// The operation's time was up.
    TimedOut,
    /// Connecting, reading or writing failed.
    Io(io::ErrorKind),
    /// The server closed the connection.
    Closed,
    /// The host name did not resolve to any address.
    Resolve,
    /// A reply this client refuses.
    Malformed(Malformed),
    /// A well-formed reply of the wrong type for the command.
    Unexpected,
    /// An error reply, by its code (`WRONGPASS`, `NOAUTH`, …).
    Server(String),
}

impl fmt::Display for RedisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedisError::TimedOut => f.write_str("Redis did not answer in time"),
            RedisError::Io(kind) => write!(f, "Redis connection failed: {kind}"),
            RedisError::Closed => f.write_str("Redis closed the connection"),
            RedisError::Resolve => f.write_str("the Redis host name did not resolve"),
            RedisError::Malformed(why) => f.write_str(why.describe()),
            RedisError::Unexpected => f.write_str("Redis sent a reply of an unexpected type"),
            RedisError::Server(code) => write!(f, "Redis refused the command ({code})"),
        }
    }
}

impl std::error::Error for RedisError {}

impl From<io::Error> for RedisError {
    fn from(err: io::Error) -> RedisError {
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => RedisError::TimedOut,
            io::ErrorKind::UnexpectedEof => RedisError::Closed,
            kind => RedisError::Io(kind),
        }
    }
}

/// What is left until `deadline`, or a timeout error once nothing is.
fn left(deadline: Instant) -> Result<Duration, RedisError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(RedisError::TimedOut)
    } else {
        Ok(left)
    }
}

/// The socket timeout of the next wait: what is left, in slices of [`WAIT_SLICE`].
fn next_wait(deadline: Instant) -> Result<Option<Duration>, RedisError> {
    Ok(Some(left(deadline)?.min(WAIT_SLICE)))
}

/// Whether a failed socket wait should simply be tried again: interrupted, or a slice that
/// ran out before the deadline (checked by the next [`next_wait`]).
fn wait_again(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// One connection to the server, logged in and on the right database.
struct Connection {
    stream: TcpStream,
    /// Bytes of the reply being read.
    buf: Vec<u8>,
}

impl Connection {
    /// Connects (resolving the host name if needed) and logs in, all by `deadline`.
    fn open(address: &Address, deadline: Instant) -> Result<Connection, RedisError> {
        let addrs = resolve(&address.host, address.port, deadline)?;
        let mut last = RedisError::Resolve;
        let mut stream = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, left(deadline)?) {
                Ok(connected) => {
                    stream = Some(connected);
                    break;
                }
                Err(err) => last = err.into(),
            }
        }
        let stream = stream.ok_or(last)?;
        let _ = stream.set_nodelay(true);
        let mut connection = Connection {
            stream,
            buf: Vec::with_capacity(256),
        };
        if let Some(auth) = &address.auth {
            let mut args: Vec<&[u8]> = vec![b"AUTH"];
            args.extend(auth.user.as_deref());
            args.push(&auth.password);
            connection.expect_ok(&args, deadline)?;
        }
        if address.db != 0 {
            let db = address.db.to_string();
            connection.expect_ok(&[b"SELECT", db.as_bytes()], deadline)?;
        }
        Ok(connection)
    }

    fn expect_ok(&mut self, args: &[&[u8]], deadline: Instant) -> Result<(), RedisError> {
        match self.command(args, deadline)? {
            Reply::Simple(_) => Ok(()),
            Reply::Error(code) => Err(RedisError::Server(code)),
            _ => Err(RedisError::Unexpected),
        }
    }

    /// Sends one command and reads its reply, both by `deadline`. On error the connection
    /// is in an unknown state and must be dropped (the caller's `?` does that).
    fn command(&mut self, args: &[&[u8]], deadline: Instant) -> Result<Reply, RedisError> {
        let request = resp::encode(args);
        let mut written = 0;
        while written < request.len() {
            self.stream.set_write_timeout(next_wait(deadline)?)?;
            match self.stream.write(&request[written..]) {
                Ok(0) => return Err(RedisError::Closed),
                Ok(n) => written += n,
                Err(err) if wait_again(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        self.read_reply(deadline)
    }

    /// Reads exactly one reply, never buffering more than [`resp::MAX_REPLY`] bytes: a
    /// reply over the cap is refused from its header.
    fn read_reply(&mut self, deadline: Instant) -> Result<Reply, RedisError> {
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            match resp::parse(&self.buf) {
                Ok(Some((reply, used))) => {
                    if used != self.buf.len() {
                        // More than one reply to one command: not a server we trust.
                        return Err(RedisError::Unexpected);
                    }
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(why) => return Err(RedisError::Malformed(why)),
            }
            let room = resp::MAX_REPLY.saturating_sub(self.buf.len());
            if room == 0 {
                return Err(RedisError::Malformed(Malformed::TooLarge));
            }
            self.stream.set_read_timeout(next_wait(deadline)?)?;
            let want = room.min(chunk.len());
            match self.stream.read(&mut chunk[..want]) {
                Ok(0) => return Err(RedisError::Closed),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(err) if wait_again(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// Whether an idle connection is still open with nothing unread: the server may have
    /// closed it (restart, idle timeout) since its last use.
    fn looks_idle(&self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut probe = [0u8; 1];
        let idle = matches!(
            self.stream.peek(&mut probe),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock
        );
        idle && self.stream.set_nonblocking(false).is_ok()
    }
}

/// The addresses of `host`; a name is resolved on a helper thread so that a slow resolver
/// cannot hold the operation past `deadline`.
fn resolve(host: &Host, port: u16, deadline: Instant) -> Result<Vec<SocketAddr>, RedisError> {
    let name = match host {
        Host::Ip(ip) => return Ok(vec![SocketAddr::new(*ip, port)]),
        Host::Name(name) => name.clone(),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("gopay-redis-resolve".to_owned())
        .spawn(move || {
            let found = (name.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>);
            let _ = tx.send(found);
        })
        .map_err(RedisError::from)?;
    match rx.recv_timeout(left(deadline)?) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(_) => Err(RedisError::Resolve),
        Err(_) => Err(RedisError::TimedOut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_config_errors_that_do_not_echo_the_url() {
        for url in [
            "http://:hunter2@host",
            "rediss://:hunter2@host",
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
        assert!(Arc::ptr_eq(&first.pool, &second.pool));
        assert_eq!(
            first.clone().timeout(Duration::ZERO).timeout,
            Duration::from_millis(1)
        );
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
