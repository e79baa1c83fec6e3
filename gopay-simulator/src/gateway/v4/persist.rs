//! API v4 in the state file: [`V4State`] as the file's `v4` section, and back. Every value
//! read is checked before it is trusted: ids are ones the simulator handed out, states and
//! other words are GoPay's spellings the simulator uses, amounts and times are within
//! bounds, and URLs the simulator made start with the origin the file was saved with.
//! Messages name what is wrong by position or by a checked id, never by the file's text.
//! Times are milliseconds since 1970 on the test clock, as everywhere in the file.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::gateway::v4::auth::{MERCHANT_SCOPES, PAYMENT_SCOPES};
use crate::gateway::v4::cards::{Behaviour, CardToken};
use crate::gateway::v4::state::{
    Charge, Grant, Outcome, Payment, Refund, V4State, FIRST_PAYMENT_ID,
};
use crate::gateway::v4::wire::{Callback, CreatePayment, Customer};
use crate::state::ids::LAST_ID;
use crate::state::persist::{at, since_1970};

/// The payment states of v4 (the same eight as v3's).
const PAYMENT_STATES: [&str; 8] = [
    "CREATED",
    "PAYMENT_METHOD_CHOSEN",
    "PAID",
    "AUTHORIZED",
    "CANCELED",
    "TIMEOUTED",
    "REFUNDED",
    "PARTIALLY_REFUNDED",
];
const CHARGE_STATES: [&str; 5] = [
    "REQUESTED",
    "PROCESSING",
    "ACTION_REQUIRED",
    "SUCCEEDED",
    "FAILED",
];
/// The 3-D Secure action's states.
const ACTION_STATES: [&str; 6] = [
    "CREATED",
    "CHALLENGE_REQUIRED",
    "AUTHENTICATED_CHALLENGE",
    "AUTHENTICATED_FRICTIONLESS",
    "NOT_AUTHENTICATED",
    "FAILED",
];
const INPUT_TYPES: [&str; 4] = ["CARD_TOKEN", "ENCRYPTED_CARD", "GOOGLE_PAY", "APPLE_PAY"];
const REFUND_STATES: [&str; 3] = ["REQUESTED", "SUCCESS", "FAILED"];
const CARD_STATES: [&str; 2] = ["ACTIVE", "SUSPENDED"];

/// The longest `fail_reason` read back: far beyond the simulator's own.
const MAX_FAIL_REASON: usize = 1024;
/// The longest access token or card token read back.
const MAX_TOKEN: usize = 4096;

/// The `v4` section. A file without one (saved before v4 was kept) restores no v4 state.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedV4 {
    /// The id the next payment, charge, refund or card token gets (they share one sequence).
    next_id: u64,
    payments: Vec<SavedPayment>,
    cards: Vec<SavedCard>,
    tokens: Vec<SavedGrant>,
}

impl Default for SavedV4 {
    fn default() -> SavedV4 {
        SavedV4 {
            next_id: FIRST_PAYMENT_ID,
            payments: Vec::new(),
            cards: Vec::new(),
            tokens: Vec::new(),
        }
    }
}

/// A payment with its charge and refunds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedPayment {
    id: String,
    order_number: String,
    state: String,
    amount: i64,
    currency: String,
    customer: SavedCustomer,
    return_url: String,
    /// Where its notifications go (none, `""`, in a file saved before v4 notified).
    #[serde(default)]
    notification_url: String,
    payment_secret: String,
    gw_url: String,
    charge: Option<SavedCharge>,
    paid_ms: Option<u64>,
    /// When it times out if it is still `CREATED` with no charge under way.
    timeout_ms: u64,
    refunds: Vec<SavedRefund>,
}

