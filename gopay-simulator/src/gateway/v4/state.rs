//! What the simulator keeps of API v4: tokens, payments with their charge, refunds and card
//! tokens, and the state machines that move them (GOPAY_V4 §5). Charges and refunds settle
//! once [`SETTLE_DELAY`] has passed on the test clock; every v4 request and control action
//! settles what is due first, so a test moves them by advancing the clock. Payments left
//! `CREATED` time out as v3's do.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::gateway::v4::cards::CardToken;
use crate::gateway::v4::errors::V4Error;
use crate::gateway::v4::notices::Announced;
use crate::gateway::v4::wire::Customer;
use crate::state::clock;

/// How long a charge stays `PROCESSING` and a refund `REQUESTED` before they settle.
pub(crate) const SETTLE_DELAY: Duration = Duration::from_secs(5);

/// The first v4 payment id; far from v3's ids, so the control API tells them apart.
pub(crate) const FIRST_PAYMENT_ID: u64 = 9_400_000_001;

/// Why a declined test card fails.
pub(crate) const DECLINED_REASON: &str = "Card declined by the issuer (simulated)";

/// An access token: its scopes, the one payment a payment-credentials token is limited to,
/// and when it expires on the test clock.
pub(crate) struct Grant {
    pub(crate) scopes: Vec<String>,
    pub(crate) payment: Option<String>,
    pub(crate) expires: SystemTime,
}

/// How a charge ends once it settles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    Succeed,
    Fail,
}

/// A payment's charge.
pub(crate) struct Charge {
    pub(crate) id: String,
    /// `REQUESTED`, `PROCESSING`, `ACTION_REQUIRED`, `SUCCEEDED` or `FAILED`.
    pub(crate) state: &'static str,
    pub(crate) input_type: &'static str,
    pub(crate) masked_pan: Option<String>,
    /// The 3DS action's state, when 3DS took place.
    pub(crate) action: Option<&'static str>,
    pub(crate) redirect_url: Option<String>,
    pub(crate) fail_reason: Option<String>,
    /// When a `PROCESSING` charge settles, and how.
    pub(crate) due: Option<(SystemTime, Outcome)>,
}

/// A v4 payment.
pub(crate) struct Payment {
    pub(crate) id: String,
    pub(crate) order_number: String,
    pub(crate) state: &'static str,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) customer: Customer,
    pub(crate) return_url: String,
    /// Where the payment's notifications go (`callback.notification_url`).
    pub(crate) notification_url: String,
    pub(crate) secret: String,
    pub(crate) gw_url: String,
    pub(crate) charge: Option<Charge>,
    /// When the charge succeeded (the payment became `PAID`).
    pub(crate) paid_at: Option<SystemTime>,
    /// When a payment still `CREATED` becomes `TIMEOUTED` (as v3's, [`PAYMENT_TIMEOUT`](crate::PAYMENT_TIMEOUT)
    /// after creation), unless a charge is under way then.
    pub(crate) deadline: SystemTime,
}

/// A refund of a v4 payment.
pub(crate) struct Refund {
    pub(crate) id: String,
    pub(crate) payment: String,
    /// `REQUESTED`, `SUCCESS` or `FAILED`.
    pub(crate) state: &'static str,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) created: SystemTime,
    pub(crate) updated: Option<SystemTime>,
    pub(crate) due: Option<SystemTime>,
}

/// Everything of v4, behind one lock.
#[derive(Default)]
pub(crate) struct V4State {
    pub(crate) grants: BTreeMap<String, Grant>,
    pub(crate) payments: BTreeMap<String, Payment>,
    pub(crate) refunds: BTreeMap<String, Refund>,
    pub(crate) cards: BTreeMap<String, CardToken>,
    /// How many ids were handed out: the next one is [`FIRST_PAYMENT_ID`] plus this (the
    /// state file keeps it).
    pub(crate) next_id: u64,
    /// What the shop was last notified of, per payment ([`notices`](super::notices)).
    pub(crate) announced: BTreeMap<String, Announced>,
}

