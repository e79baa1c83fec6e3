//! What the transport is given and what it gives back: one request, described without
//! allocating, and an answer of any status, read whole.

use std::time::Duration;

use ureq::http::Method;

use crate::event::ExchangeKind;

/// One request to send: everything borrowed, so that describing it allocates nothing.
pub(crate) struct Request<'a> {
    /// Token request or API call, for events.
    pub(crate) kind: ExchangeKind,
    pub(crate) method: Method,
    /// The path below the API base, for events.
    pub(crate) path: &'a str,
    pub(crate) url: &'a str,
    /// The `Authorization` header value.
    pub(crate) authorization: &'a str,
    /// The `Origin` header, sent only when set: the one request that carries it (Apple Pay's
    /// merchant validation) checked it is `scheme://host[:port]` before anything was sent.
    pub(crate) origin: Option<&'a str>,
    pub(crate) payload: &'a Payload,
    /// The largest answer body accepted.
    pub(crate) body_limit: u64,
    /// Whether repeating it after it reached GoPay cannot act twice (GETs, token requests).
    pub(crate) repeatable: bool,
    /// Whether the call had to get a new token first, for events.
    pub(crate) token_refreshed: bool,
}

/// What a request carries, which also decides its `Content-Type`.
pub(crate) enum Payload {
    /// No body and no `Content-Type` (GETs).
    None,
    /// `application/x-www-form-urlencoded`; an empty string is GoPay's body-less POST.
    Form(String),
    /// `application/json`, raw UTF-8.
    Json(Vec<u8>),
}

/// An answer of any status, read whole.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The `Retry-After` of a 429 or 503, in seconds.
    pub(crate) retry_after: Option<Duration>,
}

/// Answers larger than this are refused instead of filling memory (statements excepted).
pub(crate) const MAX_JSON_BODY: u64 = 16 * 1024 * 1024;