/// The payer as the shop sent it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedCustomer {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    phone_number: Option<String>,
    city: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    country_code: Option<String>,
    customer_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedCharge {
    id: String,
    state: String,
    input_type: String,
    masked_pan: Option<String>,
    /// The 3-D Secure action's state.
    action: Option<String>,
    redirect_url: Option<String>,
    fail_reason: Option<String>,
    /// When a `PROCESSING` charge settles, and how.
    settles: Option<SavedSettle>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedSettle {
    at_ms: u64,
    /// `SUCCEED` or `FAIL`.
    outcome: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedRefund {
    id: String,
    state: String,
    amount: i64,
    created_ms: u64,
    updated_ms: Option<u64>,
    /// When a `REQUESTED` refund settles.
    settles_ms: Option<u64>,
}

/// A card token the simulator issued (the test cards are built in, never saved).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedCard {
    card_id: String,
    token: String,
    masked_pan: String,
    fingerprint: String,
    status: String,
    /// `FRICTIONLESS`, `CHALLENGE` or `DECLINED`: what the card does to a charge.
    behaviour: String,
}

/// An access token of either grant.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedGrant {
    token: String,
    scopes: Vec<String>,
    /// The payment a payment-credentials token is limited to.
    payment: Option<String>,
    expires_ms: u64,
}

/// How much of v4 a save wrote, as `POST /_simulator/save` answers it.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct V4Counts {
    pub(crate) payments: usize,
    pub(crate) refunds: usize,
    pub(crate) cards: usize,
    pub(crate) tokens: usize,
}

impl SavedV4 {
    /// What `v4` holds, to be written.
    pub(crate) fn of(v4: &V4State) -> SavedV4 {
        let mut refunds: BTreeMap<&str, Vec<SavedRefund>> = BTreeMap::new();
        for refund in v4.refunds.values() {
            refunds
                .entry(refund.payment.as_str())
                .or_default()
                .push(saved_refund(refund));
        }
        SavedV4 {
            next_id: FIRST_PAYMENT_ID.saturating_add(v4.next_id),
            payments: v4
                .payments
                .values()
                .map(|p| saved_payment(p, refunds.remove(p.id.as_str()).unwrap_or_default()))
                .collect(),
            cards: v4.cards.values().map(saved_card).collect(),
            tokens: v4
                .grants
                .iter()
                .map(|(token, grant)| SavedGrant {
                    token: token.clone(),
                    scopes: grant.scopes.clone(),
                    payment: grant.payment.clone(),
                    expires_ms: since_1970(grant.expires),
                })
                .collect(),
        }
    }

    /// How many of each it holds.
    pub(crate) fn counts(&self) -> V4Counts {
        V4Counts {
            payments: self.payments.len(),
            refunds: self.payments.iter().map(|p| p.refunds.len()).sum(),
            cards: self.cards.len(),
            tokens: self.tokens.len(),
        }
    }

    /// The state the section describes, checked; `origin` is the one the file was saved
    /// with (the URLs the simulator made start with it).
    ///
    /// # Errors
    ///
    /// What is wrong, in words that quote no text of the file but checked ids.
    pub(crate) fn restore(self, origin: &str) -> Result<V4State, String> {
        if !(FIRST_PAYMENT_ID..=LAST_ID).contains(&self.next_id) {
            return Err(format!(
                "the next v4 id is out of range ({FIRST_PAYMENT_ID} to {LAST_ID})"
            ));
        }
        let mut ids = Ids {
            next: self.next_id,
            seen: BTreeSet::new(),
        };
        let mut v4 = V4State {
            next_id: self.next_id - FIRST_PAYMENT_ID,
            ..V4State::default()
        };
        for (index, saved) in self.payments.into_iter().enumerate() {
            let id = ids
                .take(&saved.id)
                .ok_or_else(|| format!("v4 payment {index}: {}", ids.why()))?;
            restore_payment(&mut v4, &mut ids, saved, origin)
                .map_err(|why| format!("v4 payment {id}: {why}"))?;
        }
        for (index, saved) in self.cards.into_iter().enumerate() {
            let id = ids
                .take(&saved.card_id)
                .ok_or_else(|| format!("v4 card token {index}: {}", ids.why()))?;
            let card = restore_card(saved).map_err(|why| format!("v4 card token {id}: {why}"))?;
            v4.cards.insert(card.card_id.clone(), card);
        }
        for (index, saved) in self.tokens.into_iter().enumerate() {
            let (token, grant) = restore_grant(&v4, saved)
                .map_err(|why| format!("v4 access token {index}: {why}"))?;
            if v4.grants.insert(token, grant).is_some() {
                return Err(format!("v4 access token {index} is there twice"));
            }
        }
        Ok(v4)
    }
}

