//! Refunds of the v4 API: [`RefundRequest`] and [`Refund`].

use serde::{Deserialize, Serialize};

use super::enums::RefundState;
use crate::Currency;

/// The body of `POST /payments/{id}/refunds`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefundRequest {
    /// Amount in minor units, at least 1; the payment's amount for a full refund.
    pub amount: i64,
}

impl RefundRequest {
    /// A refund of `amount` minor units.
    pub fn new(amount: i64) -> RefundRequest {
        RefundRequest { amount }
    }
}

/// A refund as GoPay reports it (`Refund-Details`). It carries no payment id: keep your own
/// mapping.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Refund {
    /// The refund's own id (not the payment's).
    pub id: String,
    /// State; a new refund is always [`RefundState::Requested`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<RefundState>,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// When it was requested (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When its state last changed (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}
