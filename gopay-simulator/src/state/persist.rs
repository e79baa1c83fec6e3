//! The state file (`--state FILE`): the payments with everything the store keeps of them,
//! saved cards, access tokens, notifications, the id counters and the test clock, as
//! versioned JSON, and API v4's state in its `v4` section ([`SavedV4`]). Saved atomically
//! on request and on a clean stop, loaded at start.
//!
//! Every time in it is milliseconds since 1970 on the test clock (the real time plus the
//! `clock_offset_ms` the file also holds). The access tokens in it are secrets of a test
//! gateway: they are stored (so clients keep working across a restart), never shown, and
//! the file is readable by its owner only.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

// EET was abolished in 2023; the simulator still keeps the data for its EET endpoints.
#[allow(deprecated)]
use gopay::Eet;
use gopay::{Card, Currency, Item, Payment, Refund, Scope};

use crate::gateway::auth::Tokens;
use crate::gateway::notify::NotificationRecord;
use crate::gateway::v4::persist::{move_origin, SavedV4, V4Counts};
use crate::gateway::v4::state::V4State;
use crate::state::file::{self, FileError, Links};
use crate::state::shared::Shared;
use crate::state::store::{Kept, NextIds, Parts, Record, Store};
use crate::Error;

/// The version of the state file this simulator writes, and the only one it reads.
pub(crate) const VERSION: u64 = 1;

/// The furthest ahead the test clock of a state file may be (about a million years, ten
/// thousand of the largest clock steps): far beyond what tests move it, and well within the
/// platform's time arithmetic.
const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(1_000_000 * 365 * 86_400);

/// The file as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u64,
    /// The simulator's origin when it saved: `gw_url`s under it move to the next one.
    origin: String,
    /// How far the test clock was ahead of the real one.
    clock_offset_ms: u64,
    next_ids: SavedIds,
    payments: Vec<SavedPayment>,
    cards: Vec<Card>,
    tokens: Vec<SavedToken>,
    /// At most the simulator's bound when it saved; a file with more (a lower bound since)
    /// is trimmed at load as the running simulator trims: oldest finished first.
    notifications: Vec<NotificationRecord>,
    /// How many notifications were dropped to keep the bound (a file written before the
    /// bound has none).
    #[serde(default)]
    notifications_dropped: u64,
    /// API v4's payments, card tokens, access tokens and ids; a file written before they
    /// were kept has none.
    #[serde(default)]
    v4: SavedV4,
}

/// The ids each counter hands out next.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedIds {
    payment: u64,
    card: u64,
    refund: u64,
}

/// One payment: the wire view and what the gateway keeps to itself.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(deprecated)] // the `eet` field
struct SavedPayment {
    payment: Payment,
    amount: i64,
    currency: Currency,
    notification_url: Option<String>,
    return_url: Option<String>,
    items: Vec<Item>,
    created_ms: u64,
    paid_ms: Option<u64>,
    /// When it times out, while it waits for the customer.
    timeout_ms: Option<u64>,
    refunds: Vec<Refund>,
    refunded: i64,
    eet: Option<Eet>,
    /// The create body the shop sent, when it came through the API.
    request: Option<Value>,
    /// The key of its customer page.
    gateway_key: Option<String>,
}

/// One access token the simulator issued.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedToken {
    token: String,
    scope: Scope,
    expires_ms: u64,
}

/// What a save wrote, as `POST /_simulator/save` answers it.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Saved {
    pub(crate) payments: usize,
    pub(crate) cards: usize,
    pub(crate) tokens: usize,
    pub(crate) notifications: usize,
    pub(crate) v4: V4Counts,
}