/// Moves the URLs the simulator made under origin `then` to origin `now` (a restart on
/// another port): the payments' `gw_url`s and the charges' 3-D Secure `redirect_url`s.
pub(crate) fn move_origin(v4: &mut V4State, then: &str, now: &str) {
    let moved = |url: &mut String| {
        if let Some(rest) = url.strip_prefix(then).filter(|rest| rest.starts_with('/')) {
            *url = format!("{now}{rest}");
        }
    };
    for payment in v4.payments.values_mut() {
        moved(&mut payment.gw_url);
        if let Some(url) = payment
            .charge
            .as_mut()
            .and_then(|c| c.redirect_url.as_mut())
        {
            moved(url);
        }
    }
}

fn saved_payment(payment: &Payment, refunds: Vec<SavedRefund>) -> SavedPayment {
    let c = &payment.customer;
    SavedPayment {
        id: payment.id.clone(),
        order_number: payment.order_number.clone(),
        state: payment.state.to_owned(),
        amount: payment.amount,
        currency: payment.currency.clone(),
        customer: SavedCustomer {
            email: c.email.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            phone_number: c.phone_number.clone(),
            city: c.city.clone(),
            street: c.street.clone(),
            postal_code: c.postal_code.clone(),
            country_code: c.country_code.clone(),
            customer_id: c.customer_id.clone(),
        },
        return_url: payment.return_url.clone(),
        notification_url: payment.notification_url.clone(),
        payment_secret: payment.secret.clone(),
        gw_url: payment.gw_url.clone(),
        charge: payment.charge.as_ref().map(saved_charge),
        paid_ms: payment.paid_at.map(since_1970),
        timeout_ms: since_1970(payment.deadline),
        refunds,
    }
}

fn saved_charge(charge: &Charge) -> SavedCharge {
    SavedCharge {
        id: charge.id.clone(),
        state: charge.state.to_owned(),
        input_type: charge.input_type.to_owned(),
        masked_pan: charge.masked_pan.clone(),
        action: charge.action.map(str::to_owned),
        redirect_url: charge.redirect_url.clone(),
        fail_reason: charge.fail_reason.clone(),
        settles: charge.due.map(|(at, outcome)| SavedSettle {
            at_ms: since_1970(at),
            outcome: match outcome {
                Outcome::Succeed => "SUCCEED",
                Outcome::Fail => "FAIL",
            }
            .to_owned(),
        }),
    }
}

fn saved_refund(refund: &Refund) -> SavedRefund {
    SavedRefund {
        id: refund.id.clone(),
        state: refund.state.to_owned(),
        amount: refund.amount,
        created_ms: since_1970(refund.created),
        updated_ms: refund.updated.map(since_1970),
        settles_ms: refund.due.map(since_1970),
    }
}

fn saved_card(card: &CardToken) -> SavedCard {
    SavedCard {
        card_id: card.card_id.clone(),
        token: card.token.clone(),
        masked_pan: card.masked_pan.clone(),
        fingerprint: card.fingerprint.clone(),
        status: card.status.to_owned(),
        behaviour: card.behaviour.name().to_owned(),
    }
}

/// The ids of the section: each one the simulator handed out (below the next id), and
/// none twice (payments, charges, refunds and card tokens share one sequence).
struct Ids {
    next: u64,
    seen: BTreeSet<u64>,
}

impl Ids {
    /// `text` as an id not seen before, or `None`.
    fn take(&mut self, text: &str) -> Option<u64> {
        let canonical = !text.is_empty()
            && text.len() <= 19
            && text.bytes().all(|b| b.is_ascii_digit())
            && !text.starts_with('0');
        let id = text.parse::<u64>().ok().filter(|_| canonical)?;
        let handed_out = (FIRST_PAYMENT_ID..self.next).contains(&id);
        (handed_out && self.seen.insert(id)).then_some(id)
    }

    /// Why [`take`](Ids::take) refused an id.
    fn why(&self) -> String {
        format!(
            "its id is not one the simulator handed out ({FIRST_PAYMENT_ID} to {}, in digits, \
             each once)",
            self.next - 1
        )
    }
}

