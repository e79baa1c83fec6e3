//! One answered request as the server reports it to an
//! [`on_exchange`](crate::SimulatorBuilder::on_exchange) hook, for access logs.

use std::sync::Arc;
use std::time::Duration;

/// One request the simulator answered: what an access log shows. It carries no headers and
/// no bodies, so it never carries a credential or a token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path without its query, e.g. `/api/payments/payment/3000000001`: a query may
    /// carry a token (`?access_token=…`), and access logs end up in CI logs.
    pub path: String,
    /// The status of the answer.
    pub status: u16,
    /// From the request's head being read to its answer being ready.
    pub duration: Duration,
}

/// The hook the server calls after each exchange.
pub(crate) type ExchangeHook = Arc<dyn Fn(&Exchange) + Send + Sync>;
