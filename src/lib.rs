#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
#[doc(hidden)]
pub mod bench_hooks;
mod builder;
mod client;
mod config;
mod error;
mod event;
mod exchange;
#[cfg(test)]
mod fuzz;
mod http;
pub mod model;
mod network;
mod notification;
mod operations;
mod resolve;
mod retry;
mod secret;

#[cfg(feature = "redis")]
pub use auth::RedisTokenCache;
pub use auth::{
    token_cache_deadline, CacheError, CachedToken, FileTokenCache, InMemoryTokenCache, RefreshLock,
    TokenCache,
};
pub use builder::{
    ClientBuilder, DEFAULT_MAX_IDLE_CONNECTIONS, DEFAULT_TIMEOUT, DEFAULT_TOKEN_REFRESH_MARGIN,
};
pub use client::Client;
pub use config::{Config, PRODUCTION_URL, SANDBOX_URL};
pub use error::{ApiErrorDetail, Error};
pub use event::{Event, ExchangeKind};
pub use model::*;
pub use notification::notification_payment_id;
pub use retry::{DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP};