impl V4State {
    /// A fresh numeric string id (payments, charges, refunds and cards share one sequence).
    pub(crate) fn next_id(&mut self) -> String {
        let id = FIRST_PAYMENT_ID + self.next_id;
        self.next_id += 1;
        id.to_string()
    }

    /// The payment `id`, or 404.
    pub(crate) fn payment(&mut self, id: &str) -> Result<&mut Payment, V4Error> {
        self.payments
            .get_mut(id)
            .ok_or_else(|| V4Error::not_found(format!("payment {} not found", quoted(id))))
    }

    /// Settles every charge and refund due by `now`, and times out the payments still
    /// waiting for a charge past their deadline; returns those payments' ids, in id order.
    pub(crate) fn settle(&mut self, now: SystemTime) -> Vec<String> {
        let mut timed_out = Vec::new();
        for payment in self.payments.values_mut() {
            let charging = payment
                .charge
                .as_ref()
                .is_some_and(|c| matches!(c.state, "REQUESTED" | "PROCESSING" | "ACTION_REQUIRED"));
            if payment.state == "CREATED" && !charging && payment.deadline <= now {
                payment.state = "TIMEOUTED";
                timed_out.push(payment.id.clone());
            }
            if let Some(charge) = &mut payment.charge {
                if let Some((due, outcome)) = charge.due {
                    if due <= now {
                        charge.due = None;
                        finish_charge(payment, outcome, due);
                    }
                }
            }
        }
        let due: Vec<String> = self
            .refunds
            .values()
            .filter(|r| r.due.is_some_and(|due| due <= now))
            .map(|r| r.id.clone())
            .collect();
        for id in due {
            // A refund that no longer fits (the payment was refunded meanwhile) fails.
            let _ = self.finish_refund(&id, true, now);
        }
        timed_out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        timed_out
    }

    /// Ends refund `id` as `SUCCESS` (when it still fits the payment) or `FAILED`.
    pub(crate) fn finish_refund(
        &mut self,
        id: &str,
        succeed: bool,
        now: SystemTime,
    ) -> Result<(), V4Error> {
        let refund = self
            .refunds
            .get(id)
            .ok_or_else(|| V4Error::not_found(format!("refund {} not found", quoted(id))))?;
        if refund.state != "REQUESTED" {
            return Err(V4Error::conflict("the refund is no longer REQUESTED"));
        }
        let (payment_id, amount) = (refund.payment.clone(), refund.amount);
        let refunded = self.refunded(&payment_id);
        let payment = self.payment(&payment_id)?;
        let fits = matches!(payment.state, "PAID" | "PARTIALLY_REFUNDED")
            && refunded + amount <= payment.amount;
        let success = succeed && fits;
        if success {
            payment.state = if refunded + amount == payment.amount {
                "REFUNDED"
            } else {
                "PARTIALLY_REFUNDED"
            };
        }
        if let Some(refund) = self.refunds.get_mut(id) {
            refund.state = if success { "SUCCESS" } else { "FAILED" };
            refund.updated = Some(now);
            refund.due = None;
        }
        Ok(())
    }

    /// The sum of the payment's successful refunds.
    pub(crate) fn refunded(&self, payment: &str) -> i64 {
        self.refunds_of(payment)
            .filter(|r| r.state == "SUCCESS")
            .map(|r| r.amount)
            .sum()
    }

    /// The sum of the payment's refunds still waiting: they reserve their amount.
    pub(crate) fn requested(&self, payment: &str) -> i64 {
        self.refunds_of(payment)
            .filter(|r| r.state == "REQUESTED")
            .map(|r| r.amount)
            .sum()
    }

    pub(crate) fn refunds_of<'a>(&'a self, payment: &'a str) -> impl Iterator<Item = &'a Refund> {
        self.refunds.values().filter(move |r| r.payment == payment)
    }
}

