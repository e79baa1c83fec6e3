//! The transport, from one request to its answer. Each file knows only those below it:
//!
//! - [`exchange`]: one exchange with its retries, each attempt reported to the event hook;
//! - [`retry`]: what may be repeated without charging twice, and how long to wait first;
//! - [`http`]: one attempt over ureq, bounded by the call's deadline, the answer read whole;
//! - [`resolve`] and [`connect`]: name lookup and connections, every wait bounded;
//! - [`failure`]: each failure classified once, sent or not;
//! - [`request`]: what the layers pass down and back up;
//! - [`network`]: the proxy and trusted roots a client is built with.

mod connect;
mod exchange;
mod failure;
mod http;
pub(crate) mod network;
mod request;
mod resolve;
pub(crate) mod retry;

pub(crate) use exchange::Exchanger;
pub(crate) use http::{Transport, TransportSettings};
pub(crate) use request::{Payload, RawResponse, Request, MAX_JSON_BODY};
