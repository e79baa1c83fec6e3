//! [`Exchanger`]: one HTTP exchange with its retries (see [`super::retry`]), each attempt
//! reported to the event hook. Token requests and API calls both go through it.

use std::time::{Duration, Instant};

use super::http::Transport;
use super::request::{RawResponse, Request};
use super::retry::{failed_before_sending, is_retryable_status, RetryPolicy};
use crate::error::Error;
use crate::event::{Event, EventHook};

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
    /// what is repeated and how long to wait first is [`super::retry`]'s rule.
    pub(crate) fn send(
        &self,
        request: &Request<'_>,
        deadline: Instant,
    ) -> Result<RawResponse, Error> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let result = self.transport.send(request, deadline);
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
