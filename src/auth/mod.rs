//! Access tokens: the [`TokenCache`] trait with its in-memory and file caches, and the
//! single-flight token manager every client uses.

mod cache;
pub(crate) mod clock;
mod deadline;
pub(crate) mod endpoint;
mod file;
#[cfg(feature = "memcached")]
mod memcached;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "redis", feature = "memcached"))]
mod remote;
pub(crate) mod token;

pub use cache::{CacheError, CachedToken, InMemoryTokenCache, RefreshLock, TokenCache};
pub use deadline::token_cache_deadline;
pub(crate) use deadline::{with_deadline, Published};
pub use file::FileTokenCache;
#[cfg(feature = "memcached")]
pub use memcached::MemcachedTokenCache;
#[cfg(feature = "redis")]
pub use redis::RedisTokenCache;
