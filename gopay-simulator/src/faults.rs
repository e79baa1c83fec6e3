//! Fault injection: [`Fault`]s queued per [`FaultTarget`] and consumed in order by the requests
//! that arrive.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crate::responses::Reply;

/// Which requests a [`Fault`] hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultTarget {
    /// The token endpoint, `POST /api/oauth2/token`.
    Token,
    /// Every other request under `/api` (any method, known path or not).
    Api,
}

/// A misbehaviour of the gateway, injected with
/// [`Simulator::inject`](super::Simulator::inject).
///
/// Faults are kept in one queue per [`FaultTarget`] and consumed in the order they were injected:
/// a fault with a `count` of N applies to the next N requests to its target, then the next
/// fault in that queue takes over. A `count` of 0 injects nothing. Requests that arrive while
/// a target's queue is empty are answered normally.
///
/// ```
/// use std::time::Duration;
/// use gopay_simulator::{Fault, Simulator, FaultTarget};
///
/// let sim = Simulator::start()?;
/// // The first token request takes 2 s, the next one fails with 503.
/// sim.inject(Fault::Delay { target: FaultTarget::Token, delay: Duration::from_secs(2), count: 1 });
/// sim.inject(Fault::Status { target: FaultTarget::Token, status: 503, count: 1 });
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Waits `delay` before handling each of the next `count` requests to `target`; the
    /// answer itself is the normal one (and the request takes effect), it just comes late.
    /// Use a delay longer than the client's timeout to provoke a timeout. Dropping the
    /// simulator cuts the wait short.
    Delay {
        /// Which requests.
        target: FaultTarget,
        /// How long each one waits before it is handled.
        delay: Duration,
        /// How many requests.
        count: u32,
    },
    /// Answers the next `count` requests to `target` with HTTP `status` and GoPay's error
    /// envelope (error 100 `SYSTEM_ERROR`) without handling them: nothing takes effect and no
    /// token is issued. Meant for 5xx statuses; a `status` outside 400–599 is answered as 500.
    Status {
        /// Which requests.
        target: FaultTarget,
        /// The HTTP status to answer with.
        status: u16,
        /// How many requests.
        count: u32,
    },
    /// Refuses the next API request with `401` and error 200 (`UNAUTHORIZED_ACCESS`), as
    /// GoPay does for a revoked token, and forgets the access token that request carried, so
    /// that token stays refused. A client should fetch a new token and repeat the call once.
    RefuseToken,
    /// Handles the next `count` requests to `target` normally (they take effect, a token
    /// request issues its token) but cuts the answer's body in half, which leaves truncated,
    /// undecodable JSON (an empty body stays empty). The status and `Content-Type` are the
    /// normal ones.
    MalformedBody {
        /// Which requests.
        target: FaultTarget,
        /// How many requests.
        count: u32,
    },
    /// Answers the next `count` requests to `target` with exactly `status`, `content_type`
    /// and `body`, without handling them (nothing takes effect, no token is issued): what a
    /// proxy, a misconfigured load balancer or a hostile server in front of GoPay might say.
    ///
    /// ```
    /// use gopay_simulator::{Fault, FaultTarget, Simulator};
    ///
    /// let sim = Simulator::start()?;
    /// sim.inject(Fault::Answer {
    ///     target: FaultTarget::Api,
    ///     status: 200,
    ///     content_type: "text/html",
    ///     body: "<html>Service unavailable</html>".into(),
    ///     count: 1,
    /// });
    /// # Ok::<(), gopay::Error>(())
    /// ```
    Answer {
        /// Which requests.
        target: FaultTarget,
        /// The HTTP status to answer with.
        status: u16,
        /// The `Content-Type` to answer with.
        content_type: &'static str,
        /// The body, sent as it is.
        body: String,
        /// How many requests.
        count: u32,
    },
}

/// What the server does to one request because of a fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Delay(Duration),
    Status(u16),
    RefuseToken,
    Malformed,
    Answer(Arc<Reply>),
}

/// The queues of pending faults.
#[derive(Default)]
pub(crate) struct Faults {
    token: VecDeque<(Action, u32)>,
    api: VecDeque<(Action, u32)>,
}

impl Faults {
    /// Queues `fault` behind the faults already waiting for its target.
    pub(crate) fn push(&mut self, fault: Fault) {
        let (target, action, count) = match fault {
            Fault::Delay {
                target,
                delay,
                count,
            } => (target, Action::Delay(delay), count),
            Fault::Status {
                target,
                status,
                count,
            } => {
                let status = if (400..=599).contains(&status) {
                    status
                } else {
                    500
                };
                (target, Action::Status(status), count)
            }
            Fault::RefuseToken => (FaultTarget::Api, Action::RefuseToken, 1),
            Fault::MalformedBody { target, count } => (target, Action::Malformed, count),
            Fault::Answer {
                target,
                status,
                content_type,
                body,
                count,
            } => {
                let reply = Reply {
                    status,
                    content_type,
                    body: body.into_bytes(),
                    location: None,
                };
                (target, Action::Answer(Arc::new(reply)), count)
            }
        };
        if count > 0 {
            self.queue(target).push_back((action, count));
        }
    }

    /// The fault the next request to `target` suffers, if any; uses it up.
    pub(crate) fn take(&mut self, target: FaultTarget) -> Option<Action> {
        let queue = self.queue(target);
        let (action, left) = queue.front_mut()?;
        let action = action.clone();
        *left -= 1;
        if *left == 0 {
            queue.pop_front();
        }
        Some(action)
    }

    /// Drops every pending fault.
    pub(crate) fn clear(&mut self) {
        self.token.clear();
        self.api.clear();
    }

    fn queue(&mut self, target: FaultTarget) -> &mut VecDeque<(Action, u32)> {
        match target {
            FaultTarget::Token => &mut self.token,
            FaultTarget::Api => &mut self.api,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_consumed_in_order_per_target() {
        let mut faults = Faults::default();
        faults.push(Fault::Status {
            target: FaultTarget::Api,
            status: 503,
            count: 2,
        });
        faults.push(Fault::RefuseToken);
        faults.push(Fault::MalformedBody {
            target: FaultTarget::Token,
            count: 1,
        });
        faults.push(Fault::Delay {
            target: FaultTarget::Api,
            delay: Duration::from_millis(5),
            count: 0,
        });
        faults.push(Fault::Status {
            target: FaultTarget::Api,
            status: 200,
            count: 1,
        });
        assert_eq!(faults.take(FaultTarget::Api), Some(Action::Status(503)));
        assert_eq!(faults.take(FaultTarget::Token), Some(Action::Malformed));
        assert_eq!(faults.take(FaultTarget::Token), None);
        assert_eq!(faults.take(FaultTarget::Api), Some(Action::Status(503)));
        assert_eq!(faults.take(FaultTarget::Api), Some(Action::RefuseToken));
        assert_eq!(faults.take(FaultTarget::Api), Some(Action::Status(500)));
        assert_eq!(faults.take(FaultTarget::Api), None);
        faults.push(Fault::RefuseToken);
        faults.clear();
        assert_eq!(faults.take(FaultTarget::Api), None);
    }
}