/// Ends `payment`'s charge as `outcome`: `SUCCEEDED` makes the payment `PAID`.
pub(crate) fn finish_charge(payment: &mut Payment, outcome: Outcome, now: SystemTime) {
    let Some(charge) = &mut payment.charge else {
        return;
    };
    charge.due = None;
    match outcome {
        Outcome::Succeed => {
            charge.state = "SUCCEEDED";
            if payment.state == "CREATED" {
                payment.state = "PAID";
                payment.paid_at = Some(now);
            }
        }
        Outcome::Fail => {
            charge.state = "FAILED";
            charge
                .fail_reason
                .get_or_insert_with(|| DECLINED_REASON.to_owned());
        }
    }
}

/// At most 40 characters of a path parameter, for messages.
pub(crate) fn quoted(text: &str) -> String {
    text.chars().take(40).collect()
}

impl Charge {
    /// Payment-Charge-Status-Response (with `payment_instrument`, as the charge answer).
    pub(crate) fn json(&self, return_url: &str) -> Value {
        let mut details = json!({ "input_type": self.input_type });
        if let Some(pan) = &self.masked_pan {
            details["masked_pan"] = json!(pan);
            details["expiration_month"] = json!("12");
            details["expiration_year"] = json!("30");
            details["scheme"] = json!("VISA");
        }
        let mut body = json!({
            "id": self.id,
            "state": self.state,
            "return_url": return_url,
            "payment_instrument": { "payment_instrument": "PAYMENT_CARD", "details": details },
        });
        if let Some(state) = self.action {
            let mut action = json!({ "action_type": "EMV3DS", "state": state });
            if let (Some(url), "ACTION_REQUIRED") = (&self.redirect_url, self.state) {
                action["redirect_url"] = json!(url);
            }
            body["action"] = action;
        }
        if let (Some(reason), "FAILED") = (&self.fail_reason, self.state) {
            body["fail_reason"] = json!(reason);
        }
        body
    }
}

impl Payment {
    /// Payment-Details.
    pub(crate) fn json(&self) -> Value {
        let mut body = json!({
            "id": self.id,
            "order_number": self.order_number,
            "state": self.state,
            "amount": self.amount,
            "currency": self.currency,
            "customer": self.customer,
            "gw_url": self.gw_url,
            "payment_secret": self.secret,
        });
        if let Some(charge) = &self.charge {
            body["charge"] = charge.json(&self.return_url);
        }
        body
    }
}

impl Refund {
    /// Refund-Details.
    pub(crate) fn json(&self) -> Value {
        let mut body = json!({
            "id": self.id,
            "state": self.state,
            "amount": self.amount,
            "currency": self.currency,
            "created_at": clock::rfc3339(self.created),
        });
        if let Some(updated) = self.updated {
            body["updated_at"] = json!(clock::rfc3339(updated));
        }
        body
    }
}

impl Payment {
    /// The customer's answer on the 3DS page: approval authenticates the challenge and
    /// lets the charge settle as a success after [`SETTLE_DELAY`]; a decline fails it at
    /// once. Refused (409) unless a challenge is waiting.
    pub(crate) fn authenticate(&mut self, approved: bool, now: SystemTime) -> Result<(), V4Error> {
        let charge = self
            .charge
            .as_mut()
            .filter(|c| c.state == "ACTION_REQUIRED")
            .ok_or_else(|| V4Error::conflict("no 3DS challenge is waiting for this payment"))?;
        if approved {
            charge.state = "PROCESSING";
            charge.action = Some("AUTHENTICATED_CHALLENGE");
            charge.due = Some((now + SETTLE_DELAY, Outcome::Succeed));
        } else {
            charge.state = "FAILED";
            charge.action = Some("NOT_AUTHENTICATED");
            charge.fail_reason = Some("3-D Secure authentication failed".to_owned());
        }
        Ok(())
    }

    /// Where the customer goes back to: the return URL with the payment's id.
    pub(crate) fn return_target(&self) -> String {
        let separator = if self.return_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{separator}payment_id={}", self.return_url, self.id)
    }
}
