//! The [`TokenCache`] trait, the [`CachedToken`] it stores, and [`InMemoryTokenCache`].

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

/// The error a [`TokenCache`] may return: any error, e.g. `Err("redis down".into())`.
///
/// The client never fails an API call because of it: a failing cache counts as a miss.
pub type CacheError = Box<dyn std::error::Error + Send + Sync>;

/// Where access tokens live between calls, so that they are reused until shortly before
/// they expire.
///
/// Implement it to share tokens between clients, processes or machines (a file, Redis,
/// memcached, …). Keys look like `"{client_id}-{api_base_url}-{scope}"` and never contain
/// the client secret. Errors and even panics of an implementation never fail an API call:
/// the client then fetches a token from GoPay instead.
///
/// ```
/// use std::{collections::HashMap, sync::Mutex};
/// use gopay::{CacheError, CachedToken, TokenCache};
///
/// /// Stores tokens as JSON strings, as a shared cache would.
/// #[derive(Default)]
/// struct JsonCache(Mutex<HashMap<String, String>>);
///
/// impl TokenCache for JsonCache {
///     fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
///         let map = self.0.lock().map_err(|_| "poisoned")?;
///         Ok(match map.get(key) {
///             Some(json) => Some(serde_json::from_str(json)?),
///             None => None,
///         })
///     }
///     fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
///         let json = serde_json::to_string(token)?;
///         self.0.lock().map_err(|_| "poisoned")?.insert(key.to_owned(), json);
///         Ok(())
///     }
///     fn delete(&self, key: &str) -> Result<(), CacheError> {
///         self.0.lock().map_err(|_| "poisoned")?.remove(key);
///         Ok(())
///     }
/// }
/// ```
pub trait TokenCache: Send + Sync {
    /// The token stored under `key`, or `None`. Expired tokens may be returned; the client
    /// checks the expiry itself.
    ///
    /// # Errors
    ///
    /// A [`CacheError`] when the store cannot be reached or read; the client reports it to
    /// the event hook and goes on as on a miss, so a cache outage never fails a payment.
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError>;

    /// Stores `token` under `key`, replacing what was there.
    ///
    /// # Errors
    ///
    /// A [`CacheError`] when the store cannot be reached or written; the client reports it to
    /// the event hook and goes on as on a miss, so a cache outage never fails a payment.
    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError>;

    /// Removes the token stored under `key` (GoPay refused it).
    ///
    /// # Errors
    ///
    /// A [`CacheError`] when the store cannot be reached or written; the client reports it to
    /// the event hook and goes on as on a miss, so a cache outage never fails a payment.
    fn delete(&self, key: &str) -> Result<(), CacheError>;

    /// Takes the lock that lets one client of a fleet (threads, processes, machines sharing
    /// this cache) ask GoPay for a new token for `key`, for at most `ttl`.
    ///
    /// - `Ok(Some(lock))`: this caller may fetch; others are kept out until the lock is
    ///   dropped (or its holder dies, or `ttl` passes).
    /// - `Ok(None)`: another client is fetching; the caller polls [`get`](TokenCache::get)
    ///   for the token it will store, within its own timeout.
    /// - `Err(_)`: the lock could not be consulted; the caller fetches a token itself.
    ///
    /// The default takes no lock (`Ok(Some(RefreshLock::unguarded()))`), so a cache that
    /// implements only `get`/`set`/`delete` works, with one token request per process
    /// instead of one per fleet. Shared caches implement it: [`FileTokenCache`] with a file
    /// lock, `RedisTokenCache` with `SET … NX PX`, `MemcachedTokenCache` with `add`.
    ///
    /// # Errors
    ///
    /// A [`CacheError`] when the lock cannot be consulted: the caller then fetches a token
    /// itself, as without a shared cache.
    ///
    /// [`FileTokenCache`]: crate::FileTokenCache
    fn try_lock_refresh(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        let _ = (key, ttl);
        Ok(Some(RefreshLock::unguarded()))
    }
}

/// A held refresh lock of a [`TokenCache`]; dropping it releases the lock.
#[must_use = "the lock is released as soon as it is dropped"]
pub struct RefreshLock {
    release: Option<Box<dyn FnOnce() + Send>>,
}

impl RefreshLock {
    /// A lock that guards nothing: for caches without cross-process coordination.
    pub fn unguarded() -> RefreshLock {
        RefreshLock { release: None }
    }

    /// Whether this lock keeps other clients out (an unguarded one does not).
    pub(crate) fn is_guarded(&self) -> bool {
        self.release.is_some()
    }

    /// A lock that `release` gives back, once, when the lock is dropped. Move whatever
    /// holds the lock (a locked file, a lock token) into the closure.
    pub fn new(release: impl FnOnce() + Send + 'static) -> RefreshLock {
        RefreshLock {
            release: Some(Box::new(release)),
        }
    }
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            // A panicking release must not take the API call down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(release));
        }
    }
}

impl fmt::Debug for RefreshLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshLock")
            .field("guards", &self.release.is_some())
            .finish()
    }
}