/// Writes the simulator's state to `path` atomically (the old file stays whole when
/// anything fails). Saves happen one at a time, in the order their snapshots are taken.
///
/// # Errors
///
/// [`Error::File`] (file `"state"`) when the file cannot be written.
pub(crate) fn save(shared: &Shared, path: &Path) -> Result<Saved, Error> {
    let _one_at_a_time = shared.saving.lock();
    let state = snapshot(shared);
    let saved = Saved {
        payments: state.payments.len(),
        cards: state.cards.len(),
        tokens: state.tokens.len(),
        notifications: state.notifications.len(),
        v4: state.v4.counts(),
    };
    let bytes = serde_json::to_vec_pretty(&state).map_err(|_| {
        FileError::Format("cannot be written: the state is not expressible as JSON".into())
            .into_error("state", path)
    })?;
    file::replace(path, &bytes, &shared.random).map_err(|e| e.into_error("state", path))?;
    Ok(saved)
}

/// The state at one moment: the store, the tokens and v4 under their locks (in the order
/// every holder of several takes them), so that their clocks agree.
fn snapshot(shared: &Shared) -> StateFile {
    let (parts, tokens, v4) = {
        let tokens = shared.tokens.lock();
        let store = shared.store.lock();
        let v4 = shared.v4.lock();
        (store.parts(), tokens.saved(), SavedV4::of(&v4))
    };
    StateFile {
        version: VERSION,
        origin: shared.settings.origin.clone(),
        clock_offset_ms: millis(parts.clock_offset),
        next_ids: SavedIds {
            payment: parts.next_ids.payment,
            card: parts.next_ids.card,
            refund: parts.next_ids.refund,
        },
        payments: parts.payments.into_iter().map(saved_payment).collect(),
        cards: parts.cards,
        tokens: tokens
            .into_iter()
            .map(|(token, scope, expires)| SavedToken {
                token,
                scope,
                expires_ms: since_1970(expires),
            })
            .collect(),
        notifications: shared.notifier.log(),
        notifications_dropped: shared.notifier.dropped(),
        v4,
    }
}

fn saved_payment(kept: Kept) -> SavedPayment {
    let record = kept.record;
    SavedPayment {
        payment: record.payment,
        amount: record.amount,
        currency: record.currency,
        notification_url: record.notification_url,
        return_url: record.return_url,
        items: record.items,
        created_ms: since_1970(record.created),
        paid_ms: record.paid.map(since_1970),
        timeout_ms: kept.deadline.map(since_1970),
        refunds: record.refunds,
        refunded: record.refunded,
        eet: record.eet,
        request: kept.request,
        gateway_key: kept.gateway_key,
    }
}

/// A state file read at start, ready to be put into the simulator.
pub(crate) struct Loaded {
    origin: String,
    store: Store,
    tokens: Tokens,
    v4: V4State,
    notifications: Vec<NotificationRecord>,
    notifications_dropped: u64,
    /// How far the test clock was ahead of the real one (the notifications' clock too).
    clock_offset: Duration,
}

/// Reads the state file at `path`; `None` when there is none yet (a fresh start).
///
/// # Errors
///
/// [`Error::File`] (file `"state"`) when it exists but cannot be read, is a symbolic link
/// or not a regular file, is too large, is not JSON, has another `version`, or holds
/// values the simulator cannot take.
pub(crate) fn load(path: &Path) -> Result<Option<Loaded>, Error> {
    match file::read(path, Links::Refuse) {
        Ok(bytes) => parse(&bytes).map(Some),
        Err(problem) if problem.is_missing() => Ok(None),
        Err(problem) => Err(problem),
    }
    .map_err(|problem| problem.into_error("state", path))
}

fn parse(bytes: &[u8]) -> Result<Loaded, FileError> {
    check_version(bytes)?;
    let state: StateFile = serde_json::from_slice(bytes).map_err(|e| {
        FileError::Format(format!(
            "is not a state file this simulator reads: {}",
            redacted(&e)
        ))
    })?;
    restore(state).map_err(|why| FileError::Format(format!("cannot be restored: {why}")))
}

/// Only the `version` of a state file, whatever the rest holds.
#[derive(Deserialize)]
struct Versioned {
    version: Option<Value>,
}

