//! Access tokens: the [`TokenCache`] trait with its in-memory default, and the single-flight
//! token manager every client uses.

mod cache;
pub(crate) mod endpoint;
pub(crate) mod token;

pub use cache::{CacheError, CachedToken, InMemoryTokenCache, TokenCache};