/// An OAuth2 access token with its absolute expiry.
///
/// The expiry is wall-clock time, so the token can be stored in a file or in Redis and used
/// by another process. It serialises as
/// `{"access_token": "…", "token_type": "bearer", "expires_at_ms": 1767225600000}`
/// (milliseconds since the Unix epoch). `Debug` never shows the token itself.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedToken {
    access_token: String,
    token_type: String,
    expires_at_ms: u64,
}

impl CachedToken {
    /// A token of type `token_type` (GoPay: `bearer`) that expires at `expires_at`.
    pub fn new(
        access_token: impl Into<String>,
        token_type: impl Into<String>,
        expires_at: SystemTime,
    ) -> CachedToken {
        let expires_at_ms = expires_at
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        CachedToken {
            access_token: access_token.into(),
            token_type: token_type.into(),
            expires_at_ms,
        }
    }

    /// The access token, as sent in `Authorization: Bearer …`. Keep it secret.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The token type GoPay reported (`bearer`).
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// When GoPay stops accepting the token.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH
            .checked_add(Duration::from_millis(self.expires_at_ms))
            .unwrap_or(UNIX_EPOCH)
    }

    /// Whether the token can be sent as it is in `Authorization: Bearer …`: a non-empty
    /// token of printable ASCII (no space, CR, LF or NUL) of at most 16 KiB, of type
    /// `bearer`. The client checks this of every token, from GoPay or from a cache, and
    /// treats a cached token that fails it as a miss (and replaces it).
    pub fn is_sendable(&self) -> bool {
        is_sendable_access_token(&self.access_token)
            && self.token_type.eq_ignore_ascii_case("bearer")
    }

    /// Whether the token is still good for at least `margin` at `now`.
    pub fn is_valid_for(&self, margin: Duration, now: SystemTime) -> bool {
        now.checked_add(margin)
            .is_some_and(|horizon| horizon < self.expires_at())
    }
}

/// The longest access token the client sends; GoPay's are under 200 characters.
const MAX_ACCESS_TOKEN_LEN: usize = 16 * 1024;

/// Whether `token` can go into a header verbatim.
pub(crate) fn is_sendable_access_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= MAX_ACCESS_TOKEN_LEN
        && token.bytes().all(|b| b.is_ascii_graphic())
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at())
            .finish()
    }
}

/// The default [`TokenCache`]: a map in this process's memory.
///
/// Each client gets its own unless you give several clients the same `Arc`; tokens are then
/// shared by them all.
#[derive(Default)]
pub struct InMemoryTokenCache {
    tokens: Mutex<HashMap<String, CachedToken>>,
}

impl InMemoryTokenCache {
    /// An empty cache.
    pub fn new() -> InMemoryTokenCache {
        InMemoryTokenCache::default()
    }
}

impl TokenCache for InMemoryTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        Ok(self.tokens.lock().get(key).cloned())
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        self.tokens.lock().insert(key.to_owned(), token.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.tokens.lock().remove(key);
        Ok(())
    }
}

impl fmt::Debug for InMemoryTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryTokenCache")
            .field("tokens", &self.tokens.lock().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_keeps_expiry_to_the_millisecond() {
        let at = UNIX_EPOCH + Duration::from_millis(1_767_225_600_123);
        let token = CachedToken::new("tok+/=", "bearer", at);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(
            json,
            r#"{"access_token":"tok+/=","token_type":"bearer","expires_at_ms":1767225600123}"#
        );
        let back: CachedToken = serde_json::from_str(&json).unwrap();
        assert_eq!(back, token);
        assert_eq!(back.expires_at(), at);
    }

    #[test]
    fn validity_respects_the_margin() {
        let now = SystemTime::now();
        let token = CachedToken::new("t", "bearer", now + Duration::from_secs(60));
        assert!(token.is_valid_for(Duration::from_secs(59), now));
        assert!(!token.is_valid_for(Duration::from_secs(60), now));
        assert!(!token.is_valid_for(Duration::MAX, now));
    }

    #[test]
    fn only_header_safe_bearer_tokens_are_sendable() {
        let at = SystemTime::now();
        assert!(CachedToken::new("AAA+/=", "bearer", at).is_sendable());
        assert!(CachedToken::new("AAA", "Bearer", at).is_sendable());
        let huge = "A".repeat(MAX_ACCESS_TOKEN_LEN + 1);
        for bad in ["", "a b", "a\r\nX-Evil: 1", "a\0b", "žluť", huge.as_str()] {
            assert!(
                !CachedToken::new(bad, "bearer", at).is_sendable(),
                "{bad:?}"
            );
        }
        assert!(!CachedToken::new("AAA", "mac", at).is_sendable());
    }

    #[test]
    fn debug_hides_the_token() {
        let token = CachedToken::new("very-secret-token", "bearer", SystemTime::now());
        assert!(!format!("{token:?}").contains("very-secret-token"));
    }

    #[test]
    fn in_memory_cache_stores_and_deletes() {
        let cache = InMemoryTokenCache::new();
        let token = CachedToken::new("t", "bearer", SystemTime::now());
        assert!(cache.get("k").unwrap().is_none());
        cache.set("k", &token).unwrap();
        assert_eq!(cache.get("k").unwrap(), Some(token));
        cache.delete("k").unwrap();
        assert!(cache.get("k").unwrap().is_none());
    }
}
