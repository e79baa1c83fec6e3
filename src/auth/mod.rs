//! Access tokens: the [`TokenCache`] trait with its in-memory and file caches, and the
//! single-flight token manager every client uses.

mod cache;
pub(crate) mod clock;
mod deadline;
pub(crate) mod endpoint;
mod file;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
mod remote;
pub(crate) mod token;

pub use cache::{CacheError, CachedToken, InMemoryTokenCache, RefreshLock, TokenCache};
pub use deadline::token_cache_deadline;
pub(crate) use deadline::with_deadline;
pub use file::FileTokenCache;
#[cfg(feature = "redis")]
pub use redis::RedisTokenCache;