/// Refuses JSON that is no state file, or a state file of another version, before its
/// content is read.
fn check_version(bytes: &[u8]) -> Result<(), FileError> {
    // Syntax errors name a position, never the text.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|e| FileError::Format(format!("is not JSON ({e})")))?;
    let not_an_object = || FileError::Format("is not a JSON object with a \"version\"".into());
    if !file::is_object(bytes) {
        return Err(not_an_object());
    }
    let versioned: Versioned = serde_json::from_slice(bytes).map_err(|_| not_an_object())?;
    match versioned.version {
        None => Err(FileError::Format(
            "has no \"version\": it is not a state file of the simulator".into(),
        )),
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => Ok(()),
        Some(Value::Number(n)) => Err(FileError::Version(format!(
            "has version {n}, and this simulator reads version {VERSION} only (another release \
             wrote it): use that release, or move the file away to start afresh"
        ))),
        Some(_) => Err(FileError::Version(
            "has a \"version\" that is not a number".into(),
        )),
    }
}

/// The state a file describes, checked.
fn restore(state: StateFile) -> Result<Loaded, String> {
    let clock_offset = Duration::from_millis(state.clock_offset_ms);
    if clock_offset > MAX_CLOCK_OFFSET {
        return Err(format!(
            "the test clock is more than {} days ahead",
            MAX_CLOCK_OFFSET.as_secs() / 86_400
        ));
    }
    let mut payments = Vec::with_capacity(state.payments.len());
    for saved in state.payments {
        let id = saved.payment.id;
        let time =
            |ms: u64| at(ms).ok_or_else(|| format!("a time of payment {id} is out of range"));
        payments.push(Kept {
            record: Record {
                payment: saved.payment,
                amount: saved.amount,
                currency: saved.currency,
                notification_url: saved.notification_url,
                return_url: saved.return_url,
                items: saved.items,
                created: time(saved.created_ms)?,
                paid: saved.paid_ms.map(time).transpose()?,
                refunds: saved.refunds,
                refunded: saved.refunded,
                eet: saved.eet,
            },
            request: saved.request,
            gateway_key: saved.gateway_key,
            deadline: saved.timeout_ms.map(time).transpose()?,
        });
    }
    let store = Store::from_parts(Parts {
        payments,
        cards: state.cards,
        next_ids: NextIds {
            payment: state.next_ids.payment,
            card: state.next_ids.card,
            refund: state.next_ids.refund,
        },
        clock_offset,
    })?;
    let mut tokens = Vec::with_capacity(state.tokens.len());
    for (index, saved) in state.tokens.into_iter().enumerate() {
        let expires = at(saved.expires_ms)
            .ok_or_else(|| format!("the expiry of token {index} is out of range"))?;
        tokens.push((saved.token, saved.scope, expires));
    }
    check_notifications(&state.notifications)?;
    let v4 = state.v4.restore(&state.origin)?;
    Ok(Loaded {
        origin: state.origin,
        store,
        tokens: Tokens::restored(tokens, clock_offset),
        v4,
        notifications: state.notifications,
        notifications_dropped: state.notifications_dropped,
        clock_offset,
    })
}

/// Refuses notifications the simulator never writes: two with one id (lookups go by id),
/// or one with more attempts than any simulator makes.
fn check_notifications(notifications: &[NotificationRecord]) -> Result<(), String> {
    let mut ids: Vec<u64> = notifications.iter().map(|n| n.id).collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!("two notifications have the id {}", pair[0]));
    }
    let most = crate::MAX_NOTIFICATION_ATTEMPTS as usize;
    match notifications.iter().find(|n| n.attempts.len() > most) {
        Some(n) => Err(format!(
            "notification {} has more than {most} attempts",
            n.id
        )),
        None => Ok(()),
    }
}

