#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// On docs.rs, items behind a feature carry a badge naming it.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Internals for the crate's own benchmarks (feature `__bench`): hidden, outside the API,
// may change in any release.
#[cfg(feature = "__bench")]
#[doc(hidden)]
#[path = "bench_hooks.rs"]
pub mod __bench;
mod auth;
mod builder;
mod client;
mod config;
mod engine;
mod error;
mod event;
#[cfg(test)]
#[cfg_attr(feature = "eet", allow(deprecated))] // it fuzzes the EET receipt decoder too
mod fuzz;
mod model;
mod notification;
mod operations;
#[cfg(feature = "extra-roots")]
mod pem_roots;
mod secret;
mod settings;
pub mod text;
mod transport;
#[cfg(feature = "v4")]
#[cfg_attr(docsrs, doc(cfg(feature = "v4")))]
pub mod v4;

#[cfg(feature = "memcached")]
#[cfg_attr(docsrs, doc(cfg(feature = "memcached")))]
pub use auth::MemcachedTokenCache;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
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
pub use error::{ApiErrorDetail, Error, ErrorKind};
pub use event::{Event, ExchangeKind};
pub use notification::notification_payment_id;
pub use transport::retry::{DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP};

// The wire models, one name each at the crate root (the `model` module itself is private, so
// every name has exactly one public path and moving a model between files breaks nobody).
pub use model::{
    minor_units, AccountStatementRequest, AdditionalParam, BankAccount, BnplType, Callback,
    CaptureRequest, Card, CardStatus, Contact, Currency, EnabledBnplType, EnabledPaymentInstrument,
    EnabledSwift, InstrumentGroup, InstrumentImage, Item, ItemType, Label, Language, Payer,
    Payment, PaymentCard, PaymentInstrument, PaymentInstruments, PaymentRequest, PaymentResult,
    PaymentState, PreAuthState, Preauthorization, QrAddress, QrBankAccount, QrCodes, QrFormat,
    QrInternationalAccount, QrLocalAccount, QrPayment, QrRecipient, Recurrence, RecurrenceCycle,
    RecurrenceRequest, RecurrenceState, Refund, RefundRequest, RefundState, ResultCode, Scope,
    StatementFormat, SubState, Swift, Target, TargetType, ThreeDsResult,
};
// EET (abolished in 2023): deprecated, only with the `eet` feature, for old integrations.
#[cfg(feature = "eet")]
#[allow(deprecated)]
pub use model::{Eet, EetCode, EetMode, EetReceipt, EetReceiptFilter, EetReceiptState};
