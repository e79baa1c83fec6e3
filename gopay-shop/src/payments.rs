//! The shop's calls to GoPay, each run on tokio's blocking thread pool.
//!
//! `gopay::Client` is a blocking client: a call holds its thread until GoPay answers or the
//! call's timeout runs out (seconds). Made on the async executor, it would stall every other
//! request served by that worker thread, so each call goes through
//! [`tokio::task::spawn_blocking`], never straight from a handler.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use gopay::{Client, Item, ItemType, Payment, PaymentRequest, RefundState, ResultCode};

use crate::store::Order;

/// A GoPay call that failed.
#[derive(Debug)]
pub enum GatewayError {
    /// The client's error: see [`gopay::Error`].
    Gopay(gopay::Error),
    /// The blocking task did not finish (it panicked, or the runtime is shutting down), so
    /// whether GoPay acted is not known.
    Interrupted,
}

impl GatewayError {
    /// Whether GoPay may have carried out the request although the call failed: then it
    /// must not be repeated before finding out what happened.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            GatewayError::Gopay(err) => err.outcome_unknown(),
            GatewayError::Interrupted => true,
        }
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GatewayError::Gopay(err) => write!(f, "GoPay: {err}"),
            GatewayError::Interrupted => f.write_str("the GoPay call was interrupted"),
        }
    }
}

impl std::error::Error for GatewayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GatewayError::Gopay(err) => Some(err),
            GatewayError::Interrupted => None,
        }
    }
}

impl From<gopay::Error> for GatewayError {
    fn from(err: gopay::Error) -> GatewayError {
        GatewayError::Gopay(err)
    }
}

/// How a refund ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundOutcome {
    /// GoPay carried it out (`FINISHED`) or accepted it for processing (`ACCEPTED`).
    Done(ResultCode),
    /// The call's outcome was unknown, and GoPay's refund history shows the refund: it
    /// happened. Repeating it would refund twice.
    FoundInHistory,
    /// The call's outcome was unknown, and GoPay's refund history does not show the refund.
    /// Nothing is repeated automatically: an administrator may try again after checking.
    NotInHistory,
    /// GoPay answered `FAILED`, with its description if any.
    Failed(Option<String>),
}

/// The shop's GoPay calls, shared by every handler (the client is thread-safe and keeps one
/// access token for all of them).
#[derive(Clone)]
pub struct Payments {
    client: Arc<Client>,
}

impl Payments {
    /// Wraps a client.
    pub fn new(client: Client) -> Payments {
        Payments {
            client: Arc::new(client),
        }
    }

    /// Runs `call` with the client on the blocking thread pool (see the module documentation).
    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Client) -> Result<T, GatewayError> + Send + 'static,
    ) -> Result<T, GatewayError> {
        let client = Arc::clone(&self.client);
        tokio::task::spawn_blocking(move || call(&client))
            .await
            .unwrap_or(Err(GatewayError::Interrupted))
    }

    /// Creates the GoPay payment of `order`: its items, the customer's e-mail, and where GoPay
    /// sends the customer back (`return_url`) and its notifications (`notification_url`).
    ///
    /// # Errors
    ///
    /// [`GatewayError`] when GoPay refused it or could not be reached. When
    /// [`outcome_unknown`](GatewayError::outcome_unknown) is true a payment may exist at
    /// GoPay; that is harmless (an unpaid payment charges nobody and times out), so the
    /// customer may simply try again.
    pub async fn create(
        &self,
        order: &Order,
        return_url: String,
        notification_url: String,
    ) -> Result<Payment, GatewayError> {
        let request = PaymentRequest::new(order.amount, order.currency.clone(), &order.number)
            .order_description(format!("{} and delivery", crate::PRODUCT_NAME))
            .item(Item::new(crate::PRODUCT_NAME, crate::PRODUCT_PRICE))
            .item(Item::new("Delivery", crate::DELIVERY_PRICE).item_type(ItemType::Delivery))
            .contact_email(&order.email)
            .callback(return_url, notification_url);
        self.blocking(move |client| Ok(client.create_payment(&request)?))
            .await
    }

    /// GoPay's authoritative view of payment `id`. Notifications and return URLs carry only
    /// the id: whatever else arrives with them is never trusted.
    ///
    /// # Errors
    ///
    /// [`GatewayError`] when GoPay could not be asked (a read: safe to try again).
    pub async fn status(&self, id: u64) -> Result<Payment, GatewayError> {
        self.blocking(move |client| Ok(client.get_status(id)?))
            .await
    }

    /// Refunds `amount` minor units of payment `id`; the pattern every shop should follow
    /// when a refund's outcome is unknown.
    ///
    /// # Errors
    ///
    /// [`GatewayError`] when GoPay refused the refund (4xx), when the refund history could
    /// not be read before it (nothing was refunded), or when the refund's outcome is unknown
    /// and the history could not be read after it either: then nobody knows yet whether the
    /// money went back, and the refund must not be repeated until the history says.
    pub async fn refund(&self, id: u64, amount: i64) -> Result<RefundOutcome, GatewayError> {
        self.blocking(move |client| {
            // The refunds that exist already, so that a refund of the same amount made
            // earlier is not mistaken for this one below.
            let before: HashSet<u64> = client
                .get_history_of_refunds(id)?
                .iter()
                .map(|refund| refund.id)
                .collect();
            match client.refund_payment(id, amount) {
                Ok(result) if result.result == ResultCode::Failed => {
                    Ok(RefundOutcome::Failed(result.description))
                }
                Ok(result) => Ok(RefundOutcome::Done(result.result)),
                Err(err) if err.outcome_unknown() => {
                    // GoPay may have refunded (a timeout after sending, a 5xx, an unreadable
                    // success). Before anything else, and above all before refunding again,
                    // read what GoPay holds: the client never repeats a refund by itself,
                    // and neither may the shop.
                    let history = client.get_history_of_refunds(id)?;
                    let happened = history.iter().any(|refund| {
                        !before.contains(&refund.id)
                            && refund.amount == amount
                            && refund.state != RefundState::Failed
                    });
                    Ok(if happened {
                        RefundOutcome::FoundInHistory
                    } else {
                        RefundOutcome::NotInHistory
                    })
                }
                Err(err) => Err(err.into()),
            }
        })
        .await
    }

    /// GoPay's refund history of payment `id`.
    ///
    /// # Errors
    ///
    /// [`GatewayError`] when GoPay could not be asked.
    pub async fn refunds(&self, id: u64) -> Result<Vec<gopay::Refund>, GatewayError> {
        self.blocking(move |client| Ok(client.get_history_of_refunds(id)?))
            .await
    }
}
