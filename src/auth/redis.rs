//! [`RedisTokenCache`] (feature `redis`): one token per fleet of processes and machines
//! sharing a Redis server, through the blocking `redis` client.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

use super::cache::{CacheError, CachedToken, RefreshLock, TokenCache};
use crate::error::Error;

/// Default bound on connecting to Redis and on each command.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// Deletes the lock only if it still holds our token, so a lock that expired and was taken
/// by another client is never released by us.
const RELEASE_LOCK: &str =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/// Keeps tokens in Redis, with a server-side expiry equal to the token's.
///
/// Connects lazily: [`new`](RedisTokenCache::new) only checks the URL, and an unreachable or
/// slow server (every command is bounded by a timeout, 500 ms by default) counts as a cache
/// miss, so payments still go through while Redis is down. The refresh lock is
/// `SET {prefix}{key}:lock <random> NX PX <ttl>`, released only by its owner; a crashed
/// holder's lock expires after `ttl`.
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
    inner: Arc<Inner>,
    prefix: String,
}

struct Inner {
    client: redis::Client,
    connection: Mutex<Option<redis::Connection>>,
    timeout: Mutex<Duration>,
}

impl RedisTokenCache {
    /// A cache on the Redis server at `redis_url` (`redis://[:password@]host[:port][/db]`).
    ///
    /// Fails with [`Error::Config`] only for a malformed URL; the server is not contacted.
    pub fn new(redis_url: &str) -> Result<RedisTokenCache, Error> {
        // The URL may hold a password: never echo it.
        let client = redis::Client::open(redis_url)
            .map_err(|_| Error::config("the Redis URL is not valid (redis://host:port/db)"))?;
        Ok(RedisTokenCache {
            inner: Arc::new(Inner {
                client,
                connection: Mutex::new(None),
                timeout: Mutex::new(DEFAULT_TIMEOUT),
            }),
            prefix: "gopay:".to_owned(),
        })
    }

    /// Prefixes every key, to keep applications sharing a Redis apart. Defaults to `gopay:`.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> RedisTokenCache {
        self.prefix = prefix.into();
        self
    }

    /// Bounds connecting and every command. Defaults to 500 ms.
    pub fn timeout(self, timeout: Duration) -> RedisTokenCache {
        *self.inner.timeout.lock() = timeout.max(Duration::from_millis(1));
        self
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Runs one command on the shared connection, connecting first if needed; a failed
    /// connection is dropped so that the next command reconnects.
    fn run<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, CacheError> {
        let timeout = *self.inner.timeout.lock();
        let mut slot = self.inner.connection.lock();
        if slot.is_none() {
            let connection = self.inner.client.get_connection_with_timeout(timeout)?;
            connection.set_read_timeout(Some(timeout))?;
            connection.set_write_timeout(Some(timeout))?;
            *slot = Some(connection);
        }
        let connection = slot.as_mut().expect("connected above");
        match command.query(connection) {
            Ok(value) => Ok(value),
            Err(e) => {
                if e.is_io_error() || e.is_timeout() || e.is_connection_dropped() {
                    *slot = None;
                }
                Err(e.into())
            }
        }
    }
}

impl TokenCache for RedisTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        let stored: Option<Vec<u8>> = self.run(redis::cmd("GET").arg(self.key(key)))?;
        // A value some other program wrote is a miss, not an error.
        Ok(stored.and_then(|bytes| serde_json::from_slice(&bytes).ok()))
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        let left = token
            .expires_at()
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        let millis = u64::try_from(left.as_millis()).unwrap_or(u64::MAX);
        if millis == 0 {
            return Ok(());
        }
        let json = serde_json::to_vec(token)?;
        self.run::<()>(
            redis::cmd("SET")
                .arg(self.key(key))
                .arg(json)
                .arg("PX")
                .arg(millis),
        )
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.run::<()>(redis::cmd("DEL").arg(self.key(key)))
    }

    fn try_lock_refresh(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        let lock_key = format!("{}:lock", self.key(key));
        let owner = lock_owner();
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let taken: Option<String> = self.run(
            redis::cmd("SET")
                .arg(&lock_key)
                .arg(&owner)
                .arg("NX")
                .arg("PX")
                .arg(millis),
        )?;
        if taken.is_none() {
            return Ok(None);
        }
        let cache = self.clone();
        Ok(Some(RefreshLock::new(move || {
            // If this fails the lock simply expires after `ttl`.
            let _ = cache.run::<i64>(
                redis::cmd("EVAL")
                    .arg(RELEASE_LOCK)
                    .arg(1)
                    .arg(&lock_key)
                    .arg(&owner),
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
        // The connection info may carry a password: show only what is harmless.
        f.debug_struct("RedisTokenCache")
            .field("prefix", &self.prefix)
            .field("timeout", &*self.inner.timeout.lock())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_config_errors_that_do_not_echo_the_url() {
        let err = RedisTokenCache::new("http://:hunter2@host").unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn debug_hides_the_password() {
        let cache = RedisTokenCache::new("redis://:hunter2@127.0.0.1:1/0").unwrap();
        assert!(!format!("{cache:?}").contains("hunter2"));
    }

    #[test]
    fn an_unreachable_server_is_an_error_not_a_hang() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cache = RedisTokenCache::new(&format!("redis://127.0.0.1:{port}/0")).unwrap();
        assert!(cache.get("k").is_err());
        assert!(cache.try_lock_refresh("k", Duration::from_secs(1)).is_err());
    }
}