/// `text` as one of `words` (their `'static` spelling), or `None`.
fn one_of(text: &str, words: &[&'static str]) -> Option<&'static str> {
    words.iter().copied().find(|word| *word == text)
}

/// `text` as one of `words`, or why not (`what` names the field).
fn word(text: &str, words: &[&'static str], what: &str) -> Result<&'static str, String> {
    one_of(text, words)
        .ok_or_else(|| format!("{what} is none the simulator knows ({})", words.join(", ")))
}

/// The time `ms` after 1970, or why not (`what` names the field).
fn time(ms: u64, what: &str) -> Result<SystemTime, String> {
    at(ms).ok_or_else(|| format!("{what} is out of range"))
}

/// Whether `url` is one the simulator made under `origin`.
fn under(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// A masked card number as the simulator writes them: six digits, six `*`, four digits.
fn is_masked_pan(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 16
        && bytes.iter().enumerate().all(|(index, b)| match index {
            6..=11 => *b == b'*',
            _ => b.is_ascii_digit(),
        })
}

/// A token as the simulator issues them: printable ASCII without spaces, bounded.
fn is_token(text: &str) -> bool {
    (1..=MAX_TOKEN).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

fn restore_payment(
    v4: &mut V4State,
    ids: &mut Ids,
    saved: SavedPayment,
    origin: &str,
) -> Result<(), String> {
    let id = saved.id;
    // The same limits as a create request's, read by the same code.
    let c = saved.customer;
    let request = CreatePayment {
        amount: saved.amount,
        currency: saved.currency,
        order_number: saved.order_number,
        _order_description: None,
        additional_params: Vec::new(),
        customer: Customer {
            email: c.email,
            first_name: c.first_name,
            last_name: c.last_name,
            phone_number: c.phone_number,
            city: c.city,
            street: c.street,
            postal_code: c.postal_code,
            country_code: c.country_code,
            customer_id: c.customer_id,
        },
        callback: Callback {
            notification_url: saved.notification_url,
            return_url: saved.return_url,
        },
    };
    request.check().map_err(|error| error.detail)?;
    let secret = saved.payment_secret;
    if !(1..=64).contains(&secret.len()) || !secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("its payment_secret is not 1 to 64 letters and digits".into());
    }
    if !under(&saved.gw_url, origin) {
        return Err("its gw_url does not start with the file's origin".into());
    }
    let charge = saved
        .charge
        .map(|charge| restore_charge(ids, charge, origin))
        .transpose()
        .map_err(|why| format!("its charge: {why}"))?;
    let payment = Payment {
        id: id.clone(),
        order_number: request.order_number,
        state: word(&saved.state, &PAYMENT_STATES, "its state")?,
        amount: request.amount,
        currency: request.currency,
        customer: request.customer,
        return_url: request.callback.return_url,
        notification_url: request.callback.notification_url,
        secret,
        gw_url: saved.gw_url,
        charge,
        paid_at: saved.paid_ms.map(|ms| time(ms, "paid_ms")).transpose()?,
        deadline: time(saved.timeout_ms, "timeout_ms")?,
    };
    // Settled and waiting refunds never exceed the payment (the sums cannot overflow).
    let mut reserved: i64 = 0;
    for (index, refund) in saved.refunds.into_iter().enumerate() {
        let refund_id = ids
            .take(&refund.id)
            .ok_or_else(|| format!("refund {index}: {}", ids.why()))?;
        let refund =
            restore_refund(&payment, refund).map_err(|why| format!("refund {refund_id}: {why}"))?;
        if matches!(refund.state, "SUCCESS" | "REQUESTED") {
            reserved = reserved
                .checked_add(refund.amount)
                .filter(|sum| *sum <= payment.amount)
                .ok_or_else(|| {
                    "its successful and requested refunds exceed its amount".to_owned()
                })?;
        }
        v4.refunds.insert(refund.id.clone(), refund);
    }
    v4.payments.insert(id, payment);
    Ok(())
}

fn restore_charge(ids: &mut Ids, saved: SavedCharge, origin: &str) -> Result<Charge, String> {
    ids.take(&saved.id).ok_or_else(|| ids.why())?;
    let state = word(&saved.state, &CHARGE_STATES, "its state")?;
    if saved
        .masked_pan
        .as_deref()
        .is_some_and(|pan| !is_masked_pan(pan))
    {
        return Err("its masked_pan is not a masked card number".into());
    }
    if saved
        .redirect_url
        .as_deref()
        .is_some_and(|url| !under(url, origin))
    {
        return Err("its redirect_url does not start with the file's origin".into());
    }
    if saved
        .fail_reason
        .as_deref()
        .is_some_and(|reason| reason.chars().count() > MAX_FAIL_REASON)
    {
        return Err(format!(
            "its fail_reason is longer than {MAX_FAIL_REASON} characters"
        ));
    }
    let due = match saved.settles {
        None => None,
        Some(_) if state != "PROCESSING" => {
            return Err("it settles later, but it is not PROCESSING".into())
        }
        Some(settle) => {
            let outcome = match settle.outcome.as_str() {
                "SUCCEED" => Outcome::Succeed,
                "FAIL" => Outcome::Fail,
                _ => return Err("its outcome is neither SUCCEED nor FAIL".into()),
            };
            Some((time(settle.at_ms, "its settle time")?, outcome))
        }
    };
    Ok(Charge {
        id: saved.id,
        state,
        input_type: word(&saved.input_type, &INPUT_TYPES, "its input_type")?,
        masked_pan: saved.masked_pan,
        action: saved
            .action
            .map(|action| word(&action, &ACTION_STATES, "its 3-D Secure action's state"))
            .transpose()?,
        redirect_url: saved.redirect_url,
        fail_reason: saved.fail_reason,
        due,
    })
}

fn restore_refund(payment: &Payment, saved: SavedRefund) -> Result<Refund, String> {
    let state = word(&saved.state, &REFUND_STATES, "its state")?;
    if saved.amount < 1 {
        return Err("its amount is below 1".into());
    }
    if saved.settles_ms.is_some() && state != "REQUESTED" {
        return Err("it settles later, but it is not REQUESTED".into());
    }
    Ok(Refund {
        id: saved.id,
        payment: payment.id.clone(),
        state,
        amount: saved.amount,
        currency: payment.currency.clone(),
        created: time(saved.created_ms, "created_ms")?,
        updated: saved
            .updated_ms
            .map(|ms| time(ms, "updated_ms"))
            .transpose()?,
        due: saved
            .settles_ms
            .map(|ms| time(ms, "settles_ms"))
            .transpose()?,
    })
}

fn restore_card(saved: SavedCard) -> Result<CardToken, String> {
    if !is_token(&saved.token) {
        return Err(format!(
            "its token is not 1 to {MAX_TOKEN} printable characters without spaces"
        ));
    }
    if !is_masked_pan(&saved.masked_pan) {
        return Err("its masked_pan is not a masked card number".into());
    }
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if saved.fingerprint.len() != 64 || !saved.fingerprint.bytes().all(hex) {
        return Err("its fingerprint is not 64 hexadecimal digits".into());
    }
    let Some(behaviour) = Behaviour::from_name(&saved.behaviour) else {
        return Err("its behaviour is none of FRICTIONLESS, CHALLENGE, DECLINED".into());
    };
    Ok(CardToken {
        card_id: saved.card_id,
        token: saved.token,
        masked_pan: saved.masked_pan,
        fingerprint: saved.fingerprint,
        status: word(&saved.status, &CARD_STATES, "its status")?,
        behaviour,
    })
}

fn restore_grant(v4: &V4State, saved: SavedGrant) -> Result<(String, Grant), String> {
    if !is_token(&saved.token) {
        return Err(format!(
            "it is not 1 to {MAX_TOKEN} printable characters without spaces"
        ));
    }
    if let Some(payment) = &saved.payment {
        if !v4.payments.contains_key(payment) {
            return Err("it is limited to a v4 payment the file does not hold".into());
        }
    }
    let allowed: &[&str] = match saved.payment {
        Some(_) => &PAYMENT_SCOPES,
        None => &MERCHANT_SCOPES,
    };
    if saved.scopes.is_empty() {
        return Err("it has no scope".into());
    }
    if let Some(index) = saved
        .scopes
        .iter()
        .position(|s| one_of(s, allowed).is_none())
    {
        return Err(format!(
            "its scope {index} is none its grant allows ({})",
            allowed.join(", ")
        ));
    }
    let grant = Grant {
        scopes: saved.scopes,
        payment: saved.payment,
        expires: time(saved.expires_ms, "expires_ms")?,
    };
    Ok((saved.token, grant))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8899";

    /// A change made to a valid section.
    type Change = fn(&mut Value);

    /// A valid section: a payment paid by an issued card with one refund requested, its
    /// card token suspended since, and a merchant and a payment token.
    fn section() -> Value {
        json!({
            "next_id": 9_400_000_005_u64,
            "payments": [{
                "id": "9400000001", "order_number": "A-1", "state": "PAID", "amount": 1000,
                "currency": "CZK", "customer": {"email": "a@b.cz", "first_name": null,
                "last_name": null, "phone_number": null, "city": null, "street": null,
                "postal_code": null, "country_code": "CZE", "customer_id": null},
                "return_url": "https://shop.example/return",
                "notification_url": "https://shop.example/notify",
                "payment_secret": "00112233445566778899aabbccddeeff",
                "gw_url": format!("{ORIGIN}/gw/v4/9400000001"),
                "charge": {"id": "9400000003", "state": "SUCCEEDED", "input_type": "CARD_TOKEN",
                    "masked_pan": "406821******1234", "action": "AUTHENTICATED_FRICTIONLESS",
                    "redirect_url": format!("{ORIGIN}/gw/v4/3ds/9400000001"),
                    "fail_reason": null, "settles": null},
                "paid_ms": 1_700_000_005_000_u64, "timeout_ms": 1_700_043_200_000_u64,
                "refunds": [{"id": "9400000004", "state": "REQUESTED", "amount": 1000,
                    "created_ms": 1_700_000_006_000_u64, "updated_ms": null,
                    "settles_ms": 1_700_000_011_000_u64}],
            }],
            "cards": [{"card_id": "9400000002", "token": "issued-card-token",
                "masked_pan": "406821******1234", "fingerprint": "ab".repeat(32),
                "status": "SUSPENDED", "behaviour": "DECLINED"}],
            "tokens": [
                {"token": "merchant.jwt.token", "scopes": ["payment:read", "card:write"],
                 "payment": null, "expires_ms": 1_700_001_800_000_u64},
                {"token": "payment.jwt.token", "scopes": ["payment:charge"],
                 "payment": "9400000001", "expires_ms": 1_700_001_800_000_u64},
            ],
        })
    }

    fn restored(section: &Value) -> Result<V4State, String> {
        let saved: SavedV4 = serde_json::from_value(section.clone()).map_err(|e| e.to_string())?;
        saved.restore(ORIGIN)
    }

    /// Why `section` after `change` is refused.
    fn refusal(change: impl FnOnce(&mut Value)) -> String {
        let mut changed = section();
        change(&mut changed);
        match restored(&changed) {
            Ok(_) => panic!("accepted: {changed}"),
            Err(why) => why,
        }
    }

    #[test]
    fn a_section_reads_back_as_it_was_written() {
        let v4 = restored(&section()).unwrap();
        assert_eq!(v4.next_id, 4);
        assert_eq!(v4.cards["9400000002"].status, "SUSPENDED");
        assert_eq!(v4.cards["9400000002"].behaviour, Behaviour::Declined);
        assert_eq!(
            v4.grants["payment.jwt.token"].payment.as_deref(),
            Some("9400000001")
        );
        assert_eq!(v4.refunds["9400000004"].currency, "CZK");
        let written = serde_json::to_value(SavedV4::of(&v4)).unwrap();
        assert_eq!(written, section());
        let counts = SavedV4::of(&v4).counts();
        assert_eq!(
            (counts.payments, counts.refunds, counts.cards, counts.tokens),
            (1, 1, 1, 2)
        );
        let empty: SavedV4 = SavedV4::default();
        assert_eq!(empty.restore(ORIGIN).unwrap().next_id, 0);
        // Saved before v4 notified: no notification URL, so nothing to notify.
        let mut older = section();
        older["payments"][0]
            .as_object_mut()
            .unwrap()
            .remove("notification_url");
        let v4 = restored(&older).unwrap();
        assert_eq!(v4.payments["9400000001"].notification_url, "");
    }

    #[test]
    fn ids_must_be_handed_out_once_each() {
        let refused = [
            refusal(|s| s["payments"][0]["id"] = json!("9400000005")),
            refusal(|s| s["payments"][0]["id"] = json!("09400000001")),
            refusal(|s| s["payments"][0]["id"] = json!("9400000000")),
            refusal(|s| s["cards"][0]["card_id"] = json!("9400000001")),
            refusal(|s| s["payments"][0]["charge"]["id"] = json!("9400000004")),
        ];
        for why in refused {
            assert!(why.contains("not one the simulator handed out"), "{why}");
        }
        assert!(refusal(|s| s["next_id"] = json!(5)).contains("next v4 id"));
        let twice = refusal(|s| {
            let token = s["tokens"][0].clone();
            s["tokens"][1] = token;
        });
        assert!(
            twice.contains("v4 access token 1 is there twice"),
            "{twice}"
        );
    }

    #[test]
    fn words_amounts_and_urls_are_checked() {
        let cases: [(Change, &str); 12] = [
            (
                |s| s["payments"][0]["state"] = json!("SETTLED"),
                "its state is none",
            ),
            (|s| s["payments"][0]["currency"] = json!("BGN"), "currency"),
            (
                |s| s["payments"][0]["order_number"] = json!(""),
                "order_number",
            ),
            (
                |s| s["payments"][0]["payment_secret"] = json!("a b"),
                "payment_secret",
            ),
            (
                |s| s["payments"][0]["gw_url"] = json!("javascript:alert(1)//"),
                "gw_url",
            ),
            (
                |s| s["payments"][0]["charge"]["redirect_url"] = json!("https://evil.example/x"),
                "redirect_url",
            ),
            (
                |s| s["payments"][0]["charge"]["action"] = json!("SKIPPED"),
                "3-D Secure action's state",
            ),
            (
                |s| {
                    s["payments"][0]["charge"]["settles"] =
                        json!({"at_ms": 1, "outcome": "SUCCEED"})
                },
                "not PROCESSING",
            ),
            (
                |s| s["payments"][0]["refunds"][0]["amount"] = json!(0),
                "below 1",
            ),
            (
                |s| s["payments"][0]["refunds"][0]["amount"] = json!(1001),
                "exceed its amount",
            ),
            (
                |s| s["tokens"][1]["scopes"] = json!(["card:write"]),
                "scope 0",
            ),
            (
                |s| s["tokens"][1]["payment"] = json!("9400000002"),
                "does not hold",
            ),
        ];
        for (change, expected) in cases {
            let why = refusal(change);
            assert!(why.contains(expected), "{expected}: {why}");
        }
    }

    #[test]
    fn a_card_token_that_would_break_its_answer_is_refused() {
        // The card's answer cuts the masked number after twelve bytes.
        for pan in ["4068", "406821******12ž", "4068211234561234"] {
            let why = refusal(|s| s["cards"][0]["masked_pan"] = json!(pan));
            assert!(why.contains("masked_pan"), "{pan}: {why}");
        }
        let why = refusal(|s| s["cards"][0]["fingerprint"] = json!("x"));
        assert!(why.contains("fingerprint"), "{why}");
        let why = refusal(|s| s["cards"][0]["token"] = json!("with space"));
        assert!(why.contains("its token"), "{why}");
    }

    #[test]
    fn urls_move_to_the_new_origin() {
        let mut v4 = restored(&section()).unwrap();
        move_origin(&mut v4, ORIGIN, "http://127.0.0.1:9000");
        let payment = &v4.payments["9400000001"];
        assert_eq!(payment.gw_url, "http://127.0.0.1:9000/gw/v4/9400000001");
        let charge = payment.charge.as_ref().unwrap();
        assert_eq!(
            charge.redirect_url.as_deref(),
            Some("http://127.0.0.1:9000/gw/v4/3ds/9400000001")
        );
    }
}