impl Loaded {
    /// Puts the state into a simulator that does not serve yet. The `gw_url`s under the
    /// origin it was saved with move to the simulator's origin (its port may be another).
    pub(crate) fn install(self, shared: &Shared) {
        let mut store = self.store;
        let mut v4 = self.v4;
        let (then, now) = (self.origin.as_str(), shared.settings.origin.as_str());
        if then != now {
            let ids: Vec<u64> = store.payments().map(|r| r.payment.id).collect();
            for id in ids {
                let Ok(record) = store.get_mut(id) else {
                    continue;
                };
                let moved = record
                    .payment
                    .gw_url
                    .as_deref()
                    .and_then(|url| url.strip_prefix(then))
                    .filter(|rest| rest.starts_with('/'))
                    .map(|rest| format!("{now}{rest}"));
                if moved.is_some() {
                    record.payment.gw_url = moved;
                }
            }
            move_origin(&mut v4, then, now);
        }
        {
            let mut tokens = shared.tokens.lock();
            let mut held_store = shared.store.lock();
            let mut held_v4 = shared.v4.lock();
            *held_v4 = v4;
            *held_store = store;
            *tokens = self.tokens;
        }
        shared.notifier.restore(
            self.notifications,
            self.notifications_dropped,
            self.clock_offset,
        );
    }
}

/// `time` in milliseconds since 1970 (0 for earlier times, which the simulator never makes).
pub(crate) fn since_1970(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, millis)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The time `ms` milliseconds after 1970, when the platform can represent it.
pub(crate) fn at(ms: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_millis(ms))
}

