//! [`Exchanger`]: one HTTP exchange with its retries (see [`crate::retry`]), each attempt
//! reported to the event hook. Token requests and API calls both go through it.

use std::time::{Duration, Instant};

use ureq::http::Method;

use crate::error::Error;
use crate::event::{Event, EventHook, ExchangeKind};
use crate::http::{Payload, RawResponse, Transport};
use crate::retry::{failed_before_sending, is_retryable_status, RetryPolicy};

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
    pub(crate) payload: &'a Payload,
    /// The largest answer body accepted.
    pub(crate) body_limit: u64,
    /// Whether repeating it after it reached GoPay cannot act twice (GETs, token requests).
    pub(crate) repeatable: bool,
    /// Whether the call had to get a new token first, for events.
    pub(crate) token_refreshed: bool,
}

/// Sends requests over the client's transport, repeating them when that cannot charge
/// twice, and tells the event hook about every attempt.
pub(crate) struct Exchanger {
    transport: Transport,
    retry: RetryPolicy,
    on_event: Option<EventHook>,
}

impl Exchanger {
    pub(crate) fn new(
        transport: Transport,
        retry: RetryPolicy,
        on_event: Option<EventHook>,
    ) -> Exchanger {
        Exchanger {
            transport,
            retry,
            on_event,
        }
    }

    /// Sends `request` until it gets an answer worth returning, all before `deadline`:
    /// what is repeated and how long to wait first is [`crate::retry`]'s rule.
    pub(crate) fn send(
        &self,
        request: &Request<'_>,
        deadline: Instant,
    ) -> Result<RawResponse, Error> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let result = self.transport.send(
                request.method.clone(),
                request.url,
                request.authorization,
                request.payload,
                deadline,
                request.body_limit,
            );
            self.report(request, attempt, started.elapsed(), &result);
            let retry_after = match &result {
                Ok(response) if request.repeatable && is_retryable_status(response.status) => {
                    response.retry_after
                }
                Err(error @ Error::Transport { .. })
                    if failed_before_sending(error)
                        || (request.repeatable && !error.is_timeout()) =>
                {
                    None
                }
                _ => return result,
            };
            if attempt > self.retry.max_retries {
                return result;
            }
            let pause = self.retry.backoff(attempt, retry_after);
            if Instant::now() + pause >= deadline {
                return result;
            }
            std::thread::sleep(pause);
        }
    }

    fn report(
        &self,
        request: &Request<'_>,
        attempt: u32,
        duration: Duration,
        result: &Result<RawResponse, Error>,
    ) {
        let Some(hook) = &self.on_event else {
            return;
        };
        let event = Event {
            kind: request.kind,
            method: crate::event::method_name(&request.method),
            path: request.path.to_owned(),
            status: result.as_ref().ok().map(|r| r.status),
            duration,
            attempt,
            token_refreshed: request.token_refreshed,
            error: result.as_ref().err().map(ToString::to_string),
        };
        // An observer that panics must not fail the payment it observes.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(&event)));
    }
}
