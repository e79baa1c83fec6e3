//! Fault injection: [`Fault`]s queued per [`FaultTarget`] and consumed in order by the requests
//! that arrive. (The control API's JSON form of a fault is in `control::fault_json`.)

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crate::gateway::responses::Reply;

/// Which requests a [`Fault`] hits.
///
/// A request to a [`Route`](FaultTarget::Route) with pending faults suffers those first;
/// only when no route of it has one left does it draw from [`Token`](FaultTarget::Token)
/// or [`Api`](FaultTarget::Api).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultTarget {
    /// The token endpoint, `POST /api/oauth2/token`.
    Token,
    /// Every other request under `/api` (any method, known path or not).
    Api,
    /// Requests of one method to one path (without the query), e.g. `POST` to
    /// `/api/payments/payment/{id}/refund`. A segment written in braces (`{id}`) matches any
    /// one segment; the method is compared case-insensitively. Requests to the control API
    /// (`/_simulator/…`) never suffer faults. Build it with [`FaultTarget::route`].
    Route {
        /// The HTTP method, e.g. `POST`.
        method: String,
        /// The path pattern, e.g. `/api/payments/payment/{id}/refund`.
        path: String,
    },
}

impl FaultTarget {
    /// The requests of `method` to the paths matching `path` (see
    /// [`Route`](FaultTarget::Route)).
    ///
    /// ```
    /// use gopay_simulator::{Fault, FaultTarget, Simulator};
    ///
    /// let sim = Simulator::start()?;
    /// // Only the next refund fails; status calls and everything else are answered normally.
    /// sim.inject(Fault::Status {
    ///     target: FaultTarget::route("POST", "/api/payments/payment/{id}/refund"),
    ///     status: 503,
    ///     count: 1,
    /// });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn route(method: impl Into<String>, path: impl Into<String>) -> FaultTarget {
        FaultTarget::Route {
            method: method.into(),
            path: path.into(),
        }
    }
}

/// Whether `route` (a path without query) matches the pattern `pattern`.
fn path_matches(pattern: &str, route: &str) -> bool {
    let pattern = pattern.split('?').next().unwrap_or("");
    let mut wanted = pattern.split('/').filter(|s| !s.is_empty());
    let mut given = route.split('/').filter(|s| !s.is_empty());
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) => {
                let wildcard = w.len() >= 2 && w.starts_with('{') && w.ends_with('}');
                if !wildcard && w != g {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// A misbehaviour of the gateway, injected with
/// [`Simulator::inject`](crate::Simulator::inject).
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
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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

type Queue = VecDeque<(Action, u32)>;

/// The queues of pending faults.
#[derive(Default)]
pub(crate) struct Faults {
    token: Queue,
    api: Queue,
    /// One queue per route target, in the order the routes were first used.
    routes: Vec<(String, String, Queue)>,
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
                    policy: None,
                    count: None,
                };
                (target, Action::Answer(Arc::new(reply)), count)
            }
        };
        if count > 0 {
            self.queue(target).push_back((action, count));
        }
    }

    /// The fault the next request to `target` suffers, if any; uses it up.
    #[cfg(test)]
    pub(crate) fn take(&mut self, target: FaultTarget) -> Option<Action> {
        pop(self.queue(target))
    }

    /// The fault a request of `method` to `route` (path without query) suffers, if any; uses
    /// it up. Route faults first, then those of `general` (the token endpoint or the API).
    pub(crate) fn take_for(
        &mut self,
        method: &str,
        route: &str,
        general: Option<FaultTarget>,
    ) -> Option<Action> {
        let routed = self.routes.iter_mut().find(|(m, pattern, queue)| {
            !queue.is_empty() && m.eq_ignore_ascii_case(method) && path_matches(pattern, route)
        });
        if let Some((_, _, queue)) = routed {
            return pop(queue);
        }
        general.and_then(|target| pop(self.queue(target)))
    }

    /// Drops every pending fault.
    pub(crate) fn clear(&mut self) {
        self.token.clear();
        self.api.clear();
        self.routes.clear();
    }

    fn queue(&mut self, target: FaultTarget) -> &mut Queue {
        match target {
            FaultTarget::Token => &mut self.token,
            FaultTarget::Api => &mut self.api,
            FaultTarget::Route { method, path } => {
                let index = self
                    .routes
                    .iter()
                    .position(|(m, p, _)| m.eq_ignore_ascii_case(&method) && *p == path)
                    .unwrap_or_else(|| {
                        self.routes.push((method, path, Queue::new()));
                        self.routes.len() - 1
                    });
                &mut self.routes[index].2
            }
        }
    }
}

/// The front fault of `queue`, counted down and dropped once used up.
fn pop(queue: &mut Queue) -> Option<Action> {
    let (action, left) = queue.front_mut()?;
    let action = action.clone();
    *left -= 1;
    if *left == 0 {
        queue.pop_front();
    }
    Some(action)
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

    #[test]
    fn route_faults_hit_their_method_and_path_first() {
        let mut faults = Faults::default();
        let refund = FaultTarget::route("post", "/api/payments/payment/{id}/refund");
        faults.push(Fault::Status {
            target: refund,
            status: 503,
            count: 1,
        });
        faults.push(Fault::MalformedBody {
            target: FaultTarget::Api,
            count: 1,
        });
        let api = Some(FaultTarget::Api);
        let path = "/api/payments/payment/3000000001/refund";
        assert_eq!(
            faults.take_for("GET", path, api.clone()),
            Some(Action::Malformed)
        );
        assert_eq!(
            faults.take_for("POST", path, api.clone()),
            Some(Action::Status(503))
        );
        assert_eq!(faults.take_for("POST", path, api), None);
        assert!(path_matches(
            "/api/payments/payment/{id}",
            "/api/payments/payment/7"
        ));
        assert!(!path_matches(
            "/api/payments/payment/{id}",
            "/api/payments/payment/7/refund"
        ));
        assert!(!path_matches(
            "/api/payments/payment/{id}",
            "/api/payments/payment"
        ));
        assert!(!path_matches(
            "/api/payments/payment/8",
            "/api/payments/payment/7"
        ));
    }
}
