#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod auth;
mod client;
mod config;
mod error;
mod http;
pub mod model;
mod notification;
mod operations;
mod secret;

pub use auth::{CacheError, CachedToken, InMemoryTokenCache, TokenCache};
pub use client::{
    Client, ClientBuilder, DEFAULT_MAX_IDLE_CONNECTIONS, DEFAULT_TIMEOUT,
    DEFAULT_TOKEN_REFRESH_MARGIN,
};
pub use config::{Config, PRODUCTION_URL, SANDBOX_URL};
pub use error::{ApiErrorDetail, Error};
pub use model::*;
pub use notification::notification_payment_id;