/// serde's message for `e` without any of the file's text: quoted strings, and the name
/// in "unknown field" and "unknown variant", become `…`. A token put where another value
/// belongs is then never shown.
fn redacted(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(start) = rest.find(['"', '`']) {
        out.push_str(&rest[..start]);
        let quote = &rest[start..=start];
        let body = &rest[start + 1..];
        let named = out.ends_with("unknown field ") || out.ends_with("unknown variant ");
        let end = if quote == "\"" {
            closing_quote(body)
        } else if named {
            // The name is not escaped: it ends where serde's own text resumes, the last
            // such place (the name itself may hold the same characters).
            ["`, expected", "`, there are no"]
                .iter()
                .filter_map(|tail| body.rfind(tail))
                .max()
                .or_else(|| body.rfind('`'))
        } else {
            body.find('`')
        };
        let Some(end) = end else {
            out.push_str(quote);
            out.push('…');
            rest = "";
            break;
        };
        out.push_str(quote);
        if quote == "\"" || named {
            out.push('…');
        } else {
            out.push_str(&body[..end]);
        }
        out.push_str(quote);
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Where the string that `body` starts inside ends: its closing, unescaped `"`.
fn closing_quote(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (index, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(index),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> String {
        match parse(text.as_bytes()) {
            Ok(_) => panic!("{text} was accepted"),
            Err(FileError::Format(message) | FileError::Version(message)) => message,
            Err(other) => panic!("{other:?}"),
        }
    }

    /// A minimal valid state file, with `extra` fields merged over it.
    fn state_with(extra: Value) -> String {
        let mut state = serde_json::json!({
            "version": VERSION,
            "origin": "http://127.0.0.1:1",
            "clock_offset_ms": 0,
            "next_ids": {"payment": 3_000_000_001_u64, "card": 3_011_000_001_u64, "refund": 4_000_000_001_u64},
            "payments": [],
            "cards": [],
            "tokens": [],
            "notifications": [],
        });
        if let (Value::Object(state), Value::Object(extra)) = (&mut state, extra) {
            state.extend(extra);
        }
        state.to_string()
    }

    #[test]
    fn garbage_and_other_versions_are_refused_clearly() {
        assert!(refusal("").starts_with("is not JSON"));
        assert!(refusal("\u{0}\u{1}garbage").starts_with("is not JSON"));
        assert_eq!(refusal("[1, 2]"), "is not a JSON object with a \"version\"");
        assert!(refusal("{}").contains("no \"version\""));
        assert!(refusal(r#"{"version": 2, "anything": true}"#).contains("has version 2"));
        assert!(refusal(r#"{"version": "1"}"#).contains("not a number"));
        assert!(refusal(&state_with(serde_json::json!({"extra": 1}))).contains("unknown field"));
        assert!(parse(state_with(Value::Null).as_bytes()).is_ok());
    }

    #[test]
    fn values_out_of_range_are_refused() {
        let payment = |id: u64, created_ms: u64| {
            serde_json::json!({"payments": [{
                "payment": {"id": id}, "amount": 1, "currency": "CZK",
                "notification_url": null, "return_url": null, "items": [],
                "created_ms": created_ms, "paid_ms": null, "timeout_ms": null,
                "refunds": [], "refunded": 0, "eet": null, "request": null,
                "gateway_key": null,
            }]})
        };
        assert!(parse(state_with(payment(7, 0)).as_bytes()).is_ok());
        assert!(refusal(&state_with(payment(u64::MAX, 0))).contains("out of range"));
        assert!(refusal(&state_with(payment(0, 0))).contains("out of range"));
        let ahead = serde_json::json!({"clock_offset_ms": u64::MAX});
        assert!(refusal(&state_with(ahead)).contains("test clock"));
        let ids = serde_json::json!({"next_ids": {"payment": 0, "card": 1, "refund": 1}});
        assert!(refusal(&state_with(ids)).contains("next payment id"));
        let twice = serde_json::json!({"cards": [{"card_id": 5}, {"card_id": 5}]});
        assert!(refusal(&state_with(twice)).contains("twice"));
    }

    #[test]
    fn notifications_the_simulator_never_writes_are_refused() {
        let notification = |id: u64, attempts: usize| {
            serde_json::json!({
                "id": id, "payment_id": 7, "url": "http://127.0.0.1:1/n?id=7",
                "payment_state": "PAID",
                "attempts": vec![serde_json::json!({
                    "at_ms": 1, "status": 500, "duration_ms": 1, "error": null,
                }); attempts],
                "delivered": false, "finished": true, "sent": true, "next_attempt_ms": null,
            })
        };
        let most = crate::MAX_NOTIFICATION_ATTEMPTS as usize;
        let fine = serde_json::json!({
            "notifications": [notification(2, most), notification(1, 0)],
            "notifications_dropped": 9,
        });
        let loaded = parse(state_with(fine).as_bytes()).unwrap();
        assert_eq!(
            (loaded.notifications.len(), loaded.notifications_dropped),
            (2, 9)
        );
        let same_id =
            serde_json::json!({"notifications": [notification(3, 0), notification(3, 1)]});
        assert_eq!(
            refusal(&state_with(same_id)),
            "cannot be restored: two notifications have the id 3"
        );
        let long = serde_json::json!({"notifications": [notification(4, most + 1)]});
        assert_eq!(
            refusal(&state_with(long)),
            format!("cannot be restored: notification 4 has more than {most} attempts")
        );
    }

    #[test]
    fn a_token_in_the_wrong_place_is_never_shown() {
        let secret = "c2VjcmV0LXRva2VuLXZhbHVl";
        for misplaced in [
            serde_json::json!({"clock_offset_ms": secret}),
            serde_json::json!({"tokens": [{"token": "t", "scope": "payment-all", "expires_ms": 1, secret: 1}]}),
            serde_json::json!({"cards": [{"card_id": secret}]}),
            serde_json::json!({"tokens": [{"token": 5, "scope": "payment-all", "expires_ms": secret}]}),
        ] {
            let message = refusal(&state_with(misplaced.clone()));
            assert!(!message.contains(secret), "{misplaced}: {message}");
            assert!(message.contains("line"), "{message}");
        }
    }

    /// Why `text` is not a `T`.
    fn error<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Error {
        match serde_json::from_str::<T>(text) {
            Ok(_) => panic!("{text} was read"),
            Err(e) => e,
        }
    }

    #[test]
    fn redaction_keeps_serde_s_own_words() {
        let e = error::<SavedIds>(r#"{"payment": 1, "card": 2}"#);
        assert_eq!(redacted(&e), "missing field `refund` at line 1 column 25");
        let e = error::<SavedIds>(r#"{"payment": "x\"y", "card": 2}"#);
        assert!(redacted(&e).starts_with("invalid type: string \"…\", expected u64"));
        let e = error::<SavedToken>(
            r#"{"token": "t", "scope": "payment-all", "expires_ms": 1, "a`, expected x": 1}"#,
        );
        let message = redacted(&e);
        assert!(
            message.starts_with("unknown field `…`, expected one of `token`"),
            "{message}"
        );
    }
}
